"""80×24 snapshots of the document chooser (kinds the lifecycle table refuses greyed with its reason) and of the
matter screen's accused-units dialog, with realistic values. Update: ``--snapshot-update`` on this file only."""

from __future__ import annotations

from tests.test_tui_helpers import make_app, wait_interactive
from xfdesk.services.lifecycle import apply_action


async def _still(pilot) -> None:  # noqa: ANN001
    await pilot.pause(0.3)
    pilot.app.clear_notifications()
    await pilot.pause()


def test_document_chooser_at_80x24(snap_compare, ctx, clerk, register):
    from xfdesk.tui.screens.documents import ChooseDocumentScreen

    mid = register(name="欧阳慕容德华").matter_ids[0]
    apply_action(ctx, clerk, mid, "accept", reason="属于本机关职权范围")
    app = make_app(ctx, clerk)

    async def open_chooser(pilot) -> None:  # noqa: ANN001
        await wait_interactive(pilot)
        await pilot.app.push_screen(ChooseDocumentScreen(ctx, clerk, mid))
        await _still(pilot)

    assert snap_compare(app, terminal_size=(80, 24), run_before=open_chooser)


def test_accused_units_dialog_at_80x24(snap_compare, ctx, clerk, register):
    from xfdesk.services.accused import record_accused_units
    from xfdesk.services.handling import active_units
    from xfdesk.tui.screens.matter import MatterScreen

    mid = register(name="赵举报", summaries=("检举村委会挪用扶贫资金",), kind="检举控告").matter_ids[0]
    apply_action(ctx, clerk, mid, "accept", reason="检举控告类事项", changes={"kind": "检举控告"})
    record_accused_units(ctx, clerk, mid, [uid for uid, name in active_units(ctx) if name == "司法所"])
    app = make_app(ctx, clerk)

    async def open_dialog(pilot) -> None:  # noqa: ANN001
        await wait_interactive(pilot)
        await pilot.app.push_screen(MatterScreen(ctx, clerk, mid))
        await pilot.pause(0.3)
        await pilot.press("u")
        await pilot.pause(0.3)
        await pilot.press("down", "down")
        await _still(pilot)

    assert snap_compare(app, terminal_size=(80, 24), run_before=open_dialog)


def test_matter_screen_of_a_report_with_its_accused_unit_at_80x24(snap_compare, ctx, clerk, register):
    from xfdesk.services.accused import record_accused_units
    from xfdesk.services.handling import active_units
    from xfdesk.tui.screens.matter import MatterScreen

    mid = register(name="赵举报", summaries=("检举村委会挪用扶贫资金",), kind="检举控告").matter_ids[0]
    apply_action(ctx, clerk, mid, "accept", reason="检举控告类事项", changes={"kind": "检举控告"})
    record_accused_units(ctx, clerk, mid, [uid for uid, name in active_units(ctx) if name in ("司法所", "财政所")])
    app = make_app(ctx, clerk)

    async def open_matter(pilot) -> None:  # noqa: ANN001
        await wait_interactive(pilot)
        await pilot.app.push_screen(MatterScreen(ctx, clerk, mid))
        await _still(pilot)

    assert snap_compare(app, terminal_size=(80, 24), run_before=open_matter)
