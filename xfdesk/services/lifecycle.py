"""The lifecycle engine: the only code that acts on ``domain.lifecycle.TRANSITIONS`` and moves the legal clocks.

``transition`` is the session-level core: inside the caller's transaction it checks the table (state, role,
reason, running clocks, pause, dates), changes the state and the columns the transition may set, moves the clocks
(started, ended with their on-time result stored now, cancelled, extended, paused, resumed) and writes the event.
``apply_action`` is the same in its own transaction. A refusal raises a ``Refused`` and changes nothing.

Registration starts the first clocks (``start_matter``); issuing a written notice ends the clocks the table says it
ends (``notice_issued``, called by the documents service in the transaction that records the Document).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from xfdesk.domain.deadlines import Pause, ProfileError, due_date, paused_days
from xfdesk.domain.glossary import DeadlineState
from xfdesk.domain.lifecycle import (
    PAUSABLE_CLOCKS,
    REGISTRATION_STARTS,
    TRANSITIONS,
    Action,
    Clock,
    DeadlineKind,
    Group,
    MatterState,
    Status,
    Transition,
    TransitionRefused,
    check,
    is_open,
)
from xfdesk.domain.privacy import is_restricted_kind
from xfdesk.services.events import record_event
from xfdesk.services.lookup import MatterNotFound, find_matter_in
from xfdesk.storage.models import ClockPause, Deadline, Event, Matter, now
from xfdesk.storage.query_codes import assign_query_code

__all__ = [
    "MatterNotFound", "apply_action", "transition", "matter_state", "find_for_update", "start_matter",
    "notice_issued", "refresh_due_on", "recompute_open_deadlines", "clock_labels", "open_clocks", "Snapshot",
]

# Actions whose date is the date the matter reached its state (``DatedFrom.STEP``); registration is the matter's
# received date itself.
_STEP_ACTIONS = tuple(t.action.value for t in TRANSITIONS if t.target is not None)

find_for_update = find_matter_in  # the name the services have always used


def _when(ctx, on: dt.date | None, at: dt.datetime | None) -> tuple[dt.date, dt.datetime]:  # noqa: ANN001
    if at is not None:
        return (on or at.date()), at
    if on is not None:
        return on, dt.datetime.combine(on, now().time())
    today = ctx.today()
    return today, dt.datetime.combine(today, now().time())


# ── the facts of one matter ─────────────────────────────────────────────────────────────────────────────────
def open_clocks(session: Session, matter_id: int) -> list[Deadline]:
    return list(session.exec(select(Deadline).where(Deadline.matter_id == matter_id,
                                                    Deadline.state == DeadlineState.OPEN.value)
                             .order_by(Deadline.id)))


def _pauses(session: Session, matter_id: int) -> list[ClockPause]:
    return list(session.exec(select(ClockPause).where(ClockPause.matter_id == matter_id).order_by(ClockPause.id)))


def _paused(session: Session, matter_id: int, deadlines: list[Deadline]) -> bool:
    """A 听证 pause is open. Pauses exist only while a clock they stop runs (the table), so without such a clock
    there is nothing to look up — the common case costs no query."""
    if not any(d.name in PAUSABLE_CLOCKS for d in deadlines):
        return False
    return any(p.ended_on is None for p in _pauses(session, matter_id))


def _step_dates(session: Session, matter: Matter) -> tuple[dt.date | None, dt.date | None]:
    """(date the matter reached its state, date of its screening decision), from the event log in one query."""
    actions = set(_STEP_ACTIONS) | ({matter.route} if matter.route else set())
    rows = session.exec(select(Event.action, func.max(Event.at)).where(
        Event.matter_id == matter.id, col(Event.action).in_(actions)).group_by(Event.action)).all()
    last = max((at for action, at in rows if action in _STEP_ACTIONS and at), default=None)
    screened = next((at for action, at in rows if action == matter.route and at), None)
    return (last.date() if last else None), (screened.date() if screened else None)


class Snapshot:
    """A matter's open clocks (the rows the engine moves) and the facts the table reads (``MatterState``)."""

    def __init__(self, session: Session, matter: Matter):
        self.matter = matter
        self.deadlines = open_clocks(session, matter.id)
        last_step_on, screened_on = _step_dates(session, matter)
        self.state = MatterState(
            status=Status(matter.status), received_on=matter.received_on,
            clocks={d.name: Clock(d.name, d.kind, d.start_on, d.due_on) for d in self.deadlines},
            paused=_paused(session, matter.id, self.deadlines), fast_track=bool(matter.is_fast_track),
            has_unit=matter.unit_id is not None, last_step_on=last_step_on, screened_on=screened_on)


