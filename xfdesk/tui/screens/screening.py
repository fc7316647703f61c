"""甄别: the queue of unscreened matters (oldest first, notice deadline visible) and the decision form.

The suggestions the record supports are shown with their evidence (matter numbers and dates) under the queue and
at the top of the form; F7 (or A in the queue) takes the first one. Choosing a reason chooses the route: the reasons
list is grouped by route (受理 / 不予受理 / 不再受理 / 转送 / 导入法定途径), each with its legal basis shown.
"""

from __future__ import annotations

from rich.cells import cell_len
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import DataTable, Header, Input, OptionList, RadioButton, RadioSet, Static
from textual.widgets.option_list import Option
from textual.worker import get_current_worker

from xfdesk.domain.glossary import LegalChannel, MatterKind
from xfdesk.domain.lifecycle import TransitionRefused, transition_for
from xfdesk.domain.screening import SCREENING_ROUTES, ScreeningRefused, Suggestion
from xfdesk.tui.failures import failed_message
from xfdesk.tui.screens._actions import SCREEN_CSS, offer_notice
from xfdesk.tui.screens._cells import days_text
from xfdesk.tui.widgets.fields import FieldInput, FormField, lit, plain
from xfdesk.tui.screens._reload import changed_since_read, mark_read
from xfdesk.tui.widgets.footer import DeskFooter

SUGGESTED_MARK = "★"
SUMMARY_WIDTH, FLAGS_WIDTH = 18, 10  # F4 queue columns at 80 (see ScreeningQueueScreen._columns)


def suggestion_lines(suggestions: list[Suggestion]) -> Content:
    """The suggestions with their evidence, literal (evidence quotes matter summaries the clerk typed)."""
    if not suggestions:
        return plain("系统建议：无（未发现相同诉求的在办、已复核或逾期未申请复查的事项）")
    parts = []
    for s in suggestions:
        parts.append(Content.assemble((f"{SUGGESTED_MARK} 建议{s.route_label}：", "bold #FFD700"), s.summary))
        for e in s.evidence:
            parts.append(Content.assemble("    · ", e.line()))
    return Content("\n").join(parts)


def who_line(head) -> Content:  # noqa: ANN001  (services.screening.DecisionHead)
    """信访人 (masked for a restricted matter by the service), how many came and their 代表, then the flags the
    route turns on (集体访, 越级访, 重大紧急) in the flag colour; names are literal."""
    parts: list = [("信访人：", "bold"), head.petitioner]
    if head.headcount > 1 or head.representatives:
        parts.append(f"　{head.headcount}人")
    if head.representatives:
        parts += ["，代表 ", "、".join(head.representatives)]
    if head.flags:
        parts += ["　", ("、".join(head.flags), "bold #FFAF00")]
    return Content.assemble(*parts)


def short_date(day, today) -> str:  # noqa: ANN001
    """``11-16`` within the current year (80 columns are few), the full date otherwise."""
    if day is None:
        return ""
    return day.strftime("%m-%d") if day.year == today.year else day.isoformat()


