"""统计 (F7): the month's figures, a 12-month trend, the unit ranking, and the matters behind any figure.

The clerk who must send the month's figures to the county by the 5th opens this on last month (the default),
checks the rates with their numerators and denominators, presses Enter on a figure to see the matters behind it
("which 3 were late?"), X to write the month's XLSX, L the month's 台账 and W the 信访工作情况报告. Reading runs in a worker: typing never waits.
"""

from __future__ import annotations

import errno

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Header, Sparkline, Static

from xfdesk.domain.errors import Refused
from xfdesk.tui.screens._actions import SCREEN_CSS
from xfdesk.tui.widgets.fields import lit, plain
from xfdesk.tui.widgets.footer import DeskFooter

# which list a figure's Enter opens (services.reports.FIGURES): the matters a county asks about
DRILL = {"信访事项": "matters", "集体访": "group", "越级访": "skip_level", "重复访": "repeat",
         "及时受理率": "notice_late", "按期办结率": "handling_late", "化解率": "unresolved",
         "一次性化解率": "finished", "满意率": "unresolved", "参评率": "unevaluated"}


# the 通报 column is four cells wide at 80 columns: 限期整改 → 整改, 书面检查 → 检查 (the help says which is which)
SHORT_FLAGS = {"限期整改": "整改", "书面检查": "检查"}


def _short(current: int, before: int) -> str:
    """环比/同比 in one decimal (the XLSX and the CLI keep two): "—" without a base."""
    from xfdesk.domain.statistics import change

    value = change(current, before)
    return "—" if value is None else f"{value:+.1f}%"


def _compact(text: str) -> str:
    return text.replace("（件）", "").replace("（批次）", "批次")


