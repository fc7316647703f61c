"""Leader reception days in the TUI: the month calendar, a day with its slots, the session (到/未到, 批示), booking.

Screens call ``xfdesk.services.reception`` only; every user text goes through ``Text``/``Content`` (never markup).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

from rich.cells import cell_len
from rich.table import Table
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen, Screen
from textual.widgets import DataTable, Header, Input, OptionList, SelectionList, Static

from xfdesk.domain.lifecycle import TransitionRefused
from xfdesk.domain.reception import WEEKDAY_CHARS, BookingRefused, ReceptionRuleError, date_label, month_weeks
from xfdesk.tui.ahead import want_documents
from xfdesk.tui.screens._cells import labelled_grid
from xfdesk.tui.widgets.fields import FieldInput, FormField, lit, plain
from xfdesk.tui.screens._reload import changed_since_read, mark_read
from xfdesk.tui.widgets.check_list import CheckList
from xfdesk.tui.widgets.footer import DeskFooter

CSS_FILE = str(Path(__file__).with_name("reception.tcss"))
CAL_CELL_WIDTH = 9  # seven days of 9 (+2 padding) fit 80 columns
REFUSALS: tuple[type[Exception], ...] = (BookingRefused, ReceptionRuleError, TransitionRefused)
# Both tables fit 80 columns up to the demand (day) or the instruction (session); the selected row's demand and
# instruction are shown in full, wrapped, under the table (``row_detail``).
DAY_COLUMNS = (("时段", 4), ("时间", 11), ("状态", 6), ("事项编号", 14), ("信访人", 8), ("接访领导", 8),
               ("诉求", 13), ("批示", 40))
SESSION_COLUMNS = (("时间", 11), ("到访", 4), ("事项编号", 14), ("信访人", 8), ("接访领导", 8), ("批示", 12),
                   ("诉求", 40))


def row_detail(appointment) -> Table | Content:  # noqa: ANN001
    """The selected appointment's demand and instruction in full (the table cuts them at 80 columns)."""
    if appointment is None:
        return Content("")
    return labelled_grid([("诉求：", appointment.summary), ("批示：", appointment.instruction or "（未批示）")])


def _say(screen: Screen, exc: Exception) -> None:
    screen.notify(str(exc), severity="error", timeout=8, markup=False)


# -- small dialogs -----------------------------------------------------------------------------------------------


class ReasonScreen(ModalScreen[str | None]):
    """One line of text (a reason): Enter confirms, Esc cancels."""

    HELP = "填写原因：输入后回车确认，Esc 取消。"
    BINDINGS = [Binding("escape", "cancel", "取消")]
    CSS_PATH = CSS_FILE

    def __init__(self, question: str, placeholder: str = "", empty_message: str = "请填写原因"):
        super().__init__()
        self.question = question
        self.placeholder = placeholder
        self.empty_message = empty_message

    def compose(self) -> ComposeResult:
        with Vertical(classes="rx-dialog"):
            yield Static(plain(self.question), classes="rx-question")
            yield Input(placeholder=self.placeholder, id="rx-reason")
            yield Static(plain("回车确认，Esc 取消"), classes="rx-hint")

    def on_mount(self) -> None:
        self.query_one("#rx-reason", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        text = event.value.strip()
        if not text:
            self.notify(self.empty_message, severity="warning")
            return
        self.dismiss(text)

    def action_cancel(self) -> None:
        self.dismiss(None)


class ChooseScreen(ModalScreen[int | None]):
    """Pick one of a few options with ↑↓ and Enter (Esc cancels); returns the option's index."""

    BINDINGS = [Binding("escape", "cancel", "取消")]
    CSS_PATH = CSS_FILE

    def __init__(self, question: str, options: list[str]):
        super().__init__()
        self.question = question
        self.options = options

    def compose(self) -> ComposeResult:
        with Vertical(classes="rx-dialog"):
            yield Static(plain(self.question), classes="rx-question")
            yield OptionList(*[Content(o) for o in self.options], id="rx-options")

    def on_mount(self) -> None:
        self.query_one("#rx-options", OptionList).focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option_index)

    def action_cancel(self) -> None:
        self.dismiss(None)


# -- the month calendar ------------------------------------------------------------------------------------------


