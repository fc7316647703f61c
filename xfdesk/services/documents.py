"""Issuing official documents: preview, 文号 and record in one transaction, print, void, a reception day's set.

``issue_document`` takes the next number of the kind's series for the year, renders the office's template (its own
copy in ``<home>/templates`` wins over the shipped one), saves the file under ``<home>/output/YYYY/MM/`` and records
the Document row and an event on the matter — all in one transaction, so a failure leaves neither a number used
nor a record without its file. A reprint uses the stored file (or re-renders it with the same number).
"""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlmodel import Session, select

from xfdesk.documents.builders import (
    NUMBERING_FILE,
    UNNAMED_SUPERIOR,
    Built,
    DocumentRefused,
    Target,
    build_values,
    cn_date,
    numbering_config,
)
from xfdesk.documents.fields import clean_value, same_content
from xfdesk.documents.kinds import KINDS, DocumentKind, Scope, get_kind
from xfdesk.documents.refusals import TemplateProblem
from xfdesk.domain.lifecycle import (
    NOTICE_RULES,
    TRANSITIONS,
    Action,
    Category,
    Status,
    category_of,
    notice_refusal,
    notice_refusal_reason,
    notice_step,
    transition_for,
)
from xfdesk.domain.numbering import document_number
from xfdesk.services.accused import accused_unit_ids
from xfdesk.services.events import record_event
from xfdesk.services.lifecycle import notice_issued
from xfdesk.storage.models import Appointment, Document, Event, Matter, ReceptionDay, now
from xfdesk.storage.numbering import next_number

ISSUED = "document_issued"
VOIDED = "document_voided"
PRINT_TIMEOUT_S = 60

__all__ = [
    "DocumentRefused", "docx_text", "PrintResult", "TemplateProblem", "issue_document", "preview_document", "print_document",
    "void_document", "documents_for_day", "issue_day_set", "DayIssue", "DAY_SET_KINDS", "kinds_for_matter",
    "template_path", "check_templates",
    "document_file", "convert_to_pdf", "series_name", "NoticeAlreadyIssued", "notice_problem", "stored_path",
    "with_paths", "office_contact_gaps", "document_pdf", "KindChoice", "document_choices",
]


class NoticeAlreadyIssued(DocumentRefused):
    """A notice of this kind was issued already for the same step: issue another only when the clerk confirms
    (``again=True``); a lost or spoilt copy is reprinted with its own 文号 instead."""

    def __init__(self, kind: DocumentKind, numbers: list[str]):
        self.kind = kind
        self.numbers = numbers
        super().__init__(f"本步骤已出具过“{kind.name}”（{'、'.join(numbers)}）；需要补发原件请“重印”，"
                         "确需再出具一份新文号的，请确认后再出具")


@dataclass(frozen=True)
class PrintResult:
    ok: bool
    message: str  # for the user, in Chinese
    path: Path


def series_name(kind: DocumentKind) -> str:
    return f"doc:{kind.key}"


def template_path(ctx, kind: DocumentKind | str) -> Path:  # noqa: ANN001
    """The office's own template when it has one, else the shipped one."""
    kind = kind if isinstance(kind, DocumentKind) else get_kind(kind)
    return ctx.home.template_file(kind.file_name)


def docx_text(source: Path | str | bytes | io.BytesIO) -> str:
    """The text of a filled document, in reading order (``documents.render.docx_text``, loaded when first used)."""
    from xfdesk.documents import render

    return render.docx_text(source)


def check_templates(ctx, name: str | None = None) -> dict[str, list[str]]:  # noqa: ANN001
    """Problems of every template in use (or of one: a kind, or a .docx file path), keyed by file shown to users."""
    from xfdesk.documents import render  # the DOCX stack loads with the first document filled
    if name:
        path = Path(name)
        if path.suffix.lower() == ".docx" and not path.exists():
            return {str(path): [f"找不到模板文件 {path}"]}
        if path.suffix.lower() == ".docx":
            from xfdesk.documents.kinds import kind_for_file

            kind = kind_for_file(path.name)
            if kind is None:
                known = "、".join(k.file_name for k in KINDS)
                return {str(path): [f"无法判断模板“{path.name}”属于哪种文书：文件名应为以下之一：{known}"]}
            return {str(path): render.check_template(path, kind)}
        kind = get_kind(name)
        path = template_path(ctx, kind)
        return {str(path): render.check_template(path, kind)}
    found = {str(template_path(ctx, k)): render.check_template(template_path(ctx, k), k) for k in KINDS}
    found.update(misnamed_templates(ctx))
    return found


OFFICE_CONTACT_FIELDS = ("信访部门电话", "信访部门地址")


def office_contact_gaps(ctx) -> list[str]:  # noqa: ANN001
    """The office contact lines every notice prints that the office has not filled in yet (each would print as a
    blank line): ``doc check`` and ``doctor`` say so until they are set."""
    from xfdesk.documents.builders import NUMBERING_FILE

    text = numbering_config(ctx).get("text", {})
    missing = [name for name in OFFICE_CONTACT_FIELDS if not str(text.get(name, "") or "").strip()]
    if not missing:
        return []
    where = ctx.home.data_file(NUMBERING_FILE)
    return [f"{'、'.join(missing)}尚未填写，文书上印为空白横线：请在 {where} 的 [text] 中填写"
            f"（如 信访部门电话 = \"0797-1234567\"）"]


