"""Handling after acceptance: 交办, 调处, 速办, 延期, 答复, 回访, 复查/复核, 听证, 重新办理, 归档.

One function per user action, one transaction each, its event written by the lifecycle engine (``transition``) in
the same commit as the rows it needs (FollowUp, Review) and the 速办 clocks. A refusal raises ``TransitionRefused``
with a Chinese message and writes nothing.

速办 (初访速办) is tracked as three extra duty clocks of the rule profile — ``fast_meet``, ``fast_facts``,
``fast_reply`` — started at acceptance for first-time matters when the setting ``fast_track`` is on (or by hand with
``set_fast_track``). 见面 and 查清 are ended by ``record_fast_step``; a reply or a mediation agreement ends whatever is
still running (the on-time result is stored then); archiving cancels what is left.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from sqlmodel import Session, select

from xfdesk.domain.glossary import ReplyResult, ReviewResult, Satisfaction
from xfdesk.domain.lifecycle import Action, Status, TransitionRefused, check_transition
from xfdesk.services.events import record_event
from xfdesk.services.lifecycle import find_for_update, refresh_due_on, transition
from xfdesk.services.screening import FAST_TRACK_CLOCKS, start_fast_track
from xfdesk.storage.models import Deadline, Event, FollowUp, Matter, Review, Unit, now

FOLLOW_UP_METHODS = ("电话回访", "上门回访", "当面回访", "短信回访", "网上回访")
FAST_STEPS = {"meet": ("fast_meet", "速办见面"), "facts": ("fast_facts", "速办查清事实")}
REVIEW_ACTIONS = {1: (Action.REQUEST_REVIEW, "review_request", "复查"),
                  2: (Action.REQUEST_RE_REVIEW, "re_review_request", "复核")}


def _required(value: str | None, label: str) -> str:
    text = (value or "").strip()
    if not text:
        raise TransitionRefused(f"请填写{label}")
    return text


def _act(ctx, operator, matter_ref: int | str, action: Action, *, reason: str = "",  # noqa: ANN001
         on: dt.date | None = None, days: int = 0, data: dict[str, Any] | None = None,
         changes: dict[str, Any] | None = None,
         before: Callable[[Session, Matter], None] | None = None,
         after: Callable[[Session, Matter, Event], None] | None = None) -> Event:
    """One user action in one transaction: checks (``before``), the transition, then its extra rows (``after``)."""
    with ctx.db.write() as session:
        matter = find_for_update(session, matter_ref)
        # the table's refusal first, so a wrong state or role is reported before any field complaint
        check_transition(matter.status, action, operator.role, reason or "-")
        if before is not None:
            before(session, matter)
        event = transition(session, ctx, operator, matter, action, reason=reason, on=on, days=days, data=data,
                           changes=changes)
        if after is not None:
            after(session, matter, event)
            refresh_due_on(session, matter)
        return event


def _may(ctx, operator, matter_ref: int | str, action: Action) -> None:  # noqa: ANN001
    """Refuse a wrong state or role before complaining about the form's fields."""
    with ctx.db.read() as session:
        check_transition(find_for_update(session, matter_ref).status, action, operator.role, "-")


def _open_clocks(session: Session, matter_id: int, names: tuple[str, ...]) -> list[Deadline]:
    return [d for d in session.exec(select(Deadline).where(Deadline.matter_id == matter_id,
                                                           Deadline.state == "open"))
            if d.name in names]


def _end_clock(session: Session, d: Deadline, on: dt.date) -> dict[str, Any]:
    d.ended_on = on
    d.on_time = on <= d.due_on
    d.state = "met" if d.on_time else "late"
    session.add(d)
    return {"name": d.name, "due_on": d.due_on.isoformat(), "on_time": d.on_time}


def _end_fast_track(session: Session, matter: Matter, on: dt.date) -> list[dict[str, Any]]:
    return [_end_clock(session, d, on) for d in _open_clocks(session, matter.id, FAST_TRACK_CLOCKS)]


def _cancel_fast_track(session: Session, matter: Matter, on: dt.date) -> None:
    for d in _open_clocks(session, matter.id, FAST_TRACK_CLOCKS):
        d.state, d.ended_on = "cancelled", on
        session.add(d)


