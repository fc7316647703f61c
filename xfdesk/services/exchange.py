"""The exchange file ``xfdesk-exchange/1``: importing contacts from JSON and exporting them (docs/exchange-format.md).

Import is all or nothing: the whole file is read, converted and validated first, and every problem is reported
with the contact (1-based), the person or demand, the field's Chinese label and what is wrong; only a clean file
is registered, in one transaction, through the same registration code as the desk's form.

Export writes contacts received in a date range with their people and demands, and for each demand its number,
status, deadlines, timeline and documents. A file export streams: a chunk of contacts is read as plain rows and
written before the next is read, so a year of a county office needs no more memory than a month. Every export is logged. 检举控告 (restricted) demands go to the county
with the petitioner's identity only when the office head exports; anyone else's export leaves them out.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


from xfdesk.domain.glossary import FLAG_LABELS, Flag, field_label
from xfdesk.domain.lifecycle import STATUS_LABELS
from xfdesk.domain.privacy import may_see_identity
from xfdesk.domain.records import ContactInput, MatterInput, PetitionerInput
from xfdesk.domain.validation import FieldError, ValidationFailed, validate_contact
from xfdesk.services.events import record_event
from xfdesk.storage import bulk

FORMAT = "xfdesk-exchange/1"
CHINA_TIME = dt.timezone(dt.timedelta(hours=8), "CST")
_CHUNK = 500  # contacts per page of the export
IMPORT_SLICE = 2000  # contacts per write transaction of an import: about a second of the write lock

# A flag may be written as its label (集体访) or its column name (is_group).
_FLAG_BY_NAME: dict[str, str] = {**{f.value: f.value for f in Flag},
                                 **{label: f.value for f, label in FLAG_LABELS.items()}}

# What json reports, in the words a clerk can act on.
_JSON_REASONS = {
    "Expecting value": "缺少值（可能多了逗号或少了内容）",
    "Expecting ',' delimiter": "缺少逗号",
    "Expecting ':' delimiter": "缺少冒号",
    "Expecting property name enclosed in double quotes": "字段名应使用英文双引号（也可能是多了逗号）",
    "Unterminated string starting at": "字符串缺少结尾的引号",
    "Invalid control character at": "字符串中有不允许的控制字符（如直接换行）",
    "Invalid \\escape": "无效的转义符“\\”",
    "Extra data": "内容结束后还有多余的字符",
}


class ImportRejected(ValidationFailed):
    """The file was not imported; ``errors`` carry the full located messages ("第3条来访记录，第1位信访人，…")."""


@dataclass
class ImportResult:
    file: str
    contacts: int = 0
    matters: int = 0
    petitioners_new: int = 0
    petitioners_reused: int = 0
    contact_ids: list[int] = field(default_factory=list)
    matter_ids: list[int] = field(default_factory=list)
    numbers: list[str] = field(default_factory=list)
    dry_run: bool = False


@dataclass
class ExportResult:
    file: str
    contacts: int = 0
    matters: int = 0
    restricted: int = 0  # 检举控告 demands included (with identity: the head exported)
    withheld: int = 0  # 检举控告 demands left out (the exporter may not see their identity)
    since: dt.date | None = None
    until: dt.date | None = None


# -- time ----------------------------------------------------------------------------------------------------------
def to_iso(value: dt.datetime) -> str:
    """A stored (naive, China Standard Time) moment as ISO 8601 with +08:00."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=CHINA_TIME)
    return value.astimezone(CHINA_TIME).replace(microsecond=0).isoformat()


def from_iso(text: str) -> dt.datetime:
    """ISO 8601 → naive China Standard Time (a time without offset is taken as the office's own)."""
    value = dt.datetime.fromisoformat(text.strip())
    if value.tzinfo is not None:
        value = value.astimezone(CHINA_TIME).replace(tzinfo=None)
    return value.replace(microsecond=0)