class ReceptionCalendarScreen(Screen):
    """领导接访日历."""

    HELP = ("领导接访日历：按月显示，星期一至星期日。“休”为法定节假日，“班”为调休上班日，“接”后为当天接访领导，"
            "“今”为今天，“约n”为已约访件数。"
            "方向键选日期，回车打开该接访日（约访、打印、接访记录），PgUp/PgDn 上月/下月，T 回到本月，"
            "G 生成本月排班，Y 生成自本月起一年的排班（已过去、已调整或已有约访的接访日不变），L 接访领导名单，"
            "R 接访日规则，Esc 返回。")
    BINDINGS = [
        # Every key but T fits the 80-column footer beside the app's (Esc, Ctrl+Q, F1, Ctrl+P): the month keys and
        # the two schedule keys share an entry each, the words are short; the F1 help reads the tooltips (the
        # long words) and lists T too.
        Binding("enter", "open_day", "打开", priority=True, tooltip="打开所选接访日"),
        Binding("pageup", "month(-1)", "翻月", priority=True, key_display="pgup/dn", tooltip="上月"),
        Binding("pagedown", "month(1)", "下月", priority=True, show=False),
        Binding("t", "this_month", "本月", show=False, tooltip="回到本月"),
        Binding("g", "generate(1)", "排月/年", key_display="g/y", tooltip="生成本月排班"),
        Binding("y", "generate(12)", "排一年", show=False, tooltip="生成自本月起一年的排班"),
        Binding("l", "leaders", "领导", tooltip="接访领导名单"),
        Binding("r", "rule", "规则", tooltip="接访日规则"),
        Binding("escape", "app.pop_screen", "返回"),
    ]
    CSS_PATH = CSS_FILE

    def __init__(self, ctx, operator, month: tuple[int, int] | None = None):  # noqa: ANN001
        super().__init__()
        self.ctx = ctx
        self.operator = operator
        today = ctx.today()
        self.year, self.month = month or (today.year, today.month)
        self.cells: dict[tuple[int, int], dt.date] = {}
        self.days: dict[dt.date, Any] = {}

    def compose(self) -> ComposeResult:
        yield Header(icon="")
        with VerticalScroll(id="rx-cal-body"):
            yield Static(id="rx-cal-title", classes="section-title")
            yield Static(id="rx-cal-warning", classes="rx-warning")
            yield Static(id="rx-cal-reminder", classes="rx-warning")
            yield DataTable(id="rx-grid", cursor_type="cell", zebra_stripes=False, show_row_labels=False)
            yield Static(id="rx-cal-list")
        yield DeskFooter(compact=True)

    def on_mount(self) -> None:
        self.sub_title = "领导接访日历"
        want_documents(self.app)  # a day's set is printed from here (Enter, P)
        self.reload(select=self.ctx.today())
        self._select_coming_day()
        self.query_one("#rx-grid", DataTable).focus()

    def _select_coming_day(self) -> None:
        """The cursor on the coming reception day (today's if today is one): what F6 is opened for, so that Enter
        opens it at once. Today stays selected when the month has no reception day left."""
        today = self.ctx.today()
        coming = min((day for day in self.days if day >= today), default=None)
        if coming is None:
            return
        grid = self.query_one("#rx-grid", DataTable)
        for (r, c), day in self.cells.items():
            if day == coming:
                grid.move_cursor(row=r, column=c)

    def on_screen_resume(self) -> None:
        if changed_since_read(self, self.ctx):
            self.reload()

    def reload(self, select: dt.date | None = None) -> None:
        from xfdesk.services.reception import month_days, reception_rule

        grid = self.query_one("#rx-grid", DataTable)
        keep = self.selected_date()
        cal = self.ctx.calendar()
        mark_read(self, self.ctx)
        self.days = {d.day: d for d in month_days(self.ctx, self.year, self.month, with_bookings=True,
                                                   operator=self.operator)}
        try:
            rule_text = reception_rule(self.ctx).describe()
        except ReceptionRuleError as exc:
            rule_text = str(exc)
        self.query_one("#rx-cal-title", Static).update(plain(f"{self.year}年{self.month}月　{rule_text}"))
        warning = self.query_one("#rx-cal-warning", Static)
        if cal.has_year(self.year):
            warning.update("")
            warning.display = False
        else:
            from xfdesk.domain.reception import missing_year_warning

            warning.update(plain(missing_year_warning(self.year)))
            warning.display = True
        from xfdesk.services.reception import days_needing_notices

        due = days_needing_notices(self.ctx, operator=self.operator)
        reminder = self.query_one("#rx-cal-reminder", Static)
        reminder.display = bool(due)
        reminder.update(plain("尚未出具接访通知：" + "、".join(
            f"{date_label(d.day)}（约访{d.booked}件）" for d in due) + "。打开该日按 P 打印当日文书" if due else ""))
        grid.clear(columns=True)
        for ch in WEEKDAY_CHARS:
            grid.add_column(Text(ch, justify="center"), width=CAL_CELL_WIDTH)
        self.cells = {}
        for r, week in enumerate(month_weeks(self.year, self.month)):
            row = []
            for c, day in enumerate(week):
                if day is not None:
                    self.cells[(r, c)] = day
                row.append(self._cell(day, cal))
            grid.add_row(*row, height=3)
        lines = []
        for d in self.days.values():
            leaders = "、".join(s.name + (f"（替{s.planned_name}）" if s.planned_name else "") for s in d.leaders)
            extra = f"　{d.note}" if d.note else ""
            lines.append(Text.assemble((date_label(d.day), "bold"), f"　{leaders or '未安排领导'}　约访 {d.booked}/{d.slots}",
                                       (extra, "dim")))
        if not lines:
            lines.append(Text("本月尚无接访日。按 G 生成本月排班。"))
        self.query_one("#rx-cal-list", Static).update(Text("\n").join(lines))
        target = select or keep
        if target is not None:
            for (r, c), day in self.cells.items():
                if day == target:
                    grid.move_cursor(row=r, column=c)

    def _cell(self, day: dt.date | None, cal) -> Text:  # noqa: ANN001
        """Three short lines so that the month fits 80x24: the date (班 = 调休上班, 今 = today, 约n = bookings),
        then 休 and the holiday, or 接 and the leaders."""
        if day is None:
            return Text("")
        text = Text(f"{day.day:>2}", style="bold", no_wrap=True, overflow="ellipsis")
        if cal.is_makeup_workday(day):
            text.append(" 班", style="bold #FFAF00")
        if day == self.ctx.today():
            text.append(" 今", style="bold #00D7FF")
        reception = self.days.get(day)
        if reception is not None and reception.booked:
            text.append(f" 约{reception.booked}", style="#5FFF5F")
        if cal.is_holiday(day):
            text.append("\n休", style="bold #FF5F5F")
            text.append(cal.day_name(day), style="#FF5F5F")
        elif reception is not None:
            names = [s.name for s in reception.leaders] or ["未安排"]
            # "接 " + the leader when that fits the 9-column cell; a four-character name (欧阳桂美) alone, in the
            # same green, rather than cut to "欧阳 …" (the list under the grid names every leader in full)
            text.append("\n接 " if cell_len("接 " + names[0]) <= CAL_CELL_WIDTH else "\n", style="bold #5FFF5F")
            text.append(names[0], style="#5FFF5F")  # user text: appended as plain text, never markup
            if len(names) > 1:
                text.append("\n   " + "、".join(names[1:]))
        return text

    def selected_date(self) -> dt.date | None:
        try:
            grid = self.query_one("#rx-grid", DataTable)
        except Exception:  # noqa: BLE001 — not composed yet
            return None
        coordinate = grid.cursor_coordinate
        return self.cells.get((coordinate.row, coordinate.column))

    def action_month(self, step: int) -> None:
        index = self.year * 12 + self.month - 1 + step
        self.year, self.month = divmod(index, 12)
        self.month += 1
        self.reload(select=dt.date(self.year, self.month, 1))

    def action_this_month(self) -> None:
        today = self.ctx.today()
        self.year, self.month = today.year, today.month
        self.reload(select=today)
        self._select_coming_day()

    def action_open_day(self) -> None:
        day = self.selected_date()
        if day is None or day not in self.days:
            self.notify("所选日期不是接访日", severity="warning")
            return
        self.app.push_screen(ReceptionDayScreen(self.ctx, self.operator, day))

    def action_leaders(self) -> None:
        from xfdesk.tui.screens.reception_setup import LeadersScreen

        self.app.push_screen(LeadersScreen(self.ctx, self.operator))

    def action_rule(self) -> None:
        from xfdesk.tui.screens.reception_setup import RuleScreen

        self.app.push_screen(RuleScreen(self.ctx, self.operator), lambda _saved: self.reload())

    def action_generate(self, months: int) -> None:
        from xfdesk.services.reception import generate_schedule

        try:
            result = generate_schedule(self.ctx, self.operator, self.year, self.month, months)
        except REFUSALS as exc:
            _say(self, exc)
            return
        counts = "，".join(f"{name}{n}天" for name, n in result.counts.items())
        self.notify(f"已排班：新排{len(result.created)}天，保留{len(result.kept)}天。{counts}", timeout=8,
                    markup=False)
        for message in result.warnings:
            self.notify(message, severity="warning", timeout=15, markup=False)
        self.reload()