def _day(ctx, on: dt.date | None) -> dt.date:  # noqa: ANN001
    return on or ctx.today()


# ── 交办 ────────────────────────────────────────────────────────────────────────────────────────────────────
def assign_matter(ctx, operator, matter_ref: int | str, unit_id: int, *, due_on: dt.date | None = None,  # noqa: ANN001
                  note: str = "", on: dt.date | None = None) -> Event:
    """交办 to a responsible unit. The due date is the legal handling deadline; ``due_on`` may ask the unit to
    report back earlier (never later)."""
    data: dict[str, Any] = {}

    def before(session: Session, matter: Matter) -> None:
        unit = session.get(Unit, unit_id) if unit_id else None
        if unit is None or not unit.active:
            raise TransitionRefused("请选择责任单位（单位清单中的单位）")
        handling = _open_clocks(session, matter.id, ("handling",))
        legal_due = handling[0].due_on if handling else None
        if due_on is not None:
            if due_on < _day(ctx, on):
                raise TransitionRefused("办理期限不能早于交办日期")
            if legal_due is not None and due_on > legal_due:
                raise TransitionRefused(f"交办办理期限不能晚于法定办理期限（{legal_due.isoformat()}）")
        data.update({"unit": unit.name, "unit_due_on": (due_on or legal_due).isoformat() if (due_on or legal_due)
                     else None})
        if note.strip():
            data["note"] = note.strip()

    return _act(ctx, operator, matter_ref, Action.ASSIGN, reason=note.strip(), on=on, data=data,
                changes={"unit_id": unit_id}, before=before)


# ── 调处 ────────────────────────────────────────────────────────────────────────────────────────────────────
def start_mediation(ctx, operator, matter_ref: int | str, *, note: str = "", on: dt.date | None = None,  # noqa: ANN001
                    mediator: str = "") -> Event:
    """调处 (调解优先, 条例第33条): mediation begins."""
    data = {"mediator": mediator.strip()} if mediator.strip() else {}
    return _act(ctx, operator, matter_ref, Action.START_MEDIATION, reason=note.strip(), on=on, data=data)


def record_mediation(ctx, operator, matter_ref: int | str, *, agreed: bool, agreement_text: str = "",  # noqa: ANN001
                     failure_reason: str = "", on: dt.date | None = None) -> Event:
    """The mediation's outcome: an agreement (调解协议, the matter is resolved) or failure (handling continues)."""
    _may(ctx, operator, matter_ref, Action.MEDIATION_AGREED if agreed else Action.MEDIATION_FAILED)
    if agreed:
        text = _required(agreement_text, "调解协议内容")
        day = _day(ctx, on)

        def after(session: Session, matter: Matter, event: Event) -> None:
            ended = _end_fast_track(session, matter, day)
            if ended:
                record_event(session, operator, "fast_track_end", matter_id=matter.id,
                             data={"deadlines": ended, "by": Action.MEDIATION_AGREED.value}, at=event.at)

        return _act(ctx, operator, matter_ref, Action.MEDIATION_AGREED, reason="达成调解协议", on=on,
                    data={"agreement": text}, after=after)
    reason = _required(failure_reason, "调解未成的原因")
    return _act(ctx, operator, matter_ref, Action.MEDIATION_FAILED, reason=reason, on=on)


# ── 速办 ────────────────────────────────────────────────────────────────────────────────────────────────────
_FAST_STATES = frozenset({Status.ACCEPTED, Status.ASSIGNED, Status.MEDIATING})


