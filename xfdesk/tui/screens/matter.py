"""One matter: every field, flags, deadlines with days left (coloured), the full event timeline.

Hooks into other areas (imported only when the key is pressed, with a Chinese notice when not installed yet):
``d`` 文书 (documents.ChooseDocumentScreen), ``h`` 办理 (handling.HandlingScreen), ``b`` 约访 (reception.BookMatterScreen).
"""

from __future__ import annotations

import datetime as dt

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import DataTable, Header, Static

from xfdesk.domain.deadlines import state_words
from xfdesk.tui.screens._cells import OVERDUE_STYLE, days_text, fill_wrapping_table, labelled_grid
from xfdesk.tui.widgets.fields import lit, plain
from xfdesk.tui.ahead import load_next_screens, want_documents
from xfdesk.tui.styles import css
from xfdesk.tui.screens._reload import changed_since_read, mark_read
from xfdesk.tui.widgets.footer import DeskFooter

def action_label(action: str) -> str:
    """Chinese name of an event's action (the rule lives in ``domain.timeline``)."""
    from xfdesk.domain.timeline import event_label

    return event_label(action)


def deadline_cell(item: dict, due_soon_days: int) -> Text:
    """剩余/结果 of one deadline: the result once it is closed (the glossary's wording, as ``matter show`` prints
    it), a lapsed window as such, else the days left coloured (see ``days_text``)."""
    if item.get("state") != "open":
        label = item.get("state_label") or state_words(item.get("kind") or "duty", item.get("state") or "")
        return Text(label, style=OVERDUE_STYLE if item.get("state") == "late" else "")
    if item.get("kind") == "window" and (item.get("days_left") or 0) < 0:
        return Text(item.get("state_label") or "")
    return days_text(item.get("days_left"), due_soon_days)




def citation(basis: str) -> str:
    """The article a deadline rests on (``《信访工作条例》第二十二条``): the basis up to its first colon."""
    return basis.split("：", 1)[0]