def matter_state(session: Session, matter: Matter) -> MatterState:
    """What the lifecycle table needs to know about ``matter`` (open clocks, pause, 速办, unit, step dates)."""
    return Snapshot(session, matter).state


def clock_labels(ctx, matter: Matter | None = None) -> dict[str, str]:  # noqa: ANN001
    """Chinese names of the clocks (for the matter's kind when given), for messages."""
    kind = matter.kind if matter is not None else None
    return {name: ctx.profile.clock_label(name, kind) for name in ctx.profile.limits}


# ── the core ────────────────────────────────────────────────────────────────────────────────────────────────
def apply_action(ctx, operator, matter_ref: int | str, action: Action | str, *, reason: str = "",  # noqa: ANN001
                 on: dt.date | None = None, at: dt.datetime | None = None, days: int = 0,
                 data: dict[str, Any] | None = None, changes: dict[str, Any] | None = None,
                 late_reason: str = "") -> Event:
    """Apply ``action`` to the matter in its own transaction; returns the Event written."""
    with ctx.db.write() as session:
        matter = find_matter_in(session, matter_ref)
        return transition(session, ctx, operator, matter, action, reason=reason, on=on, at=at, days=days,
                          data=data, changes=changes, late_reason=late_reason)


def transition(session: Session, ctx, operator, matter: Matter, action: Action | str, *,  # noqa: ANN001
               reason: str = "", on: dt.date | None = None, at: dt.datetime | None = None, days: int = 0,
               data: dict[str, Any] | None = None, changes: dict[str, Any] | None = None,
               late_reason: str = "", snapshot: Snapshot | None = None) -> Event:
    """Apply ``action`` inside the caller's transaction (for services that write more in the same commit).
    ``snapshot``: the matter's facts already read in this transaction (a service that checked the table first)."""
    on, at = _when(ctx, on, at)
    if snapshot is None or snapshot.matter is not matter:
        snapshot = Snapshot(session, matter)
    deadlines, state = snapshot.deadlines, snapshot.state
    t = check(action, state, operator.role, on=on, today=ctx.today(), reason=reason, late_reason=late_reason,
              clock_labels=clock_labels(ctx, matter))
    changes = dict(changes or {})
    unknown = set(changes) - set(t.fields)
    if unknown:
        raise TransitionRefused(f"“{t.label}”不能修改这些字段：{'、'.join(sorted(unknown))}")
    if t.extends:
        _check_extension(ctx, t, deadlines, days)

    from_status = matter.status
    for key, value in {**changes, **t.sets}.items():
        setattr(matter, key, value)
    if is_restricted_kind(matter.kind):
        matter.is_restricted = True
    results, still_open, paused = _move_clocks(session, ctx, matter, t, deadlines, on=on, days=days,
                                               reason=reason, paused=state.paused)
    if t.target is not None:
        matter.status = t.target.value
    if t.group == Group.SCREENING:
        matter.route = t.action.value
        matter.route_reason = reason
    if t.action == Action.ACCEPT and matter.query_code is None:
        matter.query_code = assign_query_code(session)
    # closed_on: the day the office stopped owing the petitioner an answer; a review or re-handling reopens it
    if is_open(matter.status):
        matter.closed_on = None
    elif matter.closed_on is None:
        matter.closed_on = on
    matter.updated_at = now()
    _set_due_on(matter, still_open, paused)
    session.add(matter)

    payload = dict(data or {})
    if days:
        payload["days"] = days
    if late_reason.strip() and any(name in state.clocks and on > state.clocks[name].due_on for name in t.needs):
        payload["late_reason"] = late_reason.strip()
    if results:
        payload["deadlines"] = results
    if changes:
        payload["changes"] = {k: v for k, v in changes.items() if isinstance(v, (str, int, bool, type(None)))}
    return record_event(session, operator, t.action.value, matter_id=matter.id, from_status=from_status,
                        to_status=matter.status, note=reason, data=payload, at=at)