# -- one day -----------------------------------------------------------------------------------------------------


class ReceptionDayScreen(Screen):
    """接访日."""

    HELP = ("接访日：当天的接访领导、各时段约访和现场登记。回车打开所选事项，P 打印当日全套文书（领导接访通知书、"
            "参与接访通知书、接访呈报单、接访安排表），S 接访记录（到/未到、领导批示），R 现场登记未预约的来访，"
            "B 把事项约到本日（光标在空时段上时约到该时段），X 取消所选约访，W 调班（换一位领导，须写原因），"
            "A 登记领导缺席（自动安排替班），F5 刷新，Esc 返回。")
    BINDINGS = [
        # The footer shows the daily keys; a leader's absence (A), a swap (W) and F5 are rare and F1-help-only
        # (the help lists every binding below), so that every shown key fits in 80 columns.
        Binding("p", "print_day", "打印"),
        Binding("s", "session", "接访记录"),
        Binding("r", "walk_in", "现场登记"),
        Binding("b", "book", "约访"),
        Binding("x", "cancel_booking", "取消约访"),
        Binding("a", "absent", "领导缺席", show=False),
        Binding("w", "swap", "调班", show=False),
        Binding("f5", "reload", "刷新", show=False),
        Binding("escape", "app.pop_screen", "返回"),
    ]
    CSS_PATH = CSS_FILE

    def __init__(self, ctx, operator, day: dt.date, *, highlight: int | None = None,  # noqa: ANN001
                 news: str = ""):
        super().__init__()
        self.ctx = ctx
        self.operator = operator
        self.day = day
        self.highlight = highlight  # appointment id to put the cursor on
        # what was just done here (已约访：…): a line of the head, in the first frame and kept while the day is open,
        # not a toast drawn a frame later that fades before the clerk has read it
        self.news = news
        self.view: Any = None
        self.row_appointments: list[Any] = []
        self.printed: list[Any] = []
        self.printing = False  # the day's set is being issued and printed in a worker

    def compose(self) -> ComposeResult:
        yield Header(icon="")
        with VerticalScroll(id="rx-day-body"):
            yield Static(id="rx-day-head")
            yield Static(plain("约访"), classes="section-title")
            yield DataTable(id="rx-slots", cursor_type="row", zebra_stripes=False)
            yield Static(id="rx-day-foot")
        yield DeskFooter(compact=True)

    def on_mount(self) -> None:
        self.sub_title = f"接访日 {date_label(self.day)}"
        want_documents(self.app)  # P prints the day's set
        table = self.query_one("#rx-slots", DataTable)
        # widths keep the useful columns inside 80 columns; the long texts come last
        for label, width in DAY_COLUMNS:
            table.add_column(label, width=width)
        self.reload()
        self.query_one("#rx-slots", DataTable).focus()

    def on_screen_resume(self) -> None:
        if changed_since_read(self, self.ctx):
            self.reload()

    def action_reload(self) -> None:
        self.reload()

    def reload(self) -> None:
        from xfdesk.services.reception import find_day

        mark_read(self, self.ctx)
        self.view = find_day(self.ctx, self.day, operator=self.operator)
        head = self.query_one("#rx-day-head", Static)
        table = self.query_one("#rx-slots", DataTable)
        table.clear()
        self.row_appointments = []
        if self.view is None:
            head.update(plain(f"{date_label(self.day)}不是接访日"))
            return
        leaders = []
        for s in self.view.leaders:
            part = Content.assemble((s.title + s.name, "bold"))
            if s.planned_name:
                part = Content.assemble(part, (f"（替{s.planned_name}：{s.change_reason}）", "#FFAF00"))
            leaders.append(part)
        parts = [Content.assemble((date_label(self.view.day), "bold #00D7FF"), "　接访领导：",
                                  Content("、").join(leaders) if leaders else Content("未安排"),
                                  f"　约访 {self.view.booked}/{self.view.slots}　现场登记 {self.view.walk_ins}")]
        if self.view.note:
            parts.append(Content(self.view.note))
        if self.news:
            parts.append(Content.styled(self.news, "bold #5FFF5F"))
        head.update(Content("\n").join(parts))
        active = [a for a in self.view.appointments if a.state != "cancelled"]
        by_slot = {a.slot: a for a in active if a.slot > 0}
        cursor_row = 0
        for slot in range(1, self.view.slots + 1):
            a = by_slot.get(slot)
            if a is None:
                table.add_row(lit(slot), lit(self.view.slot_times[slot - 1]), Text("空", style="dim"), "", "", "", "",
                              "")
                self.row_appointments.append(None)
                continue
            if a.id == self.highlight:
                cursor_row = len(self.row_appointments)
            self._add(table, a)
        for a in active:
            if a.slot == 0:
                self._add(table, a)
        if self.row_appointments:
            table.move_cursor(row=cursor_row)
        self.query_one("#rx-day-foot", Static).update(row_detail(self.selected()))

    def _add(self, table: DataTable, a) -> None:  # noqa: ANN001
        case = "（包案）" if a.case_leader and a.case_leader == a.leader_name else ""
        table.add_row(lit(a.slot or "现场"), lit(a.slot_label), lit(a.state_label), lit(a.matter_number),
                      lit(a.petitioner), lit(a.leader_name + case), lit(a.summary), lit(a.instruction))
        self.row_appointments.append(a)

    def selected(self):  # noqa: ANN201
        table = self.query_one("#rx-slots", DataTable)
        if not self.row_appointments or table.cursor_row is None:
            return None
        row = table.cursor_row
        return self.row_appointments[row] if 0 <= row < len(self.row_appointments) else None

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_open_matter()

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self.query_one("#rx-day-foot", Static).update(row_detail(self.selected()))

    def action_open_matter(self) -> None:
        a = self.selected()
        if a is None:
            self.notify("所选时段没有约访", severity="warning")
            return
        opener = getattr(self.app, "open_matter", None)
        if opener is None:
            self.notify("事项详情界面尚未安装", severity="warning")
            return
        opener(a.matter_id)

    def action_session(self) -> None:
        self.app.push_screen(SessionScreen(self.ctx, self.operator, self.day))

    def action_walk_in(self) -> None:
        from xfdesk.tui.screens.reception_walkin import open_walk_in

        if self.day > self.ctx.today():
            self.notify(f"{date_label(self.day)}的接访还未开始，不能现场登记（可先约访）", severity="warning",
                        markup=False)
            return
        open_walk_in(self.app, self.day)  # one place builds the walk-in form (its clock, its saved draft)

    def action_print_day(self) -> None:
        """One key: the day's set is issued (or the issued one reused) and sent to the printer, in a worker (a set
        of a dozen documents takes a second or more); the documents feature's day screen then lists them."""
        if self.view is None or self.printing:
            return
        self.printing = True
        self.notify("正在生成并打印当日文书……", timeout=4, markup=False)
        self.call_after_refresh(self._print_day, self.view.id)  # the toast drawn first, then the worker

    @work(thread=True, exclusive=True, group="reception-day-print")
    def _print_day(self, day_id: int) -> None:
        from xfdesk.services.reception import print_day_set

        try:
            result = print_day_set(self.ctx, self.operator, day_id)
        except Exception as exc:  # noqa: BLE001 — a template or data problem: say it, keep the screen
            self.app.call_from_thread(self._day_print_failed, exc)
            return
        self.app.call_from_thread(self._day_printed, result, day_id)

    def _day_print_failed(self, exc: Exception) -> None:
        self.printing = False
        self.notify(f"当日文书未能生成：{exc}", severity="error", timeout=10, markup=False)

    def _day_printed(self, result, day_id: int) -> None:  # noqa: ANN001
        from xfdesk.tui.screens.documents import DayPrintScreen, day_set_wording

        self.printing = False
        self.printed = result.documents
        made = (day_set_wording(len(result.documents) - len(result.kept), len(result.kept)) if result.issued
                else f"沿用已出具的{len(result.documents)}份")
        if result.failures:
            self.notify(f"当日文书{made}，{len(result.failures)}份未能打印：{result.failures[0].message}",
                        severity="error", timeout=12, markup=False)
        else:
            sent = "新出具的已发送到打印机" if result.kept else "已全部发送到打印机"
            self.notify(f"当日文书{made}，{sent}", title="打印", timeout=8, markup=False)
        if self.app.screen is self:  # the clerk may have moved on while it printed
            self.app.push_screen(DayPrintScreen(self.ctx, self.operator, day_id))

    def action_book(self) -> None:
        """约访 from the day view: the matter by its number, into the empty slot under the cursor (else the first)."""
        from xfdesk.services.queries import find_matter
        from xfdesk.services.reception import book_matter

        if self.view is None:
            return
        table = self.query_one("#rx-slots", DataTable)
        row = table.cursor_row
        slot = None
        if row is not None and 0 <= row < self.view.slots and self.row_appointments[row] is None:
            slot = row + 1

        def done(number: str | None) -> None:
            if not number:
                return
            matter = find_matter(self.ctx, number)
            if matter is None:
                self.notify(f"找不到事项：{number}", severity="error", markup=False)
                return
            try:
                appt = book_matter(self.ctx, self.operator, matter.id, self.day, slot=slot)
            except REFUSALS as exc:
                _say(self, exc)
                return
            self.highlight = appt.id
            self.news = f"已约访：{matter.number} 第{appt.slot}时段"
            self.reload()

        where = f"第{slot}时段" if slot else "第一个空时段"
        self.app.push_screen(ReasonScreen(f"约到{date_label(self.day)}{where}的事项编号：", "如 XF-2026-000123",
                                          "请输入事项编号"), done)

    def action_swap(self) -> None:
        from xfdesk.services.reception import list_leaders, swap_leader

        if self.view is None or not self.view.leaders:
            return
        seats = self.view.leaders
        sitting = {s.leader_id for s in seats}
        free = [leader for leader in list_leaders(self.ctx, active_only=True) if leader.id not in sitting]
        if not free:
            self.notify("没有其他在任领导可以调班", severity="warning")
            return

        def choose_in(index: int | None) -> None:
            if index is None:
                return
            out = seats[index]

            def ask_reason(choice: int | None) -> None:
                if choice is None:
                    return
                substitute = free[choice]

                def done(reason: str | None) -> None:
                    if not reason:
                        return
                    try:
                        swap_leader(self.ctx, self.operator, self.day, out.leader_id, substitute.id, reason)
                    except REFUSALS as exc:
                        _say(self, exc)
                        return
                    self.notify(f"已调班：{substitute.name}替{out.name}", markup=False)
                    self.reload()

                self.app.push_screen(ReasonScreen(f"{substitute.name}替{out.name}的原因：", "如：外出学习"), done)

            self.app.push_screen(ChooseScreen(f"由谁替{out.name}接访？",
                                              [f"{x.title}{x.name}" for x in free]), ask_reason)

        if len(seats) == 1:
            choose_in(0)
        else:
            self.app.push_screen(ChooseScreen("换下哪位领导？", [s.name for s in seats]), choose_in)

    def action_cancel_booking(self) -> None:
        from xfdesk.services.reception import cancel_booking

        a = self.selected()
        if a is None or a.state != "booked":
            self.notify("请选择一个待接访的约访", severity="warning")
            return

        def done(reason: str | None) -> None:
            if not reason:
                return
            try:
                cancel_booking(self.ctx, self.operator, a.id, reason)
            except REFUSALS as exc:
                _say(self, exc)
                return
            self.notify(f"已取消{a.matter_number}的约访", markup=False)
            self.reload()

        self.app.push_screen(ReasonScreen(f"取消 {a.matter_number} 的约访，原因：", "如：信访人要求改期"), done)

    def action_absent(self) -> None:
        from xfdesk.services.reception import mark_absent

        if self.view is None or not self.view.leaders:
            return
        seats = self.view.leaders

        def ask_reason(index: int | None) -> None:
            if index is None:
                return
            seat = seats[index]

            def done(reason: str | None) -> None:
                if not reason:
                    return
                try:
                    mark_absent(self.ctx, self.operator, self.day, seat.leader_id, reason)
                except REFUSALS as exc:
                    _say(self, exc)
                    return
                self.reload()
                self.notify(f"已登记{seat.name}缺席，接访领导：{self.view.leader_names}", markup=False)

            self.app.push_screen(ReasonScreen(f"{seat.name}缺席的原因：", "如：赴县开会"), done)

        if len(seats) == 1:
            ask_reason(0)
        else:
            self.app.push_screen(ChooseScreen("哪位领导缺席？", [s.name for s in seats]), ask_reason)


