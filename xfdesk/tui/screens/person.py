"""One petitioner: masked identity, flags and every earlier matter; Enter opens a matter."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Static

from xfdesk.tui.widgets.fields import lit, plain
from xfdesk.tui.styles import css


class PersonScreen(Screen):
    CSS_PATH = css("views")
    HELP = ("信访人：上方为身份信息（证件号、电话已遮蔽）与标记，下方为其全部事项；上下键选择，回车打开，"
            "N 为此人登记新的来访，Esc 返回。")
    BINDINGS = [Binding("n", "register_visit", "为此人登记"), Binding("escape", "app.pop_screen", "返回")]

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
        yield Footer()

    def on_mount(self) -> None:
        from xfdesk.services.history import person_history

        self.sub_title = "信访人"
        history = person_history(self.ctx, self.petitioner_id, self.operator.role)
        head = self.query_one("#person-head", Static)
        table = self.query_one("#person-matters", DataTable)
        table.add_columns("编号", "日期", "状态", "标记", "诉求")
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
        for m in history.matters:
            table.add_row(lit(m.number), lit(m.received_on.isoformat()), lit(m.status_label), lit("、".join(m.flags)),
                          lit(m.summary))
            self.matter_ids.append(m.id)
        table.focus()

    def action_register_visit(self) -> None:
        self.app.action_register(petitioner_id=self.petitioner_id)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        if 0 <= event.cursor_row < len(self.matter_ids):
            self.app.open_matter(self.matter_ids[event.cursor_row])
