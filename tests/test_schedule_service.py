"""Schedule generation against the database: stored days, swaps and absences surviving regeneration, warnings."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
from sqlmodel import select

from tests.test_reception_support import register  # noqa: F401  (fixture)
from xfdesk.domain.reception import BookingRefused, ReceptionRuleError
from xfdesk.services import reception as rs
from xfdesk.storage.models import Event, ReceptionDay, ReceptionDayLeader

D = dt.date


@pytest.fixture
def roster(ctx, head):
    return [rs.add_leader(ctx, head, name, title) for name, title in
            (("刘建国", "党委书记"), ("陈志强", "镇长"), ("黄丽华", "党委副书记"), ("赖文斌", "副镇长"))]


def seats(ctx, day):
    return [s.leader_id for s in rs.day_view(ctx, day).leaders]


def test_generate_next_year_fair_and_stored(ctx, head, roster):
    result = rs.generate_schedule(ctx, head, 2026, 12, 13)  # Dec 2026 .. Dec 2027
    assert result.created and not result.kept
    counts = result.counts
    assert set(counts) == {leader.name for leader in roster}
    assert max(counts.values()) - min(counts.values()) <= 1
    with ctx.db.read() as session:
        stored = session.exec(select(ReceptionDay)).all()
        assert len(stored) == len(result.created)
        assert session.exec(select(Event).where(Event.action == "reception_schedule")).first() is not None


def test_generate_2026_from_january_creates_only_future_days(ctx, head, roster):
    result = rs.generate_schedule(ctx, head, 2026, 1, 12)
    assert min(result.created) >= ctx.today()  # today is 2026-11-21: the past is never written
    assert [d for d in result.created if d.month == 11] == [D(2026, 11, 26)]
    december = [v.day for v in rs.month_days(ctx, 2026, 12)]
    assert december == [D(2026, 12, d) for d in (3, 10, 17, 24, 31)]


def test_national_day_merge_stored(ctx, head, roster):
    ctx.clock = lambda: D(2026, 9, 1)
    rs.generate_schedule(ctx, head, 2026, 10)
    days = rs.month_days(ctx, 2026, 10)
    assert [v.day for v in days] == [D(2026, 10, d) for d in (8, 15, 22, 29)]
    first = days[0]
    assert first.planned_for == D(2026, 10, 1)
    assert "国庆节" in first.note and "合并" in first.note
    assert len(first.leaders) == 1


def test_year_without_calendar_data_warns(ctx, head, roster):
    result = rs.generate_schedule(ctx, head, 2027, 1, 2)
    assert any("2027" in w and "节假日" in w for w in result.warnings)
    assert any("2027" in w for w in ctx.warnings)
    event = None
    with ctx.db.read() as session:
        event = session.exec(select(Event).where(Event.action == "reception_schedule")).one()
    assert event.data["missing_years"] == [2027]


def test_office_entered_year_moves_its_holidays(ctx, head, roster, tmp_path):
    from xfdesk.services.calendar_service import import_calendar_file

    path = tmp_path / "2027.txt"
    path.write_text("2027-01-01..2027-01-03 休 元旦\n2027-02-06..2027-02-13 休 春节\n2027-02-14 班 春节调休\n",
                    encoding="utf-8")
    import_calendar_file(ctx, head, path)
    ctx.invalidate_calendar()
    result = rs.generate_schedule(ctx, head, 2027, 2)
    assert not result.warnings
    days = [v.day for v in rs.month_days(ctx, 2027, 2)]
    assert D(2027, 2, 11) not in days and D(2027, 2, 14) in days


def test_swap_survives_regeneration_and_later_days_are_replanned(ctx, head, roster):
    rs.generate_schedule(ctx, head, 2026, 12)
    dec10 = seats(ctx, D(2026, 12, 10))
    out_id = dec10[0]
    in_id = next(leader.id for leader in roster if leader.id not in dec10)
    rs.swap_leader(ctx, head, D(2026, 12, 10), out_id, in_id, "外出学习")
    view = rs.day_view(ctx, D(2026, 12, 10))
    assert view.leaders[0].leader_id == in_id
    assert view.leaders[0].planned_name == next(r.name for r in roster if r.id == out_id)
    assert view.leaders[0].change_reason == "外出学习"

    again = rs.generate_schedule(ctx, head, 2026, 12, 2)
    assert D(2026, 12, 10) in again.kept
    assert seats(ctx, D(2026, 12, 10)) == [in_id]
    assert rs.day_view(ctx, D(2026, 12, 10)).leaders[0].change_reason == "外出学习"
    # one leader per day still, and counts over the two months stay fair
    assert max(again.counts.values()) - min(again.counts.values()) <= 1
    with ctx.db.read() as session:
        rows = session.exec(select(ReceptionDayLeader)).all()
        per_day = Counter(r.reception_day_id for r in rows)
        assert set(per_day.values()) == {1}
        assert session.exec(select(Event).where(Event.action == "reception_swap")).one().data["reason"] == "外出学习"


def test_absence_picks_a_substitute_and_is_kept(ctx, head, roster):
    rs.generate_schedule(ctx, head, 2026, 12)
    absent = seats(ctx, D(2026, 12, 17))[0]
    seat = rs.mark_absent(ctx, head, D(2026, 12, 17), absent, "赴县开会")
    assert seat.leader_id != absent and seat.planned_leader_id == absent
    assert seat.change_reason == "缺席：赴县开会"
    result = rs.generate_schedule(ctx, head, 2026, 12)
    assert D(2026, 12, 17) in result.kept and seats(ctx, D(2026, 12, 17)) == [seat.leader_id]


def test_swap_refusals(ctx, head, roster):
    rs.generate_schedule(ctx, head, 2026, 12)
    on = seats(ctx, D(2026, 12, 3))[0]
    other = next(leader.id for leader in roster if leader.id != on)
    with pytest.raises(BookingRefused, match="原因"):
        rs.swap_leader(ctx, head, D(2026, 12, 3), on, other, "  ")
    with pytest.raises(BookingRefused, match="不在"):
        rs.swap_leader(ctx, head, D(2026, 12, 3), other, on, "调班")
    with pytest.raises(BookingRefused, match="不是接访日"):
        rs.swap_leader(ctx, head, D(2026, 12, 4), on, other, "调班")


def test_generation_needs_leaders(ctx, head):
    with pytest.raises(ReceptionRuleError, match="领导"):
        rs.generate_schedule(ctx, head, 2026, 12)


def test_tenth_of_month_setting(ctx, head, roster):
    ctx.save_setting("reception_day_of_month", 10)
    rs.generate_schedule(ctx, head, 2027, 1, 1)
    # 2027 has no data: weekends only; 2027-01-10 is a Sunday → Monday 01-11
    assert [v.day for v in rs.month_days(ctx, 2027, 1)] == [D(2027, 1, 11)]


def test_import_roster_adds_missing_names_once(ctx, head):
    added = rs.import_roster(ctx, head)
    assert len(added) >= 3 and all(leader.title for leader in added)
    assert rs.import_roster(ctx, head) == []
    assert [leader.name for leader in rs.list_leaders(ctx)] == [leader.name for leader in added]


def test_inactive_leaders_are_not_scheduled(ctx, head, roster):
    rs.set_leader_active(ctx, head, roster[0].id, False)
    result = rs.generate_schedule(ctx, head, 2026, 12, 3)
    assert roster[0].name not in result.counts
    with ctx.db.read() as session:
        assert roster[0].id not in set(session.exec(select(ReceptionDayLeader.leader_id)))


def test_day_moved_into_the_next_month_merges_when_that_month_is_generated(ctx, head, roster, tmp_path):
    from xfdesk.services.calendar_service import import_calendar_file

    # the office's own 2027 schedule, with a 劳动节 holiday across the month boundary
    path = tmp_path / "2027.txt"
    path.write_text("2027-01-01 休 元旦\n2027-04-28..2027-05-05 休 劳动节\n", encoding="utf-8")
    import_calendar_file(ctx, head, path)
    ctx.invalidate_calendar()
    ctx.save_setting("reception_weekday", 2)  # Wednesdays
    rs.generate_schedule(ctx, head, 2027, 4)  # 04-28 (Wed) falls in the holiday → moved to Thursday 05-06
    moved = rs.day_view(ctx, D(2027, 5, 6))
    assert moved.planned_for == D(2027, 4, 28) and "劳动节" in moved.note
    result = rs.generate_schedule(ctx, head, 2027, 5)  # 05-05 (Wed, holiday) also moves to 05-06: merged
    assert D(2027, 5, 6) in result.kept and D(2027, 5, 6) not in result.created
    may = [v.day for v in rs.month_days(ctx, 2027, 5)]
    assert may.count(D(2027, 5, 6)) == 1 and D(2027, 5, 5) not in may
    assert "合并" in rs.day_view(ctx, D(2027, 5, 6)).note
    assert seats(ctx, D(2027, 5, 6)) == [s.leader_id for s in moved.leaders]


def test_a_kept_day_with_a_leader_who_left_is_warned_about(ctx, head, clerk, roster, register):
    rs.generate_schedule(ctx, head, 2026, 12)
    sitting = seats(ctx, D(2026, 12, 10))[0]
    rs.book_matter(ctx, clerk, register().matter_ids[0], D(2026, 12, 10))  # the day is now kept
    rs.set_leader_active(ctx, head, sitting, False)
    result = rs.generate_schedule(ctx, head, 2026, 12)
    name = next(r.name for r in roster if r.id == sitting)
    assert any(f"12月10日（星期四）的接访领导{name}已停用" in w and "请调班" in w for w in result.warnings)
    assert seats(ctx, D(2026, 12, 10)) == [sitting]
    assert all(sitting not in seats(ctx, d) for d in result.created)


def test_rule_settings_typed_as_text_are_read_or_named(ctx, head):
    ctx.save_setting("reception_weekday", "0")
    ctx.save_setting("reception_day_of_month", "")
    assert rs.reception_rule(ctx).describe().startswith("每周一")
    ctx.save_setting("reception_slots", "八")
    with pytest.raises(ReceptionRuleError, match="约访时段数"):
        rs.reception_rule(ctx)
