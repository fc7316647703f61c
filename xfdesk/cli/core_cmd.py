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
    first_head(ctx)
    for line in ctx.calendar_warnings():
        typer.echo(f"提示：{line}", err=True)


def first_head(ctx) -> None:  # noqa: ANN001
    """An office without accounts: the office head's, before anything else (name, password twice, recovery code).
    A script gives the name and password by XFDESK_USER / XFDESK_PASSWORD."""
    import os

    from xfdesk.cli.base import ENV_PASSWORD, ask_line, ask_secret, given_user, interactive
    from xfdesk.services.accounts import create_first_head, has_accounts

    if has_accounts(ctx):
        return
    print("本办还没有账号。先建立信访办主任的账号（只有主任能查看检举控告人身份、管理账号）：")
    name = given_user()
    password = os.environ.get(ENV_PASSWORD)
    try:
        if not name:
            if not interactive():
                raise CliError("请用 --user 姓名 给出信访办主任的姓名，并输入密码（或用环境变量 XFDESK_PASSWORD）")
            name = ask_line("信访办主任姓名：")
        if password:
            again = password
        else:
            password = ask_secret("设置密码：")
            again = ask_secret("再输入一次密码：")
    except EOFError:
        raise CliError("需要在终端里输入信访办主任的姓名和密码") from None
    made = create_first_head(ctx, name, password, again)
    print(f"已建立信访办主任账号：{made.operator.name}")
    print("恢复码（忘记密码时用 xfdesk user recover 重设；只显示这一次，请抄下来锁进抽屉）：")
    print(f"  {made.recovery_code}")


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
