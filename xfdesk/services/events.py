"""Writing the append-only event log (the matter timeline and the audit trail)."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from xfdesk.storage.models import Event, now


def record_event(session: Session, operator, action: str, *, matter_id: int | None = None,  # noqa: ANN001
                 contact_id: int | None = None, from_status: str | None = None, to_status: str | None = None,
                 note: str = "", data: dict[str, Any] | None = None, at=None) -> Event:  # noqa: ANN001
    ev = Event(matter_id=matter_id, contact_id=contact_id, actor=operator.name, role=str(operator.role),
               action=action, from_status=from_status, to_status=to_status, note=note, data=data or {},
               at=at or now())
    session.add(ev)
    return ev
