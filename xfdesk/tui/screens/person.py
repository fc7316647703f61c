"""One petitioner: masked identity, flags and every earlier matter; Enter opens a matter."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.screen import Screen
from textual.widgets import DataTable, Header, Static

from xfdesk.tui.screens._cells import fill_wrapping_table
from xfdesk.tui.widgets.fields import plain
from xfdesk.tui.styles import css
from xfdesk.tui.widgets.footer import DeskFooter


MATTER_COLUMNS = ("编号", "日期", "状态", "标记")  # then 诉求, as wide as the screen leaves


class PersonScreen(Screen):
    CSS_PATH = css("views")
    HELP = ("信访人：上方为身份信息（证件号、电话已遮蔽）与标记，下方为其全部事项；上下键选择，回车打开，"
            "N 为此人登记新的来访，Esc 返回。")
    BINDINGS = [
        Binding("enter", "open_selected", "打开", priority=True),  # shown: the table's own Enter is hidden
        Binding("n", "register_visit", "为此人登记"),
        Binding("escape", "app.pop_screen", "返回"),
    ]

    def __init__(self, ctx, operator, petitioner_id: int):  # noqa: ANN001
        super().__init__()
        self.ctx = ctx
        self.operator = operator
        self.petitioner_id = petitioner_id
        self.matter_ids: list[int] = []

    def compose(self) -> ComposeResult:
        yield Header(icon="")
        yield Static(id="person-head")
        yield DataTable(id="person-matters", cursor_type="row", zebra_stripes=False)
        yield DeskFooter()

    def on_mount(self) -> None:
        from xfdesk.services.history import person_history

        self.sub_title = "信访人"
        history = person_history(self.ctx, self.petitioner_id, self.operator.role)
        head = self.query_one("#person-head", Static)
        table = self.query_one("#person-matters", DataTable)
        table.add_columns(*MATTER_COLUMNS, "诉求")
        if history is None:
            head.update(plain("找不到该信访人"))
            return
        ident = "　".join(x for x in (history.gender, history.id_masked, history.phone_masked, history.village,
                                      history.address) if x)
        lines = [Content.assemble((history.name, "bold"), "　", ident),
                 Content(f"共{history.matter_count}件，在办{history.open_count}件"
                         + (f"，最近来访 {history.last_contact:%Y-%m-%d %H:%M}" if history.last_contact else ""))]
        if history.flags:
            lines.append(Content("标记：" + "、".join(history.flags)).stylize("bold #FFAF00"))
        head.update(Content("\n").join(lines))
        rows = [(m.number, m.received_on.isoformat(), m.status_label, "、".join(m.flags),
                 m.summary + (f"（代表：{'、'.join(m.representatives)}）" if m.representatives else ""))
                for m in history.matters]
        fill_wrapping_table(table, MATTER_COLUMNS, "诉求", rows, self.app.size.width)  # 诉求 wraps, never cut
        self.matter_ids = [m.id for m in history.matters]
        table.focus()

    def action_register_visit(self) -> None:
        self.app.action_register(petitioner_id=self.petitioner_id)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        self.open_row(event.cursor_row)

    def action_open_selected(self) -> None:
        self.open_row(self.query_one("#person-matters", DataTable).cursor_row)

    def open_row(self, row: int | None) -> None:
        if row is not None and 0 <= row < len(self.matter_ids):
            self.app.open_matter(self.matter_ids[row])
