"""Setting up reception days from the TUI: the roster of leaders and the reception rule."""

from __future__ import annotations

from pathlib import Path

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen, Screen
from textual.widgets import DataTable, Header, Input, Static

from xfdesk.domain.reception import WEEKDAY_CHARS, ReceptionRuleError, sessions_label
from xfdesk.tui.widgets.fields import FieldInput, FormField, lit, plain
from xfdesk.tui.widgets.footer import DeskFooter

CSS_FILE = str(Path(__file__).with_name("reception.tcss"))


class LeaderFormScreen(ModalScreen[bool]):
    """添加接访领导."""

    HELP = "添加接访领导：填写姓名和职务，Ctrl+S 或在职务栏回车保存，Esc 取消。"
    BINDINGS = [Binding("ctrl+s", "save", "保存", priority=True), Binding("escape", "cancel", "取消")]
    CSS_PATH = CSS_FILE

    def __init__(self, ctx, operator):  # noqa: ANN001
        super().__init__()
        self.ctx = ctx
        self.operator = operator

    def compose(self) -> ComposeResult:
        with Vertical(classes="rx-dialog"):
            yield Static(plain("添加接访领导"), classes="rx-question")
            yield FormField("姓名", FieldInput("name", id="rx-leader-name"), id="f-leader-name")
            yield FormField("职务", FieldInput("title", id="rx-leader-title", placeholder="如 副镇长"),
                            id="f-leader-title")
            yield Static(id="rx-leader-error", classes="form-error")
            yield Static(plain("Ctrl+S 保存，Esc 取消"), classes="rx-hint")

    def on_mount(self) -> None:
        self.query_one("#rx-leader-name", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "rx-leader-name":
            self.query_one("#rx-leader-title", Input).focus()
        else:
            self.action_save()

    def action_save(self) -> None:
        from xfdesk.services.reception import add_leader

        try:
            leader = add_leader(self.ctx, self.operator, self.query_one("#rx-leader-name", Input).value,
                                self.query_one("#rx-leader-title", Input).value)
        except ReceptionRuleError as exc:
            self.query_one("#rx-leader-error", Static).update(plain(str(exc)))
            return
        self.app.notify(f"已添加：{leader.title}{leader.name}", markup=False)
        self.dismiss(True)

    def action_cancel(self) -> None:
        self.dismiss(False)


class LeadersScreen(Screen):
    """接访领导名单."""

    HELP = ("接访领导名单：排班按此顺序轮流。N 添加领导，D 停用/启用所选领导（离任的停用，不删除，历史记录保留），"
            "I 导入 data/leaders.toml 中尚未登记的领导，Esc 返回。")
    BINDINGS = [
        Binding("n", "add", "添加"),
        Binding("d", "toggle", "停用/启用"),
        Binding("i", "import_roster", "导入名单"),
        Binding("escape", "app.pop_screen", "返回"),
    ]
    CSS_PATH = CSS_FILE

    def __init__(self, ctx, operator):  # noqa: ANN001
        super().__init__()
        self.ctx = ctx
        self.operator = operator
        self.leaders: list = []

    def compose(self) -> ComposeResult:
        yield Header(icon="")
        yield Static(plain("接访领导（按排班顺序）"), classes="section-title")
        yield DataTable(id="rx-leaders", cursor_type="row", zebra_stripes=False)
        yield DeskFooter()

    def on_mount(self) -> None:
        self.sub_title = "接访领导名单"
        self.query_one("#rx-leaders", DataTable).add_columns("顺序", "姓名", "职务", "状态")
        self.reload()
        self.query_one("#rx-leaders", DataTable).focus()

    def reload(self) -> None:
        from xfdesk.services.reception import list_leaders

        table = self.query_one("#rx-leaders", DataTable)
        keep = table.cursor_row
        table.clear()
        self.leaders = list_leaders(self.ctx)
        for position, leader in enumerate(self.leaders, start=1):
            # 顺序 is the place in the rota, counted from 1 (the stored sort key may start at 0 or skip numbers)
            table.add_row(lit(position), lit(leader.name), lit(leader.title),
                          lit("在任" if leader.active else "已停用"))
        if self.leaders and keep is not None:
            table.move_cursor(row=min(keep, len(self.leaders) - 1))

    def action_add(self) -> None:
        self.app.push_screen(LeaderFormScreen(self.ctx, self.operator), lambda _saved: self.reload())

    def action_toggle(self) -> None:
        from xfdesk.services.reception import set_leader_active

        table = self.query_one("#rx-leaders", DataTable)
        if not self.leaders or table.cursor_row is None:
            return
        leader = self.leaders[table.cursor_row]
        set_leader_active(self.ctx, self.operator, leader.id, not leader.active)
        self.notify(f"{leader.name}已{'启用' if not leader.active else '停用'}", markup=False)
        self.reload()

    def action_import_roster(self) -> None:
        from xfdesk.services.reception import import_roster

        added = import_roster(self.ctx, self.operator)
        self.notify(f"导入{len(added)}位领导" + (f"：{'、'.join(x.name for x in added)}" if added else ""),
                    markup=False)
        self.reload()


class RuleScreen(ModalScreen[bool]):
    """接访日规则."""

    HELP = ("接访日规则：每周几接访（一至日），或每月几日（填了日期就按每月，填0改回每周），每日领导人数、"
            "约访时段数、每段分钟数、开始时间和接访时间（上午、下午两段，如 09:00-11:30、14:30-17:00，午休不排约访；"
            "时段须排得下）。Ctrl+S 保存（已排的接访日不变，保存后按 G/Y 重新生成排班），Esc 取消。")
    BINDINGS = [Binding("ctrl+s", "save", "保存", priority=True), Binding("escape", "cancel", "取消")]
    CSS_PATH = CSS_FILE
    FIELDS = (("weekday", "每周几"), ("day_of_month", "每月几日"), ("leaders", "每日领导"), ("slots", "时段数"),
              ("minutes", "每段分钟"), ("start", "开始时间"), ("hours", "接访时间"))

    def __init__(self, ctx, operator):  # noqa: ANN001
        super().__init__()
        self.ctx = ctx
        self.operator = operator

    def compose(self) -> ComposeResult:
        from xfdesk.services.reception import reception_rule

        rule = reception_rule(self.ctx)
        values = {"weekday": WEEKDAY_CHARS[rule.weekday], "day_of_month": str(rule.day_of_month or ""),
                  "leaders": str(rule.leaders_per_day), "slots": str(rule.slots), "minutes": str(rule.slot_minutes),
                  "start": rule.start.strftime("%H:%M"), "hours": sessions_label(rule.sessions)}
        self.shown_hours = values["hours"]
        with Vertical(classes="rx-dialog"):
            yield Static(plain(f"接访日规则　现为：{rule.describe()}"), classes="rx-question")
            for name, label in self.FIELDS:
                restrict = r"\d*" if name in ("day_of_month", "leaders", "slots", "minutes") else None
                yield FormField(label, FieldInput(name, values[name], id=f"rx-rule-{name}", restrict=restrict),
                                id=f"f-rule-{name}")
            yield Static(id="rx-rule-error", classes="form-error")
            yield Static(plain("Ctrl+S 保存，Esc 取消"), classes="rx-hint")

    def on_mount(self) -> None:
        self.query_one("#rx-rule-weekday", Input).focus()

    def value(self, name: str) -> str:
        return self.query_one(f"#rx-rule-{name}", Input).value.strip()

    def action_save(self) -> None:
        from xfdesk.services.reception import set_reception_rule

        def number(name: str) -> int | None:
            text = self.value(name)
            return int(text) if text else None

        day_of_month = number("day_of_month")
        hours = self.value("hours")
        try:
            rule = set_reception_rule(self.ctx, self.operator, weekday=self.value("weekday") or None,
                                      day_of_month=day_of_month if day_of_month is not None else 0,
                                      leaders_per_day=number("leaders"), slots=number("slots"),
                                      slot_minutes=number("minutes"), start=self.value("start") or None,
                                      # the hours only when edited: a new start alone opens the morning then
                                      sessions=None if hours == self.shown_hours else hours)
        except ReceptionRuleError as exc:
            self.query_one("#rx-rule-error", Static).update(plain(str(exc)))
            return
        self.app.notify(f"接访日规则已改为：{rule.describe()}。请按 G 或 Y 重新生成排班", timeout=10, markup=False)
        self.dismiss(True)

    def action_cancel(self) -> None:
        self.dismiss(False)
