"""Finding one matter inside a session: the one lookup every service uses (by id or by number)."""

from __future__ import annotations

from sqlmodel import Session, select

from xfdesk.domain.errors import Refused
from xfdesk.storage.models import Matter


class MatterNotFound(Refused):
    """No matter with that id or number."""


def find_matter_in(session: Session, matter_ref: int | str) -> Matter:
    """The matter by id or number (any case); ``MatterNotFound`` with a Chinese message when there is none."""
    matter = None
    if isinstance(matter_ref, int) or (isinstance(matter_ref, str) and matter_ref.strip().isdigit()):
        matter = session.get(Matter, int(matter_ref))
    if matter is None and isinstance(matter_ref, str):
        matter = session.exec(select(Matter).where(Matter.number == matter_ref.strip().upper())).first()
    if matter is None:
        raise MatterNotFound(f"找不到事项：{matter_ref}")
    return matter
