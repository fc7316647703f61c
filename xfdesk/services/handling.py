"""Handling after acceptance: 交办, 异议退回, 调处, 速办, 延期, 答复, 回访, 复查/复核, 听证, 重新办理, 当场告知, 归档.

Each user action is a session-level core (``…_in(session, ctx, operator, matter, …)``: checks its fields, calls the
lifecycle engine, writes its own rows) plus a wrapper that runs the core in one transaction. The demo, the leader's
批示 and ``xfdesk matter do`` use the same cores, so every way in refuses the same things and writes the same
events. What a step starts, ends or needs is in ``domain.lifecycle``; nothing here moves a clock by hand.

A refusal raises a ``Refused`` (``TransitionRefused`` for what the table or a field forbids, ``DateRefused`` for a
date) with a Chinese message, and nothing is written.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlmodel import Session, select

from xfdesk.domain.deadlines import days_left, state_label
from xfdesk.domain.glossary import ReplyResult, ReviewResult, Role, Satisfaction
from xfdesk.domain.lifecycle import (
    HANDLING,
    REVIEW_CONCLUSIONS,
    REVIEW_LEVEL_LABELS,
    REVIEW_REQUESTS,
    REVIEW_WINDOWS,
    STATUS_LABELS,
    Action,
    Choice,
    DateRefused,
    Status,
    TransitionRefused,
    choices,
    refusal,
    transition_for,
)
from xfdesk.domain.privacy import shown_text
from xfdesk.services import documents
from xfdesk.services.lifecycle import (
    Snapshot,
    clock_labels,
    find_for_update,
    matter_state,
    open_clocks,
    transition,
)
from xfdesk.storage.models import Event, FollowUp, Matter, Review, Unit

FOLLOW_UP_METHODS = ("电话回访", "上门回访", "当面回访", "短信回访", "网上回访")
FAST_STEPS = {"meet": Action.FAST_MEET, "facts": Action.FAST_FACTS}


def _required(value: str | None, label: str) -> str:
    text = (value or "").strip()
    if not text:
        raise TransitionRefused(f"请填写{label}")
    return text


def _may(session: Session, ctx, operator, matter: Matter, action: Action) -> Snapshot:  # noqa: ANN001
    """Refuse a wrong state, role or missing clock before complaining about the form's fields; the facts read
    are handed on to the engine (``transition(snapshot=…)``)."""
    snapshot = Snapshot(session, matter)
    problem = refusal(transition_for(action), snapshot.state, operator.role, clock_labels=clock_labels(ctx, matter))
    if problem:
        raise TransitionRefused(problem)
    return snapshot


def _run(ctx, matter_ref: int | str, core: Callable[..., Event], *args: Any, **kwargs: Any) -> Event:  # noqa: ANN001
    """One user action in one transaction."""
    with ctx.db.write() as session:
        return core(session, find_for_update(session, matter_ref), *args, **kwargs)


# ── 交办 and the unit's objection ───────────────────────────────────────────────────────────────────────────
def assign_in(session: Session, ctx, operator, matter: Matter, unit_id: int, *,  # noqa: ANN001
              due_on: dt.date | None = None, at: dt.datetime | None = None, note: str = "", on: dt.date | None = None) -> Event:
    snap = _may(session, ctx, operator, matter, Action.ASSIGN)
    unit = session.get(Unit, unit_id) if unit_id else None
    if unit is None or not unit.active:
        raise TransitionRefused("请选择责任单位（单位清单中的单位）")
    from xfdesk.services.accused import refuse_accused

    refuse_accused(session, matter, [unit.id], "交办给该单位办理")
    handling = [d for d in open_clocks(session, matter.id) if d.name == HANDLING]
    legal_due = handling[0].due_on if handling else None
    if due_on is not None:
        if due_on < (on or ctx.today()):
            raise DateRefused("办理期限不能早于交办日期")
        if legal_due is not None and due_on > legal_due:
            raise DateRefused(f"交办办理期限不能晚于法定办理期限（{legal_due.isoformat()}）")
    report_by = due_on or legal_due
    data: dict[str, Any] = {"unit": unit.name, "unit_due_on": report_by.isoformat() if report_by else None}
    if note.strip():
        data["note"] = note.strip()
    return transition(session, ctx, operator, matter, Action.ASSIGN, reason=note.strip(), on=on, data=data,
                      changes={"unit_id": unit.id}, at=at, snapshot=snap)


def assign_matter(ctx, operator, matter_ref: int | str, unit_id: int, *, due_on: dt.date | None = None,  # noqa: ANN001
                  note: str = "", on: dt.date | None = None) -> Event:
    """交办 to a responsible unit. The due date is the legal handling deadline; ``due_on`` may ask the unit to
    report back earlier (never later)."""
    return _run(ctx, matter_ref, lambda s, m: assign_in(s, ctx, operator, m, unit_id, due_on=due_on, note=note,
                                                        on=on))


def unit_objection_in(session: Session, ctx, operator, matter: Matter, reason: str, *,  # noqa: ANN001
                      on: dt.date | None = None, at: dt.datetime | None = None) -> Event:
    snap = _may(session, ctx, operator, matter, Action.UNIT_OBJECTION)
    text = _required(reason, "异议理由")
    unit = session.get(Unit, matter.unit_id) if matter.unit_id else None
    return transition(session, ctx, operator, matter, Action.UNIT_OBJECTION, reason=text, on=on,
                      data={"unit": unit.name if unit else "", "unit_id": matter.unit_id}, at=at, snapshot=snap)


def unit_objection(ctx, operator, matter_ref: int | str, reason: str, *, on: dt.date | None = None) -> Event:  # noqa: ANN001
    """A unit that is not competent objects within 5 working days of the 交办 (条例第二十三条第三款): the office
    agrees, the matter comes back (已受理, no unit) to be assigned to the competent unit."""
    return _run(ctx, matter_ref, lambda s, m: unit_objection_in(s, ctx, operator, m, reason, on=on))


# ── 调处 ────────────────────────────────────────────────────────────────────────────────────────────────────
def start_mediation_in(session: Session, ctx, operator, matter: Matter, *, note: str = "",  # noqa: ANN001
                       on: dt.date | None = None, at: dt.datetime | None = None, mediator: str = "") -> Event:
    data = {"mediator": mediator.strip()} if mediator.strip() else {}
    return transition(session, ctx, operator, matter, Action.START_MEDIATION, reason=note.strip(), on=on,
                      data=data, at=at)


def start_mediation(ctx, operator, matter_ref: int | str, *, note: str = "", on: dt.date | None = None,  # noqa: ANN001
                    mediator: str = "") -> Event:
    """调处 (调解优先, 条例第33条): mediation begins."""
    return _run(ctx, matter_ref, lambda s, m: start_mediation_in(s, ctx, operator, m, note=note, on=on,
                                                                 mediator=mediator))


def record_mediation_in(session: Session, ctx, operator, matter: Matter, *, agreed: bool,  # noqa: ANN001
                        agreement_text: str = "", failure_reason: str = "", on: dt.date | None = None, at: dt.datetime | None = None) -> Event:
    if agreed:
        snap = _may(session, ctx, operator, matter, Action.MEDIATION_AGREED)
        text = _required(agreement_text, "调解协议内容")
        return transition(session, ctx, operator, matter, Action.MEDIATION_AGREED, reason="达成调解协议", on=on,
                          data={"agreement": text}, at=at, snapshot=snap)
    snap = _may(session, ctx, operator, matter, Action.MEDIATION_FAILED)
    reason = _required(failure_reason, "调解未成的原因")
    return transition(session, ctx, operator, matter, Action.MEDIATION_FAILED, reason=reason, on=on, at=at, snapshot=snap)


def record_mediation(ctx, operator, matter_ref: int | str, *, agreed: bool, agreement_text: str = "",  # noqa: ANN001
                     failure_reason: str = "", on: dt.date | None = None) -> Event:
    """The mediation's outcome: an agreement (调解协议, the matter is resolved) or failure (handling continues)."""
    return _run(ctx, matter_ref, lambda s, m: record_mediation_in(
        s, ctx, operator, m, agreed=agreed, agreement_text=agreement_text, failure_reason=failure_reason, on=on))


