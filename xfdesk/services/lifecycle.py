"""The lifecycle engine: applies one action of ``domain.lifecycle.TRANSITIONS`` to a matter.

One call = one transaction: the table is checked (state, role, reason), the status changes, the event is written and
the legal clocks move (started, ended with their on-time result stored now, cancelled, extended, paused), all
together or not at all. A refused action raises ``TransitionRefused`` and changes nothing.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlmodel import Session, select

from xfdesk.domain.deadlines import Pause, ProfileError, due_date
from xfdesk.domain.lifecycle import (
    OPEN_STATUSES,
    Action,
    DeadlineKind,
    Status,
    Transition,
    TransitionRefused,
    check_transition,
)
from xfdesk.domain.numbering import resolve_matter_ref
from xfdesk.services.events import record_event
from xfdesk.storage.models import ClockPause, Deadline, Matter, now

OPEN = "open"
MET = "met"
LATE = "late"
CANCELLED = "cancelled"

# Matter columns an action may set alongside its transition (e.g. 交办 sets the unit, 甄别 the kind).
CHANGEABLE_FIELDS = frozenset({
    "kind", "unit_id", "leader_id", "route_basis", "forwarded_to", "reply_result", "category", "location",
    "is_group", "is_repeat", "is_skip_level", "is_litigation", "is_restricted", "is_urgent", "is_threat",
    "is_fast_track", "repeat_of_id",
})


def _when(ctx, on: dt.date | None, at: dt.datetime | None) -> tuple[dt.date, dt.datetime]:  # noqa: ANN001
    if at is not None:
        return (on or at.date()), at
    if on is not None:
        return on, dt.datetime.combine(on, now().time())
    today = ctx.today()
    return today, dt.datetime.combine(today, now().time())


def find_for_update(session: Session, matter_ref: int | str, this_year: int | None = None) -> Matter:
    """The matter by id (an int) or number as typed (``XF-2026-000287``, or ``287`` for this year's: see
    ``domain.numbering.resolve_matter_ref``); a Chinese refusal when it does not exist."""
    if isinstance(matter_ref, int):
        matter = session.get(Matter, matter_ref)
    else:
        number = resolve_matter_ref(str(matter_ref), this_year or dt.date.today().year)
        matter = session.exec(select(Matter).where(Matter.number == number)).first()
        matter_ref = number
    if matter is None:
        raise TransitionRefused(f"找不到事项：{matter_ref}")
    return matter


def apply_action(ctx, operator, matter_ref: int | str, action: Action | str, *, reason: str = "",  # noqa: ANN001
                 on: dt.date | None = None, at: dt.datetime | None = None, days: int = 0,
                 data: dict[str, Any] | None = None, changes: dict[str, Any] | None = None):
    """Apply ``action`` to the matter in its own transaction; returns the Event written."""
    with ctx.db.write() as session:
        matter = find_for_update(session, matter_ref, ctx.today().year)
        return transition(session, ctx, operator, matter, action, reason=reason, on=on, at=at, days=days,
                          data=data, changes=changes)


def transition(session: Session, ctx, operator, matter: Matter, action: Action | str, *,  # noqa: ANN001
               reason: str = "", on: dt.date | None = None, at: dt.datetime | None = None, days: int = 0,
               data: dict[str, Any] | None = None, changes: dict[str, Any] | None = None):
    """Apply ``action`` inside the caller's transaction (for services that write more in the same commit)."""
    t = check_transition(matter.status, action, operator.role, reason)
    on, at = _when(ctx, on, at)
    if on < matter.received_on:
        raise TransitionRefused(f"“{t.label}”的日期 {on.isoformat()} 早于事项登记日期 {matter.received_on.isoformat()}")
    changes = dict(changes or {})
    unknown = set(changes) - CHANGEABLE_FIELDS
    if unknown:
        raise TransitionRefused(f"“{t.label}”不能修改这些字段：{'、'.join(sorted(unknown))}")
    deadlines = _open_deadlines(session, matter.id)
    results = _move_clocks(session, ctx, matter, t, deadlines, on=on, days=days, reason=reason)

    from_status = matter.status
    if t.target is not None:
        matter.status = t.target.value
    if t.group == "screening":
        matter.route = t.action.value
        matter.route_reason = reason
    for key, value in changes.items():
        setattr(matter, key, value)
    if matter.kind == "检举控告":
        matter.is_restricted = True
    # closed_on: the day the office stopped owing the petitioner an answer; a review or re-handling reopens it
    if Status(matter.status) in OPEN_STATUSES:
        matter.closed_on = None
    elif matter.closed_on is None:
        matter.closed_on = on
    matter.updated_at = now()
    session.add(matter)
    session.flush()
    refresh_due_on(session, matter)

    payload = dict(data or {})
    if days:
        payload["days"] = days
    if results:
        payload["deadlines"] = results
    if changes:
        payload["changes"] = {k: v for k, v in changes.items() if isinstance(v, (str, int, bool, type(None)))}
    return record_event(session, operator, t.action.value, matter_id=matter.id, from_status=from_status,
                        to_status=matter.status, note=reason, data=payload, at=at)


def _open_deadlines(session: Session, matter_id: int) -> list[Deadline]:
    return list(session.exec(select(Deadline).where(Deadline.matter_id == matter_id, Deadline.state == OPEN)))


