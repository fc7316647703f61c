"""Drafts of forms being typed, kept on disk so a crash or a power cut never loses a clerk's work.

A draft is a small JSON file in the data folder's ``drafts/``. Writing is atomic (temporary file in the same folder,
fsync, ``os.replace``, fsync of the folder where the system allows it): after a power cut the file is either the old
draft or the new one, never half of each. A draft is deleted once the form has been saved.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from xfdesk.paths import Home

DRAFT_SUFFIX = ".json"
_UNSAFE = re.compile(r'[\\/:*?"<>|\s\x00-\x1f]+')


@dataclass(frozen=True)
class Draft:
    kind: str  # which form, e.g. "registration"
    owner: str  # operator who typed it
    saved_at: dt.datetime
    data: dict[str, Any]
    path: Path


def draft_path(home: Home, kind: str, owner: str) -> Path:
    """One draft per form kind and operator (two clerks on one data folder do not overwrite each other)."""
    safe_owner = _UNSAFE.sub("_", owner).strip("._") or "_"
    return home.drafts / f"{kind}--{safe_owner}{DRAFT_SUFFIX}"


def save_draft(home: Home, kind: str, owner: str, data: dict[str, Any]) -> Path:
    """Write the draft atomically; returns its path."""
    target = draft_path(home, kind, owner)
    target.parent.mkdir(parents=True, exist_ok=True)
    payload = {
        "kind": kind,
        "owner": owner,
        "saved_at": dt.datetime.now().replace(microsecond=0).isoformat(),
        "data": data,
    }
    fd, tmp_name = tempfile.mkstemp(prefix=".tmp-", suffix=DRAFT_SUFFIX, dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(payload, f, ensure_ascii=False, indent=1)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp_name, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp_name)
        raise
    _fsync_dir(target.parent)
    return target


def _fsync_dir(folder: Path) -> None:
    # Makes the rename itself durable on POSIX; Windows cannot open a folder for fsync, and NTFS journals renames.
    if os.name == "nt":
        return
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def read_draft(path: Path) -> Draft | None:
    """A draft file, or None when it is unreadable (a damaged draft must not stop the program from starting)."""
    try:
        payload = json.loads(path.read_text(encoding="utf-8"))
        saved_at = dt.datetime.fromisoformat(payload["saved_at"])
        data = payload["data"]
        if not isinstance(data, dict):
            return None
        return Draft(str(payload["kind"]), str(payload["owner"]), saved_at, data, path)
    except (OSError, ValueError, KeyError, TypeError):
        return None


def load_draft(home: Home, kind: str, owner: str) -> Draft | None:
    path = draft_path(home, kind, owner)
    return read_draft(path) if path.exists() else None


def list_drafts(home: Home, kind: str) -> list[Draft]:
    """Every readable draft of a form kind, newest first."""
    if not home.drafts.exists():
        return []
    drafts = [d for p in home.drafts.glob(f"{kind}--*{DRAFT_SUFFIX}") if (d := read_draft(p)) is not None]
    return sorted(drafts, key=lambda d: d.saved_at, reverse=True)


def list_drafts_starting(home: Home, prefix: str) -> list[Draft]:
    """Every readable draft whose kind starts with ``prefix`` (a form with one draft per day, say), newest first."""
    if not home.drafts.exists():
        return []
    found = (read_draft(p) for p in home.drafts.glob(f"{prefix}*--*{DRAFT_SUFFIX}"))
    drafts = [d for d in found if d is not None and d.kind.startswith(prefix)]
    return sorted(drafts, key=lambda d: d.saved_at, reverse=True)


def delete_draft(path: Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        path.unlink()
    _fsync_dir(path.parent)


def discard_draft(path: Path) -> Path | None:
    """Set a draft aside (the clerk declined to restore it) without destroying it: moved to ``drafts/discarded``."""
    if not path.exists():
        return None
    target_dir = path.parent / "discarded"
    target_dir.mkdir(exist_ok=True)
    target = target_dir / f"{dt.datetime.now():%Y%m%d-%H%M%S-%f}-{path.name}"
    os.replace(path, target)
    _fsync_dir(path.parent)
    return target
