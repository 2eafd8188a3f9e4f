#!/usr/bin/env python3.11
"""The two commands of the quick start. Each one sets itself up first.

    python3.11 dev.py start   # the bot: offline demo in a browser, or the real bot if DISCORD_TOKEN is set
    python3.11 dev.py test    # lint, type check, architecture contracts, the whole test suite (with short benchmarks)

Setting up means: create .venv with this Python if it is missing, and (re)install the project from
pyproject.toml whenever that file changed since the last install. `start` installs what running needs;
`test` also installs the test tools (the `test` extra). Nothing else needs to be installed.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
PYTHON = VENV / "bin" / "python"
# One stamp per kind of install, holding the hash of the pyproject.toml it installed. The `test` one keeps the
# name earlier versions gave their (always full) install, so an existing .venv is not reinstalled for nothing.
STAMPS = {"start": VENV / ".listening-tour-installed-start", "test": VENV / ".listening-tour-installed"}
# What each command installs; `test`'s install includes `start`'s, so it covers both.
TARGETS = {"start": str(ROOT), "test": f"{ROOT}[test]"}
COVERED_BY = {"start": ("start", "test"), "test": ("test",)}
USAGE = "usage: python3.11 dev.py start [demo options, e.g. --dms ana] | test [pytest arguments…]"
# import-linter's `lint-imports`, run with the venv's Python (the contracts are in pyproject.toml).
LINT_IMPORTS = "import sys; from importlinter.cli import lint_imports_command as run; sys.exit(run())"


def ensure_python_311() -> None:
    if sys.version_info[:2] == (3, 11):
        return
    other = shutil.which("python3.11")
    if other is None:
        sys.exit(f"Listening Tour needs Python 3.11; this is {sys.version.split()[0]} and python3.11 is not on PATH.")
    os.execv(other, [other, *sys.argv])  # noqa: S606 - re-run this same script with Python 3.11


def pyproject_hash() -> str:
    return hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()


def installed() -> dict[str, str]:
    """The pyproject.toml hash each kind of install was made from (none when there is no venv)."""
    if not PYTHON.exists():
        return {}
    return {kind: stamp.read_text().strip() for kind, stamp in STAMPS.items() if stamp.exists()}


def needs_install(command: str, wanted: str, stamps: dict[str, str]) -> bool:
    """Whether `command` must (re)install: no install that covers it was made from this pyproject.toml."""
    return not any(stamps.get(kind) == wanted for kind in COVERED_BY[command])


def ensure_environment(command: str) -> None:
    wanted = pyproject_hash()
    if not needs_install(command, wanted, installed()):
        return
    if not PYTHON.exists():
        print("Creating the virtual environment in .venv …", flush=True)
        venv.EnvBuilder(with_pip=True, clear=VENV.exists()).create(VENV)
    what = "Listening Tour and its dependencies" + (" and test tools" if command == "test" else "")
    print(f"Installing {what} from pyproject.toml …", flush=True)
    pip_install(TARGETS[command])
    STAMPS[command].write_text(wanted + "\n")


def pip_install(target: str) -> None:
    pip = [str(PYTHON), "-m", "pip", "install", "--disable-pip-version-check", "--quiet"]
    subprocess.run([*pip, "-e", target], check=True)  # noqa: S603 - our own venv's pip


def run(*args: str) -> int:
    return subprocess.run([str(PYTHON), *args], cwd=ROOT, check=False).returncode  # noqa: S603


def start(demo_args: list[str]) -> int:
    if os.environ.get("DISCORD_TOKEN", "").strip():
        return run("-m", "bot", "run")
    print("DISCORD_TOKEN is not set: starting the offline demo.", flush=True)
    return run("-m", "bot", "demo", *demo_args)


def test(pytest_args: list[str]) -> int:
    steps = [
        ("ruff (lint)", ["-m", "ruff", "check", "."]),
        ("mypy (types)", ["-m", "mypy"]),
        ("import-linter (the layers of DESIGN §5)", ["-c", LINT_IMPORTS]),
        ("pytest", ["-m", "pytest", *pytest_args]),
    ]
    for title, args in steps:
        print(f"== {title}", flush=True)
        code = run(*args)
        if code != 0:
            print(f"== {title} failed (exit {code})", flush=True)
            return code
    return 0


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in {"start", "test"}:
        print(USAGE, file=sys.stderr)
        return 2
    ensure_python_311()
    ensure_environment(argv[0])
    return start(argv[1:]) if argv[0] == "start" else test(argv[1:])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