# == import ========================================================================================================
def import_exchange(ctx, operator, path_or_dict: Path | str | dict, *,  # noqa: ANN001
                    dry_run: bool = False) -> ImportResult:
    """Import a whole exchange file or nothing. Raises ImportRejected naming every problem; ``dry_run`` checks only."""
    from xfdesk.services.bulk_registration import Journal, index_once, register_contacts, undo
    from xfdesk.services import reference
    from xfdesk.services.registration import _validation_now

    if isinstance(path_or_dict, dict):
        name, document = "（数据）", path_or_dict
    else:
        path = Path(path_or_dict)
        name, document = path.name, _load_json(path)

    contacts, errors = _contacts_from_document(document)
    # registration.check_contact for each, with the office's categories read once (not once per contact)
    categories, now_ = reference.categories(ctx.home) or None, _validation_now(ctx)
    for index, contact in contacts:
        errors.extend(_locate(index, e) for e in validate_contact(contact, categories=categories, now=now_))
    if errors:
        errors.sort(key=lambda e: e.path[:2])
        raise ImportRejected(errors)

    result = ImportResult(file=name, dry_run=dry_run, contacts=len(contacts),
                          matters=sum(len(c.matters) for _, c in contacts))
    if dry_run:
        return result
    source_numbers = _source_numbers(document)
    renumbered: dict[str, str] = {}
    journal = Journal()
    slices = [contacts[i:i + IMPORT_SLICE] for i in range(0, len(contacts), IMPORT_SLICE)]
    try:
        # One write transaction per slice: other desks save between them instead of waiting for the whole file
        # (past 15 s they would be refused). A slice that fails rolls back by itself; the slices before it are
        # taken back, so the file is still imported whole or not at all.
        for number, part in enumerate(slices, 1):
            with ctx.db.write() as session, index_once(ctx, session):
                registrations = register_contacts(session, ctx, operator, [c for _, c in part], journal=journal)
                for (index, _), reg in zip(part, registrations, strict=True):
                    result.contact_ids.append(reg.contact_id)
                    result.matter_ids.extend(reg.matter_ids)
                    result.numbers.extend(reg.numbers)
                    for new, old in zip(reg.numbers, source_numbers.get(index, []), strict=False):
                        if old:
                            renumbered[new] = old
                if number == len(slices):
                    listed = sum(len(c.petitioners) for _, c in contacts)
                    result.petitioners_new = len(journal.new_people)
                    result.petitioners_reused = listed - result.petitioners_new
                    record_event(session, operator, "import",
                                 note=f"导入交换文件 {name}：来访记录{result.contacts}条，诉求{result.matters}项",
                                 data={"file": name, "office": str(document.get("office", "")),
                                       "contacts": result.contacts, "matters": result.matters,
                                       "petitioners_new": result.petitioners_new,
                                       "petitioners_reused": result.petitioners_reused,
                                       "first_number": result.numbers[0] if result.numbers else None,
                                       "last_number": result.numbers[-1] if result.numbers else None,
                                       **({"source_numbers": renumbered} if renumbered else {})})
    except BaseException:
        if journal.contact_ids:
            with ctx.db.write() as session:
                undo(session, journal)
                record_event(session, operator, "import_undone",
                             note=f"导入交换文件 {name} 未完成，已撤回已写入的来访记录{len(journal.contact_ids)}条",
                             data={"file": name, "contacts": len(journal.contact_ids)})
        raise
    return result


def _reject(message: str, field_name: str = "file") -> ImportRejected:
    return ImportRejected([FieldError(field_name, message, (field_name,))])


def _load_json(path: Path) -> dict:
    if not path.exists():
        raise FileNotFoundError(f"找不到交换文件：{path}")
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[:exc.start].count(b"\n") + 1
        raise _reject(f"{path.name} 不是 UTF-8 编码（第{line}行附近），请另存为 UTF-8 后再导入") from None
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        reason = _JSON_REASONS.get(exc.msg, exc.msg)
        raise _reject(f"{path.name} 不是有效的 JSON：第{exc.lineno}行第{exc.colno}列，{reason}") from None
    return document


