"""被检举单位 from the matter screen (issue 11 item 10): U on a 检举控告 matter opens the list of units, Space ticks
the unit the report accuses, Ctrl+S saves (in a worker); the matter screen shows it, and assigning the matter to that
unit is refused as before. Asserted on the rendered cells."""

from __future__ import annotations

import pytest
from textual.app import App

from tests.test_tui_helpers import screen_text
from xfdesk.services.accused import AccusedUnitRefused, accused_units_of
from xfdesk.services.handling import active_units, assign_matter
from xfdesk.services.lifecycle import apply_action
from xfdesk.tui.screens.accused import AccusedUnitsScreen
from xfdesk.tui.screens.matter import MatterScreen


class Host(App):
    def __init__(self, make_screen):  # noqa: ANN001
        super().__init__()
        self.make_screen = make_screen

    def on_mount(self) -> None:
        self.push_screen(self.make_screen())


def _report(ctx, clerk, register) -> int:  # noqa: ANN001
    mid = register(name="赵举报", summaries=("检举村委会挪用扶贫资金",), kind="检举控告").matter_ids[0]
    apply_action(ctx, clerk, mid, "accept", reason="检举控告类事项", changes={"kind": "检举控告"})
    return mid


def _row(shown: str, label: str) -> str:
    """The value shown on the matter screen beside ``label``, or "" when there is no such row."""
    line = next((ln for ln in shown.splitlines() if ln.strip().startswith(label + "：")), "")
    return line.split("：", 1)[1].strip() if line else ""


async def _until(pilot, condition, tries: int = 50) -> None:  # noqa: ANN001
    for _ in range(tries):
        if condition():
            return
        await pilot.pause(0.05)
    raise AssertionError(screen_text(pilot.app))


async def test_the_accused_unit_is_recorded_on_the_matter_screen_and_refused_for_assigning(ctx, clerk, register):
    mid = _report(ctx, clerk, register)
    names = [name for _, name in active_units(ctx)]
    app = Host(lambda: MatterScreen(ctx, clerk, mid))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        shown = screen_text(app)
        assert _row(shown, "被检举单位").startswith("未记录") and "u 被检举单位" in shown.splitlines()[-1]
        await pilot.press("u")
        await _until(pilot, lambda: isinstance(app.screen, AccusedUnitsScreen))
        await pilot.pause()
        dialog = screen_text(app)
        assert "被检举单位" in dialog and names[0] in dialog and "条例第三十条" in dialog
        for _ in range(names.index("司法所")):
            await pilot.press("down")
        await pilot.press("space")
        await pilot.press("ctrl+s")
        await _until(pilot, lambda: isinstance(app.screen, MatterScreen))
        await _until(pilot, lambda: _row(screen_text(app), "被检举单位") == "司法所")
        assert any("已记录被检举单位：司法所" in n.message for n in app._notifications)
        # the dialog opens with what was recorded, and Esc leaves it so
        await pilot.press("u")
        await _until(pilot, lambda: isinstance(app.screen, AccusedUnitsScreen))
        assert list(app.screen.query_one("#accused-units").selected) == [
            uid for uid, name in active_units(ctx) if name == "司法所"]
        await pilot.press("escape")
        await _until(pilot, lambda: isinstance(app.screen, MatterScreen))
        # 交办 from the matter screen (H) to the accused unit: refused at the form, in Chinese, nothing written
        from tests.test_screening_tui import choose_action
        from xfdesk.tui.screens.handling import ActionFormScreen, HandlingScreen

        await pilot.press("h")
        await _until(pilot, lambda: isinstance(app.screen, HandlingScreen))
        await pilot.pause()
        await choose_action(pilot, "交办")
        assert isinstance(app.screen, ActionFormScreen)
        await pilot.press(*"sfs")  # 司法所 by its pinyin initials
        await pilot.press("ctrl+s")
        await _until(pilot, lambda: "所检举控告的单位" in screen_text(app))
        assert isinstance(app.screen, ActionFormScreen) and "第三十条" in screen_text(app)
    assert [name for _, name in accused_units_of(ctx, mid)] == ["司法所"]
    sifa = next(uid for uid, name in active_units(ctx) if name == "司法所")
    with pytest.raises(AccusedUnitRefused, match="所检举控告的单位.*第三十条"):
        assign_matter(ctx, clerk, mid, sifa)


async def test_a_failed_save_keeps_the_ticks_and_says_why(ctx, clerk, register, monkeypatch):
    import xfdesk.services.accused as accused

    mid = _report(ctx, clerk, register)

    def busy(*_args, **_kw):  # noqa: ANN002, ANN003
        raise OSError(5, "网络共享断开")

    monkeypatch.setattr(accused, "record_accused_units", busy)
    app = Host(lambda: AccusedUnitsScreen(ctx, clerk, mid, "XF-2026-000001"))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("space")
        await pilot.press("ctrl+s")
        await _until(pilot, lambda: "保存失败" in screen_text(app))
        assert isinstance(app.screen, AccusedUnitsScreen)
        assert len(app.screen.query_one("#accused-units").selected) == 1 and "网络共享断开" in screen_text(app)
    assert accused_units_of(ctx, mid) == []


async def test_other_matters_have_no_accused_units_key(ctx, clerk, register):
    mid = register(name="张三").matter_ids[0]
    app = Host(lambda: MatterScreen(ctx, clerk, mid))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert "被检举单位" not in screen_text(app)
        await pilot.press("u")
        await pilot.pause()
        assert isinstance(app.screen, MatterScreen)
