"""办理: the actions open for a matter's status and the operator's role, each with its own small form.

``HandlingScreen(ctx, operator, matter_id)`` lists what may be done now (the lifecycle table, through
``services.handling.possible_actions``); actions that need the office head are listed for a clerk too, marked,
and refused with the reason when chosen.
``ActionFormScreen`` is the one form all actions share (also used by 督办): fields typed, Enter moves on,
Ctrl+S saves through the service; a refusal is shown at the bottom of the form and nothing is written.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen, Screen
from textual.widgets import Header, Input, OptionList, Static
from textual.widgets.option_list import Option

from xfdesk.domain.dates import DATE_HINT, parse_day
from xfdesk.domain.glossary import ReplyResult, ReviewResult, Satisfaction
from xfdesk.domain.errors import Refused
from xfdesk.domain.lifecycle import Action, Group, TransitionRefused, transition_for
from xfdesk.tui.failures import failed_message
from xfdesk.tui.screens._actions import SCREEN_CSS, offer_notice
from xfdesk.tui.screens._cells import days_text
from xfdesk.tui.screens.screening import ScreeningDecisionScreen
from xfdesk.tui.widgets.fields import ChoiceInput, FieldInput, FormField, plain, resolve_choice
from xfdesk.tui.screens._reload import changed_since_read, mark_read
from xfdesk.tui.widgets.footer import DeskFooter


parse_date = parse_day  # a bad date is a BadDate refusal (domain.dates), shown at the form


# ── the shared form ─────────────────────────────────────────────────────────────────────────────────────────
@dataclass(frozen=True)
class FieldSpec:
    """One field an action asks for (drawn by the shared ``widgets.fields.FormField``)."""

    key: str
    label: str
    options: tuple[str, ...] = ()  # a choice: typed, completed from the Chinese prefix or pinyin initials
    default: str = ""
    placeholder: str = ""
    required: bool = False


@dataclass
class ActionForm:
    """What one action asks for, and how its values reach the service."""

    title: str
    fields: Sequence[FieldSpec]
    submit: Callable[[dict[str, str]], Any]  # raises a Refused with a Chinese message
    done: str = "已保存"
    hint: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


class ActionFormScreen(ModalScreen[bool]):
    """One action's form; dismisses True when the service accepted it."""

    HELP = "填写后按 Ctrl+S 保存；回车跳到下一栏，最后一栏回车即保存；选项栏可输入开头的字或拼音首字母；Esc 取消。"
    BINDINGS = [Binding("ctrl+s", "save", "保存", priority=True), Binding("escape", "cancel", "取消")]
    CSS = SCREEN_CSS
    AUTO_FOCUS = "FieldInput"  # the first field, not the scrolling box first (restyled in and out of focus)

    def __init__(self, form: ActionForm):
        super().__init__()
        self.form = form

    def compose(self) -> ComposeResult:
        # a scrolling box: at 80×24 a long form (答复) scrolls to the focused field instead of cutting it off
        with VerticalScroll(id="af-box"):
            yield Static(plain(self.form.title), classes="hd-title")
            if self.form.hint:
                yield Static(plain(self.form.hint), classes="hd-hint")
            for f in self.form.fields:
                if f.options:
                    field_input: FieldInput = ChoiceInput(f.key, f.options, f.default, id=f"af-{f.key}",
                                                          placeholder=f.placeholder or "／".join(f.options))
                else:
                    field_input = FieldInput(f.key, f.default, placeholder=f.placeholder, id=f"af-{f.key}")
                yield FormField(f.label + ("*" if f.required else ""), field_input, id=f"aff-{f.key}",
                                label_width=16)
            yield Static(id="af-error", classes="hd-error")
            yield Static(plain("Ctrl+S 保存　回车 下一栏　Esc 取消　（* 为必填）"), classes="hd-hint")

    def on_mount(self) -> None:
        if self.form.fields:
            self.query_one(f"#af-{self.form.fields[0].key}", Input).focus()

    def values(self) -> dict[str, str]:
        out = {}
        for f in self.form.fields:
            text = self.query_one(f"#af-{f.key}", Input).value.strip()
            if f.options and text:
                text = resolve_choice(text, f.options) or text
            out[f.key] = text
        return out

    def unsaved_text(self) -> str:
        """Asked by Ctrl+Q: a field changed from what the form opened with (these forms keep no draft)."""
        if not self.is_mounted:
            return ""
        changed = any(self.query_one(f"#af-{f.key}", Input).value.strip() != f.default.strip()
                      for f in self.form.fields)
        return f"“{self.form.title}”有未保存的内容（退出后不保留）" if changed else ""

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        keys = [f.key for f in self.form.fields]
        key = (event.input.id or "")[3:]
        if key in keys and keys.index(key) < len(keys) - 1:
            self.query_one(f"#af-{keys[keys.index(key) + 1]}", Input).focus()
        else:
            self.action_save()

    def action_save(self) -> None:
        values = self.values()
        for f in self.form.fields:
            self.query_one(f"#aff-{f.key}", FormField).set_error(None)
        for f in self.form.fields:
            if f.required and not values[f.key]:
                self.show_error(f"请填写{f.label}", f.key)
                return
            if f.options and values[f.key] and values[f.key] not in f.options:
                self.show_error(f"{f.label}只能是：{'、'.join(f.options)}", f.key)
                return
        try:
            self.form.submit(values)
        except (Refused, ValueError) as exc:
            self.show_error(str(exc))
            return
        except Exception as exc:  # noqa: BLE001  (database locked, disk …: the form and its text stay)
            self.show_error(failed_message(exc))
            return
        self.app.notify(self.form.done, markup=False)
        self.dismiss(True)

    def show_error(self, message: str, key: str | None = None) -> None:
        """At the field when it is one field's fault (and the cursor goes there), else on the form's error line."""
        self.query_one("#af-error", Static).update(plain("" if key is not None else message))
        if key is not None:
            self.query_one(f"#aff-{key}", FormField).set_error(message)
            self.query_one(f"#af-{key}", Input).focus()

    def action_cancel(self) -> None:
        self.dismiss(False)


