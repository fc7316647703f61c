"""80×24 snapshots of every handling dialog (交办, 调处, 调解未成, 答复, 回访, 归档, 督办) as a clerk has filled it in,
and of the screens issue 9 items 14-15 changed (help, calendar, 督办 board, the quit question).

The values are typed by keys, field after field as the dialog moves (Enter to the next field), over the matter's
办理 screen (督办: over the F8 board), with the clock frozen. Update after an intended change with
``pytest tests/test_tui_handling_snapshot.py --snapshot-update`` and look at the SVGs.
"""

from __future__ import annotations

import datetime as dt

import pytest
from textual.widgets import Input

from tests.conftest import TODAY, make_id_number, sample_contact
from tests.test_tui_helpers import make_app, type_text, wait_interactive

# (action, [(field key, typed text)]): what a clerk writes into each dialog
DIALOGS = {
    "assign": [("unit", "城建办"), ("due", "2026-12-10"), ("note", "请于12月10日前查明邻居建房是否越界并书面反馈")],
    "start_mediation": [("mediator", "镇人民调解委员会陈立新"), ("note", "约双方11月24日到大畲村委会面对面调解")],
    "mediation_failed": [("reason", "邻居坚持按1998年宅基证划界，双方都不接受调解方案")],
    "reply": [("result", "支持"), ("facts", "经镇国土所11月20日实地测量，邻居新建房屋东墙越界0.6米"),
              ("basis", "《中华人民共和国土地管理法》第十四条"), ("opinion", "责成邻居于12月底前拆除越界部分")],
    "follow_up": [("method", "电话回访"), ("satisfaction", "满意"), ("note", "信访人表示越界部分已拆除，对处理结果满意")],
    "archive": [("note", "告知书、意见书、回访记录齐全，已装订归档")],
}


@pytest.fixture
def handled(ctx, clerk, head):  # noqa: ANN001, ANN201
    """A matter accepted, told and assigned to 城建办 (the dialogs open on its 办理 screen)."""
    from sqlmodel import select

    from xfdesk.services import handling as h
    from xfdesk.services.registration import register_contact
    from xfdesk.services.screening import screen_matter
    from xfdesk.storage.models import Unit

    ctx.save_setting("fast_track", False)
    received = dt.date(2026, 9, 25)  # 办理期限 11-24: due soon on the 督办 board
    reg = register_contact(ctx, clerk, sample_contact(
        name="孙杰", id_number=make_id_number(serial=31), summaries=("邻居建房占用我家宅基地，要求拆除",),
        received_at=dt.datetime.combine(received, dt.time(9, 0))))
    mid = reg.matter_ids[0]
    screen_matter(ctx, clerk, mid, kind="申诉求决", route="accept", reason_code="accept_claim", suggestions=[],
                  on=received)
    h.notice_delivered(ctx, clerk, mid, on=received)
    with ctx.db.read() as s:
        unit = s.exec(select(Unit.id).where(Unit.name == "城建办")).one()
    h.assign_matter(ctx, clerk, mid, unit, on=received)
    return mid


async def _still(pilot) -> None:  # noqa: ANN001
    for widget in pilot.app.screen.query(Input):
        widget.cursor_blink = False
    await pilot.pause(0.3)
    pilot.app.clear_notifications()
    await pilot.pause()


async def _fill_dialog(pilot, values: list[tuple[str, str]]) -> None:  # noqa: ANN001
    """Type each value into its field; Enter moves on, as the clerk moves through the dialog."""
    app = pilot.app
    for i, (key, text) in enumerate(values):
        assert app.focused is not None and app.focused.id == f"af-{key}", (key, app.focused)
        if app.focused.value:
            await pilot.press("end", "ctrl+u")  # a default (a date): cleared first
        await type_text(pilot, text)
        await pilot.pause(0.1)
        if i < len(values) - 1:
            await pilot.press("enter")
            await pilot.pause(0.1)


@pytest.mark.parametrize("action", list(DIALOGS))
def test_handling_dialog_at_80x24(snap_compare, ctx, head, handled, action):
    from xfdesk.tui.screens.handling import ActionFormScreen, HandlingScreen, build_form

    async def typed(pilot) -> None:  # noqa: ANN001
        app = pilot.app
        await wait_interactive(pilot)
        app.push_screen(HandlingScreen(ctx, head, handled))
        await pilot.pause(0.3)
        app.push_screen(ActionFormScreen(build_form(ctx, head, handled, action)))
        await pilot.pause(0.3)
        await _fill_dialog(pilot, DIALOGS[action])
        await _still(pilot)

    assert snap_compare(make_app(ctx, head, ask_drafts=False), terminal_size=(80, 24), run_before=typed)


def test_supervision_dialog_at_80x24(snap_compare, ctx, head, handled):
    async def typed(pilot) -> None:  # noqa: ANN001
        await wait_interactive(pilot)
        await pilot.press("f8")
        await pilot.pause(0.5)
        await pilot.press("s")
        await pilot.pause(0.3)
        await _fill_dialog(pilot, [("note", "请城建办三日内书面反馈调查结论"), ("due", "2026-11-24")])
        await _still(pilot)

    assert snap_compare(make_app(ctx, head, ask_drafts=False), terminal_size=(80, 24), run_before=typed)


def test_supervision_board_at_80x24(snap_compare, ctx, head, handled):
    async def opened(pilot) -> None:  # noqa: ANN001
        await wait_interactive(pilot)
        await pilot.press("f8")
        await pilot.pause(0.5)
        await _still(pilot)

    assert snap_compare(make_app(ctx, head, ask_drafts=False), terminal_size=(80, 24), run_before=opened)


def test_help_on_the_calendar_at_80x24(snap_compare, ctx, clerk):
    async def opened(pilot) -> None:  # noqa: ANN001
        await wait_interactive(pilot)
        await pilot.press("f6")
        await pilot.pause(0.5)
        await pilot.press("f1")
        await pilot.pause(0.3)
        await _still(pilot)

    assert snap_compare(make_app(ctx, clerk, ask_drafts=False), terminal_size=(80, 24), run_before=opened)


def test_calendar_at_80x24(snap_compare, ctx, clerk, head):
    from xfdesk.services import reception as rs

    rs.add_leader(ctx, head, "刘建国", "党委书记")
    rs.generate_schedule(ctx, head, TODAY.year, TODAY.month, 2)

    async def opened(pilot) -> None:  # noqa: ANN001
        await wait_interactive(pilot)
        await pilot.press("f6")
        await pilot.pause(0.5)
        await _still(pilot)

    assert snap_compare(make_app(ctx, clerk, ask_drafts=False), terminal_size=(80, 24), run_before=opened)


def test_quit_question_at_80x24(snap_compare, ctx, clerk):
    async def asked(pilot) -> None:  # noqa: ANN001
        await wait_interactive(pilot)
        await pilot.press("f2")
        await pilot.pause(0.3)
        await type_text(pilot, "张晓明")
        await pilot.pause(0.3)
        await pilot.press("ctrl+q")
        await pilot.pause(0.3)
        await _still(pilot)

    assert snap_compare(make_app(ctx, clerk, ask_drafts=False), terminal_size=(80, 24), run_before=asked)