def _pauses(session: Session, matter_id: int) -> list[ClockPause]:
    return list(session.exec(select(ClockPause).where(ClockPause.matter_id == matter_id).order_by(ClockPause.id)))


def _move_clocks(session: Session, ctx, matter: Matter, t: Transition, open_deadlines: list[Deadline], *,  # noqa: ANN001
                 on: dt.date, days: int, reason: str) -> list[dict[str, Any]]:
    results: list[dict[str, Any]] = []
    by_name = {d.name: d for d in open_deadlines}

    for name in t.ends:
        d = by_name.get(name)
        if d is not None:
            d.ended_on = on
            d.on_time = on <= d.due_on
            d.state = MET if d.on_time else LATE
            session.add(d)
            results.append({"name": name, "due_on": d.due_on.isoformat(), "on_time": d.on_time})
    for name in t.cancels:
        d = by_name.get(name)
        if d is not None:
            d.state, d.ended_on = CANCELLED, on
            session.add(d)

    if t.extends:
        if days <= 0:
            raise TransitionRefused("延期天数必须大于0")
        for name in t.extends:
            d = by_name.get(name)
            if d is None:
                raise TransitionRefused("该事项没有正在计算的办理期限，无法延期")
            limit_max = ctx.profile.extension_max_days
            if d.extension_days + days > limit_max:
                raise TransitionRefused(
                    f"延期累计不得超过{limit_max}日（已延期{d.extension_days}日，本次申请{days}日）")
            d.extension_days += days
            matter.extension_days = d.extension_days
            _recompute(session, ctx, d, matter)
            results.append({"name": name, "due_on": d.due_on.isoformat(), "extended_days": days})

    if t.pauses:
        if any(p.ended_on is None for p in _pauses(session, matter.id)):
            raise TransitionRefused("计时已经暂停（听证进行中），不能重复暂停")
        session.add(ClockPause(matter_id=matter.id, started_on=on, reason=reason))
        session.flush()
    if t.resumes:
        pause = next((p for p in _pauses(session, matter.id) if p.ended_on is None), None)
        if pause is None:
            raise TransitionRefused("计时没有暂停，无需恢复")
        pause.ended_on = on
        session.add(pause)
        session.flush()
        for d in open_deadlines:
            if d.state == OPEN and d.kind == DeadlineKind.DUTY:
                _recompute(session, ctx, d, matter)
                results.append({"name": d.name, "due_on": d.due_on.isoformat(), "paused_days": d.paused_days})

    for name in t.starts:
        old = by_name.get(name)
        if old is not None and old.state == OPEN:  # e.g. 重新办理 restarts the handling clock
            old.state, old.ended_on = CANCELLED, on
            session.add(old)
        start_deadline(session, ctx, matter, name, on)
    return results


def start_deadline(session: Session, ctx, matter: Matter, name: str, start_on: dt.date, *,  # noqa: ANN001
                   new_matter: bool = False) -> Deadline | None:
    """Start the clock ``name`` of the rule profile from ``start_on``; a profile without it starts nothing.

    ``new_matter``: the matter was created in this transaction, so it has no paused clock to look up.
    """
    try:
        limit = ctx.profile.limit(name)
    except ProfileError:
        return None
    d = Deadline(matter_id=matter.id, name=name, kind=limit.kind, start_on=start_on, due_on=start_on,
                 basis=limit.basis)
    _recompute(session, ctx, d, matter, pauses=[] if new_matter else None)
    return d


def _recompute(session: Session, ctx, d: Deadline, matter: Matter,  # noqa: ANN001
               pauses: list[ClockPause] | None = None) -> None:
    limit = ctx.profile.limit(d.name)
    cal = ctx.calendar()
    if pauses is None:
        pauses = _pauses(session, matter.id) if d.kind == DeadlineKind.DUTY else []
    pauses = [Pause(p.started_on, p.ended_on) for p in pauses if (p.ended_on or dt.date.max) > d.start_on]
    finished = [p for p in pauses if p.end is not None]
    d.due_on = due_date(d.start_on, limit, cal, extension_days=d.extension_days, pauses=finished)
    d.paused_days = sum((p.end - max(p.start, d.start_on)).days for p in finished)
    # a year without holiday data was counted as weekends only: marked here, reported by ctx.calendar_warnings()
    d.assumed = bool(cal.missing_years(range(d.start_on.year, d.due_on.year + 1)))
    session.add(d)


def refresh_due_on(session: Session, matter: Matter) -> None:
    """``Matter.due_on`` = the nearest open duty deadline, none while the clock is paused (for fast lists)."""
    session.flush()
    paused = any(p.ended_on is None for p in _pauses(session, matter.id))
    dues = [d.due_on for d in _open_deadlines(session, matter.id) if d.kind == DeadlineKind.DUTY]
    matter.due_on = None if paused or not dues else min(dues)
    session.add(matter)


def recompute_open_deadlines(ctx) -> int:  # noqa: ANN001
    """Recompute every open clock (after a calendar import or a profile change); ended ones keep their result."""
    ctx.invalidate_calendar()
    count = 0
    with ctx.db.write() as session:
        for d in session.exec(select(Deadline).where(Deadline.state == OPEN)).all():
            matter = session.get(Matter, d.matter_id)
            before = d.due_on
            _recompute(session, ctx, d, matter)
            if d.due_on != before:
                count += 1
                refresh_due_on(session, matter)
    return count