def set_fast_track(ctx, operator, matter_ref: int | str, enabled: bool = True, *,  # noqa: ANN001
                   on: dt.date | None = None) -> Event:
    """Put an accepted matter on (or take it off) 初访速办: the three 速办 clocks start (or are cancelled)."""
    day = _day(ctx, on)
    with ctx.db.write() as session:
        matter = find_for_update(session, matter_ref)
        if Status(matter.status) not in _FAST_STATES:
            raise TransitionRefused("只有已受理、尚未答复的事项可以设置速办")
        if enabled == matter.is_fast_track:
            raise TransitionRefused("该事项已经是速办事项" if enabled else "该事项不是速办事项")
        if day < matter.received_on:
            raise TransitionRefused("速办开始日期不能早于登记日期")
        matter.is_fast_track = enabled
        matter.updated_at = now()
        session.add(matter)
        if enabled:
            started = start_fast_track(session, ctx, matter, day)
            data = {"enabled": True, "deadlines": [{"name": d.name, "due_on": d.due_on.isoformat()}
                                                   for d in started]}
        else:
            _cancel_fast_track(session, matter, day)
            refresh_due_on(session, matter)
            data = {"enabled": False}
        return record_event(session, operator, "fast_track", matter_id=matter.id, data=data,
                            note="设为初访速办" if enabled else "取消初访速办",
                            at=dt.datetime.combine(day, now().time()))


def record_fast_step(ctx, operator, matter_ref: int | str, step: str, *, on: dt.date | None = None,  # noqa: ANN001
                     note: str = "") -> Event:
    """速办 step done: ``meet`` (与信访人见面) or ``facts`` (查清事实); the on-time result is stored now."""
    if step not in FAST_STEPS:
        raise TransitionRefused("速办步骤只能是见面（meet）或查清事实（facts）")
    name, label = FAST_STEPS[step]
    day = _day(ctx, on)
    with ctx.db.write() as session:
        matter = find_for_update(session, matter_ref)
        clocks = _open_clocks(session, matter.id, (name,))
        if not clocks:
            raise TransitionRefused(f"该事项没有正在计算的“{label}”期限")
        if day < clocks[0].start_on:
            raise TransitionRefused(f"“{label}”日期不能早于速办开始日期 {clocks[0].start_on.isoformat()}")
        result = _end_clock(session, clocks[0], day)
        refresh_due_on(session, matter)
        return record_event(session, operator, name, matter_id=matter.id, note=note.strip() or label,
                            data={"deadlines": [result]}, at=dt.datetime.combine(day, now().time()))


# ── 延期 ────────────────────────────────────────────────────────────────────────────────────────────────────
def extend_matter(ctx, operator, matter_ref: int | str, days: int, reason: str, *,  # noqa: ANN001
                  on: dt.date | None = None) -> Event:
    """延期: the office head approves up to the profile's cap (national: 30 days in all), with a reason."""
    try:
        days = int(days)
    except (TypeError, ValueError):
        raise TransitionRefused("延期天数必须是整数") from None
    cap = ctx.profile.extension_max_days

    def before(_session: Session, _matter: Matter) -> None:
        if days <= 0:
            raise TransitionRefused("延期天数必须大于0")
        if days > cap:
            raise TransitionRefused(f"延期不得超过{cap}日")
        _required(reason, "延期理由")

    return _act(ctx, operator, matter_ref, Action.EXTEND, reason=reason.strip(), on=on, days=days,
                data={"approved_by": operator.name}, before=before)


# ── 答复 ────────────────────────────────────────────────────────────────────────────────────────────────────
def reply_matter(ctx, operator, matter_ref: int | str, *, result: ReplyResult | str, facts: str,  # noqa: ANN001
                 basis: str, opinion: str = "", on: dt.date | None = None) -> Event:
    """答复 (信访处理意见书, 条例第32条): 支持 / 解释说明 / 不予支持 with facts and legal basis."""
    _may(ctx, operator, matter_ref, Action.REPLY)
    try:
        result_v = ReplyResult(result)
    except ValueError:
        raise TransitionRefused(f"请选择答复意见：{'、'.join(r.value for r in ReplyResult)}") from None
    facts_t = _required(facts, "查明的事实")
    basis_t = _required(basis, "处理依据")
    day = _day(ctx, on)

    def after(session: Session, matter: Matter, event: Event) -> None:
        ended = _end_fast_track(session, matter, day)
        if ended:
            record_event(session, operator, "fast_track_end", matter_id=matter.id,
                         data={"deadlines": ended, "by": Action.REPLY.value}, at=event.at)

    data = {"result": result_v.value, "facts": facts_t, "basis": basis_t}
    if opinion.strip():
        data["opinion"] = opinion.strip()
    return _act(ctx, operator, matter_ref, Action.REPLY, reason=result_v.value, on=on, data=data,
                changes={"reply_result": result_v.value}, after=after)