def _check_extension(ctx, t: Transition, deadlines: list[Deadline], days: int) -> None:  # noqa: ANN001
    if days <= 0:
        raise TransitionRefused("延期天数必须大于0")
    cap = ctx.profile.extension_max_days
    for d in deadlines:
        if d.name in t.extends and d.extension_days + days > cap:
            raise TransitionRefused(f"延期累计不得超过{cap}日（已延期{d.extension_days}日，本次申请{days}日）")


def _end(session: Session, d: Deadline, on: dt.date) -> dict[str, Any]:
    d.ended_on = on
    d.on_time = on <= d.due_on
    d.state = (DeadlineState.MET if d.on_time else DeadlineState.LATE).value
    session.add(d)
    return {"name": d.name, "due_on": d.due_on.isoformat(), "on_time": d.on_time}


def _cancel(session: Session, d: Deadline, on: dt.date) -> None:
    d.state, d.ended_on = DeadlineState.CANCELLED.value, on
    session.add(d)


def _move_clocks(session: Session, ctx, matter: Matter, t: Transition, deadlines: list[Deadline], *,  # noqa: ANN001
                 on: dt.date, days: int, reason: str, paused: bool,
                 ) -> tuple[list[dict[str, Any]], list[Deadline], bool]:
    """Move the clocks as ``t`` says; returns (what ended/moved, the clocks open afterwards, paused afterwards)."""
    results: list[dict[str, Any]] = []
    by_name = {d.name: d for d in deadlines}
    for name in t.ends:
        if name in by_name:
            results.append(_end(session, by_name.pop(name), on))
    for name in t.cancels:
        if name in by_name:
            _cancel(session, by_name.pop(name), on)
    for name in t.extends:
        d = by_name[name]
        d.extension_days += days
        matter.extension_days = d.extension_days
        _recompute(session, ctx, d, matter)
        results.append({"name": name, "due_on": d.due_on.isoformat(), "extended_days": days})
    if t.pauses:
        session.add(ClockPause(matter_id=matter.id, started_on=on, reason=reason))
        session.flush()
        paused = True
    if t.resumes:
        paused = False
        pause = next(p for p in _pauses(session, matter.id) if p.ended_on is None)
        pause.ended_on = on
        session.add(pause)
        session.flush()
        for d in by_name.values():
            if d.name in PAUSABLE_CLOCKS:
                _recompute(session, ctx, d, matter)
                results.append({"name": d.name, "due_on": d.due_on.isoformat(), "paused_days": d.paused_days})
    starts = t.starts + (t.fast_starts if matter.is_fast_track else ())
    for name in starts:
        old = by_name.pop(name, None)
        if old is not None:  # e.g. 重新办理 restarts the handling clock
            _cancel(session, old, on)
        started = start_deadline(session, ctx, matter, name, on, new_matter=True)  # no pause concerns it
        if started is not None:
            by_name[name] = started
    return results, list(by_name.values()), paused


def start_deadline(session: Session, ctx, matter: Matter, name: str, start_on: dt.date, *,  # noqa: ANN001
                   new_matter: bool = False) -> Deadline | None:
    """Start the clock ``name`` from ``start_on`` on the limit the profile gives it for the matter's kind.

    ``new_matter``: no pause can concern the new clock (a new matter, or no pause is open), so none is looked up."""
    try:
        limit = ctx.profile.limit_for(name, matter.kind)
    except ProfileError:
        return None
    d = Deadline(matter_id=matter.id, name=name, kind=limit.kind, start_on=start_on, due_on=start_on,
                 basis=limit.basis)
    _recompute(session, ctx, d, matter, pauses=[] if new_matter else None)
    return d


