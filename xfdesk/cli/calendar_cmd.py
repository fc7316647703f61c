"""``xfdesk calendar``: the 期限计算器, a year's holiday schedule, importing the office's own schedule file."""

from __future__ import annotations

import calendar as month_calendar
import datetime as dt
import re
import sys
from pathlib import Path
from typing import Optional

import typer

from xfdesk.cli.base import CliError, context

calendar_app = typer.Typer(
    help="法定节假日与期限：期限计算器、查看某年放假安排、导入本办录入的放假安排文件（格式见 docs/calendar-file.md）",
    no_args_is_help=True,
)

WEEKDAYS = "一二三四五六日"


def register(app: typer.Typer) -> None:
    app.add_typer(calendar_app, name="calendar")


def _operator():  # noqa: ANN202
    from xfdesk.cli.base import signed_in

    return signed_in()


def parse_day(text: str, what: str = "日期") -> dt.date:
    """2026-10-01, 2026/10/1, 2026.10.1 or 2026年10月1日."""
    m = re.fullmatch(r"\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?\s*", text or "")
    if m:
        try:
            return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        except ValueError:
            pass
    raise CliError(f"{what}不正确：“{text}”，应为 YYYY-MM-DD，例如 2026-10-01")


def _short(day: dt.date) -> str:
    return f"{day.month}月{day.day}日（周{WEEKDAYS[day.weekday()]}）"


# ignore_unknown_options: "-3" reaches the DAYS check (a Chinese message) instead of being taken for an option
@calendar_app.command("due", context_settings={"ignore_unknown_options": True},
                      help="期限计算器：从 DATE 起算（当日不计）DAYS 日后的到期日；--workdays 按工作日计。"
                           "只输出日期；缺少节假日数据的年份在标准错误输出上提示")
def due_cmd(
    date: str = typer.Argument(..., help="起算日期（收到/受理之日），如 2026-09-30"),
    days: str = typer.Argument(..., help="期限天数，如 15"),
    workdays: bool = typer.Option(False, "--workdays", help="按工作日计算（跳过节假日，调休上班日计入）"),
) -> None:
    from xfdesk.services.calendar_service import due_date

    start = parse_day(date, "起算日期")
    if not re.fullmatch(r"\s*\d{1,5}\s*", days):
        raise CliError(f"期限天数不正确：“{days}”，应为不小于0的整数")
    ctx = context()
    due, warnings = due_date(ctx, start, int(days), workdays)
    print(due.isoformat())
    for message in warnings:
        print(f"提示：{message}", file=sys.stderr)


@calendar_app.command("show", help="显示某年的放假与调休上班安排及其来源；该年没有数据时明确说明（退出码 1）")
def show_cmd(
    year: int = typer.Argument(..., help="年份，如 2026"),
    grid: bool = typer.Option(False, "--grid", help="按月显示日历格（休 = 放假，班 = 调休上班）"),
    as_file: bool = typer.Option(False, "--file", help="按放假安排文件的格式输出（可另存后修改、导入）"),
) -> None:
    from xfdesk.domain.calendar import SOURCE_OFFICE, format_calendar_file
    from xfdesk.services.calendar_service import SOURCE_LABELS, missing_year_warning, office_year

    if not 1900 <= year <= 2200:
        raise CliError(f"年份不正确：{year}")
    ctx = context()
    schedule = ctx.calendar().schedule(year)
    if schedule is None:
        raise CliError(missing_year_warning(year))
    if as_file:
        print(format_calendar_file(schedule), end="")
        return
    source = SOURCE_LABELS.get(schedule.source, schedule.source)
    if schedule.source == SOURCE_OFFICE:
        row = office_year(ctx, year)
        if row is not None:
            source += f"（{row.imported_at:%Y-%m-%d %H:%M} 导入，文件 {row.source_file}）"
    print(f"{year}年法定节假日安排　来源：{source}")
    if grid:
        _print_grid(ctx.calendar(), year)
    else:
        for line in _holiday_lines(schedule):
            print(line)
    print(f"全年放假 {len(schedule.holidays)} 天，调休上班 {len(schedule.makeup_workdays)} 天（周末照常休息，未列出）")


