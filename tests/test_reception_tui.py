"""The reception screens driven by keyboard through Pilot: month calendar, day view, session, booking and printing."""

from __future__ import annotations

import datetime as dt

import pytest
from rich.cells import cell_len
from sqlmodel import select
from textual.app import App
from textual.widgets import DataTable, Input, SelectionList, Static

from tests.test_reception_support import register  # noqa: F401  (fixture)
from tests.test_tui_helpers import screen_text
from xfdesk.services import documents as ds
from xfdesk.services import reception as rs
from xfdesk.storage.models import Appointment, Document, Event, Matter, ReceptionDayLeader
from xfdesk.tui.screens.reception import (
    BookMatterScreen,
    ReceptionCalendarScreen,
    ReceptionDayScreen,
    SessionScreen,
)

D = dt.date
NEXT_THURSDAY = D(2026, 11, 26)

async def _done(pilot) -> None:  # noqa: ANN001
    """After a key: its worker (rendering, printing) has finished and what it posted back is on screen."""
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()



class ScreenApp(App):
    """The smallest host for one screen (what XfdeskApp provides: ctx, operator, open_matter)."""

    def __init__(self, make_screen, ctx=None, operator=None):  # noqa: ANN001
        super().__init__()
        self.make_screen = make_screen
        self.ctx = ctx  # forms opened through the app's helpers (open_walk_in) take the office and operator here
        self.operator = operator
        self.opened: list[int] = []

    def on_mount(self) -> None:
        self.push_screen(self.make_screen())

    def open_matter(self, matter_id: int) -> None:
        self.opened.append(matter_id)


@pytest.fixture
def roster(ctx, head):
    leaders = [rs.add_leader(ctx, head, name, title) for name, title in
               (("刘建国", "党委书记"), ("陈志强", "镇长"), ("黄丽华", "党委副书记"))]
    return leaders


def cell(table: DataTable, row: int, label: str) -> str:
    """A cell by its column's Chinese label (columns may be reordered to fit the screen)."""
    labels = [str(c.label) for c in table.columns.values()]
    return str(table.get_row_at(row)[labels.index(label)])


def grid_text(screen) -> dict[dt.date, str]:
    grid = screen.query_one("#rx-grid", DataTable)
    return {day: str(grid.get_cell_at((r, c)).plain if hasattr(grid.get_cell_at((r, c)), "plain")
                     else grid.get_cell_at((r, c)))
            for (r, c), day in screen.cells.items()}


async def test_month_calendar_marks_holidays_makeup_days_and_generates(ctx, head, roster):
    app = ScreenApp(lambda: ReceptionCalendarScreen(ctx, head, month=(2026, 10)))
    async with app.run_test(size=(120, 50)) as pilot:
        screen = app.screen
        grid = screen.query_one("#rx-grid", DataTable)
        assert [str(c.label) for c in grid.columns.values()] == list("一二三四五六日")
        cells = grid_text(screen)
        assert "休国庆节" in cells[D(2026, 10, 1)]
        assert cells[D(2026, 10, 10)].startswith("10 班")  # a 调休 Saturday
        assert "班" not in cells[D(2026, 10, 11)] and "休" not in cells[D(2026, 10, 11)]
        assert "接访" not in cells[D(2026, 10, 8)]  # October is past: nothing generated there
        await pilot.press("pagedown", "pagedown")  # December
        assert (screen.year, screen.month) == (2026, 12)
        await pilot.press("g")
        await _done(pilot)
        cells = grid_text(screen)
        dec3 = rs.day_view(ctx, D(2026, 12, 3)).leaders[0].name
        assert f"接 {dec3}" in cells[D(2026, 12, 3)]
        assert "接访" not in cells[D(2026, 12, 4)]
        # Enter on a reception day opens it
        await pilot.press("t")  # back to November (today 2026-11-21)
        await pilot.press("pagedown")
        screen.reload(select=D(2026, 12, 3))
        await pilot.press("enter")
        await _done(pilot)
        assert isinstance(app.screen, ReceptionDayScreen) and app.screen.day == D(2026, 12, 3)