def _contacts_from_document(document: Any) -> tuple[list[tuple[int, ContactInput]], list[FieldError]]:
    if not isinstance(document, dict):
        raise _reject("文件格式不对：最外层应为一个对象（{…}）")
    fmt = document.get("format")
    if fmt != FORMAT:
        shown = "缺少" if fmt is None else f"为“{fmt}”"
        raise _reject(f"文件格式标记 format {shown}，应为“{FORMAT}”", "format")
    raw_contacts = document.get("contacts")
    if not isinstance(raw_contacts, list):
        raise _reject("文件中缺少来访记录列表 contacts", "contacts")
    if not raw_contacts:
        raise _reject("文件中没有任何来访记录", "contacts")
    contacts: list[tuple[int, ContactInput]] = []
    errors: list[FieldError] = []
    for index, raw in enumerate(raw_contacts):
        problems: list[FieldError] = []
        contact = _contact(raw, problems)
        errors.extend(_locate(index, e) for e in problems)
        if contact is not None and not problems:
            contacts.append((index, contact))
    return contacts, errors


def _source_numbers(document: dict) -> dict[int, list[str]]:
    """Numbers the records had where they came from (an export of another installation), by contact index."""
    numbers: dict[int, list[str]] = {}
    for index, raw in enumerate(document.get("contacts", [])):
        matters = raw.get("matters") if isinstance(raw, dict) else None
        if isinstance(matters, list):
            numbers[index] = [str(m.get("number") or "") if isinstance(m, dict) else "" for m in matters]
    return numbers


def _locate(index: int, error: FieldError) -> FieldError:
    """"第3条来访记录，第1位信访人，身份证号：校验位不正确"."""
    parts = [f"第{index + 1}条来访记录"]
    path = error.path
    if len(path) >= 2 and path[0] == "petitioners" and isinstance(path[1], int):
        parts.append(f"第{path[1] + 1}位信访人")
    elif len(path) >= 2 and path[0] == "matters" and isinstance(path[1], int):
        parts.append(f"第{path[1] + 1}项诉求")
    message = error.message
    label = field_label(error.field)
    rest = message[len(label):]
    if message.startswith(label) and rest and not rest.startswith(("：", "，")) and "：" not in rest:
        message = f"{label}：{rest}"
    parts.append(message)
    return FieldError(error.field, "，".join(parts), ("contacts", index, *path))


# -- JSON → records (types only; the meaning is checked by validation) -------------------------------------------
class _Reader:
    """Reads typed values out of one JSON object, collecting a message per wrong type."""

    def __init__(self, obj: dict, path: tuple, errors: list[FieldError]):
        self.obj, self.path, self.errors = obj, path, errors

    def error(self, key: str, message: str) -> None:
        self.errors.append(FieldError(key, f"{field_label(key)}：{message}", (*self.path, key)))

    def text(self, key: str, default: str = "") -> str:
        value = self.obj.get(key)
        if value is None:
            return default
        if not isinstance(value, str):
            self.error(key, "应为文字")
            return default
        return value

    def optional_code(self, key: str) -> str | None:
        """An ID number or phone: text, or a number someone's spreadsheet turned it into."""
        value = self.obj.get(key)
        if value is None or value == "":
            return None
        if isinstance(value, int) and not isinstance(value, bool):
            return str(value)
        if not isinstance(value, str):
            self.error(key, "应为文字")
            return None
        return value

    def optional_text(self, key: str) -> str | None:
        value = self.text(key)
        return value or None

    def flag(self, key: str) -> bool:
        value = self.obj.get(key, False)
        if value is None:
            return False
        if not isinstance(value, bool):
            self.error(key, "应为 true 或 false")
            return False
        return value

    def list_of_objects(self, key: str) -> list[dict]:
        value = self.obj.get(key)
        if value is None:
            return []
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            self.error(key, "应为对象列表（[{…}, …]）")
            return []
        return value