# ── 回访 ────────────────────────────────────────────────────────────────────────────────────────────────────
def follow_up_matter(ctx, operator, matter_ref: int | str, *, method: str, satisfaction: Satisfaction | str,  # noqa: ANN001
                     note: str = "", on: dt.date | None = None) -> Event:
    """回访: satisfaction and method; the FollowUp row and the event in one transaction."""
    _may(ctx, operator, matter_ref, Action.FOLLOW_UP)
    method_t = _required(method, "回访方式")
    try:
        sat = Satisfaction(satisfaction)
    except ValueError:
        raise TransitionRefused(f"请选择满意度：{'、'.join(s.value for s in Satisfaction)}") from None
    day = _day(ctx, on)

    def after(session: Session, matter: Matter, _event: Event) -> None:
        session.add(FollowUp(matter_id=matter.id, on=day, method=method_t, satisfaction=sat.value,
                             note=note.strip(), clerk=operator.name))

    return _act(ctx, operator, matter_ref, Action.FOLLOW_UP, reason=note.strip(), on=on,
                data={"method": method_t, "satisfaction": sat.value}, after=after)


def rehandle_matter(ctx, operator, matter_ref: int | str, reason: str, *, on: dt.date | None = None) -> Event:  # noqa: ANN001
    """重新办理 after an unsatisfied follow-up: the handling clock starts again."""
    _may(ctx, operator, matter_ref, Action.REHANDLE)
    return _act(ctx, operator, matter_ref, Action.REHANDLE, reason=_required(reason, "重新办理的理由"), on=on)


# ── 复查 / 复核 ─────────────────────────────────────────────────────────────────────────────────────────────
def request_review(ctx, operator, matter_ref: int | str, *, level: int, requested_on: dt.date,  # noqa: ANN001
                   body: str = "", late_reason: str = "") -> Event:
    """A 复查 (level 1) or 复核 (level 2) request received on ``requested_on``; its own deadline starts then.

    A request after the window closed is refused unless ``late_reason`` states the good reason (正当理由)."""
    if level not in REVIEW_ACTIONS:
        raise TransitionRefused("复查为第1级、复核为第2级")
    action, window_name, label = REVIEW_ACTIONS[level]
    _may(ctx, operator, matter_ref, action)
    if requested_on > ctx.today():
        raise TransitionRefused(f"{label}申请日期不能晚于今天")
    data: dict[str, Any] = {"level": level, "requested_on": requested_on.isoformat()}
    if body.strip():
        data["body"] = body.strip()

    def before(session: Session, matter: Matter) -> None:
        window = _open_clocks(session, matter.id, (window_name,))
        if window and requested_on > window[0].due_on:
            if not late_reason.strip():
                raise TransitionRefused(
                    f"{label}申请期限已于{window[0].due_on.isoformat()}届满；超过期限申请{label}须写明正当理由，"
                    f"否则应按“不再受理”处理")
            data["late_reason"] = late_reason.strip()
        if window:
            data["window_due_on"] = window[0].due_on.isoformat()

    def after(session: Session, matter: Matter, _event: Event) -> None:
        session.add(Review(matter_id=matter.id, level=level, requested_on=requested_on, body=body.strip(),
                           note=late_reason.strip()))

    return _act(ctx, operator, matter_ref, action, reason=late_reason.strip() or f"申请{label}", on=requested_on,
                data=data, before=before, after=after)


