"""``xfdesk init`` and ``xfdesk doctor``."""

from __future__ import annotations

import typer

from xfdesk.cli.base import CliError, context, home
from xfdesk.cli.output import print_table


def register(app: typer.Typer) -> None:
    app.command("init", help="创建或升级数据文件夹与数据库（升级前自动备份数据库）")(init)
    app.command("doctor", help="体检：程序与依赖组件、数据库（完整性、写入、结构版本）、备份、基础数据、节假日安排、文书模板、公文字体")(doctor)


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
    from xfdesk.domain.errors import Refused
    from xfdesk.services.doctor import FAIL, WARN, Check, folder_checks, program_checks, run_checks

    try:
        ctx = context(daily_backup=False)
    except Refused as exc:  # a damaged database: the checks that need no database still run
        checks = program_checks() + folder_checks(home()) + [Check("数据库", FAIL, str(exc))]
    else:
        checks = run_checks(ctx)
    print_table(["状态", "项目", "说明"], [[c.level, c.topic, c.message] for c in checks])
    failed = sum(1 for c in checks if c.level == FAIL)
    warned = sum(1 for c in checks if c.level == WARN)
    if failed:
        raise CliError(f"发现{failed}项错误" + (f"、{warned}项需要注意" if warned else "") + "，见上表")
    print("检查完成：没有错误" + (f"，{warned}项需要注意" if warned else ""))