def _contact(raw: Any, errors: list[FieldError]) -> ContactInput | None:
    if not isinstance(raw, dict):
        errors.append(FieldError("contacts", "格式不对：应为一个对象（{…}）", ()))
        return None
    r = _Reader(raw, (), errors)
    received_at = None
    text = raw.get("received_at")
    if text is None or text == "":
        r.error("received_at", "不能为空")
    elif not isinstance(text, str):
        r.error("received_at", "应为日期时间文字，如 2026-11-19T09:30:00+08:00")
    else:
        try:
            received_at = from_iso(text)
        except ValueError:
            r.error("received_at", f"“{text}”不是有效的日期时间，应如 2026-11-19T09:30:00+08:00")
    petitioners = [_petitioner(p, ("petitioners", i), errors)
                   for i, p in enumerate(r.list_of_objects("petitioners"))]
    matters = [_matter(m, ("matters", i), errors) for i, m in enumerate(r.list_of_objects("matters"))]
    headcount = raw.get("headcount")
    if headcount is None:
        headcount = max(1, len(petitioners))
    elif isinstance(headcount, bool) or not isinstance(headcount, int):
        r.error("headcount", "应为整数")
        headcount = 1
    contact = ContactInput(received_at=received_at, channel=r.text("channel"), clerk=r.text("clerk"),
                           petitioners=petitioners, matters=matters, headcount=headcount, note=r.text("note"))
    return contact if received_at is not None else None


def _petitioner(raw: dict, path: tuple, errors: list[FieldError]) -> PetitionerInput:
    r = _Reader(raw, path, errors)
    return PetitionerInput(name=r.text("name"), gender=r.optional_text("gender"),
                           id_number=r.optional_code("id_number"), phone=r.optional_code("phone"),
                           address=r.text("address"), village=r.text("village"),
                           representative=r.flag("representative"), is_organisation=r.flag("is_organisation"))


def _matter(raw: dict, path: tuple, errors: list[FieldError]) -> MatterInput:
    r = _Reader(raw, path, errors)
    flags: set[str] = set()
    value = raw.get("flags") or []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        errors.append(FieldError("flags", "标记 flags：应为文字列表，如 [\"集体访\"]", (*path, "flags")))
    else:
        for name in value:
            if name in _FLAG_BY_NAME:
                flags.add(_FLAG_BY_NAME[name])
            else:
                allowed = "、".join(FLAG_LABELS.values())
                errors.append(FieldError("flags", f"标记“{name}”无效，应为{allowed}之一", (*path, "flags")))
    return MatterInput(summary=r.text("summary"), details=r.text("details"), category=r.text("category"),
                       location=r.text("location"), kind=r.optional_text("kind"), flags=flags)


# == export ========================================================================================================
def export_exchange(ctx, operator, since: dt.date | None = None, *, until: dt.date | None = None,  # noqa: ANN001
                    target: str = "") -> dict:
    """Contacts received from ``since`` to ``until`` (inclusive, both optional) as an exchange document. Logged.
    The whole document is in memory (it is the file's text read back): for files use ``export_to_file``."""
    result = ExportResult(file=target, since=since, until=until)
    head = _export_head(ctx, operator, since, until)
    buffer = io.StringIO()
    with ctx.db.read() as session:
        _write_document(buffer, head, _export_contacts(session, operator.role, since, until, result))
    _log_export(ctx, operator, result)
    return json.loads(buffer.getvalue())


