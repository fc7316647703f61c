"""``xfdesk report …``: the 信访工作情况报告 (month, quarter, year), the unit ranking and the matters behind a figure."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from pathlib import Path
from typing import Optional

import typer

from xfdesk.cli.base import CliError, context
from xfdesk.cli.output import print_line, print_table

report_app = typer.Typer(help="报表：信访工作情况报告（月报、季报、年报）、责任单位排名与通报、数字背后的事项",
                         no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.add_typer(report_app, name="report")


def _operator(as_clerk: bool):  # noqa: ANN202
    """The signed-in account (its role decides what the report may name); --as-clerk only ever lowers it."""
    from xfdesk.cli.base import signed_in
    from xfdesk.domain.glossary import Role
    from xfdesk.services.context import Operator

    operator = signed_in()
    return Operator(operator.name, Role.CLERK, account_id=operator.account_id) if as_clerk else operator


def _period(ctx, month: Optional[str], start: Optional[str], end: Optional[str]):  # noqa: ANN001, ANN202
    from xfdesk.domain.statistics import Period, add_months, month_period

    try:
        if start or end:
            if month:
                raise CliError("月份与 --from/--to 只能用一种")
            if not (start and end):
                raise CliError("--from 与 --to 要一起给出，例如 --from 2026-01-01 --to 2026-03-31")
            first, last = _day(start, "--from", True), _day(end, "--to", False)
            if last < first:
                raise CliError("--to 不能早于 --from")
            return Period(first, last + dt.timedelta(days=1))
        if month:
            return month_period(month)
        today = ctx.today()
        this = today.replace(day=1)
        return month_period(add_months(this, -1).strftime("%Y-%m"))  # by the 5th the office reports last month
    except ValueError as exc:
        raise CliError(str(exc)) from None


def _day(text: str, option: str, first: bool) -> dt.date:
    """2026-03-31, or a month 2026-03 (its first day for --from, its last for --to)."""
    from xfdesk.domain.statistics import add_months

    try:
        if len(text.strip()) <= 7:
            year, mon = (int(x) for x in text.strip().split("-"))
            start = dt.date(year, mon, 1)
            return start if first else add_months(start, 1) - dt.timedelta(days=1)
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise CliError(f"{option} 应为日期 YYYY-MM-DD 或月份 YYYY-MM：{text}") from None


_PERIOD_HELP = "月份 YYYY-MM；不写则为上个月"


@report_app.command("month", help="信访工作情况报告：总量及同比环比、来访形式、类别、属地、各项比率（含分子分母）、"
                                  "督办、调处、领导接访、单位排名；同时写出 XLSX（每表一页）")
def month_cmd(
    month: Optional[str] = typer.Argument(None, help=_PERIOD_HELP),
    start: Optional[str] = typer.Option(None, "--from", help="起始日期（季报、年报等）YYYY-MM-DD 或 YYYY-MM"),
    end: Optional[str] = typer.Option(None, "--to", help="截止日期（含当日）YYYY-MM-DD 或 YYYY-MM"),
    out: Optional[Path] = typer.Option(None, "--xlsx", help="XLSX 文件；默认写到数据文件夹的 reports/ 下"),
    as_json: bool = typer.Option(False, "--json", help="以 JSON 输出（不写文件）"),
    as_clerk: bool = typer.Option(False, "--as-clerk", help="以接待员身份（检举控告只显示件数）"),
    docx: bool = typer.Option(False, "--docx", help="同时出具《信访工作情况报告》（按办公室模板，编文号，记入文书）"),
) -> None:
    from xfdesk.services.report_xlsx import save_period_report
    from xfdesk.services.reports import period_report

    ctx = context()
    period = _period(ctx, month, start, end)
    operator = _operator(as_clerk)
    if as_json:
        report = period_report(ctx, operator, period)
        print(json.dumps(_jsonable(report), ensure_ascii=False, indent=2, default=str))
        return
    report, path = save_period_report(ctx, operator, period, out)
    print_report(report)
    print_line(f"已写出：{path}")
    if docx:
        from xfdesk.services.reports import issue_work_report

        _report, doc = issue_work_report(ctx, operator, period)
        print_line(f"已出具信访工作情况报告 {doc.number_text}：{doc.file_path}")


def print_report(report) -> None:  # noqa: ANN001
    print_line(report.title)
    print_table(["项目", "本期", "上期", "环比", "去年同期", "同比"],
                [[t.label, t.current, t.previous, t.month_on_month, t.year_ago, t.year_on_year] for t in report.totals],
                title="一、总体情况", right=range(1, 6))
    print_table(["来访形式", "批次", "人次", "事项", "环比", "同比"],
                [[c.channel, c.contacts, c.people, c.matters.current, c.matters.month_on_month,
                  c.matters.year_on_year] for c in report.channels], title="二、按来访形式", right=range(1, 6))
    print_table(["问题类别", "事项"], report.categories, title="三、按问题类别", right=(1,))
    print_table(["属地", "事项"], report.villages, title="四、按属地", right=(1,))
    print_table(["指标", "分子", "分母", "比率"],
                [[r.name, f"{r.ratio.part}（{r.numerator}）", f"{r.ratio.whole}（{r.denominator}）", r.ratio.text]
                 for r in report.rates], title="五、主要指标", right=(3,))
    print_table(["项目", "数量"], report.supervision + report.mediation + report.leader, title="六、督办、调处、领导接访",
                right=(1,))
    print_ranking(report.ranking, "七、责任单位排名（按期办结率）")
    for line in report.notes:
        print_line(f"说明：{line}")
    print_line("说明：“—”表示没有可计算的事项（分母为0）或上期为0；口径见 XLSX 的“统计口径”页。")


def print_ranking(ranking, title: str) -> None:  # noqa: ANN001
    print_table(["名次", "责任单位", "到期了结", "按期", "超期", "按期办结率", "通报", "处理"],
                [[u.position if u.position is not None else "—", u.unit, u.settled, u.on_time, u.late, u.ratio.text,
                  (f"后列（连续{u.streak}个月）" if u.bottom else ""), u.flag] for u in ranking],
                title=title, right=(2, 3, 4, 5))


def _jsonable(report) -> dict:  # noqa: ANN001
    return {
        "title": report.title, "from": report.period.start.isoformat(), "to": report.period.last_day.isoformat(),
        "as_of": report.as_of.isoformat(),
        "totals": [dataclasses.asdict(t) | {"month_on_month": t.month_on_month, "year_on_year": t.year_on_year}
                   for t in report.totals],
        "channels": [{"channel": c.channel, "contacts": c.contacts, "people": c.people,
                      "matters": dataclasses.asdict(c.matters)} for c in report.channels],
        "categories": report.categories, "villages": report.villages,
        "rates": [{"name": r.name, "part": r.ratio.part, "whole": r.ratio.whole, "rate": r.ratio.value}
                  for r in report.rates],
        "supervision": report.supervision, "mediation": report.mediation, "leader": report.leader,
        "ranking": [dataclasses.asdict(u) | {"rate": u.ratio.value} for u in report.ranking],
        "notes": report.notes,
    }


@report_app.command("ranking", help="责任单位按期办结率排名：后几名通报，连续两个月后列可发限期整改督查通知书，"
                                    "连续三个月提示主要领导书面检查（规则在 report_rules.toml）")
def ranking_cmd(
    month: Optional[str] = typer.Argument(None, help=_PERIOD_HELP),
    as_json: bool = typer.Option(False, "--json", help="以 JSON 输出"),
) -> None:
    from xfdesk.services.reports import unit_ranking

    ctx = context()
    period = _period(ctx, month, None, None)
    _operator(False)  # office figures: signed in
    ranking, rules = unit_ranking(ctx, period)
    if as_json:
        print(json.dumps([dataclasses.asdict(u) | {"rate": u.ratio.value} for u in ranking], ensure_ascii=False,
                         indent=2))
        return
    print_ranking(ranking, f"{period.label}责任单位按期办结率排名")
    print_line(f"说明：当月到期了结少于 {rules.ranking_min_clocks} 件的单位不参与排名；后 {rules.bottom_units} 名通报。")


@report_app.command("matters", help="列出某项数字背后的事项（例如上月办理超期的是哪几件）")
def matters_cmd(
    figure: str = typer.Argument(..., help="数字：matters 事项、group 集体访、skip_level 越级访、repeat 重复访、"
                                           "notice_late 受理告知超期、handling_late 办理超期、handling_on_time 按期办结、"
                                           "finished 当期办结、unresolved 办结未化解、unevaluated 办结未回访"),
    month: Optional[str] = typer.Argument(None, help=_PERIOD_HELP),
    start: Optional[str] = typer.Option(None, "--from", help="起始日期 YYYY-MM-DD 或 YYYY-MM"),
    end: Optional[str] = typer.Option(None, "--to", help="截止日期（含当日）"),
    unit: Optional[str] = typer.Option(None, "--unit", help="只看一个责任单位"),
    as_clerk: bool = typer.Option(False, "--as-clerk", help="以接待员身份（检举控告只显示件数）"),
) -> None:
    from xfdesk.services.reports import figure_matters

    ctx = context()
    period = _period(ctx, month, start, end)
    try:
        found = figure_matters(ctx, _operator(as_clerk), period, figure.strip(), unit=unit)
    except ValueError as exc:
        raise CliError(str(exc)) from None
    print_table(["编号", "登记日期", "诉求摘要", "责任单位", "状态", "期限"],
                [[m.number, m.received_on.isoformat(), m.summary, m.unit, m.status,
                  m.due_on.isoformat() if m.due_on else ""] for m in found.lines],
                title=f"{period.label}{found.figure}：{len(found.lines) + found.withheld} 件")
    if found.withheld:
        print_line(f"另有检举控告事项 {found.withheld} 件，仅主任可见。")


@report_app.command("notice", help="向连续两个月被通报为后几名的责任单位出具《限期整改督查通知书》"
                                   "（不在通报之列的单位不能出具）")
def notice_cmd(
    unit: str = typer.Argument(..., help="责任单位名称，如 派出所"),
    month: Optional[str] = typer.Argument(None, help=_PERIOD_HELP),
) -> None:
    from xfdesk.services.reports import issue_rectification_notice

    ctx = context()
    period = _period(ctx, month, None, None)
    doc = issue_rectification_notice(ctx, _operator(False), period, unit.strip())
    print_line(f"已出具限期整改督查通知书 {doc.number_text}：{doc.file_path}")
