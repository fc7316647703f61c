"""综合查询: one box for people, matters and text, paged; Enter opens a matter or a person's latest matter."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import DataTable, Header, Input, Static
from textual.widgets.input import Selection

from xfdesk.tui.screens._cells import fill_wrapping_table
from xfdesk.tui.widgets.fields import FieldInput, FormField, plain
from xfdesk.tui.styles import css
from xfdesk.tui.widgets.footer import DeskFooter

PAGE = 15
SEARCH_DELAY = 0.2


class SearchBox(FieldInput):
    BINDINGS = [
        Binding("down", "screen.move(1)", "下一行", show=False),
        Binding("up", "screen.move(-1)", "上一行", show=False),
        # the input box would take PageDown/PageUp (and hide them from the footer): paging is the screen's
        Binding("pagedown", "screen.page(1)", "下一页"),
        Binding("pageup", "screen.page(-1)", "上一页"),
        Binding("enter", "screen.open_selected", "打开"),  # shown: the box's own Enter (submit) is hidden
    ]


COLUMNS = ("类别", "编号/姓名", "状态", "日期")  # then 内容, as wide as the screen leaves


class SearchScreen(Screen):
    CSS_PATH = css("forms", "views")
    HELP = ("综合查询：输入身份证号、电话、姓名、拼音首字母、事项编号或诉求中的文字，结果随输入显示；"
            "上下键选择，回车打开事项（选中的是人时打开其历史），PageDown/PageUp 翻页；"
            "F3 重新查询（选中原有内容，直接输入即替换），Esc 返回。")
    BINDINGS = [
        # F3 again starts a new query: typing after it replaced nothing and ran on (``sj`` + ``wdm`` → ``sjwdm``)
        # not in the footer (it cut f1 帮助 at 80 columns): F3 is the key a clerk presses for a search anyway, and
        # the help lists it
        Binding("f3", "new_query", "新查询", show=False, tooltip="F3 再按一次：选中旧的查询词，新输入替换它"),
        Binding("pagedown", "page(1)", "下一页"),
        Binding("pageup", "page(-1)", "上一页"),
        Binding("escape", "app.pop_screen", "返回"),
    ]

    def __init__(self, ctx, operator, text: str = ""):  # noqa: ANN001
        super().__init__()
        self.ctx = ctx
        self.operator = operator
        self.initial = text
        self.page_offset = 0
        self.lines: list = []
        self.has_more = False
        self._timer: Timer | None = None
        self.searched_text: str | None = None  # the text the results shown are for

    def compose(self) -> ComposeResult:
        yield Header(icon="")
        yield FormField("查询", SearchBox("query", self.initial, id="query",
                                           placeholder="身份证/电话/姓名/拼音首字母/编号/诉求文字"), id="f-query")
        yield Static(id="search-status")
        yield DataTable(id="results", cursor_type="row", zebra_stripes=False)
        yield DeskFooter()

    def on_mount(self) -> None:
        self.sub_title = "综合查询"
        table = self.query_one("#results", DataTable)
        table.add_columns(*COLUMNS, "内容")
        table.can_focus = False
        self.query_one("#query", Input).focus()
        if self.initial:
            self.run_search()
        from xfdesk.tui.ahead import load_next_screens

        self.call_after_refresh(load_next_screens, self.app)  # while the query is typed: what a matter's keys open

    def on_screen_resume(self) -> None:
        self.query_one("#query", Input).focus()  # back from a matter or a person: typing goes to the box

    def action_new_query(self) -> None:
        """Select the whole query (still readable) so that the next key typed replaces it; Backspace clears it."""
        box = self.query_one("#query", Input)
        box.focus()
        box.selection = Selection(0, len(box.value))

    @on(Input.Changed, "#query")
    def _changed(self, event: Input.Changed) -> None:
        event.stop()
        self.page_offset = 0
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(SEARCH_DELAY, self.run_search)

    def run_search(self) -> None:
        from xfdesk.services.desk_queries import search_everything

        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        text = self.query_one("#query", Input).value
        self.searched_text = text
        result = search_everything(self.ctx, text, operator=self.operator, limit=PAGE, offset=self.page_offset)
        self.lines, self.has_more = result.lines, result.has_more
        table = self.query_one("#results", DataTable)
        rows = [("人" if line.kind == "person" else "事项", line.title, line.status,
                 line.when.isoformat() if line.when else "", line.text) for line in self.lines]
        # 内容 wraps within the screen: a person's phone comes last and must stay readable at 80 columns
        fill_wrapping_table(table, COLUMNS, "内容", rows, self.app.size.width)
        status = self.query_one("#search-status", Static)
        if not text.strip():
            status.update(plain("请输入要查找的内容"))
        elif not self.lines:
            status.update(plain("没有找到" if self.page_offset == 0 else "没有更多了"))
        else:
            page = self.page_offset // PAGE + 1
            status.update(plain(f"第{page}页，本页{len(self.lines)}条" + ("，PageDown 下一页" if self.has_more else "")))

    def action_move(self, step: int) -> None:
        table = self.query_one("#results", DataTable)
        if table.row_count:
            table.move_cursor(row=max(0, min(table.row_count - 1, table.cursor_row + step)))

    def action_page(self, step: int) -> None:
        if step > 0 and not self.has_more:
            return
        if step < 0 and self.page_offset == 0:
            return
        self.page_offset = max(0, self.page_offset + step * PAGE)
        self.run_search()

    @on(Input.Submitted, "#query")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_open_selected()

    def action_open_selected(self) -> None:
        # Enter right behind the typing (keys held while the screen composed arrive in one burst) runs before the
        # box's Changed messages reach this screen: no timer yet, the results of an older text. What the box
        # holds now is what Enter opens.
        if self._timer is not None or self.searched_text != self.query_one("#query", Input).value:
            self.run_search()
        if not self.lines:
            return
        line = self.lines[min(self.query_one("#results", DataTable).cursor_row, len(self.lines) - 1)]
        if line.kind == "matter":
            self.app.open_matter(line.ref_id)
        else:
            from xfdesk.tui.screens.person import PersonScreen

            self.app.push_screen(PersonScreen(self.ctx, self.operator, line.ref_id))
