"""Read-only queries of the registration desk that the shared query modules do not provide.

- ``home_summary``: the home screen's figures (today's contacts, due soon / overdue, the next reception day);
- ``find_people`` / ``search_everything``: the desk's search, delegating to ``services.search`` (SQLite full-text
  index) when it is installed and usable, else plain paged LIKE queries that also work on PostgreSQL.

Identity rules: a 检举控告 matter shows no petitioner for a clerk (``domain.privacy``); ID and phone are masked.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import func, or_
from sqlmodel import col, select

from xfdesk.domain.lifecycle import OPEN_STATUSES
from xfdesk.domain.privacy import RESTRICTED_NAME, mask_id_number, mask_phone, may_see_identity
from xfdesk.services.history import status_label
from xfdesk.storage.models import (Appointment, Contact, ContactPetitioner, Leader, Matter, Petitioner, ReceptionDay,
                                   ReceptionDayLeader)

HOME_TOP = 8


@dataclass(frozen=True)
class ContactLine:
    contact_id: int
    received_at: dt.datetime
    channel: str
    headcount: int
    petitioner: str
    matter_count: int
    summary: str


@dataclass(frozen=True)
class DueLine:
    matter_id: int
    number: str
    summary: str
    status_label: str
    due_on: dt.date
    days_left: int
    petitioner: str


@dataclass(frozen=True)
class ReceptionLine:
    day: dt.date
    leaders: list[str]
    booked: int
    slots: int
    moved_from: dt.date | None


@dataclass
class HomeSummary:
    today: dt.date
    contacts_today: int
    matters_today: int
    contacts: list[ContactLine] = field(default_factory=list)
    overdue_count: int = 0
    due_soon_count: int = 0
    overdue: list[DueLine] = field(default_factory=list)
    due_soon: list[DueLine] = field(default_factory=list)
    next_reception: ReceptionLine | None = None
    warnings: list[str] = field(default_factory=list)


_OPEN = sorted(s.value for s in OPEN_STATUSES)


def home_summary(ctx, role, *, top: int = HOME_TOP) -> HomeSummary:  # noqa: ANN001
    today = ctx.today()
    soon = today + dt.timedelta(days=ctx.settings.due_soon_days)
    start = dt.datetime.combine(today, dt.time.min)
    end = start + dt.timedelta(days=1)
    with ctx.db.read() as session:
        contacts = list(session.exec(
            select(Contact).where(Contact.received_at >= start, Contact.received_at < end)
            .order_by(col(Contact.received_at).desc(), col(Contact.id).desc())))
        matters_by_contact: dict[int, list[Matter]] = {}
        people: dict[int, Petitioner] = {}
        if contacts:
            ids = [c.id for c in contacts]
            for m in session.exec(select(Matter).where(col(Matter.contact_id).in_(ids)).order_by(Matter.id)):
                matters_by_contact.setdefault(m.contact_id, []).append(m)
            for cp, p in session.exec(select(ContactPetitioner, Petitioner)
                                      .join(Petitioner, Petitioner.id == ContactPetitioner.petitioner_id)
                                      .where(col(ContactPetitioner.contact_id).in_(ids))
                                      .order_by(ContactPetitioner.position)):
                people.setdefault(cp.contact_id, p)
        open_due = select(func.count()).select_from(Matter).where(col(Matter.status).in_(_OPEN))
        overdue_count = int(session.exec(open_due.where(Matter.due_on < today)).one())
        due_soon_count = int(session.exec(open_due.where(Matter.due_on >= today, Matter.due_on <= soon)).one())
        due_rows = select(Matter, Petitioner).join(Petitioner, Petitioner.id == Matter.petitioner_id).where(
            col(Matter.status).in_(_OPEN))
        overdue = list(session.exec(due_rows.where(Matter.due_on < today)
                                    .order_by(Matter.due_on, Matter.id).limit(top)))
        due_soon = list(session.exec(due_rows.where(Matter.due_on >= today, Matter.due_on <= soon)
                                     .order_by(Matter.due_on, Matter.id).limit(top)))
        reception = session.exec(select(ReceptionDay).where(ReceptionDay.day >= today)
                                 .order_by(ReceptionDay.day).limit(1)).first()
        reception_line = None
        if reception is not None:
            leaders = list(session.exec(
                select(Leader.name).join(ReceptionDayLeader, ReceptionDayLeader.leader_id == Leader.id)
                .where(ReceptionDayLeader.reception_day_id == reception.id).order_by(ReceptionDayLeader.id)))
            booked = int(session.exec(select(func.count()).select_from(Appointment).where(
                Appointment.reception_day_id == reception.id, Appointment.state != "cancelled")).one())
            moved = reception.planned_for if reception.planned_for and reception.planned_for != reception.day else None
            reception_line = ReceptionLine(reception.day, leaders, booked, reception.slots, moved)

    lines = []
    for c in contacts:
        ms = matters_by_contact.get(c.id, [])
        person = people.get(c.id)
        hidden = any(m.is_restricted for m in ms) and not may_see_identity(role, True)
        name = RESTRICTED_NAME if hidden else (person.name if person else "")
        summary = "；".join(m.summary for m in ms[:2]) + ("…" if len(ms) > 2 else "")
        lines.append(ContactLine(c.id, c.received_at, c.channel, c.headcount, name, len(ms), summary))
    return HomeSummary(
        today=today, contacts_today=len(contacts), matters_today=sum(len(v) for v in matters_by_contact.values()),
        contacts=lines[:top], overdue_count=overdue_count, due_soon_count=due_soon_count,
        overdue=[_due(m, p, today, role) for m, p in overdue], due_soon=[_due(m, p, today, role) for m, p in due_soon],
        next_reception=reception_line,
    )


def _due(m: Matter, p: Petitioner, today: dt.date, role) -> DueLine:  # noqa: ANN001
    name = p.name if may_see_identity(role, m.is_restricted) else RESTRICTED_NAME
    return DueLine(m.id, m.number, m.summary, status_label(m.status), m.due_on, (m.due_on - today).days, name)


# -- people -------------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class PersonLine:
    petitioner_id: int
    name: str
    id_masked: str
    phone_masked: str
    village: str
    matter_count: int
    last_seen: dt.date | None


def find_people(ctx, text: str, *, limit: int = 8, offset: int = 0) -> list[PersonLine]:  # noqa: ANN001
    """People matching the one search box: ID number, phone, name, name + village, pinyin initials. Paged."""
    text = (text or "").strip()
    if not text:
        return []
    hits = _find_people_with_index(ctx, text, limit, offset)
    if hits is None:
        hits = _find_people_plain(ctx, text, limit, offset)
    return hits


def _find_people_with_index(ctx, text: str, limit: int, offset: int) -> list[PersonLine] | None:  # noqa: ANN001
    try:
        from xfdesk.services import search as search_service
    except ImportError:
        return None
    finder = getattr(search_service, "find_people", None)
    if finder is None:
        return None
    hits = finder(ctx, text, limit=limit, offset=offset)
    lines = []
    for h in hits:
        pid = getattr(h, "petitioner_id", None) or getattr(h, "id", None)
        if pid is None:
            return None
        lines.append(pid)
    return _people_lines(ctx, lines)


def _people_lines(ctx, ids: list[int]) -> list[PersonLine]:  # noqa: ANN001
    if not ids:
        return []
    with ctx.db.read() as session:
        people = {p.id: p for p in session.exec(select(Petitioner).where(col(Petitioner.id).in_(ids)))}
        stats = {pid: (n, last) for pid, n, last in session.exec(
            select(Matter.petitioner_id, func.count(), func.max(Matter.received_on))
            .where(col(Matter.petitioner_id).in_(ids)).group_by(Matter.petitioner_id))}
    out = []
    for pid in ids:
        p = people.get(pid)
        if p is None:
            continue
        n, last = stats.get(pid, (0, None))
        out.append(PersonLine(p.id, p.name, mask_id_number(p.id_number), mask_phone(p.phone), p.village, n, last))
    return out


def _find_people_plain(ctx, text: str, limit: int, offset: int) -> list[PersonLine]:  # noqa: ANN001
    parts = text.split()
    q = select(Petitioner.id)
    if text.isdigit() or (len(text) == 18 and text[:17].isdigit()):
        q = q.where(or_(col(Petitioner.id_number).startswith(text.upper()), col(Petitioner.phone).startswith(text),
                        col(Petitioner.id_number).endswith(text.upper()), col(Petitioner.phone).endswith(text)))
    elif text.isascii() and text.isalpha():
        q = q.where(col(Petitioner.name_initials).startswith(text.lower()))
    else:
        name = parts[0]
        q = q.where(or_(col(Petitioner.name).contains(name), col(Petitioner.name_initials).startswith(name.lower())))
        for extra in parts[1:]:
            q = q.where(col(Petitioner.village).contains(extra))
    ids = list(session_ids(ctx, q.order_by(col(Petitioner.id).desc()).offset(offset).limit(limit)))
    return _people_lines(ctx, ids)


def session_ids(ctx, query) -> list[int]:  # noqa: ANN001
    with ctx.db.read() as session:
        return list(session.exec(query))


# -- everything ---------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class SearchLine:
    kind: str  # "person" | "matter"
    ref_id: int
    title: str  # number or name
    status: str
    text: str  # summary / masked identity
    when: dt.date | None


@dataclass
class SearchResult:
    lines: list[SearchLine]
    offset: int
    limit: int
    has_more: bool


def search_everything(ctx, text: str, role, *, limit: int = 20, offset: int = 0) -> SearchResult:  # noqa: ANN001
    """People, then matters (number, summary, details) matching ``text``; one page."""
    text = (text or "").strip()
    if not text:
        return SearchResult([], offset, limit, False)
    # one extra row tells whether there is a next page without counting everything
    people = find_people(ctx, text, limit=limit + 1 + offset, offset=0)
    person_lines = [SearchLine("person", p.petitioner_id, p.name, f"{p.matter_count}件",
                               " ".join(x for x in (p.village, p.id_masked, p.phone_masked) if x), p.last_seen)
                    for p in people]
    wanted = offset + limit + 1
    matter_lines: list[SearchLine] = []
    if len(person_lines) < wanted:
        with ctx.db.read() as session:
            q = (select(Matter, Petitioner).join(Petitioner, Petitioner.id == Matter.petitioner_id)
                 .where(or_(col(Matter.number).contains(text.upper()), col(Matter.summary).contains(text),
                            col(Matter.details).contains(text), col(Matter.category) == text,
                            col(Matter.location) == text))
                 .order_by(col(Matter.id).desc()).limit(wanted - len(person_lines)))
            for m, p in session.exec(q):
                who = p.name if may_see_identity(role, m.is_restricted) else RESTRICTED_NAME
                matter_lines.append(SearchLine("matter", m.id, m.number, status_label(m.status),
                                               f"{who}：{m.summary}", m.received_on))
    everything = person_lines + matter_lines
    page = everything[offset:offset + limit]
    return SearchResult(page, offset, limit, len(everything) > offset + limit)