class StatisticsScreen(Screen):
    """统计报表."""

    HELP = ("统计报表：本月各项数字（比率带分子分母）、近12个月事项数和按期办结率趋势、责任单位排名。"
            "排名的“通报”一栏：后列＝本月在后几名，整改＝连续两个月（可发限期整改督查通知书），检查＝连续三个月（单位主要领导书面检查）。"
            "PgUp/PgDn 换月，Tab 在数字与排名间切换，Enter 列出该数字背后的事项（排名行：该单位超期的事项），"
            "X 导出本月月报 XLSX，L 导出本月收到事项的信访台账 XLSX（身份证号、电话遮蔽；完整的由主任在命令行导出），"
            "W 出具本月《信访工作情况报告》（Word，编文号），Esc 返回。")
    BINDINGS = [
        Binding("enter", "drill", "明细"),
        Binding("pageup", "month(-1)", "换月", key_display="PgUp/Dn", priority=True),
        Binding("pagedown", "month(1)", "下月", show=False, priority=True),
        Binding("x", "export", "月报"),
        Binding("l", "ledger", "台账"),
        Binding("w", "work_report", "报告"),
        Binding("f5", "reload", "刷新"),
        Binding("escape", "app.pop_screen", "返回"),
    ]
    CSS = SCREEN_CSS + """
    #st-body { height: 1fr; }
    #st-figures { width: 40; height: 1fr; max-height: 100%; scrollbar-size-vertical: 1; }
    #st-right { width: 1fr; height: 1fr; }
    .st-label { height: 1; padding: 0 1; color: #9E9E9E; }
    Sparkline { height: 1; margin: 0 1; }
    #st-ranking { height: 1fr; max-height: 100%; scrollbar-size-vertical: 1; }
    """

    def __init__(self, ctx, operator, month: str | None = None):  # noqa: ANN001
        from xfdesk.domain.statistics import add_months, month_period

        super().__init__()
        self.ctx = ctx
        self.operator = operator
        default = add_months(ctx.today().replace(day=1), -1).strftime("%Y-%m")  # the month to report by the 5th
        self.period = month_period(month or default)
        self.report = None
        self.figure_keys: list[str | None] = []
        self.units: list[str] = []

    def compose(self) -> ComposeResult:
        yield Header(icon="")
        yield Static(id="st-title", classes="hd-title")
        with Horizontal(id="st-body"):
            yield DataTable(id="st-figures", cursor_type="row", zebra_stripes=False)
            with Vertical(id="st-right"):
                yield Static(id="st-trend-matters", classes="st-label")
                yield Sparkline([], id="st-spark-matters")
                yield Static(id="st-trend-rate", classes="st-label")
                yield Sparkline([], id="st-spark-rate")
                yield DataTable(id="st-ranking", cursor_type="row", zebra_stripes=False)
        yield DeskFooter(compact=True)

    def on_mount(self) -> None:
        self.sub_title = f"统计 · {self.operator.name}"
        figures = self.query_one("#st-figures", DataTable)
        figures.add_column("项目", width=12)
        figures.add_column("本期", width=7)
        figures.add_column("环比 同比", width=15)
        ranking = self.query_one("#st-ranking", DataTable)
        ranking.add_column("名次", width=4)
        ranking.add_column("责任单位", width=10)
        ranking.add_column("办结率", width=7)
        ranking.add_column("到期", width=4)
        ranking.add_column("通报", width=4)
        self.reload()
        figures.focus()

    def action_reload(self) -> None:
        self.reload()

    def reload(self) -> None:
        self.query_one("#st-title", Static).update(plain(f"{self.period.label} 信访工作情况（读取中……）"))
        self._load(self.period)

    @work(thread=True, exclusive=True, group="statistics")
    def _load(self, period) -> None:  # noqa: ANN001
        from xfdesk.services.reports import period_report, trend

        report = period_report(self.ctx, self.operator, period)
        points = trend(self.ctx, period)
        self.app.call_from_thread(self._show, report, points)

    def _show(self, report, points) -> None:  # noqa: ANN001
        if report.period != self.period:  # the clerk moved on to another month meanwhile
            return
        self.report = report
        today = report.as_of
        self.query_one("#st-title", Static).update(plain(
            f"{report.period.label} 信访工作情况（截至{today.month}月{today.day}日）  Enter 看明细"))
        figures = self.query_one("#st-figures", DataTable)
        figures.clear()
        self.figure_keys = []
        for label in ("信访事项（件）", "来信来访（批次）", "来访人次", "集体访（件）", "越级访（件）", "重复访（件）"):
            t = report.total(label)
            name = _compact(label)
            figures.add_row(lit(name), lit(t.current), lit(f"{_short(t.current, t.previous)} "
                                                         f"{_short(t.current, t.year_ago)}"))
            self.figure_keys.append(DRILL.get(name))
        for r in report.rates:
            figures.add_row(lit(r.name), lit(r.ratio.text), lit(f"{r.ratio.part}/{r.ratio.whole}"))
            self.figure_keys.append(DRILL.get(r.name))
        supervision = dict(report.supervision)
        figures.add_row(lit("督办"), lit(supervision["督办（次）"]), lit(f"{supervision['督办事项（件）']}件事项"))
        self.figure_keys.append(None)
        mediation = dict(report.mediation)
        figures.add_row(lit("调处"), lit(mediation["开始调处"]), lit(f"达成协议{mediation['调解达成协议']}"))
        self.figure_keys.append(None)
        leader = dict(report.leader)
        figures.add_row(lit("领导接待"), lit(leader["领导接待（件）"]), lit(f"接访日{leader['领导接访日（天）']}天"))
        self.figure_keys.append(None)
        first, last = points[0].month.start, points[-1].month.start
        span = f"{first.year % 100:02d}.{first.month}–{last.year % 100:02d}.{last.month}"
        counts = [p.matters for p in points]
        self.query_one("#st-trend-matters", Static).update(plain(
            f"事项 {span} 最多{max(counts)} 本月{counts[-1]}"))
        self.query_one("#st-spark-matters", Sparkline).data = counts
        rates = [p.handling.value for p in points]
        known = [r for r in rates if r is not None]
        self.query_one("#st-trend-rate", Static).update(plain(
            f"按期办结率 最低{min(known):.0f}% 本月{points[-1].handling.text}" if known else "按期办结率 无数据"))
        self.query_one("#st-spark-rate", Sparkline).data = [r if r is not None else 0.0 for r in rates]
        ranking = self.query_one("#st-ranking", DataTable)
        ranking.clear()
        self.units = []
        for u in report.ranking:
            mark = SHORT_FLAGS.get(u.flag, "后列" if u.bottom else "")
            ranking.add_row(lit(u.position if u.position is not None else "—"), lit(u.unit), lit(u.ratio.text),
                            lit(u.settled), lit(mark))
            self.units.append(u.unit)

    def action_month(self, step: int) -> None:
        from xfdesk.domain.statistics import Period, add_months

        start = add_months(self.period.start, step)
        if start > self.ctx.today():
            self.notify("没有以后月份的数字", severity="warning", markup=False)
            return
        self.period = Period(start, add_months(start, 1))
        self.reload()

    def action_drill(self) -> None:
        if self.report is None:
            return
        focused = self.focused
        if isinstance(focused, DataTable) and focused.id == "st-ranking":
            row = focused.cursor_row
            if row is None or row >= len(self.units):
                return
            unit = self.units[row]
            self.app.push_screen(FigureMattersScreen(self.ctx, self.operator, self.period, "handling_late", unit=unit))
            return
        figures = self.query_one("#st-figures", DataTable)
        row = figures.cursor_row
        key = self.figure_keys[row] if row is not None and row < len(self.figure_keys) else None
        if key is None:
            self.notify("这一项没有逐件明细", markup=False)
            return
        self.app.push_screen(FigureMattersScreen(self.ctx, self.operator, self.period, key))

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_drill()

    def action_export(self) -> None:
        from xfdesk.services.report_xlsx import save_period_report

        def job(period) -> str:  # noqa: ANN001
            _report, path = save_period_report(self.ctx, self.operator, period)
            return f"已导出：{path}"

        self._produce("正在导出月报……", "导出失败", job)

    def action_ledger(self) -> None:
        from xfdesk.services.ledger_xlsx import export_ledger

        def job(period) -> str:  # noqa: ANN001
            target = self.ctx.home.root / "reports" / f"信访台账（{period.label}）.xlsx"
            result = export_ledger(self.ctx, self.operator, target, since=period.start, until=period.last_day)
            return f"已导出信访台账 {result.rows}项（身份证号、电话已遮蔽）：{target}"

        self._produce("正在导出信访台账……", "导出失败", job)

    def action_work_report(self) -> None:
        from xfdesk.services.reports import issue_work_report

        def job(period) -> str:  # noqa: ANN001
            _report, doc = issue_work_report(self.ctx, self.operator, period)
            return f"已出具信访工作情况报告 {doc.number_text}：{doc.file_path}"

        self._produce("正在出具信访工作情况报告……", "未能出具", job)

    def _produce(self, starting: str, failed: str, job) -> None:  # noqa: ANN001
        """Write a file for the shown month in a worker; say so when it starts and how it ended (never a traceback:
        a refusal or a file-system error is one Chinese line)."""
        self.notify(starting, markup=False)
        self._run_job(self.period, failed, job)

    @work(thread=True, group="statistics-export")
    def _run_job(self, period, failed: str, job) -> None:  # noqa: ANN001
        try:
            done = job(period)
        except (OSError, Refused) as exc:
            self.app.call_from_thread(self.notify, f"{failed}：{_reason(exc)}", severity="error", markup=False)
            return
        self.app.call_from_thread(self.notify, done, markup=False, timeout=8)


