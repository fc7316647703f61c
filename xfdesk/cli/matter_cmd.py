"""``xfdesk matter list``, ``show``, ``actions`` and ``do``."""

from __future__ import annotations

import json
import sys
from typing import Optional

import typer

from xfdesk.cli.base import CliError, context

matter_app = typer.Typer(help="信访事项：列表、详情、可办操作与办理", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.add_typer(matter_app, name="matter")


def cli_operator():  # noqa: ANN201
    """Who runs this command: the signed-in account (--user / XFDESK_USER and its password); its role decides what
    it sees, as at the desk."""
    from xfdesk.cli.base import signed_in

    return signed_in()


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
    assumed: set[int] = set()
    for r in rows:
        assumed.update(r.assumed_years)
    print_table(["编号", "状态", "登记日期", "期限", "剩余", "信访人", "诉求", "标记"],
                [[r.number, r.status_label, r.received_on.isoformat(),
                  (r.due_on.isoformat() + (ASSUMED_MARK if r.due_assumed else "")) if r.due_on else "—",
                  _days(r.days_left), r.petitioner, r.summary, "、".join(r.flags)] for r in rows])
    shown_to = offset + len(rows)
    note = left_out(shown_to, total, f"用 --offset {shown_to} 看后面的，或用 --limit 列出更多") if total > shown_to else None
    if offset:
        note = f"列出第{offset + 1}至{shown_to}件，共{total}件" + (f"；用 --offset {shown_to} 看后面的" if total > shown_to else "")
    print_line(note or f"共{total}件")
    _warn_assumed(assumed)


ASSUMED_MARK = "（按周末推算）"  # a due date counted through a year without holiday data


def _warn_assumed(years: set[int]) -> None:
    """The same warning the other commands give, on stderr, for each year a shown due date was guessed in."""
    from xfdesk.services.context import missing_year_warning

    for year in sorted(years):
        print(f"提示：{missing_year_warning(year)}", file=sys.stderr)


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
    assumed: set[int] = set()
    for d in detail["deadline_details"]:
        if d.get("assumed"):
            start, due = (int(d[k][:4]) for k in ("start_on", "due_on"))
            assumed.update(ctx.calendar().missing_years(range(start, due + 1)))
    print_table(["项目", "到期日", "状态"],
                [[d["label"], d["due_on"] + (ASSUMED_MARK if d.get("assumed") else ""), d["state_label"]]
                 for d in detail["deadline_details"]], title="期限")
    print_table(["时间", "经办人", "办理", "说明"],
                [[_when(e["at"]), e["actor"], event_label(e["action"]), e["note"]] for e in detail["events"]],
                title="办理记录")
    if detail["documents"]:
        print_table(["文书", "文号", "出具时间", ""],
                    [[d["kind"], d["number"], _when(d["issued_at"]), "已作废" if d["void"] else ""]
                     for d in detail["documents"]], title="文书")
    _warn_assumed(assumed)


def _when(iso: str) -> str:
    """``2026-12-01T23:18:00`` → ``2026-12-01 23:18`` (what people read; the JSON keeps the full form)."""
    return iso.replace("T", " ")[:16]


def _date(text: Optional[str], label: str):  # noqa: ANN202
    if text is None or not text.strip():
        return None
    from xfdesk.domain.dates import BadDate, parse_day

    try:
        return parse_day(text, label)
    except BadDate as exc:
        raise CliError(f"{exc}：{text}") from None


@matter_app.command("accused", help="记录检举控告事项所检举的单位（不能向其交办、督办或发参与接访通知）；不带 --unit 为清除")
def accused_cmd(
    number: str = typer.Argument(..., help="事项编号，如 XF-2026-000123"),
    units: list[str] = typer.Option([], "--unit", help="被检举的单位（名称或编号），可多次使用"),
) -> None:
    from xfdesk.domain.errors import Refused
    from xfdesk.services.accused import record_accused_units
    from xfdesk.services.reference import find_unit

    ctx = context()
    ids = []
    for name in units:
        unit = find_unit(ctx, name)
        if unit is None:
            raise CliError(f"找不到单位：{name}")
        ids.append(unit.id)
    try:
        result = record_accused_units(ctx, cli_operator(), number, ids)
    except Refused as exc:
        raise CliError(str(exc)) from None
    typer.echo(("已记录被检举单位：" + "、".join(result["units"])) if result["units"] else "已清除被检举单位")
    if result["warning"]:
        typer.echo(result["warning"], err=True)


@matter_app.command("actions", help="列出事项当前可以进行的操作（按办理流程表）及各操作需要的选项")
def actions_cmd(
    number: str = typer.Argument(..., help="事项编号，如 XF-2026-000123"),
    as_json: bool = typer.Option(False, "--json", help="以 JSON 输出"),
) -> None:
    from xfdesk.services.actions import ACTION_INPUTS, possible

    ctx = context()
    summary, choices = possible(ctx, cli_operator(), number)
    rows = [{"action": c.action.value, "label": c.transition.label, "allowed": c.allowed, "refusal": c.refusal,
             "role": c.transition.role.value, "notice": c.transition.notice,
             "options": [{"option": f.option, "label": f.label, "required": f.required}
                         for f in ACTION_INPUTS.get(c.action, ())]} for c in choices]
    if as_json:
        print(json.dumps({"number": summary["number"], "status": summary["status"],
                          "status_label": summary["status_label"], "actions": rows}, ensure_ascii=False, indent=2))
        return
    print(f"{summary['number']}  {summary['status_label']}")
    if not rows:
        print("当前状态没有可以进行的操作")
        return
    for r in rows:
        opts = " ".join(f"{o['option']}" if o["required"] else f"[{o['option']}]" for o in r["options"])
        mark = "" if r["allowed"] else f"  （{r['refusal']}）"
        print(f"  {r['action']:<20} {r['label']}  {opts}{mark}")


@matter_app.command("do", help="办理一步（与界面相同的检查和记录），如：xfdesk matter do XF-2026-000001 assign --unit 城建办")
def do_cmd(
    number: str = typer.Argument(..., help="事项编号，如 XF-2026-000123"),
    action: str = typer.Argument(..., help="操作代码或名称（xfdesk matter actions 编号 可查），如 accept / 受理"),
    date: Optional[str] = typer.Option(None, "--date", help="办理日期（默认今天），复查/复核为收到申请的日期"),
    unit: Optional[str] = typer.Option(None, "--unit", help="责任单位（名称或编号）"),
    reason_code: Optional[str] = typer.Option(None, "--reason-code", help="甄别理由代码"),
    text: str = typer.Option("", "--text", help="说明、理由、意见、协议内容等（按操作）"),
    days: Optional[int] = typer.Option(None, "--days", help="延期天数"),
    result: Optional[str] = typer.Option(None, "--result", help="答复意见 / 复查复核结论 / 回访满意度"),
    kind: Optional[str] = typer.Option(None, "--kind", help="事项性质：申诉求决 / 建议意见 / 检举控告"),
    to: Optional[str] = typer.Option(None, "--to", help="转送的机关或法定途径"),
    due: Optional[str] = typer.Option(None, "--due", help="交办要求反馈日期 / 督办反馈期限"),
    basis: str = typer.Option("", "--basis", help="答复的处理依据"),
    method: Optional[str] = typer.Option(None, "--method", help="回访方式"),
    late_reason: str = typer.Option("", "--late-reason", help="逾期申请复查/复核的正当理由"),
    as_json: bool = typer.Option(False, "--json", help="以 JSON 输出结果"),
) -> None:
    from xfdesk.domain.errors import Refused
    from xfdesk.domain.glossary import DUTY_STATE_LABELS, DeadlineState
    from xfdesk.services.actions import ActionInput, do_action
    from xfdesk.services.context import print_warnings

    ctx = context()
    values = ActionInput(on=_date(date, "--date"), unit=unit, reason_code=reason_code, text=text, days=days,
                         result=result, kind=kind, to=to, due=_date(due, "--due"), basis=basis, method=method,
                         late_reason=late_reason)
    try:
        outcome = do_action(ctx, cli_operator(), number, action, values)
    except Refused as exc:
        raise CliError(str(exc)) from None
    print_warnings(ctx)
    if as_json:
        print(json.dumps(outcome.as_json(), ensure_ascii=False, indent=2))
        return
    data = outcome.as_json()
    change = (f"{data['from_label']} → {data['to_label']}" if data["from"] != data["to"] else data["to_label"])
    print(f"已{outcome.label}：{outcome.number}  {change}")
    for d in outcome.deadlines:
        if "on_time" in d:
            state = DeadlineState.MET if d["on_time"] else DeadlineState.LATE
            print(f"  {_clock_name(ctx, d['name'])}（{d['due_on']}届满）：{DUTY_STATE_LABELS[state]}")
        elif "extended_days" in d:
            print(f"  {_clock_name(ctx, d['name'])}延长{d['extended_days']}日，届满日 {d['due_on']}")
    if outcome.document:
        print(f"  已出具文书 {outcome.document}")
    if outcome.message:
        print(f"  {outcome.message}")


def _clock_name(ctx, name: str) -> str:  # noqa: ANN001
    return ctx.profile.clock_label(name)
