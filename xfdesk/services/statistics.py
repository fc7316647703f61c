"""Monthly figures: load per-matter facts from the records and hand them to ``domain.statistics``."""

from __future__ import annotations

import datetime as dt
from sqlmodel import col, select

from xfdesk.domain.glossary import DeadlineState
from xfdesk.domain.lifecycle import FINISHED_STATUSES, HANDLING, NOTICE, REOPENING_ACTIONS, Action
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
    """Facts of the matters received in ``[start, end)``, as of ``ctx.today()``.

    Plain columns in a fixed number of statements over indexed columns, whatever the period (the matters of the
    period are a subquery, never a list of ids): the clocks as plain tuples (the latest of each name wins), the
    other facts as sets of matter ids read from the (action, matter) and repeat_of_id indexes. The arithmetic
    stays in ``domain.statistics``."""
    today = ctx.today()
    period = (Matter.received_on >= start, Matter.received_on < end)
    in_period = select(Matter.id).where(*period).scalar_subquery()
    with ctx.db.read() as s:
        matters = s.exec(select(Matter.id, Matter.number, Matter.received_on, Matter.category, Matter.location,
                                Matter.unit_id, Matter.status, Matter.is_repeat, Matter.is_skip_level)
                         .where(*period).order_by(Matter.id)).all()
        if not matters:
            return []
        units = dict(s.exec(select(Unit.id, Unit.name)).all())
        clocks: dict[tuple[int, str], tuple[str, bool | None, dt.date]] = {}
        for mid, name, state, on_time, due_on in s.exec(
                select(Deadline.matter_id, Deadline.name, Deadline.state, Deadline.on_time, Deadline.due_on)
                .where(col(Deadline.matter_id).in_(in_period), col(Deadline.name).in_((NOTICE, HANDLING)),
                       Deadline.state != DeadlineState.CANCELLED.value).order_by(Deadline.id)):
            clocks[(mid, name)] = (state, on_time, due_on)  # the latest clock of that name (re-handling restarts it)
        # events by (action, matter): joined to the period's matters, SQLite probes the (action, matter_id, at)
        # index per matter instead of reading each matter's whole timeline
        period_matter = select(Matter.id).where(*period).subquery()
        reopened = set(s.exec(select(Event.matter_id).distinct()
                              .join(period_matter, period_matter.c.id == Event.matter_id)
                              .where(col(Event.action).in_(_REOPENING))))
        reopened |= set(s.exec(select(Matter.repeat_of_id).distinct()
                               .where(col(Matter.repeat_of_id).in_(in_period))))
        satisfaction: dict[int, str] = {}
        for mid, answer in s.exec(select(FollowUp.matter_id, FollowUp.satisfaction)
                                  .where(col(FollowUp.matter_id).in_(in_period)).order_by(FollowUp.on, FollowUp.id)):
            satisfaction[mid] = answer  # the last follow-up's answer
        agreed = set(s.exec(select(Event.matter_id).distinct().where(Event.action == Action.MEDIATION_AGREED.value,
                                                                    col(Event.matter_id).in_(in_period))))
        received = set(s.exec(select(Appointment.matter_id).distinct()
                              .where(col(Appointment.matter_id).in_(in_period), Appointment.state == "attended")))
    finished_values = {st.value for st in FINISHED_STATUSES}
    facts = []
    for mid, number, received_on, category, location, unit_id, status, is_repeat, is_skip_level in matters:
        answer = satisfaction.get(mid)
        facts.append(MatterFacts(
            number=number, received_on=received_on, category=category, village=location,
            unit=units.get(unit_id, "") if unit_id else "",
            notice_on_time=_on_time(clocks.get((mid, NOTICE)), today),
            handling_on_time=_on_time(clocks.get((mid, HANDLING)), today),
            finished=status in finished_values,
            resolved=mid in agreed or answer in ("满意", "基本满意"),
            reopened=mid in reopened, satisfaction=answer,
            is_repeat=is_repeat, is_skip_level=is_skip_level, leader_received=mid in received,
        ))
    return facts


def _on_time(clock: tuple[str, bool | None, dt.date] | None, today: dt.date) -> bool | None:
    if clock is None:
        return None
    state, on_time, due_on = clock
    if state in _ENDED:
        return bool(on_time)
    return False if due_on < today else None
