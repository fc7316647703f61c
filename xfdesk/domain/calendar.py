"""Working-day calendar and legal day counting.

Counting follows the usual legal rule (民事诉讼法第八十五条): the day of receipt is not counted; when the last day
of a period in 日 falls on a rest day it moves to the next working day; periods in 工作日 count only working days,
with 调休 makeup Saturdays counted as working days. A year's schedule comes from chinese-calendar (published years)
or from the office's own file, which wins. A year with neither is never guessed silently: in strict mode the
computation is refused, otherwise weekends-only is assumed and the year is reported in ``assumed_years``.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from xfdesk.domain.errors import Refused

SOURCE_LIBRARY = "chinese-calendar"
SOURCE_OFFICE = "office"


class CalendarDataMissing(Refused):
    """A computation needs a year for which no holiday schedule is known."""

    def __init__(self, year: int):
        self.year = year
        super().__init__(f"缺少{year}年的法定节假日安排，无法准确计算工作日。请用 xfdesk calendar import 导入该年安排")


class CalendarFileError(Refused, ValueError):
    """A line of an office calendar file that cannot be read; the message names the line."""


@dataclass(frozen=True)
class YearSchedule:
    """One year's official schedule: statutory days off and 调休 makeup working days."""

    year: int
    holidays: frozenset[dt.date]
    makeup_workdays: frozenset[dt.date]
    names: Mapping[dt.date, str] = field(default_factory=dict)
    source: str = SOURCE_OFFICE


def library_year(year: int) -> YearSchedule | None:
    """The year as published in chinese-calendar, or None when the library has no data for it."""
    import chinese_calendar
    from chinese_calendar import constants

    holidays = {d: constants.holidays[d] for d in constants.holidays if d.year == year}
    workdays = {d: constants.workdays[d] for d in constants.workdays if d.year == year}
    if not holidays:
        return None
    try:  # the library raises for a year it does not cover even when stray dates exist
        chinese_calendar.is_workday(dt.date(year, 6, 1))
    except NotImplementedError:
        return None
    names = {d: _holiday_name(h) for d, h in {**holidays, **workdays}.items()}
    return YearSchedule(year, frozenset(holidays), frozenset(workdays), names, SOURCE_LIBRARY)


_HOLIDAY_NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "抗战胜利纪念日",
}


def _holiday_name(holiday: object) -> str:
    english = getattr(holiday, "value", (str(holiday),))[0]
    return _HOLIDAY_NAMES.get(english, english)


class WorkCalendar:
    """Which days are working days, and legal due dates."""

    def __init__(self, years: Mapping[int, YearSchedule] | None = None, *, strict: bool = False,
                 use_library: bool = True):
        self._years: dict[int, YearSchedule] = dict(years or {})
        self._use_library = use_library
        self._library_cache: dict[int, YearSchedule | None] = {}
        self.strict = strict
        self.assumed_years: set[int] = set()

    # -- data -------------------------------------------------------------------------------------------------
    def schedule(self, year: int) -> YearSchedule | None:
        if year in self._years:
            return self._years[year]
        if not self._use_library:
            return None
        if year not in self._library_cache:
            self._library_cache[year] = library_year(year)
        return self._library_cache[year]

    def has_year(self, year: int) -> bool:
        return self.schedule(year) is not None

    def source(self, year: int) -> str | None:
        s = self.schedule(year)
        return s.source if s else None

    def missing_years(self, years: Iterable[int]) -> list[int]:
        return sorted({y for y in years if not self.has_year(y)})

    # -- days -------------------------------------------------------------------------------------------------
    def is_workday(self, day: dt.date) -> bool:
        s = self.schedule(day.year)
        if s is None:
            if self.strict:
                raise CalendarDataMissing(day.year)
            self.assumed_years.add(day.year)
            return day.weekday() < 5
        if day in s.makeup_workdays:
            return True
        if day in s.holidays:
            return False
        return day.weekday() < 5

    def is_holiday(self, day: dt.date) -> bool:
        """A statutory holiday (not an ordinary weekend)."""
        s = self.schedule(day.year)
        return bool(s and day in s.holidays)

    def is_makeup_workday(self, day: dt.date) -> bool:
        s = self.schedule(day.year)
        return bool(s and day in s.makeup_workdays)

    def day_name(self, day: dt.date) -> str:
        s = self.schedule(day.year)
        return s.names.get(day, "") if s else ""

    def next_workday(self, day: dt.date) -> dt.date:
        """``day`` itself when it is a working day, else the first working day after it."""
        while not self.is_workday(day):
            day += dt.timedelta(days=1)
        return day

    # -- legal counting ---------------------------------------------------------------------------------------
    def add_days(self, start: dt.date, days: int) -> dt.date:
        """Due date of a period of ``days`` 日 from ``start`` (not counted); a rest day moves to the next workday."""
        if days < 0:
            raise ValueError("期限天数不能为负数")
        return self.next_workday(start + dt.timedelta(days=days))

    def add_workdays(self, start: dt.date, days: int) -> dt.date:
        """Due date of a period of ``days`` 工作日 from ``start`` (not counted)."""
        if days < 0:
            raise ValueError("期限天数不能为负数")
        day = start
        counted = 0
        while counted < days:
            day += dt.timedelta(days=1)
            if self.is_workday(day):
                counted += 1
        return day

    def workdays_between(self, first: dt.date, last: dt.date) -> int:
        """Working days in ``[first, last)``."""
        n = 0
        day = first
        while day < last:
            if self.is_workday(day):
                n += 1
            day += dt.timedelta(days=1)
        return n


