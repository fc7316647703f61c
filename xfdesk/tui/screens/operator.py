"""Who is at the desk: name and role, remembered so the next start is one Enter."""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, RadioButton, RadioSet, Static

from xfdesk.domain.glossary import ROLE_LABELS, Role
from xfdesk.services.context import Operator
from xfdesk.tui.widgets.fields import plain
from xfdesk.tui.styles import css


class OperatorScreen(ModalScreen[Operator]):
    CSS_PATH = css("forms")
    HELP = "接待人：输入姓名后回车确认；Tab 到角色栏用上下键和空格选择角色。上次的接待人会自动填好。"
    BINDINGS = [Binding("ctrl+s", "confirm", "确认")]

    def __init__(self, last: dict[str, Any] | None = None):
        super().__init__()
        last = last if isinstance(last, dict) else {}
        self.last_name = str(last.get("name") or "")
        try:
            self.last_role = Role(last.get("role") or Role.CLERK)
        except ValueError:
            self.last_role = Role.CLERK

    def compose(self) -> ComposeResult:
        with Vertical(id="operator-box"):
            yield Static(plain("请确认接待人"), classes="box-title")
            yield Static(plain("姓名"))
            yield Input(self.last_name, placeholder="接待人姓名", id="operator-name", select_on_focus=False)
            yield Static(plain("角色"))
            with RadioSet(id="operator-role"):
                for role in Role:
                    yield RadioButton(plain(ROLE_LABELS[role]), value=role == self.last_role, name=role.value)
            yield Static(id="operator-error", classes="form-error")

    def on_mount(self) -> None:
        self.query_one("#operator-name", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_confirm()

    def action_confirm(self) -> None:
        name = self.query_one("#operator-name", Input).value.strip()
        if not name:
            self.query_one("#operator-error", Static).update(plain("请填写接待人姓名"))
            self.query_one("#operator-name", Input).focus()
            return
        pressed = self.query_one("#operator-role", RadioSet).pressed_button
        role = Role(pressed.name) if pressed is not None and pressed.name else Role.CLERK
        self.dismiss(Operator(name, role))
