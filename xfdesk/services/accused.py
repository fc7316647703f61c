"""The unit(s) a 检举控告 matter is about (条例第三十条): recorded as an event on the matter, and never the unit the
matter is assigned to, booked or invited with, or sent a document about it.

条例第三十条 (and 第四十六条(五)): the report's materials and circumstances may not be disclosed or passed to the
person or unit reported. The latest ``accused_units`` event is the matter's list (an empty list clears it).
"""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, select

from xfdesk.domain.errors import Refused
from xfdesk.services.events import record_event
from xfdesk.services.lookup import find_matter_in
from xfdesk.storage.models import Event, Matter, Unit

ACCUSED_UNITS = "accused_units"
BASIS = "《信访工作条例》第三十条：不得将检举、揭发材料以及有关情况透露或者转给被检举、揭发的人员或者单位"


class AccusedUnitRefused(Refused):
    """A step that would hand a 检举控告 matter to the unit it reports."""


def accused_unit_ids(session: Session, matter_id: int) -> set[int]:
    ev = session.exec(select(Event).where(Event.matter_id == matter_id, Event.action == ACCUSED_UNITS)
                      .order_by(Event.id.desc())).first()
    return {int(u) for u in ((ev.data or {}).get("unit_ids") or [])} if ev else set()


def refuse_accused(session: Session, matter: Matter, unit_ids: list[int] | set[int], what: str) -> None:
    """Refuse ``what`` (交办, 督办 …) when one of ``unit_ids`` is a unit the 检举控告 matter reports."""
    if not matter.is_restricted:
        return
    hit = [u for u in unit_ids if u in accused_unit_ids(session, matter.id)]
    if hit:
        names = "、".join(session.get(Unit, u).name for u in hit)
        raise AccusedUnitRefused(f"“{names}”是事项{matter.number}所检举控告的单位，不能{what}（{BASIS}）")


def record_accused_units(ctx, operator, matter_ref: int | str, unit_ids: list[int]) -> dict[str, Any]:  # noqa: ANN001
    """Record which unit(s) a 检举控告 matter is about (replacing the list before). Returns the names and, when the
    matter is already assigned to one of them, a warning to say so (it must be taken back)."""
    unit_ids = list(dict.fromkeys(int(u) for u in unit_ids))
    with ctx.db.write() as session:
        matter = find_matter_in(session, matter_ref)
        if not matter.is_restricted:
            raise AccusedUnitRefused("只有检举控告事项才记录被检举单位")
        units = []
        for uid in unit_ids:
            unit = session.get(Unit, uid)
            if unit is None:
                raise AccusedUnitRefused(f"找不到编号为{uid}的单位")
            units.append(unit)
        names = [u.name for u in units]
        record_event(session, operator, ACCUSED_UNITS, matter_id=matter.id,
                     note=("被检举单位：" + "、".join(names)) if names else "清除被检举单位",
                     data={"unit_ids": unit_ids, "units": names})
        warning = ""
        if matter.unit_id in unit_ids:
            warning = (f"注意：该事项已交办给被检举单位“{session.get(Unit, matter.unit_id).name}”，"
                       "请由该单位提出异议退回或改由其他单位办理")
        return {"units": names, "warning": warning}


def accused_units_of(ctx, matter_id: int) -> list[tuple[int, str]]:  # noqa: ANN001
    """The units recorded as reported by the matter, (id, name) in the order recorded (the matter screen and its
    dialog); empty for any other matter."""
    with ctx.db.read() as session:
        ev = session.exec(select(Event).where(Event.matter_id == matter_id, Event.action == ACCUSED_UNITS)
                          .order_by(Event.id.desc())).first()
        ids = [int(u) for u in ((ev.data or {}).get("unit_ids") or [])] if ev else []
        return [(u, unit.name) for u in ids if (unit := session.get(Unit, u)) is not None]
