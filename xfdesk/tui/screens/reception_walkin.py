"""现场登记: a petitioner who comes on the reception day without booking, on the ordinary registration form.

The form is the registration screen's (same fields, search, drafts and error display); only saving differs: the
contact is registered with channel 领导接访 and seated with the day's leader by ``services.reception``.
The draft is the walk-in's own, one per reception day: an interrupted walk-in comes back as a walk-in of that day
(never as an ordinary registration), and an ordinary registration draft never fills this form.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from textual.widgets import Input

from xfdesk.domain.glossary import Channel
from xfdesk.domain.reception import BookingRefused, date_label
from xfdesk.services import drafts as draft_store
from xfdesk.tui.screens.register import RegisterScreen

WALK_IN_DRAFT_PREFIX = "walk_in-"


def walk_in_draft_kind(day: dt.date) -> str:
    return f"{WALK_IN_DRAFT_PREFIX}{day.isoformat()}"


def walk_in_draft_day(draft: draft_store.Draft) -> dt.date | None:
    """The reception day a walk-in draft belongs to; None for any other draft."""
    if not draft.kind.startswith(WALK_IN_DRAFT_PREFIX):
        return None
    try:
        return dt.date.fromisoformat(str(draft.data.get("reception_day") or draft.kind[len(WALK_IN_DRAFT_PREFIX):]))
    except ValueError:
        return None


def walk_in_clock(app, day: dt.date) -> Callable[[], dt.datetime]:  # noqa: ANN001
    """The form's default 来访时间: the time of day now, on the reception day."""
    clock = getattr(app, "now", None) or (lambda: dt.datetime.now().replace(second=0, microsecond=0))

    def now() -> dt.datetime:
        return dt.datetime.combine(day, clock().time().replace(second=0, microsecond=0))

    return now


def open_walk_in(app, day: dt.date, *, draft: draft_store.Draft | None = None) -> None:  # noqa: ANN001
    app.push_screen(WalkInScreen(app.ctx, app.operator, day, draft=draft, now=walk_in_clock(app, day)))


class WalkInScreen(RegisterScreen):
    """现场登记."""

    HELP = ("现场登记：领导接访日当天未预约而来的信访人。与登记来访相同的表单，来访形式固定为“领导接访”，"
            "Ctrl+S 保存后自动列入当天接访名单（接访领导为当天领导，包案事项为包案领导）。Esc 返回。")

    def __init__(self, ctx, operator, day: dt.date, **kwargs):  # noqa: ANN001
        self.reception_day = day
        self.draft_kind = walk_in_draft_kind(day)
        super().__init__(ctx, operator, **kwargs)

    def heading(self) -> str:
        return f"现场登记　{date_label(self.reception_day)}领导接访"

    def on_mount(self) -> None:  # the registration form's own on_mount runs too (Textual calls each class's)
        channel = self.query_one("#c-channel", Input)
        channel.value = Channel.LEADER_RECEPTION.value
        channel.disabled = True  # a walk-in on a reception day is always 领导接访

    def action_save(self) -> None:
        from xfdesk.domain.validation import ValidationFailed
        from xfdesk.services.reception import register_walk_in

        self.clear_errors()
        contact, demand_indexes = self.build_contact()
        if contact is None:
            self._focus_first_error()
            return
        try:
            walk_in = register_walk_in(self.ctx, self.operator, self.reception_day, contact)
        except ValidationFailed as failed:
            self.show_errors(failed.errors, demand_indexes)
            return
        except BookingRefused as exc:
            self.notify(str(exc), severity="error", timeout=8, markup=False)
            return
        except Exception as exc:  # database locked, disk …: one transaction, nothing written; the form stays
            self.save_failed(exc)
            return
        self.forget_draft()
        app = self.app
        done = self.registered_screen(contact, walk_in.registration, "现场登记成功，已列入当天接访名单")
        app.pop_screen()
        app.push_screen(done)

    def collect(self) -> dict[str, Any]:
        return {**super().collect(), "reception_day": self.reception_day.isoformat()}

    def blank_copy(self) -> WalkInScreen:
        return WalkInScreen(self.ctx, self.operator, self.reception_day, now=self.now)
