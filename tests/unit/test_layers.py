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


# What queues into the outbox: only bot/domain/notify.py (storage/ is where it is written).
OUTBOX_WRITES = {"add", "add_edit", "add_ready_text", "add_ready_texts", "release_held"}


def test_only_notify_queues_into_the_outbox() -> None:
    offences = []
    for package in ("bot", "handlers", "scheduler"):
        for path in sorted((ROOT / package).rglob("*.py")):
            if path == ROOT / "bot" / "domain" / "notify.py":
                continue
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if (
                    isinstance(node, ast.Attribute)
                    and node.attr in OUTBOX_WRITES
                    and isinstance(node.value, ast.Attribute)
                    and node.value.attr == "outbox"
                ):
                    offences.append(f"{path.relative_to(ROOT)}:{node.lineno} outbox.{node.attr}")
    assert offences == []