async def test_calendar_reminds_of_notices_not_yet_issued(ctx, clerk, head, roster, register, printer):
    rs.generate_schedule(ctx, head, 2026, 11, 2)
    rs.book_matter(ctx, clerk, register().matter_ids[0], NEXT_THURSDAY)
    app = ScreenApp(lambda: ReceptionCalendarScreen(ctx, clerk))
    async with app.run_test(size=(100, 40)) as pilot:
        reminder = app.screen.query_one("#rx-cal-reminder", Static)
        assert reminder.display and "11月26日（星期四）（约访1件）" in str(reminder.render())
        # F6 opens on the coming reception day (today is Sat 21st, the next is Thu 26th): Enter opens it at once
        assert app.screen.selected_date() == NEXT_THURSDAY
        await pilot.press("enter", "p")  # open the day, print its set
        await _done(pilot)
        await pilot.press("escape", "escape")
        await _done(pilot)
        assert isinstance(app.screen, ReceptionCalendarScreen)
        assert not app.screen.query_one("#rx-cal-reminder", Static).display


async def test_calendar_opens_on_the_coming_reception_day(ctx, head, roster):
    app = ScreenApp(lambda: ReceptionCalendarScreen(ctx, head))
    async with app.run_test(size=(80, 24)) as pilot:
        assert app.screen.selected_date() == ctx.today()  # no reception day this month yet: today
        rs.generate_schedule(ctx, head, 2026, 11, 2)
        await pilot.press("pagedown", "t")  # back to this month, now with its reception days
        await _done(pilot)
        assert app.screen.selected_date() == NEXT_THURSDAY  # today is Saturday the 21st
        await pilot.press("enter")
        await _done(pilot)
        assert isinstance(app.screen, ReceptionDayScreen) and app.screen.day == NEXT_THURSDAY
        assert "接访日 11月26日" in screen_text(app)


async def test_calendar_warns_about_a_year_without_data(ctx, head, roster):
    app = ScreenApp(lambda: ReceptionCalendarScreen(ctx, head, month=(2027, 3)))
    async with app.run_test(size=(120, 50)) as pilot:
        warning = app.screen.query_one("#rx-cal-warning", Static)
        assert warning.display and "2027" in str(warning.render())
        await pilot.press("g")
        await _done(pilot)
        assert any("2027" in n.message for n in app._notifications)


@pytest.fixture
def printer(monkeypatch):
    """A printer that accepts everything (no real print job leaves the test)."""
    import sys

    import xfdesk.services.documents as documents

    sent: list[str] = []

    def command(path, printer_name):  # noqa: ANN001
        sent.append(str(path))
        return [sys.executable, "-c", "pass"]

    monkeypatch.setattr(documents, "_print_command", command)
    return sent


async def test_book_from_matter_screen_then_print_the_days_set(ctx, clerk, head, roster, register, printer):
    """Issue 6 acceptance: book a matter into next Thursday from its detail screen and print by keyboard."""
    from xfdesk.tui.app import XfdeskApp
    from xfdesk.tui.screens.matter import MatterScreen

    rs.generate_schedule(ctx, head, 2026, 11, 2)
    matter_id = register(name="钟秀英").matter_ids[0]
    app = XfdeskApp(ctx=ctx, operator=clerk, ask_drafts=False)
    async with app.run_test(size=(120, 50)) as pilot:
        await _done(pilot)
        app.open_matter(matter_id)
        await _done(pilot)
        assert isinstance(app.screen, MatterScreen)
        await pilot.press("b")  # 约访 on the matter detail screen
        await _done(pilot)
        assert isinstance(app.screen, BookMatterScreen)
        await pilot.press("enter")  # the first day offered is next Thursday
        await _done(pilot)
        assert isinstance(app.screen, ReceptionDayScreen) and app.screen.day == NEXT_THURSDAY
        with ctx.db.read() as session:
            appt = session.exec(select(Appointment).where(Appointment.matter_id == matter_id)).one()
        assert appt.state == "booked" and appt.slot == 1
        number = app.screen.view.appointments[0].matter_number
        assert f"已约访：{number} 第1时段" in screen_text(app)  # said on the day's screen, not in a fading toast
        await pilot.press("p")  # one key: the day's notices issued and sent to the printer
        await _done(pilot)
        assert any("已全部发送到打印机" in n.message for n in app._notifications)
        assert type(app.screen).__name__ == "DayPrintScreen"  # the documents feature lists them for reprinting
        await pilot.press("escape")
        await _done(pilot)
        assert isinstance(app.screen, ReceptionDayScreen)
        await pilot.press("escape")  # back to the matter: its timeline shows the booking
        await _done(pilot)
        assert isinstance(app.screen, MatterScreen)
    with ctx.db.read() as session:
        docs = list(session.exec(select(Document).where(Document.reception_day_id.is_not(None))))
    kinds = sorted(d.kind for d in docs)
    assert kinds == ["leader_brief", "leader_reception_notice", "reception_schedule"]
    assert sorted(printer) == sorted(str(ds.stored_path(ctx, d)) for d in docs)  # paths relative to the folder


