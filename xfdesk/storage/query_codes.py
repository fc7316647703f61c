"""Drawing a 查询码 that no other matter has (the unique index on ``matter.query_code`` is the guarantee)."""

from __future__ import annotations

from sqlmodel import Session, select

from xfdesk.domain.query_code import new_query_code
from xfdesk.storage.models import Matter


def assign_query_code(session: Session) -> str:
    """A fresh code; with 30**8 codes a collision is rare, and then the next draw is taken."""
    pending = {m.query_code for m in session.new if isinstance(m, Matter) and m.query_code}
    while True:
        code = new_query_code()
        if code in pending:
            continue
        with session.no_autoflush:
            taken = session.exec(select(Matter.id).where(Matter.query_code == code)).first()
        if taken is None:
            return code