# ── 速办 ────────────────────────────────────────────────────────────────────────────────────────────────────
def set_fast_track_in(session: Session, ctx, operator, matter: Matter, enabled: bool = True, *,  # noqa: ANN001
                      on: dt.date | None = None, at: dt.datetime | None = None) -> Event:
    action = Action.SET_FAST_TRACK if enabled else Action.CANCEL_FAST_TRACK
    return transition(session, ctx, operator, matter, action, on=on, data={"enabled": enabled},
                      reason="设为初访速办" if enabled else "取消初访速办", at=at)


def set_fast_track(ctx, operator, matter_ref: int | str, enabled: bool = True, *,  # noqa: ANN001
                   on: dt.date | None = None) -> Event:
    """Put an accepted matter on (or take it off) 初访速办: the three 速办 clocks start (or are cancelled)."""
    return _run(ctx, matter_ref, lambda s, m: set_fast_track_in(s, ctx, operator, m, enabled, on=on))


def record_fast_step_in(session: Session, ctx, operator, matter: Matter, step: str, *,  # noqa: ANN001
                        on: dt.date | None = None, at: dt.datetime | None = None, note: str = "") -> Event:
    if step not in FAST_STEPS:
        raise TransitionRefused("速办步骤只能是见面（meet）或查清事实（facts）")
    action = FAST_STEPS[step]
    return transition(session, ctx, operator, matter, action, on=on,
                      reason=note.strip() or transition_for(action).label, at=at)


