"""账号管理 (the office head) and 修改密码 (anyone): the TUI side of ``xfdesk user unlock/passwd`` (issue 12 §8).

Password fields never show what is typed (``Input(password=True)``); nothing here is written to a draft, a setting
or a log, and a refused change clears the password fields it blames. argon2id hashing runs in a thread worker.
"""

from __future__ import annotations

import datetime as dt

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen, Screen
from textual.widgets import DataTable, Header, Input, Static

from xfdesk.domain.errors import Refused
from xfdesk.tui.styles import css
from xfdesk.tui.widgets.fields import FormField, lit, plain
from xfdesk.tui.widgets.footer import DeskFooter


class PasswordScreen(ModalScreen[bool]):
    """修改密码: one's own (old password, the new one typed twice) or, for the head, a clerk's (``account``: the new
    one twice; it also lifts a lock-out). Enter moves to the next empty field, then saves; Esc leaves."""

    CSS_PATH = css("forms")
    HELP = ("修改密码：输入原密码，新密码输入两次（至少6个字符），回车保存；主任重设接待员密码时不需原密码，"
            "同时解除锁定。密码不显示，不保存在草稿里。Esc 返回。")
    BINDINGS = [Binding("ctrl+s", "save", "保存"), Binding("escape", "cancel", "返回")]
    DEFAULT_CSS = """
    PasswordScreen { align: center middle; }
    PasswordScreen #password-box { width: 64; height: auto; padding: 1 2; border: round $accent; background: $surface; }
    PasswordScreen .password-title { text-style: bold; padding-bottom: 1; }
    PasswordScreen .password-hint { color: $text-muted; padding-top: 1; }
    """

    def __init__(self, ctx, operator, account: str | None = None):  # noqa: ANN001
        super().__init__()
        self.ctx = ctx
        self.operator = operator
        self.account = account  # None: the operator's own password
        self.busy = False

    @property
    def own(self) -> bool:
        return self.account is None

    def _fields(self) -> list[str]:
        return (["pw-old"] if self.own else []) + ["pw-new", "pw-again"]

    def compose(self) -> ComposeResult:
        with Vertical(id="password-box"):
            title = f"修改本人密码（{self.operator.name}）" if self.own else f"重设“{self.account}”的密码"
            yield Static(plain(title), classes="password-title")
            if self.own:
                yield FormField("原密码", Input("", password=True, placeholder="现在的密码", id="pw-old"),
                                id="f-pw-old", label_width=12)
            yield FormField("新密码", Input("", password=True, placeholder="至少6个字符", id="pw-new"),
                            id="f-pw-new", label_width=12)
            yield FormField("再输入一次", Input("", password=True, placeholder="与新密码相同", id="pw-again"),
                            id="f-pw-again", label_width=12)
            yield Static(plain("回车保存 · Esc 返回" + ("" if self.own else " · 保存后该账号同时解除锁定")),
                         classes="password-hint", id="pw-hint")
        yield DeskFooter(compact=True)

    def on_mount(self) -> None:
        self.query_one(f"#{self._fields()[0]}", Input).focus()

    def _input(self, field: str) -> Input:
        return self.query_one(f"#{field}", Input)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        fields = self._fields()
        if not event.input.value:  # Enter on an empty field: say what it wants, where it is
            self.action_save()
            return
        for field in fields[fields.index(event.input.id) + 1:]:  # Enter moves on to the next empty field
            if not self._input(field).value:
                self._input(field).focus()
                return
        self.action_save()

    def action_cancel(self) -> None:
        if not self.busy:
            self.dismiss(False)

    def action_save(self) -> None:
        if self.busy:
            return
        for field in self._fields():
            self.query_one(f"#f-{field}", FormField).set_error(None)
        values = {field: self._input(field).value for field in self._fields()}
        for field, label in (("pw-old", "请输入原密码"), ("pw-new", "请输入新密码"), ("pw-again", "请再输入一次新密码")):
            if field in values and not values[field]:
                self._blame(field, label, clear=())
                return
        self.busy = True
        self.query_one("#pw-hint", Static).update(plain("正在保存……"))
        self._save(values.get("pw-old", ""), values["pw-new"], values["pw-again"])

    @work(thread=True, exclusive=True, group="password")
    def _save(self, old: str, new: str, again: str) -> None:
        from xfdesk.services import accounts

        try:
            if self.own:
                accounts.change_password(self.ctx, self.operator, old, new, again)
            else:
                accounts.reset_password(self.ctx, self.operator, self.account, new, again)
        except Refused as exc:
            self.app.call_from_thread(self._refused, str(exc))
        else:
            self.app.call_from_thread(self._saved)

    def _refused(self, message: str) -> None:
        self.busy = False
        self.query_one("#pw-hint", Static).update(plain("回车保存 · Esc 返回"))
        if "原密码" in message:
            self._blame("pw-old", message, clear=("pw-old",))
        elif "两次" in message:
            self._blame("pw-again", message, clear=("pw-again",))
        else:
            self._blame("pw-new", message, clear=("pw-new", "pw-again"))

    def _blame(self, field: str, message: str, *, clear: tuple[str, ...]) -> None:
        for name in clear:
            self._input(name).value = ""
        self.query_one(f"#f-{field}", FormField).set_error(message)
        self._input(field).focus()

    def _saved(self) -> None:
        self.busy = False
        for field in self._fields():
            self._input(field).value = ""
        who = "本人" if self.own else f"“{self.account}”的"
        self.app.notify(f"已修改{who}密码" + ("" if self.own else "，并解除锁定"), markup=False)
        self.dismiss(True)


