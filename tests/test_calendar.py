"""The working-day calendar: legal due dates across the 2026 holidays, unknown years, office-entered schedules.

Expected dates are checked against chinese_calendar's own data (an independent day-by-day count), not memory.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import chinese_calendar
import pytest

from xfdesk.domain.calendar import (SOURCE_LIBRARY, SOURCE_OFFICE, CalendarDataMissing, CalendarFileError,
                                    WorkCalendar, format_calendar_file, library_year, parse_calendar_file)

D = dt.date
EXAMPLE_FILE = Path(__file__).resolve().parent.parent / "data" / "calendar-example.txt"


def reference_add_days(start: dt.date, days: int) -> dt.date:
    """民诉法第85条 counting done directly on chinese_calendar: the last day moves off any rest day."""
    day = start + dt.timedelta(days=days)
    while not chinese_calendar.is_workday(day):
        day += dt.timedelta(days=1)
    return day


def reference_add_workdays(start: dt.date, days: int) -> dt.date:
    day, counted = start, 0
    while counted < days:
        day += dt.timedelta(days=1)
        counted += chinese_calendar.is_workday(day)
    return day


@pytest.fixture
def cal() -> WorkCalendar:
    return WorkCalendar()


def test_the_2026_schedule_is_the_libraries_day_for_day(cal):
    day = D(2026, 1, 1)
    while day.year == 2026:
        assert cal.is_workday(day) == chinese_calendar.is_workday(day), day
        day += dt.timedelta(days=1)
    assert cal.source(2026) == SOURCE_LIBRARY
    assert cal.assumed_years == set()


def test_2026_national_day_and_spring_festival_as_published(cal):
    assert all(cal.is_holiday(D(2026, 10, d)) for d in range(1, 8))
    assert cal.is_makeup_workday(D(2026, 9, 20)) and cal.is_makeup_workday(D(2026, 10, 10))
    assert all(cal.is_holiday(D(2026, 2, d)) for d in range(15, 24))
    assert cal.is_makeup_workday(D(2026, 2, 14)) and cal.is_makeup_workday(D(2026, 2, 28))
    assert cal.day_name(D(2026, 10, 1)) == "国庆节"
    assert cal.day_name(D(2026, 2, 14)) == "春节"
    assert not cal.is_holiday(D(2026, 10, 8)) and cal.is_workday(D(2026, 10, 8))


@pytest.mark.parametrize("start, days, expected", [
    (D(2026, 9, 30), 1, D(2026, 10, 8)),    # lands on 10-01: moves past the whole National Day break
    (D(2026, 9, 16), 15, D(2026, 10, 8)),   # a 15-day notice period ending in the break
    (D(2026, 9, 28), 5, D(2026, 10, 8)),    # ends 10-03, a Saturday inside the break
    (D(2026, 9, 19), 1, D(2026, 9, 20)),    # lands on the makeup Sunday 09-20: stays
    (D(2026, 10, 9), 1, D(2026, 10, 10)),   # lands on the makeup Saturday 10-10: stays
    (D(2026, 2, 1), 15, D(2026, 2, 24)),    # lands in the Spring Festival break: first working day after
    (D(2026, 2, 13), 1, D(2026, 2, 14)),    # makeup Saturday before the Spring Festival: stays
    (D(2026, 2, 27), 1, D(2026, 2, 28)),    # makeup Saturday after it: stays
    (D(2026, 3, 6), 1, D(2026, 3, 9)),      # an ordinary Saturday still moves to Monday
    (D(2026, 8, 1), 60, D(2026, 9, 30)),    # 60-day handling period, no holiday at the end
])
def test_days_due_dates(cal, start, days, expected):
    assert cal.add_days(start, days) == expected
    assert reference_add_days(start, days) == expected


@pytest.mark.parametrize("start, days, expected", [
    (D(2026, 9, 30), 1, D(2026, 10, 8)),    # the break is skipped entirely
    (D(2026, 9, 30), 3, D(2026, 10, 10)),   # 10-08, 10-09 and the makeup Saturday 10-10
    (D(2026, 9, 18), 1, D(2026, 9, 20)),    # makeup Sunday 09-20 counts as a working day
    (D(2026, 9, 30), 5, D(2026, 10, 13)),
    (D(2026, 2, 13), 1, D(2026, 2, 14)),    # makeup Saturday before the Spring Festival counts
    (D(2026, 2, 13), 2, D(2026, 2, 24)),    # then the whole break is skipped
    (D(2026, 2, 24), 4, D(2026, 2, 28)),    # 25, 26, 27 and the makeup Saturday 28
])
def test_workday_due_dates(cal, start, days, expected):
    assert cal.add_workdays(start, days) == expected
    assert reference_add_workdays(start, days) == expected


def test_every_start_in_2026_agrees_with_an_independent_count(cal):
    day = D(2026, 1, 1)
    while day < D(2026, 11, 1):
        for n in (1, 5, 15):
            assert cal.add_days(day, n) == reference_add_days(day, n), (day, n)
        assert cal.add_workdays(day, 5) == reference_add_workdays(day, 5), day
        day += dt.timedelta(days=3)


def test_due_date_is_never_a_rest_day(cal):
    for offset in range(0, 365, 2):
        due = cal.add_days(D(2026, 1, 1) + dt.timedelta(days=offset), 15)
        assert chinese_calendar.is_workday(due) if due.year == 2026 else True


def test_a_year_without_data_is_refused_in_strict_mode():
    strict = WorkCalendar(strict=True)
    assert not strict.has_year(2027)
    with pytest.raises(CalendarDataMissing) as info:
        strict.add_days(D(2027, 3, 1), 10)
    assert info.value.year == 2027
    assert "2027" in str(info.value)
    with pytest.raises(CalendarDataMissing):
        strict.add_days(D(2026, 12, 20), 15)  # a 2026 start crossing into 2027


def test_a_year_without_data_is_recorded_in_lenient_mode():
    lenient = WorkCalendar()
    assert lenient.add_days(D(2026, 12, 20), 10) == D(2026, 12, 30)  # stays in 2026: nothing assumed
    assert lenient.assumed_years == set()
    assert lenient.add_days(D(2027, 3, 5), 1) == D(2027, 3, 8)  # weekends only
    assert lenient.assumed_years == {2027}
    assert lenient.missing_years(range(2026, 2028)) == [2027]
    assert lenient.source(2027) is None


def test_an_office_entered_year_overrides_the_library():
    library_2026 = library_year(2026)
    text = format_calendar_file(library_2026) + "2026-10-08 休 国庆节（本地延长，测试）\n"
    office = parse_calendar_file(text)
    cal = WorkCalendar(office)
    assert cal.source(2026) == SOURCE_OFFICE
    assert cal.add_days(D(2026, 9, 30), 1) == D(2026, 10, 9)   # the library says 10-08
    assert WorkCalendar().add_days(D(2026, 9, 30), 1) == D(2026, 10, 8)
    # everything else of the year is unchanged
    assert office[2026].holidays - library_2026.holidays == {D(2026, 10, 8)}
    assert office[2026].makeup_workdays == library_2026.makeup_workdays


def test_the_example_file_fills_2027():
    years = parse_calendar_file(EXAMPLE_FILE.read_text(encoding="utf-8"))
    assert list(years) == [2027]
    cal = WorkCalendar(years, strict=True)
    assert cal.add_days(D(2027, 9, 30), 1) == D(2027, 10, 8)     # example National Day break
    assert cal.add_workdays(D(2027, 9, 24), 1) == D(2027, 9, 26)  # example makeup Sunday counts
    assert cal.assumed_years == set()
    assert all(d.weekday() >= 5 for d in years[2027].makeup_workdays)


def test_file_format_variants():
    years = parse_calendar_file("\ufeff# 注释\n\n2027-5-1 ~ 2027-5-3 休 劳动节  # 行尾注释\n2027-4-25　班\n"
                                "2028-01-01至2028-01-01 休 元旦\n")
    assert sorted(years) == [2027, 2028]
    assert years[2027].holidays == {D(2027, 5, 1), D(2027, 5, 2), D(2027, 5, 3)}
    assert years[2027].makeup_workdays == {D(2027, 4, 25)}
    assert years[2027].names[D(2027, 5, 2)] == "劳动节"


@pytest.mark.parametrize("text, fragment", [
    ("2027-01-01 休 元旦\n2027-01-02 放假", "第2行格式不对"),
    ("2027-02-30 休", "第1行日期无效"),
    ("2027-01-05..2027-01-03 休", "第1行日期范围无效"),
    ("2027-12-31..2028-01-01 休", "第1行日期范围无效"),
    ("2027-01-01 休\n# x\n2027-01-01 班", "既标为“休”又标为“班”"),
    ("2027-01-01 休\n2027-02-08 班 春节调休", "第2行：2027-02-08 是星期一"),
    ("# 只有注释\n", "没有任何日期"),
])
def test_file_errors_name_the_line(text, fragment):
    with pytest.raises(CalendarFileError) as info:
        parse_calendar_file(text)
    assert fragment in str(info.value)


def test_format_and_parse_round_trip():
    schedule = library_year(2026)
    again = parse_calendar_file(format_calendar_file(schedule))[2026]
    assert again.holidays == schedule.holidays
    assert again.makeup_workdays == schedule.makeup_workdays
    assert again.names == schedule.names
