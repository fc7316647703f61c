"""Monthly figures: load per-matter facts from the records and hand them to ``domain.statistics``."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from sqlmodel import col, select

from xfdesk.domain.glossary import DeadlineState
from xfdesk.domain.lifecycle import FINISHED_STATUSES, HANDLING, NOTICE, REOPENING_ACTIONS, Action, Status
from xfdesk.domain.statistics import MatterFacts
from xfdesk.storage.models import Appointment, Deadline, Event, FollowUp, Matter, Unit

# What the figures read from the lifecycle table: which states count as 办结, which steps reopen a finished
# matter, which clocks are 受理告知 (ended when the notice is issued or delivered, 及时受理率) and 办理.
_REOPENING = tuple(a.value for a in REOPENING_ACTIONS)
_ENDED = (DeadlineState.MET.value, DeadlineState.LATE.value)


def month_range(month: str) -> tuple[dt.date, dt.date]:
    """``2026-11`` → (2026-11-01, 2026-12-01); a Chinese error for anything else."""
    try:
        year, mon = (int(x) for x in month.split("-"))
        start = dt.date(year, mon, 1)
    except ValueError:
        raise ValueError(f"月份格式应为 YYYY-MM，例如 2026-11：{month}") from None
    end = dt.date(year + (mon == 12), mon % 12 + 1, 1)
    return start, end


def matter_facts(ctx, start: dt.date, end: dt.date) -> list[MatterFacts]:  # noqa: ANN001
    """Facts of the matters received in ``[start, end)``, as of ``ctx.today()``."""
    today = ctx.today()
    with ctx.db.read() as s:
        matters = s.exec(select(Matter).where(Matter.received_on >= start, Matter.received_on < end)
                         .order_by(Matter.id)).all()
        ids = [m.id for m in matters]
        if not ids:
            return []
        units = {u.id: u.name for u in s.exec(select(Unit))}
        clocks: dict[tuple[int, str], Deadline] = {}
        for d in s.exec(select(Deadline).where(col(Deadline.matter_id).in_(ids),
                                              col(Deadline.name).in_((NOTICE, HANDLING)))
                        .order_by(Deadline.id)):
            if d.state != DeadlineState.CANCELLED.value:
                clocks[(d.matter_id, d.name)] = d  # the latest clock of that name (re-handling restarts it)
        reopened = {e.matter_id for e in s.exec(select(Event).where(col(Event.matter_id).in_(ids),
                                                                     col(Event.action).in_(_REOPENING)))}
        reopened |= set(s.exec(select(Matter.repeat_of_id).where(col(Matter.repeat_of_id).in_(ids))))
        satisfaction: dict[int, str] = {}
        for f in s.exec(select(FollowUp).where(col(FollowUp.matter_id).in_(ids)).order_by(FollowUp.on, FollowUp.id)):
            satisfaction[f.matter_id] = f.satisfaction
        agreed = {e.matter_id for e in s.exec(select(Event).where(col(Event.matter_id).in_(ids),
                                                                   Event.action == Action.MEDIATION_AGREED.value))}
        received = defaultdict(bool)
        for a in s.exec(select(Appointment).where(col(Appointment.matter_id).in_(ids),
                                                  Appointment.state == "attended")):
            received[a.matter_id] = True
    facts = []
    for m in matters:
        finished = Status(m.status) in FINISHED_STATUSES
        facts.append(MatterFacts(
            number=m.number, received_on=m.received_on, category=m.category, village=m.location,
            unit=units.get(m.unit_id, "") if m.unit_id else "",
            notice_on_time=_on_time(clocks.get((m.id, NOTICE)), today),
            handling_on_time=_on_time(clocks.get((m.id, HANDLING)), today),
            finished=finished,
            resolved=m.id in agreed or satisfaction.get(m.id) in ("满意", "基本满意"),
            reopened=m.id in reopened, satisfaction=satisfaction.get(m.id),
            is_repeat=m.is_repeat, is_skip_level=m.is_skip_level, leader_received=received[m.id],
        ))
    return facts


def _on_time(d: Deadline | None, today: dt.date) -> bool | None:
    if d is None:
        return None
    if d.state in _ENDED:
        return bool(d.on_time)
    return False if d.due_on < today else None