def record_fast_step(ctx, operator, matter_ref: int | str, step: str, *, on: dt.date | None = None,  # noqa: ANN001
                     note: str = "") -> Event:
    """速办 step done: ``meet`` (与信访人见面) or ``facts`` (查清事实); the on-time result is stored now."""
    return _run(ctx, matter_ref, lambda s, m: record_fast_step_in(s, ctx, operator, m, step, on=on, note=note))


# ── 延期 ────────────────────────────────────────────────────────────────────────────────────────────────────
def extend_in(session: Session, ctx, operator, matter: Matter, days: int | str, reason: str, *,  # noqa: ANN001
              on: dt.date | None = None, at: dt.datetime | None = None) -> Event:
    """The 延期 transition alone (the demo's history uses it; a person's 延期 is ``extend_matter``, which issues
    the 延期办理告知书 with it)."""
    snap = _may(session, ctx, operator, matter, Action.EXTEND)
    try:
        days = int(days)
    except (TypeError, ValueError):
        raise TransitionRefused("延期天数必须是整数") from None
    cap = ctx.profile.extension_max_days
    if days <= 0:
        raise TransitionRefused("延期天数必须大于0")
    if days > cap:
        raise TransitionRefused(f"延期不得超过{cap}日")
    text = _required(reason, "延期理由")
    return transition(session, ctx, operator, matter, Action.EXTEND, reason=text, on=on, days=days,
                      data={"approved_by": operator.name}, at=at, snapshot=snap)


def extend_matter(ctx, operator, matter_ref: int | str, days: int | str, reason: str, *,  # noqa: ANN001
                  on: dt.date | None = None) -> Event:
    """延期 (条例第三十四条): the office head approves, before the period runs out, up to the profile's cap; the
    延期办理告知书 that tells the petitioner why is issued in the same transaction — no 延期 without its notice
    (a template that cannot be rendered refuses the 延期 with the template's problem)."""
    kind = transition_for(Action.EXTEND).notice
    written: list[Path] = []
    try:
        with ctx.db.write() as session:
            matter = find_for_update(session, matter_ref)
            event = extend_in(session, ctx, operator, matter, days, reason, on=on)
            session.flush()
            documents.issue_document_in(session, ctx, operator, kind, matter_id=matter.id, written=written)
            return event
    except BaseException:
        documents.discard_files(written)
        raise


# ── 答复 ────────────────────────────────────────────────────────────────────────────────────────────────────
def reply_in(session: Session, ctx, operator, matter: Matter, *, result: ReplyResult | str, facts: str,  # noqa: ANN001
             basis: str, opinion: str = "", on: dt.date | None = None, at: dt.datetime | None = None) -> Event:
    snap = _may(session, ctx, operator, matter, Action.REPLY)
    try:
        result_v = ReplyResult(result)
    except ValueError:
        raise TransitionRefused(f"请选择答复意见：{'、'.join(r.value for r in ReplyResult)}") from None
    data = {"result": result_v.value, "facts": _required(facts, "查明的事实"), "basis": _required(basis, "处理依据")}
    if opinion.strip():
        data["opinion"] = opinion.strip()
    return transition(session, ctx, operator, matter, Action.REPLY, reason=result_v.value, on=on, data=data,
                      changes={"reply_result": result_v.value}, at=at, snapshot=snap)