def export_to_file(ctx, operator, path: Path | str, since: dt.date | None = None, *,  # noqa: ANN001
                   until: dt.date | None = None) -> ExportResult:
    """Write the export to ``path`` (UTF-8 JSON, replaced atomically so a failed write leaves no half file).

    Streamed: contacts are read a page at a time as plain rows of the columns written (storage.bulk) and written as
    they come, so memory stays flat whatever the period (a whole year of a county office held as one document took
    gigabytes). The bytes are exactly those of ``json.dump(document, indent=2, ensure_ascii=False)``."""
    path = Path(path)
    result = ExportResult(file=path.name, since=since, until=until)
    head = _export_head(ctx, operator, since, until)
    if path.parent and not path.parent.exists():
        raise FileNotFoundError(f"文件夹不存在：{path.parent}")
    partial = path.with_name(path.name + ".part")
    try:
        with partial.open("w", encoding="utf-8", newline="\n") as f, ctx.db.read() as session:
            _write_document(f, head, _export_contacts(session, operator.role, since, until, result))
            f.write("\n")
            f.flush()
            os.fsync(f.fileno())
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
    _log_export(ctx, operator, result)
    return result


def _write_document(f, head: dict, contacts) -> None:  # noqa: ANN001
    """``json.dump({**head, "contacts": [...]}, f, indent=2, ensure_ascii=False)`` from the contacts' texts
    (``_contact_text``), a page of them per write."""
    opening = json.dumps({**head, "contacts": []}, ensure_ascii=False, indent=2)
    tail = '"contacts": []\n}'
    assert opening.endswith(tail)  # noqa: S101 - "contacts" is the document's last key
    f.write(opening[:-len(tail)] + '"contacts": [')
    first = True
    batch: list[str] = []
    for contact in contacts:
        batch.append(contact)
        if len(batch) >= _CHUNK:
            f.write(("\n    " if first else ",\n    ") + ",\n    ".join(batch))
            first, batch = False, []
    if batch:
        f.write(("\n    " if first else ",\n    ") + ",\n    ".join(batch))
        first = False
    f.write("]\n}" if first else "\n  ]\n}")


def _log_export(ctx, operator, result: ExportResult) -> None:  # noqa: ANN001
    with ctx.db.write() as session:
        period = f"{result.since or '最早'}至{result.until or '现在'}"
        record_event(session, operator, "export",
                     note=f"导出交换文件{(' ' + result.file) if result.file else ''}（{period}）："
                          f"来访记录{result.contacts}条，诉求{result.matters}项"
                          + (f"，含检举控告事项{result.restricted}项" if result.restricted else "")
                          + (f"，未导出检举控告事项{result.withheld}项" if result.withheld else ""),
                     data={"file": result.file, "since": result.since.isoformat() if result.since else None,
                           "until": result.until.isoformat() if result.until else None,
                           "contacts": result.contacts, "matters": result.matters,
                           "restricted": result.restricted, "withheld": result.withheld})


def _export_head(ctx, operator, since: dt.date | None, until: dt.date | None) -> dict:  # noqa: ANN001
    if since and until and until < since:
        raise ValueError(f"截止日期 {until} 早于起始日期 {since}")
    return {
        "format": FORMAT,
        "office": ctx.settings.office_name,
        "exported_at": to_iso(dt.datetime.now()),
        "exported_by": operator.name,
        "since": since.isoformat() if since else None,
        "until": until.isoformat() if until else None,
    }


def _grouped(rows) -> dict[int, list]:  # noqa: ANN001
    """Rows keyed by their first column (they come ordered by it)."""
    out: dict[int, list] = {}
    for row in rows:
        group = out.get(row[0])
        if group is None:
            out[row[0]] = [row]
        else:
            group.append(row)
    return out


def _export_contacts(session, role: str, since: dt.date | None, until: dt.date | None,  # noqa: ANN001
                     result: ExportResult):  # noqa: ANN202
    """The texts of the exported contacts in order (received, id), read ``_CHUNK`` contacts at a time."""
    conn = session.connection()
    units = bulk.unit_names(conn)
    see_restricted = may_see_identity(role, True)
    start = dt.datetime.combine(since, dt.time()) if since else None
    end = dt.datetime.combine(until + dt.timedelta(days=1), dt.time()) if until else None
    for contacts in bulk.contact_pages(conn, start, end, _CHUNK):
        yield from _contacts_out(conn, contacts, units, see_restricted, result)