def conclude_review(ctx, operator, matter_ref: int | str, *, result: ReviewResult | str, opinion: str,  # noqa: ANN001
                    on: dt.date | None = None) -> Event:
    """The 复查/复核 opinion (维持 / 变更 / 撤销重办); which one follows from the matter's state."""
    with ctx.db.read() as session:
        status = find_for_update(session, matter_ref).status
    action, level = ((Action.CONCLUDE_RE_REVIEW, 2) if status == Status.RE_REVIEW.value
                     else (Action.CONCLUDE_REVIEW, 1))
    _may(ctx, operator, matter_ref, action)
    try:
        result_v = ReviewResult(result)
    except ValueError:
        raise TransitionRefused(f"请选择结论：{'、'.join(r.value for r in ReviewResult)}") from None
    opinion_t = _required(opinion, "复查（复核）意见")
    day = _day(ctx, on)

    def after(session: Session, matter: Matter, _event: Event) -> None:
        review = session.exec(select(Review).where(Review.matter_id == matter.id, Review.level == level,
                                                   Review.concluded_on == None)  # noqa: E711
                              .order_by(Review.id.desc())).first()
        if review is None:  # requested before this desk kept Review rows: record it now
            review = Review(matter_id=matter.id, level=level, requested_on=day)
        review.concluded_on, review.result = day, result_v.value
        review.note = (review.note + "\n" if review.note else "") + opinion_t
        session.add(review)

    return _act(ctx, operator, matter_ref, action, reason=result_v.value, on=on,
                data={"level": level, "result": result_v.value, "opinion": opinion_t}, after=after)


# ── 听证 ────────────────────────────────────────────────────────────────────────────────────────────────────
def start_hearing(ctx, operator, matter_ref: int | str, reason: str, *, on: dt.date | None = None) -> Event:  # noqa: ANN001
    """听证 begins: the running duty clocks stop (its time is not counted, 条例第36条)."""
    _may(ctx, operator, matter_ref, Action.PAUSE_CLOCK)
    return _act(ctx, operator, matter_ref, Action.PAUSE_CLOCK, reason=_required(reason, "听证事由"), on=on)


def end_hearing(ctx, operator, matter_ref: int | str, *, note: str = "", on: dt.date | None = None) -> Event:  # noqa: ANN001
    """听证 ends: the clocks run again, their due dates moved by the paused days."""
    return _act(ctx, operator, matter_ref, Action.RESUME_CLOCK, reason=note.strip(), on=on)


# ── 归档 ────────────────────────────────────────────────────────────────────────────────────────────────────
def archive_matter(ctx, operator, matter_ref: int | str, *, note: str = "", on: dt.date | None = None) -> Event:  # noqa: ANN001
    """归档: closed and filed, still searchable; 速办 clocks still running are cancelled."""
    day = _day(ctx, on)

    def after(session: Session, matter: Matter, _event: Event) -> None:
        _cancel_fast_track(session, matter, day)

    return _act(ctx, operator, matter_ref, Action.ARCHIVE, reason=note.strip(), on=on, after=after)


# ── what the handling screen shows (no petitioner identity: nothing to log) ─────────────────────────────────
def handling_summary(ctx, matter_ref: int | str) -> dict[str, Any]:  # noqa: ANN001
    """The matter's state for the handling screen: status, unit, open clocks with days left, 速办, pause."""
    from xfdesk.domain.deadlines import days_left
    from xfdesk.domain.lifecycle import STATUS_LABELS
    from xfdesk.storage.models import ClockPause

    today = ctx.today()
    with ctx.db.read() as session:
        m = find_for_update(session, matter_ref)
        unit = session.get(Unit, m.unit_id) if m.unit_id else None
        open_clocks = _open_clocks(session, m.id, tuple(ctx.profile.limits))
        paused = any(p.ended_on is None for p in
                     session.exec(select(ClockPause).where(ClockPause.matter_id == m.id)))
    limits = ctx.profile.limits
    return {
        "id": m.id, "number": m.number, "summary": m.summary, "status": m.status,
        "status_label": STATUS_LABELS[Status(m.status)], "kind": m.kind, "unit": unit.name if unit else None,
        "unit_id": m.unit_id, "is_fast_track": m.is_fast_track, "restricted": m.is_restricted, "paused": paused,
        "extension_days": m.extension_days, "due_on": m.due_on,
        "clocks": [{"name": d.name, "label": limits[d.name].label if d.name in limits else d.name,
                    "kind": d.kind, "due_on": d.due_on, "days_left": days_left(d.due_on, today)}
                   for d in sorted(open_clocks, key=lambda d: d.due_on)],
    }


def active_units(ctx) -> list[tuple[int, str]]:  # noqa: ANN001
    """Responsible units to choose from when assigning, in the order of units.toml."""
    with ctx.db.read() as session:
        return [(u.id, u.name) for u in session.exec(select(Unit).where(Unit.active == True).order_by(Unit.id))]  # noqa: E712
