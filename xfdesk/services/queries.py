"""Read-only questions about matters, shared by the TUI and the CLI (lists, detail, the JSON of ``matter show``)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from xfdesk.domain.deadlines import days_left, state_label
from xfdesk.domain.glossary import FLAG_LABELS, DeadlineState, Flag
from xfdesk.domain.lifecycle import OPEN_STATUSES, STATUS_LABELS, Status
from xfdesk.domain.numbering import MatterRefRefused, resolve_matter_ref
from xfdesk.domain.privacy import (
    PROGRAM_NOTE_ACTIONS, RESTRICTED_NAME, mask_id_number, mask_phone, may_see_identity, shown_note, shown_text,
)
from xfdesk.services.access import log_restricted_view
from xfdesk.services.history import representatives_of
from xfdesk.storage.models import ClockPause, Contact, Deadline, Document, Event, Matter, Petitioner, Unit

OPEN_VALUES = sorted(s.value for s in OPEN_STATUSES)


def find_matter(ctx, ref: int | str) -> Matter | None:  # noqa: ANN001
    """A matter by id (an int) or by what a person types: the full number (``XF-2026-000123``, any case) or this
    year's short number (``123``). None when there is no such matter or the text is no matter number."""
    with ctx.db.read() as session:
        try:
            return _find(session, ref, ctx.today().year)
        except MatterRefRefused:
            return None


def _find(session: Session, ref: int | str, this_year: int) -> Matter | None:
    """An int is a database id; text is a matter number as people type it (``domain.numbering``: a short number is
    this year's, never an id). Malformed text raises ``MatterRefRefused``."""
    if isinstance(ref, int):
        return session.get(Matter, ref)
    number = resolve_matter_ref(str(ref), this_year)
    return session.exec(select(Matter).where(Matter.number == number)).first()


def matter_flags(matter: Matter) -> list[str]:
    return [FLAG_LABELS[f] for f in Flag if getattr(matter, f.value)]


@dataclass
class MatterRow:
    id: int
    number: str
    summary: str
    status: str
    status_label: str
    received_on: dt.date
    due_on: dt.date | None
    days_left: int | None
    petitioner: str
    village: str
    category: str
    unit: str
    flags: list[str]
    is_restricted: bool
    # years the due date was counted through without holiday data (weekends only): shown as 按周末推算
    assumed_years: tuple[int, ...] = ()

    @property
    def due_assumed(self) -> bool:
        return bool(self.assumed_years)

    def as_json(self) -> dict[str, Any]:
        return {
            "number": self.number, "summary": self.summary, "status": self.status, "status_label": self.status_label,
            "received_on": self.received_on.isoformat(), "due_on": self.due_on.isoformat() if self.due_on else None,
            "due_assumed": self.due_assumed, "days_left": self.days_left, "petitioner": self.petitioner, "village": self.village,
            "category": self.category, "unit": self.unit, "flags": self.flags,
        }


def list_matters(ctx, *, status: str | None = None, overdue: bool = False, due_within: int | None = None,  # noqa: ANN001
                 unit_id: int | None = None, operator=None, limit: int = 100, offset: int = 0,  # noqa: ANN001
                 order: str = "due") -> list[MatterRow]:
    """Matters for lists; ``overdue``: an open duty deadline has passed. Identity hidden per ``operator``'s role."""
    today = ctx.today()
    with ctx.db.read() as session:
        q = (select(Matter, Petitioner, Unit.name)
             .join(Petitioner, Petitioner.id == Matter.petitioner_id)
             .join(Unit, Unit.id == Matter.unit_id, isouter=True))
        if status:
            q = q.where(Matter.status == _status_value(status))
        if overdue:
            q = q.where(col(Matter.status).in_(OPEN_VALUES), Matter.due_on < today)
        if due_within is not None:
            q = q.where(col(Matter.status).in_(OPEN_VALUES), Matter.due_on >= today,
                        Matter.due_on <= today + dt.timedelta(days=due_within))
        if unit_id is not None:
            q = q.where(Matter.unit_id == unit_id)
        if order == "due":
            q = q.order_by(col(Matter.due_on).is_(None), Matter.due_on, Matter.id)
        elif order == "oldest":
            q = q.order_by(Matter.received_on, Matter.id)
        else:
            q = q.order_by(col(Matter.id).desc())
        rows = session.exec(q.offset(offset).limit(limit)).all()
    role = operator.role if operator is not None else "clerk"
    cal = ctx.calendar()
    out = []
    for m, p, unit in rows:
        row = _row(m, p, unit or "", today, role)
        if row.due_on is not None:
            row.assumed_years = tuple(cal.missing_years(range(min(m.received_on, row.due_on).year,
                                                              row.due_on.year + 1)))
        out.append(row)
    return out


def count_listed(ctx, *, status: str | None = None, overdue: bool = False) -> int:  # noqa: ANN001
    """How many matters ``list_matters`` would list without a limit (so a list can say what it left out)."""
    today = ctx.today()
    with ctx.db.read() as session:
        q = select(func.count()).select_from(Matter)
        if status:
            q = q.where(Matter.status == _status_value(status))
        if overdue:
            q = q.where(col(Matter.status).in_(OPEN_VALUES), Matter.due_on < today)
        return int(session.exec(q).one())


def count_matters(ctx, *, overdue: bool = False, due_within: int | None = None) -> int:  # noqa: ANN001
    today = ctx.today()
    with ctx.db.read() as session:
        q = select(func.count()).select_from(Matter).where(col(Matter.status).in_(OPEN_VALUES))
        if overdue:
            q = q.where(Matter.due_on < today)
        if due_within is not None:
            q = q.where(Matter.due_on >= today, Matter.due_on <= today + dt.timedelta(days=due_within))
        return int(session.exec(q).one())