# The standard encoder falls back to pure Python whenever it indents (most of the export's time was there), and a
# dict per value is more work than the value's text. The exchange document has a fixed shape, so each level is
# written here straight from the rows, every string through the C encoder: the bytes are those of
# ``json.dumps(document, ensure_ascii=False, indent=2)`` (a test compares them). Moments and dates come from the
# database as ISO text (digits, "-", ":", "T", "+"): nothing in them needs escaping.
_string = json.encoder.encode_basestring  # the C function when available, as json.dumps(ensure_ascii=False) uses


def _value(value: Any) -> str:
    """A nullable text or a count."""
    if value is None:
        return "null"
    if value.__class__ is str:
        return _string(value)
    return str(int(value))


def _keys(depth: int, *names: str) -> dict[str, str]:
    """For an object whose keys sit at ``depth`` spaces: each key's text with the line break before it (the first
    key after "{", the others after a comma)."""
    pad = "\n" + " " * depth
    return {name: pad + json.dumps(name, ensure_ascii=False) + ": " for name in names}


def _join(texts: list[str], depth: int) -> str:
    """A list of already written items at ``depth`` spaces."""
    if not texts:
        return "[]"
    pad = "\n" + " " * depth
    return "[" + pad + ("," + pad).join(texts) + "\n" + " " * (depth - 2) + "]"


_C = _keys(6, "received_at", "channel", "headcount", "clerk", "note", "petitioners", "matters")
_P = _keys(10, "name", "gender", "id_number", "phone", "address", "village", "representative", "is_organisation")
_M = _keys(10, "number", "summary", "details", "category", "location", "kind", "flags", "status", "status_label",
           "received_on", "unit", "deadlines", "events", "documents")
_E = _keys(14, "time", "actor", "action", "from", "to", "note")
_D = _keys(14, "kind", "number", "issued_at", "void")
_DEADLINE_PAD = "\n" + " " * 12
_END4, _END8, _END10, _END12 = ("\n" + " " * n for n in (4, 8, 10, 12))

# positions in bulk.contact_matters rows
_FLAGS_AT = 11
_FLAG_INDEX = [(_FLAGS_AT + bulk.FLAG_COLUMNS.index(flag.value), _string(label)) for flag, label in FLAG_LABELS.items()]
_RESTRICTED = _FLAGS_AT + bulk.FLAG_COLUMNS.index("is_restricted")
_STATUS_LABELS = {status.value: _string(label) for status, label in STATUS_LABELS.items()}


_EVENT = ("{" + _E["time"] + '"%s",' + _E["actor"] + "%s," + _E["action"] + "%s," + _E["from"] + "%s,"
          + _E["to"] + "%s," + _E["note"] + "%s" + _END12 + "}")


def _contacts_out(conn, contacts: list, units: dict[int, str], see_restricted: bool,  # noqa: ANN001
                  result: ExportResult):  # noqa: ANN202
    contact_ids = [c[0] for c in contacts]
    people = _grouped(bulk.contact_people(conn, contact_ids))
    matters = _grouped(bulk.contact_matters(conn, contact_ids))
    matter_ids = [m[1] for group in matters.values() for m in group if see_restricted or not m[_RESTRICTED]]
    deadlines: dict[int, list] = {}
    events: dict[int, list] = {}
    documents: dict[int, list] = {}
    for ids in bulk.chunks(matter_ids, _CHUNK * 2):
        deadlines.update(_grouped(bulk.matter_deadlines(conn, ids)))
        events.update(_grouped(bulk.matter_events(conn, ids)))
        documents.update(_grouped(bulk.matter_documents(conn, ids)))
    units_text = {u_id: _string(name) for u_id, name in units.items()}
    empty: list = []
    for c_id, received_at, channel, headcount, clerk, note, _stored in contacts:
        out_matters = []
        for m in matters.get(c_id, empty):
            if m[_RESTRICTED] and not see_restricted:
                result.withheld += 1
                continue
            result.restricted += bool(m[_RESTRICTED])
            out_matters.append(_matter_text(m, units_text, deadlines.get(m[1], empty), events.get(m[1], empty),
                                            documents.get(m[1], empty)))
        if not out_matters:
            continue
        result.contacts += 1
        result.matters += len(out_matters)
        yield ("{" + _C["received_at"] + '"' + received_at + '",' + _C["channel"] + _string(channel) + ","
               + _C["headcount"] + str(int(headcount)) + "," + _C["clerk"] + _string(clerk) + ","
               + (_C["note"] + _string(note) + "," if note else "")
               + _C["petitioners"] + _join([_petitioner_text(p) for p in people.get(c_id, empty)], 8) + ","
               + _C["matters"] + _join(out_matters, 8) + _END4 + "}")


