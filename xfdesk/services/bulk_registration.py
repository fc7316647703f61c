"""登记 of many contacts at once (an exchange file, a county's 台账), set-based.

The same records ``registration.register_contact_in`` writes for each contact — the contact, its people (a known ID
number is the same person, whose known fields are updated), one matter per demand numbered gap-free, the clocks
registration starts and the ``register`` event — but decided in Python for the whole batch and written with one
multi-row INSERT per table and page (``storage.bulk``): no ORM object, no flush per row, no SELECT per person or
number. Row by row, the ORM issued 36 statements per matter; here a batch of 2,000 contacts takes a few dozen.

Callers validate first (``registration.check_contact``) and hold the write transaction; on SQLite they fill the
search index once at the end (``search_sqlite.index_filled_after``).
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlmodel import Session

from xfdesk.domain.deadlines import DeadlineKind, ProfileError, due_date, paused_days
from xfdesk.domain.glossary import DeadlineState, Flag
from xfdesk.domain.lifecycle import REGISTER_ACTION, REGISTRATION_STARTS, Status
from xfdesk.domain.names import name_initials
from xfdesk.domain.numbering import MATTER_SERIES, matter_number
from xfdesk.domain.privacy import is_restricted_kind
from xfdesk.domain.records import ContactInput
from xfdesk.services.registration import GROUP_HEADCOUNT, Registration
from xfdesk.storage import bulk
from xfdesk.storage.models import now
from xfdesk.storage.numbering import take_numbers

_FLAG_COLUMNS = tuple(f.value for f in Flag)


def index_once(ctx, session: Session) -> contextlib.AbstractContextManager:  # noqa: ANN001
    """Many rows in one transaction: on SQLite the search index is filled once, when the block ends
    (``search_sqlite.index_filled_after``); PostgreSQL's indexes are on the tables themselves."""
    if not ctx.db.is_sqlite:
        return contextlib.nullcontext()
    from xfdesk.storage import search_sqlite

    return search_sqlite.index_filled_after(session)


@dataclass
class Journal:
    """What bulk registrations wrote, to take them back (``undo``) when a later slice of the same import fails."""

    contact_ids: list[int] = field(default_factory=list)
    matter_ids: list[int] = field(default_factory=list)
    new_people: list[int] = field(default_factory=list)
    people_before: list[dict] = field(default_factory=list)  # {"id", PERSON_FIELDS…} as they were
    numbers: list[tuple[str, int, int, int]] = field(default_factory=list)  # (series, year, first, count)


def undo(session: Session, journal: Journal) -> None:
    """Take back committed bulk registrations (inside the caller's transaction): their events, clocks, matters,
    links and contacts; the people they created unless another desk has used them since; the fields of returning
    people as they were; their numbers when nobody has taken one after them (else they stay unused)."""
    conn = session.connection()
    bulk.delete_registrations(conn, journal.contact_ids, journal.matter_ids, journal.new_people)
    bulk.update_people(conn, list(reversed(journal.people_before)))  # the earliest state wins
    for series, year, first, count in reversed(journal.numbers):
        bulk.give_back_numbers(conn, series, year, first, count)


