"""Any lifecycle step by name: what ``xfdesk matter do`` runs and ``xfdesk matter actions`` lists.

Each action goes to the same service function the TUI's form calls (screening, handling, supervision), so the
checks, the refusals and the events are the same whichever way a step is taken. ``ACTION_INPUTS`` says which
values each action takes (the command's options), for the listing and for the refusal of a missing one.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlmodel import select

from xfdesk.domain.errors import Refused
from xfdesk.domain.lifecycle import (
    SCREENING_ACTIONS,
    STATUS_LABELS,
    TRANSITIONS,
    Action,
    Choice,
    Status,
    TransitionRefused,
    refusal,
    transition_for,
)
from xfdesk.services import handling, screening, supervision
from xfdesk.services.lifecycle import clock_labels, find_for_update, matter_state
from xfdesk.storage.models import Document, Event


class UnknownAction(Refused):
    """The name given is no step of the lifecycle."""


@dataclass(frozen=True)
class Field:
    option: str  # the command-line option
    label: str  # what it means for this action, in Chinese
    required: bool = False


@dataclass
class ActionInput:
    """The values a step may take (all optional here; each action says which it needs)."""

    on: dt.date | None = None
    unit: str | None = None
    reason_code: str | None = None
    text: str = ""
    days: int | None = None
    result: str | None = None
    kind: str | None = None
    to: str | None = None
    due: dt.date | None = None
    basis: str = ""
    method: str | None = None
    late_reason: str = ""


_DATE = Field("--date", "日期（默认今天）")
_SCREEN = (Field("--kind", "事项性质：申诉求决 / 建议意见 / 检举控告", True),
           Field("--reason-code", "甄别理由代码（xfdesk matter reasons 可查）", True),
           Field("--text", "说明（不采纳系统建议、“其他”类理由时必填）"), _DATE)
ACTION_INPUTS: dict[Action, tuple[Field, ...]] = {
    **{a: _SCREEN for a in SCREENING_ACTIONS},
    Action.FORWARD: (*_SCREEN, Field("--to", "转送的机关、单位", True)),
    Action.REDIRECT_LEGAL: (*_SCREEN, Field("--to", "法定途径（默认按理由）")),
    Action.NOTICE_DELIVERED: (Field("--text", "说明"), _DATE),
    Action.ASSIGN: (Field("--unit", "责任单位（名称或编号）", True), Field("--due", "要求反馈日期（默认法定期限）"),
                    Field("--text", "交办要求"), _DATE),
    Action.UNIT_OBJECTION: (Field("--text", "异议理由", True), _DATE),
    Action.START_MEDIATION: (Field("--text", "说明"), _DATE),
    Action.MEDIATION_AGREED: (Field("--text", "调解协议内容", True), _DATE),
    Action.MEDIATION_FAILED: (Field("--text", "未成原因", True), _DATE),
    Action.SET_FAST_TRACK: (_DATE,),
    Action.CANCEL_FAST_TRACK: (_DATE,),
    Action.FAST_MEET: (Field("--text", "说明"), _DATE),
    Action.FAST_FACTS: (Field("--text", "说明"), _DATE),
    Action.EXTEND: (Field("--days", "延期天数", True), Field("--text", "延期理由", True), _DATE),
    Action.SUPERVISE: (Field("--text", "督办要求", True), Field("--due", "反馈期限（默认今天起“即将到期”天数）")),
    Action.REPLY: (Field("--result", "处理意见：支持 / 解释说明 / 不予支持", True), Field("--text", "查明的事实", True),
                   Field("--basis", "处理依据", True), _DATE),
    Action.FOLLOW_UP: (Field("--method", "回访方式：电话回访 / 上门回访 / 当面回访 / 短信回访 / 网上回访", True),
                       Field("--result", "满意度：满意 / 基本满意 / 不满意", True), Field("--text", "回访情况"), _DATE),
    Action.REHANDLE: (Field("--text", "重新办理的理由", True), _DATE),
    Action.REQUEST_REVIEW: (Field("--date", "收到申请的日期（默认今天）"), Field("--text", "复查机关"),
                            Field("--late-reason", "逾期的正当理由（超过申请期限时必填）")),
    Action.REQUEST_RE_REVIEW: (Field("--date", "收到申请的日期（默认今天）"), Field("--text", "复核机关"),
                               Field("--late-reason", "逾期的正当理由（超过申请期限时必填）")),
    Action.CONCLUDE_REVIEW: (Field("--result", "结论：维持 / 变更 / 撤销重办", True), Field("--text", "复查意见", True),
                             _DATE),
    Action.CONCLUDE_RE_REVIEW: (Field("--result", "结论：维持 / 变更 / 撤销重办", True),
                                Field("--text", "复核意见", True), _DATE),
    Action.PAUSE_CLOCK: (Field("--text", "听证事由", True), _DATE),
    Action.RESUME_CLOCK: (Field("--text", "说明"), _DATE),
    Action.ARCHIVE: (Field("--text", "说明"), _DATE),
}


def action_named(name: str) -> Action:
    """An action by its code (``assign``) or its Chinese name (``交办``)."""
    text = (name or "").strip()
    for t in TRANSITIONS:
        if text and text in (t.action.value, t.label, t.label.split("（")[0]):
            return t.action
    known = "、".join(f"{t.action.value}（{t.label}）" for t in TRANSITIONS)
    raise UnknownAction(f"没有这个操作：{name}。可用：{known}")


@dataclass
class Outcome:
    action: Action
    label: str
    number: str
    from_status: str
    to_status: str
    event_id: int | None
    deadlines: list[dict[str, Any]] = field(default_factory=list)
    document: str | None = None  # the 文号 of a notice the action issued itself
    message: str = ""

    def as_json(self) -> dict[str, Any]:
        return {"number": self.number, "action": self.action.value, "label": self.label,
                "from": self.from_status, "from_label": STATUS_LABELS[Status(self.from_status)],
                "to": self.to_status, "to_label": STATUS_LABELS[Status(self.to_status)],
                "event_id": self.event_id, "deadlines": self.deadlines, "document": self.document,
                "message": self.message}


def _unit_id(ctx, text: str | None) -> int:  # noqa: ANN001
    if not text or not text.strip():
        return 0
    units = handling.active_units(ctx)
    value = text.strip()
    for uid, name in units:
        if value == name or value == str(uid):
            return uid
    raise TransitionRefused(f"没有这个责任单位：{value}（可用：{'、'.join(n for _, n in units)}）")


def _missing(action: Action, values: ActionInput) -> None:
    attrs = {"--kind": "kind", "--reason-code": "reason_code", "--unit": "unit", "--text": "text",
             "--days": "days", "--result": "result", "--basis": "basis", "--method": "method", "--to": "to"}
    for f in ACTION_INPUTS.get(action, ()):
        attr = attrs.get(f.option)
        if f.required and attr and getattr(values, attr) in (None, ""):
            raise TransitionRefused(f"“{transition_for(action).label}”须给出 {f.option}（{f.label}）")


def do_action(ctx, operator, matter_ref: int | str, action: Action | str, values: ActionInput) -> Outcome:  # noqa: ANN001
    """Run one step on the matter through its service, in one transaction; refusals change nothing."""
    action = action if isinstance(action, Action) else action_named(str(action))
    t = transition_for(action)
    with ctx.db.read() as session:
        matter = find_for_update(session, matter_ref)
        from_status, number, matter_id = matter.status, matter.number, matter.id
        # the table's refusal first (state, role, clocks), in the words the TUI shows, before any missing value
        problem = refusal(t, matter_state(session, matter), operator.role, clock_labels=clock_labels(ctx, matter))
    if problem:
        raise TransitionRefused(problem)
    _missing(action, values)
    v, on, text = values, values.on, values.text.strip()
    message, document = "", None
    if action in SCREENING_ACTIONS:
        event = screening.screen_matter(ctx, operator, matter_id, kind=v.kind, route=action,
                                        reason_code=v.reason_code or "", reason_text=text,
                                        forwarded_to=v.to if action == Action.FORWARD else None,
                                        legal_channel=v.to if action == Action.REDIRECT_LEGAL else None, on=on)
    elif action == Action.NOTICE_DELIVERED:
        event = handling.notice_delivered(ctx, operator, matter_id, note=text, on=on)
    elif action == Action.ASSIGN:
        event = handling.assign_matter(ctx, operator, matter_id, _unit_id(ctx, v.unit), due_on=v.due, note=text,
                                       on=on)
    elif action == Action.UNIT_OBJECTION:
        event = handling.unit_objection(ctx, operator, matter_id, text, on=on)
    elif action == Action.START_MEDIATION:
        event = handling.start_mediation(ctx, operator, matter_id, note=text, on=on)
    elif action in (Action.MEDIATION_AGREED, Action.MEDIATION_FAILED):
        agreed = action == Action.MEDIATION_AGREED
        event = handling.record_mediation(ctx, operator, matter_id, agreed=agreed, on=on,
                                          agreement_text=text if agreed else "", failure_reason="" if agreed else text)
    elif action in (Action.SET_FAST_TRACK, Action.CANCEL_FAST_TRACK):
        event = handling.set_fast_track(ctx, operator, matter_id, action == Action.SET_FAST_TRACK, on=on)
    elif action in (Action.FAST_MEET, Action.FAST_FACTS):
        step = "meet" if action == Action.FAST_MEET else "facts"
        event = handling.record_fast_step(ctx, operator, matter_id, step, on=on, note=text)
    elif action == Action.EXTEND:
        event = handling.extend_matter(ctx, operator, matter_id, v.days, text, on=on)
        document = _latest_document(ctx, matter_id, t.notice)
    elif action == Action.SUPERVISE:
        due = v.due or ctx.today() + dt.timedelta(days=max(1, ctx.settings.due_soon_days))
        result = supervision.issue_supervision(ctx, operator, matter_id, note=text, due_on=due)
        event, message, document = _event(ctx, result.event_id), result.message, result.document_number
    elif action == Action.REPLY:
        event = handling.reply_matter(ctx, operator, matter_id, result=v.result or "", facts=text, basis=v.basis,
                                      on=on)
    elif action == Action.FOLLOW_UP:
        event = handling.follow_up_matter(ctx, operator, matter_id, method=v.method or "",
                                          satisfaction=v.result or "", note=text, on=on)
    elif action == Action.REHANDLE:
        event = handling.rehandle_matter(ctx, operator, matter_id, text, on=on)
    elif action in (Action.REQUEST_REVIEW, Action.REQUEST_RE_REVIEW):
        level = 1 if action == Action.REQUEST_REVIEW else 2
        event = handling.request_review(ctx, operator, matter_id, level=level, requested_on=on or ctx.today(),
                                        body=text, late_reason=v.late_reason)
    elif action in (Action.CONCLUDE_REVIEW, Action.CONCLUDE_RE_REVIEW):
        event = handling.conclude_review(ctx, operator, matter_id, result=v.result or "", opinion=text, on=on)
    elif action == Action.PAUSE_CLOCK:
        event = handling.start_hearing(ctx, operator, matter_id, text, on=on)
    elif action == Action.RESUME_CLOCK:
        event = handling.end_hearing(ctx, operator, matter_id, note=text, on=on)
    elif action == Action.ARCHIVE:
        event = handling.archive_matter(ctx, operator, matter_id, note=text, on=on)
    else:  # pragma: no cover - every action of the table is dispatched above (a test walks them)
        raise UnknownAction(f"“{t.label}”不能从命令行办理")
    return Outcome(action, t.label, number, from_status, event.to_status or from_status, event.id,
                   list((event.data or {}).get("deadlines", [])), document, message)


def _event(ctx, event_id: int) -> Event:  # noqa: ANN001
    with ctx.db.read() as session:
        return session.get(Event, event_id)


def _latest_document(ctx, matter_id: int, kind: str | None) -> str | None:  # noqa: ANN001
    with ctx.db.read() as session:
        doc = session.exec(select(Document).where(Document.matter_id == matter_id, Document.kind == kind)
                           .order_by(Document.id.desc())).first()
        return doc.number_text if doc else None


def possible(ctx, operator, matter_ref: int | str) -> tuple[dict[str, Any], list[Choice]]:  # noqa: ANN001
    """The matter's number and state, and what may be done now (the table, for ``matter actions``)."""
    summary = handling.handling_summary(ctx, matter_ref, operator)
    return summary, handling.possible_actions(ctx, operator, matter_ref)
