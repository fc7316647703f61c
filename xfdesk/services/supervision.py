"""督办: the board of open matters by responsible unit (due soon, overdue with days late) and the 督办 issued.

``issue_supervision`` records the 督办 as an event ``supervise`` in one transaction, then issues the 督办函 through the
documents service (its own transaction with its 文号); if the letter cannot be made (no template, printer…) the
督办 stays recorded and the message says so — the letter can be issued again from the matter's documents.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlmodel import col, select

from sqlmodel import Session

from xfdesk.domain.deadlines import days_left
from xfdesk.domain.glossary import DeadlineState
from xfdesk.domain.lifecycle import (
    BEING_HANDLED_STATUSES,
    STATUS_LABELS,
    Action,
    DateRefused,
    DeadlineKind,
    Status,
    TransitionRefused,
    is_open,
    transition_for,
)
from xfdesk.domain.privacy import RESTRICTED_NAME, may_see_identity, shown_text
from xfdesk.services.documents import issue_document
from xfdesk.services.lifecycle import find_for_update, transition
from xfdesk.storage.models import Deadline, Event, Matter, Petitioner, Unit

SUPERVISE = Action.SUPERVISE.value
NO_UNIT = "（未交办）"
LETTER_KIND = transition_for(Action.SUPERVISE).notice


@dataclass(frozen=True)
class BoardRow:
    id: int
    number: str
    summary: str
    status_label: str
    due_on: dt.date
    days_left: int  # negative: overdue
    petitioner: str
    unit: str
    supervisions: int
    last_supervised: dt.date | None
    clock: str = ""  # which deadline is the nearest (办理期限, 速办答复期限 …)

    @property
    def overdue(self) -> bool:
        return self.days_left < 0

    @property
    def days_late(self) -> int:
        return max(0, -self.days_left)


@dataclass
class UnitGroup:
    unit_id: int | None
    unit: str
    rows: list[BoardRow] = field(default_factory=list)

    @property
    def overdue(self) -> int:
        return sum(r.overdue for r in self.rows)

    @property
    def due_soon(self) -> int:
        return sum(not r.overdue for r in self.rows)


def supervision_board(ctx, operator, *, within_days: int | None = None) -> list[UnitGroup]:  # noqa: ANN001
    """Open matters due within ``within_days`` (default: the setting ``due_soon_days``) or overdue, by unit;
    units with the most overdue first, each unit's matters most late first."""
    today = ctx.today()
    within = ctx.settings.due_soon_days if within_days is None else within_days
    if within < 0:
        raise TransitionRefused("天数不能为负数")
    horizon = today + dt.timedelta(days=within)
    open_values = [s.value for s in BEING_HANDLED_STATUSES]
    with ctx.db.read() as session:
        rows = session.exec(
            select(Matter, Petitioner, Unit)
            .join(Petitioner, Petitioner.id == Matter.petitioner_id)
            .join(Unit, Unit.id == Matter.unit_id, isouter=True)
            .where(col(Matter.status).in_(open_values), col(Matter.due_on).is_not(None), Matter.due_on <= horizon)
            .order_by(Matter.due_on, Matter.id)
        ).all()
        ids = [m.id for m, _, _ in rows]
        issued: dict[int, list[dt.datetime]] = {}
        nearest: dict[int, Deadline] = {}
        if ids:
            for d in session.exec(select(Deadline).where(col(Deadline.matter_id).in_(ids), Deadline.state == DeadlineState.OPEN.value,
                                                         Deadline.kind == DeadlineKind.DUTY.value)):
                if d.matter_id not in nearest or d.due_on < nearest[d.matter_id].due_on:
                    nearest[d.matter_id] = d
            for matter_id, at in session.exec(select(Event.matter_id, Event.at).where(
                    Event.action == SUPERVISE, col(Event.matter_id).in_(ids))):
                issued.setdefault(matter_id, []).append(at)
    groups: dict[int | None, UnitGroup] = {}
    for m, p, unit in rows:
        visible = may_see_identity(operator.role, m.is_restricted)
        times = issued.get(m.id, [])
        group = groups.setdefault(m.unit_id, UnitGroup(m.unit_id, unit.name if unit else NO_UNIT))
        summary = shown_text(operator.role, m.is_restricted, m.summary)
        group.rows.append(BoardRow(m.id, m.number, summary, STATUS_LABELS[Status(m.status)], m.due_on,
                                   days_left(m.due_on, today), p.name if visible else RESTRICTED_NAME,
                                   group.unit, len(times), max(times).date() if times else None,
                                   _clock_label(ctx, nearest.get(m.id))))
    return sorted(groups.values(), key=lambda g: (-g.overdue, min(r.days_left for r in g.rows), g.unit))


