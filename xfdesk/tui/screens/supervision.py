"""督办: open matters by responsible unit — overdue (days late) and due within N days — and the 督办 issued."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Header, Static

from xfdesk.domain.deadlines import DUE_SOON_BASIS, due_counts_text
from xfdesk.tui.screens.handling import SCREEN_CSS, ActionFormScreen, supervision_form
from xfdesk.tui.screens.screening import short_date
from xfdesk.tui.screens._cells import days_text
from xfdesk.tui.widgets.fields import lit, plain
from xfdesk.tui.screens._reload import changed_since_read, mark_read
from xfdesk.tui.widgets.footer import DeskFooter


PAGE_ROWS = 100  # rows read and shown at a time: a screenful is 18; the next page comes as the cursor nears the end
PAGE_AHEAD = 20


class SupervisionScreen(Screen):
    """督办看板."""

    HELP = ("督办看板：按责任单位列出已超期和 N 天内（今天起 N 个自然日内）到期的办理中事项（与首页“办理中”一行"
            "同一口径；待甄别事项尚无责任单位，在 F4 甄别）。上下键选择，S 督办（出具督办函），"
            "+/- 调整天数，I 切换到已发督办，O 查看事项详情，F5 刷新，Esc 返回。")
    BINDINGS = [
        Binding("s", "supervise", "督办"),
        # one footer entry for both day keys so that every key fits in 80 columns
        Binding("plus,equals_sign", "days(1)", "天数", key_display="+/-", tooltip="多看一天（N 天内到期的 N 加 1）"),
        Binding("minus", "days(-1)", "天数-1", show=False, tooltip="少看一天（N 减 1）"),
        Binding("i", "toggle_issued", "已发督办"),
        Binding("o", "open_matter", "详情"),
        Binding("f5", "reload", "刷新"),
        Binding("escape", "app.pop_screen", "返回"),
    ]
    CSS = SCREEN_CSS + """
    #sv-board, #sv-issued { height: 1fr; max-height: 100%; }
    """

    def __init__(self, ctx, operator, within_days: int | None = None):  # noqa: ANN001
        super().__init__()
        self.ctx = ctx
        self.operator = operator
        self.within = ctx.settings.due_soon_days if within_days is None else within_days
        self.show_issued = False
        self.row_ids: list[int] = []

    def compose(self) -> ComposeResult:
        yield Header(icon="")
        yield Static(id="sv-title", classes="hd-title")
        yield DataTable(id="sv-board", cursor_type="row", zebra_stripes=False)
        yield DataTable(id="sv-issued", cursor_type="row", zebra_stripes=False)
        yield DeskFooter(compact=True)

    def on_mount(self) -> None:
        self.sub_title = f"督办 · {self.operator.name}"
        board = self.query_one("#sv-board", DataTable)
        # 80 columns: how late and the due date first, then the demand; the deadline's name drops "期限"
        # (办理 / 转送交办) and the person and status follow off to the right.
        board.add_columns("责任单位", "编号", "剩余/超期", "届满", "已督办")
        board.add_column("诉求摘要", width=14)
        board.add_columns("期限", "信访人", "状态")
        self.query_one("#sv-issued", DataTable).add_columns("督办日期", "编号", "责任单位", "督办要求", "反馈期限",
                                                            "督办人", "办理情况")
        self.reload()

    def on_screen_resume(self) -> None:
        if changed_since_read(self, self.ctx):
            self.reload()

    def action_reload(self) -> None:
        self.reload()

    def reload(self) -> None:
        from xfdesk.services.supervision import board_page, issued_supervisions

        board = self.query_one("#sv-board", DataTable)
        issued_table = self.query_one("#sv-issued", DataTable)
        board.display = not self.show_issued
        issued_table.display = self.show_issued
        title = self.query_one("#sv-title", Static)
        mark_read(self, self.ctx)
        if self.show_issued:
            issued = issued_supervisions(self.ctx, operator=self.operator)
            issued_table.clear()
            self.row_ids = []
            for s in issued:
                issued_table.add_row(lit(s.issued_on.isoformat()), lit(s.number), lit(s.unit), lit(s.note),
                                     lit(s.due_on.isoformat() if s.due_on else ""), lit(s.actor),
                                     lit("已办结" if s.answered else "办理中"))
                self.row_ids.append(s.matter_id)
            title.update(plain(f"已发督办 {len(issued)} 件（I 返回看板）"))
            issued_table.focus()
            return
        self.page = board_page(self.ctx, self.operator, within_days=self.within, limit=PAGE_ROWS)
        board.clear()
        self.row_ids = []
        self._last_unit = None
        self._add_rows(self.page.rows)
        overdue = sum(u.overdue for u in self.page.units)
        soon = sum(u.due_soon for u in self.page.units)
        # the home screen's 办理中 line in the same words (待甄别 matters are not on the board: no unit yet)
        title.update(plain(f"办理中 {due_counts_text(overdue, soon, self.within)}（{DUE_SOON_BASIS}），"
                           f"涉及 {len(self.page.units)} 个单位　+/- 调整天数"))
        board.focus()

    def _add_rows(self, rows) -> None:  # noqa: ANN001
        board = self.query_one("#sv-board", DataTable)
        soon, today = self.ctx.settings.due_soon_days, self.ctx.today()
        for r in rows:
            first = r.unit != self._last_unit  # the unit's name on its first row only
            self._last_unit = r.unit
            board.add_row(lit(r.unit if first else ""), lit(r.number), days_text(r.days_left, soon),
                          lit(short_date(r.due_on, today)), lit(f"{r.supervisions}次" if r.supervisions else ""),
                          lit(r.summary), lit(r.clock.removesuffix("期限")), lit(r.petitioner),
                          lit(r.status_label))
            self.row_ids.append(r.id)

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        """The next page of the board as the cursor nears the end of the rows read so far."""
        page = getattr(self, "page", None)
        if (self.show_issued or page is None or not page.more or event.data_table.id != "sv-board"
                or event.cursor_row < len(self.row_ids) - PAGE_AHEAD):
            return
        from xfdesk.services.supervision import board_page

        self.page = board_page(self.ctx, self.operator, within_days=self.within, offset=len(self.row_ids),
                               limit=PAGE_ROWS)
        self._add_rows(self.page.rows)

    def current_id(self) -> int | None:
        table = self.query_one("#sv-issued" if self.show_issued else "#sv-board", DataTable)
        row = table.cursor_row
        return self.row_ids[row] if self.row_ids and row is not None and row < len(self.row_ids) else None

    def action_days(self, step: int) -> None:
        self.within = max(0, self.within + step)
        self.reload()

    def action_toggle_issued(self) -> None:
        self.show_issued = not self.show_issued
        self.reload()

    def action_supervise(self) -> None:
        matter_id = self.current_id()
        if matter_id is None or self.show_issued:
            return
        self.app.push_screen(ActionFormScreen(supervision_form(self.ctx, self.operator, matter_id)),
                             lambda _saved: self.reload())

    def action_open_matter(self) -> None:
        matter_id = self.current_id()
        if matter_id is not None and hasattr(self.app, "open_matter"):
            self.app.open_matter(matter_id)
