"""Read-only queries of the registration desk that the shared query modules do not provide.

- ``home_summary``: the home screen's figures (today's contacts, due soon / overdue, the next reception day);
- ``data_version``: whether anything changed since a screen last read (screens reload on return only then);
- ``find_people`` / ``search_everything``: pages of ``services.search`` (full-text on SQLite, portable elsewhere)
  shaped as the desk's table rows.

Identity rules: a 检举控告 matter shows no petitioner for a clerk (``domain.privacy``); ID and phone are masked.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import func
from sqlmodel import col, select

from xfdesk.domain.deadlines import due_soon_last_day
from xfdesk.domain.lifecycle import OPEN_STATUSES, Category, category_of
from xfdesk.domain.privacy import RESTRICTED_NAME, may_see_identity, shown_text
from xfdesk.services.history import status_label
from xfdesk.storage.models import (Appointment, Contact, ContactPetitioner, Leader, Matter, Petitioner,
                                   ReceptionDay, ReceptionDayLeader)

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
    first_matter_id: int | None = None


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


@dataclass(frozen=True)
class NoticeReminder:
    """A coming reception day whose notices are not printed yet (leaders are told five days ahead)."""

    day: dt.date
    booked: int


@dataclass
class HomeSummary:
    today: dt.date
    contacts_today: int
    matters_today: int
    contacts: list[ContactLine] = field(default_factory=list)
    overdue_count: int = 0  # every open matter (待甄别 too: its 15-day 受理告知 clock)
    due_soon_count: int = 0
    # of those, the ones not screened yet: the 督办 board (F8) lists only matters being handled, so the home
    # screen says how its totals split
    overdue_unscreened: int = 0
    due_soon_unscreened: int = 0
    overdue: list[DueLine] = field(default_factory=list)
    due_soon: list[DueLine] = field(default_factory=list)
    next_reception: ReceptionLine | None = None
    notices_due: list[NoticeReminder] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


_OPEN = sorted(s.value for s in OPEN_STATUSES)


def data_version(ctx) -> tuple:  # noqa: ANN001
    """Changes when any desk committed a write, or the day turned (days left and "today" move with it): a screen
    that comes back to the top reads its rows again only when this differs from what it had when it last read.
    One cheap statement (``Database.data_version``)."""
    return ctx.today(), ctx.db.data_version()


def home_summary(ctx, role, *, top: int = HOME_TOP) -> HomeSummary:  # noqa: ANN001
    today = ctx.today()
    soon = due_soon_last_day(today, ctx.settings.due_soon_days)
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
        open_due = select(Matter.status, func.count()).where(col(Matter.status).in_(_OPEN)).group_by(Matter.status)
        overdue_by = dict(session.exec(open_due.where(Matter.due_on < today)).all())
        due_soon_by = dict(session.exec(open_due.where(Matter.due_on >= today, Matter.due_on <= soon)).all())
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
        summary = "；".join(shown_text(role, m.is_restricted, m.summary) for m in ms[:2]) + ("…" if len(ms) > 2 else "")
        lines.append(ContactLine(c.id, c.received_at, c.channel, c.headcount, name, len(ms), summary,
                                 ms[0].id if ms else None))
    from xfdesk.services.reception import days_needing_notices

    notices_due = [NoticeReminder(view.day, view.booked) for view in days_needing_notices(ctx)]
    return HomeSummary(
        today=today, contacts_today=len(contacts), matters_today=sum(len(v) for v in matters_by_contact.values()),
        contacts=lines[:top], overdue_count=sum(overdue_by.values()), due_soon_count=sum(due_soon_by.values()),
        overdue_unscreened=_unscreened(overdue_by), due_soon_unscreened=_unscreened(due_soon_by),
        overdue=[_due(m, p, today, role) for m, p in overdue], due_soon=[_due(m, p, today, role) for m, p in due_soon],
        next_reception=reception_line, notices_due=notices_due,
    )


def _unscreened(counts: dict[str, int]) -> int:
    return sum(n for status, n in counts.items() if category_of(status) == Category.UNSCREENED)


def _due(m: Matter, p: Petitioner, today: dt.date, role) -> DueLine:  # noqa: ANN001
    name = p.name if may_see_identity(role, m.is_restricted) else RESTRICTED_NAME
    return DueLine(m.id, m.number, shown_text(role, m.is_restricted, m.summary), status_label(m.status), m.due_on, (m.due_on - today).days, name)


# -- people and everything: the search service's pages, shaped for the desk's tables ------------------------
@dataclass(frozen=True)
class PersonLine:
    petitioner_id: int
    name: str
    id_masked: str
    phone_masked: str
    village: str
    matter_count: int
    last_seen: dt.date | None


def find_people(ctx, text: str, *, operator=None, limit: int = 8, offset: int = 0) -> list[PersonLine]:  # noqa: ANN001
    """People matching the one search box: ID number, phone, name, name + village, pinyin initials. One page."""
    from xfdesk.services import search as search_service

    if not (text or "").strip():
        return []
    hits = search_service.find_people(ctx, text, limit=limit, offset=offset, operator=operator)
    return [PersonLine(h.petitioner_id, h.name, h.id_number_masked, h.phone_masked, h.village, h.matter_count,
                       _day(h.last_contact)) for h in hits]


def _day(value) -> dt.date | None:  # noqa: ANN001
    return value.date() if isinstance(value, dt.datetime) else value


@dataclass(frozen=True)
class SearchLine:
    kind: str  # "person" | "matter"
    ref_id: int
    title: str  # name or matter number
    status: str
    text: str  # masked identity / who and what
    when: dt.date | None


@dataclass
class SearchResult:
    lines: list[SearchLine]
    offset: int
    limit: int
    has_more: bool


def search_everything(ctx, text: str, *, operator=None, limit: int = 15, offset: int = 0) -> SearchResult:  # noqa: ANN001
    """One page of people, then matters (number, summary, details, category …) matching ``text``."""
    from xfdesk.services import search as search_service

    if not (text or "").strip():
        return SearchResult([], offset, limit, False)
    if offset == 0 and operator is not None:  # a 查询码 read out on the phone: that matter's state, no person
        from xfdesk.domain.query_code import format_query_code
        from xfdesk.services.query_codes import answer_if_query_code

        answer = answer_if_query_code(ctx, operator, text)
        if answer is not None:
            state = "，".join(f"{k}：{v}" for k, v in answer.lines()[4:])
            return SearchResult([SearchLine("matter", answer.matter_id, answer.number, answer.status,
                                            f"查询码{format_query_code(answer.code)}　{state}", answer.received_on)],
                                0, limit, False)
    page = search_service.search(ctx, text, operator=operator, limit=limit, offset=offset)
    lines = [SearchLine("person", p.petitioner_id, p.name, f"{p.matter_count}件",
                        " ".join(x for x in (p.village, p.id_number_masked, p.phone_masked) if x),
                        _day(p.last_contact)) for p in page.people]
    lines += [SearchLine("matter", m.matter_id, m.number, m.status_label, f"{m.petitioner_name}：{m.summary}",
                         m.received_on) for m in page.matters]
    return SearchResult(lines, offset, limit, page.has_more)
