"""Home: today's contacts, matters due soon and overdue (counts and the top of the list), the next reception day
and a reminder when a coming reception day's notices are not printed yet (N opens that day).

Painted at once; the figures arrive when the database is open (``reload`` is called by the app).
"""

from __future__ import annotations

import datetime as dt

from rich.cells import cell_len
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Container, Vertical
from textual.content import Content
from textual.screen import Screen
from textual.widgets import DataTable, Header, Static

from xfdesk.domain.deadlines import DUE_SOON_BASIS, due_counts_text, due_soon_words
from xfdesk.tui.screens._cells import days_text
from xfdesk.tui.screens._reload import changed_since_read, mark_read
from xfdesk.tui.widgets.fields import plain
from xfdesk.tui.widgets.footer import DeskFooter

WEEKDAYS = "一二三四五六日"
NAME_CELLS = 12  # the 信访人 column's most: a name fits, the accuser's placeholder ends in …
MIN_SUMMARY_CELLS = 12
ROOMY_SUMMARY_CELLS = 40  # below this the 信访人 column is capped (at 80 columns), above it shown whole


def fit_cell(cell: str | Text, cells: int) -> Text:
    """``cell`` (user text: shown literally) in at most ``cells`` terminal cells (CJK count two), ending in … when
    cut."""
    t = Text(cell) if isinstance(cell, str) else cell.copy()
    t.no_wrap, t.overflow = True, "ellipsis"
    if t.cell_len > cells:
        keep, used = 0, 0
        for ch in t.plain:  # whole characters up to one cell short, then … (no blank before it)
            if used + cell_len(ch) > cells - 1:
                break
            used += cell_len(ch)
            keep += 1
        t = t[:keep]
        t.append("…")
    return t


def _cells(cell: str | Text) -> int:
    return cell_len(cell) if isinstance(cell, str) else cell.cell_len