def reply_matter(ctx, operator, matter_ref: int | str, *, result: ReplyResult | str, facts: str,  # noqa: ANN001
                 basis: str, opinion: str = "", on: dt.date | None = None) -> Event:
    """答复 (信访处理意见书, 条例第32条): 支持 / 解释说明 / 不予支持 with facts and legal basis. From 受理 too when
    the office handles the matter itself (no unit)."""
    return _run(ctx, matter_ref, lambda s, m: reply_in(s, ctx, operator, m, result=result, facts=facts,
                                                       basis=basis, opinion=opinion, on=on))


# ── 回访 and 重新办理 ───────────────────────────────────────────────────────────────────────────────────────
def follow_up_in(session: Session, ctx, operator, matter: Matter, *, method: str,  # noqa: ANN001
                 satisfaction: Satisfaction | str, note: str = "", on: dt.date | None = None, at: dt.datetime | None = None) -> Event:
    snap = _may(session, ctx, operator, matter, Action.FOLLOW_UP)
    method_t = _required(method, "回访方式")
    try:
        sat = Satisfaction(satisfaction)
    except ValueError:
        raise TransitionRefused(f"请选择满意度：{'、'.join(s.value for s in Satisfaction)}") from None
    event = transition(session, ctx, operator, matter, Action.FOLLOW_UP, reason=note.strip(), on=on,
                       data={"method": method_t, "satisfaction": sat.value}, at=at, snapshot=snap)
    session.add(FollowUp(matter_id=matter.id, on=event.at.date(), method=method_t, satisfaction=sat.value,
                         note=note.strip(), clerk=operator.name))
    return event


def follow_up_matter(ctx, operator, matter_ref: int | str, *, method: str, satisfaction: Satisfaction | str,  # noqa: ANN001
                     note: str = "", on: dt.date | None = None) -> Event:
    """回访: satisfaction and method; the FollowUp row and the event in one transaction. The 复查/复核 request
    windows keep running."""
    return _run(ctx, matter_ref, lambda s, m: follow_up_in(s, ctx, operator, m, method=method,
                                                           satisfaction=satisfaction, note=note, on=on))


def rehandle_in(session: Session, ctx, operator, matter: Matter, reason: str, *,  # noqa: ANN001
                on: dt.date | None = None, at: dt.datetime | None = None) -> Event:
    snap = _may(session, ctx, operator, matter, Action.REHANDLE)
    return transition(session, ctx, operator, matter, Action.REHANDLE, reason=_required(reason, "重新办理的理由"),
                      on=on, at=at, snapshot=snap)


def rehandle_matter(ctx, operator, matter_ref: int | str, reason: str, *, on: dt.date | None = None) -> Event:  # noqa: ANN001
    """重新办理 after an unsatisfied follow-up or a 撤销重办: the handling clock starts again."""
    return _run(ctx, matter_ref, lambda s, m: rehandle_in(s, ctx, operator, m, reason, on=on))


# ── 复查 / 复核 ─────────────────────────────────────────────────────────────────────────────────────────────
def request_review_in(session: Session, ctx, operator, matter: Matter, *, level: int,  # noqa: ANN001
                      requested_on: dt.date, body: str = "", late_reason: str = "", at: dt.datetime | None = None) -> Event:
    if level not in REVIEW_REQUESTS:
        raise TransitionRefused("复查为第1级、复核为第2级")
    action, label = REVIEW_REQUESTS[level], REVIEW_LEVEL_LABELS[level]
    snap = _may(session, ctx, operator, matter, action)
    data: dict[str, Any] = {"level": level, "requested_on": requested_on.isoformat()}
    if body.strip():
        data["body"] = body.strip()
    window = next((d for d in snap.deadlines if d.name == REVIEW_WINDOWS[level]), None)
    if window is not None:
        data["window_due_on"] = window.due_on.isoformat()
    event = transition(session, ctx, operator, matter, action, reason=late_reason.strip() or f"申请{label}",
                       on=requested_on, data=data, late_reason=late_reason, at=at, snapshot=snap)
    session.add(Review(matter_id=matter.id, level=level, requested_on=requested_on, body=body.strip(),
                       note=late_reason.strip()))
    return event


