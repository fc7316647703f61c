"""Restricted matters (检举控告, 条例第30条): who may see the petitioner, and the log of every view.

Every view of a restricted matter — by anyone, shown or withheld — is an event ``view_restricted`` on the matter.
The identity itself is for the office head only.
"""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from xfdesk.domain.errors import Refused
from xfdesk.domain.privacy import may_see_identity
from xfdesk.services.events import record_event
from xfdesk.services.lookup import find_matter_in
from xfdesk.storage.models import Event, Matter, Petitioner

VIEW_RESTRICTED = "view_restricted"


class AccessRefused(Refused):
    """The operator's role may not see this; the message is for the user."""


def log_restricted_view(session: Session, operator, matter: Matter, *, what: str = "detail") -> Event | None:  # noqa: ANN001
    """Record that ``operator`` opened a restricted matter (inside the caller's transaction); nothing otherwise."""
    if not matter.is_restricted:
        return None
    shown = may_see_identity(operator.role, True)
    return record_event(session, operator, VIEW_RESTRICTED, matter_id=matter.id,
                        note="查看检举控告事项" + ("（含信访人身份）" if shown else "（身份已隐藏）"),
                        data={"what": what, "identity_shown": shown})


def note_view(ctx, operator, matter_ref: int | str, what: str) -> Event | None:  # noqa: ANN001
    """Log that a screen showing the matter was opened (its own small transaction); ordinary matters: nothing."""
    with ctx.db.write() as session:
        return log_restricted_view(session, operator, find_matter_in(session, matter_ref), what=what)


def petitioner_identity(ctx, operator, matter_ref: int | str) -> dict[str, Any]:  # noqa: ANN001
    """The full identity of a matter's petitioner. For a restricted matter only the office head gets it; the
    attempt is logged either way (the refusal too, in its own transaction)."""
    with ctx.db.write() as session:
        matter = find_matter_in(session, matter_ref)
        allowed = may_see_identity(operator.role, matter.is_restricted)
        log_restricted_view(session, operator, matter, what="identity")
        person = session.get(Petitioner, matter.petitioner_id) if allowed else None
    if not allowed:
        raise AccessRefused("检举控告事项的信访人身份须信访办主任权限才能查看（本次查看已记录）")
    return {"name": person.name, "gender": person.gender, "id_number": person.id_number, "phone": person.phone,
            "address": person.address, "village": person.village}