def fill_table(table: DataTable, titles: tuple[str, ...], rows: list[tuple[str | Text, ...]], width: int,
               keys: list[str], *, capped: dict[int, int] | None = None) -> None:
    """Rebuild ``table``: every column as wide as its widest cell (``capped`` columns at most that many cells
    when the last would be narrow), the last one (诉求) taking all that is left of ``width`` so that a wider
    terminal shows more of it."""
    widths = [max([cell_len(t)] + [_cells(r[i]) for r in rows]) for i, t in enumerate(titles[:-1])]
    used = sum(w + 2 for w in widths) + 2  # each cell's padding; the last column's own padding
    if width - used < ROOMY_SUMMARY_CELLS and capped:  # narrow: the capped columns give way to 诉求
        widths = [min(capped.get(i, w), w) for i, w in enumerate(widths)]
        used = sum(w + 2 for w in widths) + 2
    last = max(MIN_SUMMARY_CELLS, width - used)
    table.clear(columns=True)
    for title, w in zip(titles[:-1], widths, strict=True):
        table.add_column(title, width=w)
    table.add_column(titles[-1], width=last)
    for key, row in zip(keys, rows, strict=True):
        table.add_row(*(fit_cell(c, w) for c, w in zip(row, [*widths, last], strict=True)), key=key)


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
    HELP = ("首页：上方是今日来访、已超期与即将到期事项的数量（“N 天内到期”：今天起 N 个自然日内届满，"
            "办理中的与督办看板 F8 一致，待甄别的另列，见 F4）和下一个领导接访日；即将到来的接访日通知书"
            "尚未打印时有提醒，按 N 打开该接访日再按 P 打印。"
            "下方两张表可用上下键选择，回车打开事项。F2 登记来访，F3 综合查询，Ctrl+P 按名称或拼音首字母查找命令。")
    BINDINGS = [
        Binding("f2", "app.register", "登记"),
        Binding("f3", "app.search", "查询"),
        # the other areas' keys, shown here so a clerk finds them without the help (hidden in the app's bindings)
        Binding("f4", "app.screening", "甄别"),
        Binding("f6", "app.reception", "接访日"),
        Binding("f8", "app.supervision", "督办"),
        # works on every screen (the app's binding); shown here while there is room: not beside the reminder's N
        Binding("f12", "lock", "锁屏", tooltip="锁屏（离开座位时；正在填的表单存为草稿）"),
        Binding("f5", "reload", "刷新", show=False),  # the figures are read again whenever the home screen comes back
        Binding("n", "notice_day", "通知书", tooltip="打开通知书尚未打印的接访日（有提醒时）"),  # only then shown
        Binding("tab", "app.focus_next", "切换", show=False),
    ]

    def compose(self) -> ComposeResult:
        yield Header(icon="", show_clock=False)
        with Vertical(id="home-body"):
            yield Static(plain("正在打开数据库……"), id="home-status")
        yield DeskFooter(compact=True)  # every key of the home screen fits in 80 columns

    def on_mount(self) -> None:
        self._row_matters: dict[str, int] = {}
        self._tables_ready = False
        self._tables_mounting = False
        self.notice_days: list[dt.date] = []
        self._summary = None

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "notice_day":
            return bool(getattr(self, "notice_days", None))
        if action == "lock":  # off the footer while N is on it (80 columns); F12 still locks through the app
            return not getattr(self, "notice_days", None)
        return True

    def on_screen_resume(self) -> None:
        # back from registering, printing, handling: what the clerk just did shows at once (read again only then)
        if changed_since_read(self, getattr(self.app, "ctx", None)):
            self.reload()

    def action_lock(self) -> None:
        self.app.action_lock()

    def action_notice_day(self) -> None:
        if self.notice_days:
            self.app.open_screen("xfdesk.tui.screens.reception", "ReceptionDayScreen", day=self.notice_days[0])

    async def _mount_tables(self) -> None:
        """The lists come with the data: the first frame (before the database is open) stays as light as can be."""
        due = DataTable(id="home-due", cursor_type="row", zebra_stripes=False)
        today = DataTable(id="home-today", cursor_type="row", zebra_stripes=False)
        await self.query_one("#home-body").mount(Container(
            Vertical(Static(plain("待办：已超期 / 即将到期"), id="home-due-title", classes="section-title"), due,
                     classes="home-column"),
            Vertical(Static(plain("今日来访"), classes="section-title"), today, classes="home-column"),
            id="home-lists"))
        self._tables_ready = True
        self.reload()

    def on_resize(self) -> None:
        # The two lists stay one above the other at every width (side by side, 120 columns showed less of each
        # 诉求 than 80 did); a wider terminal gives the 诉求 columns the width, a taller one more rows.
        if self._tables_ready and self._summary is not None:
            self._fill_tables()

    def _list_width(self) -> int:
        """Cells a list's columns may use: the screen's, less the scrollbar."""
        return self.app.size.width - 2

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
        window = ctx.settings.due_soon_days
        handled = due_counts_text(summary.overdue_count - summary.overdue_unscreened,
                                  summary.due_soon_count - summary.due_soon_unscreened, window)
        waiting = due_counts_text(summary.overdue_unscreened, summary.due_soon_unscreened, window)
        lines = [
            f"{day:%Y年%m月%d日} 星期{WEEKDAYS[day.weekday()]}　接待人：{operator.name}　"
            f"今日来访 {summary.contacts_today} 批，登记事项 {summary.matters_today} 件",
            f"办理中 {handled}（F8 督办）",
        ]
        if summary.overdue_unscreened or summary.due_soon_unscreened:
            lines.append(f"待甄别 {waiting}（F4 甄别）")
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
        self.query_one("#home-due-title", Static).update(
            plain(f"待办：已超期 / {due_soon_words(window)}（{DUE_SOON_BASIS}，含今天）"))
        self._summary = summary
        self._fill_tables()
        due, today = self.query_one("#home-due", DataTable), self.query_one("#home-today", DataTable)
        if self.focused is None or not isinstance(self.focused, DataTable):
            (due if due.row_count else today).focus()

    def _fill_tables(self) -> None:
        summary, window = self._summary, self.app.ctx.settings.due_soon_days
        due, today = self.query_one("#home-due", DataTable), self.query_one("#home-today", DataTable)
        cursors = (due.cursor_row, today.cursor_row)
        width = self._list_width()
        self._row_matters = {}
        lines = summary.overdue + summary.due_soon
        fill_table(due, ("编号", "期限", "状态", "信访人", "诉求"),
                   [(line.number, days_text(line.days_left, window), line.status_label, line.petitioner,
                     line.summary) for line in lines], width,
                   [f"due-{line.matter_id}" for line in lines], capped={3: NAME_CELLS})
        for line in lines:
            self._row_matters[f"due-{line.matter_id}"] = line.matter_id
        fill_table(today, ("时间", "形式", "信访人", "件数", "诉求"),
                   [(f"{c.received_at:%H:%M}", c.channel, c.petitioner, str(c.matter_count), c.summary)
                    for c in summary.contacts], width,
                   [f"contact-{c.contact_id}" for c in summary.contacts], capped={2: NAME_CELLS})
        for c in summary.contacts:
            if c.first_matter_id is not None:
                self._row_matters[f"contact-{c.contact_id}"] = c.first_matter_id
        for table, row in zip((due, today), cursors, strict=True):
            if table.row_count and row:
                table.move_cursor(row=min(row, table.row_count - 1))

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        matter_id = self._row_matters.get(event.row_key.value)
        if matter_id is not None:
            self.app.open_matter(matter_id)
