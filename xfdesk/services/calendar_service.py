"""The holiday schedule: importing the office's own file, which years are covered, and the 期限计算器.

chinese-calendar carries the years the State Council has published; for a later year the office types the
schedule into a small text file (format: docs/calendar-file.md) and imports it. An imported year replaces the
library's data for that year, and open deadlines are recomputed at once so provisional dates get corrected.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlmodel import delete, select

from xfdesk.domain.calendar import (SOURCE_LIBRARY, SOURCE_OFFICE, CalendarFileError, YearSchedule,
                                    parse_calendar_file)
from xfdesk.services.events import record_event
from xfdesk.storage.models import CalendarDay, CalendarYear, now

SOURCE_LABELS = {SOURCE_LIBRARY: "chinese-calendar（程序自带的国务院公布安排）", SOURCE_OFFICE: "本办录入"}


def read_calendar_text(path: Path | str) -> str:
    """The file's text: UTF-8 (with or without BOM), or GB18030 as older Windows Notepad saves it."""
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"找不到节假日安排文件：{path}")
    raw = path.read_bytes()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise CalendarFileError(f"无法识别文件编码：{path}（请另存为 UTF-8）")


def import_calendar_file(ctx, operator, path: Path | str) -> list[int]:  # noqa: ANN001
    """Import an office holiday file: each year in it replaces that year's schedule. Returns the years imported.

    One transaction; the import is recorded as an event; afterwards open deadlines are recomputed.
    """
    path = Path(path)
    years = parse_calendar_file(read_calendar_text(path))
    with ctx.db.write() as session:
        for schedule in years.values():
            _store_year(session, schedule, path.name)
        record_event(session, operator, "calendar_import",
                     note=f"导入节假日安排：{'、'.join(f'{y}年' for y in years)}（{path.name}）",
                     data={"file": path.name, "years": sorted(years),
                           "holidays": sum(len(s.holidays) for s in years.values()),
                           "makeup_workdays": sum(len(s.makeup_workdays) for s in years.values())})
    ctx.invalidate_calendar()
    _recompute_open_deadlines(ctx)
    for schedule in years.values():
        for message in completeness_warnings(schedule):
            ctx.warn(message)
    return sorted(years)


FESTIVALS = ("元旦", "春节", "清明", "劳动", "端午", "中秋", "国庆")
USUAL_DAYS_OFF = 20  # published years 2008–2026 list 23–33 days off (weekends inside the breaks included)


def completeness_warnings(schedule: YearSchedule) -> list[str]:
    """Signs that an office file lists only part of a year (the file replaces the whole year, so a festival left
    out would silently count as working days)."""
    warnings = []
    named = " ".join(schedule.names.get(d, "") for d in schedule.holidays)
    missing = [f for f in FESTIVALS if f not in named] if named.strip() else []
    if "中秋" in missing and "国庆" not in missing:  # in some years (2020) one break covers both
        missing.remove("中秋")
    if missing:
        warnings.append(f"{schedule.year}年的放假安排中没有{'、'.join(missing)}；文件中的年份按完整的一年对待，"
                        "没列出的节日将按工作日计算，请核对后重新导入")
    elif len(schedule.holidays) < USUAL_DAYS_OFF:
        warnings.append(f"{schedule.year}年只列了{len(schedule.holidays)}天放假（通常全年约30天）；文件中的年份按完整的"
                        "一年对待，没列出的日子将按平常计算，请核对是否完整")
    return warnings


def _store_year(session, schedule: YearSchedule, source_file: str) -> None:  # noqa: ANN001
    session.exec(delete(CalendarDay).where(CalendarDay.year == schedule.year))
    for day in sorted(schedule.holidays | schedule.makeup_workdays):
        session.add(CalendarDay(day=day, year=schedule.year, is_workday=day in schedule.makeup_workdays,
                                name=schedule.names.get(day, "")[:30]))
    row = session.get(CalendarYear, schedule.year)
    if row is None:
        row = CalendarYear(year=schedule.year)
    row.imported_at = now()
    row.source_file = source_file[:500]
    session.add(row)


def _recompute_open_deadlines(ctx) -> None:  # noqa: ANN001
    from xfdesk.services.lifecycle import recompute_open_deadlines

    recompute_open_deadlines(ctx)


def calendar_coverage(ctx, years) -> list[tuple[int, str | None]]:  # noqa: ANN001
    """For each year: where its schedule comes from (SOURCE_LIBRARY / SOURCE_OFFICE), or None without data."""
    cal = ctx.calendar()
    return [(year, cal.source(year)) for year in years]


def office_year(ctx, year: int) -> CalendarYear | None:  # noqa: ANN001
    """When and from which file the office entered ``year`` (None when it did not)."""
    with ctx.db.read() as session:
        return session.get(CalendarYear, year)


def office_years(ctx) -> list[CalendarYear]:  # noqa: ANN001
    with ctx.db.read() as session:
        return list(session.exec(select(CalendarYear).order_by(CalendarYear.year)))


def missing_year_warning(year: int) -> str:
    return (f"缺少{year}年的法定节假日安排（程序自带数据未收录，本办也未导入），{year}年按周末推算，结果可能不准；"
            f"请用 xfdesk calendar import 导入该年安排")


def due_date(ctx, start: dt.date, days: int, workdays: bool) -> tuple[dt.date, list[str]]:  # noqa: ANN001
    """The 期限计算器: due date of ``days`` 日 (or 工作日) counted from ``start`` (not counted itself), and a
    warning for each year the computation passed through without holiday data."""
    cal = ctx.calendar()
    due = cal.add_workdays(start, days) if workdays else cal.add_days(start, days)
    missing = cal.missing_years(range(start.year, due.year + 1))
    return due, [missing_year_warning(y) for y in missing]