def request_review(ctx, operator, matter_ref: int | str, *, level: int, requested_on: dt.date,  # noqa: ANN001
                   body: str = "", late_reason: str = "") -> Event:
    """A 复查 (level 1) or 复核 (level 2) request received on ``requested_on``; its own deadline starts then.

    Each needs its own running window (复查 after a reply, 复核 after the 复查 opinion, each once). A request after
    the window closed needs ``late_reason`` (正当理由); an archived matter accepts only a timely one, and reopens."""
    return _run(ctx, matter_ref, lambda s, m: request_review_in(s, ctx, operator, m, level=level,
                                                                requested_on=requested_on, body=body,
                                                                late_reason=late_reason))


def conclude_review_in(session: Session, ctx, operator, matter: Matter, *,  # noqa: ANN001
                       result: ReviewResult | str, opinion: str, on: dt.date | None = None, at: dt.datetime | None = None) -> Event:
    action, level = REVIEW_CONCLUSIONS.get(Status(matter.status), (Action.CONCLUDE_REVIEW, 1))
    snap = _may(session, ctx, operator, matter, action)
    try:
        result_v = ReviewResult(result)
    except ValueError:
        raise TransitionRefused(f"请选择结论：{'、'.join(r.value for r in ReviewResult)}") from None
    opinion_t = _required(opinion, "复查（复核）意见")
    event = transition(session, ctx, operator, matter, action, reason=result_v.value, on=on,
                       data={"level": level, "result": result_v.value, "opinion": opinion_t}, at=at, snapshot=snap)
    review = session.exec(select(Review).where(Review.matter_id == matter.id, Review.level == level,
                                               Review.concluded_on == None)  # noqa: E711
                          .order_by(Review.id.desc())).first()
    if review is None:  # requested before this desk kept Review rows: record it now
        review = Review(matter_id=matter.id, level=level, requested_on=event.at.date())
    review.concluded_on, review.result = event.at.date(), result_v.value
    review.note = (review.note + "\n" if review.note else "") + opinion_t
    session.add(review)
    return event


def conclude_review(ctx, operator, matter_ref: int | str, *, result: ReviewResult | str, opinion: str,  # noqa: ANN001
                    on: dt.date | None = None) -> Event:
    """The 复查/复核 opinion (维持 / 变更 / 撤销重办); which one follows from the matter's state."""
    return _run(ctx, matter_ref, lambda s, m: conclude_review_in(s, ctx, operator, m, result=result,
                                                                 opinion=opinion, on=on))


# ── 听证 (复核 only) ─────────────────────────────────────────────────────────────────────────────────────────
def start_hearing_in(session: Session, ctx, operator, matter: Matter, reason: str, *,  # noqa: ANN001
                     on: dt.date | None = None, at: dt.datetime | None = None) -> Event:
    snap = _may(session, ctx, operator, matter, Action.PAUSE_CLOCK)
    return transition(session, ctx, operator, matter, Action.PAUSE_CLOCK, reason=_required(reason, "听证事由"),
                      on=on, at=at, snapshot=snap)


def start_hearing(ctx, operator, matter_ref: int | str, reason: str, *, on: dt.date | None = None) -> Event:  # noqa: ANN001
    """听证 during 复核 begins: the 复核 clock stops (its time is not counted, 条例第三十六条第二款)."""
    return _run(ctx, matter_ref, lambda s, m: start_hearing_in(s, ctx, operator, m, reason, on=on))


def end_hearing_in(session: Session, ctx, operator, matter: Matter, *, note: str = "",  # noqa: ANN001
                   on: dt.date | None = None, at: dt.datetime | None = None) -> Event:
    return transition(session, ctx, operator, matter, Action.RESUME_CLOCK, reason=note.strip(), on=on, at=at)


