"""Command line: python -m bot run | demo | backup | migrate-to-postgres | city | optw | plan.

This module imports only the standard library and bot.config at start: each subcommand imports what it needs,
so a Python without the project's dependencies still gets ``--help`` and a one-line "how to run it" message
instead of ``ModuleNotFoundError``.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import logging
import os
import sys
from collections.abc import Sequence

from bot.config import DEFAULT_DATA_DIR, DEFAULT_DEMO_PORT, ConfigError, Settings, configure_logging
from bot.domain.shards import ShardError, Shards  # the standard library only

log = logging.getLogger("bot")

OUR_PACKAGES = frozenset({"bot", "cogs", "storage"})
EXIT_NOT_INSTALLED = 2
EXIT_BROKEN_PIPE = 128 + 13  # what a shell reports for a process ended by SIGPIPE, as `yes | head -1` does
NOT_INSTALLED = (
    "Listening Tour's dependencies are not installed here (no module named {module!r}): "
    "run `python3.11 dev.py start` (or use .venv/bin/python -m bot …)."
)

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
        epilog="`python -m bot COMMAND --help` describes each command's options. Configuration comes from "
        "environment variables; see README.md.",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    run = commands.add_parser(
        "run",
        help="run the bot on Discord (needs DISCORD_TOKEN)",
        description="Run the bot on Discord. Needs DISCORD_TOKEN; LT_DATA_DIR, DATABASE_URL, LT_DEV_GUILD_ID "
        "and LT_LOG_LEVEL are optional (README.md, 'Configuration'). Several processes (shards) share one "
        "PostgreSQL database: start each with the same --shard-count and its own --shard-ids.",
    )
    run.add_argument(
        "--shard-count",
        type=int,
        metavar="N",
        help="how many Discord shards the bot runs in all, over every process (default: no shards, one process)",
    )
    run.add_argument(
        "--shard-ids",
        metavar="IDS",
        help="the shards this process runs, e.g. 0 or 0,2; needs DATABASE_URL=postgresql://… when other processes "
        "run the others (default: all of them)",
    )
    demo = commands.add_parser(
        "demo",
        help="run the bot offline in a browser page, no token needed",
        description="Run the real bot offline against a simulated Discord, with a demo community, in a browser "
        "page on 127.0.0.1. Ctrl-C stops it; nothing is kept.",
    )
    demo.add_argument(
        "--port",
        type=_port,
        help=f"port on 127.0.0.1; a busy one is replaced by a free one, 0 picks any "
        f"(default: LT_DEMO_PORT, or {DEFAULT_DEMO_PORT})",
    )
    demo.add_argument(
        "--dms",
        metavar="CUSTOMER",
        help="show one demo customer's direct messages with the bot instead of the channel (ana, ben, chen, dara, "
        "eli, fatima, gus or hana): invitations, reminders, introductions, the card swap, \"did you connect?\" "
        "(default: the channel, where you switch between people)",
    )
    backup = commands.add_parser(
        "backup",
        help="copy the database safely while the bot may be running",
        description="Copy the SQLite database (DATABASE_URL, or LT_DATA_DIR/listening-tour.db) into a new file, "
        "consistently, even while the bot writes to it.",
    )
    backup.add_argument(
        "--output",
        metavar="FILE",
        help=f"the copy to write; it must not exist yet (default: <LT_DATA_DIR, or {DEFAULT_DATA_DIR}>"
        "/backups/listening-tour-<UTC time>.db)",
    )
    move = commands.add_parser(
        "migrate-to-postgres",
        help="copy the SQLite database into PostgreSQL",
        description="Copy every table of the SQLite database (LT_DATA_DIR/listening-tour.db, or --sqlite) into "
        "the PostgreSQL database named by --to (or POSTGRES_URL), then check row counts and sums per table. "
        "Stop the bot first. Refuses a target that already holds data unless --overwrite.",
    )
    move.add_argument(
        "--sqlite", metavar="FILE", help="the SQLite file to copy (default: LT_DATA_DIR/listening-tour.db)"
    )
    move.add_argument(
        "--to",
        metavar="URL",
        help="postgresql://user@host:5432/database[?schema=name] (default: POSTGRES_URL, or DATABASE_URL if it "
        "names PostgreSQL)",
    )
    move.add_argument(
        "--overwrite",
        action="store_true",
        help="empty the target's tables first, when they hold data from before (default: refuse)",
    )
    for name, (_, summary) in DELEGATED.items():
        commands.add_parser(name, help=summary, add_help=False)
    return parser


def _port(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a port number, got {text!r}") from None
    if not 0 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"a port goes from 0 to 65535, got {value}")
    return value


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command and return its exit status; the places below are the only ones that handle
    a closed output pipe and a Python without the project's dependencies, for every subcommand."""
    try:
        code = _main(argv)
        sys.stdout.flush()  # a reader that went away (`| head -1`) shows here at the latest, not at exit
    except BrokenPipeError:
        # Nobody reads any more: say nothing, and keep the interpreter's own final flush from complaining.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
        return EXIT_BROKEN_PIPE
    except ModuleNotFoundError as error:
        module = missing_dependency(error)
        if module is None:
            raise
        print(NOT_INSTALLED.format(module=module), file=sys.stderr)
        return EXIT_NOT_INSTALLED
    return code


