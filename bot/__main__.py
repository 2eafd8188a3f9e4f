"""Command line: python -m bot run | demo | backup | city | optw | plan."""

from __future__ import annotations

import argparse
import asyncio
import importlib
import logging
import os
import sys
from collections.abc import Sequence

from bot.config import ConfigError, Settings, configure_logging

log = logging.getLogger("bot")

# Subcommands implemented by their own module's main(argv) (each with its own --help).
DELEGATED = {
    "city": ("bot.cli.city", "resolve city names: city [--json] QUERY [QUERY …]"),
    "optw": ("bot.cli.optw", "solve an orienteering-with-time-windows instance file"),
    "plan": ("bot.cli.plan", "plan a tour from a customer CSV, without Discord"),
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bot",
        description="Listening Tour: a Discord bot for customer listening tours.",
        epilog="Configuration comes from environment variables; see README.md.",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    commands.add_parser("run", help="run the bot on Discord (needs DISCORD_TOKEN)")
    demo = commands.add_parser("demo", help="run the bot offline in a browser page, no token needed")
    demo.add_argument("--port", type=int, help="port on 127.0.0.1 (default: LT_DEMO_PORT or 8765; 0 = any)")
    backup = commands.add_parser("backup", help="copy the database safely while the bot may be running")
    backup.add_argument("--output", help="file to write (default: DATA_DIR/backups/listening-tour-<time>.db)")
    for name, (_, summary) in DELEGATED.items():
        commands.add_parser(name, help=summary, add_help=False)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] in DELEGATED:  # these parse their own arguments (including `--` literals)
        module = importlib.import_module(DELEGATED[argv[0]][0])
        result: int = module.main(argv[1:])
        return result
    args = build_parser().parse_args(argv)
    try:
        settings = Settings.from_env(os.environ)
    except ConfigError as error:
        print(f"Configuration error: {error}", file=sys.stderr)
        return 2
    configure_logging(settings)
    if args.command == "run":
        return _run(settings)
    if args.command == "demo":
        # Importing simcord builds a throwaway discord.py client; its warnings (no voice, no intents) mean
        # nothing in the demo. The real bot's own warnings still show in `run`.
        for noisy in ("discord.client", "discord.state"):
            logging.getLogger(noisy).setLevel(logging.ERROR)
        from bot.demo.run import run_demo  # simcord is only imported for the demo

        port = settings.demo_port if args.port is None else args.port
        return asyncio.run(run_demo(settings, port))
    if args.command == "backup":
        from bot.cli.backup import backup_database

        return backup_database(settings, args.output)
    raise AssertionError(args.command)


def _run(settings: Settings) -> int:
    if settings.discord_token is None:
        print(
            "DISCORD_TOKEN is not set. Put your bot's token in the DISCORD_TOKEN environment variable "
            "(see README.md, 'Running it for real'), or try `python -m bot demo` to run offline.",
            file=sys.stderr,
        )
        return 2
    from bot.runtime import build_bot, running_store

    async def go(token: str) -> None:
        async with running_store(settings) as db, build_bot(settings, db) as bot:
            await bot.start(token)

    try:
        asyncio.run(go(settings.discord_token))
    except KeyboardInterrupt:
        log.info("stopped")
    return 0


if __name__ == "__main__":
    sys.exit(main())