def end_hearing(ctx, operator, matter_ref: int | str, *, note: str = "", on: dt.date | None = None) -> Event:  # noqa: ANN001
    """听证 ends: the 复核 clock runs again, its due date moved by the paused days."""
    return _run(ctx, matter_ref, lambda s, m: end_hearing_in(s, ctx, operator, m, note=note, on=on))


# ── 当场告知 and 归档 ────────────────────────────────────────────────────────────────────────────────────────
def notice_delivered_in(session: Session, ctx, operator, matter: Matter, *, note: str = "",  # noqa: ANN001
                        on: dt.date | None = None, at: dt.datetime | None = None) -> Event:
    return transition(session, ctx, operator, matter, Action.NOTICE_DELIVERED, reason=note.strip() or "当场书面告知",
                      on=on, at=at)


def notice_delivered(ctx, operator, matter_ref: int | str, *, note: str = "",  # noqa: ANN001
                     on: dt.date | None = None) -> Event:
    """当场告知 (条例第二十三条第二款): the written notice was handed to the petitioner at the desk; the 受理告知
    clock ends now (otherwise it ends when the notice document is issued)."""
    return _run(ctx, matter_ref, lambda s, m: notice_delivered_in(s, ctx, operator, m, note=note, on=on))


def archive_in(session: Session, ctx, operator, matter: Matter, *, note: str = "",  # noqa: ANN001
               on: dt.date | None = None, at: dt.datetime | None = None) -> Event:
    return transition(session, ctx, operator, matter, Action.ARCHIVE, reason=note.strip(), on=on, at=at)


def archive_matter(ctx, operator, matter_ref: int | str, *, note: str = "", on: dt.date | None = None) -> Event:  # noqa: ANN001
    """归档: closed and filed, still searchable. The 复查/复核 windows keep running: a timely request reopens."""
    return _run(ctx, matter_ref, lambda s, m: archive_in(s, ctx, operator, m, note=note, on=on))


# ── what the handling screen shows (no petitioner identity: nothing to log) ─────────────────────────────────
def handling_summary(ctx, matter_ref: int | str, operator=None) -> dict[str, Any]:  # noqa: ANN001
    """The matter's state for the handling screen: status, unit, open clocks with days left, 速办, pause.
    A 检举控告 matter's summary is RESTRICTED_TEXT unless ``operator`` may see it (no operator: hidden)."""
    today = ctx.today()
    with ctx.db.read() as session:
        m = find_for_update(session, matter_ref)
        unit = session.get(Unit, m.unit_id) if m.unit_id else None
        snapshot = Snapshot(session, m)
        clocks, state = snapshot.deadlines, snapshot.state
    return {
        "id": m.id, "number": m.number, "status": m.status,
        "summary": shown_text(operator.role if operator is not None else Role.CLERK, m.is_restricted, m.summary),
        "status_label": STATUS_LABELS[Status(m.status)], "kind": m.kind, "unit": unit.name if unit else None,
        "unit_id": m.unit_id, "is_fast_track": m.is_fast_track, "restricted": m.is_restricted,
        "paused": state.paused, "extension_days": m.extension_days, "due_on": m.due_on,
        "clocks": [{"name": d.name, "label": ctx.profile.clock_label(d.name, m.kind), "kind": d.kind,
                    "due_on": d.due_on, "days_left": days_left(d.due_on, today),
                    "state_label": state_label(d.kind, d.state, d.due_on, today)}
                   for d in sorted(clocks, key=lambda d: d.due_on)],
    }


def possible_actions(ctx, operator, matter_ref: int | str) -> list[Choice]:  # noqa: ANN001
    """What may be done with the matter now, by the lifecycle table: the TUI's list and ``matter actions``.
    Actions only the office head may take are listed for a clerk too, with the reason."""
    with ctx.db.read() as session:
        m = find_for_update(session, matter_ref)
        state = matter_state(session, m)
    return choices(state, operator.role, clock_labels=clock_labels(ctx, m), today=ctx.today())


def active_units(ctx) -> list[tuple[int, str]]:  # noqa: ANN001
    """Responsible units to choose from when assigning, in the order of units.toml."""
    with ctx.db.read() as session:
        return [(u.id, u.name) for u in session.exec(select(Unit).where(Unit.active == True).order_by(Unit.id))]  # noqa: E712
