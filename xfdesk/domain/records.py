"""Plain input records for registration, shared by every entry path (TUI form, import file, demo generator).

Validation (``validation.validate_contact``) checks them; the registration service stores them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


@dataclass
class PetitionerInput:
    name: str
    gender: str | None = None
    id_number: str | None = None
    phone: str | None = None
    address: str = ""
    village: str = ""
    representative: bool = False
    is_organisation: bool = False
    existing_id: int | None = None  # a petitioner already on record (found by search): reuse, do not duplicate


@dataclass
class MatterInput:
    summary: str
    details: str = ""
    category: str = ""
    location: str = ""
    kind: str | None = None
    repeat_of_id: int | None = None  # marked 重复访 of an earlier matter
    flags: set[str] = field(default_factory=set)  # glossary.Flag values set by the clerk


@dataclass
class ContactInput:
    received_at: dt.datetime
    channel: str
    clerk: str
    petitioners: list[PetitionerInput]
    matters: list[MatterInput]
    headcount: int = 1
    note: str = ""
