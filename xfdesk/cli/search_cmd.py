"""``xfdesk search TEXT``: find people and matters (the same search as the TUI's search box)."""

from __future__ import annotations

import json

import typer

from xfdesk.cli.base import CliError, context


def register(app: typer.Typer) -> None:
    app.command("search", help="查找信访人和事项：姓名、姓名+村、拼音首字母、身份证号（或前几位）、电话（或后四位）、"
                               "事项编号或诉求内容中的任意文字")(search_cmd)


def search_cmd(
    text: str = typer.Argument(..., help="要查找的内容，多个词用空格分开，如“张三 大畲”"),
    as_json: bool = typer.Option(False, "--json", help="以 JSON 输出（people 信访人，matters 事项）"),
    limit: int = typer.Option(20, "--limit", help="每类最多列出条数（1–200）"),
    offset: int = typer.Option(0, "--offset", help="跳过前若干条（翻页）"),
    as_clerk: bool = typer.Option(False, "--as-clerk", help="以接待员身份查找（检举控告事项不显示信访人）"),
) -> None:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    from xfdesk.cli.matter_cmd import cli_operator
    from xfdesk.domain.glossary import Role
    from xfdesk.services.context import Operator
    from xfdesk.services.search import search

    if not text.strip():
        raise CliError("请输入要查找的内容")
    if not 1 <= limit <= 200:
        raise CliError("--limit 应在1到200之间")
    if offset < 0:
        raise CliError("--offset 不能为负数")
    ctx = context()
    operator = cli_operator()
    if as_clerk:  # a head previewing what a clerk sees: never the other way round
        operator = Operator(operator.name, Role.CLERK, account_id=operator.account_id)
    page = search(ctx, text, operator=operator, limit=limit, offset=offset)
    if as_json:
        print(json.dumps(page.as_json(), ensure_ascii=False, indent=2))
        return
    import sys

    # piped output (a file, another program) is not cut to 80 columns: long texts stay on one line
    console = Console(highlight=False, width=None if sys.stdout.isatty() else 200)
    if not page.people and not page.matters:
        console.print(Text(f"没有找到与“{text}”相符的信访人或事项"))
        return
    if page.people:
        table = Table(title=Text(f"信访人（共{_total(page.total_people)}人）"), show_lines=False)
        for header in ("姓名", "所属村", "身份证号", "电话", "事项", "未结", "最近来访"):
            table.add_column(header, overflow="fold")
        for p in page.people:
            table.add_row(Text(p.name), Text(p.village), Text(p.id_number_masked), Text(p.phone_masked),
                          str(p.matter_count), str(p.open_matters),
                          p.last_contact.isoformat() if p.last_contact else "—")
        console.print(table)
    if page.matters:
        table = Table(title=Text(f"事项（共{_total(page.total_matters)}件）"))
        for header in ("编号", "状态", "登记日期", "信访人", "属地", "诉求"):
            table.add_column(header, overflow="fold")
        for m in page.matters:
            table.add_row(Text(m.number), Text(m.status_label), m.received_on.isoformat(), Text(m.petitioner_name),
                          Text(m.village), Text(m.summary))
        console.print(table)
    if page.has_more:
        console.print(Text(f"还有更多结果：加 --offset {offset + limit} 查看下一页"))


def _total(value: int | None) -> str:
    return "?" if value is None else str(value)