# ── the actions a matter offers ─────────────────────────────────────────────────────────────────────────────
SCREEN_ACTION = "screen"  # 甄别: its own screen (the queue's decision form)


@dataclass(frozen=True)
class ActionChoice:
    key: str
    label: str
    allowed: bool  # False: needs the office head; shown, refused with the reason when chosen
    refusal: str = ""


def action_choices(ctx, operator, matter_id: int) -> list[ActionChoice]:  # noqa: ANN001
    """What the lifecycle table allows now (``services.handling.possible_actions``): the screening exits as one
    甄别 entry, every other step (速办, 督办 and 当场告知 included) as the table names it."""
    from xfdesk.services.handling import possible_actions

    out: list[ActionChoice] = []
    for c in possible_actions(ctx, operator, matter_id):
        if c.transition.group == Group.SCREENING:
            if not any(o.key == SCREEN_ACTION for o in out):
                out.append(ActionChoice(SCREEN_ACTION, "甄别（受理、不予受理、不再受理、转送、导入法定途径）", True))
            continue
        label = c.transition.label + ("" if c.allowed else f"（{c.hint}）")
        out.append(ActionChoice(c.action.value, label, c.allowed, c.refusal or ""))
    return out


def _int(text: str, label: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise TransitionRefused(f"{label}必须是整数") from None


def _opt_date(text: str, label: str) -> dt.date | None:
    return parse_date(text, label) if text else None


def build_form(ctx, operator, matter_id: int, key: str) -> ActionForm:  # noqa: ANN001, C901
    """The form of one action: its fields and the service call it makes."""
    from xfdesk.services import handling as h

    today = ctx.today()
    day = FieldSpec("on", "日期", default=today.isoformat(), placeholder=DATE_HINT)

    def on(v: dict[str, str]) -> dt.date:
        return parse_date(v["on"], "日期")

    if key == Action.ASSIGN:
        units = h.active_units(ctx)
        names = tuple(n for _, n in units)

        def assign(v: dict[str, str]) -> Any:
            unit = next((i for i, n in units if n == v["unit"]), 0)
            return h.assign_matter(ctx, operator, matter_id, unit, due_on=_opt_date(v["due"], "反馈期限"),
                                   note=v["note"], on=on(v))

        return ActionForm("交办责任单位", [FieldSpec("unit", "责任单位", names, required=True),
                                       FieldSpec("due", "反馈期限", placeholder="留空＝法定办理期限"),
                                       FieldSpec("note", "交办要求"), day], assign, "已交办",
                          hint="办理期限按时限方案计算；反馈期限可以提前，不能晚于法定期限")
    if key == Action.START_MEDIATION:
        return ActionForm("调处（调解优先）", [FieldSpec("mediator", "调解人／组织"), FieldSpec("note", "说明"), day],
                          lambda v: h.start_mediation(ctx, operator, matter_id, note=v["note"],
                                                      mediator=v["mediator"], on=on(v)), "已开始调处")
    if key == Action.MEDIATION_AGREED:
        return ActionForm("调解成功", [FieldSpec("text", "调解协议内容", required=True), day],
                          lambda v: h.record_mediation(ctx, operator, matter_id, agreed=True,
                                                       agreement_text=v["text"], on=on(v)), "已记录调解协议")
    if key == Action.MEDIATION_FAILED:
        return ActionForm("调解未成（继续办理）", [FieldSpec("reason", "未成原因", required=True), day],
                          lambda v: h.record_mediation(ctx, operator, matter_id, agreed=False,
                                                       failure_reason=v["reason"], on=on(v)), "已记录，继续办理")
    if key == Action.EXTEND:
        cap = ctx.profile.extension_max_days
        return ActionForm("延期（信访办主任批准）",
                          [FieldSpec("days", "延期天数", default=str(cap), required=True),
                           FieldSpec("reason", "延期理由", required=True), day],
                          lambda v: h.extend_matter(ctx, operator, matter_id, _int(v["days"], "延期天数"),
                                                    v["reason"], on=on(v)),
                          "已批准延期，已出具延期办理告知书",
                          hint=f"期限届满前批准，累计不得超过{cap}日；保存时即出具延期办理告知书（告知延期理由）")
    if key == Action.REPLY:
        return ActionForm("答复（信访处理意见书）",
                          [FieldSpec("result", "处理意见", tuple(r.value for r in ReplyResult), required=True),
                           FieldSpec("facts", "查明的事实", required=True),
                           FieldSpec("basis", "处理依据", required=True),
                           FieldSpec("opinion", "具体意见"), day],
                          lambda v: h.reply_matter(ctx, operator, matter_id, result=v["result"], facts=v["facts"],
                                                   basis=v["basis"], opinion=v["opinion"], on=on(v)), "已答复")
    if key == Action.FOLLOW_UP:
        return ActionForm("回访",
                          [FieldSpec("method", "回访方式", h.FOLLOW_UP_METHODS, required=True),
                           FieldSpec("satisfaction", "满意度", tuple(s.value for s in Satisfaction), required=True),
                           FieldSpec("note", "回访情况"), day],
                          lambda v: h.follow_up_matter(ctx, operator, matter_id, method=v["method"],
                                                       satisfaction=v["satisfaction"], note=v["note"], on=on(v)),
                          "已记录回访")
    if key == Action.REHANDLE:
        return ActionForm("重新办理", [FieldSpec("reason", "理由", required=True), day],
                          lambda v: h.rehandle_matter(ctx, operator, matter_id, v["reason"], on=on(v)), "已重新办理")
    if key in (Action.REQUEST_REVIEW, Action.REQUEST_RE_REVIEW):
        level = 1 if key == Action.REQUEST_REVIEW else 2
        what = "复查" if level == 1 else "复核"
        return ActionForm(f"申请{what}",
                          [FieldSpec("requested_on", "申请日期", default=today.isoformat(), required=True),
                           FieldSpec("body", f"{what}机关"), FieldSpec("late", "逾期的正当理由",
                                                                    placeholder="超过申请期限时必填")],
                          lambda v: h.request_review(ctx, operator, matter_id, level=level,
                                                     requested_on=parse_date(v["requested_on"], "申请日期"),
                                                     body=v["body"], late_reason=v["late"]), f"已登记{what}申请")
    if key in (Action.CONCLUDE_REVIEW, Action.CONCLUDE_RE_REVIEW):
        what = "复查" if key == Action.CONCLUDE_REVIEW else "复核"
        return ActionForm(f"{what}结论",
                          [FieldSpec("result", "结论", tuple(r.value for r in ReviewResult), required=True),
                           FieldSpec("opinion", f"{what}意见", required=True), day],
                          lambda v: h.conclude_review(ctx, operator, matter_id, result=v["result"],
                                                      opinion=v["opinion"], on=on(v)), f"已记录{what}结论")
    if key == Action.PAUSE_CLOCK:
        return ActionForm("听证开始（停止计时）", [FieldSpec("reason", "听证事由", required=True), day],
                          lambda v: h.start_hearing(ctx, operator, matter_id, v["reason"], on=on(v)), "计时已停止")
    if key == Action.RESUME_CLOCK:
        return ActionForm("听证结束（恢复计时）", [FieldSpec("note", "说明"), day],
                          lambda v: h.end_hearing(ctx, operator, matter_id, note=v["note"], on=on(v)),
                          "计时已恢复，期限已顺延")
    if key == Action.ARCHIVE:
        return ActionForm("归档", [FieldSpec("note", "说明"), day],
                          lambda v: h.archive_matter(ctx, operator, matter_id, note=v["note"], on=on(v)), "已归档")
    if key in (Action.FAST_MEET, Action.FAST_FACTS):
        step = "meet" if key == Action.FAST_MEET else "facts"
        return ActionForm(transition_for(key).label, [FieldSpec("note", "说明"), day],
                          lambda v: h.record_fast_step(ctx, operator, matter_id, step, on=on(v), note=v["note"]),
                          "已记录")
    if key in (Action.SET_FAST_TRACK, Action.CANCEL_FAST_TRACK):
        limits = ctx.profile.limits
        hint = "速办：" + "、".join(f"{limits[n].length}日内{w}" for n, w in
                                   (("fast_meet", "见面"), ("fast_facts", "查清事实"), ("fast_reply", "答复")))
        return ActionForm(transition_for(key).label, [day],
                          lambda v: h.set_fast_track(ctx, operator, matter_id, key == Action.SET_FAST_TRACK,
                                                     on=on(v)), "已设置", hint=hint + "（时限方案）")
    if key == Action.NOTICE_DELIVERED:
        return ActionForm("当场告知（已当面交给信访人书面告知）", [FieldSpec("note", "说明"), day],
                          lambda v: h.notice_delivered(ctx, operator, matter_id, note=v["note"], on=on(v)),
                          "已记录当场告知", hint="未当场告知的，出具告知书（D 文书）时即记为已告知")
    if key == Action.UNIT_OBJECTION:
        return ActionForm("责任单位提出异议（退回）", [FieldSpec("reason", "异议理由", required=True), day],
                          lambda v: h.unit_objection(ctx, operator, matter_id, v["reason"], on=on(v)),
                          "已退回，请重新交办", hint="交办之日起5个工作日内提出；逾期未提出的，由该单位办理")
    if key == Action.SUPERVISE:
        return supervision_form(ctx, operator, matter_id)
    raise TransitionRefused(f"未知的操作：{key}")  # pragma: no cover - the list comes from the table


def supervision_form(ctx, operator, matter_id: int) -> ActionForm:  # noqa: ANN001
    from xfdesk.services.supervision import issue_supervision

    default_due = ctx.today() + dt.timedelta(days=max(1, ctx.settings.due_soon_days))
    form = ActionForm("督办（出具督办函）",
                      [FieldSpec("note", "督办要求", required=True),
                       FieldSpec("due", "反馈期限", default=default_due.isoformat(), required=True)],
                      lambda v: None, "督办已记录")

    def submit(v: dict[str, str]) -> Any:
        result = issue_supervision(ctx, operator, matter_id, note=v["note"], due_on=parse_date(v["due"], "反馈期限"))
        form.done = result.message
        return result

    form.submit = submit
    return form


class HandlingScreen(Screen):
    """办理 one matter: choose an action with the arrows and Enter, fill its form, Ctrl+S."""

    HELP = ("办理：上下键选择当前可以进行的操作，回车填写并保存。须信访办主任批准的操作（如延期）对接待员"
            "也列出，但会说明无权限。F5 刷新，Esc 返回。")
    BINDINGS = [
        Binding("enter", "choose", "办理所选", priority=True),  # priority: shown in the footer over the list's own Enter
        Binding("f5", "reload", "刷新"),
        Binding("escape", "app.pop_screen", "返回"),
    ]
    CSS = SCREEN_CSS

    def __init__(self, ctx, operator, matter_id: int):  # noqa: ANN001
        super().__init__()
        self.ctx = ctx
        self.operator = operator
        self.matter_id = matter_id
        self.choices: list[ActionChoice] = []

    def compose(self) -> ComposeResult:
        yield Header(icon="")
        with VerticalScroll():
            yield Static(id="hd-head", classes="hd-info")
            yield Static(id="hd-clocks", classes="hd-info")
            yield Static(plain("可进行的操作（上下键选择，回车办理）"), classes="hd-title")
            yield OptionList(id="hd-actions")
            yield Static(id="hd-message", classes="hd-message")
        yield DeskFooter()

    def on_mount(self) -> None:
        from xfdesk.services.access import note_view

        self.sub_title = f"办理 · {self.operator.name}"
        note_view(self.ctx, self.operator, self.matter_id, "handling")  # a restricted matter's view is logged
        self.reload()
        self.query_one("#hd-actions", OptionList).focus()

    def on_screen_resume(self) -> None:
        if changed_since_read(self, self.ctx):
            self.reload()

    def action_reload(self) -> None:
        self.reload()

    def reload(self) -> None:
        from xfdesk.services.handling import handling_summary

        mark_read(self, self.ctx)
        try:
            s = handling_summary(self.ctx, self.matter_id, self.operator)
        except Refused as exc:
            self.query_one("#hd-head", Static).update(plain(str(exc)))
            return
        self.summary = s
        flags = "　".join(x for x in ("速办" if s["is_fast_track"] else "", "听证中（计时停止）" if s["paused"] else "",
                                      "检举控告" if s["restricted"] else "") if x)
        self.query_one("#hd-head", Static).update(Content.assemble(
            (s["number"], "bold #00D7FF"), "　", (s["status_label"], "bold"), "　",
            (flags, "bold #FFAF00"), "\n", ("诉求：", "bold"), s["summary"], "\n", ("事项性质：", "bold"),
            s["kind"] or "未定", "　", ("责任单位：", "bold"), s["unit"] or "未交办",
            (f"　已延期{s['extension_days']}日" if s["extension_days"] else "")))
        soon = self.ctx.settings.due_soon_days
        clocks = [Content.assemble((f"{c['label']}：", "bold"), c["due_on"].isoformat(), " ",
                                   Content.from_rich_text(days_text(c["days_left"], soon)) if c["kind"] == "duty"
                                   else ("（可提出至该日）" if c["days_left"] >= 0 else f"（{c['state_label']}）", "dim"))
                  for c in s["clocks"]]
        self.query_one("#hd-clocks", Static).update(Content("\n").join(clocks) if clocks else plain("没有正在计算的期限"))
        self.choices = action_choices(self.ctx, self.operator, self.matter_id)
        options = self.query_one("#hd-actions", OptionList)
        options.clear_options()
        if not self.choices:
            options.add_option(Option(plain("（当前状态没有可进行的操作）"), disabled=True))
        for c in self.choices:
            options.add_option(Option(Content(c.label) if c.allowed else Content.styled(c.label, "dim"), id=c.key))
        if self.choices:
            options.highlighted = 0

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.choose(event.option.id or "")

    def action_choose(self) -> None:
        options = self.query_one("#hd-actions", OptionList)
        if options.highlighted is not None and self.choices:
            self.choose(self.choices[options.highlighted].key)

    def choose(self, key: str) -> None:
        choice = next((c for c in self.choices if c.key == key), None)
        if choice is None:
            return
        message = self.query_one("#hd-message", Static)
        if not choice.allowed:
            message.update(plain(choice.refusal))
            self.app.notify(choice.refusal, severity="warning", markup=False)
            return
        message.update("")
        if key == SCREEN_ACTION:
            self.app.push_screen(ScreeningDecisionScreen(self.ctx, self.operator, self.matter_id), self._done)
            return
        try:
            form = build_form(self.ctx, self.operator, self.matter_id, key)
        except Refused as exc:
            message.update(plain(str(exc)))
            return
        self.app.push_screen(ActionFormScreen(form), lambda saved: self._done(key if saved else None))

    def _done(self, action: str | None) -> None:
        self.reload()
        if action:
            offer_notice(self.app, self.ctx, self.operator, self.matter_id, action)