# -- the session -------------------------------------------------------------------------------------------------


class InstructionScreen(ModalScreen[bool]):
    """领导批示."""

    HELP = ("领导批示：填写批示内容，在责任单位列表中用空格勾选（可多选，第一个为主办单位），填写办理期限，"
            "Ctrl+S 保存：事项转入交办，并向每个单位发出督办。Esc 取消。")
    BINDINGS = [Binding("ctrl+s", "save", "保存", priority=True), Binding("escape", "cancel", "取消")]
    CSS_PATH = CSS_FILE

    def __init__(self, ctx, operator, appointment, day: dt.date):  # noqa: ANN001
        super().__init__()
        self.ctx = ctx
        self.operator = operator
        self.appointment = appointment
        self.day = day

    def compose(self) -> ComposeResult:
        from xfdesk.services.reception import active_units, default_instruction_due

        units = active_units(self.ctx)
        due = default_instruction_due(self.ctx, self.day)
        a = self.appointment
        with Vertical(classes="rx-dialog rx-wide"):
            yield Static(Content.assemble(("领导批示　", "bold"), a.matter_number, "　", a.petitioner, "　", a.summary),
                         classes="rx-question")
            yield FormField("批示内容", FieldInput("instruction", id="rx-instruction", placeholder="领导批示原文"),
                            id="f-instruction")
            yield Static(plain("责任单位（空格勾选，可多选）"), classes="rx-hint")
            yield CheckList(*[(Content(u.name), u.id) for u in units], id="rx-units")
            yield FormField("办理期限", FieldInput("due_on", due.isoformat(), id="rx-due", placeholder="2026-12-10"),
                            id="f-due")
            yield Static(id="rx-instruction-error", classes="form-error")
            yield Static(plain("Ctrl+S 保存，Esc 取消"), classes="rx-hint")

    def on_mount(self) -> None:
        self.query_one("#rx-instruction", Input).focus()

    def action_save(self) -> None:
        from xfdesk.services.reception import record_instruction

        text = self.query_one("#rx-instruction", Input).value
        units = list(self.query_one("#rx-units", SelectionList).selected)
        due_text = self.query_one("#rx-due", Input).value.strip()
        error = self.query_one("#rx-instruction-error", Static)
        try:
            due = dt.date.fromisoformat(due_text) if due_text else None
        except ValueError:
            error.update(plain(f"办理期限格式不对：“{due_text}”，应为 YYYY-MM-DD"))
            return
        try:
            outcome = record_instruction(self.ctx, self.operator, self.appointment.id, text, units, due)
        except REFUSALS as exc:
            error.update(plain(str(exc)))
            return
        message = f"已记录批示，事项{self.appointment.matter_number}已交办，督办{len(outcome.unit_ids)}个单位"
        self.app.notify(message, timeout=8, markup=False)
        if outcome.document_error:
            self.app.notify(outcome.document_error, severity="warning", timeout=12, markup=False)
        self.dismiss(True)

    def action_cancel(self) -> None:
        self.dismiss(False)