def misnamed_templates(ctx) -> dict[str, list[str]]:  # noqa: ANN001
    """Files in the office's template folder that no kind will use (``复查意见书 - 副本.docx``,
    ``复核意见书.DOCX``): said, so an edited copy is not silently ignored."""
    folder = ctx.home.templates
    if not folder.is_dir():
        return {}
    names = {k.file_name for k in KINDS}
    out: dict[str, list[str]] = {}
    for path in sorted(folder.iterdir()):
        if not path.is_file() or path.name in names or path.name.startswith(("~$", ".")):
            continue
        if path.suffix.lower() not in (".docx", ".doc", ".wps", ".dotx"):
            continue
        exact = next((n for n in names if n.lower() == path.name.lower()), None)
        stem = path.stem.replace(" ", "")
        close = exact or next((n for n in names if stem.startswith(n.removesuffix(".docx"))), None)
        if path.suffix.lower() in (".doc", ".wps"):
            why = "是旧版 Word/WPS 格式，请在 Word/WPS 中“另存为”.docx"
        else:
            why = "文件名不是任何文书的模板名，不会被使用"
        hint = f"，若是“{close.removesuffix('.docx')}”的模板，请改名为 {close}" if close else \
            f"（模板文件名应为：{'、'.join(sorted(names))}）"
        out[str(path)] = [f"{why}{hint}"]
    return out


OFFICE_ISSUERS = ("机关名称", "信访部门")  # the office itself: its own 简称 ([names] 机关简称)
ISSUER_SHORT_NAMES = "发文机关简称"  # document_numbering.toml table: another issuing body's full name → 简称


def _pattern(ctx, kind: DocumentKind, issuer: str | None = None) -> tuple[str, dict[str, str]]:  # noqa: ANN001
    """The kind's 文号 pattern and its names. A kind issued by another body (复查机关, 复核机关) numbers in that
    body's series: ``{复查机关简称}`` / ``{复核机关简称}`` — and ``{机关简称}`` in an office's older pattern — are
    the issuing body's own 简称, looked up by its full name ``issuer`` in [发文机关简称]."""
    config = numbering_config(ctx)
    patterns = config.get("patterns", {})
    pattern = patterns.get(kind.key) or patterns.get("default") or "〔{年}〕{号}号"
    names = {str(k): str(v) for k, v in config.get("names", {}).items()}
    if kind.issuer not in OFFICE_ISSUERS and issuer is not None:
        shorts = {str(k).strip(): str(v).strip() for k, v in config.get(ISSUER_SHORT_NAMES, {}).items()}
        short = shorts.get(issuer.strip(), "")
        if not short:
            raise DocumentRefused(
                f"“{kind.name}”由{kind.issuer}“{issuer}”出具，文号用该机关的简称：请在数据文件夹的 {NUMBERING_FILE}"
                f" 的 [{ISSUER_SHORT_NAMES}] 中写明 \"{issuer}\" = \"简称\"（未编号，未保存）")
        names[f"{kind.issuer}简称"] = short
        names["机关简称"] = short
    return str(pattern), names


def issuer_problem(kind: DocumentKind, values: dict[str, Any]) -> str | None:
    """A document whose issuing body is not known cannot be headed, sealed or numbered: the 复核机关 is data
    ([text] 复核机关) or recorded with the 复核 request, never the words “…的上一级行政机关”."""
    body = str(values.get(kind.issuer, "")).strip()
    if body and not body.endswith(UNNAMED_SUPERIOR):
        return None
    return (f"“{kind.name}”由{kind.issuer}出具，但还没有记录是哪个机关：请在登记{kind.issuer[:2]}申请时写明，"
            f"或在 {NUMBERING_FILE} 的 [text] 中填写“{kind.issuer}”")


_UNSAFE = re.compile(r'[\\/:*?"<>|\s\x00-\x1f]+')


def _file_part(text: str, limit: int = 24) -> str:
    return _UNSAFE.sub("_", text).strip("._")[:limit]


def _output_path(ctx, kind: DocumentKind, number_text: str, who: str, on: dt.date) -> Path:  # noqa: ANN001
    folder = ctx.home.output / f"{on.year:04d}" / f"{on.month:02d}"
    folder.mkdir(parents=True, exist_ok=True)
    stem = "-".join(p for p in (_file_part(number_text, 40), _file_part(kind.short_name), _file_part(who)) if p)
    path = folder / f"{stem}.docx"
    n = 2
    while path.exists():  # a file left by hand with the same name is never overwritten
        path = folder / f"{stem}-{n}.docx"
        n += 1
    return path


