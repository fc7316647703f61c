"""``xfdesk doc``: render, print, check templates, list fields, list and void issued documents."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path
from typing import Optional

import typer

from xfdesk.cli.base import CliError, context

doc_app = typer.Typer(help="文书：出具、打印、检查模板、查看字段", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.add_typer(doc_app, name="doc")


def _operator():  # noqa: ANN202
    """The signed-in account: it acts, and it prints as the documents' 经办人."""
    from xfdesk.cli.matter_cmd import cli_operator

    return cli_operator()


def _kind(text: str):  # noqa: ANN202
    from xfdesk.documents.kinds import UnknownKind, get_kind

    try:
        return get_kind(text)
    except UnknownKind as exc:
        raise CliError(str(exc)) from None


def _extra(pairs: list[str]) -> dict[str, str]:
    extra: dict[str, str] = {}
    for pair in pairs:
        if "=" not in pair:
            raise CliError(f"--set 的格式应为 字段=值：{pair}")
        key, value = pair.split("=", 1)
        extra[key.strip()] = value
    return extra


def _day_id(ctx, day_text: str) -> int:  # noqa: ANN001
    from xfdesk.services.reception import day_ref

    try:
        day = dt.date.fromisoformat(day_text)
    except ValueError:
        raise CliError(f"日期格式应为 2026-11-26：{day_text}") from None
    ref = day_ref(ctx, day)
    if ref is None:
        raise CliError(f"{day.year}年{day.month}月{day.day}日不是领导接访日")
    return ref[0]


def _unit_id(ctx, name: str) -> int:  # noqa: ANN001
    from xfdesk.services.reference import find_unit

    unit = find_unit(ctx, name)
    if unit is None:
        raise CliError(f"找不到责任单位：{name}")
    return unit.id


def _refusal(exc: Exception) -> CliError:
    from xfdesk.documents.render import TemplateProblem

    if isinstance(exc, TemplateProblem):
        return CliError(f"{exc}（可用 xfdesk doc check 查看）")
    return CliError(str(exc))


@doc_app.command("render", help="出具文书（取文号、保存并登记）；KIND 可用中文名或英文代码，如 受理告知书")
def render_cmd(
    kind: str = typer.Argument(..., help="文书种类，如 受理告知书 或 acceptance_notice"),
    matter: Optional[str] = typer.Option(None, "--matter", "-m", help="事项编号，如 XF-2026-000123"),
    day: Optional[str] = typer.Option(None, "--day", help="领导接访日（接访类文书），如 2026-11-26"),
    unit: Optional[str] = typer.Option(None, "--unit", help="单位名称（参与接访通知书、督办通知书等）"),
    appointment: Optional[int] = typer.Option(None, "--appointment", help="约访编号（领导接访通知书、督办通知书）"),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="另存一份到此文件"),
    values: list[str] = typer.Option([], "--set", help="手工填写字段：字段=值，可多次使用"),
    preview: bool = typer.Option(False, "--preview", help="只预览填好的文字，不编号、不保存"),
    pdf: bool = typer.Option(False, "--pdf", help="同时转换为 PDF（需要安装 LibreOffice）"),
    print_it: bool = typer.Option(False, "--print", help="保存后立即打印"),
    again: bool = typer.Option(False, "--again", help="本步骤已出具过同种文书时，确认再出具一份（取新文号）"),
) -> None:
    from xfdesk.documents.builders import DocumentRefused
    from xfdesk.documents.render import RenderError, TemplateProblem
    from xfdesk.services.documents import (
        NoticeAlreadyIssued,
        convert_to_pdf,
        issue_document,
        preview_document,
        print_document,
    )
    from xfdesk.services.queries import find_matter

    k = _kind(kind)
    ctx = context()
    matter_id = None
    if matter:
        found = find_matter(ctx, matter)
        if found is None:
            raise CliError(f"找不到事项：{matter}")
        matter_id = found.id
    day_id = _day_id(ctx, day) if day else None
    unit_id = _unit_id(ctx, unit) if unit else None
    extra = _extra(values) or None
    try:
        if preview:
            typer.echo(preview_document(ctx, _operator(), k, matter_id=matter_id, reception_day_id=day_id,
                                        unit_id=unit_id, appointment_id=appointment, extra=extra))
            return
        doc = issue_document(ctx, _operator(), k, matter_id=matter_id, reception_day_id=day_id, unit_id=unit_id,
                             appointment_id=appointment, extra=extra, again=again)
    except NoticeAlreadyIssued as exc:
        raise CliError(f"{exc}（重印：xfdesk doc print 文书编号；确需再出具加 --again）") from None
    except (DocumentRefused, TemplateProblem, RenderError, ValueError) as exc:
        raise _refusal(exc) from None
    typer.echo(f"已出具{k.name}，文号 {doc.number_text}，文书编号 {doc.id}")
    typer.echo(f"文件：{doc.file_path}")
    path = Path(doc.file_path)
    if output is not None:
        output.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, output)
        typer.echo(f"已另存到：{output}")
    if pdf:
        made = convert_to_pdf(output if output is not None else path)
        typer.echo(f"PDF：{made}" if made else
                   "未能转换为 PDF（没有安装 LibreOffice，Windows 上也没有 Word/WPS，或转换失败），Word 文件已保存")
    if print_it:  # the document is issued either way: a printer problem is said, not a failed command
        result = print_document(ctx, doc.id)
        typer.echo(result.message if result.ok else f"提示：文书已出具（{doc.number_text}），但{result.message}",
                   err=not result.ok)


