"""80×24 snapshots of the leader reception screens as a clerk meets them (issue 9: every screen and dialog): a day
with its bookings, the 接访记录 with a 批示 being typed, a walk-in typed on the day, the reason asked when a booking
is cancelled, the leaders' list and its 添加 form, and the reception rule being changed.

Keys are pressed as the clerk presses them, with the clock frozen (today 2026-11-21, a Saturday: the days are the
Thursdays around it). Update after an intended change with ``pytest tests/test_tui_reception_snapshot.py
--snapshot-update`` and look at the SVGs.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from tests.test_reception_support import register  # noqa: F401  (fixture)
from tests.test_tui_helpers import make_app, screen_text, settle, still, type_text, wait_interactive
from xfdesk.services import reception as rs

NEXT_THURSDAY = dt.date(2026, 11, 26)


def desk_on_the_day(ctx, operator):  # noqa: ANN001, ANN201
    """The desk on the reception day itself, at 10:20 (the 接访记录 and a walk-in are written that day)."""
    from xfdesk.tui.app import XfdeskApp

    ctx.clock = lambda: NEXT_THURSDAY
    return XfdeskApp(ctx.home, ctx=ctx, operator=operator, clock=lambda: NEXT_THURSDAY, ask_drafts=False,
                     now=lambda: dt.datetime.combine(NEXT_THURSDAY, dt.time(10, 20)))


@pytest.fixture
def booked(ctx, clerk, head, register):  # noqa: ANN001, ANN201
    """Two leaders on the Thursdays of November and December, three matters booked into the 26th."""
    rs.add_leader(ctx, head, "刘建国", "党委书记")
    rs.add_leader(ctx, head, "陈秀兰", "镇长")
    rs.generate_schedule(ctx, head, 2026, 11, 2)
    for name, summary in (("曾德泰", "邻居养猪场臭气扰民，多次协商无果"),
                          ("钟秀英", "儿子在县城务工被拖欠工资两万三，要求帮忙追讨"),
                          ("欧阳德华", "村道硬化工程停工半年，雨天无法通行")):
        rs.book_matter(ctx, clerk, register(name=name, phone=None, summaries=(summary,)).matter_ids[0],
                       NEXT_THURSDAY)


async def _on_day(pilot, day: dt.date) -> None:  # noqa: ANN001
    from xfdesk.tui.screens.reception import ReceptionDayScreen

    await wait_interactive(pilot)
    await pilot.press("f6")
    await settle(pilot)
    pilot.app.push_screen(ReceptionDayScreen(pilot.app.ctx, pilot.app.operator, day))
    await settle(pilot)


def test_reception_day_at_80x24(snap_compare, ctx, clerk, booked):
    async def opened(pilot) -> None:  # noqa: ANN001
        await _on_day(pilot, NEXT_THURSDAY)
        await still(pilot)
        shown = screen_text(pilot.app)
        assert "钟秀英" in shown and "欧阳德华" in shown and "约访 3/8" in shown.replace("　", " ")

    assert snap_compare(make_app(ctx, clerk, ask_drafts=False), terminal_size=(80, 24), run_before=opened)


def test_cancel_booking_reason_at_80x24(snap_compare, ctx, clerk, booked):
    async def typed(pilot) -> None:  # noqa: ANN001
        await _on_day(pilot, NEXT_THURSDAY)
        await pilot.press("x")
        await settle(pilot)
        await type_text(pilot, "信访人来电，儿子住院，申请改约下周")
        await still(pilot)
        assert "改约下周" in screen_text(pilot.app)

    assert snap_compare(make_app(ctx, clerk, ask_drafts=False), terminal_size=(80, 24), run_before=typed)


def test_session_with_an_instruction_typed_at_80x24(snap_compare, ctx, clerk, head, booked):
    async def typed(pilot) -> None:  # noqa: ANN001
        await _on_day(pilot, NEXT_THURSDAY)
        await pilot.press("s")
        await settle(pilot)
        await pilot.press("y")  # 到
        await settle(pilot)
        await pilot.press("i")
        await settle(pilot)
        await type_text(pilot, "请城建办三日内现场查看，督促养猪场落实防臭措施")
        await pilot.press("tab", *["down"] * 5, "space")  # the units: 城建办 ticked
        await still(pilot)
        rows = {unit: box for box, unit in re.findall(r"▐(.)▌ (\S+)", screen_text(pilot.app))}
        assert "防臭措施" in screen_text(pilot.app)
        # a ticked box shows its X, an unticked one is empty (not the same X told apart by colour alone)
        assert rows["城建办"] == "X" and rows["派出所"] == rows["司法所"] == " ", rows

    assert snap_compare(desk_on_the_day(ctx, head), terminal_size=(80, 24), run_before=typed)


def test_walk_in_typed_at_80x24(snap_compare, ctx, clerk, booked):
    async def typed(pilot) -> None:  # noqa: ANN001
        await _on_day(pilot, NEXT_THURSDAY)
        await pilot.press("r")
        await settle(pilot)
        await pilot.press("enter")  # 没有找到：登记新信访人
        await settle(pilot)
        await type_text(pilot, "赖水生")
        await pilot.press("tab")
        await settle(pilot, 0.1)
        await still(pilot)
        shown = screen_text(pilot.app)
        assert "现场登记" in shown and "赖水生" in shown and "2026-11-26 10:20" in shown

    assert snap_compare(desk_on_the_day(ctx, clerk), terminal_size=(80, 24), run_before=typed)


def test_leaders_and_the_add_form_at_80x24(snap_compare, ctx, clerk, head, booked):
    async def typed(pilot) -> None:  # noqa: ANN001
        await wait_interactive(pilot)
        await pilot.press("f6")
        await settle(pilot)
        await pilot.press("l")
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        await type_text(pilot, "黄志坚")
        await pilot.press("enter")
        await type_text(pilot, "人大主席")
        await still(pilot)
        shown = screen_text(pilot.app)
        assert "添加接访领导" in shown and "人大主席" in shown

    assert snap_compare(make_app(ctx, head, ask_drafts=False), terminal_size=(80, 24), run_before=typed)


def test_reception_rule_being_changed_at_80x24(snap_compare, ctx, clerk, head, booked):
    async def typed(pilot) -> None:  # noqa: ANN001
        await wait_interactive(pilot)
        await pilot.press("f6")
        await settle(pilot)
        await pilot.press("r")
        await settle(pilot)
        await pilot.press("end", "ctrl+u")
        await type_text(pilot, "二")  # Tuesdays from now on
        await still(pilot)
        shown = screen_text(pilot.app)
        assert "接访日规则" in shown and "每周几" in shown

    assert snap_compare(make_app(ctx, head, ask_drafts=False), terminal_size=(80, 24), run_before=typed)
