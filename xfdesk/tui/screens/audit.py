"""审计日志 (the office head only): sign-ins, failures, lock-outs, sign-outs, idle locks, account changes, views of
restricted records and exports, newest first; the accounts locked right now are named above the list."""

from __future__ import annotations

import datetime as dt

from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Header, Input, Static

from xfdesk.tui.widgets.fields import lit, plain
from xfdesk.tui.widgets.footer import DeskFooter


class AuditScreen(Screen):
    """审计日志."""

    HELP = ("审计日志（信访办主任）：登录、登录失败、账号锁定、退出、锁屏、账号变更、查看检举控告事项、导出，新的在上。"
            "在“只看”栏输入姓名回车筛选（清空后回车看全部），F5 刷新，F9 账号管理（解除锁定、重设密码），Esc 返回。")
    BINDINGS = [
        Binding("f5", "reload", "刷新"),
        Binding("f9", "accounts", "账号管理"),
        Binding("escape", "app.pop_screen", "返回"),
    ]
    DEFAULT_CSS = """
    AuditScreen #audit-user { height: 1; border: none; padding: 0 1; width: 30; background: $panel; }
    AuditScreen #audit-log { height: 1fr; }
    AuditScreen .audit-line { height: auto; padding: 0 1; }
    """
    LIMIT = 500

    def __init__(self, ctx, operator):  # noqa: ANN001
        super().__init__()
        self.ctx = ctx
        self.operator = operator
        self.user = ""

    def compose(self) -> ComposeResult:
        yield Header(icon="")
        yield Static(id="audit-locked", classes="audit-line")
        yield Input("", placeholder="只看某人：输入姓名回车", id="audit-user")
        yield DataTable(id="audit-log", cursor_type="row", zebra_stripes=False)
        yield DeskFooter(compact=True)

    def on_mount(self) -> None:
        self.sub_title = f"审计日志 · {self.operator.name}"
        table = self.query_one("#audit-log", DataTable)
        table.add_columns("时间", "操作人", "操作", "事项", "说明")
        self.reload()
        table.focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.user = event.value.strip()
        self.reload()
        self.query_one("#audit-log", DataTable).focus()

    def action_reload(self) -> None:
        self.reload()

    def action_accounts(self) -> None:
        from xfdesk.tui.screens.accounts import AccountsScreen

        self.app.push_screen(AccountsScreen(self.ctx, self.operator), lambda _result: self.reload())

    def on_screen_resume(self) -> None:
        self.reload()  # back from 账号管理: the locked accounts line is current

    def reload(self) -> None:
        from xfdesk.services.accounts import audit_log, list_accounts

        at = dt.datetime.now()
        locked = [f"{a.name}（{a.locked_until:%H:%M} 解除）" for a in list_accounts(self.ctx, self.operator)
                  if a.locked(at)]
        self.query_one("#audit-locked", Static).update(
            plain("锁定中的账号：" + "、".join(locked) + "（F9 账号管理中解除）" if locked
                  else "没有锁定中的账号"))
        rows = audit_log(self.ctx, self.operator, user=self.user or None, limit=self.LIMIT)
        table = self.query_one("#audit-log", DataTable)
        table.clear()
        for r in rows:
            table.add_row(lit(f"{r.at:%m-%d %H:%M}"), lit(r.actor), lit(r.label), lit(r.matter_number), lit(r.note))
