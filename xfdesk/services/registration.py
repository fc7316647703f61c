"""登记: register one contact (来访) with its petitioners and one matter per demand (分诉求登记).

Everything is validated before anything is written; numbers ``XF-<year>-<6 digits>`` are taken inside the same
transaction, so a failed save leaves no trace and no gap.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlmodel import Session, select

from xfdesk.domain.glossary import Flag
from xfdesk.domain.privacy import is_restricted_kind
from xfdesk.domain.lifecycle import REGISTER_ACTION, Status
from xfdesk.domain.names import name_initials
from xfdesk.domain.numbering import MATTER_SERIES, matter_number
from xfdesk.domain.records import ContactInput, PetitionerInput
from xfdesk.domain.validation import ValidationFailed, validate_contact
from xfdesk.services import reference
from xfdesk.services.events import record_event
from xfdesk.services.lifecycle import start_matter
from xfdesk.storage.models import Contact, ContactPetitioner, Matter, Petitioner, now
from xfdesk.storage.numbering import next_number

GROUP_HEADCOUNT = 5  # 集体访: five or more people (domain §2)


@dataclass
class Registration:
    contact_id: int
    petitioner_ids: list[int] = field(default_factory=list)
    matter_ids: list[int] = field(default_factory=list)
    numbers: list[str] = field(default_factory=list)


def check_contact(ctx, contact: ContactInput) -> None:  # noqa: ANN001
    """Validate (and normalise in place); raises ValidationFailed with every error found."""
    errors = validate_contact(contact, categories=reference.categories(ctx.home) or None, now=_validation_now(ctx))
    if errors:
        raise ValidationFailed(errors)


def _validation_now(ctx) -> dt.datetime:  # noqa: ANN001
    """"Now" for the received-in-the-future check. When the office clock is set to another day than the system's
    (tests, a desk dated by hand), the whole of that day counts as past: combining it with the system's time of day
    refused a 09:30 registration whenever the system clock read before 09:30."""
    today = ctx.today()
    if today == dt.date.today():
        return dt.datetime.now()
    return dt.datetime.combine(today, dt.time(23, 59, 59))


def register_contact(ctx, operator, contact: ContactInput) -> Registration:  # noqa: ANN001
    """The user action 保存登记: one transaction for the contact, its people and its matters."""
    check_contact(ctx, contact)
    with ctx.db.write() as session:
        return register_contact_in(session, ctx, operator, contact, validated=True)


@dataclass
class RegistrationForms:
    """The 信访事项登记表 of a registration: one per matter, issued together; ``printed`` per document when sent."""

    documents: list = field(default_factory=list)  # storage.models.Document, file paths resolved
    printed: list = field(default_factory=list)  # services.documents.PrintResult

    @property
    def failures(self) -> list:
        return [r for r in self.printed if not r.ok]


def issue_registration_forms(ctx, operator, matter_ids: list[int], *, send: bool = True,  # noqa: ANN001
                             issued: list | None = None) -> RegistrationForms:
    """打印登记表 after saving: the 信访事项登记表 of each matter of the contact, issued in one transaction (all
    numbered or none), then sent to the printer. Forms already ``issued`` (a second key press) are printed again
    with their own 文号 instead of taking new ones; a printer failure leaves every form saved for a reprint."""
    from xfdesk.services.documents import discard_files, issue_document_in, print_document, with_paths

    docs = list(issued or [])
    if not docs:
        written: list = []
        try:
            with ctx.db.write() as session:
                docs = [issue_document_in(session, ctx, operator, "registration_form", matter_id=mid,
                                          written=written) for mid in matter_ids]
        except BaseException:
            discard_files(written)
            raise
        docs = with_paths(ctx, docs)
    result = RegistrationForms(docs)
    if send:
        result.printed = [print_document(ctx, d.id) for d in docs]
    return result


def register_contact_in(session: Session, ctx, operator, contact: ContactInput, *,  # noqa: ANN001
                        validated: bool = False) -> Registration:
    """Register inside the caller's transaction (import registers a whole file in one)."""
    if not validated:
        check_contact(ctx, contact)
    row = Contact(received_at=contact.received_at.replace(microsecond=0, tzinfo=None), channel=contact.channel,
                  headcount=contact.headcount, clerk=contact.clerk, note=contact.note)
    session.add(row)
    session.flush()
    result = Registration(contact_id=row.id)

    for position, p in enumerate(contact.petitioners):
        person = _petitioner(session, p)
        result.petitioner_ids.append(person.id)
        session.add(ContactPetitioner(contact_id=row.id, petitioner_id=person.id,
                                      representative=p.representative, position=position))

    main_index = next((i for i, p in enumerate(contact.petitioners) if p.representative), 0)
    main_id = result.petitioner_ids[main_index]
    received_on = row.received_at.date()
    year = received_on.year
    for m in contact.matters:
        seq = next_number(session, MATTER_SERIES, year)
        matter = Matter(
            number=matter_number(year, seq), year=year, seq=seq, contact_id=row.id, petitioner_id=main_id,
            summary=m.summary, details=m.details, category=m.category, location=m.location, kind=m.kind or None,
            status=Status.REGISTERED.value, received_on=received_on, repeat_of_id=m.repeat_of_id,
        )
        for flag in m.flags:
            setattr(matter, Flag(flag).value, True)
        matter.is_group = matter.is_group or contact.headcount >= GROUP_HEADCOUNT
        matter.is_repeat = matter.is_repeat or m.repeat_of_id is not None
        matter.is_restricted = matter.is_restricted or is_restricted_kind(m.kind)
        session.add(matter)
        session.flush()
        start_matter(session, ctx, matter, received_on)
        record_event(session, operator, REGISTER_ACTION, matter_id=matter.id, contact_id=row.id,
                     to_status=matter.status, note=m.summary,
                     data={"channel": contact.channel, "headcount": contact.headcount,
                           **({"repeat_of": m.repeat_of_id} if m.repeat_of_id else {})},
                     at=max(row.received_at, now()) if received_on == ctx.today() else row.received_at)
        result.matter_ids.append(matter.id)
        result.numbers.append(matter.number)
    return result


def _petitioner(session: Session, p: PetitionerInput) -> Petitioner:
    """The existing person (chosen by the clerk, or the same ID number) or a new one; known fields are updated."""
    person = session.get(Petitioner, p.existing_id) if p.existing_id else None
    if person is None and p.id_number:
        person = session.exec(select(Petitioner).where(Petitioner.id_number == p.id_number)).first()
    if person is None:
        person = Petitioner(name=p.name, name_initials=name_initials(p.name), gender=p.gender,
                        id_number=p.id_number or None, phone=p.phone or None, address=p.address,
                        village=p.village, is_organisation=p.is_organisation)
    else:
        # a returning person: keep what we knew, take what is new (a changed phone, a newly given ID)
        for attr in ("gender", "id_number", "phone"):
            value = getattr(p, attr)
            if value:
                setattr(person, attr, value)
        for attr in ("address", "village"):
            value = getattr(p, attr)
            if value:
                setattr(person, attr, value)
        if p.name and p.name != person.name:
            person.name = p.name
            person.name_initials = name_initials(p.name)
    session.add(person)
    session.flush()
    return person
