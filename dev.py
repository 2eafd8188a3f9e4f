#!/usr/bin/env python3.11
"""The two commands of the quick start. Each one sets itself up first.

    python3.11 dev.py start   # the bot: offline demo in a browser, or the real bot if DISCORD_TOKEN is set
    python3.11 dev.py test    # lint, type check, architecture contracts, the whole test suite (with short benchmarks)

Setting up means: create .venv with this Python if it is missing, and (re)install the project from
pyproject.toml whenever that file changed since the last install. Nothing else needs to be installed.
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
STAMP = VENV / ".listening-tour-installed"
USAGE = "usage: python3.11 dev.py start | test [pytest arguments…]"
# import-linter's `lint-imports`, run with the venv's Python (the contracts are in pyproject.toml).
LINT_IMPORTS = "import sys; from importlinter.cli import lint_imports_command as run; sys.exit(run())"


def ensure_python_311() -> None:
    if sys.version_info[:2] == (3, 11):
        return
    other = shutil.which("python3.11")
    if other is None:
        sys.exit(f"Listening Tour needs Python 3.11; this is {sys.version.split()[0]} and python3.11 is not on PATH.")
    os.execv(other, [other, *sys.argv])  # noqa: S606 - re-run this same script with Python 3.11


def ensure_environment() -> None:
    wanted = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if PYTHON.exists() and STAMP.exists() and STAMP.read_text().strip() == wanted:
        return
    if not PYTHON.exists():
        print("Creating the virtual environment in .venv …", flush=True)
        venv.EnvBuilder(with_pip=True, clear=VENV.exists()).create(VENV)
    print("Installing Listening Tour and its dependencies from pyproject.toml …", flush=True)
    pip = [str(PYTHON), "-m", "pip", "install", "--disable-pip-version-check", "--quiet"]
    subprocess.run([*pip, "-e", f"{ROOT}[test]"], check=True)  # noqa: S603 - our own venv's pip
    STAMP.write_text(wanted + "\n")


def run(*args: str) -> int:
    return subprocess.run([str(PYTHON), *args], cwd=ROOT, check=False).returncode  # noqa: S603


def start() -> int:
    if os.environ.get("DISCORD_TOKEN", "").strip():
        return run("-m", "bot", "run")
    print("DISCORD_TOKEN is not set: starting the offline demo.", flush=True)
    return run("-m", "bot", "demo")


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
    ensure_environment()
    return start() if argv[0] == "start" else test(argv[1:])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
