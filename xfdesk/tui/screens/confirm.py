"""A yes/no question answered with one key (Y/Enter = yes, N/Esc = no)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from xfdesk.tui.widgets.fields import plain
from xfdesk.tui.styles import css


class ConfirmScreen(ModalScreen[bool]):
    CSS_PATH = css("forms")
    HELP = "确认对话框：Y 或回车表示“是”，N 或 Esc 表示“否”。"
    BINDINGS = [
        Binding("y", "answer(True)", "是"),
        Binding("n,escape", "answer(False)", "否"),
    ]

    def __init__(self, question: str, *, yes: str = "是", no: str = "否"):
        super().__init__()
        self.question = question
        self.yes = yes
        self.no = no

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-box"):
            yield Static(plain(self.question), id="confirm-question")
            with Horizontal(id="confirm-buttons"):
                yield Button(plain(f"{self.yes}（Y）"), id="yes", variant="primary")
                yield Button(plain(f"{self.no}（N）"), id="no")

    def action_answer(self, value: bool) -> None:
        self.dismiss(value)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")


class QuitConfirmScreen(ConfirmScreen):
    """Ctrl+Q while a form holds unsaved text: Y/Enter quits (drafts are written first), N/Esc goes back to the
    form; a second Ctrl+Q quits too."""

    HELP = "退出确认：有未保存的内容。Y 或回车退出（登记表已存为草稿，下次启动可恢复），N 或 Esc 回到表单继续填写。"