class ScreeningQueueScreen(Screen):
    """待甄别事项，登记早的在前。"""

    HELP = ("甄别队列：按登记先后列出待甄别事项和受理告知期限（15日）。上下键选择，下方显示系统建议及依据；"
            "回车或 S 甄别，A 采纳系统建议后甄别，O 查看事项详情，F5 刷新，Esc 返回。")
    BINDINGS = [
        Binding("s", "decide", "甄别"),
        Binding("enter", "decide", "甄别", show=False),
        Binding("a", "adopt", "采纳建议"),
        Binding("o", "open_matter", "详情"),
        Binding("f5", "reload", "刷新"),
        Binding("escape", "app.pop_screen", "返回"),
    ]
    CSS = SCREEN_CSS + """
    #sq-table { height: 1fr; max-height: 100%; }
    #sq-suggest { height: auto; max-height: 10; padding: 0 1; }
    """

    def __init__(self, ctx, operator):  # noqa: ANN001
        super().__init__()
        self.ctx = ctx
        self.operator = operator
        self.rows: list = []
        self._suggestions: dict[int, list[Suggestion]] = {}

    def compose(self) -> ComposeResult:
        yield Header(icon="")
        yield Static(id="sq-count", classes="hd-title")
        yield DataTable(id="sq-table", cursor_type="row", zebra_stripes=False)
        yield Static(id="sq-suggest")
        yield DeskFooter()

    def on_mount(self) -> None:
        self.sub_title = f"甄别 · {self.operator.name}"
        self.reload()
        self.query_one("#sq-table", DataTable).focus()

    def on_screen_resume(self) -> None:
        if changed_since_read(self, self.ctx):
            self.reload()

    def action_reload(self) -> None:
        self.reload()

    def reload(self) -> None:
        from xfdesk.services.screening import screening_queue

        mark_read(self, self.ctx)
        keep = self.current_id()  # back from a decision or the matter: the cursor stays on the same matter
        self.rows = screening_queue(self.ctx, self.operator)
        today = self.ctx.today()
        self._suggestions.clear()
        table = self.query_one("#sq-table", DataTable)
        self._columns(table)
        soon = self.ctx.settings.due_soon_days
        for r in self.rows:
            table.add_row(lit(""), lit(r.number), lit(short_date(r.notice_due, today)), days_text(r.days_left, soon),
                          lit(r.summary), lit(r.petitioner), lit("、".join(r.flags)), key=str(r.id))
        ids = [r.id for r in self.rows]
        if keep in ids:
            table.move_cursor(row=ids.index(keep), animate=False)
        overdue = sum(1 for r in self.rows if r.days_left is not None and r.days_left < 0)
        self.count_text = f"待甄别 {len(self.rows)} 件" + (f"，其中 {overdue} 件已超过受理告知期限" if overdue else "")
        self.query_one("#sq-count", Static).update(plain(self.count_text))
        self.show_suggestions()
        self.mark_suggestions([r.id for r in self.rows])

    def _columns(self, table: DataTable) -> None:
        """80 columns: the registration date is left out (the queue is in its order and the 告知期限 follows from
        it); the demand matters most and gets 18 cells and whatever the flags leave of their 10 (without a flag in
        the queue, 24: 11 characters instead of 8); a second flag is cut with "…" (the matter screen shows all)."""
        flags = max((cell_len("、".join(r.flags)) for r in self.rows), default=0)
        flags_width = max(cell_len("标记"), min(FLAGS_WIDTH, flags))
        table.clear(columns=True)
        table.add_column(SUGGESTED_MARK, key="mark", width=2)  # filled in when the suggestions are known
        table.add_columns("编号", "告知期限", "剩余")
        table.add_column("诉求摘要", width=SUMMARY_WIDTH + FLAGS_WIDTH - flags_width)  # the person follows it
        table.add_column("信访人")
        table.add_column("标记", width=flags_width)

    @work(thread=True, exclusive=True, group="screening-suggestions")
    def mark_suggestions(self, ids: list[int]) -> None:
        """Find which queued matters have suggestions without holding up the screen (one set-based read)."""
        from xfdesk.services.screening import suggestions_for_many

        found: dict[int, list[Suggestion]] = suggestions_for_many(self.ctx, ids, self.operator)
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._show_marks, found)

    def _show_marks(self, found: dict[int, list[Suggestion]]) -> None:
        self._suggestions.update(found)
        table = self.query_one("#sq-table", DataTable)
        marked = 0
        for r in self.rows:
            if found.get(r.id):
                marked += 1
                table.update_cell(str(r.id), "mark", Text(SUGGESTED_MARK, style="bold #FFD700"))
        if marked:
            self.query_one("#sq-count", Static).update(
                plain(f"{self.count_text}；{marked} 件有系统建议（{SUGGESTED_MARK}）"))

    def current_id(self) -> int | None:
        table = self.query_one("#sq-table", DataTable)
        if not self.rows or table.cursor_row is None or table.cursor_row >= len(self.rows):
            return None
        return self.rows[table.cursor_row].id

    def suggestions(self, matter_id: int) -> list[Suggestion]:
        from xfdesk.services.screening import suggestions_for

        if matter_id not in self._suggestions:
            self._suggestions[matter_id] = suggestions_for(self.ctx, matter_id, self.operator)
        return self._suggestions[matter_id]

    def show_suggestions(self) -> None:
        box = self.query_one("#sq-suggest", Static)
        matter_id = self.current_id()
        box.update(plain("没有待甄别的事项") if matter_id is None else suggestion_lines(self.suggestions(matter_id)))

    def on_data_table_row_highlighted(self, _event: DataTable.RowHighlighted) -> None:
        self.show_suggestions()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_decide()

    def action_decide(self, adopt: bool = False) -> None:
        matter_id = self.current_id()
        if matter_id is None:
            return
        def decided(route: str | None) -> None:
            if route:
                offer_notice(self.app, self.ctx, self.operator, matter_id, route)

        self.app.push_screen(ScreeningDecisionScreen(self.ctx, self.operator, matter_id,
                                                     suggestions=self.suggestions(matter_id), adopt=adopt), decided)

    def action_adopt(self) -> None:
        matter_id = self.current_id()
        if matter_id is None:
            return
        if not self.suggestions(matter_id):
            self.app.notify("该事项没有系统建议", severity="warning")
            return
        self.action_decide(adopt=True)

    def action_open_matter(self) -> None:
        matter_id = self.current_id()
        if matter_id is not None and hasattr(self.app, "open_matter"):
            self.app.open_matter(matter_id)