class AccountsScreen(Screen):
    """账号管理 (the office head): every account with its state; U lifts a lock-out, R sets a clerk's password,
    P changes one's own."""

    HELP = ("账号管理（信访办主任）：列出所有账号及状态（锁定、停用、上次登录）。选中后按 U 解除锁定、R 重设密码"
            "（接待员忘记密码时）；P 修改本人密码；F5 刷新，Esc 返回。")
    BINDINGS = [
        Binding("u", "unlock", "解除锁定"),
        Binding("r", "reset", "重设密码"),
        Binding("p", "own_password", "改本人密码"),
        Binding("f5", "reload", "刷新"),
        Binding("escape", "app.pop_screen", "返回"),
    ]
    DEFAULT_CSS = """
    AccountsScreen #accounts-table { height: 1fr; }
    AccountsScreen #accounts-note { height: auto; padding: 0 1; }
    """

    def __init__(self, ctx, operator):  # noqa: ANN001
        super().__init__()
        self.ctx = ctx
        self.operator = operator
        self.rows: list = []

    def compose(self) -> ComposeResult:
        yield Header(icon="")
        yield Static(id="accounts-note")
        yield DataTable(id="accounts-table", cursor_type="row", zebra_stripes=False)
        yield DeskFooter(compact=True)

    def on_mount(self) -> None:
        self.sub_title = f"账号管理 · {self.operator.name}"
        table = self.query_one("#accounts-table", DataTable)
        table.add_columns("姓名", "角色", "状态", "连续输错", "上次登录")
        self.reload()
        table.focus()

    def action_reload(self) -> None:
        self.reload()

    def reload(self, keep: str | None = None) -> None:
        from xfdesk.services.accounts import list_accounts

        at = dt.datetime.now()
        self.rows = list_accounts(self.ctx, self.operator)
        table = self.query_one("#accounts-table", DataTable)
        table.clear()
        for a in self.rows:
            table.add_row(lit(a.name), lit(a.role_label), lit(a.state(at)), lit(str(a.failed_attempts)),
                          lit(f"{a.last_sign_in_at:%Y-%m-%d %H:%M}" if a.last_sign_in_at else "从未登录"))
        if keep is not None:
            for index, a in enumerate(self.rows):
                if a.name == keep:
                    table.move_cursor(row=index)
        locked = [a.name for a in self.rows if a.locked(at)]
        self.query_one("#accounts-note", Static).update(plain(
            ("锁定中：" + "、".join(locked) + "（选中后按 U 解除）") if locked else "没有锁定中的账号"))

    def _selected(self):  # noqa: ANN202
        table = self.query_one("#accounts-table", DataTable)
        if not self.rows or table.cursor_row is None or not (0 <= table.cursor_row < len(self.rows)):
            return None
        return self.rows[table.cursor_row]

    def action_unlock(self) -> None:
        from xfdesk.services.accounts import unlock

        account = self._selected()
        if account is None:
            return
        at = dt.datetime.now()
        if not account.locked(at) and not account.failed_attempts:
            self.notify(f"“{account.name}”没有被锁定", markup=False)
            return
        try:
            unlock(self.ctx, self.operator, account.name)
        except Refused as exc:
            self.notify(str(exc), severity="warning", markup=False)
            return
        self.notify(f"已解除“{account.name}”的锁定", markup=False)
        self.reload(keep=account.name)

    def action_reset(self) -> None:
        account = self._selected()
        if account is None:
            return
        if account.name == self.operator.name:
            self.action_own_password()
            return
        self.app.push_screen(PasswordScreen(self.ctx, self.operator, account.name),
                             lambda _saved: self.reload(keep=account.name))

    def action_own_password(self) -> None:
        self.app.push_screen(PasswordScreen(self.ctx, self.operator))
