"""Finding one matter inside a session: the one lookup every service uses (by id or by number)."""

from __future__ import annotations

import datetime as dt

from sqlmodel import Session, select

from xfdesk.domain.errors import Refused
from xfdesk.domain.numbering import resolve_matter_ref
from xfdesk.storage.models import Matter


class MatterNotFound(Refused):
    """No matter with that id or number."""


def find_matter_in(session: Session, matter_ref: int | str, this_year: int | None = None) -> Matter:
    """The matter by id (an int) or number as typed (``XF-2026-000287``, or ``287`` for this year's: see
    ``domain.numbering.resolve_matter_ref``; text never falls back to a database id); ``MatterNotFound`` with a
    Chinese message when there is none."""
    if isinstance(matter_ref, int):
        matter = session.get(Matter, matter_ref)
    else:
        number = resolve_matter_ref(str(matter_ref), this_year or dt.date.today().year)
        matter = session.exec(select(Matter).where(Matter.number == number)).first()
        matter_ref = number
    if matter is None:
        raise MatterNotFound(f"找不到事项：{matter_ref}")
    return matter