def register_contacts(session: Session, ctx, operator, contacts: Sequence[ContactInput], *,  # noqa: ANN001
                      same_name_and_phone: bool = False, journal: Journal | None = None) -> list[Registration]:
    """Register validated ``contacts`` inside the caller's transaction, in order; one Registration each.

    ``same_name_and_phone``: a person without ``existing_id`` who has a phone is the one of an earlier contact of
    the batch with the same name and phone, before the ID number is looked at (the ledger import's rule)."""
    if not contacts:
        return []
    conn = session.connection()
    session.flush()  # anything the caller added through the ORM goes first
    stamp = now()
    today = ctx.today()

    # -- people: the same ID number is the same person (as registration's lookup), within the file too
    wanted_ids = {p.existing_id for c in contacts for p in c.petitioners if p.existing_id}
    wanted_numbers = {p.id_number for c in contacts for p in c.petitioners if p.id_number}
    known = bulk.people_by_id(conn, wanted_ids) | bulk.people_by_id_number(conn, wanted_numbers)
    by_number: dict[str, Any] = {}
    by_name_phone: dict[tuple[str, str], Any] = {}
    for key, person in sorted(known.items()):  # the lowest id first, as registration's .first() finds it
        if person["id_number"]:
            by_number.setdefault(person["id_number"], key)
        if person["phone"]:
            by_name_phone.setdefault((person["name"], person["phone"]), key)
    people: dict[Any, dict] = dict(known)  # key: an existing id, or ("new", n) for a person of this batch
    original = {key: dict(person) for key, person in known.items()}
    new_keys: list[tuple[str, int]] = []
    contact_people: list[list[Any]] = []
    for c in contacts:
        keys = []
        for p in c.petitioners:
            key = p.existing_id if p.existing_id in people else None
            if key is None and same_name_and_phone and p.phone:
                key = by_name_phone.get((p.name, p.phone))
            if key is None and p.id_number:
                key = by_number.get(p.id_number)
            if key is None:
                key = ("new", len(new_keys))
                new_keys.append(key)
                people[key] = {"name": p.name, "name_initials": name_initials(p.name), "gender": p.gender,
                               "id_number": p.id_number or None, "phone": p.phone or None, "address": p.address,
                               "village": p.village, "is_organisation": p.is_organisation, "note": "",
                               "created_at": stamp}
            else:  # a returning person: keep what we knew, take what is new
                person = people[key]
                for attr in ("gender", "id_number", "phone", "address", "village"):
                    value = getattr(p, attr)
                    if value:
                        person[attr] = value
                if p.name and p.name != person["name"]:
                    person["name"], person["name_initials"] = p.name, name_initials(p.name)
            if people[key]["id_number"]:
                by_number.setdefault(people[key]["id_number"], key)
            if people[key]["phone"]:
                by_name_phone.setdefault((people[key]["name"], people[key]["phone"]), key)
            keys.append(key)
        contact_people.append(keys)
    person_ids = dict(zip(new_keys, bulk.insert_rows(conn, "petitioner", [people[k] for k in new_keys],
                                                     with_ids=True), strict=True))
    person_ids.update({key: key for key in known})
    changed = [{"id": key, **{a: people[key][a] for a in bulk.PERSON_FIELDS}} for key in known
               if any(people[key][a] != original[key][a] for a in bulk.PERSON_FIELDS)]
    bulk.update_people(conn, changed)
    if journal is not None:
        journal.new_people.extend(person_ids[k] for k in new_keys)
        journal.people_before.extend({"id": row["id"], **{a: original[row["id"]][a] for a in bulk.PERSON_FIELDS}}
                                     for row in changed)

    # -- contacts and who came
    received = [c.received_at.replace(microsecond=0, tzinfo=None) for c in contacts]
    contact_ids = bulk.insert_rows(conn, "contact", [
        {"received_at": at, "channel": c.channel, "headcount": c.headcount, "clerk": c.clerk, "note": c.note,
         "reception_day_id": None, "created_at": stamp} for c, at in zip(contacts, received, strict=True)],
        with_ids=True)
    bulk.insert_rows(conn, "contactpetitioner", [
        {"contact_id": contact_id, "petitioner_id": person_ids[key], "representative": p.representative,
         "position": position}
        for c, contact_id, keys in zip(contacts, contact_ids, contact_people, strict=True)
        for position, (p, key) in enumerate(zip(c.petitioners, keys, strict=True))])

    # -- matters, numbered in order; a block of numbers per year taken at once
    per_year: dict[int, int] = {}
    for c, at in zip(contacts, received, strict=True):
        per_year[at.year] = per_year.get(at.year, 0) + len(c.matters)
    next_seq = {year: take_numbers(session, MATTER_SERIES, year, count) for year, count in per_year.items()}
    if journal is not None:
        journal.numbers.extend((MATTER_SERIES, year, next_seq[year], count) for year, count in per_year.items())
        journal.contact_ids.extend(contact_ids)
    clocks = _Clocks(ctx)
    matter_rows: list[dict] = []
    clock_rows: list[list[dict]] = []
    event_rows: list[dict] = []
    registrations: list[Registration] = []
    for c, at, contact_id, keys in zip(contacts, received, contact_ids, contact_people, strict=True):
        reg = Registration(contact_id=contact_id, petitioner_ids=[person_ids[k] for k in keys])
        registrations.append(reg)
        main_index = next((i for i, p in enumerate(c.petitioners) if p.representative), 0)
        received_on, year = at.date(), at.year
        for m in c.matters:
            seq = next_seq[year]
            next_seq[year] = seq + 1
            kind = m.kind or None
            started = clocks.started(kind, received_on)
            dues = [d["due_on"] for d in started if d["kind"] == DeadlineKind.DUTY]
            row = {"number": matter_number(year, seq), "year": year, "seq": seq, "contact_id": contact_id,
                   "petitioner_id": reg.petitioner_ids[main_index], "summary": m.summary, "details": m.details,
                   "category": m.category, "location": m.location, "kind": kind,
                   "status": Status.REGISTERED.value, "received_on": received_on,
                   "is_fast_track": False, **{flag: flag in m.flags for flag in _FLAG_COLUMNS},
                   "repeat_of_id": m.repeat_of_id, "unit_id": None, "leader_id": None, "route": None,
                   "route_reason": "", "route_basis": "", "forwarded_to": "", "reply_result": None,
                   "extension_days": 0, "due_on": min(dues) if dues else None, "closed_on": None,
                   "query_code": None, "created_at": stamp, "updated_at": stamp}
            row["is_group"] = row["is_group"] or c.headcount >= GROUP_HEADCOUNT
            row["is_repeat"] = row["is_repeat"] or m.repeat_of_id is not None
            row["is_restricted"] = row["is_restricted"] or is_restricted_kind(m.kind)
            matter_rows.append(row)
            clock_rows.append(started)
            event_rows.append({
                "contact_id": contact_id, "at": max(at, now()) if received_on == today else at,
                "actor": operator.name, "role": str(operator.role), "action": REGISTER_ACTION,
                "from_status": None, "to_status": Status.REGISTERED.value, "note": m.summary,
                "data": {"channel": c.channel, "headcount": c.headcount,
                         **({"repeat_of": m.repeat_of_id} if m.repeat_of_id else {})}})
            reg.numbers.append(row["number"])
    matter_ids = bulk.insert_rows(conn, "matter", matter_rows, with_ids=True)
    if journal is not None:
        journal.matter_ids.extend(matter_ids)
    bulk.insert_rows(conn, "deadline", [{**clock, "matter_id": matter_id}
                                        for matter_id, started in zip(matter_ids, clock_rows, strict=True)
                                        for clock in started])
    bulk.insert_rows(conn, "event", [{**event, "matter_id": matter_id}
                                     for matter_id, event in zip(matter_ids, event_rows, strict=True)])
    ids = iter(matter_ids)
    for reg in registrations:
        reg.matter_ids = [next(ids) for _ in reg.numbers]
    return registrations


