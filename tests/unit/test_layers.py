"""The layers import downwards only: storage knows nothing above it, and the programme's rules
and actions (bot/domain) know neither Telegram nor the catalogs (they return data and catalog
keys), nor the handlers and jobs that call them. No module imports itself back through others,
and no production file grows past what a reader takes in at once."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# A package, and the top-level modules its code may not import.
FORBIDDEN = {
    "storage": ("bot", "handlers", "scheduler"),  # fsm.py is aiogram's storage: it may
    "bot/domain": (
        "handlers",
        "scheduler",
        "aiogram",
        "bot.app",
        "bot.middlewares",
        "bot.i18n",
        "bot.rendering",
        "fluent",
    ),
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
OUTBOX_WRITES = {
    "add",
    "add_edit",
    "add_ready_text",
    "add_ready_texts",
    "release_held",
    "hold_pending",
}


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


PACKAGES = ("bot", "handlers", "storage", "scheduler")
MAX_LINES = 600


def _modules() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            name = ".".join(path.relative_to(ROOT).with_suffix("").parts)
            found[name.removesuffix(".__init__")] = path
    return found


def _imports_of(name: str, path: Path, modules: dict[str, Path]) -> set[str]:
    """The project's modules this one imports, at the top or inside a function alike (a
    package's `from package import submodule` depends on the submodules only)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module, *(f"{node.module}.{alias.name}" for alias in node.names)]
        found.update(imported for imported in names if imported in modules)
    return found - {name}


def test_no_module_imports_itself_back() -> None:
    modules = _modules()
    graph = {name: _imports_of(name, path, modules) for name, path in modules.items()}
    circles = []
    for start in graph:
        # Every module reached from `start`; a path back to it is a circle.
        seen: set[str] = set()
        todo = [(start, (start,))]
        while todo:
            name, path = todo.pop()
            for imported in graph[name]:
                if imported == start:
                    circles.append(" -> ".join((*path, start)))
                elif imported not in seen:
                    seen.add(imported)
                    todo.append((imported, (*path, imported)))
    assert circles == []


def test_no_production_file_is_over_600_lines() -> None:
    long = {
        str(path.relative_to(ROOT)): lines
        for path in _modules().values()
        if (lines := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert long == {}
