"""80×24 snapshot of the panel shown after 保存登记: two demands, their numbers, the print key (issue 9 item 16)."""

from __future__ import annotations

import datetime as dt

from tests.conftest import make_id_number, sample_contact
from tests.test_tui_helpers import make_app, settle, type_text, wait_interactive


def test_registered_panel_at_80x24(snap_compare, ctx, clerk):  # noqa: ANN001
    from xfdesk.services.registration import register_contact

    register_contact(ctx, clerk, sample_contact(
        name="张三", id_number=make_id_number(serial=11), summaries=("邻居建房占用我家宅基地，要求拆除",),
        received_at=dt.datetime(2026, 10, 30, 9, 0)))
    app = make_app(ctx, clerk)

    async def save_two_demands(pilot) -> None:  # noqa: ANN001
        await wait_interactive(pilot)
        await pilot.press("f2")
        await settle(pilot)
        await type_text(pilot, "zs")
        await settle(pilot, 0.3)
        await pilot.press("enter")
        await settle(pilot)
        await type_text(pilot, "村口便桥垮塌，要求尽快修复")
        await pilot.press("tab")
        await type_text(pilot, "cxjs")
        await pilot.press("ctrl+n")
        await settle(pilot)
        await type_text(pilot, "低保被取消，要求说明理由")
        await pilot.press("tab")
        await type_text(pilot, "mz")
        await pilot.press("ctrl+s")
        await settle(pilot, 0.3)
        app.clear_notifications()
        await settle(pilot)

    assert snap_compare(app, terminal_size=(80, 24), run_before=save_two_demands)
