"""``xfdesk matter list`` and ``xfdesk matter show``."""

from __future__ import annotations

import json
from typing import Optional

import typer

from xfdesk.cli.app import CliError, context
from xfdesk.domain.glossary import Role

matter_app = typer.Typer(help="信访事项：列表与详情", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.add_typer(matter_app, name="matter")


def cli_operator():  # noqa: ANN201
    """The command line is the administrator's tool: it acts as the office head, and views are logged as such."""
    from xfdesk.services.context import Operator

    return Operator("命令行", Role.HEAD)


@matter_app.command("list", help="列出信访事项（按期限先后）；列不完时说明共有多少件、如何看其余的")
def list_cmd(
    status: Optional[str] = typer.Option(None, "--status", help="状态，如 待甄别、办理中"),
    overdue: bool = typer.Option(False, "--overdue", help="只列已超期的事项"),
    limit: int = typer.Option(100, "--limit", help="最多列出条数"),
    offset: int = typer.Option(0, "--offset", help="跳过前若干条（翻页）"),
    as_json: bool = typer.Option(False, "--json", help="以 JSON 输出"),
) -> None:
    from xfdesk.cli.output import left_out, print_line, print_table
    from xfdesk.services.queries import count_listed, list_matters

    if limit < 1 or offset < 0:
        raise CliError("--limit 应不小于1，--offset 不能为负数")
    ctx = context()
    try:
        rows = list_matters(ctx, status=status, overdue=overdue, limit=limit, offset=offset, operator=cli_operator())
        total = count_listed(ctx, status=status, overdue=overdue)
    except ValueError as exc:
        raise CliError(str(exc)) from None
    if as_json:
        print(json.dumps([r.as_json() for r in rows], ensure_ascii=False, indent=2))
        return
    if not rows:
        print("没有符合条件的事项" if offset == 0 else f"共{total}件，--offset {offset} 之后没有了")
        return
    print_table(["编号", "状态", "登记日期", "期限", "剩余", "信访人", "诉求", "标记"],
                [[r.number, r.status_label, r.received_on.isoformat(), r.due_on.isoformat() if r.due_on else "—",
                  _days(r.days_left), r.petitioner, r.summary, "、".join(r.flags)] for r in rows])
    shown_to = offset + len(rows)
    note = left_out(shown_to, total, f"用 --offset {shown_to} 看后面的，或用 --limit 列出更多") if total > shown_to else None
    if offset:
        note = f"列出第{offset + 1}至{shown_to}件，共{total}件" + (f"；用 --offset {shown_to} 看后面的" if total > shown_to else "")
    print_line(note or f"共{total}件")


def _days(n: int | None) -> str:
    if n is None:
        return ""
    return f"超期{-n}天" if n < 0 else ("今天到期" if n == 0 else f"剩{n}天")


@matter_app.command("show", help="显示一件事项的全部信息、期限与办理记录")
def show_cmd(
    number: str = typer.Argument(..., help="事项编号，如 XF-2026-000123，本年度的也可只写序号 123"),
    as_json: bool = typer.Option(False, "--json", help="以 JSON 输出"),
) -> None:
    from xfdesk.cli.output import print_line, print_table
    from xfdesk.domain.numbering import resolve_matter_ref
    from xfdesk.domain.timeline import event_label
    from xfdesk.services.queries import matter_detail

    ctx = context()
    full = resolve_matter_ref(number, ctx.today().year)
    detail = matter_detail(ctx, full, cli_operator())
    if detail is None:
        raise CliError(f"找不到事项：{full}" + (f"（“{number}”按本年度序号查找）" if full != number.strip().upper() else ""))
    if as_json:
        print(json.dumps(detail, ensure_ascii=False, indent=2))
        return
    p = detail["petitioner"]
    print_line(f"{detail['number']}  {detail['status_label']}  {'、'.join(detail['flags'])}".rstrip())
    print_line(f"信访人：{p['name'] if p else '（身份保密）'}  {p['village'] if p else ''}".rstrip())
    print_line(f"诉求：{detail['summary']}")
    if detail["details"]:
        print_line(f"详情：{detail['details']}")
    print_line(f"类别：{detail['category']}  属地：{detail['location']}  责任单位：{detail['unit'] or '—'}")
    states = {"open": "计时中", "met": "按期", "late": "超期", "cancelled": "不适用"}
    print_table(["项目", "到期日", "状态"], [[d["label"], d["due_on"], states.get(d["state"], d["state"])]
                                          for d in detail["deadline_details"]], title="期限")
    print_table(["时间", "经办人", "办理", "说明"],
                [[_when(e["at"]), e["actor"], event_label(e["action"]), e["note"]] for e in detail["events"]],
                title="办理记录")
    if detail["documents"]:
        print_table(["文书", "文号", "出具时间", ""],
                    [[d["kind"], d["number"], _when(d["issued_at"]), "已作废" if d["void"] else ""]
                     for d in detail["documents"]], title="文书")


def _when(iso: str) -> str:
    """``2026-12-01T23:18:00`` → ``2026-12-01 23:18`` (what people read; the JSON keeps the full form)."""
    return iso.replace("T", " ")[:16]