class SessionScreen(Screen):
    """接访记录."""

    HELP = ("接访记录：当天每位约访和现场来访的信访人。Y 登记“到”，N 登记“未到”，I 或回车记录领导批示"
            "（交办责任单位并督办），Esc 返回。")
    BINDINGS = [
        Binding("y", "attend(True)", "到"),
        Binding("n", "attend(False)", "未到"),
        Binding("i,enter", "instruct", "批示", priority=True),
        Binding("escape", "app.pop_screen", "返回"),
    ]
    CSS_PATH = CSS_FILE

    def __init__(self, ctx, operator, day: dt.date):  # noqa: ANN001
        super().__init__()
        self.ctx = ctx
        self.operator = operator
        self.day = day
        self.rows: list[Any] = []

    def compose(self) -> ComposeResult:
        yield Header(icon="")
        yield Static(id="rx-session-head", classes="section-title")
        yield DataTable(id="rx-session", cursor_type="row", zebra_stripes=False)
        yield Static(id="rx-session-detail")
        yield DeskFooter(compact=True)

    def on_mount(self) -> None:
        self.sub_title = f"接访记录 {date_label(self.day)}"
        table = self.query_one("#rx-session", DataTable)
        for label, width in SESSION_COLUMNS:
            table.add_column(label, width=width)
        self.reload()
        self.query_one("#rx-session", DataTable).focus()

    def on_screen_resume(self) -> None:
        if changed_since_read(self, self.ctx):
            self.reload()

    def reload(self) -> None:
        from xfdesk.services.reception import find_day

        mark_read(self, self.ctx)
        view = find_day(self.ctx, self.day, operator=self.operator)
        table = self.query_one("#rx-session", DataTable)
        keep = table.cursor_row
        table.clear()
        self.rows = [a for a in (view.appointments if view else []) if a.state != "cancelled"]
        self.query_one("#rx-session-head", Static).update(
            plain(f"{date_label(self.day)}　接访领导：{view.leader_names if view else ''}　共{len(self.rows)}人次"))
        for a in self.rows:
            table.add_row(lit(a.slot_label), lit(a.state_label), lit(a.matter_number), lit(a.petitioner),
                          lit(a.leader_name), lit(a.instruction), lit(a.summary))
        if self.rows and keep is not None:
            table.move_cursor(row=min(keep, len(self.rows) - 1))
        self.query_one("#rx-session-detail", Static).update(row_detail(self.selected()))

    def selected(self):  # noqa: ANN201
        table = self.query_one("#rx-session", DataTable)
        row = table.cursor_row
        return self.rows[row] if self.rows and row is not None and 0 <= row < len(self.rows) else None

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self.query_one("#rx-session-detail", Static).update(row_detail(self.selected()))

    def action_attend(self, attended: bool) -> None:
        from xfdesk.services.reception import record_attendance

        a = self.selected()
        if a is None:
            return
        try:
            record_attendance(self.ctx, self.operator, a.id, attended)
        except REFUSALS as exc:
            _say(self, exc)
            return
        self.reload()

    def action_instruct(self) -> None:
        a = self.selected()
        if a is None:
            self.notify("当天没有约访", severity="warning")
            return
        if a.instruction:
            self.notify("该事项已记录批示", severity="warning")
            return
        self.app.push_screen(InstructionScreen(self.ctx, self.operator, a, self.day), lambda _saved: self.reload())