def _holiday_lines(schedule) -> list[str]:  # noqa: ANN001
    groups: dict[str, tuple[list[dt.date], list[dt.date]]] = {}
    for day in sorted(schedule.holidays | schedule.makeup_workdays):
        # "国庆节调休" belongs with "国庆节": one line per festival
        name = re.sub(r"(调休上班|调休|补班|上班)$", "", schedule.names.get(day, "").strip()) or "其他"
        off, on = groups.setdefault(name, ([], []))
        (off if day in schedule.holidays else on).append(day)
    lines = []
    for name, (off, on) in sorted(groups.items(), key=lambda item: (item[1][0] or item[1][1])[0]):
        parts = []
        if off:
            runs = _runs(off)
            text = "、".join(_short(a) if a == b else f"{_short(a)}至{_short(b)}" for a, b in runs)
            parts.append(f"放假 {text}，共{len(off)}天")
        if on:
            parts.append(f"调休上班 {'、'.join(_short(d) for d in on)}")
        lines.append(f"{name}：{'；'.join(parts)}")
    return lines


def _runs(days: list[dt.date]) -> list[tuple[dt.date, dt.date]]:
    runs: list[tuple[dt.date, dt.date]] = []
    for day in days:
        if runs and day - runs[-1][1] == dt.timedelta(days=1):
            runs[-1] = (runs[-1][0], day)
        else:
            runs.append((day, day))
    return runs


def _print_grid(cal, year: int) -> None:  # noqa: ANN001
    # Each cell is four terminal columns: the day number and a mark (a CJK mark is two columns wide).
    for month in range(1, 13):
        print(f"\n{year}年{month}月")
        print(" ".join(f"  {w}" for w in WEEKDAYS))
        for week in month_calendar.Calendar(firstweekday=0).monthdatescalendar(year, month):
            cells = []
            for day in week:
                if day.month != month:
                    cells.append("    ")
                elif cal.is_holiday(day):
                    cells.append(f"{day.day:>2}休")
                elif cal.is_makeup_workday(day):
                    cells.append(f"{day.day:>2}班")
                else:
                    cells.append(f"{day.day:>2}  ")
            print(" ".join(cells).rstrip())


@calendar_app.command("import", help="导入本办录入的放假安排文件（每行“2027-01-01 休 元旦”或“2027-02-07 班 春节调休”）；"
                                      "文件中的年份整体替换原有安排，并重新计算未办结事项的期限")
def import_cmd(file: Path = typer.Argument(..., help="放假安排文件（UTF-8 文本），格式见 docs/calendar-file.md")) -> None:
    from xfdesk.domain.calendar import CalendarFileError
    from xfdesk.services.calendar_service import import_calendar_file

    ctx = context()
    try:
        years = import_calendar_file(ctx, _operator(), file)
    except CalendarFileError as exc:
        raise CliError(f"{file.name}：{exc}，未导入任何内容") from None
    cal = ctx.calendar()
    for year in years:
        s = cal.schedule(year)
        print(f"已导入{year}年放假安排：放假{len(s.holidays)}天，调休上班{len(s.makeup_workdays)}天")
    print("已按新的安排重新计算未办结事项的期限")
    for message in ctx.warnings:
        print(f"提示：{message}", file=sys.stderr)


@calendar_app.command("coverage", help="列出各年份的节假日数据来源，指出缺数据的年份")
def coverage_cmd(
    years: Optional[list[int]] = typer.Argument(None, help="年份（默认：去年、今年、明年）"),
) -> None:
    from xfdesk.services.calendar_service import SOURCE_LABELS, calendar_coverage

    ctx = context()
    this_year = ctx.today().year
    wanted = years or [this_year - 1, this_year, this_year + 1]
    missing = 0
    for year, source in calendar_coverage(ctx, wanted):
        if source is None:
            missing += 1
            print(f"{year}年：缺少数据（期限将按周末推算），请导入该年安排")
        else:
            print(f"{year}年：{SOURCE_LABELS.get(source, source)}")
    if missing:
        raise typer.Exit(1)