async def test_book_screen_offers_only_the_case_leaders_days_and_cancels(ctx, clerk, head, roster, register):
    rs.generate_schedule(ctx, head, 2026, 11, 2)
    matter_id = register().matter_ids[0]
    leader = roster[1]
    rs.assign_case_leader(ctx, head, matter_id, leader.id)
    app = ScreenApp(lambda: BookMatterScreen(ctx, clerk, matter_id))
    async with app.run_test(size=(120, 50)) as pilot:
        screen = app.screen
        assert screen.days and all(any(s.leader_id == leader.id for s in d.leaders) for d in screen.days)
        await pilot.pause()
        footer = screen_text(app).splitlines()[-1]
        assert "约到所选接访日" in footer and "取消现有约访" not in footer  # nothing booked yet: no X
        await pilot.press("enter")
        await _done(pilot)
        assert isinstance(app.screen, ReceptionDayScreen)
        assert app.screen.day == screen.days[0].day
    with ctx.db.read() as session:
        appt = session.exec(select(Appointment).where(Appointment.matter_id == matter_id)).one()
    assert appt.leader_id == leader.id
    # a second booking screen shows the booking and X cancels it with a reason
    app = ScreenApp(lambda: BookMatterScreen(ctx, clerk, matter_id))
    async with app.run_test(size=(120, 50)) as pilot:
        assert "已约" in str(app.screen.query_one("#rx-book-current", Static).render())
        await pilot.pause()
        assert "取消现有约访" in screen_text(app).splitlines()[-1]
        await pilot.press("x")
        await _done(pilot)
        await pilot.press(*"改期")
        await pilot.press("enter")
        await _done(pilot)
        assert "尚未约访" in str(app.screen.query_one("#rx-book-current", Static).render())
    with ctx.db.read() as session:
        assert session.get(Appointment, appt.id).state == "cancelled"


async def test_book_screen_says_at_once_that_a_matter_no_longer_handled_cannot_be_booked(ctx, clerk, head, roster,
                                                                                          register):
    from xfdesk.services.lifecycle import apply_action

    rs.generate_schedule(ctx, head, 2026, 11, 2)
    matter_id = register().matter_ids[0]
    apply_action(ctx, clerk, matter_id, "not_accept", reason="属于诉讼程序")
    app = ScreenApp(lambda: BookMatterScreen(ctx, clerk, matter_id))
    async with app.run_test(size=(80, 24)) as pilot:
        await _done(pilot)
        flat = screen_text(app).replace(" ", "")
        assert "当前为“不予受理”，已不在办理中，不能约访" in flat
        assert "星期四" not in flat and "近期接访日" not in flat and "时段" not in flat  # nothing to choose from
        assert "约到所选接访日" not in flat and "取消现有约访" not in flat  # nor a key that would do nothing
        await pilot.press("enter")
        await _done(pilot)
        assert isinstance(app.screen, BookMatterScreen)
    with ctx.db.read() as session:
        assert session.exec(select(Appointment).where(Appointment.matter_id == matter_id)).first() is None


