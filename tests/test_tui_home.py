"""Home screen: the reminder that a coming reception day's notices are not printed yet, and the key to go there."""

from __future__ import annotations

import datetime as dt

from tests.conftest import TODAY
from tests.test_tui_helpers import make_app, screen_text, settle, wait_interactive
from xfdesk.services import reception as rs
from xfdesk.tui.screens.home import relative_day

NEXT_THURSDAY = dt.date(2026, 11, 26)  # TODAY is Saturday 21 November 2026: five days ahead


def footer_keys(app) -> list[str]:  # noqa: ANN001
    return [b.description for _key, b, enabled, _tip in app.screen.active_bindings.values() if b.show and enabled]


async def test_home_reminds_of_notices_not_printed_and_n_opens_the_day(ctx, clerk, head, register):
    for name, title in (("刘建国", "党委书记"), ("陈志强", "镇长")):
        rs.add_leader(ctx, head, name, title)
    rs.generate_schedule(ctx, head, 2026, 11, 2)
    rs.book_matter(ctx, clerk, register(summaries=("要求修复村口便桥",)).matter_ids[0], NEXT_THURSDAY)

    app = make_app(ctx, clerk)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_interactive(pilot)
        await settle(pilot)
        text = screen_text(app)
        assert "下一个领导接访日：11月26日" in text
        assert "下周四（11月26日）接访日的通知书尚未打印（约访1件）：按 N 打开该日，P 打印" in text
        assert "通知书" in footer_keys(app)
        await pilot.press("n")
        await settle(pilot)
        assert type(app.screen).__name__ == "ReceptionDayScreen" and app.screen.day == NEXT_THURSDAY
        rs.print_day_set(ctx, clerk, NEXT_THURSDAY, send=False)  # the notices are issued
        await pilot.press("escape")  # back home: read again without F5
        await settle(pilot)
        assert type(app.screen).__name__ == "HomeScreen"
        assert "尚未打印" not in screen_text(app)
        assert "通知书" not in footer_keys(app)
        await pilot.press("n")  # nothing to go to: the key does nothing
        await settle(pilot)
        assert type(app.screen).__name__ == "HomeScreen"


async def test_no_reminder_without_bookings(ctx, clerk, head):
    rs.add_leader(ctx, head, "刘建国", "党委书记")
    rs.generate_schedule(ctx, head, 2026, 11, 2)
    app = make_app(ctx, clerk)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_interactive(pilot)
        await settle(pilot)
        assert "下一个领导接访日：11月26日" in screen_text(app)
        assert "通知书" not in screen_text(app)
        assert "通知书" not in footer_keys(app)


def test_relative_day_names():
    assert TODAY.weekday() == 5
    assert relative_day(TODAY, TODAY) == "今天"
    assert relative_day(TODAY + dt.timedelta(days=2), TODAY) == "后天"
    assert relative_day(dt.date(2026, 11, 19), dt.date(2026, 11, 16)) == "本周四"
    assert relative_day(NEXT_THURSDAY, TODAY) == "下周四"
    assert relative_day(dt.date(2026, 12, 3), TODAY) == "12月3日"
