"""Screens read the office's data once when they open; brought back to the top (a form or another screen closed
over them) they read it again only if something was written since, by this desk or another, or the day turned.

Textual sends ``ScreenResume`` the first time a screen is shown as well, just after ``on_mount`` has loaded it:
reloading on every resume read every screen twice, and again on every return even when nothing had changed.
A screen's load calls ``mark_read(self, ctx)`` as it begins (what it shows is as of that version: a write that
lands while it reads shows at the next return) and ``on_screen_resume`` reloads only ``if changed_since_read``.
"""

from __future__ import annotations

_ATTRIBUTE = "_xfdesk_read_version"


def mark_read(screen: object, ctx) -> None:  # noqa: ANN001
    """The screen is about to read its rows: remember the data version they are read at."""
    setattr(screen, _ATTRIBUTE, _version(ctx))


def changed_since_read(screen: object, ctx) -> bool:  # noqa: ANN001
    """True when the rows shown may be out of date (never read, a write committed since, another day)."""
    seen = getattr(screen, _ATTRIBUTE, None)
    if seen is None or ctx is None:
        return True
    now = _version(ctx)
    return now is None or now != seen


def _version(ctx) -> tuple | None:  # noqa: ANN001
    if ctx is None:
        return None
    from xfdesk.services.desk_queries import data_version

    try:
        return data_version(ctx)
    except Exception:  # noqa: BLE001 - the version is only a shortcut: when it cannot be read, read the rows again
        return None