async def test_refused_booking_is_shown_in_chinese(ctx, clerk, head, roster, register):
    ctx.save_setting("reception_slots", 1)
    rs.generate_schedule(ctx, head, 2026, 11, 2)
    first, second = register().matter_ids[0], register(name="李四", phone="13900001111").matter_ids[0]
    rs.book_matter(ctx, clerk, first, NEXT_THURSDAY)
    app = ScreenApp(lambda: BookMatterScreen(ctx, clerk, second))
    async with app.run_test(size=(120, 50)) as pilot:
        await pilot.press("enter")
        await _done(pilot)
        assert isinstance(app.screen, BookMatterScreen)
        assert any("约满" in n.message for n in app._notifications)


async def test_session_attendance_and_instruction_by_keyboard(ctx, clerk, head, roster, register):
    rs.generate_schedule(ctx, head, 2026, 11, 2)
    matter_id = register(name="钟秀英").matter_ids[0]
    rs.book_matter(ctx, clerk, matter_id, NEXT_THURSDAY)
    ctx.clock = lambda: NEXT_THURSDAY
    app = ScreenApp(lambda: ReceptionDayScreen(ctx, clerk, NEXT_THURSDAY), ctx, clerk)
    async with app.run_test(size=(120, 50)) as pilot:
        table = app.screen.query_one("#rx-slots", DataTable)
        assert cell(table, 0, "信访人") == "钟秀英" and cell(table, 0, "状态") == "已约"
        await pilot.press("enter")
        assert app.opened == [matter_id]
        await pilot.press("s")
        await _done(pilot)
        assert isinstance(app.screen, SessionScreen)
        await pilot.press("y")
        await _done(pilot)
        await pilot.press("i")
        await _done(pilot)
        await pilot.press(*"请司法所五日内调解")
        units = app.screen.query_one("#rx-units", SelectionList)
        units.focus()
        await _done(pilot)
        await pilot.press("space")  # the first unit in the list
        due = app.screen.query_one("#rx-due", Input)
        assert due.value == ctx.calendar().add_days(NEXT_THURSDAY, 15).isoformat()
        await pilot.press("ctrl+s")
        await _done(pilot)
        assert isinstance(app.screen, SessionScreen)
        table = app.screen.query_one("#rx-session", DataTable)
        assert cell(table, 0, "批示") == "请司法所五日内调解" and cell(table, 0, "到访") == "到"
    with ctx.db.read() as session:
        assert session.get(Matter, matter_id).status == "assigned"
        actions = [e.action for e in session.exec(select(Event).where(Event.matter_id == matter_id))]
    assert "reception_attendance" in actions and "leader_instruction" in actions and "supervise" in actions


async def test_absence_from_the_day_screen(ctx, clerk, head, roster):
    rs.generate_schedule(ctx, head, 2026, 12)
    day = D(2026, 12, 3)
    before = rs.day_view(ctx, day).leaders[0]
    app = ScreenApp(lambda: ReceptionDayScreen(ctx, head, day))
    async with app.run_test(size=(120, 50)) as pilot:
        await pilot.press("a")
        await _done(pilot)
        await pilot.press(*"赴县开会", "enter")
        await _done(pilot)
        head_text = str(app.screen.query_one("#rx-day-head", Static).render())
        assert f"替{before.name}：缺席：赴县开会" in head_text
    with ctx.db.read() as session:
        seat = session.exec(select(ReceptionDayLeader).where(ReceptionDayLeader.planned_leader_id == before.leader_id,
                                                             ReceptionDayLeader.manual == True)).one()  # noqa: E712
    assert seat.leader_id != before.leader_id


async def test_user_text_is_shown_literally(ctx, clerk, head, register):
    rs.add_leader(ctx, head, "[b]王[/b]", "镇长")
    rs.generate_schedule(ctx, head, 2026, 12)
    matter_id = register(name="张[red]三", summaries=("要求[bold]解决[/bold]问题",)).matter_ids[0]
    rs.book_matter(ctx, clerk, matter_id, D(2026, 12, 3))
    app = ScreenApp(lambda: ReceptionDayScreen(ctx, clerk, D(2026, 12, 3)))
    async with app.run_test(size=(120, 50)):
        head_text = str(app.screen.query_one("#rx-day-head", Static).render())
        assert "[b]王[/b]" in head_text
        table = app.screen.query_one("#rx-slots", DataTable)
        assert cell(table, 0, "诉求") == "要求[bold]解决[/bold]问题" and cell(table, 0, "信访人") == "张[red]三"