# -- the office's own schedule file ---------------------------------------------------------------------------
# One entry a line: ``YYYY-MM-DD[..YYYY-MM-DD] 休|班 [名称]``; ``#`` starts a comment. 休 = statutory day off,
# 班 = 调休 makeup working day. Weekends not listed are rest days. Every year that appears is taken as complete.
_LINE = re.compile(r"^(\d{4}-\d{1,2}-\d{1,2})(?:\s*(?:\.\.|~|～|至)\s*(\d{4}-\d{1,2}-\d{1,2}))?\s+(休|班)\s*(.*)$")


def parse_calendar_file(text: str) -> dict[int, YearSchedule]:
    holidays: dict[int, set[dt.date]] = {}
    workdays: dict[int, set[dt.date]] = {}
    names: dict[int, dict[dt.date, str]] = {}
    for lineno, raw in enumerate(text.splitlines(), start=1):
        # NFKC: full-width digits, dashes and spaces typed in a Chinese IME read as ASCII; a BOM is not content
        line = unicodedata.normalize("NFKC", raw.replace("\ufeff", "")).split("#", 1)[0].strip()
        if not line:
            continue
        m = _LINE.match(line)
        if not m:
            raise CalendarFileError(f"第{lineno}行格式不对：“{raw.strip()}”，应为“2027-01-01 休 元旦”或“2027-02-07 班 春节调休”")
        try:
            first = dt.date.fromisoformat(_pad(m.group(1)))
            last = dt.date.fromisoformat(_pad(m.group(2))) if m.group(2) else first
        except ValueError:
            raise CalendarFileError(f"第{lineno}行日期无效：“{raw.strip()}”") from None
        if last < first or last.year != first.year:
            raise CalendarFileError(f"第{lineno}行日期范围无效：“{raw.strip()}”")
        target = holidays if m.group(3) == "休" else workdays
        day = first
        while day <= last:
            other = workdays if target is holidays else holidays
            if day in other.get(day.year, set()):
                raise CalendarFileError(f"第{lineno}行：{day.isoformat()} 既标为“休”又标为“班”")
            if target is workdays and day.weekday() < 5:  # a makeup workday is always a weekend day: a typo
                raise CalendarFileError(f"第{lineno}行：{day.isoformat()} 是星期{'一二三四五'[day.weekday()]}，"
                                        "本来就是工作日，调休上班日应在周六或周日")
            target.setdefault(day.year, set()).add(day)
            names.setdefault(day.year, {})[day] = m.group(4).strip()
            day += dt.timedelta(days=1)
    years = set(holidays) | set(workdays)
    if not years:
        raise CalendarFileError("文件中没有任何日期")
    return {
        y: YearSchedule(y, frozenset(holidays.get(y, ())), frozenset(workdays.get(y, ())), names.get(y, {}),
                        SOURCE_OFFICE)
        for y in sorted(years)
    }


def _pad(text: str) -> str:
    y, m, d = text.split("-")
    return f"{int(y):04d}-{int(m):02d}-{int(d):02d}"


def format_calendar_file(schedule: YearSchedule) -> str:
    """The office file format for one year (used to show and to hand a year back to the office)."""
    lines = [f"# {schedule.year}年法定节假日安排（休 = 放假，班 = 调休上班）"]
    for day in sorted(schedule.holidays | schedule.makeup_workdays):
        mark = "休" if day in schedule.holidays else "班"
        lines.append(f"{day.isoformat()} {mark} {schedule.names.get(day, '')}".rstrip())
    return "\n".join(lines) + "\n"
