"""Unsaved drafts of the desk's forms (登记 and a reception day's walk-in 现场登记), offered back at start, each
restored into the form it was typed in. Kept apart from both forms so that neither imports the other."""

from __future__ import annotations

from xfdesk.domain.reception import date_label
from xfdesk.services import drafts as draft_store
from xfdesk.tui.screens.reception_walkin import WALK_IN_DRAFT_PREFIX, open_walk_in, walk_in_draft_day
from xfdesk.tui.screens.register import DRAFT_KIND


def desk_drafts(home) -> list[draft_store.Draft]:  # noqa: ANN001
    """Unsaved drafts of the registration and the walk-in forms, newest first (offered back at start)."""
    found = draft_store.list_drafts(home, DRAFT_KIND) + draft_store.list_drafts_starting(home, WALK_IN_DRAFT_PREFIX)
    return sorted(found, key=lambda d: d.saved_at, reverse=True)


def draft_title(draft: draft_store.Draft) -> str:
    """What the draft is, in the clerk's words (登记 / 某日现场登记)."""
    day = walk_in_draft_day(draft)
    if day is None:
        return "登记"
    return f"{date_label(day)}领导接访现场登记"


def open_draft(app, draft: draft_store.Draft) -> None:  # noqa: ANN001
    """Continue a draft in the form it was typed in: a walk-in goes back to its reception day."""
    day = walk_in_draft_day(draft)
    if day is None:
        app.action_register(draft=draft)
    else:
        open_walk_in(app, day, draft=draft)
