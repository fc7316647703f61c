"""督办: the board of open matters by responsible unit (due soon, overdue with days late) and the 督办 issued.

``issue_supervision`` records the 督办 as an event ``supervise`` in one transaction, then issues the 督办函 through the
documents service (its own transaction with its 文号); if the letter cannot be made (no template, printer…) the
督办 stays recorded and the message says so — the letter can be issued again from the matter's documents.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import case, func
from sqlmodel import Session, col, select

from xfdesk.domain.deadlines import days_left, due_soon_last_day
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


@dataclass(frozen=True)
class UnitTotals:
    """One unit's line of the board's head: how many of its matters are overdue and due soon (all pages)."""

    unit_id: int | None
    unit: str
    overdue: int
    due_soon: int


@dataclass
class BoardPage:
    """The units of the whole board in board order, and one slice of its rows (``offset``, at most ``limit``)."""

    units: list[UnitTotals]
    rows: list[BoardRow]
    offset: int
    total: int  # rows on the whole board

    @property
    def more(self) -> bool:
        return self.offset + len(self.rows) < self.total


def _board_filter(ctx, within_days: int | None):  # noqa: ANN001, ANN202
    today = ctx.today()
    within = ctx.settings.due_soon_days if within_days is None else within_days
    if within < 0:
        raise TransitionRefused("天数不能为负数")
    horizon = due_soon_last_day(today, within)  # the one definition home's figures use too
    open_values = sorted(s.value for s in BEING_HANDLED_STATUSES)
    return today, (col(Matter.status).in_(open_values), col(Matter.due_on).is_not(None), Matter.due_on <= horizon)


def board_page(ctx, operator, *, within_days: int | None = None, offset: int = 0,  # noqa: ANN001
               limit: int | None = None) -> BoardPage:
    """Open matters due within ``within_days`` (default: the setting ``due_soon_days``) or overdue, by unit;
    units with the most overdue first, each unit's matters most late first; the rows from ``offset`` on.

    Two statements whatever the size: the units' counts (grouped), then the page's rows as plain columns (the
    nearest clock and the 督办 issued read by correlated lookups on their indexes, for those rows only)."""
    today, where = _board_filter(ctx, within_days)
    overdue = func.sum(case((Matter.due_on < today, 1), else_=0))
    with ctx.db.read() as session:
        counts = session.exec(select(Matter.unit_id, Unit.name, overdue, func.count(Matter.id), func.min(Matter.due_on))
                              .join(Unit, Unit.id == Matter.unit_id, isouter=True).where(*where)
                              .group_by(Matter.unit_id, Unit.name)).all()
        order = sorted(counts, key=lambda c: (-c[2], c[4], c[1] if c[0] is not None else NO_UNIT))
        units = [UnitTotals(uid, name if uid is not None else NO_UNIT, int(late), int(n) - int(late))
                 for uid, name, late, n, _ in order]
        total = sum(u.overdue + u.due_soon for u in units)
        rows: list[BoardRow] = []
        if total and (limit is None or limit > 0):
            rank = {u.unit_id: i for i, u in enumerate(units)}
            unit_rank = case({k: v for k, v in rank.items() if k is not None}, value=Matter.unit_id,
                             else_=rank.get(None, len(units)))
            # the page first (ids in board order, off the status/due index), then its columns and lookups: the
            # correlated lookups run for the page's rows only, not for every row of the board
            page_q = (select(Matter.id.label("mid"), unit_rank.label("rank")).where(*where)
                      .order_by(unit_rank, Matter.due_on, Matter.id).offset(offset))
            if limit is not None:
                page_q = page_q.limit(limit)
            page_ids = page_q.subquery()
            supervised = (Event.matter_id == Matter.id, Event.action == SUPERVISE)
            nearest = (select(Deadline.name).where(Deadline.matter_id == Matter.id,
                                                   Deadline.state == DeadlineState.OPEN.value,
                                                   Deadline.kind == DeadlineKind.DUTY.value)
                       .order_by(Deadline.due_on, Deadline.id).limit(1).scalar_subquery())
            q = (select(Matter.id, Matter.number, Matter.summary, Matter.status, Matter.due_on, Matter.is_restricted,
                        Matter.unit_id, Petitioner.name,
                        select(func.count(Event.id)).where(*supervised).scalar_subquery(),
                        select(func.max(Event.at)).where(*supervised).scalar_subquery(), nearest)
                 .select_from(page_ids).join(Matter, Matter.id == page_ids.c.mid)
                 .join(Petitioner, Petitioner.id == Matter.petitioner_id)
                 .order_by(page_ids.c.rank, Matter.due_on, Matter.id))
            names = {u.unit_id: u.unit for u in units}
            labels = {s.value: label for s, label in STATUS_LABELS.items()}
            clocks: dict[str, str] = {}
            for mid, number, summary, status, due_on, restricted, uid, person, times, last, clock in session.exec(q):
                visible = may_see_identity(operator.role, restricted)
                if clock and clock not in clocks:
                    clocks[clock] = ctx.profile.clock_label(clock)
                rows.append(BoardRow(mid, number, shown_text(operator.role, restricted, summary),
                                     labels.get(status, status), due_on,
                                     days_left(due_on, today), person if visible else RESTRICTED_NAME, names[uid],
                                     int(times or 0), _as_datetime(last).date() if last else None,
                                     clocks[clock] if clock else ""))
    return BoardPage(units, rows, offset, total)


def supervision_board(ctx, operator, *, within_days: int | None = None) -> list[UnitGroup]:  # noqa: ANN001
    """The whole board (every row) grouped by unit, in board order: see ``board_page``."""
    page = board_page(ctx, operator, within_days=within_days)
    groups = {u.unit_id: UnitGroup(u.unit_id, u.unit) for u in page.units}
    by_name = {u.unit: u.unit_id for u in page.units}
    for r in page.rows:
        groups[by_name[r.unit]].rows.append(r)
    return list(groups.values())


def _as_datetime(value) -> dt.datetime:  # noqa: ANN001 - a scalar subquery's max() comes back as text on SQLite
    return value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(str(value))


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