class _Clocks:
    """The clocks registration starts (``REGISTRATION_STARTS``), as ``lifecycle.start_matter`` computes them for a
    new matter (no pause, no extension), worked out once per kind and day: a batch has many matters of each."""

    def __init__(self, ctx):  # noqa: ANN001
        self.ctx = ctx
        self.cache: dict[tuple[str | None, dt.date], list[dict]] = {}

    def started(self, kind: str | None, start_on: dt.date) -> list[dict]:
        key = (kind, start_on)
        if key not in self.cache:
            self.cache[key] = [c for name in REGISTRATION_STARTS if (c := self._clock(name, kind, start_on))]
        return self.cache[key]

    def _clock(self, name: str, kind: str | None, start_on: dt.date) -> dict | None:
        try:
            limit = self.ctx.profile.limit_for(name, kind)
        except ProfileError:
            return None
        cal = self.ctx.calendar()
        due_on = due_date(start_on, limit, cal)
        return {"name": name, "kind": limit.kind, "start_on": start_on, "due_on": due_on,
                "state": DeadlineState.OPEN.value, "ended_on": None, "on_time": None, "extension_days": 0,
                "paused_days": paused_days([], limit.unit, cal, since=start_on),
                "assumed": bool(cal.missing_years(range(start_on.year, due_on.year + 1))), "basis": limit.basis}
