"""``xfdesk schedule`` (领导接访日排班、约访、打印) and ``xfdesk leader`` (接访领导名单)."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Optional

import typer

from xfdesk.cli.base import CliError, context

schedule_app = typer.Typer(help="领导接访日：生成排班、查看、调班、约访、打印当日文书", no_args_is_help=True)
leader_app = typer.Typer(help="接访领导（班子成员）名单", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.add_typer(schedule_app, name="schedule")
    app.add_typer(leader_app, name="leader")


def _operator():  # noqa: ANN202
    from xfdesk.cli.base import signed_in

    return signed_in()


@contextlib.contextmanager
def _refusals() -> Iterator[None]:
    """A refused booking or a bad rule becomes one Chinese line (CliError)."""
    from xfdesk.domain.lifecycle import TransitionRefused
    from xfdesk.domain.reception import BookingRefused, ReceptionRuleError

    try:
        yield
    except (BookingRefused, ReceptionRuleError, TransitionRefused) as exc:
        raise CliError(str(exc)) from None


def _day(text: str, what: str = "日期") -> dt.date:
    from xfdesk.cli.calendar_cmd import parse_day

    return parse_day(text, what)


def _leader_id(ctx, name: str) -> int:  # noqa: ANN001
    from xfdesk.services.reception import list_leaders

    wanted = name.strip()
    for leader in list_leaders(ctx):
        if leader.name == wanted or str(leader.id) == wanted:
            return leader.id
    raise CliError(f"找不到领导：{name}（用 xfdesk leader list 查看名单）")


def _warn(messages: list[str]) -> None:
    for message in messages:
        print(f"提示：{message}", file=sys.stderr)


@schedule_app.command("rule", help="查看或修改接访日规则（每周几或每月几日、每日领导人数、时段数和时长）。"
                                    "修改后请重新生成排班")
def rule_cmd(
    weekday: Optional[str] = typer.Option(None, "--weekday", help="每周几接访：一 至 日（或 1 至 7），如 四"),
    day_of_month: Optional[int] = typer.Option(None, "--day-of-month", help="每月几日接访（1至28）；0 表示改回按星期"),
    leaders: Optional[int] = typer.Option(None, "--leaders", help="每个接访日的领导人数"),
    slots: Optional[int] = typer.Option(None, "--slots", help="每个接访日的约访时段数"),
    minutes: Optional[int] = typer.Option(None, "--minutes", help="每个时段的分钟数"),
    start: Optional[str] = typer.Option(None, "--start", help="第一个时段的开始时间，如 09:00"),
    hours: Optional[str] = typer.Option(None, "--hours", help="接访时间（午休不排约访），如 09:00-11:30、14:30-17:00"),
) -> None:
    from xfdesk.domain.reception import sessions_label
    from xfdesk.services.reception import reception_rule, set_reception_rule

    ctx = context()
    with _refusals():
        if all(v is None for v in (weekday, day_of_month, leaders, slots, minutes, start, hours)):
            rule = reception_rule(ctx)
        else:
            rule = set_reception_rule(ctx, _operator(), weekday=weekday, day_of_month=day_of_month,
                                      leaders_per_day=leaders, slots=slots, slot_minutes=minutes, start=start,
                                      sessions=hours)
            print("已修改接访日规则（已排的接访日不变，请用 xfdesk schedule generate 重新生成）")
    hours_text = f"，接访时间{sessions_label(rule.sessions)}" if rule.sessions else ""
    print(f"接访日规则：{rule.describe()}，{rule.start:%H:%M}开始{hours_text}")


@schedule_app.command("generate", help="生成（或重新生成）接访排班。已过去的接访日、已调班或已有约访的接访日保持不变")
def generate_cmd(
    start: str = typer.Option(..., "--from", help="起始月份 YYYY-MM，如 2026-12"),
    months: int = typer.Option(1, "--months", help="月数：1 为一个月，3 为一季度，12 为一年"),
) -> None:
    from xfdesk.domain.reception import date_label, parse_month
    from xfdesk.services.reception import generate_schedule

    with _refusals():
        year, month = parse_month(start)
        if not 1 <= months <= 36:
            raise CliError(f"月数应为1至36，现为{months}")
        ctx = context()
        result = generate_schedule(ctx, _operator(), year, month, months)
    moved = [d for d in result.plan.days if d.moved and not d.kept]
    first, last, today = result.plan.first, result.plan.last, ctx.today()
    print(f"排班 {first.isoformat()} 至 {last.isoformat()}：新排{len(result.created)}天，保留{len(result.kept)}天")
    if last < today:
        print(f"这{months}个月已经全部过去：已过去的接访日不会新排，也不会改动（已有的记录原样保留）。")
        print(f"要排今后的接访日，请从本月开始：xfdesk schedule generate --from {today:%Y-%m} --months {months}")
    elif first < today:
        print(f"{today.month}月{today.day}日以前的日子已过去，只排今天及以后的接访日")
    for d in moved:
        print(f"  {date_label(d.day)}：{d.note(ctx.calendar())}")
    future_kept = [d for d in result.kept if d >= ctx.today()]
    if future_kept:
        print("保留未改：" + "，".join(f"{date_label(d)}（{result.kept_why[d]}）" for d in future_kept))
    print("各领导接访天数：" + "，".join(f"{name}{n}天" for name, n in result.counts.items()))
    _warn(result.warnings)


@schedule_app.command("show", help="显示某月的接访日、接访领导与约访情况")
def show_cmd(
    month_text: str = typer.Argument(..., metavar="YYYY-MM", help="月份，如 2026-12"),
    as_json: bool = typer.Option(False, "--json", help="以 JSON 输出"),
) -> None:
    from xfdesk.domain.reception import date_label, missing_year_warning, parse_month
    from xfdesk.services.reception import month_days, reception_rule

    with _refusals():
        year, month = parse_month(month_text)
        ctx = context()
        days = month_days(ctx, year, month, with_bookings=True, operator=_operator())
        rule = reception_rule(ctx)
    warnings = [missing_year_warning(year)] if not ctx.calendar().has_year(year) else []
    if as_json:
        print(json.dumps({"month": f"{year:04d}-{month:02d}", "rule": rule.describe(),
                          "days": [d.as_dict() for d in days], "warnings": warnings}, ensure_ascii=False, indent=2))
        _warn(warnings)
        return
    print(f"{year}年{month}月领导接访安排（{rule.describe()}）")
    if not days:
        print(f"本月尚无接访日（用 xfdesk schedule generate --from {year:04d}-{month:02d} 生成）")
    for d in days:
        leaders = "、".join(f"{s.title}{s.name}" + (f"（替{s.planned_name}：{s.change_reason}）" if s.planned_name
                                                   else "") for s in d.leaders) or "（未安排领导）"
        print(f"{date_label(d.day)}  {leaders}  约访{d.booked}/{d.slots}" + (f"  {d.note}" if d.note else ""))
        for a in d.appointments:
            if a.state == "cancelled":
                continue
            print(f"    {a.slot_label}  {a.matter_number}  {a.petitioner}  {a.summary}  [{a.state_label}]")
    _warn(warnings)


@schedule_app.command("swap", help="调班：某接访日由另一位领导替换，须写明原因（重新生成排班时保留）")
def swap_cmd(
    date: str = typer.Argument(..., help="接访日，如 2026-12-03"),
    out_name: str = typer.Option(..., "--out", help="原定领导姓名"),
    in_name: str = typer.Option(..., "--in", help="替换领导姓名"),
    reason: str = typer.Option(..., "--reason", help="调整原因"),
) -> None:
    from xfdesk.services.reception import swap_leader

    ctx = context()
    with _refusals():
        swap_leader(ctx, _operator(), _day(date, "接访日"), _leader_id(ctx, out_name), _leader_id(ctx, in_name),
                    reason)
    print(f"已调整：{date} 由{in_name}接访（原定{out_name}）")


@schedule_app.command("absent", help="登记领导缺席；不指定 --by 时自动选排班最少的领导替班")
def absent_cmd(
    date: str = typer.Argument(..., help="接访日，如 2026-12-03"),
    name: str = typer.Argument(..., help="缺席领导姓名"),
    reason: str = typer.Option(..., "--reason", help="缺席原因"),
    by: Optional[str] = typer.Option(None, "--by", help="替班领导姓名"),
) -> None:
    from xfdesk.services.reception import day_view, mark_absent

    ctx = context()
    with _refusals():
        day = _day(date, "接访日")
        mark_absent(ctx, _operator(), day, _leader_id(ctx, name), reason, _leader_id(ctx, by) if by else None)
        view = day_view(ctx, day)
    print(f"已登记{name}缺席，{date} 接访领导：{view.leader_names}")


@schedule_app.command("book", help="约访：把事项约到某接访日（自动取第一个空时段；包案事项只能约包案领导的接访日）")
def book_cmd(
    number: str = typer.Argument(..., help="事项编号，如 XF-2026-000123"),
    date: str = typer.Argument(..., help="接访日，如 2026-11-26"),
    slot: Optional[int] = typer.Option(None, "--slot", help="时段序号（1 起）"),
    leader: Optional[str] = typer.Option(None, "--leader", help="接访领导（当日有多位领导时）"),
) -> None:
    from xfdesk.domain.reception import date_label
    from xfdesk.services.queries import find_matter
    from xfdesk.services.reception import book_matter, day_view

    ctx = context()
    matter = find_matter(ctx, number)
    if matter is None:
        raise CliError(f"找不到事项：{number}")
    with _refusals():
        day = _day(date, "接访日")
        appt = book_matter(ctx, _operator(), matter.id, day, slot=slot,
                           leader_id=_leader_id(ctx, leader) if leader else None)
        view = day_view(ctx, day)
    booked = next(a for a in view.appointments if a.id == appt.id)
    print(f"已约访：{booked.matter_number} {date_label(view.day)} 第{booked.slot}时段 {booked.slot_label}，"
          f"接访领导{booked.leader_name}")


@schedule_app.command("cancel", help="取消事项的约访（须写明原因）")
def cancel_cmd(
    number: str = typer.Argument(..., help="事项编号"),
    reason: str = typer.Option(..., "--reason", help="取消原因"),
) -> None:
    from xfdesk.services.queries import find_matter
    from xfdesk.services.reception import cancel_booking, open_booking_id

    ctx = context()
    matter = find_matter(ctx, number)
    if matter is None:
        raise CliError(f"找不到事项：{number}")
    appointment_id = open_booking_id(ctx, matter.id)
    if appointment_id is None:
        raise CliError(f"事项{matter.number}没有待接访的约访")
    with _refusals():
        cancel_booking(ctx, _operator(), appointment_id, reason)
    print(f"已取消{matter.number}的约访")


@schedule_app.command("print", help="打印某接访日的全套文书：领导接访通知书、参与接访通知书、接访呈报单、接访安排表。"
                                     "已出具且约访未变时沿用原文书（不重复编号）")
def print_cmd(
    date: str = typer.Argument(..., help="接访日，如 2026-11-26"),
    no_send: bool = typer.Option(False, "--no-print", help="只生成文书，不发送到打印机"),
    pdf: bool = typer.Option(False, "--pdf", help="同时转换为 PDF（LibreOffice；Windows 上没有时用 Word/WPS）"),
) -> None:
    from xfdesk.services.documents import convert_to_pdf
    from xfdesk.services.reception import print_day_set

    from xfdesk.documents.render import TemplateProblem

    ctx = context()
    with _refusals():
        try:
            result = print_day_set(ctx, _operator(), _day(date, "接访日"), send=not no_send)
        except TemplateProblem as exc:
            raise CliError(f"文书模板有问题：{exc}") from None
    kept_ids = {d.id for d in result.kept}
    for doc in result.documents:
        print(f"{doc.number_text}  {doc.file_path}{'  （沿用，未重印）' if doc.id in kept_ids else ''}")
        if pdf:
            made = convert_to_pdf(Path(doc.file_path))
            print(f"  PDF：{made}" if made else "  未能转换为 PDF（没有 LibreOffice 或 Word/WPS，或转换失败），Word 文件已保存")
    if not result.issued:
        print(f"沿用已出具的{len(result.documents)}份文书")
    else:
        kept = f"，{len(result.kept)}份通知书内容未变，沿用原件" if result.kept else ""
        voided = f"，作废被替换的{len(result.voided)}份" if result.voided else ""
        print(f"新生成{len(result.documents) - len(result.kept)}份文书{kept}{voided}")
    for failure in result.failures:
        print(f"提示：{failure.message}", file=sys.stderr)
    if result.failures:
        raise CliError(f"{len(result.failures)}份文书未能打印（文书已保存）")


@leader_app.command("list", help="列出接访领导")
def leader_list_cmd(as_json: bool = typer.Option(False, "--json", help="以 JSON 输出")) -> None:
    from xfdesk.services.reception import list_leaders

    ctx = context()
    _operator()
    leaders = list_leaders(ctx)
    if as_json:
        print(json.dumps([{"id": x.id, "name": x.name, "title": x.title, "order": x.order, "active": x.active}
                          for x in leaders], ensure_ascii=False, indent=2))
        return
    if not leaders:
        print("尚无接访领导（用 xfdesk leader add 添加，或 xfdesk leader import 导入 data/leaders.toml）")
    for x in leaders:
        print(f"{x.order:>3}  {x.name}  {x.title}" + ("" if x.active else "  （已停用）"))


@leader_app.command("add", help="添加接访领导")
def leader_add_cmd(
    name: str = typer.Argument(..., help="姓名"),
    title: str = typer.Option("", "--title", help="职务，如 镇长"),
    order: Optional[int] = typer.Option(None, "--order", help="排班顺序（默认排在最后）"),
) -> None:
    from xfdesk.services.reception import add_leader

    with _refusals():
        leader = add_leader(context(), _operator(), name, title, order)
    print(f"已添加：{leader.title}{leader.name}（顺序 {leader.order}）")


@leader_app.command("off", help="停用离任的领导（保留历史记录，不再排班）")
def leader_off_cmd(name: str = typer.Argument(..., help="姓名")) -> None:
    from xfdesk.services.reception import set_leader_active

    ctx = context()
    with _refusals():
        set_leader_active(ctx, _operator(), _leader_id(ctx, name), False)
    print(f"已停用：{name}")


@leader_app.command("import", help="从 data/leaders.toml 导入尚未登记的领导")
def leader_import_cmd() -> None:
    from xfdesk.services.reception import import_roster

    added = import_roster(context(), _operator())
    print(f"导入{len(added)}位领导" + (f"：{'、'.join(x.name for x in added)}" if added else ""))
