"""现场登记: a petitioner who comes on the reception day without booking, on the ordinary registration form.

The form is the registration screen's (same fields, search, drafts and error display); only saving differs: the
contact is registered with channel 领导接访 and seated with the day's leader by ``services.reception``.
"""

from __future__ import annotations

import datetime as dt

from textual.widgets import Input

from xfdesk.domain.glossary import Channel
from xfdesk.domain.reception import BookingRefused, date_label
from xfdesk.services import drafts as draft_store
from xfdesk.tui.screens.register import DRAFT_KIND, RegisterScreen


class WalkInScreen(RegisterScreen):
    """现场登记."""

    HELP = ("现场登记：领导接访日当天未预约而来的信访人。与登记来访相同的表单，来访形式固定为“领导接访”，"
            "Ctrl+S 保存后自动列入当天接访名单（接访领导为当天领导，包案事项为包案领导）。Esc 返回。")

    def __init__(self, ctx, operator, day: dt.date, **kwargs):  # noqa: ANN001
        super().__init__(ctx, operator, **kwargs)
        self.reception_day = day

    def on_mount(self) -> None:  # runs after the registration form's own on_mount
        self.sub_title = f"现场登记　{date_label(self.reception_day)}领导接访"
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
        self.saved = True
        if self._draft_timer is not None:
            self._draft_timer.stop()
        draft_store.delete_draft(draft_store.draft_path(self.ctx.home, DRAFT_KIND, self.operator.name))
        if self.draft is not None:
            draft_store.delete_draft(self.draft.path)
        numbers = "、".join(walk_in.registration.numbers)
        self.app.notify(f"已现场登记 {len(walk_in.registration.numbers)} 件：{numbers}，已列入当天接访名单",
                        title="保存成功", timeout=8, markup=False)
        self.app.pop_screen()