def _status_value(text: str) -> str:
    text = text.strip()
    for s in Status:
        if text in (s.value, STATUS_LABELS[s]):
            return s.value
    raise ValueError(f"没有这个状态：{text}（可用：{'、'.join(STATUS_LABELS.values())}）")


def _row(m: Matter, p: Petitioner, unit: str, today: dt.date, role: str) -> MatterRow:
    visible = may_see_identity(role, m.is_restricted)
    open_ = Status(m.status) in OPEN_STATUSES
    return MatterRow(
        id=m.id, number=m.number, summary=shown_text(role, m.is_restricted, m.summary), status=m.status,
        status_label=STATUS_LABELS[Status(m.status)],
        received_on=m.received_on, due_on=m.due_on if open_ else None,
        days_left=days_left(m.due_on, today) if (open_ and m.due_on) else None,
        petitioner=p.name if visible else RESTRICTED_NAME, village=p.village if visible else "",
        category=m.category, unit=unit, flags=matter_flags(m), is_restricted=m.is_restricted,
    )


def matter_detail(ctx, matter_ref: int | str, operator=None) -> dict[str, Any] | None:  # noqa: ANN001
    """Everything about one matter, as plain data (the JSON of ``xfdesk matter show`` and the TUI detail).

    A restricted matter's petitioner is ``None`` unless the operator is the office head; every view of a
    restricted matter is logged (``services.access``).
    """
    today = ctx.today()
    role = operator.role if operator is not None else "clerk"
    with ctx.db.read() as session:
        m = _find(session, matter_ref, today.year)
        if m is None:
            return None
        person = session.get(Petitioner, m.petitioner_id)
        contact = session.get(Contact, m.contact_id)
        unit = session.get(Unit, m.unit_id) if m.unit_id else None
        deadlines = session.exec(select(Deadline).where(Deadline.matter_id == m.id).order_by(Deadline.id)).all()
        events = session.exec(select(Event).where(Event.matter_id == m.id).order_by(Event.at, Event.id)).all()
        documents = session.exec(select(Document).where(Document.matter_id == m.id).order_by(Document.id)).all()
        paused = any(p.ended_on is None for p in
                     session.exec(select(ClockPause).where(ClockPause.matter_id == m.id)).all())
        repeat_of = session.get(Matter, m.repeat_of_id).number if m.repeat_of_id else None
        representatives = representatives_of(session, [m.contact_id]).get(m.contact_id, ())
    if m.is_restricted and operator is not None:
        _log_restricted_view(ctx, operator, m)
    visible = may_see_identity(role, m.is_restricted)

    def text(value: str | None) -> str | None:  # the report's own words: a clerk sees RESTRICTED_TEXT instead
        return shown_text(role, m.is_restricted, value) if value is not None else None

    profile = ctx.profile
    return {
        "number": m.number,
        "status": m.status,
        "status_label": STATUS_LABELS[Status(m.status)],
        "flags": matter_flags(m),
        "summary": text(m.summary),
        "details": text(m.details),
        "category": m.category,
        "location": m.location,
        "kind": m.kind,
        "received_on": m.received_on.isoformat(),
        "channel": contact.channel if contact else None,
        "headcount": contact.headcount if contact else None,
        # a group visit's 代表 identify accusers as much as the petitioner does: hidden with the petitioner
        "representatives": list(representatives) if visible else [],
        "clerk": contact.clerk if contact else None,
        "unit": unit.name if unit else None,
        "route": m.route,
        "route_reason": text(m.route_reason),
        "forwarded_to": m.forwarded_to or None,
        "reply_result": text(m.reply_result),
        "repeat_of": repeat_of,
        "extension_days": m.extension_days,
        "clock_paused": paused,
        "restricted": m.is_restricted,
        "petitioner": None if not visible else {
            "id": person.id, "name": person.name, "gender": person.gender,
            "id_number": person.id_number, "id_number_masked": mask_id_number(person.id_number),
            "phone": person.phone, "phone_masked": mask_phone(person.phone),
            "address": person.address, "village": person.village,
        },
        "deadlines": {d.name: d.due_on.isoformat() for d in deadlines if d.state != "cancelled"},
        "deadline_details": [
            {"name": d.name, "label": profile.clock_label(d.name, m.kind),
             "kind": d.kind, "start_on": d.start_on.isoformat(), "due_on": d.due_on.isoformat(), "state": d.state,
             "state_label": state_label(d.kind, d.state, d.due_on, today),
             "ended_on": d.ended_on.isoformat() if d.ended_on else None, "on_time": d.on_time,
             "days_left": days_left(d.due_on, today) if d.state == DeadlineState.OPEN else None,
             "extension_days": d.extension_days, "paused_days": d.paused_days, "assumed": d.assumed,
             "basis": d.basis}
            for d in deadlines
        ],
        "events": [
            {"at": e.at.isoformat(), "actor": e.actor, "action": e.action, "from": e.from_status,
             "to": e.to_status, "note": shown_note(role, m.is_restricted, e.action, e.note),
             "data": e.data if visible or e.action in PROGRAM_NOTE_ACTIONS else None}
            for e in events
        ],
        "documents": [
            {"kind": d.kind, "number": d.number_text, "issued_at": d.issued_at.isoformat(), "void": d.void,
             "file": d.file_path}
            for d in documents
        ],
    }


def _log_restricted_view(ctx, operator, matter: Matter) -> None:  # noqa: ANN001
    """Every view of a restricted matter is logged; a failure to log is an error, never skipped silently."""
    with ctx.db.write() as session:
        log_restricted_view(session, operator, matter)
