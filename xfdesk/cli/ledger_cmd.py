"""``xfdesk import-ledger FILE.xlsx [--map MAP.toml] [--dry-run]``: a county's Excel 台账 in, checked first."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Optional

import typer

from xfdesk.cli.base import CliError, context

MAX_LISTED = 50


def register(app: typer.Typer) -> None:
    app.command("import-ledger", help="导入 Excel 信访台账（.xlsx）：按列名识别各列（可用 --map 对照文件），"
                                      "先用 --dry-run 检查；有一行错误则整份不导入；导入的事项按答复日期归档")(import_ledger_cmd)


def import_ledger_cmd(
    file: Path = typer.Argument(..., help="台账文件 .xlsx"),
    map_file: Optional[Path] = typer.Option(None, "--map", help="列名对照文件（TOML），见 docs/ledger-import.md"),
    dry_run: bool = typer.Option(False, "--dry-run", help="只检查并报告，不导入"),
) -> None:
    from xfdesk.cli.base import signed_in
    from xfdesk.services.context import print_warnings
    from xfdesk.services.ledger_import import LedgerImportRejected, import_ledger, load_map

    ctx = context()
    try:
        report = import_ledger(ctx, signed_in(ctx), file, mapping=load_map(map_file), dry_run=dry_run)
    except LedgerImportRejected as exc:
        if exc.report is not None:
            _print_report(exc.report)
        raise CliError(str(exc)) from None
    _print_report(report)
    if dry_run:
        verdict = ("检查通过，可以导入（去掉 --dry-run 再运行一次）" if report.ok
                   else f"有{len(report.errors)}行错误：改正后再导入（导入时有一处错误则整份不导入）" if report.errors
                   else "没有可导入的行")
        print(verdict)
        return
    span = report.numbers[0] if len(report.numbers) == 1 else f"{report.numbers[0]} 至 {report.numbers[-1]}"
    print(f"已导入 {file.name}：{len(report.rows)}项诉求，已按答复日期归档；事项编号 {span}")
    print_warnings(ctx)


def _print_report(report) -> None:  # noqa: ANN001
    print(f"工作表“{report.sheet}”，表头在第{report.header_row}行；识别的列："
          + "、".join(f"{h}→{f}" for f, h in report.columns.items()))
    print(f"可导入 {len(report.rows)} 行，错误 {len(report.errors)} 处，空行 {report.blank_rows} 行")
    for error in report.errors[:MAX_LISTED]:
        print(f"  {error.message}", file=sys.stderr)
    if len(report.errors) > MAX_LISTED:
        print(f"  ……另有{len(report.errors) - MAX_LISTED}处错误未列出", file=sys.stderr)
    if report.matched_people:
        print(f"与已登记信访人相同的 {len(report.matched_people)} 行（导入后归到同一人）：")
        for row, name, how in report.matched_people[:MAX_LISTED]:
            print(f"  第{row}行 {name}（{how}）")
    for title, names in (("不在类别表中的问题类别", report.unknown_categories),
                         ("不在单位表中的责任单位（导入后不设责任单位，原名写入详细情况）", report.unknown_units)):
        if names:
            print(f"{title}：")
            for name, closest in names.items():
                print(f"  {name}" + (f"（最接近：{closest}；可在对照文件里改名）" if closest else ""))
    if report.without_answer_date:
        print(f"没有答复日期的 {report.without_answer_date} 行按登记日期归档")