def _recompute(session: Session, ctx, d: Deadline, matter: Matter,  # noqa: ANN001
               pauses: list[ClockPause] | None = None) -> None:
    limit = ctx.profile.limit_for(d.name, matter.kind)
    cal = ctx.calendar()
    if d.name not in PAUSABLE_CLOCKS:
        pauses = []
    elif pauses is None:
        pauses = _pauses(session, matter.id)
    spans = [Pause(p.started_on, p.ended_on) for p in pauses]
    d.paused_days = paused_days(spans, limit.unit, cal, since=d.start_on, until=d.ended_on)
    d.due_on = due_date(d.start_on, limit, cal, extension_days=d.extension_days, pauses=spans, until=d.ended_on)
    # a year without holiday data was counted as weekends only: marked here, reported by ctx.calendar_warnings()
    d.assumed = bool(cal.missing_years(range(d.start_on.year, d.due_on.year + 1)))
    session.add(d)


def _set_due_on(matter: Matter, still_open: list[Deadline], paused: bool) -> None:
    dues = [d.due_on for d in still_open if d.kind == DeadlineKind.DUTY]
    matter.due_on = None if paused or not dues else min(dues)


def refresh_due_on(session: Session, matter: Matter) -> None:
    """``Matter.due_on`` = the nearest open duty deadline, none while the clock is paused (for fast lists)."""
    session.flush()
    deadlines = open_clocks(session, matter.id)
    _set_due_on(matter, deadlines, _paused(session, matter.id, deadlines))
    session.add(matter)


# ── outside the transitions: registration and the written notice ───────────────────────────────────────────
def start_matter(session: Session, ctx, matter: Matter, received_on: dt.date) -> list[Deadline]:  # noqa: ANN001
    """The clocks a newly registered matter starts with (``REGISTRATION_STARTS``); ``Matter.due_on`` set."""
    clocks = [d for name in REGISTRATION_STARTS
              if (d := start_deadline(session, ctx, matter, name, received_on, new_matter=True)) is not None]
    dues = [d.due_on for d in clocks if d.kind == DeadlineKind.DUTY]
    matter.due_on = min(dues) if dues else None
    return clocks


def notice_issued(session: Session, ctx, operator, matter: Matter, kind: str,  # noqa: ANN001
                  on: dt.date | None = None) -> list[dict[str, Any]]:
    """A written notice of ``kind`` was issued for ``matter`` (inside the documents service's transaction): the
    clocks that notice ends (受理告知, 条例第二十三条) end now, their on-time result stored. Returns what ended
    (for the document's event); nothing when the notice is not the one the matter's steps call for."""
    day = on or ctx.today()
    taken = set(session.exec(select(Event.action).where(Event.matter_id == matter.id)))
    ending = {name for t in TRANSITIONS if t.notice == kind and t.notice_ends and t.action.value in taken
              for name in t.notice_ends}
    if not ending:
        return []
    results = [_end(session, d, day) for d in open_clocks(session, matter.id) if d.name in ending]
    if results:
        refresh_due_on(session, matter)
    return results


def recompute_open_deadlines(ctx) -> int:  # noqa: ANN001
    """Recompute every open clock (after a calendar import or a profile change); ended ones keep their result."""
    ctx.invalidate_calendar()
    count = 0
    with ctx.db.write() as session:
        for d in session.exec(select(Deadline).where(Deadline.state == DeadlineState.OPEN.value)).all():
            matter = session.get(Matter, d.matter_id)
            before = d.due_on
            _recompute(session, ctx, d, matter)
            if d.due_on != before:
                count += 1
                refresh_due_on(session, matter)
    return count
