"""``xfdesk import FILE`` and ``xfdesk export [--since] FILE``: the exchange file (docs/exchange-format.md)."""

from __future__ import annotations

import errno
import sys
from pathlib import Path
from typing import Optional

import typer

from xfdesk.cli.base import CliError, context

MAX_LISTED_ERRORS = 50  # a file with hundreds of bad rows: the first ones show the pattern


def register(app: typer.Typer) -> None:
    app.command("import", help="导入交换文件（xfdesk-exchange/1 格式的 JSON）：全部正确才导入，"
                               "有一处错误则整份不导入并逐条指出")(import_cmd)
    app.command("export", help="导出来访记录与信访事项到交换文件（含编号、状态、期限、办理记录、文书）；"
                               "加 --xlsx 导出 Excel 信访台账；每次导出都记入日志")(export_cmd)


def _operator():  # noqa: ANN202
    from xfdesk.cli.base import signed_in

    return signed_in()


def import_cmd(
    file: Path = typer.Argument(..., help="交换文件（UTF-8 JSON）"),
    check: bool = typer.Option(False, "--check", help="只检查文件，不导入"),
) -> None:
    from xfdesk.services.context import print_warnings
    from xfdesk.services.exchange import ImportRejected, import_exchange

    ctx = context()
    try:
        result = import_exchange(ctx, _operator(), file, dry_run=check)
    except ImportRejected as exc:
        for error in exc.errors[:MAX_LISTED_ERRORS]:
            print(error.message, file=sys.stderr)
        if len(exc.errors) > MAX_LISTED_ERRORS:
            print(f"……另有{len(exc.errors) - MAX_LISTED_ERRORS}处错误未列出", file=sys.stderr)
        raise CliError(f"{file.name} 未导入：发现{len(exc.errors)}处错误，数据库没有任何改动") from None
    if check:
        print(f"检查通过：{file.name} 含来访记录{result.contacts}条、诉求{result.matters}项，可以导入")
        return
    print(f"已导入 {file.name}：来访记录{result.contacts}条，诉求{result.matters}项；"
          f"新建信访人{result.petitioners_new}人，已有信访人{result.petitioners_reused}人次")
    if result.numbers:
        span = result.numbers[0] if len(result.numbers) == 1 else f"{result.numbers[0]} 至 {result.numbers[-1]}"
        print(f"事项编号：{span}")
    print_warnings(ctx)  # e.g. deadlines that run into a year without holiday data


def export_cmd(
    file: Path = typer.Argument(..., help="要写入的文件，如 2026-11.json；台账如 2026年台账.xlsx"),
    since: Optional[str] = typer.Option(None, "--since", "--from", help="只导出此日期（含）以后收到的，YYYY-MM-DD"),
    until: Optional[str] = typer.Option(None, "--until", "--to", help="只导出此日期（含）以前收到的，YYYY-MM-DD"),
    force: bool = typer.Option(False, "--force", help="文件已存在时覆盖"),
    xlsx: bool = typer.Option(False, "--xlsx", help="导出 Excel 信访台账（每项诉求一行，身份证号、电话遮蔽）"),
    full: bool = typer.Option(False, "--full", help="台账写出完整身份证号和电话（仅主任，记入日志）"),
) -> None:
    from xfdesk.cli.calendar_cmd import parse_day
    from xfdesk.services.exchange import export_to_file

    start = parse_day(since, "--since 日期") if since else None
    end = parse_day(until, "--until 日期") if until else None
    if start and end and end < start:
        raise CliError(f"--until {end} 早于 --since {start}")
    if file.exists() and not force:
        raise CliError(f"文件已存在：{file}（如需覆盖请加 --force）")
    ctx = context()
    if xlsx or full:
        return _export_ledger(ctx, file, start, end, full)
    try:
        result = export_to_file(ctx, _operator(), file, start, until=end)
    except OSError as exc:
        raise CliError(f"无法写入 {file}：{_os_reason(exc)}，未导出") from None
    print(f"已导出到 {file}：来访记录{result.contacts}条，诉求{result.matters}项")
    if result.restricted:
        print(f"提示：其中含检举控告事项{result.restricted}项及其信访人身份，请按保密规定移交", file=sys.stderr)
    if result.withheld:
        print(f"提示：检举控告事项{result.withheld}项未导出（只有信访办主任可以导出）", file=sys.stderr)


def _export_ledger(ctx, file: Path, start, end, full: bool) -> None:  # noqa: ANN001
    from xfdesk.services.ledger_xlsx import export_ledger

    if file.suffix.lower() != ".xlsx":
        raise CliError(f"台账文件名应以 .xlsx 结尾：{file.name}")
    try:
        result = export_ledger(ctx, _operator(), file, since=start, until=end, full=full)
    except OSError as exc:
        raise CliError(f"无法写入 {file}：{_os_reason(exc)}，未导出") from None
    print(f"已导出信访台账到 {file}：{result.rows}项诉求"
          + ("（含完整身份证号和电话，已记入日志）" if result.full else "（身份证号、电话已遮蔽；主任可加 --full）"))
    if result.restricted:
        print(f"提示：其中检举控告事项{result.restricted}项"
              + ("含信访人身份，请按保密规定移交" if result.full else "不含信访人身份"), file=sys.stderr)


def _os_reason(exc: OSError) -> str:
    reasons = {errno.EACCES: "没有写入权限", errno.EPERM: "没有写入权限", errno.ENOSPC: "磁盘空间不足",
               errno.ENOENT: "文件夹不存在", errno.EROFS: "磁盘是只读的"}
    return reasons.get(exc.errno, str(exc))
