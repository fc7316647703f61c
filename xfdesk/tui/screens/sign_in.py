"""Sign-in, the lock screen and the office's first start (issue 12).

These are full screens, not dialogs over the desk: while one is up the terminal shows the office's name, the form
and nothing else (no petitioner's name behind a dimmed background). The password field never shows what is typed;
it is never written to a draft, a setting or a log. Sign-in runs in a thread worker (argon2id takes ~0.1 s).
"""

from __future__ import annotations

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Input, Static

from xfdesk.domain.errors import Refused
from xfdesk.services.context import Operator
from xfdesk.tui.styles import css
from xfdesk.tui.widgets.fields import ChoiceSuggester, plain, resolve_choice
from xfdesk.tui.widgets.footer import DeskFooter


class _Gate(Screen[Operator]):
    CSS_PATH = css("forms", "sign_in")
    BINDINGS = [Binding("ctrl+s", "attempt", "登录"), Binding("ctrl+q", "app.quit", "退出", priority=True)]

    def action_attempt(self) -> None:
        self.attempt()

    def attempt(self) -> None:
        raise NotImplementedError

    def __init__(self, ctx, office_name: str):  # noqa: ANN001
        super().__init__()
        self.ctx = ctx
        self.office_name = office_name
        self.busy = False

    def _error(self, message: str) -> None:
        self.query_one("#sign-in-error", Static).update(plain(message))

    def _password(self, widget_id: str = "#sign-in-password") -> Input:
        return self.query_one(widget_id, Input)


class SignInScreen(_Gate):
    """登录: pick a name (pinyin initials work), type the password, Enter from any field. ``locked_for``: the lock
    screen of that operator (name filled in, cursor in the password); another name signs the next person in."""

    HELP = ("登录：姓名可输入拼音首字母（如 wf → 王芳），Tab 到密码，回车登录。连续输错5次密码账号锁定5分钟。"
            "锁屏时只需输入密码；换人时改姓名后登录。")

    def __init__(self, ctx, office_name: str, names: list[tuple[str, str]], *,  # noqa: ANN001
                 locked_for: Operator | None = None):
        super().__init__(ctx, office_name)
        self.names = [n for n, _ in names]
        self.locked_for = locked_for

    def compose(self) -> ComposeResult:
        with Vertical(id="sign-in-box"):
            yield Static(plain(f"{self.office_name} · 信访接待台"), classes="box-title")
            yield Static(plain(f"已锁屏（{self.locked_for.name}）：请输入密码继续" if self.locked_for else "请登录"),
                         id="sign-in-title")
            yield Static(plain("姓名"))
            yield Input(self.locked_for.name if self.locked_for else "", placeholder="姓名或拼音首字母",
                        id="sign-in-name", suggester=ChoiceSuggester(self.names), select_on_focus=False)
            yield Static(plain("密码"))
            yield Input("", password=True, placeholder="密码", id="sign-in-password")
            yield Static(id="sign-in-error", classes="form-error")
            yield Static(plain("账号：" + "、".join(self.names[:8]) + ("……" if len(self.names) > 8 else "")),
                         id="sign-in-names", classes="hint")
        yield DeskFooter()

    def on_mount(self) -> None:
        (self._password() if self.locked_for else self.query_one("#sign-in-name", Input)).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.input.id == "sign-in-name" and not self._password().value:
            self._password().focus()
            return
        self.attempt()

    def attempt(self) -> None:
        if self.busy:
            return
        name_box = self.query_one("#sign-in-name", Input)
        typed = name_box.value.strip()
        name = resolve_choice(typed, self.names) or typed
        if name != typed:
            name_box.value = name
        password = self._password().value
        if not name:
            self._error("请选择或输入姓名")
            name_box.focus()
            return
        if not password:
            self._error("请输入密码")
            self._password().focus()
            return
        self.busy = True
        self._error("正在核对……")
        self._sign_in(name, password)

    @work(thread=True, exclusive=True, group="sign-in")
    def _sign_in(self, name: str, password: str) -> None:
        from xfdesk.services.accounts import sign_in

        try:
            operator = sign_in(self.ctx, name, password, where="desk")
        except Refused as exc:
            self.app.call_from_thread(self._refused, str(exc))
        else:
            self.app.call_from_thread(self._signed_in, operator)

    def _refused(self, message: str) -> None:
        self.busy = False
        self._password().value = ""
        self._error(message)
        self._password().focus()

    def _signed_in(self, operator: Operator) -> None:
        self.busy = False
        self._password().value = ""
        self.dismiss(operator)