async def test_f6_opens_the_calendar_and_help_lists_its_keys(ctx, clerk, head, roster):
    from xfdesk.tui.app import DESK_COMMANDS, XfdeskApp, match_command
    from xfdesk.tui.screens.help import help_sections

    app = XfdeskApp(ctx=ctx, operator=clerk, ask_drafts=False)
    async with app.run_test(size=(120, 50)) as pilot:
        await _done(pilot)
        await pilot.press("f6")
        await _done(pilot)
        assert isinstance(app.screen, ReceptionCalendarScreen)
    command = next(c for c in DESK_COMMANDS if c.id == "reception")
    assert match_command("jfr", command) > 0 and match_command("接访", command) > 0
    sections = {s.title: s.keys for s in help_sections()}
    assert ("G", "生成本月排班") in sections["领导接访日历"]
    assert ("P", "打印") in sections["接访日"]
    # the keys left out of the 80-column footers are still listed in F1 help
    assert {("Y", "生成自本月起一年的排班"), ("R", "接访日规则"), ("PgDn", "下月"), ("T", "回到本月")} <= set(
        sections["领导接访日历"])
    assert {("A", "领导缺席"), ("W", "调班"), ("F5", "刷新")} <= set(sections["接访日"])


async def test_walk_in_registered_from_the_day_screen(ctx, clerk, head, roster):
    from xfdesk.storage.models import Contact
    from xfdesk.tui.screens.reception_walkin import WalkInScreen

    rs.generate_schedule(ctx, head, 2026, 11, 2)
    app = ScreenApp(lambda: ReceptionDayScreen(ctx, clerk, NEXT_THURSDAY))
    async with app.run_test(size=(120, 50)) as pilot:
        await pilot.press("r")  # before the day: refused
        await _done(pilot)
        assert isinstance(app.screen, ReceptionDayScreen)
        assert any("还未开始" in n.message for n in app._notifications)
    ctx.clock = lambda: NEXT_THURSDAY
    app = ScreenApp(lambda: ReceptionDayScreen(ctx, clerk, NEXT_THURSDAY), ctx, clerk)
    async with app.run_test(size=(120, 50)) as pilot:
        await pilot.press("r")
        await _done(pilot)
        form = app.screen
        assert isinstance(form, WalkInScreen)
        assert form.query_one("#c-channel", Input).value == "领导接访"
        assert form.query_one("#c-received_at", Input).value.startswith("2026-11-26")
        await pilot.press(*"赵六")
        await pilot.pause(0.3)
        await pilot.press("enter")  # nobody found: a new person
        await pilot.pause(0.3)
        form.query_one("#m0-summary", Input).focus()
        await pilot.press(*"要求修复村口便桥")
        await pilot.press("ctrl+s")
        await pilot.pause(0.3)
        assert type(app.screen).__name__ == "RegisteredScreen"  # the numbers stay shown until Enter
        assert "已列入当天接访名单" in "\n".join(s.text for s in app.screen._compositor.render_strips())
        await pilot.press("enter")
        await pilot.pause(0.3)
        assert isinstance(app.screen, ReceptionDayScreen)
        table = app.screen.query_one("#rx-slots", DataTable)
        last = table.row_count - 1
        assert cell(table, last, "时段") == "现场" and cell(table, last, "信访人") == "赵六"
        assert cell(table, last, "状态") == "到"
    with ctx.db.read() as session:
        contact = session.exec(select(Contact)).one()
    assert contact.channel == "领导接访" and contact.reception_day_id == rs.day_view(ctx, NEXT_THURSDAY).id


