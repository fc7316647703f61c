"""A county's Excel 台账 in (issue 14 item 5): how an office moves its years of records into xfdesk.

``import_ledger(..., dry_run=True)`` reads and checks every row and reports: rows that would import, rows refused
(row number, column, reason, in Chinese), people who match petitioners already on record, categories and units not
in the office's lists with the closest known name. The real run is all-or-nothing, like the exchange import: one
refused row and nothing is written.

An imported matter is registered through the same service as a typed one (numbering, petitioner matching, the
audit event), then archived on its answer date (the registration date when the ledger has none) with its clocks
cancelled: the office handled it before xfdesk, so no deadline of it may show as overdue now.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from rapidfuzz import process
from sqlmodel import Session, select

from xfdesk.domain.errors import Refused
from xfdesk.domain.ledger import (FIELD_NAMES, REQUIRED, CellRefused, cell_text, match_headers, parse_channel,
                                  parse_date, parse_finished, parse_headcount, parse_satisfaction)
from xfdesk.domain.lifecycle import Status
from xfdesk.domain.records import ContactInput, MatterInput, PetitionerInput
from xfdesk.domain.validation import GROUP_HEADCOUNT, validate_contact
from xfdesk.services import reference
from xfdesk.services.events import record_event
from xfdesk.storage import bulk
from xfdesk.storage.models import Petitioner, Unit, now

IMPORT_CLERK = "台账导入"
IMPORT_ACTION = "ledger_import"
SUMMARY_LENGTH = 200
_HEADER_SCAN_ROWS = 15


class LedgerImportRejected(Refused):
    """The file cannot be imported: ``report`` says every reason (nothing has been written)."""

    def __init__(self, message: str, report: LedgerReport | None = None):
        super().__init__(message)
        self.report = report


@dataclass(frozen=True)
class RowError:
    row: int  # the row number Excel shows
    column: str  # the header as the ledger names it ("" when the row as a whole is refused)
    reason: str

    @property
    def message(self) -> str:
        where = f"第{self.row}行" + (f"“{self.column}”列" if self.column else "")
        return f"{where}：{self.reason}"


@dataclass
class LedgerRow:
    row: int
    contact: ContactInput
    unit: str
    answered_on: dt.date | None
    finished: bool | None
    satisfaction: str | None
    existing_id: int | None = None


@dataclass
class LedgerReport:
    file: str
    sheet: str
    header_row: int
    columns: dict[str, str]  # field → the ledger's header
    rows: list[LedgerRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    blank_rows: int = 0
    matched_people: list[tuple[int, str, str]] = field(default_factory=list)  # (row, name, how)
    unknown_categories: dict[str, str | None] = field(default_factory=dict)  # name → closest known
    unknown_units: dict[str, str | None] = field(default_factory=dict)
    without_answer_date: int = 0
    numbers: list[str] = field(default_factory=list)  # after a real run

    @property
    def ok(self) -> bool:
        return not self.errors and bool(self.rows)


@dataclass(frozen=True)
class LedgerMap:
    columns: dict[str, str]  # the ledger's header → field
    sheet: str | None = None
    header_row: int | None = None
    units: dict[str, str] = field(default_factory=dict)  # a ledger's unit name → the office's
    categories: dict[str, str] = field(default_factory=dict)


def load_map(path: Path | str | None) -> LedgerMap:
    """A mapping file (TOML): ``[columns] "来访时间点" = "received_on"``, optional ``sheet``, ``header_row``,
    ``[units]`` and ``[categories]`` renames."""
    if path is None:
        return LedgerMap({})
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise LedgerImportRejected(f"找不到对照文件：{path}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise LedgerImportRejected(f"对照文件 {path.name} 格式有误：{exc}") from None
    columns = {str(k): str(v) for k, v in data.get("columns", {}).items()}
    unknown = sorted(set(columns.values()) - set(FIELD_NAMES))
    if unknown:
        raise LedgerImportRejected(f"对照文件 {path.name} 中没有这些字段：{'、'.join(unknown)}"
                                   f"（可用：{'、'.join(f'{k}（{v}）' for k, v in FIELD_NAMES.items())}）")
    header_row = data.get("header_row")
    if header_row is not None and (not isinstance(header_row, int) or header_row < 1):
        raise LedgerImportRejected(f"对照文件 {path.name}：header_row 应为正整数")
    return LedgerMap(columns, data.get("sheet"), header_row, {str(k): str(v) for k, v in data.get("units", {}).items()},
                     {str(k): str(v) for k, v in data.get("categories", {}).items()})


def _cells(path: Path, mapping: LedgerMap) -> tuple[str, list[list[object]]]:
    """The sheet's values, merged ranges filled with their top-left value (a date or a name merged over the
    rows of one visit belongs to each of them)."""
    from openpyxl import load_workbook

    try:
        wb = load_workbook(path, data_only=True)
    except FileNotFoundError:
        raise LedgerImportRejected(f"找不到文件：{path}") from None
    except Exception as exc:  # zip, XML: a file that is not an .xlsx workbook  # noqa: BLE001
        raise LedgerImportRejected(f"{path.name} 不是可读取的 Excel 工作簿（.xlsx）：{type(exc).__name__}") from None
    if mapping.sheet and mapping.sheet not in wb.sheetnames:
        raise LedgerImportRejected(f"{path.name} 中没有工作表“{mapping.sheet}”（有：{'、'.join(wb.sheetnames)}）")
    ws = wb[mapping.sheet] if mapping.sheet else wb.worksheets[0]
    values = [list(r) for r in ws.iter_rows(values_only=True)]
    for merged in ws.merged_cells.ranges:
        top = values[merged.min_row - 1][merged.min_col - 1]
        for r in range(merged.min_row, merged.max_row + 1):
            for c in range(merged.min_col, merged.max_col + 1):
                values[r - 1][c - 1] = top
    return ws.title, values


def _header(values: list[list[object]], mapping: LedgerMap) -> tuple[int, dict[str, int]]:
    if mapping.header_row:
        if mapping.header_row > len(values):
            raise LedgerImportRejected(f"表中没有第{mapping.header_row}行")
        return mapping.header_row, match_headers(values[mapping.header_row - 1], mapping.columns)
    best = (0, {})
    for i, row in enumerate(values[:_HEADER_SCAN_ROWS], 1):
        found = match_headers(row, mapping.columns)
        if len(found) > len(best[1]):
            best = (i, found)
    return best


def read_ledger(ctx, path: Path | str, mapping: LedgerMap | None = None) -> LedgerReport:  # noqa: ANN001
    """Read and check every row (nothing is written)."""
    path = Path(path)
    mapping = mapping or LedgerMap({})
    sheet, values = _cells(path, mapping)
    header_row, columns = _header(values, mapping)
    missing = [FIELD_NAMES[f] for f in REQUIRED if f not in columns]
    if missing:
        raise LedgerImportRejected(f"{path.name}：找不到这些列：{'、'.join(missing)}（表头在第{header_row or 1}行？"
                                   "列名不同时请用 --map 对照文件指明）")
    headers = values[header_row - 1]
    report = LedgerReport(str(path), sheet, header_row, {f: str(headers[i]) for f, i in columns.items()})
    categories = reference.categories(ctx.home)
    with ctx.db.read() as s:
        units = list(s.exec(select(Unit.name).where(Unit.active == True)))  # noqa: E712
        for offset, raw in enumerate(values[header_row:], header_row + 1):
            if all(cell_text(v) == "" for v in raw):
                report.blank_rows += 1
                continue
            _read_row(s, ctx, report, offset, raw, columns, mapping, categories, units)
        _match_people(s, report)
    return report


def _read_row(s: Session, ctx, report: LedgerReport, row: int, raw: list[object], columns: dict[str, int],  # noqa: ANN001
              mapping: LedgerMap, categories: list[str], units: list[str]) -> None:
    def get(name: str) -> object:
        i = columns.get(name)
        return raw[i] if i is not None and i < len(raw) else None

    def text(name: str) -> str:
        return cell_text(get(name))

    errors: list[RowError] = []

    def refuse(name: str, reason: str) -> None:
        errors.append(RowError(row, report.columns.get(name, FIELD_NAMES.get(name, name)), reason))

    values: dict[str, object] = {}
    for name, parse in (("received_on", parse_date), ("due_on", parse_date), ("answered_on", parse_date)):
        try:
            values[name] = parse(get(name), FIELD_NAMES[name])
        except CellRefused as exc:
            refuse(name, str(exc))
    for name, parse in (("channel", parse_channel), ("headcount", parse_headcount)):
        try:
            values[name] = parse(get(name))
        except CellRefused as exc:
            refuse(name, str(exc))
    for name in REQUIRED:
        if name in columns and not text(name) and name not in {e.column for e in errors}:
            refuse(name, f"{FIELD_NAMES[name]}不能为空")
    received = values.get("received_on")
    if isinstance(received, dt.date) and received > ctx.today():
        refuse("received_on", f"登记日期 {received} 晚于今天")
    answered = values.get("answered_on")
    if isinstance(received, dt.date) and isinstance(answered, dt.date) and answered < received:
        refuse("answered_on", f"答复日期 {answered} 早于登记日期 {received}")
    summary = text("summary")
    details = []
    if len(summary) > SUMMARY_LENGTH:
        details.append(summary)
        summary = summary[:SUMMARY_LENGTH - 1] + "…"
    for name, label in (("number", "原台账编号"), ("handling", "办理情况"), ("due_on", "办理期限"),
                        ("satisfaction", "回访情况"), ("note", "备注")):
        if text(name):
            details.append(f"{label}：{text(name)}")
    category = mapping.categories.get(text("category"), text("category"))
    unit = mapping.units.get(text("unit"), text("unit"))
    if unit and unit not in units:
        details.append(f"原责任单位：{unit}")
    headcount = values.get("headcount", 1)
    contact = ContactInput(
        received_at=dt.datetime.combine(received, dt.time(9, 0)) if isinstance(received, dt.date) else None,
        channel=values.get("channel", "走访"), clerk=IMPORT_CLERK, headcount=headcount,
        note=f"自台账导入：{Path(report.file).name} 第{row}行",
        petitioners=[PetitionerInput(name=text("name"), id_number=text("id_number") or None,
                                     phone=text("phone") or None, address=text("address"), village=text("village"),
                                     representative=isinstance(headcount, int) and headcount >= GROUP_HEADCOUNT)],
        matters=[MatterInput(summary=summary, details="\n".join(details), category=category,
                             location=text("village"))])
    if not errors and contact.received_at is not None:
        for e in validate_contact(contact, now=dt.datetime.combine(ctx.today(), dt.time(23, 59, 59))):
            name = e.field if e.field in FIELD_NAMES else {"location": "village"}.get(e.field, "")
            errors.append(RowError(row, report.columns.get(name, FIELD_NAMES.get(name, "")), e.message))
    if errors:
        report.errors.extend(errors)
        return
    if category and category not in categories and category not in report.unknown_categories:
        report.unknown_categories[category] = _closest(category, categories)
    if unit and unit not in units and unit not in report.unknown_units:
        report.unknown_units[unit] = _closest(unit, units)
    if answered is None:
        report.without_answer_date += 1
    item = LedgerRow(row, contact, unit if unit in units else "", answered, parse_finished(get("finished")),
                     parse_satisfaction(get("satisfaction")))
    report.rows.append(item)


def _match_people(s: Session, report: LedgerReport) -> None:
    """People already on record: the same ID number, else the same name and phone (two lookups for the file)."""
    people = [item.contact.petitioners[0] for item in report.rows]
    by_number: dict[str, int] = {}
    by_name_phone: dict[tuple[str, str], int] = {}
    numbers = sorted({p.id_number for p in people if p.id_number})
    phones = sorted({p.phone for p in people if p.phone})
    for i in range(0, len(numbers), 500):
        for pid, number in s.exec(select(Petitioner.id, Petitioner.id_number)
                                  .where(Petitioner.id_number.in_(numbers[i:i + 500])).order_by(Petitioner.id)):
            by_number.setdefault(number, pid)
    for i in range(0, len(phones), 500):
        for pid, name, phone in s.exec(select(Petitioner.id, Petitioner.name, Petitioner.phone)
                                       .where(Petitioner.phone.in_(phones[i:i + 500])).order_by(Petitioner.id)):
            by_name_phone.setdefault((name, phone), pid)
    for item, person in zip(report.rows, people, strict=True):
        match, how = None, ""
        if person.id_number:
            match, how = by_number.get(person.id_number), "身份证号相同"
        if match is None and person.phone:
            match, how = by_name_phone.get((person.name, person.phone)), "姓名和电话相同"
        if match is not None:
            item.existing_id = match
            report.matched_people.append((item.row, person.name, how))


def _closest(name: str, known: list[str]) -> str | None:
    if not known:
        return None
    best = process.extractOne(name, known, score_cutoff=50)
    return best[0] if best else None


def import_ledger(ctx, operator, path: Path | str, *, mapping: LedgerMap | None = None,  # noqa: ANN001
                  dry_run: bool = False) -> LedgerReport:
    """Check the ledger (``dry_run``) or import it whole; a refused row refuses the file (nothing written)."""
    report = read_ledger(ctx, path, mapping)
    if dry_run:
        return report
    if report.errors:
        raise LedgerImportRejected(f"{Path(path).name} 未导入：{len(report.errors)}处错误，数据库没有任何改动", report)
    if not report.rows:
        raise LedgerImportRejected(f"{Path(path).name} 中没有可导入的行")
    from xfdesk.services.bulk_registration import index_once, register_contacts

    name = Path(path).name
    with ctx.db.write() as s, index_once(ctx, s):  # set-based; the search index filled once, at the end
        unit_ids = {u.name: u.id for u in s.exec(select(Unit))}
        for item in report.rows:
            item.contact.petitioners[0].existing_id = item.existing_id
        registrations = register_contacts(s, ctx, operator, [item.contact for item in report.rows],
                                          same_name_and_phone=True)
        archived, followups, events = [], [], []
        stamp = now()
        for item, registration in zip(report.rows, registrations, strict=True):
            matter_id = registration.matter_ids[0]
            closed = item.answered_on or item.contact.received_at.date()
            archived.append({"id": matter_id, "closed": closed,
                             "unit_id": unit_ids.get(item.unit) if item.unit else None})
            if item.satisfaction:
                followups.append({"matter_id": matter_id, "on": closed, "method": "台账记录",
                                  "satisfaction": item.satisfaction, "note": "", "clerk": IMPORT_CLERK})
            events.append({"matter_id": matter_id, "contact_id": None, "at": stamp, "actor": operator.name,
                           "role": str(operator.role), "action": IMPORT_ACTION, "from_status": Status.REGISTERED.value,
                           "to_status": Status.ARCHIVED.value,
                           "note": f"自台账导入并归档（{name} 第{item.row}行），期限不再计算",
                           "data": {"file": name, "row": item.row, "closed_on": closed.isoformat()}})
            report.numbers.extend(registration.numbers)
        conn = s.connection()
        bulk.archive_matters(conn, archived)
        bulk.insert_rows(conn, "followup", followups)
        bulk.insert_rows(conn, "event", events)
        record_event(s, operator, IMPORT_ACTION, note=f"导入台账 {name}：{len(report.rows)}行",
                     data={"file": str(path), "rows": len(report.rows), "numbers": report.numbers[:1] + report.numbers[-1:]})
    return report