class FirstHeadScreen(_Gate):
    """The first start of an office with no account: the office head's name and password (twice), then the one-time
    recovery code, before anything else."""

    HELP = "首次启动：建立信访办主任账号。姓名、密码（至少6个字符）输入两次，回车确认；随后显示一次恢复码，请抄下保管。"

    def __init__(self, ctx, office_name: str):  # noqa: ANN001
        super().__init__(ctx, office_name)
        self.made: Operator | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="sign-in-box"):
            yield Static(plain(f"{self.office_name} · 信访接待台"), classes="box-title")
            yield Static(plain("首次启动：请建立信访办主任的账号（只有主任能查看检举控告人身份、管理账号）"),
                         id="sign-in-title")
            yield Static(plain("信访办主任姓名"))
            yield Input("", placeholder="姓名", id="first-name", select_on_focus=False)
            yield Static(plain("密码（至少6个字符）"), classes="password-label")
            yield Input("", password=True, placeholder="密码", id="first-password")
            yield Static(plain("再输入一次密码"), classes="password-label")
            yield Input("", password=True, placeholder="密码", id="first-again")
            yield Static(id="sign-in-error", classes="form-error")
        yield DeskFooter()

    def on_mount(self) -> None:
        self.query_one("#first-name", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if self.made is not None:
            self.dismiss(self.made)
            return
        order = ["first-name", "first-password", "first-again"]
        for widget_id in order[order.index(event.input.id) + 1:]:  # Enter moves on to the next empty field
            widget = self.query_one(f"#{widget_id}", Input)
            if not widget.value:
                widget.focus()
                return
        self.attempt()

    def attempt(self) -> None:
        if self.made is not None:
            self.dismiss(self.made)
            return
        if self.busy:
            return
        name = self.query_one("#first-name", Input).value
        password = self.query_one("#first-password", Input).value
        again = self.query_one("#first-again", Input).value
        self.busy = True
        self._create(name, password, again)

    @work(thread=True, exclusive=True, group="sign-in")
    def _create(self, name: str, password: str, again: str) -> None:
        from xfdesk.services.accounts import create_first_head

        try:
            made = create_first_head(self.ctx, name, password, again)
        except Refused as exc:
            self.app.call_from_thread(self._refused, str(exc))
        else:
            self.app.call_from_thread(self._created, made.operator, made.recovery_code)

    def _refused(self, message: str) -> None:
        self.busy = False
        for widget_id in ("#first-password", "#first-again"):
            self.query_one(widget_id, Input).value = ""
        self._error(message)
        target = "#first-name" if "姓名" in message else "#first-password"
        self.query_one(target, Input).focus()

    def _created(self, operator: Operator, code: str) -> None:
        self.busy = False
        self.made = operator
        for widget in self.query(Input):
            if widget.id != "first-name":
                widget.value = ""
                widget.display = False
        for label in self.query(".password-label"):
            label.display = False
        self.query_one("#first-name", Input).disabled = True
        self.query_one("#sign-in-title", Static).update(plain(f"已建立信访办主任账号：{operator.name}"))
        self._error("")
        box = self.query_one("#sign-in-box", Vertical)
        box.mount(Static(plain(f"恢复码：{code}"), id="recovery-code", classes="box-title"))
        box.mount(Static(plain("忘记密码时凭它重设（xfdesk user recover）。只显示这一次，请抄下来锁进抽屉。"
                               "按回车进入接待台。"), classes="hint"))
        self.set_focus(None)

    def on_key(self, event) -> None:  # noqa: ANN001
        if self.made is not None and event.key == "enter":
            event.stop()
            self.dismiss(self.made)