async def test_calendar_and_day_fit_an_80_column_terminal(ctx, head, roster):
    rs.generate_schedule(ctx, head, 2026, 11, 2)
    app = ScreenApp(lambda: ReceptionCalendarScreen(ctx, head))
    async with app.run_test(size=(80, 24)):
        grid = app.screen.query_one("#rx-grid", DataTable)
        assert grid.virtual_size.width <= 78  # all seven weekdays visible without scrolling sideways
        assert grid.region.bottom <= 23  # six weeks above the footer
    app = ScreenApp(lambda: ReceptionDayScreen(ctx, head, NEXT_THURSDAY))
    async with app.run_test(size=(80, 24)):
        table = app.screen.query_one("#rx-slots", DataTable)
        widths = [c.get_render_width(table) for c in table.columns.values()]
        labels = [str(c.label) for c in table.columns.values()]
        assert sum(widths[: labels.index("接访领导") + 1]) <= 78  # who, when, which matter: on screen


async def test_roster_and_rule_from_the_calendar(ctx, head):
    from xfdesk.tui.screens.reception_setup import LeadersScreen, RuleScreen

    app = ScreenApp(lambda: ReceptionCalendarScreen(ctx, head))
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.press("l")
        await _done(pilot)
        assert isinstance(app.screen, LeadersScreen)
        await pilot.press("n")
        await _done(pilot)
        await pilot.press(*"刘建国", "enter", *"党委书记", "enter")
        await _done(pilot)
        await pilot.press("i")  # the shipped demo roster: 刘建国 is already there, the others are added
        await _done(pilot)
        table = app.screen.query_one("#rx-leaders", DataTable)
        assert table.row_count == 5 and cell(table, 0, "职务") == "党委书记"
        await pilot.press("d")  # 刘建国 leaves
        await _done(pilot)
        assert cell(table, 0, "状态") == "已停用"
        await pilot.press("escape")
        await _done(pilot)
        await pilot.press("r")
        await _done(pilot)
        assert isinstance(app.screen, RuleScreen)
        day_field = app.screen.query_one("#rx-rule-day_of_month", Input)
        day_field.focus()
        await pilot.press(*"31", "ctrl+s")
        await _done(pilot)
        assert "1至28" in str(app.screen.query_one("#rx-rule-error", Static).render())
        day_field.value = ""
        await pilot.press(*"10")
        leaders = app.screen.query_one("#rx-rule-leaders", Input)
        leaders.value = "2"
        await pilot.press("ctrl+s")
        await _done(pilot)
        assert isinstance(app.screen, ReceptionCalendarScreen)
        assert "每月10日" in str(app.screen.query_one("#rx-cal-title", Static).render())
        await pilot.press("pagedown", "g")  # December (November's 10th is past)
        await _done(pilot)
    assert [v.day for v in rs.month_days(ctx, 2026, 12)] == [D(2026, 12, 10)]
    assert len(rs.day_view(ctx, D(2026, 12, 10)).leaders) == 2
    assert "刘建国" not in rs.day_view(ctx, D(2026, 12, 10)).leader_names


async def test_book_from_the_day_view_and_swap_by_keyboard(ctx, clerk, head, roster, register):
    rs.generate_schedule(ctx, head, 2026, 11, 2)
    number = register(name="钟秀英").numbers[0]
    before = rs.day_view(ctx, NEXT_THURSDAY).leaders[0]
    app = ScreenApp(lambda: ReceptionDayScreen(ctx, clerk, NEXT_THURSDAY))
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.press("down", "down")  # the empty slot 3
        await pilot.press("b")
        await _done(pilot)
        await pilot.press(*number.lower(), "enter")  # any case
        await _done(pilot)
        table = app.screen.query_one("#rx-slots", DataTable)
        assert cell(table, 2, "事项编号") == number and cell(table, 2, "信访人") == "钟秀英"
        await pilot.press("b")
        await _done(pilot)
        await pilot.press(*"XF-2026-999999", "enter")
        await _done(pilot)
        assert any("找不到事项" in n.message for n in app._notifications)
        await pilot.press("w")
        await _done(pilot)
        await pilot.press("down", "enter")  # the second free leader
        await _done(pilot)
        await pilot.press(*"外出学习", "enter")
        await _done(pilot)
        head_text = str(app.screen.query_one("#rx-day-head", Static).render())
        assert f"替{before.name}：外出学习" in head_text
    view = rs.day_view(ctx, NEXT_THURSDAY)
    assert view.appointments[0].slot == 3
    assert view.appointments[0].leader_id == view.leaders[0].leader_id != before.leader_id  # booking follows


