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


@matter_app.command("list", help="列出信访事项")
def list_cmd(
    status: Optional[str] = typer.Option(None, "--status", help="状态（如 待甄别、办理中，或英文代码 registered）"),
    overdue: bool = typer.Option(False, "--overdue", help="只列已超期的事项"),
    limit: int = typer.Option(100, "--limit", help="最多列出条数"),
    as_json: bool = typer.Option(False, "--json", help="以 JSON 输出"),
) -> None:
    from xfdesk.services.queries import list_matters

    ctx = context()
    try:
        rows = list_matters(ctx, status=status, overdue=overdue, limit=limit, operator=cli_operator())
    except ValueError as exc:
        raise CliError(str(exc)) from None
    if as_json:
        print(json.dumps([r.as_json() for r in rows], ensure_ascii=False, indent=2))
        return
    if not rows:
        print("没有符合条件的事项")
        return
    for r in rows:
        due = f"{r.due_on.isoformat()}（{_days(r.days_left)}）" if r.due_on else "—"
        flags = f" [{'、'.join(r.flags)}]" if r.flags else ""
        print(f"{r.number}  {r.status_label:<6}  {r.received_on.isoformat()}  期限 {due}  {r.petitioner}  "
              f"{r.summary}{flags}")


def _days(n: int | None) -> str:
    if n is None:
        return ""
    return f"超期{-n}天" if n < 0 else ("今天到期" if n == 0 else f"剩{n}天")


@matter_app.command("show", help="显示一件事项的全部信息、期限与办理记录")
def show_cmd(
    number: str = typer.Argument(..., help="事项编号，如 XF-2026-000123"),
    as_json: bool = typer.Option(False, "--json", help="以 JSON 输出"),
) -> None:
    from xfdesk.services.queries import matter_detail

    ctx = context()
    detail = matter_detail(ctx, number, cli_operator())
    if detail is None:
        raise CliError(f"找不到事项：{number}")
    if as_json:
        print(json.dumps(detail, ensure_ascii=False, indent=2))
        return
    p = detail["petitioner"]
    print(f"{detail['number']}  {detail['status_label']}  {'、'.join(detail['flags'])}")
    print(f"信访人：{p['name'] if p else '（身份保密）'}  {p['village'] if p else ''}")
    print(f"诉求：{detail['summary']}")
    if detail["details"]:
        print(f"详情：{detail['details']}")
    print(f"类别：{detail['category']}  属地：{detail['location']}  责任单位：{detail['unit'] or '—'}")
    print("期限：")
    for d in detail["deadline_details"]:
        state = {"open": "计时中", "met": "按期", "late": "超期", "cancelled": "不适用"}[d["state"]]
        print(f"  {d['label']}  {d['due_on']}  {state}")
    from xfdesk.domain.timeline import event_label

    print("办理记录：")
    for e in detail["events"]:
        print(f"  {e['at']}  {e['actor']}  {event_label(e['action'])}  {e['note']}")