class ScreeningDecisionScreen(Screen[str | None]):
    """The 甄别 decision for one matter: kind, reason (which sets the route), note, target; Ctrl+S saves."""

    HELP = ("甄别：①事项性质（左右键选择，空格确认）；②去向和理由（上下键选择，理由决定去向，下方显示法律依据）；"
            "③说明（选“其他”或不采纳系统建议时必填）；④转送机关或法定途径。F7 采纳系统建议，Ctrl+S 保存，Esc 返回。")
    BINDINGS = [
        Binding("ctrl+s", "save", "保存", priority=True),
        Binding("f7", "adopt", "采纳建议"),
        Binding("escape", "cancel", "返回"),
    ]
    CSS = SCREEN_CSS + """
    #sd-kind { height: 1; border: none; background: $background; layout: horizontal; width: auto; }
    #sd-kind-chosen { width: auto; padding: 0 1; }
    #sd-kind RadioButton { width: auto; margin-right: 2; }
    #sd-reasons { height: auto; max-height: 12; border: none; background: $background; }
    #sd-body { height: 1fr; }
    #sd-basis { height: auto; padding: 0 1; color: #9E9E9E; }
    #sd-suggest { height: auto; padding: 0 1; }
    """

    def __init__(self, ctx, operator, matter_id: int, *, suggestions: list[Suggestion] | None = None,  # noqa: ANN001
                 adopt: bool = False):
        super().__init__()
        self.ctx = ctx
        self.operator = operator
        self.matter_id = matter_id
        self._given = suggestions
        self._adopt = adopt
        self.reason_codes: list[str | None] = []

    def compose(self) -> ComposeResult:
        yield Header(icon="")
        with VerticalScroll(id="sd-body"):
            yield Static(id="sd-head", classes="hd-info")
            yield Static(id="sd-suggest")
            yield Static(plain("① 事项性质（左右键选择，空格确认）"), classes="hd-title")
            with Horizontal(classes="hd-row"):
                with RadioSet(id="sd-kind"):
                    for kind in MatterKind:
                        yield RadioButton(plain(kind.value), name=kind.value)
                yield Static(plain("（未选择）"), id="sd-kind-chosen")
            yield Static(plain("② 去向和理由（上下键选择）"), classes="hd-title")
            yield OptionList(id="sd-reasons")
            yield Static(id="sd-basis")
            yield FormField("③ 说明", FieldInput("reason_text", placeholder="具体情况；不采纳系统建议时写明理由",
                                                 id="sd-text"), id="sdf-text", label_width=14)
            yield FormField("④ 转送/途径", FieldInput("target", placeholder="转送的机关；导入法定途径时可改途径",
                                                     id="sd-target"), id="sdf-target", label_width=14)
            yield Static(id="sd-error", classes="hd-error")
        yield DeskFooter()

    def on_mount(self) -> None:
        from xfdesk.services.handling import handling_summary
        from xfdesk.services.screening import decision_head, load_reasons, suggestions_for

        from xfdesk.services.access import note_view

        self.sub_title = f"甄别 · {self.operator.name}"
        note_view(self.ctx, self.operator, self.matter_id, "screening")  # a restricted matter's view is logged
        self.reasons = load_reasons(self.ctx)
        self.shown = (self._given if self._given is not None
                      else suggestions_for(self.ctx, self.matter_id, self.operator))
        s = handling_summary(self.ctx, self.matter_id, self.operator)
        notice = next((c for c in s["clocks"] if c["name"] == "notice"), None)
        self.query_one("#sd-head", Static).update(Content.assemble(
            (s["number"], "bold #00D7FF"), "　", (s["status_label"], "bold"), "　",
            Content.assemble("受理告知期限 ", notice["due_on"].isoformat(), " ", Content.from_rich_text(
                days_text(notice["days_left"], self.ctx.settings.due_soon_days))) if notice else "",
            "\n", who_line(decision_head(self.ctx, self.operator, self.matter_id)),
            "\n", ("诉求：", "bold"), s["summary"]))
        self.query_one("#sd-suggest", Static).update(suggestion_lines(self.shown))
        suggested = {(sg.route, sg.reason_code) for sg in self.shown}
        options = self.query_one("#sd-reasons", OptionList)
        for route in SCREENING_ROUTES:
            label = transition_for(route).label
            options.add_option(Option(Content.styled(f"— {label} —", "bold #00D7FF"), disabled=True))
            self.reason_codes.append(None)
            for reason in self.reasons.for_route(route):
                # no space after the mark: a CJK line wraps at spaces and would strand the mark alone
                mark = SUGGESTED_MARK if (route, reason.code) in suggested else "·"
                options.add_option(Option(Content(f"{mark}{reason.label}"), id=reason.code))
                self.reason_codes.append(reason.code)
        if s["kind"]:
            self._set_kind(s["kind"])
        if self._adopt and self.shown:
            self.action_adopt()
        else:
            options.highlighted = 1
            self.query_one("#sd-kind", RadioSet).focus()
        self.call_after_refresh(self.fit_reasons)

    def on_resize(self) -> None:
        self.call_after_refresh(self.fit_reasons)

    def fit_reasons(self, show_first_group: bool = True) -> None:
        """Give ② the rows the screen has left, so that ③ and ④ stay on screen below it (80×24), and show the
        list from its first group (受理) whenever the chosen reason fits in that view."""
        body = self.query_one("#sd-body", VerticalScroll)
        options = self.query_one("#sd-reasons", OptionList)
        others = sum(w.outer_size.height for w in body.children if w is not options and w.display)
        rows = max(4, min(options.option_count, body.scrollable_content_region.height - others))
        if options.styles.max_height is None or options.styles.max_height.value != rows:
            options.styles.max_height = rows
            options.styles.height = rows
        if show_first_group:
            self.call_after_refresh(self._show_first_group)

    def _show_first_group(self) -> None:
        options = self.query_one("#sd-reasons", OptionList)
        options.scroll_home(animate=False, immediate=True)
        if options.highlighted is not None and options.highlighted >= options.scrollable_content_region.height:
            options.scroll_to_highlight()  # a reason further down: it must show, its group's heading with it
        focused = self.app.focused
        if focused is not None and focused is not options:
            focused.scroll_visible(animate=False, immediate=True)

    def on_radio_set_changed(self, event: RadioSet.Changed) -> None:
        self.query_one("#sd-kind-chosen", Static).update(
            Content.assemble(("已选：", "bold"), (event.pressed.name or "", "bold #FFD700")))

    def _set_kind(self, kind: str) -> None:
        for button in self.query_one("#sd-kind", RadioSet).query(RadioButton):
            if button.name == kind:
                button.value = True

    def _select_reason(self, code: str) -> None:
        if code in self.reason_codes:
            self.query_one("#sd-reasons", OptionList).highlighted = self.reason_codes.index(code)

    def selected_reason(self):  # noqa: ANN201
        index = self.query_one("#sd-reasons", OptionList).highlighted
        code = self.reason_codes[index] if index is not None and index < len(self.reason_codes) else None
        return self.reasons.get(code) if code else None

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        reason = self.selected_reason()
        basis = self.query_one("#sd-basis", Static)
        if reason is None:
            basis.update("")
            return
        basis.update(Content.assemble(("依据：", "bold"), reason.basis))
        self.call_after_refresh(self.fit_reasons, False)  # the basis may take another row: ④ stays on screen
        if reason.legal_channel:
            target = self.query_one("#sd-target", Input)
            # fill the channel unless the clerk typed a body of their own
            if not target.value.strip() or target.value.strip() in {c.value for c in LegalChannel}:
                target.value = reason.legal_channel

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.query_one("#sd-text", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.input.id == "sd-text":
            self.query_one("#sd-target", Input).focus()
        else:
            self.action_save()

    def action_adopt(self) -> None:
        if not self.shown:
            self.notify("该事项没有系统建议", severity="warning")
            return
        first = self.shown[0]
        self._select_reason(first.reason_code)
        if first.legal_channel:
            self.query_one("#sd-target", Input).value = first.legal_channel
        kind = self._kind()
        self.query_one("#sd-kind", RadioSet).focus() if kind is None else self.query_one("#sd-text", Input).focus()
        self.call_after_refresh(self._show_first_group)  # the list from 受理 on, the adopted reason in it
        self.query_one("#sd-error", Static).update(plain(f"已采纳系统建议：{first.route_label}"
                                                         + ("，请选择事项性质" if kind is None else "")))

    def _kind(self) -> str | None:
        # the buttons' own values: RadioSet.pressed_button follows a message later (a kind set on opening was not
        # seen by F7 / ``a`` at once, which then asked for a kind the registration had already given)
        return next((b.name for b in self.query_one("#sd-kind", RadioSet).query(RadioButton) if b.value), None)

    def action_save(self) -> None:
        from xfdesk.services.screening import screen_matter

        reason = self.selected_reason()
        if reason is None:
            self.show_error("请在②中选择去向和理由", "#sd-reasons")
            return
        target = self.query_one("#sd-target", Input).value.strip()
        route = reason.route
        try:
            screen_matter(self.ctx, self.operator, self.matter_id, kind=self._kind(), route=route,
                          reason_code=reason.code, reason_text=self.query_one("#sd-text", Input).value,
                          forwarded_to=target if route == "forward" else None,
                          legal_channel=target if route == "redirect_legal" else None, suggestions=self.shown)
        except ScreeningRefused as exc:
            focus = {"kind": "#sd-kind", "route": "#sd-reasons", "reason": "#sd-reasons", "reason_text": "#sd-text",
                     "forwarded_to": "#sd-target", "legal_channel": "#sd-target"}.get(exc.field)
            self.show_error(str(exc), focus)
            return
        except TransitionRefused as exc:
            self.show_error(str(exc), None)
            return
        except Exception as exc:  # noqa: BLE001  (database locked, disk …: the decision and its text stay)
            self.show_error(failed_message(exc), None)
            return
        self.app.notify(f"已甄别：{transition_for(route).label}", markup=False)
        self.dismiss(str(route))  # the caller opens the notice the route calls for

    def show_error(self, message: str, focus: str | None) -> None:
        self.query_one("#sd-error", Static).update(Text(message, style="bold"))
        if focus:
            self.query_one(focus).focus()

    def action_cancel(self) -> None:
        self.dismiss(None)
