"""The Excel 台账 out (issue 14 item 4): one row per matter in the columns township offices keep.

Streamed: the rows are read in pages from one SQL statement (joins and a correlated subquery, no ORM objects) and
written straight into the sheet's XML as they come (``xlsx_stream``: openpyxl took 40 s for a year of 100,000), so a year of a large office needs neither the whole office
in memory nor a Python loop per related table. ID numbers and phones are masked unless the head asks for full
values (``full``), which is logged; a 检举控告 matter's petitioner is never written unless the head asks for full
values either.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from sqlmodel import select

from xfdesk.domain.errors import Refused
from xfdesk.domain.glossary import FLAG_LABELS, DeadlineState, Flag
from xfdesk.domain.lifecycle import FINISHED_STATUSES, HANDLING, STATUS_LABELS, Status
from xfdesk.domain.privacy import RESTRICTED_TEXT, mask_id_number, mask_phone
from xfdesk.services.events import record_event
from xfdesk.services.xlsx_stream import write_xlsx
from xfdesk.storage.models import Contact, Deadline, FollowUp, Matter, Petitioner, Unit

LEDGER_COLUMNS: tuple[tuple[str, int], ...] = (  # (header, width in Excel's character columns: CJK counts two)
    ("序号", 7), ("编号", 16), ("登记日期", 12), ("来访形式", 9), ("信访人", 12), ("身份证号", 21),
    ("联系电话", 14), ("住址", 28), ("人数", 6), ("问题类别", 12), ("诉求摘要", 44), ("责任单位", 14),
    ("办理期限", 12), ("办理情况", 18), ("答复日期", 12), ("是否办结", 9), ("回访满意度", 11), ("备注", 24))
RESTRICTED_NAME = "（检举控告，不显示）"
_FINISHED = {s.value for s in FINISHED_STATUSES}
_PAGE = 1000


class LedgerRefused(Refused):
    pass


@dataclass(frozen=True)
class LedgerExport:
    file: str
    rows: int
    full: bool
    restricted: int


def _statement(since: dt.date | None, until: dt.date | None):  # noqa: ANN202
    handling_due = (select(Deadline.due_on).where(Deadline.matter_id == Matter.id, Deadline.name == HANDLING,
                                                  Deadline.state != DeadlineState.CANCELLED.value)
                    .order_by(Deadline.id.desc()).limit(1).correlate(Matter).scalar_subquery())
    satisfaction = (select(FollowUp.satisfaction).where(FollowUp.matter_id == Matter.id)
                    .order_by(FollowUp.on.desc(), FollowUp.id.desc()).limit(1).correlate(Matter).scalar_subquery())
    stmt = (select(Matter.number, Matter.received_on, Contact.channel, Petitioner.name, Petitioner.id_number,
                   Petitioner.phone, Petitioner.address, Contact.headcount, Matter.category, Matter.summary,
                   Unit.name, handling_due, Matter.status, Matter.reply_result, Matter.forwarded_to,
                   Matter.closed_on, satisfaction, Matter.is_restricted, Matter.is_group, Matter.is_repeat,
                   Matter.is_skip_level, Matter.is_litigation, Matter.is_urgent, Matter.is_threat)
            .join(Contact, Contact.id == Matter.contact_id).join(Petitioner, Petitioner.id == Matter.petitioner_id)
            .outerjoin(Unit, Unit.id == Matter.unit_id))
    if since:
        stmt = stmt.where(Matter.received_on >= since)
    if until:
        stmt = stmt.where(Matter.received_on <= until)
    return stmt.order_by(Matter.received_on, Matter.id)


_FLAG_COLUMNS = (Flag.GROUP, Flag.REPEAT, Flag.SKIP_LEVEL, Flag.LITIGATION, Flag.URGENT, Flag.THREAT)


def ledger_row(index: int, r, full: bool) -> list:  # noqa: ANN001
    (number, received, channel, name, id_number, phone, address, headcount, category, summary, unit, due, status,
     reply_result, forwarded_to, closed_on, satisfaction, restricted, *flags) = r
    state = STATUS_LABELS.get(Status(status), status)
    handling = f"{state}（{reply_result}）" if reply_result else (f"{state}：{forwarded_to}" if forwarded_to else state)
    notes = [FLAG_LABELS[f] for f, on in zip(_FLAG_COLUMNS, flags) if on]
    if restricted:
        notes.insert(0, FLAG_LABELS[Flag.ACCUSATION])
    hidden = restricted and not full
    return [index, number, received, channel, RESTRICTED_NAME if hidden else name,
            "" if hidden else (id_number or "") if full else mask_id_number(id_number),
            "" if hidden else (phone or "") if full else mask_phone(phone),
            "" if hidden else address, headcount, category, RESTRICTED_TEXT if hidden else summary, unit or "", due, handling, closed_on,
            "是" if status in _FINISHED else "否", satisfaction or "", "、".join(notes)]


def export_ledger(ctx, operator, path: Path | str, *, since: dt.date | None = None,  # noqa: ANN001
                  until: dt.date | None = None, full: bool = False) -> LedgerExport:
    """Write the 台账 of the matters received in ``[since, until]`` to ``path`` (written whole or not at all)."""
    if full and not operator.is_head:
        raise LedgerRefused("只有信访办主任可以导出完整的身份证号和联系电话")
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".part")
    restricted = 0

    def rows(session):  # noqa: ANN001, ANN202
        nonlocal restricted
        # Core rows on the session's connection, streamed: the ORM's result wrapping took two thirds of the time
        result = session.connection().execution_options(yield_per=_PAGE).execute(_statement(since, until))
        for index, r in enumerate(result, 1):
            restricted += bool(r[17])
            yield ledger_row(index, r, full)

    try:
        with ctx.db.read() as s:
            count = write_xlsx(partial, "信访台账", [h for h, _ in LEDGER_COLUMNS], [w for _, w in LEDGER_COLUMNS],
                               rows(s))
        partial.replace(path)
    finally:
        partial.unlink(missing_ok=True)
    rows_written = count
    period = f"{since or '最早'}至{until or '现在'}"
    with ctx.db.write() as s:
        record_event(s, operator, "export", note=f"导出信访台账 {path.name}（{period}）：{rows_written}项"
                     + ("，含完整身份证号和电话" if full else "，身份证号和电话已遮蔽")
                     + (f"，含检举控告事项{restricted}项" if restricted else ""),
                     data={"file": str(path), "format": "xlsx", "since": since.isoformat() if since else None,
                           "until": until.isoformat() if until else None, "matters": rows_written, "full": full,
                           "restricted": restricted})
    return LedgerExport(str(path), rows_written, full, restricted)