def _relative(ctx, path: Path) -> str:  # noqa: ANN001
    """The path as stored: relative to the data folder (forward slashes) when inside it."""
    try:
        return path.resolve().relative_to(ctx.home.root.resolve()).as_posix()
    except ValueError:
        return str(path)


def stored_path(ctx, doc: Document) -> Path:  # noqa: ANN001
    """Where a document's file is in this data folder. Relative paths are the folder's own; an absolute one from
    before (or from the folder's old place) is looked for under this folder's ``output`` when it is not there."""
    raw = doc.file_path or ""
    path = Path(raw)
    if not path.is_absolute():
        return ctx.home.root / path
    if path.exists():
        return path
    parts = raw.replace("\\", "/").split("/")
    if "output" in parts:
        tail = parts[len(parts) - 1 - parts[::-1].index("output") + 1:]
        return ctx.home.output.joinpath(*tail)
    return path


def _resolved(ctx, doc: Document) -> Document:  # noqa: ANN001
    """A returned (detached) document carries the absolute path of its file in this data folder."""
    doc.file_path = str(stored_path(ctx, doc))
    return doc


def with_paths(ctx, docs: list[Document]) -> list[Document]:  # noqa: ANN001
    """Documents read by another service, detached, with their files' paths in this data folder."""
    return [_resolved(ctx, d) for d in docs]


def _target(kind: DocumentKind, matter_id, reception_day_id, unit_id, appointment_id) -> Target:  # noqa: ANN001
    if kind.scope == Scope.MATTER and matter_id is None:
        raise DocumentRefused(f"出具“{kind.name}”需要指定信访事项")
    if kind.scope == Scope.DAY and reception_day_id is None and appointment_id is None:
        raise DocumentRefused(f"出具“{kind.name}”需要指定领导接访日")
    if kind.scope == Scope.UNIT and unit_id is None:
        raise DocumentRefused(f"出具“{kind.name}”需要指定责任单位")
    return Target(kind, matter_id, reception_day_id, unit_id, appointment_id)


def _for_one_matter(kind: DocumentKind, target: Target) -> bool:
    """The document is about one matter (a matter's notice, or a reception-day notice for one booking), so its
    words are that matter's: a clerk may not have it for a 检举控告 matter. A day's list without names (接访安排表,
    参与接访通知书) instead shows a clerk RESTRICTED_TEXT in such a row (``documents.builders``)."""
    return kind.scope == Scope.MATTER or target.appointment_id is not None


def _identity_matters(session: Session, kind: DocumentKind, target: Target) -> list[Matter]:
    """The 检举控告 matters whose petitioner or report's text the document carries (matter notices, the
    reception-day notices of one booking, and the reception-day documents that list petitioners or summaries)."""
    if kind.scope not in (Scope.MATTER, Scope.DAY):
        return []
    ids: list[int] = []
    if kind.scope == Scope.MATTER:
        ids = [target.matter_id] if target.matter_id is not None else []
    elif target.appointment_id is not None:
        appt = session.get(Appointment, target.appointment_id)
        ids = [appt.matter_id] if appt else []
    elif target.matter_id is not None:
        ids = [target.matter_id]
    elif target.reception_day_id is not None:
        ids = list(session.exec(select(Appointment.matter_id).where(
            Appointment.reception_day_id == target.reception_day_id, Appointment.state != "cancelled")))
    if not ids:
        return []
    return list(session.exec(select(Matter).where(Matter.id.in_(ids), Matter.is_restricted == True)))  # noqa: E712


def _guard_restricted(session: Session, operator, kind: DocumentKind, target: Target, *,  # noqa: ANN001
                      log: bool) -> bool:
    """检举控告 (条例第30条): a document showing the petitioner's identity or the report's text is for the office
    head only, and every such preview or issue is logged as a view (a clerk's day list shows those rows without
    name or text, and is not a view). True when the document carries such a matter for this operator."""
    matters = _identity_matters(session, kind, target)
    if not matters:
        return False
    from xfdesk.domain.privacy import may_see_identity

    if not may_see_identity(operator.role, True):
        which = "、".join(m.number for m in matters)
        if kind.names_petitioner:
            raise DocumentRefused(f"“{kind.name}”含检举控告事项（{which}）信访人的身份，只能由信访办主任出具或预览")
        if _for_one_matter(kind, target):
            raise DocumentRefused(f"“{kind.name}”含检举控告事项（{which}）的内容，只能由信访办主任出具或预览")
        return False
    if log:
        from xfdesk.services.access import log_restricted_view

        for matter in matters:
            log_restricted_view(session, operator, matter, what=f"document:{kind.key}")
    return True


def _matter_steps(session: Session, matter_id: int) -> list[Event]:
    return list(session.exec(select(Event).where(Event.matter_id == matter_id).order_by(Event.id)))


