"""The matter screen opens at its top (编号, 状态, 信访人) and scrolls with the keys at once; the end of the timeline
is reachable at 80×24 and 120×40."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.test_tui_helpers import make_app, screen_text, settle, wait_interactive

D = dt.date


@pytest.fixture
def long_matter(ctx, register, clerk):  # noqa: ANN001, ANN201
    from xfdesk.services import handling as h
    from xfdesk.services.screening import screen_matter

    ctx.save_setting("fast_track", False)
    mid = register(name="孙杰", summaries=("村口路灯坏了半年无人修理",),
                   received_at=dt.datetime(2026, 11, 2, 9, 0)).matter_ids[0]
    screen_matter(ctx, clerk, mid, kind="申诉求决", route="accept", reason_code="accept_claim", suggestions=[],
                  on=D(2026, 11, 3))
    h.notice_delivered(ctx, clerk, mid, on=D(2026, 11, 3))
    unit = next(i for i, n in h.active_units(ctx) if n == "城建办")
    h.assign_matter(ctx, clerk, mid, unit, due_on=D(2026, 12, 1), on=D(2026, 11, 4))
    h.start_mediation(ctx, clerk, mid, mediator="村调委会", on=D(2026, 11, 5))
    h.record_mediation(ctx, clerk, mid, agreed=False, failure_reason="双方分歧较大", on=D(2026, 11, 10))
    h.reply_matter(ctx, clerk, mid, result="支持", facts="路灯线路老化", basis="《信访工作条例》第三十二条第（一）项",
                   on=D(2026, 11, 15))
    h.follow_up_matter(ctx, clerk, mid, method="电话回访", satisfaction="满意", note="最后一条：已修复", on=D(2026, 11, 18))
    return mid


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
async def test_matter_screen_opens_at_its_top_and_scrolls_at_once(ctx, clerk, long_matter, size):
    app = make_app(ctx, clerk)
    async with app.run_test(size=size) as pilot:
        await wait_interactive(pilot)
        app.open_matter(long_matter)
        await settle(pilot, 0.3)
        top = screen_text(app)
        assert "XF-" in top and "孙杰" in top and "信访人" in top
        await pilot.press("end")
        await settle(pilot)
        assert "最后一条：已修复" in screen_text(app)
        await pilot.press("home")
        await settle(pilot)
        assert "XF-" in screen_text(app)
        if size == (80, 24):
            await pilot.press("pagedown")
            await settle(pilot)
            assert "XF-" not in screen_text(app)  # PageDown scrolls the page at once, no Tab first
            await pilot.press("pageup")
            await settle(pilot)
            assert "XF-" in screen_text(app)
