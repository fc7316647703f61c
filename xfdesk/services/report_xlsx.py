"""The period report as an XLSX workbook (openpyxl): one sheet per table, as the county's forms ask for them.

Rates are written as numbers with a percent format (so the county can add them up) and "—" where there is no
denominator; every sheet has a frozen header and columns wide enough for Chinese.
"""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from xfdesk.domain.statistics import change
from xfdesk.services.reports import PeriodReport

_BOLD = Font(bold=True)


def text_width(value: object) -> int:
    """Display width of a cell: CJK characters take two columns."""
    text = "" if value is None else str(value)
    return sum(2 if ord(c) > 0x2E7F else 1 for c in text)


def _sheet(wb: Workbook, title: str, headers: list[str], rows: list[list[object]], *, percent_cols=()) -> None:  # noqa: ANN001
    ws = wb.create_sheet(title)
    ws.append(headers)
    for cell in ws[1]:
        cell.font = _BOLD
        cell.alignment = Alignment(horizontal="center", vertical="center")
    for row in rows:
        ws.append(row)
    for col_index in percent_cols:
        for (cell,) in ws.iter_rows(min_row=2, min_col=col_index, max_col=col_index):
            if isinstance(cell.value, float):
                cell.number_format = "0.00%"
    for i, header in enumerate(headers, 1):
        width = max([text_width(header)] + [text_width(r[i - 1]) for r in rows if i - 1 < len(r)])
        ws.column_dimensions[get_column_letter(i)].width = min(60, max(8, width + 2))
    ws.freeze_panes = "A2"


def _fraction(value: float | None) -> object:
    """A percentage for Excel: 85.5 → 0.855 (shown 85.50%), ``None`` → "—"."""
    return "—" if value is None else round(value / 100.0, 6)


def write_report_xlsx(report: PeriodReport, path: Path | str) -> Path:
    path = Path(path)
    wb = Workbook()
    wb.remove(wb.active)
    _sheet(wb, "总体情况", ["项目", "本期", "上期", "环比", "去年同期", "同比"],
           [[t.label, t.current, t.previous, _fraction(change(t.current, t.previous)), t.year_ago,
             _fraction(change(t.current, t.year_ago))] for t in report.totals], percent_cols=(4, 6))
    _sheet(wb, "按来访形式", ["来访形式", "批次", "人次", "事项（件）", "上期事项", "环比", "去年同期事项", "同比"],
           [[c.channel, c.contacts, c.people, c.matters.current, c.matters.previous,
             _fraction(change(c.matters.current, c.matters.previous)), c.matters.year_ago,
             _fraction(change(c.matters.current, c.matters.year_ago))] for c in report.channels],
           percent_cols=(6, 8))
    total = sum(n for _, n in report.categories)
    _sheet(wb, "按问题类别", ["问题类别", "事项（件）", "占比"],
           [[k, n, _fraction(100.0 * n / total if total else None)] for k, n in report.categories], percent_cols=(3,))
    _sheet(wb, "按属地", ["属地", "事项（件）", "占比"],
           [[k, n, _fraction(100.0 * n / total if total else None)] for k, n in report.villages], percent_cols=(3,))
    _sheet(wb, "主要指标", ["指标", "分子", "分子口径", "分母", "分母口径", "比率"],
           [[r.name, r.ratio.part, r.numerator, r.ratio.whole, r.denominator, _fraction(r.ratio.value)]
            for r in report.rates], percent_cols=(6,))
    _sheet(wb, "督办调处接访", ["项目", "数量"],
           [[k, n] for k, n in report.supervision + report.mediation + report.leader])
    _sheet(wb, "单位排名", ["名次", "责任单位", "到期了结（件）", "按期办结（件）", "超期（件）", "按期办结率", "通报",
                        "连续后列（月）", "处理"],
           [[u.position if u.position is not None else "不参与排名", u.unit, u.settled, u.on_time, u.late,
             _fraction(u.ratio.value), "后列" if u.bottom else "", u.streak or "", u.flag]
            for u in report.ranking], percent_cols=(6,))
    _sheet(wb, "统计口径", ["项目", "口径"],
           [[k, v] for k, v in report.rules.basis]
           + [["排名规则", f"按期办结率从高到低，相同的按到期了结件数多的在前；当月到期了结少于 "
                          f"{report.rules.ranking_min_clocks} 件的单位不参与排名；后 {report.rules.bottom_units} 名"
                          f"通报，连续 {report.rules.rectify_after_months} 个月发限期整改督查通知书，连续 "
                          f"{report.rules.self_exam_after_months} 个月由单位主要领导书面检查。"]]
           + [["说明", n] for n in report.notes])
    wb.properties.title = report.title
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".part")
    wb.save(partial)
    partial.replace(path)
    return path


def save_period_report(ctx, operator, period, path: Path | str | None = None) -> tuple[PeriodReport, Path]:  # noqa: ANN001
    """Build the period's report, write its workbook (to ``<home>/reports/`` unless told) and log the export."""
    from xfdesk.services.events import record_event
    from xfdesk.services.reports import period_report

    report = period_report(ctx, operator, period)
    target = Path(path) if path else ctx.home.root / "reports" / f"{report.title}.xlsx"
    write_report_xlsx(report, target)
    with ctx.db.write() as session:
        record_event(session, operator, "report", note=f"导出{report.title}：{target.name}",
                     data={"file": str(target), "from": period.start.isoformat(), "to": period.last_day.isoformat()})
    return report, target