def notice_problem(session: Session, kind: DocumentKind, matter_id: int | None, *, again: bool = True) -> None:
    """Refuse a matter's notice the lifecycle table does not allow in its state (no number is taken), and — unless
    ``again`` — a second one for the same step."""
    if kind.scope != Scope.MATTER or matter_id is None or kind.key not in NOTICE_RULES:
        return
    matter = session.get(Matter, matter_id)
    if matter is None:
        raise DocumentRefused(f"找不到信访事项（编号 {matter_id}）")
    events = _matter_steps(session, matter_id)
    actions = [e.action for e in events]
    problem = notice_refusal(kind.key, kind.name, matter.status, actions)
    if problem:
        raise DocumentRefused(problem)
    if again:
        return
    step = notice_step(kind.key, actions)
    since = events[step].id if step is not None else 0
    issued = [e for e in events if e.id > since and e.action == ISSUED and (e.data or {}).get("kind") == kind.key]
    ids = [int(e.data["document_id"]) for e in issued if (e.data or {}).get("document_id")]
    if not ids:
        return
    live = session.exec(select(Document).where(Document.id.in_(ids), Document.void == False)  # noqa: E712
                        .order_by(Document.id)).all()
    if live:
        raise NoticeAlreadyIssued(kind, [d.number_text for d in live])


def preview_document(ctx, operator, kind: DocumentKind | str, *, matter_id: int | None = None,  # noqa: ANN001
                     reception_day_id: int | None = None, unit_id: int | None = None,
                     appointment_id: int | None = None, extra: dict[str, Any] | None = None) -> str:
    """The filled text of the document as it would print, without taking a number (文号 shows “（保存时编号）”)."""
    from xfdesk.documents import render  # the DOCX stack loads with the first document filled
    kind = kind if isinstance(kind, DocumentKind) else get_kind(kind)
    target = _target(kind, matter_id, reception_day_id, unit_id, appointment_id)
    with ctx.db.read() as session:
        restricted = _guard_restricted(session, operator, kind, target, log=False)
        notice_problem(session, kind, matter_id)
        built = build_values(session, ctx, operator, target, number_text=None, issued_on=ctx.today(), extra=extra)
        problem = issuer_problem(kind, built.values)
        if problem:
            raise DocumentRefused(problem)
    if restricted:  # the head saw the identity: logged like any view of the record
        with ctx.db.write() as session:
            _guard_restricted(session, operator, kind, target, log=True)
    buffer = io.BytesIO()
    render.render_docx(template_path(ctx, kind), kind, built.values, buffer)
    return render.docx_text(buffer.getvalue())


def _issue_in(session: Session, ctx, operator, kind: DocumentKind, target: Target,  # noqa: ANN001
              extra: dict[str, Any] | None, written: list[Path], again: bool = True) -> Document:
    from xfdesk.documents import render  # the DOCX stack loads with the first document filled
    _guard_restricted(session, operator, kind, target, log=True)
    notice_problem(session, kind, target.matter_id, again=again)
    today = ctx.today()
    year = today.year
    built: Built = build_values(session, ctx, operator, target, number_text=None, issued_on=today, extra=extra)
    # the 文号 is the issuing body's (head, seal and number name one body): known once the values are
    problem = issuer_problem(kind, built.values)
    if problem:
        raise DocumentRefused(problem)
    pattern, names = _pattern(ctx, kind, str(built.values.get(kind.issuer, "")))
    seq = next_number(session, series_name(kind), year)
    number_text = document_number(pattern, year, seq, **names)
    built.values["文号"] = number_text
    # a 检举控告 matter's files are named by 文号 and kind only: the shared output folder must not name the accuser
    named = [m for m in (session.get(Matter, built.matter_id) if built.matter_id else None,) if m is not None]
    who = "" if any(m.is_restricted for m in named) else built.who
    path = _output_path(ctx, kind, number_text, who, today)
    partial = path.with_name(path.name + ".part")
    written.append(partial)
    render.render_docx(template_path(ctx, kind), kind, built.values, partial)
    os.replace(partial, path)
    written.append(path)
    doc = Document(kind=kind.key, number_text=number_text, year=year, seq=seq, matter_id=built.matter_id,
                   reception_day_id=built.reception_day_id, unit_id=built.unit_id,
                   file_path=_relative(ctx, path), operator=operator.name,
                   issued_at=dt.datetime.combine(today, now().time()), rendered_values=clean_value(built.values))
    session.add(doc)
    session.flush()
    data = {"kind": kind.key, "number": number_text, "document_id": doc.id,
            "reception_day_id": built.reception_day_id, "unit_id": built.unit_id}
    matter = session.get(Matter, built.matter_id) if built.matter_id and kind.scope == Scope.MATTER else None
    if matter is not None:  # the lifecycle table: this notice may end a clock (受理告知, 条例第二十三条)
        ended = notice_issued(session, ctx, operator, matter, kind.key, today)
        if ended:
            data["deadlines"] = ended
    record_event(session, operator, ISSUED, matter_id=built.matter_id, note=f"出具{kind.name}（{number_text}）",
                 data=data, at=doc.issued_at)
    return doc


