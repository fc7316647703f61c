"""Layout at 80×24 (the smallest terminal a desk has), compared with approved snapshots.

Clock and "now" are frozen and the cursor does not blink, so the picture only changes when the layout does.
Update after an intended change with ``pytest tests/test_tui_snapshot.py --snapshot-update`` and look at the SVGs.
"""

from __future__ import annotations

import datetime as dt

import pytest
from textual.widgets import Input

from tests.conftest import TODAY, make_id_number, sample_contact
from tests.test_tui_helpers import make_app, type_text, wait_interactive


@pytest.fixture
def desk(ctx, clerk):  # noqa: ANN001, ANN201
    from xfdesk.services.registration import register_contact

    register_contact(ctx, clerk, sample_contact(
        name="张三", id_number=make_id_number(serial=11), summaries=("邻居建房占用我家宅基地，要求拆除",),
        received_at=dt.datetime(2026, 10, 30, 9, 0)))
    register_contact(ctx, clerk, sample_contact(
        name="[b]李四[/b]", id_number=make_id_number(serial=12), village="古樟村", summaries=("[red]村道[/red]破损",),
        received_at=dt.datetime.combine(TODAY, dt.time(9, 5))))
    return make_app(ctx, clerk)


async def _ready(pilot) -> None:  # noqa: ANN001
    await wait_interactive(pilot)
    await _still(pilot)


async def _still(pilot) -> None:  # noqa: ANN001
    for widget in pilot.app.screen.query(Input):
        widget.cursor_blink = False
    await pilot.pause(0.3)
    pilot.app.clear_notifications()
    await pilot.pause()


def test_home_at_80x24(snap_compare, desk):
    assert snap_compare(desk, terminal_size=(80, 24), run_before=_ready)


def test_registration_at_80x24(snap_compare, desk):
    async def register_returning_person(pilot) -> None:  # noqa: ANN001
        await wait_interactive(pilot)
        await pilot.press("f2")
        await pilot.pause(0.2)
        await type_text(pilot, "zs")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause(0.2)
        await type_text(pilot, "邻居盖房占了我家宅基地")
        await pilot.pause(0.5)
        await _still(pilot)

    assert snap_compare(desk, terminal_size=(80, 24), run_before=register_returning_person)


def test_registration_errors_at_80x24(snap_compare, desk):
    async def save_with_errors(pilot) -> None:  # noqa: ANN001
        await wait_interactive(pilot)
        await pilot.press("f2")
        await pilot.pause(0.2)
        await pilot.press("enter")
        await pilot.pause(0.2)
        await type_text(pilot, "王五")
        pilot.app.screen.query_one("#p-id_number").value = "360735198001011230"
        await pilot.press("ctrl+s")
        await pilot.pause(0.2)
        await _still(pilot)

    assert snap_compare(desk, terminal_size=(80, 24), run_before=save_with_errors)
