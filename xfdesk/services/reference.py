"""Reference data the office edits itself (categories, villages, units), read from ``data/``.

A file in the data folder's ``data/`` wins over the shipped one of the same name.
"""

from __future__ import annotations

import tomllib
from functools import lru_cache
from pathlib import Path

from sqlmodel import select

from xfdesk.paths import Home
from xfdesk.storage.models import Unit


@lru_cache(maxsize=32)
def _read_toml(path: Path, _mtime: float) -> dict:
    with path.open("rb") as f:
        return tomllib.load(f)


def read_data(home: Home, name: str) -> dict:
    path = home.data_file(name)
    if not path.exists():
        return {}
    return _read_toml(path, path.stat().st_mtime)


def categories(home: Home) -> list[str]:
    return list(read_data(home, "categories.toml").get("categories", []))


def villages(home: Home) -> list[str]:
    return list(read_data(home, "villages.toml").get("villages", []))


def unit_entries(home: Home) -> list[dict]:
    return list(read_data(home, "units.toml").get("units", []))


def sync_units(ctx) -> None:  # noqa: ANN001  (AppContext; imported lazily to avoid a cycle)
    """Insert the units of units.toml that the database does not know yet (units are never deleted)."""
    entries = unit_entries(ctx.home)
    with ctx.db.read() as session:
        known = set(session.exec(select(Unit.name)))
    new = [e for e in entries if e.get("name") and e["name"] not in known]
    if not new:
        return
    with ctx.db.write() as session:
        for e in new:
            session.add(Unit(name=e["name"], kind=e.get("kind", ""), head=e.get("head", ""),
                             phone=e.get("phone", "")))


def find_unit(ctx, name_or_id: str | int) -> Unit | None:  # noqa: ANN001
    """A responsible unit by its exact name, or by id."""
    text = str(name_or_id).strip()
    with ctx.db.read() as session:
        unit = session.exec(select(Unit).where(Unit.name == text)).first()
        if unit is None and text.isdigit():
            unit = session.get(Unit, int(text))
        return unit