def issue_document_in(session: Session, ctx, operator, kind: DocumentKind | str, *,  # noqa: ANN001
                      matter_id: int | None = None, reception_day_id: int | None = None,
                      unit_id: int | None = None, appointment_id: int | None = None,
                      extra: dict[str, Any] | None = None, written: list[Path], again: bool = True) -> Document:
    """Issue one document inside the caller's transaction (e.g. the 延期办理告知书 with the 延期 itself).
    Files made are appended to ``written``: the caller removes them with ``discard_files`` if it rolls back."""
    kind = kind if isinstance(kind, DocumentKind) else get_kind(kind)
    target = _target(kind, matter_id, reception_day_id, unit_id, appointment_id)
    return _issue_in(session, ctx, operator, kind, target, extra, written, again)


def discard_files(paths: list[Path]) -> None:
    """Remove the files of documents whose transaction rolled back (their numbers were never taken)."""
    _cleanup(paths)


def _cleanup(paths: list[Path]) -> None:
    for p in paths:
        try:
            p.unlink(missing_ok=True)
        except OSError:
            pass


def issue_document(ctx, operator, kind: DocumentKind | str, *, matter_id: int | None = None,  # noqa: ANN001
                   reception_day_id: int | None = None, unit_id: int | None = None,
                   appointment_id: int | None = None, extra: dict[str, Any] | None = None,
                   again: bool = False) -> Document:
    """Render, save and record one document with the next 文号 of its kind; one transaction. A notice the
    lifecycle table does not allow in the matter's state is refused; a second one for the same step only with
    ``again`` (``NoticeAlreadyIssued`` asks)."""
    kind = kind if isinstance(kind, DocumentKind) else get_kind(kind)
    target = _target(kind, matter_id, reception_day_id, unit_id, appointment_id)
    written: list[Path] = []
    try:
        with ctx.db.write() as session:
            doc = _issue_in(session, ctx, operator, kind, target, extra, written, again)
    except BaseException:
        _cleanup(written)
        raise
    return _resolved(ctx, doc)


@dataclass
class DayIssue:
    """A reception day's set as it stands after issuing: ``documents`` is the whole current set, ``new`` those
    issued now (to print), ``kept`` the notices issued before that still tell their reader the same, ``voided`` the
    earlier ones the new set replaces."""

    documents: list[Document]
    new: list[Document]
    kept: list[Document]
    voided: list[Document]


# the documents of a reception day's set, in the order they are issued
DAY_SET_KINDS = ("leader_reception_notice", "unit_attendance_notice", "leader_brief", "reception_schedule")
SUPERSEDED = "接访安排已变更，已重新出具当日文书"
NO_LONGER_BOOKED = "预约已取消或改约，不再参加当日接访"


def _day_recipient(doc_or_target) -> int | None:  # noqa: ANN001 — a Document or a Target of a day's set
    """Whom a document of a day's set is for: the petitioner's matter, the unit, or the day as a whole (None)."""
    kind = doc_or_target.kind if isinstance(doc_or_target.kind, str) else doc_or_target.kind.key
    if kind == "leader_reception_notice":
        return doc_or_target.matter_id
    return doc_or_target.unit_id if kind == "unit_attendance_notice" else None


def issue_day_set(ctx, operator, reception_day_id: int) -> DayIssue:  # noqa: ANN001
    """A reception day's notices in one transaction: a 领导接访通知书 per booked appointment, a 参与接访通知书 per
    unit involved, the leader brief, and the week's 接访安排表.

    A document already issued for the day that says what a new one would (only 文号, date and 经办人 differ) is
    kept, not issued again: one petitioner holds one notice for one booking however often the bookings of others
    change, and issuing an unchanged day again issues nothing. Every earlier document of the day that the new set
    does not keep — a changed time, a cancelled booking, the brief and table before a change — is voided with its
    reason, so the day's live documents are always exactly its current set."""
    written: list[Path] = []
    try:
        with ctx.db.write() as session:
            day = session.get(ReceptionDay, reception_day_id)
            if day is None:
                raise DocumentRefused(f"找不到领导接访日（编号 {reception_day_id}）")
            appts = session.exec(select(Appointment).where(Appointment.reception_day_id == day.id,
                                                           Appointment.state != "cancelled")
                                 .order_by(Appointment.slot, Appointment.id)).all()
            earlier = session.exec(select(Document).where(Document.reception_day_id == day.id,
                                                          Document.void == False)  # noqa: E712
                                   .order_by(Document.id.desc())).all()
            by_recipient: dict[tuple[str, int | None], Document] = {}
            for doc in earlier:  # newest first: what a recipient holds is their latest one
                if doc.kind in DAY_SET_KINDS:
                    by_recipient.setdefault((doc.kind, _day_recipient(doc)), doc)
            docs: list[Document] = []
            new: list[Document] = []
            kept: list[Document] = []

            def issue_or_keep(kind: DocumentKind, target: Target) -> None:
                held = by_recipient.get((kind.key, _day_recipient(target)))
                if held is not None and same_content(held.rendered_values, clean_value(build_values(
                        session, ctx, operator, target, number_text=None, issued_on=ctx.today()).values)):
                    kept.append(held)
                    docs.append(held)
                    return
                doc = _issue_in(session, ctx, operator, kind, target, None, written)
                new.append(doc)
                docs.append(doc)

            unit_ids: list[int] = []
            notice = get_kind("leader_reception_notice")
            for appt in appts:
                issue_or_keep(notice, Target(notice, appt.matter_id, day.id, None, appt.id))
                matter = session.get(Matter, appt.matter_id)
                if matter.unit_id and matter.unit_id not in unit_ids and not (
                        matter.is_restricted and matter.unit_id in accused_unit_ids(session, matter.id)):
                    unit_ids.append(matter.unit_id)
            for uid in unit_ids:
                k = get_kind("unit_attendance_notice")
                issue_or_keep(k, Target(k, None, day.id, uid))
            for key in ("leader_brief", "reception_schedule"):
                k = get_kind(key)
                issue_or_keep(k, Target(k, None, day.id))
            kept_ids = {d.id for d in kept}
            voided = [d for d in earlier if d.id not in kept_ids and d.kind in DAY_SET_KINDS]
            for doc in voided:
                reason = NO_LONGER_BOOKED if doc.kind == "leader_reception_notice" and doc.matter_id not in {
                    a.matter_id for a in appts} else SUPERSEDED
                doc.void = True
                doc.void_reason = reason
                session.add(doc)
                record_event(session, operator, VOIDED, matter_id=doc.matter_id,
                             note=f"作废{get_kind(doc.kind).name}（{doc.number_text}）：{reason}",
                             data={"kind": doc.kind, "number": doc.number_text, "document_id": doc.id})
    except BaseException:
        _cleanup(written)
        raise
    for doc in {id(d): d for d in docs + voided}.values():
        _resolved(ctx, doc)
    return DayIssue(docs, new, kept, voided)


