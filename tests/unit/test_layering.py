"""domain/, services/ and storage/ never import discord: the rules stay testable without Discord."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LAYERS = [ROOT / "bot" / "domain", ROOT / "bot" / "services", ROOT / "storage"]


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text("utf-8"), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def test_pure_layers_never_import_discord() -> None:
    files = [path for layer in LAYERS for path in layer.rglob("*.py")]
    assert len(files) >= 5  # the check really looked at something

    offenders = {
        str(path.relative_to(ROOT)): sorted(m for m in imported_modules(path) if m.split(".")[0] == "discord")
        for path in files
    }

    assert {path: mods for path, mods in offenders.items() if mods} == {}


def test_the_check_catches_a_discord_import(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text("from discord.ext import commands\nimport discord.ui as ui\n")

    assert imported_modules(sample) == {"discord.ext", "discord.ui"}
