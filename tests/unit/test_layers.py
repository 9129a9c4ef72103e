"""The layers import downwards only: storage knows nothing above it, and the programme's rules
and actions (bot/domain) know neither Telegram nor the handlers and jobs that call them."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# A package, and the top-level modules its code may not import.
FORBIDDEN = {
    "storage": ("bot", "handlers", "scheduler"),  # fsm.py is aiogram's storage: it may
    "bot/domain": ("handlers", "scheduler", "aiogram", "bot.app", "bot.middlewares"),
    "scheduler": ("handlers",),
}


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_a_layer_imports_nothing_from_above_it(package: str) -> None:
    offences = []
    for path in sorted((ROOT / package).rglob("*.py")):
        for module in imported_modules(path):
            if any(module == bad or module.startswith(bad + ".") for bad in FORBIDDEN[package]):
                offences.append(f"{path.relative_to(ROOT)} imports {module}")
    assert offences == []
