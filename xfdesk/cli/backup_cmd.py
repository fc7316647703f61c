"""``xfdesk backup`` (备份, 备份列表, 备份设置) and ``xfdesk restore FILE`` (恢复)."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from xfdesk.cli.base import CliError, context, home
from xfdesk.cli.output import print_table

backup_app = typer.Typer(help="备份数据库与文书：立即备份、查看备份、设置第二个备份位置与保留份数",
                         invoke_without_command=True)


def register(app: typer.Typer) -> None:
    app.add_typer(backup_app, name="backup")
    app.command("restore", help="从备份恢复数据库：先校验备份，当前数据库另存一份，恢复后显示恢复了什么。"
                                "恢复前请在所有接待台退出程序")(restore_cmd)


@backup_app.callback()
def backup_cmd(
    ctx: typer.Context,
    to: Optional[Path] = typer.Option(None, "--to", help="备份到此文件夹（如 U 盘 E:\\信访备份）；默认为数据文件夹的 backups"),
) -> None:
    if ctx.invoked_subcommand is not None:
        return
    from xfdesk.services.backup import BackupRefused, make_backup

    app_ctx = context(daily_backup=False)
    try:
        outcome = make_backup(app_ctx, to=to)
    except BackupRefused as exc:
        raise CliError(str(exc)) from None
    info = outcome.info
    print(f"已备份并校验：{info.path}")
    print(f"  {_counts(info.counts)}；最新事项 {info.newest_matter or '—'}（{info.newest_matter_on or '—'}）")
    print(f"  文书：新复制 {outcome.documents_copied} 份到 {outcome.folder / 'documents'}")
    if outcome.pruned:
        print(f"  按保留规则删除了 {len(outcome.pruned)} 份较早的备份")
    for line in outcome.warnings:
        typer.echo(f"提示：{line}", err=True)


@backup_app.command("list", help="列出备份（时间、校验结果、事项数、大小），最新的在最后")
def list_cmd(
    to: Optional[Path] = typer.Option(None, "--to", help="列出此文件夹中的备份；默认为数据文件夹的 backups"),
) -> None:
    from xfdesk.services.backup import list_backups

    folder = to or home().backups
    found = list_backups(folder)
    if not found:
        print(f"{folder} 中没有备份")
        return
    rows = [[b.taken_at.strftime("%Y-%m-%d %H:%M"), _REASONS.get(b.reason, b.reason),
             "完好" if b.verified else f"不能用：{b.problem}", str(b.counts.get("matter", "—")),
             f"{b.size / 1_048_576:.1f} MB", b.path.name] for b in found]
    print_table(["时间", "来由", "校验", "事项", "大小", "文件"], rows, title=f"{folder} 中的备份（共{len(found)}份）")


@backup_app.command("config", help="查看或修改备份设置：第二个备份位置（U 盘或共享文件夹）、每日自动备份、保留份数")
def config_cmd(
    folder: Optional[str] = typer.Option(None, "--folder", help="第二个备份位置，如 E:\\信访备份；填空字符串 \"\" 取消"),
    daily: Optional[bool] = typer.Option(None, "--daily/--no-daily", help="每天第一次启动时自动备份（默认开启）"),
    keep_daily: Optional[int] = typer.Option(None, "--keep-daily", help="保留最近几天的备份（每天一份）"),
    keep_weekly: Optional[int] = typer.Option(None, "--keep-weekly", help="保留最近几周的备份（每周一份）"),
    keep_monthly: Optional[int] = typer.Option(None, "--keep-monthly", help="保留最近几个月的备份（每月一份）"),
) -> None:
    from xfdesk.services.backup import retention

    app_ctx = context(daily_backup=False)
    changes = {"backup_folder": folder, "backup_daily": daily, "backup_keep_daily": keep_daily,
               "backup_keep_weekly": keep_weekly, "backup_keep_monthly": keep_monthly}
    for key, value in changes.items():
        if value is None:
            continue
        if isinstance(value, int) and not isinstance(value, bool) and not 0 <= value <= 1000:
            raise CliError(f"保留份数应在0到1000之间：{value}")
        app_ctx.save_setting(key, value.strip() if isinstance(value, str) else value)
    s = app_ctx.settings
    print(f"每日自动备份：{'开启' if s.backup_daily else '关闭'}（每天第一次启动程序时）")
    print(f"备份位置：{app_ctx.home.backups}" + (f"；第二个位置：{s.backup_folder}" if s.backup_folder else "（未设第二个位置）"))
    print(f"保留规则：{retention(app_ctx).describe()}；最新一份总是保留，校验通过后才删除旧的")


def restore_cmd(
    file: Path = typer.Argument(..., metavar="备份文件", help="要恢复的备份文件（backups 文件夹里的 xfdesk-….db）"),
) -> None:
    from xfdesk.services.backup import BackupRefused, restore_backup

    try:
        outcome = restore_backup(home(), file)
    except BackupRefused as exc:
        raise CliError(str(exc)) from None
    r = outcome.restored
    print(f"已从备份恢复：{r.path}（{r.taken_at:%Y-%m-%d %H:%M} 的备份）")
    print(f"  现有{_counts(outcome.counts)}")
    print(f"  最新事项：{outcome.newest_matter or '—'}（{outcome.newest_matter_on or '—'}）")
    if outcome.migrated_from:
        print(f"  备份来自较早的版本（{outcome.migrated_from}），已升级到当前结构")
    if outcome.kept_copy:
        print(f"  恢复前的数据库已另存为 {outcome.kept_copy}")
    print("提示：备份之后登记的事项和出具的文书记录不在恢复后的数据库中（文书文件仍在 output 文件夹）")


_REASONS = {"manual": "手动", "daily": "每日", "before-migrate": "升级前", "before-restore": "恢复前",
            "migrate": "升级前"}


def _counts(counts: dict[str, int]) -> str:
    from xfdesk.services.backup import COUNTED_TABLES

    return "，".join(f"{label}{counts.get(table, 0)}" for table, label in COUNTED_TABLES.items())
