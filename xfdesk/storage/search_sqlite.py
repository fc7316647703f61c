"""SQLite-only full-text search (FTS5 trigram + pinyin initials). All SQLite-specific SQL of xfdesk lives here."""

from __future__ import annotations


def create_index(bind) -> None:  # noqa: ANN001
    """Create the FTS5 tables and triggers (called by the initial migration on SQLite)."""