_OS_REASONS = {errno.EACCES: "没有写入权限", errno.EPERM: "没有写入权限", errno.ENOSPC: "磁盘空间不足",
               errno.ENOENT: "文件夹不存在", errno.EROFS: "磁盘是只读的"}


def _reason(exc: Exception) -> str:
    """A refusal's own Chinese message; a file-system error in Chinese, with the file it concerns."""
    if isinstance(exc, OSError):
        where = f"（{exc.filename}）" if exc.filename else ""
        return _OS_REASONS.get(exc.errno, "无法写入文件") + where
    return str(exc)


class FigureMattersScreen(Screen):
    """The matters behind one figure of the month (or one unit's late ones)."""

    HELP = "数字明细：该数字统计到的事项。上下键选择，Enter 查看事项详情，Esc 返回统计。"
    BINDINGS = [
        Binding("enter", "open_matter", "详情"),
        Binding("escape", "app.pop_screen", "返回"),
    ]
    CSS = SCREEN_CSS + """
    #fm-table { height: 1fr; }
    """

    def __init__(self, ctx, operator, period, figure: str, *, unit: str | None = None):  # noqa: ANN001
        super().__init__()
        self.ctx = ctx
        self.operator = operator
        self.period = period
        self.figure = figure
        self.unit = unit
        self.ids: list[int] = []

    def compose(self) -> ComposeResult:
        yield Header(icon="")
        yield Static(id="fm-title", classes="hd-title")
        yield DataTable(id="fm-table", cursor_type="row", zebra_stripes=False)
        yield Static(id="fm-note", classes="hd-hint")
        yield DeskFooter(compact=True)

    def on_mount(self) -> None:
        self.sub_title = f"统计明细 · {self.operator.name}"
        table = self.query_one("#fm-table", DataTable)
        table.add_column("编号", width=14)
        table.add_column("登记", width=5)
        table.add_column("诉求摘要", width=24)
        table.add_column("责任单位", width=10)
        table.add_column("状态", width=8)
        table.add_column("期限", width=5)
        self.query_one("#fm-title", Static).update(plain("读取中……"))
        table.focus()
        self._load()

    @work(thread=True, exclusive=True)
    def _load(self) -> None:
        from xfdesk.services.reports import figure_matters

        found = figure_matters(self.ctx, self.operator, self.period, self.figure, unit=self.unit)
        self.app.call_from_thread(self._show, found)

    def _show(self, found) -> None:  # noqa: ANN001
        table = self.query_one("#fm-table", DataTable)
        table.clear()
        self.ids = []
        for m in found.lines:
            table.add_row(lit(m.number), lit(f"{m.received_on.month}.{m.received_on.day}"), lit(m.summary),
                          lit(m.unit), lit(m.status), lit(f"{m.due_on.month}.{m.due_on.day}" if m.due_on else ""))
            self.ids.append(m.matter_id)
        who = f"{self.unit} " if self.unit else ""
        self.query_one("#fm-title", Static).update(plain(
            f"{self.period.label} {who}{found.figure}：{len(found.lines) + found.withheld} 件"))
        self.query_one("#fm-note", Static).update(plain(
            f"另有检举控告事项 {found.withheld} 件，仅主任可见" if found.withheld else ""))

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_open_matter()

    def action_open_matter(self) -> None:
        table = self.query_one("#fm-table", DataTable)
        row = table.cursor_row
        if row is None or row >= len(self.ids) or not hasattr(self.app, "open_matter"):
            return
        self.app.open_matter(self.ids[row])