# -- booking from a matter ---------------------------------------------------------------------------------------


class BookMatterScreen(Screen):
    """约访领导接访日."""

    HELP = ("约访：列出近期接访日（包案事项只列包案领导的接访日）。上下键选择接访日，回车约到该日第一个空时段；"
            "要指定时段，先在“时段”栏输入序号。约好后转到该接访日，可按 P 打印当日文书。X 取消现有约访，Esc 返回。")
    BINDINGS = [
        Binding("enter", "book", "约到所选接访日", priority=True),
        Binding("x", "cancel_booking", "取消现有约访"),
        Binding("escape", "app.pop_screen", "返回"),
    ]
    CSS_PATH = CSS_FILE

    def __init__(self, ctx, operator, matter_id: int, *,  # noqa: ANN001
                 on_booked: Callable[[Any], None] | None = None):
        super().__init__()
        self.ctx = ctx
        self.operator = operator
        self.matter_id = matter_id
        self.on_booked = on_booked
        self.days: list[Any] = []
        self.current: Any = None
        self.closed = ""  # why the matter cannot be booked (booking_info), "" when it can
        self.number = ""  # the matter's 编号, once read

    def compose(self) -> ComposeResult:
        yield Header(icon="")
        with VerticalScroll(id="rx-book-body"):
            yield Static(id="rx-book-head")
            yield Static(id="rx-book-current")
            yield Static(plain("近期接访日"), classes="section-title", id="rx-book-days-title")
            yield DataTable(id="rx-book-days", cursor_type="row", zebra_stripes=False)
            yield FormField("时段", FieldInput("slot", id="rx-book-slot", placeholder="空=自动取第一个空时段",
                                               restrict=r"\d*"), id="f-slot")
        yield DeskFooter(compact=True)

    def on_mount(self) -> None:
        self.sub_title = "约访"
        self.query_one("#rx-book-days", DataTable).add_columns("日期", "接访领导", "已约/容量", "说明")
        self.reload()
        self.query_one("#rx-book-days", DataTable).focus()

    def reload(self) -> None:
        from xfdesk.services.reception import booking_info

        info = booking_info(self.ctx, self.operator, self.matter_id)
        head = self.query_one("#rx-book-head", Static)
        if info is None:
            head.update(plain("找不到该事项"))
            return
        self.number = info.number
        head.update(Content.assemble((info.number, "bold #00D7FF"), "　", (info.status_label, "bold"), "　",
                                     info.summary,
                                     (f"\n包案领导：{info.case_leader}（只能约在其接访日）" if info.case_leader else "",
                                      "bold #FFAF00")))
        self.current = info.current
        self.closed = info.closed
        self.refresh_bindings()
        current = self.query_one("#rx-book-current", Static)
        if self.current:
            d, a = self.current
            current.update(plain(f"已约：{date_label(d.day)} 第{a.slot}时段 {a.slot_label}，接访领导{a.leader_name}"
                                 f"（按 X 取消后可改约）"))
        elif info.closed:  # said here, before a day is chosen, not as a refusal after Enter
            current.update(Content.styled(info.closed, "bold #FFAF00"))
        else:
            current.update(plain("尚未约访"))
        for part in ("#rx-book-days-title", "#rx-book-days", "#f-slot"):  # nothing to choose from when closed
            self.query_one(part).display = not info.closed
        self.days = info.days
        table = self.query_one("#rx-book-days", DataTable)
        table.clear()
        for d in self.days:
            full = d.booked >= d.slots
            table.add_row(lit(date_label(d.day)), lit(d.leader_names or "未安排"),
                          Text(f"{d.booked}/{d.slots}" + ("（已满）" if full else ""),
                               style="#FF5F5F" if full else ""), lit(d.note))
        if not self.days and not info.closed:
            self.notify("近期没有可约的接访日，请先在接访日历中生成排班", severity="warning")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """The footer offers what can be done: no Enter for a matter no longer handled (the screen says why), X only
        while the matter has a booking to cancel."""
        if action == "book":
            return not self.closed
        if action == "cancel_booking":
            return bool(self.current)
        return True

    def action_book(self) -> None:
        from xfdesk.services.reception import book_matter

        table = self.query_one("#rx-book-days", DataTable)
        if self.closed:
            self.notify(self.closed, severity="warning", markup=False)
            return
        if not self.days or table.cursor_row is None:
            self.notify("请先选择接访日", severity="warning")
            return
        day = self.days[table.cursor_row]
        slot_text = self.query_one("#rx-book-slot", Input).value.strip()
        try:
            appt = book_matter(self.ctx, self.operator, self.matter_id, day.day,
                               slot=int(slot_text) if slot_text else None)
        except REFUSALS as exc:
            _say(self, exc)
            return
        if self.on_booked is not None:
            self.on_booked(appt)
        self.app.switch_screen(ReceptionDayScreen(self.ctx, self.operator, day.day, highlight=appt.id,
                                                  news=f"已约访：{self.number} 第{appt.slot}时段"))

    def action_cancel_booking(self) -> None:
        from xfdesk.services.reception import cancel_booking

        if not self.current:
            self.notify("该事项没有待接访的约访", severity="warning")
            return
        _, a = self.current

        def done(reason: str | None) -> None:
            if not reason:
                return
            try:
                cancel_booking(self.ctx, self.operator, a.id, reason)
            except REFUSALS as exc:
                _say(self, exc)
                return
            self.notify("已取消约访", markup=False)
            self.reload()

        self.app.push_screen(ReasonScreen("取消约访的原因：", "如：信访人要求改期"), done)
