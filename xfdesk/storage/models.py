"""The records of domain §2 as SQLModel tables.

Times are China Standard Time, stored naive (the office works in one time zone; the exchange format adds +08:00).
Everything here must run on SQLite and PostgreSQL alike; SQLite-only objects (FTS5) live in ``search_sqlite``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Optional

from sqlalchemy import JSON, Column, Index, Text, UniqueConstraint, text
from sqlalchemy import event as sa_event
from pydantic import NaiveDatetime
from sqlmodel import Field, Session, SQLModel


def now() -> dt.datetime:
    """Local wall-clock time, second precision (what clerks see and print)."""
    return dt.datetime.now().replace(microsecond=0)


class Petitioner(SQLModel, table=True):
    """信访人: a person (or an organisation) who may come many times."""

    id: Optional[int] = Field(default=None, primary_key=True)
    name: str = Field(max_length=100, index=True)
    name_initials: str = Field(default="", max_length=100, index=True)  # pinyin initials, e.g. 张三 → zs
    gender: Optional[str] = Field(default=None, max_length=2)
    id_number: Optional[str] = Field(default=None, max_length=18, index=True)
    phone: Optional[str] = Field(default=None, max_length=20, index=True)
    address: str = Field(default="", max_length=200)
    village: str = Field(default="", max_length=50, index=True)
    is_organisation: bool = False
    note: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    created_at: NaiveDatetime = Field(default_factory=now)


class Contact(SQLModel, table=True):
    """One reception event (来访/来信/来电/网上/领导接访/下访)."""

    id: Optional[int] = Field(default=None, primary_key=True)
    received_at: NaiveDatetime = Field(index=True)
    channel: str = Field(max_length=10)
    headcount: int = 1
    clerk: str = Field(max_length=50)
    note: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    reception_day_id: Optional[int] = Field(default=None, foreign_key="receptionday.id", index=True)
    created_at: NaiveDatetime = Field(default_factory=now)


class ContactPetitioner(SQLModel, table=True):
    """Who came in a contact; ``representative`` marks the (at most 5) representatives of a group visit."""

    # a person's contacts from the index alone (search lists the matters of every contact a person took part in)
    __table_args__ = (Index("ix_contactpetitioner_person_contact", "petitioner_id", "contact_id"),)

    contact_id: int = Field(foreign_key="contact.id", primary_key=True)
    petitioner_id: int = Field(foreign_key="petitioner.id", primary_key=True, index=True)
    representative: bool = False
    position: int = 0


class Matter(SQLModel, table=True):
    """信访事项: one demand. Its number is XF-<year>-<6 digits>, gap-free within the year."""

    # the list's deadline order (nearest first, none last) from an index, alone and within a status (0004)
    __table_args__ = (UniqueConstraint("year", "seq"), Index("ix_matter_status_due", "status", "due_on"),
                      Index("ix_matter_due_order", text("(due_on IS NULL)"), "due_on", "id"),
                      Index("ix_matter_status_due_order", "status", text("(due_on IS NULL)"), "due_on", "id"),
                      # a contact's (visible) matters from the index alone: search, a person's history
                      Index("ix_matter_contact_restricted", "contact_id", "is_restricted", "id"),
                      Index("ix_matter_repeat_of_id", "repeat_of_id"))

    id: Optional[int] = Field(default=None, primary_key=True)
    number: str = Field(max_length=20, unique=True, index=True)
    year: int
    seq: int
    contact_id: int = Field(foreign_key="contact.id", index=True)
    petitioner_id: int = Field(foreign_key="petitioner.id", index=True)
    summary: str = Field(max_length=200)
    details: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    category: str = Field(default="", max_length=50, index=True)
    location: str = Field(default="", max_length=50, index=True)  # 问题属地 (a village)
    kind: Optional[str] = Field(default=None, max_length=10)  # MatterKind value, decided at screening
    status: str = Field(default="registered", max_length=20, index=True)
    received_on: dt.date = Field(index=True)
    # flags (domain §2); column names are glossary.Flag values
    is_group: bool = False
    is_repeat: bool = False
    is_skip_level: bool = False
    is_litigation: bool = False
    is_restricted: bool = False  # 检举控告: identity shown to the office head only
    is_urgent: bool = False
    is_threat: bool = False
    is_fast_track: bool = False  # 初访速办
    repeat_of_id: Optional[int] = Field(default=None, foreign_key="matter.id")
    unit_id: Optional[int] = Field(default=None, foreign_key="unit.id", index=True)
    leader_id: Optional[int] = Field(default=None, foreign_key="leader.id")  # 包案领导
    route: Optional[str] = Field(default=None, max_length=20)  # screening action taken (lifecycle.Action)
    route_reason: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    route_basis: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    forwarded_to: str = Field(default="", max_length=100)  # 转送 body or 法定途径
    reply_result: Optional[str] = Field(default=None, max_length=10)
    extension_days: int = 0
    due_on: Optional[dt.date] = Field(default=None, index=True)  # nearest open duty deadline (for lists)
    closed_on: Optional[dt.date] = Field(default=None, index=True)  # 办结 of a month (reports)
    # 查询码 (domain.query_code): given at 受理, printed on the 受理告知书, answers a phone call about this matter only
    query_code: Optional[str] = Field(default=None, max_length=12, unique=True, index=True)
    created_at: NaiveDatetime = Field(default_factory=now)
    updated_at: NaiveDatetime = Field(default_factory=now)


class Deadline(SQLModel, table=True):
    """A running or finished legal clock of a matter. When it ends, ``on_time`` is stored and never recomputed."""

    # A matter's open clocks are looked up on every action: (matter_id, state) answers that from the index alone.
    # (An index led by state would tempt SQLite's planner to read every open clock of the office instead.)
    # The reports count the clocks that settled in a month: on time by the day they ended, late by their due date.
    __table_args__ = (Index("ix_deadline_matter_state", "matter_id", "state"),
                      Index("ix_deadline_name_state_ended", "name", "state", "ended_on"),
                      Index("ix_deadline_name_due", "name", "due_on"))

    id: Optional[int] = Field(default=None, primary_key=True)
    matter_id: int = Field(foreign_key="matter.id")
    name: str = Field(max_length=30)  # key of the rule profile's limits
    kind: str = Field(default="duty", max_length=10)
    start_on: dt.date
    due_on: dt.date
    state: str = Field(default="open", max_length=10)  # open | met | late | cancelled
    ended_on: Optional[dt.date] = None
    on_time: Optional[bool] = None
    extension_days: int = 0
    paused_days: int = 0
    assumed: bool = False  # computed without the year's holiday schedule (weekends only)
    basis: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))


class ClockPause(SQLModel, table=True):
    """A stopped clock (听证): ``ended_on`` empty while it lasts."""

    id: Optional[int] = Field(default=None, primary_key=True)
    matter_id: int = Field(foreign_key="matter.id", index=True)
    started_on: dt.date
    ended_on: Optional[dt.date] = None
    reason: str = Field(default="", max_length=500)


class Event(SQLModel, table=True):
    """The append-only timeline and audit trail. Rows are never updated or deleted."""

    __table_args__ = (Index("ix_event_action_matter_at", "action", "matter_id", "at"),)

    id: Optional[int] = Field(default=None, primary_key=True)
    matter_id: Optional[int] = Field(default=None, foreign_key="matter.id", index=True)
    contact_id: Optional[int] = Field(default=None, foreign_key="contact.id")
    at: NaiveDatetime = Field(default_factory=now, index=True)
    actor: str = Field(max_length=50)
    role: str = Field(default="clerk", max_length=10)
    action: str = Field(max_length=30, index=True)
    from_status: Optional[str] = Field(default=None, max_length=20)
    to_status: Optional[str] = Field(default=None, max_length=20)
    note: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    data: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False, default=dict))


class Unit(SQLModel, table=True):
    """责任单位 (village committee, 派出所, 司法所 …), synced from data/units.toml."""

    id: Optional[int] = Field(default=None, primary_key=True)
    name: str = Field(max_length=100, unique=True)
    kind: str = Field(default="", max_length=30)
    head: str = Field(default="", max_length=50)
    phone: str = Field(default="", max_length=30)
    active: bool = True


class Leader(SQLModel, table=True):
    """班子成员 who receive petitioners on reception days."""

    id: Optional[int] = Field(default=None, primary_key=True)
    name: str = Field(max_length=50)
    title: str = Field(default="", max_length=50)
    order: int = 0
    active: bool = True


class ReceptionDay(SQLModel, table=True):
    """接访日: the actual date (after 逢节假日顺延) and the rule date it came from."""

    id: Optional[int] = Field(default=None, primary_key=True)
    day: dt.date = Field(unique=True, index=True)
    planned_for: Optional[dt.date] = None  # the rule's date before a holiday moved it
    slots: int = 8
    slot_minutes: int = 30
    note: str = Field(default="", max_length=500)


class ReceptionDayLeader(SQLModel, table=True):
    """A leader sitting on a reception day; a swap or absence keeps who was planned and why."""

    id: Optional[int] = Field(default=None, primary_key=True)
    reception_day_id: int = Field(foreign_key="receptionday.id", index=True)
    leader_id: int = Field(foreign_key="leader.id")
    planned_leader_id: Optional[int] = Field(default=None, foreign_key="leader.id")
    change_reason: str = Field(default="", max_length=500)
    manual: bool = False  # set by a swap: survives regeneration


class Appointment(SQLModel, table=True):
    """约访: a matter booked into a reception day and slot with a leader."""

    id: Optional[int] = Field(default=None, primary_key=True)
    reception_day_id: int = Field(foreign_key="receptionday.id", index=True)
    matter_id: int = Field(foreign_key="matter.id", index=True)
    leader_id: Optional[int] = Field(default=None, foreign_key="leader.id")
    slot: int = 0
    state: str = Field(default="booked", max_length=12)  # booked | attended | absent | cancelled
    instruction: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))  # 领导批示
    created_at: NaiveDatetime = Field(default_factory=now)


class FollowUp(SQLModel, table=True):
    """回访."""

    id: Optional[int] = Field(default=None, primary_key=True)
    matter_id: int = Field(foreign_key="matter.id", index=True)
    on: dt.date
    method: str = Field(max_length=20)
    satisfaction: str = Field(max_length=10)
    note: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    clerk: str = Field(default="", max_length=50)


class Review(SQLModel, table=True):
    """复查 (level 1) or 复核 (level 2) request against an earlier reply."""

    id: Optional[int] = Field(default=None, primary_key=True)
    matter_id: int = Field(foreign_key="matter.id", index=True)
    level: int  # 1 = 复查, 2 = 复核
    requested_on: dt.date
    body: str = Field(default="", max_length=100)
    concluded_on: Optional[dt.date] = None
    result: Optional[str] = Field(default=None, max_length=10)
    note: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))


class Document(SQLModel, table=True):
    """文书: every issued document with its 文号; a voided one keeps its number."""

    __table_args__ = (UniqueConstraint("kind", "year", "seq"),)

    id: Optional[int] = Field(default=None, primary_key=True)
    kind: str = Field(max_length=30, index=True)
    number_text: str = Field(default="", max_length=60)
    year: int
    seq: int
    matter_id: Optional[int] = Field(default=None, foreign_key="matter.id", index=True)
    reception_day_id: Optional[int] = Field(default=None, foreign_key="receptionday.id")
    unit_id: Optional[int] = Field(default=None, foreign_key="unit.id")
    # relative to the data folder (output/2026/11/…docx), so a moved or copied folder reprints into itself; rows
    # from before keep their absolute path (services.documents.stored_path finds them under the folder too)
    file_path: str = Field(default="", max_length=500)
    operator: str = Field(max_length=50)
    issued_at: NaiveDatetime = Field(default_factory=now)
    void: bool = False
    void_reason: str = Field(default="", max_length=500)
    # the filled fields as the template saw them: a reprint renders these, never today's records
    rendered_values: Optional[dict[str, Any]] = Field(default=None, sa_column=Column(JSON, nullable=True))


class NumberSeries(SQLModel, table=True):
    """Gap-free counters: matter numbers and 文号 per kind per year. Incremented inside the using transaction."""

    series: str = Field(primary_key=True, max_length=40)
    year: int = Field(primary_key=True)
    last: int = 0


class CalendarDay(SQLModel, table=True):
    """A day of an office-entered holiday schedule (wins over chinese-calendar for its year)."""

    day: dt.date = Field(primary_key=True)
    year: int = Field(index=True)
    is_workday: bool  # True = 调休上班, False = 放假
    name: str = Field(default="", max_length=30)


class CalendarYear(SQLModel, table=True):
    """A year the office entered itself, with when and from which file."""

    year: int = Field(primary_key=True)
    imported_at: NaiveDatetime = Field(default_factory=now)
    source_file: str = Field(default="", max_length=500)


class Account(SQLModel, table=True):
    """A person who signs in at the desk or runs commands. The password is kept only as an argon2id hash (its salt
    is inside the hash string); the head's one-time recovery code likewise."""

    id: Optional[int] = Field(default=None, primary_key=True)
    name: str = Field(max_length=50, unique=True)
    name_initials: str = Field(default="", max_length=50)
    role: str = Field(default="clerk", max_length=10)
    password_hash: str = Field(max_length=200)
    recovery_hash: str = Field(default="", max_length=200)
    active: bool = True
    failed_attempts: int = 0
    locked_until: Optional[NaiveDatetime] = None
    last_sign_in_at: Optional[NaiveDatetime] = None
    created_at: NaiveDatetime = Field(default_factory=now)


class Setting(SQLModel, table=True):
    key: str = Field(primary_key=True, max_length=60)
    value: Any = Field(default=None, sa_column=Column(JSON))


class EventLogIsAppendOnly(Exception):
    pass


# The event log is evidence: refuse any update or delete of a stored Event at flush time.
@sa_event.listens_for(Session, "before_flush")
def _refuse_event_changes(session: Session, _ctx, _instances) -> None:  # noqa: ANN001
    for obj in list(session.dirty) + list(session.deleted):
        if isinstance(obj, Event) and (obj in session.deleted or session.is_modified(obj)):
            raise EventLogIsAppendOnly("办理记录只能追加，不能修改或删除")
