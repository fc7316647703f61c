"""After 保存登记: the numbers given, on screen until the clerk moves on, and the 信访事项登记表 printed with one key.

The clerk reads the 事项编号 out (or writes them on the visitor's slip) from here, not from a toast that goes away.
P issues and prints the 登记表 in a worker (the form is rendered and sent while the desk keeps answering keys); a
failure is one Chinese line in the panel, the registration and any form already issued stay saved. F2 goes on to the
next visitor's registration directly, Enter or Esc closes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

from xfdesk.tui.failures import save_failure
from xfdesk.tui.styles import css
from xfdesk.tui.widgets.fields import plain
from xfdesk.tui.widgets.footer import DeskFooter

FORM_NAME = "信访事项登记表"


@dataclass(frozen=True)
class SavedMatter:
    matter_id: int
    number: str
    summary: str


class RegisteredScreen(ModalScreen[None]):
    """登记完成."""

    CSS_PATH = css("forms")
    HELP = (f"登记完成：显示本次登记的事项编号（每项诉求一件）。P 打印{FORM_NAME}（每件一份，交信访人留存；"
            "再按一次 P 重印同一份，不另编号）；F2 接着登记下一位来访人；回车或 Esc 关闭。")
    BINDINGS = [
        Binding("p", "print_forms", f"打印{FORM_NAME}"),
        Binding("f2", "next_visitor", "登记下一位"),
        Binding("enter,escape", "close", "关闭"),
    ]

    def __init__(self, ctx, operator, who: str, matters: list[SavedMatter], *, title: str = "登记成功"):  # noqa: ANN001
        super().__init__()
        self.ctx = ctx
        self.operator = operator
        self.who = who
        self.matters = matters
        self.title_text = title
        self.forms: Any = None  # services.registration.RegistrationForms once issued
        self.printing = False

    def compose(self) -> ComposeResult:
        with Vertical(id="registered-box"):
            yield Static(plain(self.title_text), classes="box-title")
            yield Static(self._lines(), id="registered-numbers")
            yield Static(plain(f"P 打印{FORM_NAME}（{len(self.matters)}份）　F2 登记下一位　回车 关闭"),
                         id="registered-status")
        yield DeskFooter()

    def _lines(self) -> Content:
        parts: list[Content | str | tuple[str, str]] = ["信访人：", (self.who, "bold"),
                                                        f"　共{len(self.matters)}件"]
        for m in self.matters:
            parts += ["\n", ("事项编号 ", "dim"), (m.number, "bold"), "　", m.summary[:40]]
        return Content.assemble(*parts)

    def _status(self, text: str, *, error: bool = False) -> None:
        line = self.query_one("#registered-status", Static)
        line.update(plain(text))
        line.set_class(error, "-error")

    def action_print_forms(self) -> None:
        if self.printing:
            return
        self.printing = True
        self._status(f"正在打印{FORM_NAME}……")
        self._print_forms(self.forms.documents if self.forms is not None else None)

    @work(thread=True, exclusive=True, group="registration-forms")
    def _print_forms(self, issued: list | None) -> None:
        from xfdesk.services.registration import issue_registration_forms

        try:
            forms = issue_registration_forms(self.ctx, self.operator, [m.matter_id for m in self.matters],
                                             issued=issued)
        except Exception as exc:  # noqa: BLE001 — a template or database problem: one line, the registration stays
            self.app.call_from_thread(self._failed, exc)
            return
        self.app.call_from_thread(self._printed, forms)

    def _failed(self, exc: Exception) -> None:
        self.printing = False
        # the registration itself is saved: only the form is missing, and P tries again
        reason = save_failure(exc).replace("Ctrl+S", "P")
        self._status(f"{FORM_NAME}未能生成，登记已保存：{reason}", error=True)

    def _printed(self, forms) -> None:  # noqa: ANN001
        self.printing = False
        self.forms = forms
        numbers = "、".join(d.number_text for d in forms.documents)
        if forms.failures:
            self._status(f"{FORM_NAME}已保存（{numbers}），未能打印：{forms.failures[0].message}", error=True)
        else:
            self._status(f"{FORM_NAME}已发送到打印机（{numbers}）　P 重印　F2 登记下一位　回车 关闭")

    def action_next_visitor(self) -> None:
        app = self.app
        self.dismiss(None)
        app.call_later(app.action_register)

    def action_close(self) -> None:
        self.dismiss(None)