class MatterScreen(Screen):
    CSS_PATH = css("views")
    HELP = ("事项详情：全部字段、标记、各项期限及剩余天数（红色超期，黄色临近），以及完整的办理记录。"
            "H 办理（甄别、受理、交办、答复等），B 约访领导接访日，D 打印文书，P 查看信访人及其全部事项，"
            "U 记录检举控告事项的被检举单位（不能向其交办、约访），Esc 返回。")
    BINDINGS = [
        Binding("h", "handle", "办理"),
        Binding("b", "book", "约访"),
        Binding("d", "documents", "文书"),
        Binding("p", "person", "信访人"),
        Binding("u", "accused", "被检举单位"),  # 检举控告 matters only (check_action)
        Binding("f5", "reload", "刷新"),
        Binding("escape", "app.pop_screen", "返回"),
    ]

    def __init__(self, ctx, operator, matter_id: int):  # noqa: ANN001
        super().__init__()
        self.ctx = ctx
        self.operator = operator
        self.matter_id = matter_id

    def compose(self) -> ComposeResult:
        yield Header(icon="")
        with VerticalScroll(id="matter-body"):
            yield Static(id="matter-head")
            yield Static(id="matter-fields")
            yield Static(plain("期限"), classes="section-title")
            yield DataTable(id="matter-deadlines", cursor_type="none", zebra_stripes=False, show_cursor=False)
            yield Static(id="matter-bases")
            yield Static(plain("办理记录"), classes="section-title")
            yield DataTable(id="matter-events", cursor_type="row", zebra_stripes=False)
        yield DeskFooter()

    def on_mount(self) -> None:
        self.sub_title = "事项详情"
        self.query_one("#matter-deadlines", DataTable).add_columns("期限", "起算", "届满", "剩余/结果", "依据")
        # the page scrolls as one (↑↓ PageUp/PageDown Home/End at once), opening at its top: 编号, 状态, 信访人 first.
        # The tables are part of the page, not focus stops of their own (a focused table at the bottom scrolled
        # the page down on opening and took the scrolling keys for its own cursor).
        for table in self.query(DataTable):
            table.can_focus = False
        self.reload()
        body = self.query_one("#matter-body", VerticalScroll)
        body.focus(scroll_visible=False)
        body.scroll_home(animate=False)
        self.call_after_refresh(load_next_screens, self.app)
        want_documents(self.app)

    def on_screen_resume(self) -> None:
        if changed_since_read(self, self.ctx):  # a handling or booking screen changed the matter
            self.reload()

    def action_reload(self) -> None:
        self.reload()

    def reload(self) -> None:
        from xfdesk.domain.lifecycle import STATUS_LABELS, Status
        from xfdesk.services.queries import matter_detail

        mark_read(self, self.ctx)
        detail = matter_detail(self.ctx, self.matter_id, self.operator)
        head = self.query_one("#matter-head", Static)
        if detail is None:
            head.update(plain("找不到该事项"))
            return
        self.detail = detail
        flags = "、".join(detail["flags"])
        head.update(Content.assemble((detail["number"], "bold #00D7FF"), "　", (detail["status_label"], "bold"),
                                     ("　" + flags if flags else "", "bold #FFAF00")))
        person = detail.get("petitioner")
        if person is None:
            who = "（检举控告，身份保密）" if detail.get("restricted") else ""
        else:
            who = "　".join(x for x in (person["name"], person.get("gender") or "", person.get("id_number") or "",
                                        person.get("phone") or "", person.get("village") or "",
                                        person.get("address") or "") if x)
        rows = [
            ("信访人", who),
            ("代表", "、".join(detail.get("representatives") or [])),  # a group visit's, as typed at registration
            ("诉求摘要", detail["summary"]),
            ("详细情况", detail["details"]),
            ("问题类别", detail["category"]),
            ("问题属地", detail["location"]),
            ("事项性质", detail.get("kind") or "未定"),
            ("来访", "　".join(str(x) for x in (detail.get("received_on"), detail.get("channel"),
                                                 f"{detail.get('headcount') or 1}人", f"接待人 {detail.get('clerk') or ''}")
                              if x)),
            ("责任单位", detail.get("unit") or ""),
            ("重复访关联", detail.get("repeat_of") or ""),
            ("办理去向", " ".join(x for x in (detail.get("route_reason") or "", detail.get("forwarded_to") or "") if x)),
            ("答复结果", detail.get("reply_result") or ""),
        ]
        if detail.get("clock_paused"):
            rows.append(("计时", "已中止（听证）"))
        if detail.get("restricted"):
            rows.append(("被检举单位", self._accused_text()))
        self.query_one("#matter-fields", Static).update(labelled_grid([(f"{k}：", v) for k, v in rows if v]))

        deadlines = self.query_one("#matter-deadlines", DataTable)
        deadlines.clear()
        items = detail.get("deadline_details", [])
        for d in items:
            deadlines.add_row(lit(d["label"]), lit(d["start_on"]), lit(d["due_on"] + ("*" if d.get("assumed") else "")),
                              deadline_cell(d, self.ctx.settings.due_soon_days), lit(citation(d.get("basis") or "")))
        # The table cites the article; the full wording follows here, wrapped, so that nothing is cut at 80 columns.
        notes = [(d["label"], d["basis"]) for d in items if d.get("basis")]
        if any(d.get("assumed") for d in items):
            notes.append(("*", "缺少该年的法定节假日安排，届满日暂按周末推算（导入该年安排后重算）"))
        bases = self.query_one("#matter-bases", Static)
        bases.display = bool(notes)
        bases.update(labelled_grid(notes, label_style="dim bold", value_style="dim"))
        events = self.query_one("#matter-events", DataTable)
        rows = []
        for e in detail.get("events", []):
            change = ""
            if e.get("to") and e.get("to") != e.get("from"):
                def label(s: str | None) -> str:
                    try:
                        return STATUS_LABELS[Status(s)] if s else ""
                    except ValueError:
                        return s or ""
                change = f"{label(e.get('from'))}→{label(e['to'])}" if e.get("from") else label(e["to"])
            at = dt.datetime.fromisoformat(e["at"]).strftime("%Y-%m-%d %H:%M")
            rows.append((at, e["actor"] or "", action_label(e["action"]), change, e.get("note") or ""))
        # 说明 wraps within the screen (the row grows) instead of being cut at the right edge
        fill_wrapping_table(events, ("时间", "操作人", "操作", "状态变化"), "说明", rows, self.app.size.width, edge=6)

    def _hook(self, module: str, cls: str) -> None:
        import importlib

        screen_cls = getattr(importlib.import_module(module), cls)  # our own module: a failure is a bug
        self.app.push_screen(screen_cls(self.ctx, self.operator, self.matter_id))

    def action_person(self) -> None:
        person = getattr(self, "detail", {}).get("petitioner")
        if person is None:
            self.notify("该事项的信访人身份保密，仅信访办主任可查看", severity="warning")
            return
        from xfdesk.tui.screens.person import PersonScreen

        self.app.push_screen(PersonScreen(self.ctx, self.operator, person["id"]))

    def action_handle(self) -> None:
        self._hook("xfdesk.tui.screens.handling", "HandlingScreen")

    def action_book(self) -> None:
        self._hook("xfdesk.tui.screens.reception", "BookMatterScreen")

    # -- 被检举单位 (检举控告 matters, 条例第三十条) --------------------------------------------------------------
    def _accused_text(self) -> str:
        from xfdesk.services.accused import accused_units_of

        names = "、".join(name for _, name in accused_units_of(self.ctx, self.matter_id))
        return names or "未记录（U 记录，之后不能向其交办、约访）"

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "accused":
            return bool(getattr(self, "detail", {}).get("restricted"))
        return True

    def action_accused(self) -> None:
        from xfdesk.tui.screens.accused import AccusedUnitsScreen

        self.app.push_screen(AccusedUnitsScreen(self.ctx, self.operator, self.matter_id,
                                                getattr(self, "detail", {}).get("number", "")),
                             lambda _result: self.reload())

    def action_documents(self) -> None:
        self._hook("xfdesk.tui.screens.documents", "ChooseDocumentScreen")
