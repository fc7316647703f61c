"""``xfdesk query CODE`` and the desk's find box: a phone call asks after a matter by its 查询码.

The answer is the matter's own state only (number, status, the step under way, its due date, the unit): never a
name, an ID number, a phone or the demand's text, so a code read out by anyone reveals no person. Every lookup,
found or not, is logged (who asked, the code): a run of wrong codes from one desk shows in the audit trail.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlmodel import select

from xfdesk.domain.glossary import DeadlineState
from xfdesk.domain.lifecycle import STATUS_LABELS, DeadlineKind, Status
from xfdesk.domain.query_code import QueryCodeRefused, format_query_code, normalize_query_code
from xfdesk.services.events import record_event
from xfdesk.storage.models import Deadline, Matter, Unit

QUERY_ACTION = "query_code"


@dataclass(frozen=True)
class QueryAnswer:
    code: str
    number: str
    received_on: dt.date
    status: str
    step: str  # the clock under way ("" when the office owes nothing now)
    due_on: dt.date | None
    unit: str
    matter_id: int

    def lines(self) -> list[tuple[str, str]]:
        return [("查询码", format_query_code(self.code)), ("事项编号", self.number),
                ("登记日期", f"{self.received_on.year}年{self.received_on.month}月{self.received_on.day}日"),
                ("办理状态", self.status), ("当前环节", self.step or "—"),
                ("期限", f"{self.due_on.year}年{self.due_on.month}月{self.due_on.day}日" if self.due_on else "—"),
                ("责任单位", self.unit or "—")]


def query_matter(ctx, operator, text: str) -> QueryAnswer:  # noqa: ANN001
    """The state of the matter whose 查询码 is ``text``; ``QueryCodeRefused`` (logged too) when there is none."""
    code = normalize_query_code(text)
    with ctx.db.write() as s:
        matter = s.exec(select(Matter).where(Matter.query_code == code)).first()
        record_event(s, operator, QUERY_ACTION, matter_id=matter.id if matter else None,
                     note=f"查询码查询 {format_query_code(code)}：{'已找到' if matter else '没有此查询码'}",
                     data={"code": code, "found": matter is not None})
    if matter is None:
        raise QueryCodeRefused(f"没有这个查询码：{format_query_code(code)}（请核对受理告知书上的查询码）")
    with ctx.db.read() as s:
        clock = s.exec(select(Deadline).where(Deadline.matter_id == matter.id,
                                              Deadline.state == DeadlineState.OPEN.value,
                                              Deadline.kind == DeadlineKind.DUTY.value)
                       .order_by(Deadline.due_on, Deadline.id)).first()
        unit = s.get(Unit, matter.unit_id).name if matter.unit_id else ""
    step = ctx.profile.clock_label(clock.name, matter.kind) if clock else ""
    return QueryAnswer(code, matter.number, matter.received_on, STATUS_LABELS.get(Status(matter.status), matter.status),
                       step, clock.due_on if clock else None, unit, matter.id)


def answer_if_query_code(ctx, operator, text: str) -> QueryAnswer | None:  # noqa: ANN001
    """For the desk's find box: the answer when ``text`` is the 查询码 of a matter (the lookup logged), else None
    quietly (a name or a phone typed there is an ordinary search, not a failed code)."""
    try:
        code = normalize_query_code(text)
    except QueryCodeRefused:
        return None
    with ctx.db.read() as s:
        if s.exec(select(Matter.id).where(Matter.query_code == code)).first() is None:
            return None
    return query_matter(ctx, operator, code)
