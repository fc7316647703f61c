"""``xfdesk init`` and ``xfdesk doctor``."""

from __future__ import annotations

import typer

from xfdesk.cli.base import CliError, context, home


def register(app: typer.Typer) -> None:
    app.command("init", help="创建或升级数据文件夹与数据库（升级前自动备份数据库）")(init)
    app.command("doctor", help="检查安装：数据库完整性、节假日数据覆盖、文书模板、公文字体")(doctor)


def init() -> None:
    h = home()
    existed = h.database.exists()
    ctx = context()
    ctx.db.refresh_statistics()
    print(f"数据文件夹：{h.root}")
    print(f"数据库：{ctx.db.url if not ctx.db.is_sqlite else h.database}（{'已升级到最新结构' if existed else '已创建'}）")
    print(f"时限方案：{ctx.profile.label}")
    for line in ctx.calendar_warnings():
        typer.echo(f"提示：{line}", err=True)


def doctor() -> None:
    from xfdesk.services.doctor import FAIL, run_checks

    ctx = context()
    checks = run_checks(ctx)
    for c in checks:
        print(f"[{c.level}] {c.topic}：{c.message}")
    failed = sum(1 for c in checks if c.level == FAIL)
    if failed:
        raise CliError(f"发现 {failed} 项错误")
    print("检查完成，未发现错误")
