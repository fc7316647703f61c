"""Home: today's contacts, matters due soon and overdue (counts and the top of the list), the next reception day
and a reminder when a coming reception day's notices are not printed yet (N opens that day).

Painted at once; the figures arrive when the database is open (``reload`` is called by the app).
"""

from __future__ import annotations

import datetime as dt

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Container, Vertical
from textual.content import Content
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Static

from xfdesk.tui.screens._cells import days_text
from xfdesk.tui.widgets.fields import lit, plain
from xfdesk.tui.screens._reload import changed_since_read, mark_read

WEEKDAYS = "一二三四五六日"


def relative_day(day: dt.date, today: dt.date) -> str:
    """今天/明天/后天, 本周四/下周四, else the date: how a clerk says which reception day is meant."""
    delta = (day - today).days
    if 0 <= delta <= 2:
        return ("今天", "明天", "后天")[delta]
    weeks = (day - (today - dt.timedelta(days=today.weekday()))).days // 7
    if weeks in (0, 1):
        return f"{'本下'[weeks]}周{WEEKDAYS[day.weekday()]}"
    return f"{day.month}月{day.day}日"


class HomeScreen(Screen):
    HELP = ("首页：上方是今日来访、即将到期与已超期事项的数量和下一个领导接访日；即将到来的接访日通知书"
            "尚未打印时有提醒，按 N 打开该接访日再按 P 打印。"
            "下方两张表可用上下键选择，回车打开事项。F2 登记来访，F3 综合查询，Ctrl+P 按名称或拼音首字母查找命令。")
    BINDINGS = [
        Binding("f2", "app.register", "登记"),
        Binding("f3", "app.search", "查询"),
        # the other areas' keys, shown here so a clerk finds them without the help (hidden in the app's bindings)
        Binding("f4", "app.screening", "甄别"),
        Binding("f6", "app.reception", "接访日"),
        Binding("f8", "app.supervision", "督办"),
        Binding("f12", "app.lock", "锁屏"),  # works on every screen (the app's binding); shown where there is room
        Binding("f5", "reload", "刷新", show=False),  # the figures are read again whenever the home screen comes back
        Binding("n", "notice_day", "通知书"),  # shown only while a reminder is up
        Binding("tab", "app.focus_next", "切换", show=False),
    ]

    def compose(self) -> ComposeResult:
        yield Header(icon="", show_clock=False)
        with Vertical(id="home-body"):
            yield Static(plain("正在打开数据库……"), id="home-status")
        yield Footer(compact=True)  # every key of the home screen fits in 80 columns

    def on_mount(self) -> None:
        self._row_matters: dict[str, int] = {}
        self._tables_ready = False
        self._tables_mounting = False
        self.notice_days: list[dt.date] = []

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "notice_day":
            return bool(getattr(self, "notice_days", None))
        return True

    def on_screen_resume(self) -> None:
        # back from registering, printing, handling: what the clerk just did shows at once (read again only then)
        if changed_since_read(self, getattr(self.app, "ctx", None)):
            self.reload()

    def action_notice_day(self) -> None:
        if self.notice_days:
            self.app.open_screen("xfdesk.tui.screens.reception", "ReceptionDayScreen", day=self.notice_days[0])

    async def _mount_tables(self) -> None:
        """The lists come with the data: the first frame (before the database is open) stays as light as can be."""
        due = DataTable(id="home-due", cursor_type="row", zebra_stripes=False)
        today = DataTable(id="home-today", cursor_type="row", zebra_stripes=False)
        await self.query_one("#home-body").mount(Container(
            Vertical(Static(plain("待办：已超期 / 即将到期"), classes="section-title"), due, classes="home-column"),
            Vertical(Static(plain("今日来访"), classes="section-title"), today, classes="home-column"),
            id="home-lists"))
        due.add_columns("编号", "期限", "状态", "信访人", "诉求")
        today.add_columns("时间", "形式", "信访人", "件数", "诉求")
        self._tables_ready = True
        self.reload()

    def on_resize(self) -> None:
        # side by side on a wide terminal, one above the other on 80 columns
        self.set_class(self.app.size.width >= 120, "-wide")

    def action_reload(self) -> None:
        self.reload()

    def reload(self) -> None:
        app = self.app
        status = self.query_one("#home-status", Static)
        if getattr(app, "db_error", None):
            status.update(Content(app.db_error).stylize("bold #FF5F5F"))
            return
        ctx, operator = getattr(app, "ctx", None), getattr(app, "operator", None)
        if ctx is None or operator is None:
            return
        if not self._tables_ready:
            if not self._tables_mounting:  # once: a second reload meanwhile would leave a coroutine never run
                self._tables_mounting = True
                self.run_worker(self._mount_tables(), group="home-tables", exclusive=True)
            return
        from xfdesk.services.desk_queries import home_summary

        mark_read(self, ctx)
        summary = home_summary(ctx, operator.role)
        day = summary.today
        lines = [
            f"{day:%Y年%m月%d日} 星期{WEEKDAYS[day.weekday()]}　接待人：{operator.name}",
            f"今日来访 {summary.contacts_today} 批，登记事项 {summary.matters_today} 件；"
            f"已超期 {summary.overdue_count} 件，{ctx.settings.due_soon_days} 日内到期 {summary.due_soon_count} 件",
        ]
        r = summary.next_reception
        if r is None:
            lines.append("下一个领导接访日：尚未排定")
        else:
            who = "、".join(r.leaders) or "未定"
            moved = f"（原定{r.moved_from:%m月%d日}，逢节假日顺延）" if r.moved_from else ""
            lines.append(f"下一个领导接访日：{r.day:%m月%d日} 星期{WEEKDAYS[r.day.weekday()]}{moved}，"
                         f"接访领导：{who}，已约 {r.booked}/{r.slots}")
        text = plain("\n".join(lines))
        self.notice_days = [n.day for n in summary.notices_due]
        if summary.notices_due:
            first = summary.notices_due[0]
            more = f"（另有{len(summary.notices_due) - 1}个接访日）" if len(summary.notices_due) > 1 else ""
            reminder = (f"{relative_day(first.day, day)}（{first.day.month}月{first.day.day}日）接访日的通知书尚未打印"
                        f"（约访{first.booked}件）{more}：按 N 打开该日，P 打印")
            text = Content.assemble(text, "\n", (reminder, "bold #FFAF00"))
        status.update(text)
        self.refresh_bindings()

        due = self.query_one("#home-due", DataTable)
        due.clear()
        self._row_matters = {}
        for line in summary.overdue + summary.due_soon:
            due.add_row(lit(line.number), days_text(line.days_left, ctx.settings.due_soon_days),
                        lit(line.status_label),
                        lit(line.petitioner), lit(line.summary), key=f"due-{line.matter_id}")
            self._row_matters[f"due-{line.matter_id}"] = line.matter_id
        today = self.query_one("#home-today", DataTable)
        today.clear()
        for c in summary.contacts:
            today.add_row(lit(f"{c.received_at:%H:%M}"), lit(c.channel), lit(c.petitioner),
                          lit(c.matter_count), lit(c.summary), key=f"contact-{c.contact_id}")
            if c.first_matter_id is not None:
                self._row_matters[f"contact-{c.contact_id}"] = c.first_matter_id
        if self.focused is None or not isinstance(self.focused, DataTable):
            (due if due.row_count else today).focus()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        matter_id = self._row_matters.get(event.row_key.value)
        if matter_id is not None:
            self.app.open_matter(matter_id)