def _clock_label(ctx, d: Deadline | None) -> str:  # noqa: ANN001
    if d is None:
        return ""
    return ctx.profile.clock_label(d.name)


@dataclass(frozen=True)
class SupervisionResult:
    event_id: int
    document_id: int | None
    document_number: str | None
    message: str  # what to tell the user (the letter's 文号, or why it could not be made)


def _cn_date(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def supervise_in(session: Session, ctx, operator, matter: Matter, *, note: str, due_on: dt.date,  # noqa: ANN001
                 unit_id: int | None = None, data: dict[str, Any] | None = None) -> Event:
    """The 督办 event inside the caller's transaction (the leader's 批示 督办s each unit it names through it)."""
    text = (note or "").strip()
    if not text:
        raise TransitionRefused("请填写督办要求")
    today = ctx.today()
    if due_on < today:
        raise DateRefused("反馈期限不能早于今天")
    if matter.status == Status.REGISTERED.value:
        raise TransitionRefused("事项尚未甄别，不能督办")
    if not is_open(matter.status):
        raise TransitionRefused(f"事项当前状态为“{STATUS_LABELS[Status(matter.status)]}”，无需督办")
    if matter.unit_id is None:
        raise TransitionRefused("事项尚未交办责任单位，不能督办")
    unit = session.get(Unit, unit_id or matter.unit_id) if (unit_id or matter.unit_id) else None
    payload: dict[str, Any] = {"unit_id": unit.id if unit else None, "unit": unit.name if unit else "",
                               "due_on": due_on.isoformat(), **(data or {})}
    if matter.due_on is not None:
        payload["matter_due_on"] = matter.due_on.isoformat()
        payload["days_left"] = days_left(matter.due_on, today)
    return transition(session, ctx, operator, matter, Action.SUPERVISE, reason=text, data=payload)


def issue_supervision(ctx, operator, matter_ref: int | str, *, note: str, due_on: dt.date,  # noqa: ANN001
                      letter: bool = True) -> SupervisionResult:
    """督办 a matter's responsible unit: the requirement (``note``) and the date to report back by (``due_on``)."""
    with ctx.db.write() as session:
        matter = find_for_update(session, matter_ref)
        event = supervise_in(session, ctx, operator, matter, note=note, due_on=due_on)
        session.flush()
        event_id, matter_id, unit_id = event.id, matter.id, matter.unit_id
    if not letter:
        return SupervisionResult(event_id, None, None, "督办已记录")
    try:
        doc = issue_document(ctx, operator, LETTER_KIND, matter_id=matter_id, unit_id=unit_id,
                             extra={"督办要求": note.strip(), "反馈期限": _cn_date(due_on)})
    except Exception as exc:  # noqa: BLE001 — the 督办 stands; the letter can be issued again later
        return SupervisionResult(event_id, None, None, f"督办已记录，但督办函未能生成：{exc}")
    return SupervisionResult(event_id, doc.id, doc.number_text, f"督办已记录，已生成督办函 {doc.number_text}")


@dataclass(frozen=True)
class IssuedSupervision:
    event_id: int
    matter_id: int
    number: str
    summary: str
    unit: str
    issued_on: dt.date
    actor: str
    note: str
    due_on: dt.date | None
    answered: bool  # the matter has moved on (replied, resolved …) since


def issued_supervisions(ctx, *, matter_ref: int | str | None = None, unit_id: int | None = None,  # noqa: ANN001
                        limit: int = 200, operator=None) -> list[IssuedSupervision]:  # noqa: ANN001
    """The 督办 issued, newest first (optionally for one matter or one unit); a 检举控告 matter's summary is
    RESTRICTED_TEXT unless ``operator`` may see it."""
    with ctx.db.read() as session:
        q = (select(Event, Matter).join(Matter, Matter.id == Event.matter_id)
             .where(Event.action == SUPERVISE).order_by(col(Event.at).desc(), col(Event.id).desc()))
        if matter_ref is not None:
            q = q.where(Event.matter_id == find_for_update(session, matter_ref).id)
        if unit_id is not None:
            q = q.where(Matter.unit_id == unit_id)
        rows = session.exec(q.limit(limit)).all()
    out = []
    for ev, m in rows:
        due = ev.data.get("due_on")
        summary = shown_text(operator.role if operator is not None else "clerk", m.is_restricted, m.summary)
        out.append(IssuedSupervision(ev.id, m.id, m.number, summary, ev.data.get("unit", ""), ev.at.date(),
                                     ev.actor, ev.note, dt.date.fromisoformat(due) if due else None,
                                     not is_open(m.status)))
    return out
