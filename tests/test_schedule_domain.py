"""Schedule rules across 2026: 逢节假日顺延, merges, the 10th-of-month rule, fair rotation, missing calendar years."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest

from xfdesk.domain.calendar import WorkCalendar, parse_calendar_file
from xfdesk.domain.reception import (
    KeptDay,
    ReceptionRule,
    ReceptionRuleError,
    is_fair,
    month_span,
    month_weeks,
    parse_month,
    parse_sessions,
    plan_schedule,
    sessions_label,
)

D = dt.date
THURSDAY = ReceptionRule(weekday=3)
EARLY = D(2025, 12, 1)  # "today" before the whole year: nothing is past


def plan(rule, first, last, leaders=(1, 2, 3, 4, 5), **kw):
    kw.setdefault("today", EARLY)
    return plan_schedule(rule, first, last, list(leaders), WorkCalendar(), **kw)


def test_rule_dates_weekly_and_monthly():
    assert THURSDAY.dates(D(2026, 10, 1), D(2026, 10, 31)) == [D(2026, 10, d) for d in (1, 8, 15, 22, 29)]
    assert ReceptionRule(day_of_month=10).dates(D(2026, 1, 1), D(2026, 3, 31)) == [D(2026, m, 10) for m in (1, 2, 3)]


def test_national_day_thursday_merges_into_the_next_thursday():
    p = plan(THURSDAY, D(2026, 10, 1), D(2026, 10, 31))
    days = {d.day: d for d in p.days}
    # 10-01 (国庆, Thursday) moves to the next working day 10-08, itself a Thursday: one day, not two
    assert D(2026, 10, 1) not in days
    assert sorted(days) == [D(2026, 10, d) for d in (8, 15, 22, 29)]
    merged = days[D(2026, 10, 8)]
    assert merged.planned_for == (D(2026, 10, 1), D(2026, 10, 8))
    assert merged.merged and merged.moved
    assert "国庆节" in merged.note(WorkCalendar()) and "合并" in merged.note(WorkCalendar())
    assert len(merged.leader_ids) == 1


def test_spring_festival_thursday_moves_to_the_first_working_day():
    p = plan(THURSDAY, D(2026, 2, 1), D(2026, 2, 28))
    days = {d.day: d for d in p.days}
    # 2026-02-15..23 is the Spring Festival holiday: Thursday 02-19 → Tuesday 02-24
    assert D(2026, 2, 19) not in days
    assert days[D(2026, 2, 24)].planned_for == (D(2026, 2, 19),)
    assert not days[D(2026, 2, 24)].merged
    assert "春节" in days[D(2026, 2, 24)].note(WorkCalendar())
    assert sorted(days) == [D(2026, 2, 5), D(2026, 2, 12), D(2026, 2, 24), D(2026, 2, 26)]


def test_new_year_thursday_moves_to_the_makeup_sunday():
    # 2026-01-01..03 off, Sunday 01-04 is a 调休 working day: the next working day is that Sunday
    p = plan(THURSDAY, D(2026, 1, 1), D(2026, 1, 31))
    assert p.days[0].day == D(2026, 1, 4) and p.days[0].planned_for == (D(2026, 1, 1),)


def test_monday_rule_two_holiday_mondays_merge_into_one_day():
    monday = ReceptionRule(weekday=0)
    p = plan(monday, D(2026, 2, 1), D(2026, 2, 28))
    days = {d.day: d for d in p.days}
    # Mondays 02-16 and 02-23 both fall in the Spring Festival holiday and both move to 02-24
    assert days[D(2026, 2, 24)].planned_for == (D(2026, 2, 16), D(2026, 2, 23))
    assert sorted(days) == [D(2026, 2, 2), D(2026, 2, 9), D(2026, 2, 24)]


def test_tenth_of_month_rule_over_2026():
    p = plan(ReceptionRule(day_of_month=10), D(2026, 1, 1), D(2026, 12, 31))
    days = [d.day for d in p.days]
    assert len(days) == 12
    cal = WorkCalendar()
    assert all(cal.is_workday(d) for d in days)
    assert D(2026, 1, 12) in days  # Saturday 01-10 → Monday 01-12
    assert D(2026, 5, 11) in days  # Sunday 05-10 → Monday 05-11
    assert D(2026, 10, 10) in days  # Saturday 10-10 is a 调休 working day: it stays
    assert D(2026, 6, 10) in days  # an ordinary Wednesday


def test_fair_rotation_over_a_year_one_and_two_leaders_per_day():
    for per_day, leaders in ((1, (1, 2, 3, 4, 5)), (2, (1, 2, 3, 4, 5, 6, 7)), (1, (1, 2, 3))):
        rule = ReceptionRule(weekday=3, leaders_per_day=per_day)
        p = plan(rule, D(2026, 1, 1), D(2026, 12, 31), leaders)
        counts = Counter(lid for d in p.days for lid in d.leader_ids)
        assert set(counts) == set(leaders)
        assert max(counts.values()) - min(counts.values()) <= 1, counts
        assert all(len(set(d.leader_ids)) == per_day for d in p.days)
        assert sum(counts.values()) == per_day * len(p.days)
        assert is_fair(p.counts(leaders))


def test_rotation_continues_across_periods():
    first = plan(THURSDAY, D(2026, 1, 1), D(2026, 1, 31), (1, 2, 3))
    last_sat = {}
    for d in first.days:
        for lid in d.leader_ids:
            last_sat[lid] = d.day
    second = plan(THURSDAY, D(2026, 2, 1), D(2026, 2, 28), (1, 2, 3), last_sat=last_sat)
    sequence = [d.leader_ids[0] for d in first.days + second.days]
    assert sequence == [1, 2, 3, 1, 2, 3, 1, 2, 3][: len(sequence)]


def test_kept_days_stay_and_fairness_accounts_for_them():
    kept = [KeptDay(D(2026, 3, 5), (4,), D(2026, 3, 5), "manual")]
    p = plan(THURSDAY, D(2026, 3, 1), D(2026, 3, 31), (1, 2, 3, 4), kept=kept)
    by_day = {d.day: d for d in p.days}
    assert by_day[D(2026, 3, 5)].leader_ids == (4,) and by_day[D(2026, 3, 5)].kept == "manual"
    assert is_fair(p.counts((1, 2, 3, 4)))
    assert len(p.days) == 4


def test_past_days_are_neither_created_nor_changed():
    past = KeptDay(D(2026, 10, 8), (2,), D(2026, 10, 8), "past")
    p = plan(THURSDAY, D(2026, 10, 1), D(2026, 10, 31), today=D(2026, 10, 20), kept=[past])
    assert [d.day for d in p.days] == [D(2026, 10, 8), D(2026, 10, 22), D(2026, 10, 29)]
    assert p.days[0].leader_ids == (2,) and p.days[0].kept == "past"
    # the moved 10-01 lands on the kept day: still one day
    assert D(2026, 10, 1) in p.days[0].planned_for


def test_moved_day_merges_into_a_stored_day_of_another_period():
    # a Monday rule: 2026-10-05 (国庆) moves to 10-08; suppose 10-08 is already a stored reception day
    other = KeptDay(D(2026, 10, 8), (3,), None, "other", owned=False)
    p = plan(ReceptionRule(weekday=0), D(2026, 10, 1), D(2026, 10, 31), kept=[other])
    eight = [d for d in p.days if d.day == D(2026, 10, 8)]
    assert len(eight) == 1 and eight[0].leader_ids == (3,) and eight[0].merged


def test_year_without_calendar_data_is_reported():
    p = plan(THURSDAY, D(2027, 1, 1), D(2027, 3, 31))
    assert p.missing_years == [2027]
    assert "2027" in p.warnings()[0] and "导入" in p.warnings()[0]
    assert not plan(THURSDAY, D(2026, 3, 1), D(2026, 3, 31)).missing_years


def test_office_entered_year_is_used():
    office = parse_calendar_file("2027-01-01..2027-01-03 休 元旦\n2027-02-06..2027-02-13 休 春节\n"
                                 "2027-02-14 班 春节调休\n")
    p = plan_schedule(THURSDAY, D(2027, 2, 1), D(2027, 2, 28), [1, 2], WorkCalendar(office), today=EARLY)
    days = {d.day: d for d in p.days}
    assert p.missing_years == []
    # Thursday 02-11 is in the office's 春节 holiday: moved to Sunday 02-14, a makeup working day
    assert days[D(2027, 2, 14)].planned_for == (D(2027, 2, 11),)


def test_rule_errors_and_periods():
    with pytest.raises(ReceptionRuleError, match="1至28"):
        ReceptionRule(day_of_month=31)
    with pytest.raises(ReceptionRuleError, match="领导"):
        plan(ReceptionRule(weekday=3, leaders_per_day=3), D(2026, 1, 1), D(2026, 1, 31), (1, 2))
    with pytest.raises(ReceptionRuleError, match="没有在任"):
        plan(THURSDAY, D(2026, 1, 1), D(2026, 1, 31), ())
    assert parse_month("2026-11") == (2026, 11)
    with pytest.raises(ReceptionRuleError, match="YYYY-MM"):
        parse_month("2026/13")
    assert month_span(2026, 11, 3) == (D(2026, 11, 1), D(2027, 1, 31))
    weeks = month_weeks(2026, 10)
    assert weeks[0][:3] == [None, None, None] and weeks[0][3] == D(2026, 10, 1)
    assert ReceptionRule(weekday=3).slot_label(2) == "09:30-10:00"
    assert "每周四" in THURSDAY.describe()


def test_only_years_that_decide_a_day_are_reported_missing():
    # December 2026 is known; no date of it moves into 2027, so 2027 is not reported
    assert plan(THURSDAY, D(2026, 12, 1), D(2026, 12, 31)).missing_years == []
    # a whole unknown year is reported once, the year after it not at all
    assert plan(THURSDAY, D(2027, 1, 1), D(2027, 12, 31)).missing_years == [2027]


def test_a_kept_moved_day_is_not_called_merged():
    # 02-24 was stored as the moved 02-19 and then swapped (manual): regenerating February keeps it as it is
    kept = [KeptDay(D(2026, 2, 24), (2,), D(2026, 2, 19), "manual")]
    p = plan(THURSDAY, D(2026, 2, 1), D(2026, 2, 28), kept=kept)
    day = next(d for d in p.days if d.day == D(2026, 2, 24))
    assert day.planned_for == (D(2026, 2, 19),) and day.moved and not day.merged
    assert "合并" not in day.note(WorkCalendar()) and "春节" in day.note(WorkCalendar())
    assert [d.day for d in p.days].count(D(2026, 2, 24)) == 1


# -- reception hours with a lunch break (issue 9 item 17) -----------------------------------------------------

HOURS = parse_sessions("09:00-11:30、14:30-17:00")


def _minutes_of(label: str) -> tuple[int, int]:
    begin, end = (dt.time.fromisoformat(x) for x in label.split("-"))
    return begin.hour * 60 + begin.minute, end.hour * 60 + end.minute


def test_eight_half_hour_slots_fill_the_morning_then_jump_over_lunch():
    rule = ReceptionRule(weekday=3, sessions=HOURS)
    labels = [rule.slot_label(i) for i in range(1, 9)]
    assert labels == ["09:00-09:30", "09:30-10:00", "10:00-10:30", "10:30-11:00", "11:00-11:30",
                      "14:30-15:00", "15:00-15:30", "15:30-16:00"]
    lunch = (11 * 60 + 30, 14 * 60 + 30)
    for begin, end in map(_minutes_of, labels):
        assert end - begin == 30
        assert end <= lunch[0] or begin >= lunch[1], "no slot may touch the lunch break"
    assert rule.slot_label(0) == "现场"


def test_a_slot_never_crosses_a_period_end_and_the_start_may_sit_inside_a_period():
    rule = ReceptionRule(weekday=3, slots=4, slot_minutes=40, start=dt.time(10, 0), sessions=HOURS)
    # 10:00-10:40, 10:40-11:20, then 11:20-12:00 would cross 11:30: the afternoon takes over
    assert [rule.slot_label(i) for i in range(1, 5)] == ["10:00-10:40", "10:40-11:20", "14:30-15:10",
                                                         "15:10-15:50"]


def test_slots_that_do_not_fit_the_hours_are_refused_in_chinese():
    with pytest.raises(ReceptionRuleError, match="只能排10个"):
        ReceptionRule(weekday=3, slots=11, sessions=HOURS)
    with pytest.raises(ReceptionRuleError, match="不在接访时间"):
        ReceptionRule(weekday=3, start=dt.time(12, 0), sessions=HOURS)
    with pytest.raises(ReceptionRuleError, match="格式不对"):
        parse_sessions("上午九点")
    with pytest.raises(ReceptionRuleError, match="重叠"):
        parse_sessions("09:00-12:00、11:00-17:00")
    with pytest.raises(ReceptionRuleError, match="结束不晚于开始"):
        parse_sessions("11:30-09:00")
    assert parse_sessions("") == ()
    assert parse_sessions("9:00-11:30，14:30～17:00") == HOURS
    assert sessions_label(HOURS) == "09:00-11:30、14:30-17:00"


def test_only_a_matter_being_handled_can_be_booked():
    from xfdesk.domain.lifecycle import OPEN_STATUSES, STATUS_LABELS, Status
    from xfdesk.domain.reception import booking_closed

    for status in Status:
        said = booking_closed("XF-2026-000001", status.value)
        if status in OPEN_STATUSES:
            assert said == "", status
        else:
            assert said == f"事项XF-2026-000001当前为“{STATUS_LABELS[status]}”，已不在办理中，不能约访", status