def _load(ctx, document_id: int) -> Document:  # noqa: ANN001
    with ctx.db.read() as session:
        doc = session.get(Document, document_id)
    if doc is None:
        raise DocumentRefused(f"找不到文书（编号 {document_id}）")
    return _resolved(ctx, doc)


def document_file(ctx, document_id: int, operator=None) -> Path:  # noqa: ANN001
    """The stored file of a document in this data folder; when it has gone, rendered again with the values it was
    issued with (its own 文号, date, 经办人 and record as they were: a reprint is the issued document, never
    today's data). Rows from before values were kept are rendered from the records, with the issuer as 经办人."""
    from xfdesk.documents import render  # the DOCX stack loads with the first document filled
    doc = _load(ctx, document_id)
    path = Path(doc.file_path)
    if path.exists():
        return path
    kind = get_kind(doc.kind)
    values = doc.rendered_values
    if not values:
        from xfdesk.domain.glossary import Role
        from xfdesk.services.context import Operator

        # appointment-based notices find their booking again from matter + day
        target = Target(kind, doc.matter_id, doc.reception_day_id, doc.unit_id)
        with ctx.db.read() as session:
            values = build_values(session, ctx, operator or Operator(doc.operator, Role.HEAD), target,
                                  number_text=doc.number_text, issued_on=doc.issued_at.date()).values
            values["经办人"] = doc.operator
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".part")
    try:
        render.render_docx(template_path(ctx, kind), kind, _with_defaults(kind, values), partial)
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
    return path


def _with_defaults(kind: DocumentKind, values: dict[str, Any]) -> dict[str, Any]:
    """Stored values for the kind's fields today: a field added to the catalogue since prints as a line."""
    from xfdesk.documents.fields import BLANK, field_names, list_fields

    lists = list_fields(kind)
    return {**{name: ([] if name in lists else BLANK) for name in field_names(kind)}, **values}


def _print_on_windows(path: Path, printer: str, saved: str, startfile=None) -> PrintResult:  # noqa: ANN001
    """Windows: the shell's verbs on the .docx — ``print`` to the default printer, ``printto`` a named one — so
    the office's own Word or WPS prints it as it shows it."""
    startfile = startfile or getattr(os, "startfile")  # noqa: B009 (only exists on Windows)
    try:
        if printer:
            startfile(str(path), "printto", f'"{printer}"')
        else:
            startfile(str(path), "print")
    except OSError as exc:
        return PrintResult(False, f"打印失败：{exc.strerror or exc}（请检查打印机和 Word/WPS 是否安装）。{saved}", path)
    where = f"打印机“{printer}”" if printer else "默认打印机"
    return PrintResult(True, f"已发送到{where}：{path.name}", path)


def document_pdf(ctx, document_id_or_path: int | str | Path, outdir: Path | None = None) -> Path | None:  # noqa: ANN001
    """A PDF of an issued document (by id: its file in this data folder, re-rendered as issued when lost) or of a
    DOCX path; None when neither LibreOffice nor (on Windows) Word/WPS is there, or the conversion failed."""
    if isinstance(document_id_or_path, int) or (isinstance(document_id_or_path, str)
                                                 and document_id_or_path.isdigit()):
        doc = _load(ctx, int(document_id_or_path))
        if doc.void:
            raise DocumentRefused(f"文书 {doc.number_text} 已作废")
        path = document_file(ctx, doc.id)
    else:
        path = Path(document_id_or_path)
        if not path.exists():
            raise DocumentRefused(f"找不到文件 {path}")
    if outdir is not None:
        outdir.mkdir(parents=True, exist_ok=True)
    return convert_to_pdf(path, outdir)


