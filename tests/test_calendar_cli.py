"""The calendar service and the ``xfdesk calendar`` commands: 期限计算器, show, import (with deadline recompute)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlmodel import func, select

from tests.conftest import sample_contact
from xfdesk.cli.app import run
from xfdesk.domain.calendar import (SOURCE_LIBRARY, SOURCE_OFFICE, CalendarFileError, format_calendar_file,
                                    library_year, parse_calendar_file)
from xfdesk.storage.models import CalendarDay, CalendarYear, Deadline, Event

EXAMPLE_FILE = Path(__file__).resolve().parent.parent / "data" / "calendar-example.txt"


def cli(tmp_path, capsys, *args) -> tuple[int, str, str]:
    capsys.readouterr()
    code = run(["--home", str(tmp_path / "home"), *args])
    out = capsys.readouterr()
    return code, out.out, out.err


# -- 期限计算器 ------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("args, expected", [
    (["2026-09-30", "1"], "2026-10-08"),
    (["2026-09-19", "1"], "2026-09-20"),
    (["2026-09-30", "3", "--workdays"], "2026-10-10"),
    (["2026/2/1", "15"], "2026-02-24"),
    (["2026年2月13日", "2", "--workdays"], "2026-02-24"),
])
def test_due_prints_only_the_date(tmp_path, capsys, args, expected):
    code, out, err = cli(tmp_path, capsys, "calendar", "due", *args)
    assert (code, out, err) == (0, expected + "\n", "")


def test_due_into_a_year_without_data_warns_on_stderr_and_still_succeeds(tmp_path, capsys):
    code, out, err = cli(tmp_path, capsys, "calendar", "due", "2026-12-25", "15")
    assert code == 0
    assert out == "2027-01-11\n"  # 2027-01-09 is a Saturday: weekends assumed
    assert "2027" in err and "缺少" in err and "calendar import" in err
    assert err.count("\n") == 1


@pytest.mark.parametrize("args, fragment", [
    (["2026-13-01", "5"], "起算日期不正确"),
    (["明天", "5"], "起算日期不正确"),
    (["2026-10-01", "-3"], "期限天数不正确"),
    (["2026-10-01", "五"], "期限天数不正确"),
])
def test_due_refuses_bad_input_in_chinese(tmp_path, capsys, args, fragment):
    code, out, err = cli(tmp_path, capsys, "calendar", "due", *args)
    assert code == 1 and out == ""
    assert fragment in err and err.startswith("错误：")


# -- show ----------------------------------------------------------------------------------------------------------
def test_show_a_library_year(tmp_path, capsys):
    code, out, _ = cli(tmp_path, capsys, "calendar", "show", "2026")
    assert code == 0
    assert "chinese-calendar" in out
    national = next(line for line in out.splitlines() if line.startswith("国庆节"))
    assert "10月1日（周四）至10月7日（周三），共7天" in national
    assert "9月20日（周日）" in national and "10月10日（周六）" in national
    assert "全年放假 33 天，调休上班 6 天" in out


def test_show_grid_marks_holidays_and_makeup_days(tmp_path, capsys):
    code, out, _ = cli(tmp_path, capsys, "calendar", "show", "2026", "--grid")
    assert code == 0
    october = out.split("2026年10月")[1].split("2026年11月")[0]
    assert " 1休" in october and " 7休" in october and "10班" in october and " 8  " in october


def test_show_as_file_gives_an_importable_file(tmp_path, capsys):
    code, out, _ = cli(tmp_path, capsys, "calendar", "show", "2026", "--file")
    assert code == 0
    assert out == format_calendar_file(library_year(2026))


def test_show_a_year_without_data_says_so(tmp_path, capsys):
    code, out, err = cli(tmp_path, capsys, "calendar", "show", "2027")
    assert code == 1
    assert out == ""
    assert "缺少2027年的法定节假日安排" in err


# -- import --------------------------------------------------------------------------------------------------------
def test_import_the_example_file_fills_2027(tmp_path, capsys):
    code, out, err = cli(tmp_path, capsys, "calendar", "import", str(EXAMPLE_FILE))
    assert code == 0, err
    example = parse_calendar_file(EXAMPLE_FILE.read_text(encoding="utf-8"))[2027]
    assert f"已导入2027年放假安排：放假{len(example.holidays)}天，调休上班{len(example.makeup_workdays)}天" in out
    code, out, _ = cli(tmp_path, capsys, "calendar", "show", "2027")
    assert code == 0 and "本办录入" in out and "calendar-example.txt" in out
    code, out, err = cli(tmp_path, capsys, "calendar", "due", "2027-09-30", "1")
    assert (code, out, err) == (0, "2027-10-08\n", "")
    code, out, _ = cli(tmp_path, capsys, "calendar", "coverage", "2026", "2027", "2028")
    assert code == 1  # 2028 is missing
    assert "2026年：chinese-calendar" in out and "2027年：本办录入" in out and "2028年：缺少数据" in out


def test_import_a_bad_file_names_the_line_and_stores_nothing(tmp_path, capsys):
    bad = tmp_path / "2027.txt"
    bad.write_text("2027-01-01..2027-01-03 休 元旦\n\n2027-02-31 休 春节\n", encoding="utf-8")
    code, out, err = cli(tmp_path, capsys, "calendar", "import", str(bad))
    assert code == 1
    assert "第3行" in err and "2027.txt" in err and "未导入" in err
    code, _, _ = cli(tmp_path, capsys, "calendar", "show", "2027")
    assert code == 1


def test_import_a_missing_file(tmp_path, capsys):
    code, _, err = cli(tmp_path, capsys, "calendar", "import", str(tmp_path / "nope.txt"))
    assert code == 1 and "找不到" in err


def test_import_reads_a_gbk_file(tmp_path, capsys):
    legacy = tmp_path / "gbk.txt"
    legacy.write_bytes("2027-10-01..2027-10-07 休 国庆节\r\n2027-10-09 班 国庆节调休\r\n".encode("gbk"))
    code, _, err = cli(tmp_path, capsys, "calendar", "import", str(legacy))
    assert code == 0, err
    _, out, _ = cli(tmp_path, capsys, "calendar", "show", "2027")
    assert "国庆节：放假 10月1日（周五）至10月7日（周四），共7天；调休上班 10月9日（周六）" in out


# -- the service ---------------------------------------------------------------------------------------------------
def test_import_replaces_the_year_records_an_event_and_reports_coverage(ctx, head, tmp_path):
    from xfdesk.services.calendar_service import calendar_coverage, import_calendar_file

    first = tmp_path / "a.txt"
    first.write_text("2027-01-01..2027-01-03 休 元旦\n2027-02-06 班 调休\n", encoding="utf-8")
    second = tmp_path / "b.txt"
    second.write_text("2027-01-01 休 元旦\n", encoding="utf-8")
    assert calendar_coverage(ctx, [2026, 2027]) == [(2026, SOURCE_LIBRARY), (2027, None)]
    assert import_calendar_file(ctx, head, first) == [2027]
    assert import_calendar_file(ctx, head, second) == [2027]
    with ctx.db.read() as s:
        days = s.exec(select(CalendarDay).order_by(CalendarDay.day)).all()
        year = s.get(CalendarYear, 2027)
        events = s.exec(select(Event).where(Event.action == "calendar_import")).all()
    assert [(d.day, d.is_workday, d.name) for d in days] == [(dt.date(2027, 1, 1), False, "元旦")]
    assert year.source_file == "b.txt"
    assert len(events) == 2 and events[-1].actor == head.name and events[-1].data["years"] == [2027]
    assert calendar_coverage(ctx, [2027]) == [(2027, SOURCE_OFFICE)]
    assert ctx.calendar().is_workday(dt.date(2027, 1, 2)) is False  # a Saturday
    assert ctx.calendar().is_workday(dt.date(2027, 2, 6)) is False  # no longer a makeup day


def test_a_rejected_file_leaves_the_database_as_it_was(ctx, head, tmp_path):
    from xfdesk.services.calendar_service import import_calendar_file

    good = tmp_path / "good.txt"
    good.write_text("2027-01-01 休 元旦\n", encoding="utf-8")
    import_calendar_file(ctx, head, good)
    bad = tmp_path / "bad.txt"
    bad.write_text("2027-05-01 休 劳动节\n2027-05-06 班 错\n", encoding="utf-8")  # 05-06 is a Thursday
    with pytest.raises(CalendarFileError, match="第2行"):
        import_calendar_file(ctx, head, bad)
    with ctx.db.read() as s:
        assert [d.day for d in s.exec(select(CalendarDay))] == [dt.date(2027, 1, 1)]
        assert s.exec(select(func.count()).select_from(Event)).one() == 1


def test_due_date_service_warns_only_about_years_it_touched(ctx):
    from xfdesk.services.calendar_service import due_date

    assert due_date(ctx, dt.date(2026, 9, 30), 1, False) == (dt.date(2026, 10, 8), [])
    due, warnings = due_date(ctx, dt.date(2026, 12, 28), 5, True)
    assert due == dt.date(2027, 1, 4)
    assert len(warnings) == 1 and "2027" in warnings[0]


def test_importing_a_year_corrects_provisional_deadlines(tmp_path, clerk, head):
    from xfdesk.services.calendar_service import import_calendar_file
    from xfdesk.services.context import open_context
    from xfdesk.services.registration import register_contact

    december = dt.date(2026, 12, 20)
    ctx = open_context(tmp_path / "office", clock=lambda: december)
    try:
        reg = register_contact(ctx, clerk, sample_contact(received_at=dt.datetime.combine(december, dt.time(0, 0))))
        with ctx.db.read() as s:
            notice = s.exec(select(Deadline).where(Deadline.matter_id == reg.matter_ids[0],
                                                   Deadline.name == "notice")).one()
        assert notice.assumed is True and notice.due_on.year == 2027  # provisional: 2027 has no data yet

        office = tmp_path / "2027.txt"
        office.write_text(f"{notice.due_on.isoformat()} 休 测试假日\n", encoding="utf-8")
        import_calendar_file(ctx, head, office)
        with ctx.db.read() as s:
            after = s.get(Deadline, notice.id)
        assert after.assumed is False
        assert after.due_on == notice.due_on + dt.timedelta(days=1)
    finally:
        ctx.db.dispose()


def test_a_missing_argument_is_named_in_chinese(tmp_path, capsys):
    code, out, err = cli(tmp_path, capsys, "calendar", "due", "2026-09-30")
    assert code == 2 and out == ""
    assert err.strip() == "错误：缺少参数：期限天数（用 xfdesk calendar due --help 查看用法）"


from tests.test_postgres import pg_ctx, pg_url  # noqa: E402, F401  (fixtures; skipped without a server)


def test_calendar_import_on_postgres(pg_ctx, head, tmp_path):
    from xfdesk.services.calendar_service import calendar_coverage, import_calendar_file

    assert import_calendar_file(pg_ctx, head, EXAMPLE_FILE) == [2027]
    assert import_calendar_file(pg_ctx, head, EXAMPLE_FILE) == [2027]  # the year is replaced, not doubled
    assert calendar_coverage(pg_ctx, [2027]) == [(2027, SOURCE_OFFICE)]
    assert pg_ctx.calendar().add_days(dt.date(2027, 9, 30), 1) == dt.date(2027, 10, 8)


def test_a_partial_year_is_imported_with_a_plain_warning(tmp_path, capsys):
    partial = tmp_path / "2027.txt"
    partial.write_text("2027-02-05..2027-02-13 休 春节\n2027-02-20 班 春节调休\n", encoding="utf-8")
    code, out, err = cli(tmp_path, capsys, "calendar", "import", str(partial))
    assert code == 0
    assert "已导入2027年放假安排" in out
    assert "没有元旦、清明、劳动、端午、中秋、国庆" in err and err.startswith("提示：")


def test_no_published_year_looks_incomplete():
    from xfdesk.services.calendar_service import completeness_warnings

    for year in range(2008, 2027):
        assert completeness_warnings(library_year(year)) == [], year
    unnamed = parse_calendar_file("2027-10-01..2027-10-07 休\n")[2027]
    assert "只列了7天放假" in completeness_warnings(unnamed)[0]