async def test_every_reception_footer_key_shows_at_80x24(ctx, clerk, head, roster, register):
    from tests.test_tui_shell import footer_problems
    from xfdesk.tui.screens.reception_setup import LeadersScreen

    rs.generate_schedule(ctx, head, 2026, 11, 2)
    matter_id = register(summaries=("反映村口便桥年久失修，雨天无法通行，要求镇里尽快安排维修",)).matter_ids[0]
    rs.book_matter(ctx, clerk, matter_id, NEXT_THURSDAY)
    screens = [lambda: ReceptionCalendarScreen(ctx, head), lambda: ReceptionDayScreen(ctx, head, NEXT_THURSDAY),
               lambda: SessionScreen(ctx, head, NEXT_THURSDAY), lambda: BookMatterScreen(ctx, clerk, matter_id),
               lambda: LeadersScreen(ctx, head)]
    for make in screens:
        app = ScreenApp(make, ctx, head)
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            for _ in range(10):  # the footer is laid out a frame after the screen's first paint
                if not footer_problems(app):
                    break
                await pilot.pause(0.05)
            assert footer_problems(app) == [], type(app.screen).__name__


async def test_day_and_session_show_the_selected_demand_in_full_at_80x24(ctx, clerk, head, roster, register):
    from tests.test_tui_helpers import screen_text

    rs.generate_schedule(ctx, head, 2026, 11, 2)
    demand = "反映村口便桥年久失修，雨天无法通行，要求镇里尽快安排维修"
    rs.book_matter(ctx, clerk, register(summaries=("要求落实征地安置",)).matter_ids[0], NEXT_THURSDAY)
    rs.book_matter(ctx, clerk, register(summaries=(demand,)).matter_ids[0], NEXT_THURSDAY)
    for make in (lambda: ReceptionDayScreen(ctx, head, NEXT_THURSDAY), lambda: SessionScreen(ctx, head, NEXT_THURSDAY)):
        app = ScreenApp(make)
        async with app.run_test(size=(80, 24)) as pilot:
            await _done(pilot)
            flat = screen_text(app).replace(" ", "").replace("\n", "")
            assert "要求落实征地安置" in flat and demand not in flat  # first row selected; the table cuts the long one
            await pilot.press("down")
            await _done(pilot)
            flat = screen_text(app).replace(" ", "").replace("\n", "")
            assert demand in flat, type(app.screen).__name__  # wrapped under the table, whole


async def test_walk_in_key_goes_through_open_walk_in(ctx, clerk, head, roster, monkeypatch):
    import xfdesk.tui.screens.reception_walkin as walkin

    rs.generate_schedule(ctx, head, 2026, 11, 2)
    ctx.clock = lambda: NEXT_THURSDAY
    opened = []
    monkeypatch.setattr(walkin, "open_walk_in", lambda app, day, **kw: opened.append((app, day)))
    app = ScreenApp(lambda: ReceptionDayScreen(ctx, clerk, NEXT_THURSDAY), ctx, clerk)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("r")
        await _done(pilot)
    assert opened == [(app, NEXT_THURSDAY)]  # one place builds the walk-in form (its clock and its draft)


async def test_leaders_are_numbered_from_one(ctx, head):
    from xfdesk.tui.screens.reception_setup import LeadersScreen

    for name, order in (("刘建国", 0), ("陈志强", 4), ("黄丽华", 9)):  # stored sort keys as an import may leave them
        rs.add_leader(ctx, head, name, "镇长", order=order)

    app = ScreenApp(lambda: LeadersScreen(ctx, head))
    async with app.run_test(size=(80, 24)) as pilot:
        await _done(pilot)
        table = app.screen.query_one("#rx-leaders", DataTable)
        assert [cell(table, r, "顺序") for r in range(table.row_count)] == ["1", "2", "3"]
        assert cell(table, 2, "姓名") == "黄丽华"


