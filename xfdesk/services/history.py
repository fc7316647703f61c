"""What the registration desk shows about a person at once: earlier matters, last contact, flags, possible repeats.

Read-only queries. A 检举控告 (restricted) matter never links a petitioner's identity for a clerk (条例第30条): it is
left out of a person's history, and shown without a name or its text among the village's earlier matters.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import func, or_
from sqlmodel import col, select

from xfdesk.domain.glossary import FLAG_LABELS
from xfdesk.domain.lifecycle import STATUS_LABELS, Status
from xfdesk.domain.privacy import RESTRICTED_NAME, mask_id_number, mask_phone, may_see_identity, shown_text
from xfdesk.domain.similarity import REPEAT_THRESHOLD, text_similarity
from xfdesk.storage.models import Contact, ContactPetitioner, Matter, Petitioner

HISTORY_LIMIT = 50  # earlier matters shown for one person (newest first)
VILLAGE_SCAN_LIMIT = 400  # newest matters of the same village compared with a new demand


@dataclass(frozen=True)
class MatterLine:
    id: int
    number: str
    received_on: dt.date
    summary: str
    status: str
    status_label: str
    flags: tuple[str, ...]  # Chinese labels
    representatives: tuple[str, ...] = ()  # the group visit's 代表, in the order typed


@dataclass(frozen=True)
class PersonHistory:
    petitioner_id: int
    name: str
    gender: str
    id_masked: str
    phone_masked: str
    village: str
    address: str
    matters: list[MatterLine]
    matter_count: int
    open_count: int
    last_contact: dt.datetime | None
    flags: tuple[str, ...]  # every flag any visible matter of the person carries


@dataclass(frozen=True)
class RepeatCandidate:
    id: int
    number: str
    received_on: dt.date
    summary: str
    status_label: str
    score: float
    same_person: bool
    petitioner_name: str  # RESTRICTED_NAME when the viewer may not see who it was
    flags: tuple[str, ...] = field(default=())


def status_label(status: str) -> str:
    try:
        return STATUS_LABELS[Status(status)]
    except ValueError:
        return status


def flag_labels(matter: Matter) -> tuple[str, ...]:
    return tuple(label for flag, label in FLAG_LABELS.items() if getattr(matter, flag.value, False))


def _line(m: Matter, representatives: dict[int, tuple[str, ...]] | None = None) -> MatterLine:
    return MatterLine(m.id, m.number, m.received_on, m.summary, m.status, status_label(m.status), flag_labels(m),
                      (representatives or {}).get(m.contact_id, ()))


def representatives_of(session, contact_ids: Iterable[int]) -> dict[int, tuple[str, ...]]:  # noqa: ANN001
    """The 代表 named for each contact (a group visit), in the order they were typed; contacts without: absent.

    The caller decides who may see them: a restricted matter's representatives are its accusers (条例第30条)."""
    ids = sorted(set(contact_ids))
    found: dict[int, list[str]] = {}
    for start in range(0, len(ids), 500):
        rows = session.exec(
            select(ContactPetitioner.contact_id, Petitioner.name)
            .join(Petitioner, Petitioner.id == ContactPetitioner.petitioner_id)
            .where(col(ContactPetitioner.contact_id).in_(ids[start:start + 500]),
                   ContactPetitioner.representative == True)  # noqa: E712
            .order_by(ContactPetitioner.contact_id, ContactPetitioner.position))
        for contact_id, name in rows:
            found.setdefault(contact_id, []).append(name)
    return {k: tuple(v) for k, v in found.items()}


def person_history(ctx, petitioner_id: int, role) -> PersonHistory | None:  # noqa: ANN001
    """The person's record (ID and phone masked) and their earlier matters, newest first."""
    from xfdesk.domain.lifecycle import OPEN_STATUSES

    with ctx.db.read() as session:
        person = session.get(Petitioner, petitioner_id)
        if person is None:
            return None
        query = select(Matter).where(Matter.petitioner_id == petitioner_id)
        if not may_see_identity(role, True):
            query = query.where(Matter.is_restricted == False)  # noqa: E712
        matters = list(session.exec(query.order_by(Matter.received_on.desc(), Matter.id.desc())))
        # a clerk's list holds no restricted matter (filtered above), so its representatives may be shown
        representatives = representatives_of(session, (m.contact_id for m in matters[:HISTORY_LIMIT]))
        last_contact = session.exec(
            select(func.max(Contact.received_at))
            .join(ContactPetitioner, ContactPetitioner.contact_id == Contact.id)
            .where(ContactPetitioner.petitioner_id == petitioner_id)
        ).first()
    flags: list[str] = []
    for m in matters:
        for label in flag_labels(m):
            if label not in flags:
                flags.append(label)
    open_values = {s.value for s in OPEN_STATUSES}
    return PersonHistory(
        petitioner_id=person.id, name=person.name, gender=person.gender or "",
        id_masked=mask_id_number(person.id_number), phone_masked=mask_phone(person.phone),
        village=person.village, address=person.address,
        matters=[_line(m, representatives) for m in matters[:HISTORY_LIMIT]], matter_count=len(matters),
        open_count=sum(1 for m in matters if m.status in open_values),
        last_contact=last_contact, flags=tuple(flags),
    )


def repeat_candidates(ctx, role, text: str, *, petitioner_id: int | None = None,  # noqa: ANN001
                      village: str = "", limit: int = 5,
                      threshold: float = REPEAT_THRESHOLD) -> list[RepeatCandidate]:
    """Earlier matters of the same person and of the same village whose demand reads like ``text``, best first."""
    text = (text or "").strip()
    if len(text) < 2 or (petitioner_id is None and not village):
        return []
    sees_restricted = may_see_identity(role, True)
    with ctx.db.read() as session:
        rows: dict[int, tuple[Matter, str]] = {}
        if petitioner_id is not None:
            query = select(Matter, Petitioner.name).join(Petitioner, Petitioner.id == Matter.petitioner_id).where(
                Matter.petitioner_id == petitioner_id)
            if not sees_restricted:
                query = query.where(Matter.is_restricted == False)  # noqa: E712
            for m, name in session.exec(query.order_by(Matter.id.desc()).limit(HISTORY_LIMIT * 4)):
                rows[m.id] = (m, name)
        if village:
            query = (select(Matter, Petitioner.name).join(Petitioner, Petitioner.id == Matter.petitioner_id)
                     .where(or_(Matter.location == village, Petitioner.village == village))
                     .order_by(Matter.id.desc()).limit(VILLAGE_SCAN_LIMIT))
            for m, name in session.exec(query):
                rows.setdefault(m.id, (m, name))
    found: list[RepeatCandidate] = []
    for m, name in rows.values():
        score = max(text_similarity(text, m.summary), text_similarity(text, m.details) * 0.9 if m.details else 0.0)
        if score < threshold:
            continue
        same = petitioner_id is not None and m.petitioner_id == petitioner_id
        shown_name = name if may_see_identity(role, m.is_restricted) else RESTRICTED_NAME
        found.append(RepeatCandidate(m.id, m.number, m.received_on, shown_text(role, m.is_restricted, m.summary),
                                     status_label(m.status),
                                     round(score, 1), same, shown_name, flag_labels(m)))
    # The same person's earlier demand matters most (重复访 is about the same person), then the closest text.
    found.sort(key=lambda c: (not c.same_person, -c.score, -c.id))
    return found[:limit]