def missing_dependency(error: ModuleNotFoundError) -> str | None:
    """The third-party package whose absence this is; None for our own modules and the standard library
    (a bug or a broken Python, which deserve their traceback)."""
    top = (error.name or "").partition(".")[0]
    if not top or top in OUR_PACKAGES or top in sys.stdlib_module_names:
        return None
    return top


def _main(argv: Sequence[str] | None) -> int:
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
        try:
            shards = Shards.parse(args.shard_count, args.shard_ids)
        except ShardError as error:
            print(f"run: {error}", file=sys.stderr)
            return 2
        if not shards.everything and not settings.uses_postgres:
            print(
                "run: other processes would run the other shards, and they can only share a PostgreSQL database: "
                "set DATABASE_URL=postgresql://… (README.md, 'Several processes')",
                file=sys.stderr,
            )
            return 2
        return _run(settings, shards)
    if args.command == "demo":
        # Importing simcord builds a throwaway discord.py client; its warnings (no voice, no intents) mean
        # nothing in the demo. The real bot's own warnings still show in `run`.
        for noisy in ("discord.client", "discord.state"):
            logging.getLogger(noisy).setLevel(logging.ERROR)
        from bot.demo.run import run_demo  # simcord is only imported for the demo

        port = settings.demo_port if args.port is None else args.port
        return asyncio.run(run_demo(settings, port, dms=args.dms))
    if args.command == "backup":
        from bot.cli.backup import backup_database

        return backup_database(settings, args.output)
    if args.command == "migrate-to-postgres":
        from bot.cli.move import migrate_to_postgres

        return migrate_to_postgres(settings, args.sqlite, args.to or os.environ.get("POSTGRES_URL"), args.overwrite)
    raise AssertionError(args.command)


def _run(settings: Settings, shards: Shards) -> int:
    if settings.discord_token is None:
        print(
            "DISCORD_TOKEN is not set. Put your bot's token in the DISCORD_TOKEN environment variable "
            "(see README.md, 'Running it for real'), or try `python -m bot demo` to run offline.",
            file=sys.stderr,
        )
        return 2
    from bot.runtime import build_bot, running_store

    async def go(token: str) -> None:
        async with running_store(settings) as db, build_bot(settings, db, shards=shards) as bot:
            await bot.start(token)

    try:
        asyncio.run(go(settings.discord_token))
    except KeyboardInterrupt:
        log.info("stopped")
    return 0


if __name__ == "__main__":
    sys.exit(main())
