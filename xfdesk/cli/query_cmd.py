"""``xfdesk query CODE``: answer a phone call by the 查询码 on the 受理告知书."""

from __future__ import annotations

import typer

from xfdesk.cli.base import context
from xfdesk.cli.output import print_table


def register(app: typer.Typer) -> None:
    app.command("query", help="按查询码（受理告知书上）查事项的办理状态、当前环节、期限和责任单位；"
                              "不显示任何个人信息；每次查询记入日志")(query_cmd)


def query_cmd(code: str = typer.Argument(..., help="查询码，例如 K7NM-4XQP（大小写、空格、短横都可以）"),
              as_clerk: bool = typer.Option(True, "--as-clerk/--as-head", help="以接待员身份查询（默认）")) -> None:
    from xfdesk.cli.base import signed_in
    from xfdesk.domain.glossary import Role
    from xfdesk.services.context import Operator
    from xfdesk.services.query_codes import query_matter

    ctx = context()
    operator = signed_in(ctx)  # the signed-in account; --as-clerk (the default) only ever lowers its role
    if as_clerk:
        operator = Operator(operator.name, Role.CLERK, account_id=operator.account_id)
    answer = query_matter(ctx, operator, code)
    print_table(["项目", "内容"], answer.lines(), title="查询结果")