def _petitioner_text(p) -> str:  # noqa: ANN001
    """A row (contact_id, representative, name, gender, id_number, phone, address, village, is_organisation)."""
    _, representative, name, gender, id_number, phone, address, village, is_organisation = p
    return (f'{{{_P["name"]}{_string(name)},'
            f'{_P["gender"] + _string(gender) + "," if gender else ""}'
            f'{_P["id_number"] + _string(id_number) + "," if id_number else ""}'
            f'{_P["phone"] + _string(phone) + "," if phone else ""}'
            f'{_P["address"]}{_string(address)},{_P["village"]}{_string(village)},'
            f'{_P["representative"]}{"true" if representative else "false"}'
            f'{"," + _P["is_organisation"] + "true" if is_organisation else ""}{_END8}}}')


_MATTER_HEAD = ("{" + _M["number"] + "%s," + _M["summary"] + "%s," + _M["details"] + "%s," + _M["category"] + "%s,"
                + _M["location"] + "%s,")
_MATTER_STATUS = (_M["flags"] + "%s," + _M["status"] + "%s," + _M["status_label"] + "%s," + _M["received_on"]
                  + '"%s",')
_MATTER_TAIL = _M["deadlines"] + "%s," + _M["events"] + "%s," + _M["documents"] + "%s" + _END8 + "}"


def _matter_text(m, units: dict[int, str], deadlines: list, events: list, documents: list) -> str:  # noqa: ANN001
    """A row of bulk.contact_matters with the rows of its clocks, events and documents, at 8 spaces."""
    _, _, number, summary, details, category, location, kind, status, received_on, unit_id = m[:_FLAGS_AT]
    flags = [label for i, label in _FLAG_INDEX if m[i]]
    due = {name: due_on for _, name, due_on, state in deadlines if state != "cancelled"}
    status_text = _string(status)
    return "".join((
        _MATTER_HEAD % (_string(number), _string(summary), _string(details), _string(category), _string(location)),
        _M["kind"] + _string(kind) + "," if kind else "",
        _MATTER_STATUS % (_join(flags, 12), status_text, _STATUS_LABELS.get(status, status_text), received_on),
        _M["unit"] + units.get(unit_id, '""') + "," if unit_id else "",
        _MATTER_TAIL % (
            "{" + ",".join([f'{_DEADLINE_PAD}{_string(name)}: "{day}"' for name, day in due.items()]) + _END10 + "}"
            if due else "{}",
            _join([_EVENT % (at, _string(actor), _string(action), _value(from_status), _value(to_status),
                             _value(note)) for _, at, actor, action, from_status, to_status, note in events], 12),
            _join([_document_text(d) for d in documents], 12))))


def _document_text(d) -> str:  # noqa: ANN001
    _, kind, number_text, issued_at, void = d
    return ("{" + _D["kind"] + _string(kind) + "," + _D["number"] + _string(number_text) + ","
            + _D["issued_at"] + '"' + issued_at + '"' + ("," + _D["void"] + "true" if void else "") + _END12 + "}")