async def test_a_four_character_leader_name_is_not_cut_in_the_calendar(ctx, head):
    rs.add_leader(ctx, head, "欧阳桂美", "党委副书记")
    rs.generate_schedule(ctx, head, 2026, 11, 2)
    app = ScreenApp(lambda: ReceptionCalendarScreen(ctx, head))
    async with app.run_test(size=(80, 24)):
        cells = grid_text(app.screen)
        assert "欧阳桂美" in cells[NEXT_THURSDAY]
        grid = app.screen.query_one("#rx-grid", DataTable)
        widths = {c.get_render_width(grid) - 2 for c in grid.columns.values()}
        assert max(cell_len(line) for line in cells[NEXT_THURSDAY].splitlines()) <= min(widths)


@pytest.mark.parametrize("who", ["clerk", "head"])
async def test_days_notices_list_says_who_each_is_for(ctx, clerk, head, roster, register, printer, who):
    """Issue 9 item 17: the day's documents name the petitioner of each notice on the screen; a 检举控告 accuser
    shows as （检举控告，身份保密） to a clerk and by name to the head."""
    from tests.test_tui_helpers import screen_text
    from xfdesk.tui.screens.documents import DayPrintScreen

    rs.generate_schedule(ctx, head, 2026, 11, 2)
    plain_id = register(name="钟秀英").matter_ids[0]
    secret_id = register(name="曾德泰", summaries=("举报村干部侵占集体资金",), kind="检举控告",
                         category="党纪政纪", phone="13900002222").matter_ids[0]
    for matter_id in (plain_id, secret_id):
        rs.book_matter(ctx, clerk, matter_id, NEXT_THURSDAY)
    day_id = rs.day_view(ctx, NEXT_THURSDAY).id
    ds.issue_day_set(ctx, head, day_id)
    operator = clerk if who == "clerk" else head
    app = ScreenApp(lambda: DayPrintScreen(ctx, operator, day_id))
    async with app.run_test(size=(80, 24)) as pilot:
        await _done(pilot)
        text = screen_text(app)
        assert "对象" in text
        rows = [line for line in text.splitlines() if "领导接访通知书" in line]
        assert len(rows) == 2
        assert any("钟秀英" in line for line in rows)
        if who == "clerk":
            assert any("（检举控告，身份保密）" in line for line in rows) and "曾德泰" not in text
        else:
            assert any("曾德泰" in line for line in rows) and "身份保密" not in text
        assert any("接访领导" in line and "安排表" in line for line in text.splitlines())


async def test_rule_dialog_edits_the_reception_hours_and_refuses_slots_that_do_not_fit(ctx, head):
    """Issue 9 item 17: the hours (lunch break between them) are shown and typed in the rule dialog; 8 slots that
    do not fit are refused at the field, in Chinese, the typed text kept and nothing saved."""
    from tests.test_tui_helpers import screen_text
    from xfdesk.tui.screens.reception_setup import RuleScreen

    app = ScreenApp(lambda: RuleScreen(ctx, head))
    async with app.run_test(size=(80, 24)) as pilot:
        await _done(pilot)
        assert "09:00-11:30、14:30-17:00" in screen_text(app)
        hours = app.screen.query_one("#rx-rule-hours", Input)
        hours.focus()
        hours.value = ""
        await pilot.press(*"09:00-11:00,14:30-15:30", "ctrl+s")
        await _done(pilot)
        flat = screen_text(app).replace(" ", "").replace("\n", "").replace("│", "")
        assert "排不下" in flat and "只能排6个" in flat
        assert hours.value == "09:00-11:00,14:30-15:30" and "09:00-11:00,14:30-15:30" in screen_text(app)
        assert rs.reception_rule(ctx).sessions[0][1] == dt.time(11, 30)  # nothing saved
        slots = app.screen.query_one("#rx-rule-slots", Input)
        slots.value = "6"
        await pilot.press("ctrl+s")
        await _done(pilot)
    rule = rs.reception_rule(ctx)
    assert rule.slots == 6 and rule.slot_label(5) == "14:30-15:00"
