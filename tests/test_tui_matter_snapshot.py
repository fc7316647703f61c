"""80×24 snapshots of a matter's screens as a clerk meets them (issue 9: every screen and dialog): the matter, its
办理 list, a notice's preview, the 约访 screen with a slot typed, and the F4 screening queue.

The matter is 孙杰's, accepted, told and assigned to 城建办 (``handled``), with the clock frozen; keys are pressed as
the clerk presses them. Update after an intended change with ``pytest tests/test_tui_matter_snapshot.py
--snapshot-update`` and look at the SVGs.
"""

from __future__ import annotations

import datetime as dt

from tests.conftest import make_id_number, sample_contact
from tests.test_tui_handling_snapshot import handled  # noqa: F401  (fixture)
from tests.test_tui_helpers import make_app, screen_text, settle, still, type_text, wait_interactive


async def _on_matter(pilot, matter_id: int) -> None:  # noqa: ANN001
    await wait_interactive(pilot)
    pilot.app.open_matter(matter_id)
    await settle(pilot)


def test_matter_screen_at_80x24(snap_compare, ctx, head, handled):  # noqa: F811
    async def opened(pilot) -> None:  # noqa: ANN001
        await _on_matter(pilot, handled)
        await still(pilot)
        shown = screen_text(pilot.app)
        assert "事项详情" in shown and "孙杰" in shown and "办理中" in shown  # its top: 编号, 状态, 信访人

    assert snap_compare(make_app(ctx, head, ask_drafts=False), terminal_size=(80, 24), run_before=opened)


def test_handling_list_at_80x24(snap_compare, ctx, head, handled):  # noqa: F811
    async def opened(pilot) -> None:  # noqa: ANN001
        await _on_matter(pilot, handled)
        await pilot.press("h")
        await settle(pilot)
        await still(pilot)
        assert "办理所选" in screen_text(pilot.app)

    assert snap_compare(make_app(ctx, head, ask_drafts=False), terminal_size=(80, 24), run_before=opened)


def test_notice_preview_at_80x24(snap_compare, ctx, head, handled):  # noqa: F811
    async def previewed(pilot) -> None:  # noqa: ANN001
        await _on_matter(pilot, handled)
        await pilot.press("d")
        await settle(pilot)
        await pilot.press("enter")  # the first document the matter can have
        for _ in range(100):
            await settle(pilot)
            if "正在生成预览" not in screen_text(pilot.app):
                break
        await still(pilot)
        shown = screen_text(pilot.app)
        assert "（预览）" in shown and "S 保存并编号" in shown and "孙杰" in shown

    assert snap_compare(make_app(ctx, head, ask_drafts=False), terminal_size=(80, 24), run_before=previewed)


def test_booking_screen_with_a_slot_typed_at_80x24(snap_compare, ctx, clerk, head, handled):  # noqa: F811
    from xfdesk.services import reception as rs

    rs.add_leader(ctx, head, "刘建国", "党委书记")
    rs.add_leader(ctx, head, "陈秀兰", "镇长")
    rs.generate_schedule(ctx, head, 2026, 11, 2)

    async def typed(pilot) -> None:  # noqa: ANN001
        await _on_matter(pilot, handled)
        await pilot.press("b")
        await settle(pilot)
        await pilot.press("down", "tab")  # the second day, then the slot box
        await type_text(pilot, "3")
        await still(pilot)
        shown = screen_text(pilot.app)
        assert "近期接访日" in shown and "约到所选接访日" in shown and "时段" in shown
        assert pilot.app.focused.value == "3"

    assert snap_compare(make_app(ctx, clerk, ask_drafts=False), terminal_size=(80, 24), run_before=typed)


def test_screening_queue_at_80x24(snap_compare, ctx, clerk):
    from xfdesk.services.registration import register_contact

    visits = [("钟秀英", 41, ("儿子在县城务工被拖欠工资两万三，老板失联，要求帮忙追讨",), "10:05"),
              ("欧阳德华", 42, ("村道硬化工程停工半年，雨天无法通行", "要求公开村道工程款使用情况"), "10:40"),
              ("曾德泰", 43, ("邻居养猪场臭气扰民，多次协商无果",), "11:15")]
    for name, serial, summaries, at in visits:
        register_contact(ctx, clerk, sample_contact(
            name=name, id_number=make_id_number(serial=serial), summaries=summaries,
            received_at=dt.datetime.combine(dt.date(2026, 11, 20), dt.time.fromisoformat(at))))

    async def opened(pilot) -> None:  # noqa: ANN001
        await wait_interactive(pilot)
        await pilot.press("f4")
        for _ in range(50):
            await settle(pilot)
            if "钟秀英" in screen_text(pilot.app):
                break
        await still(pilot)
        shown = screen_text(pilot.app)
        assert "钟秀英" in shown and "欧阳德华" in shown and "曾德泰" in shown
        assert "儿子在县城务工被拖欠" in shown  # no flag in the queue: the demand takes the flags' cells

    assert snap_compare(make_app(ctx, clerk, ask_drafts=False), terminal_size=(80, 24), run_before=opened)


async def test_screening_queue_keeps_room_for_flags_when_a_matter_has_one(ctx, clerk):
    from xfdesk.services.registration import register_contact

    register_contact(ctx, clerk, sample_contact(name="钟秀英", id_number=make_id_number(serial=41), headcount=6,
                                                summaries=("村集体征地补偿款至今未分配到户，要求公开账目",)))
    app = make_app(ctx, clerk, ask_drafts=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_interactive(pilot)
        await pilot.press("f4")
        for _ in range(50):
            await settle(pilot)
            if "钟秀英" in screen_text(app):
                break
        row = next(line for line in screen_text(app).splitlines() if "钟秀英" in line)
        assert "集体访" in row and "村集体征地补偿" in row, row
        await pilot.press("ctrl+q")
