"""The layers stay apart: the domain core imports no UI, no database and does no I/O; services import no UI."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import xfdesk

PACKAGE = Path(xfdesk.__file__).parent
FORBIDDEN_IN_DOMAIN = ("textual", "rich", "sqlmodel", "sqlalchemy", "alembic", "typer", "docx", "docxtpl",
                       "sqlite3", "subprocess", "socket", "xfdesk.storage", "xfdesk.services", "xfdesk.tui",
                       "xfdesk.cli", "xfdesk.documents")
IO_CALLS = {"open", "print", "input"}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def _forbidden(names: set[str], prefixes: tuple[str, ...]) -> set[str]:
    return {n for n in names if any(n == p or n.startswith(p + ".") for p in prefixes)}


def test_domain_imports_nothing_outside_the_core():
    offenders = {}
    for path in sorted((PACKAGE / "domain").glob("*.py")):
        bad = _forbidden(_imports(path), FORBIDDEN_IN_DOMAIN)
        if bad:
            offenders[path.name] = sorted(bad)
    assert offenders == {}


def test_domain_does_no_io():
    offenders = []
    for path in sorted((PACKAGE / "domain").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in IO_CALLS:
                offenders.append(f"{path.name}:{node.lineno} {node.func.id}()")
            if isinstance(node, ast.Attribute) and node.attr in {"read_text", "write_text", "read_bytes",
                                                                 "write_bytes", "mkdir", "unlink"}:
                offenders.append(f"{path.name}:{node.lineno} .{node.attr}")
    assert offenders == []


def test_services_and_storage_do_not_import_the_ui():
    offenders = {}
    for folder in ("services", "storage", "documents"):
        for path in sorted((PACKAGE / folder).rglob("*.py")):
            bad = _forbidden(_imports(path), ("textual", "xfdesk.tui", "xfdesk.cli"))
            if bad:
                offenders[str(path.relative_to(PACKAGE))] = sorted(bad)
    assert offenders == {}


def test_importing_the_core_loads_no_textual_or_sqlalchemy():
    """Checked in a fresh interpreter, as harlequin does: what the core pulls in at import time."""
    code = (
        "import importlib, json, pkgutil, sys, xfdesk.domain as d\n"
        "for m in pkgutil.iter_modules(d.__path__): importlib.import_module('xfdesk.domain.' + m.name)\n"
        "print(json.dumps(sorted(k for k in sys.modules if k.split('.')[0] in "
        "('textual', 'sqlalchemy', 'sqlmodel', 'rich', 'docx'))))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert json.loads(out) == []


def test_sqlite_only_sql_lives_in_the_search_module():
    """FTS5 and other SQLite-only statements stay in storage/search_sqlite.py, so PostgreSQL runs the rest."""
    offenders = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if path.name in ("search_sqlite.py", "db.py", "doctor.py") or "migrations" in path.parts:
            continue
        if path.relative_to(PACKAGE).as_posix() == "storage/backup.py":  # copies of the SQLite file itself
            continue
        text = path.read_text(encoding="utf-8")
        for marker in ("fts5", "MATCH ", "PRAGMA", "sqlite_master"):
            if marker in text:
                offenders.append(f"{path.relative_to(PACKAGE)}: {marker}")
    assert offenders == []


def test_tui_and_cli_hold_no_sql():
    """Screens and commands call services; they never open sessions, build queries or touch the tables."""
    offenders = {}
    for folder in ("tui", "cli"):
        for path in sorted((PACKAGE / folder).rglob("*.py")):
            text = path.read_text(encoding="utf-8")
            bad = sorted(_forbidden(_imports(path), ("sqlmodel", "sqlalchemy.orm", "sqlalchemy.sql",
                                                     "xfdesk.storage")))
            bad += [marker for marker in (".db.read(", ".db.write(", "select(") if marker in text]
            if bad:
                offenders[str(path.relative_to(PACKAGE))] = bad
    assert offenders == {}


# The same guards CI relies on, run by the one test command (README and .ci/run): import-linter's layer and
# no-cycle contracts ([tool.importlinter] in pyproject.toml) and ruff's checks ([tool.ruff]).
_BIN = Path(sys.executable).parent
_ROOT = PACKAGE.parent


def _tool(name: str) -> list[str]:
    exe = _BIN / name
    return [str(exe)] if exe.exists() else [sys.executable, "-m", name.replace("-", "_")]


def test_import_linter_contracts_are_kept():
    run = subprocess.run([*_tool("lint-imports"), "--no-cache"], cwd=_ROOT, capture_output=True, text=True)
    assert run.returncode == 0, run.stdout + run.stderr


def test_ruff_finds_nothing():
    run = subprocess.run([*_tool("ruff"), "check", "xfdesk", "tests"], cwd=_ROOT, capture_output=True, text=True)
    assert run.returncode == 0, run.stdout + run.stderr