@doc_app.command("print", help="打印已保存的文书（文件路径或文书编号）；重印保留原文号")
def print_cmd(target: str = typer.Argument(..., help="文书文件路径，或 doc list 中的文书编号"),
              pdf: bool = typer.Option(False, "--pdf", help="转换为 PDF（LibreOffice；Windows 上没有时用 Word/WPS），不发送到打印机"),
              output: Optional[Path] = typer.Option(None, "--output", "-o", help="PDF 保存的文件夹（默认与文书同处）")
              ) -> None:
    from xfdesk.documents.builders import DocumentRefused
    from xfdesk.services.documents import document_pdf, print_document

    ctx = context()
    _operator()  # printing and listing documents show office records: signed in
    try:
        if pdf:
            made = document_pdf(ctx, target, output)
            if made is None:
                raise CliError("未能转换为 PDF：请安装 LibreOffice（Windows 上装有 Word 或 WPS 时由它们转换）")
            typer.echo(f"PDF：{made}")
            return
        result = print_document(ctx, target)
    except DocumentRefused as exc:
        raise CliError(str(exc)) from None
    if not result.ok:
        raise CliError(result.message)
    typer.echo(result.message)


@doc_app.command("check", help="检查模板（语法、未知字段、全角花括号）；不带参数时检查全部在用的模板")
def check_cmd(template: Optional[str] = typer.Argument(None, help="模板文件路径或文书种类")) -> None:
    from xfdesk.documents.kinds import UnknownKind
    from xfdesk.services.documents import check_templates

    ctx = context()
    try:
        results = check_templates(ctx, template)
    except UnknownKind as exc:
        raise CliError(str(exc)) from None
    bad = 0
    for path, problems in results.items():
        if problems:
            bad += 1
            typer.echo(f"✗ {path}")
            for p in problems:
                typer.echo(f"    {p}")
        else:
            typer.echo(f"✓ {path}")
    from xfdesk.services.documents import office_contact_gaps

    for gap in office_contact_gaps(ctx) if not template else []:
        typer.echo(f"提醒：{gap}", err=True)
    if bad:
        raise CliError(f"{bad}个模板有问题，请按上面的提示修改后再用")
    typer.echo(f"全部{len(results)}个模板检查通过")


@doc_app.command("fields", help="列出某种文书模板可用的字段")
def fields_cmd(kind: Optional[str] = typer.Argument(None, help="文书种类；不填时列出全部种类")) -> None:
    from xfdesk.documents.fields import describe
    from xfdesk.documents.kinds import KINDS

    if kind is None:
        for k in KINDS:
            typer.echo(f"{k.key:26} {k.name}（模板 {k.file_name}）")
        return
    typer.echo(describe(_kind(kind)))


@doc_app.command("list", help="列出已出具的文书（某日的，或某事项的）")
def list_cmd(
    day: Optional[str] = typer.Option(None, "--day", help="日期，如 2026-11-21；默认今天"),
    matter: Optional[str] = typer.Option(None, "--matter", "-m", help="事项编号"),
) -> None:
    from xfdesk.documents.kinds import get_kind
    from xfdesk.services.documents import documents_for_day, documents_for_matter
    from xfdesk.services.queries import find_matter

    ctx = context()
    _operator()  # printing and listing documents show office records: signed in
    if matter:
        found = find_matter(ctx, matter)
        if found is None:
            raise CliError(f"找不到事项：{matter}")
        docs = documents_for_matter(ctx, found.id)
    else:
        try:
            on = dt.date.fromisoformat(day) if day else ctx.today()
        except ValueError:
            raise CliError(f"日期格式应为 2026-11-21：{day}") from None
        docs = documents_for_day(ctx, on, include_void=True)
    if not docs:
        typer.echo("没有文书")
        return
    for d in docs:
        state = f"（已作废：{d.void_reason}）" if d.void else ""
        typer.echo(f"{d.id:>5}  {d.number_text}  {get_kind(d.kind).name}  {d.issued_at:%Y-%m-%d %H:%M}  "
                   f"{d.operator}{state}  {d.file_path}")


@doc_app.command("void", help="作废文书（保留文号，标记作废）")
def void_cmd(
    document_id: int = typer.Argument(..., help="文书编号（见 doc list）"),
    reason: str = typer.Option(..., "--reason", help="作废理由"),
) -> None:
    from xfdesk.documents.builders import DocumentRefused
    from xfdesk.services.documents import void_document

    ctx = context()
    try:
        doc = void_document(ctx, _operator(), document_id, reason)
    except DocumentRefused as exc:
        raise CliError(str(exc)) from None
    typer.echo(f"已作废文书 {doc.number_text}（文号保留，不再使用）")