def _print_command(path: Path, printer: str) -> list[str] | None:
    lp = shutil.which("lp")
    if lp is None:
        return None
    return [lp, *(["-d", printer] if printer else []), str(path)]


def print_document(ctx, document_id_or_path: int | str | Path) -> PrintResult:  # noqa: ANN001
    """Send a saved document to the printer (Windows: its registered handler or the configured printer; elsewhere
    ``lp``). A failure is a clear message; the document stays saved and can be printed again."""
    if isinstance(document_id_or_path, int) or (isinstance(document_id_or_path, str)
                                                 and document_id_or_path.isdigit()):
        doc = _load(ctx, int(document_id_or_path))
        if doc.void:
            return PrintResult(False, f"文书 {doc.number_text} 已作废，不能打印", Path(doc.file_path))
        path = document_file(ctx, doc.id)
    else:
        path = Path(document_id_or_path)
        if not path.exists():
            return PrintResult(False, f"找不到文件 {path}", path)
    printer = (ctx.settings.printer or "").strip()
    saved = f"文书已保存在 {path}，可稍后重新打印"
    if sys.platform == "win32":
        return _print_on_windows(path, printer, saved)
    command = _print_command(path, printer)
    if command is None:
        return PrintResult(False, f"未找到打印命令 lp（请安装 CUPS 并设置打印机）。{saved}", path)
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=PRINT_TIMEOUT_S, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return PrintResult(False, f"打印失败：{exc}。{saved}", path)
    if done.returncode != 0:
        detail = (done.stderr or done.stdout or "").strip().splitlines()
        reason = detail[-1] if detail else f"返回码 {done.returncode}"
        where = f"打印机“{printer}”" if printer else "默认打印机"
        return PrintResult(False, f"{where}打印失败：{reason}。{saved}", path)
    return PrintResult(True, f"已发送到{'打印机“' + printer + '”' if printer else '默认打印机'}：{path.name}", path)


# Word (or WPS, which answers to the same COM calls) saves the PDF itself: the paths come through the environment,
# so no quoting of a path with spaces, quotes or Chinese into the script is ever needed.
WORD_TO_PDF_SCRIPT = """
$ErrorActionPreference = 'Stop'
$app = $null
foreach ($name in 'Word.Application', 'KWPS.Application') {
  try { $app = New-Object -ComObject $name; break } catch { }
}
if ($app -eq $null) { [Console]::Error.WriteLine('no Word'); exit 3 }
try {
  $app.Visible = $false
  $app.DisplayAlerts = 0
  $doc = $app.Documents.Open($env:XFDESK_DOCX, $false, $true)
  try { $doc.ExportAsFixedFormat($env:XFDESK_PDF, 17) } finally { $doc.Close(0) }
} finally {
  $app.Quit()
  [void][System.Runtime.InteropServices.Marshal]::ReleaseComObject($app)
}
"""


def _word_to_pdf(path: Path, pdf: Path, timeout: int) -> Path | None:
    """Windows without LibreOffice: Word (or WPS) through PowerShell and COM — ExportAsFixedFormat, format 17
    (PDF), the document opened read-only and closed without saving; None when neither is there or it failed."""
    shell = shutil.which("powershell") or shutil.which("pwsh")
    if shell is None:
        return None
    env = {**os.environ, "XFDESK_DOCX": str(path.resolve()), "XFDESK_PDF": str(pdf.resolve())}
    try:
        subprocess.run([shell, "-NoProfile", "-NonInteractive", "-ExecutionPolicy", "Bypass",
                        "-Command", WORD_TO_PDF_SCRIPT], env=env, capture_output=True, timeout=timeout, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return pdf if pdf.exists() else None


def convert_to_pdf(path: Path, outdir: Path | None = None, timeout: int = 120) -> Path | None:
    """A PDF of the DOCX (next to it, or in ``outdir``) through LibreOffice when it is installed, else on Windows
    through Word/WPS; None when there is neither (or the conversion failed)."""
    import tempfile

    outdir = outdir or path.parent
    pdf = outdir / (path.stem + ".pdf")
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        return _word_to_pdf(path, pdf, timeout) if sys.platform == "win32" else None
    # a private profile: a LibreOffice window the clerk has open must not block or receive the conversion
    with tempfile.TemporaryDirectory(prefix="xfdesk-lo-") as profile:
        try:
            subprocess.run([soffice, f"-env:UserInstallation={Path(profile).resolve().as_uri()}", "--headless",
                            "--convert-to", "pdf", "--outdir", str(outdir), str(path)],
                           capture_output=True, timeout=timeout, check=False)
        except (OSError, subprocess.TimeoutExpired):
            return None
    return pdf if pdf.exists() else None


def void_document(ctx, operator, document_id: int, reason: str) -> Document:  # noqa: ANN001
    """作废: the document keeps its number, marked void with the reason; the number is never given again."""
    reason = (reason or "").strip()
    if not reason:
        raise DocumentRefused("作废文书必须填写理由")
    with ctx.db.write() as session:
        doc = session.get(Document, document_id)
        if doc is None:
            raise DocumentRefused(f"找不到文书（编号 {document_id}）")
        if doc.void:
            raise DocumentRefused(f"文书 {doc.number_text} 已经作废")
        doc.void = True
        doc.void_reason = reason[:500]
        session.add(doc)
        record_event(session, operator, VOIDED, matter_id=doc.matter_id,
                     note=f"作废{get_kind(doc.kind).name}（{doc.number_text}）：{reason}",
                     data={"kind": doc.kind, "number": doc.number_text, "document_id": doc.id})
        return doc


def documents_for_day(ctx, day: dt.date, *, include_void: bool = False) -> list[Document]:  # noqa: ANN001
    """Documents issued on ``day`` and those of the leader reception day on that date, oldest first."""
    start = dt.datetime.combine(day, dt.time.min)
    end = start + dt.timedelta(days=1)
    with ctx.db.read() as session:
        reception = session.exec(select(ReceptionDay).where(ReceptionDay.day == day)).first()
        q = select(Document).where((Document.issued_at >= start) & (Document.issued_at < end))
        if reception is not None:
            q = select(Document).where(((Document.issued_at >= start) & (Document.issued_at < end))
                                       | (Document.reception_day_id == reception.id))
        docs = list(session.exec(q.order_by(Document.issued_at, Document.id)))
    return [_resolved(ctx, d) for d in docs if include_void or not d.void]


def documents_for_matter(ctx, matter_id: int) -> list[Document]:  # noqa: ANN001
    with ctx.db.read() as session:
        docs = list(session.exec(select(Document).where(Document.matter_id == matter_id).order_by(Document.id)))
    return [_resolved(ctx, d) for d in docs]


def kinds_for_matter(matter: Matter) -> list[str]:
    """The document kinds that make sense for the matter now, the most likely first (for the TUI chooser): the
    notices the lifecycle table says the steps into this state call for, then the screening decision's notice,
    then the others its record supports."""
    status = Status(matter.status)
    kinds: list[str] = []

    def add(key: str | None) -> None:
        rule = NOTICE_RULES.get(key) if key else None
        if key and key not in kinds and (rule is None or status in rule.states):
            kinds.append(key)

    for t in TRANSITIONS:
        if t.target == status and t.notice and (t.group != "screening" or matter.route == t.action.value):
            add(t.notice)
    if matter.route:
        add(transition_for(matter.route).notice)
    if matter.route == Action.FORWARD:  # the form that goes with the matter to the receiving body
        add("transfer_form")
    if matter.reply_result:
        add(transition_for(Action.REPLY).notice)
    handling = category_of(status) == Category.HANDLING
    if handling and matter.extension_days:
        add(transition_for(Action.EXTEND).notice)
    if matter.unit_id and status in transition_for(Action.SUPERVISE).sources:
        add(transition_for(Action.SUPERVISE).notice)
    if matter.unit_id and category_of(status) in (Category.HANDLING, Category.ANSWERED, Category.IN_REVIEW):
        add(transition_for(Action.ASSIGN).notice)
    if category_of(status) in (Category.ANSWERED, Category.IN_REVIEW):
        add(transition_for(Action.FOLLOW_UP).notice)
    add("registration_form")
    return kinds


@dataclass(frozen=True)
class KindChoice:
    """One matter document kind for the chooser: ``likely`` (what the matter's steps call for now), or allowed,
    or — ``refusal`` set — not issuable in the matter's state (the lifecycle table's short reason)."""

    key: str
    name: str
    likely: bool
    refusal: str | None


def document_choices(ctx, matter_id: int) -> list[KindChoice]:  # noqa: ANN001
    """Every matter document kind for the chooser, in the order shown: the likely ones, the other kinds the
    lifecycle table allows in the matter's state, then the ones it refuses with the reason (read from the table
    through ``notice_refusal_reason``, the same check issuing makes — never a second list)."""
    with ctx.db.read() as session:
        matter = session.get(Matter, matter_id)
        if matter is None:
            return []
        actions = [e.action for e in _matter_steps(session, matter_id)]
        status = matter.status
        likely_keys = kinds_for_matter(matter)
    refusals = {k.key: notice_refusal_reason(k.key, status, actions) for k in KINDS if k.scope == Scope.MATTER}
    likely = [KindChoice(key, get_kind(key).name, True, None) for key in likely_keys if not refusals.get(key)]
    shown = {c.key for c in likely}
    allowed = [KindChoice(key, get_kind(key).name, False, None) for key, why in refusals.items()
               if key not in shown and not why]
    refused = [KindChoice(key, get_kind(key).name, False, why) for key, why in refusals.items() if why]
    return likely + allowed + refused


def day_label(day: dt.date) -> str:
    return cn_date(day)
