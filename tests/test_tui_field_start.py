"""A long entry shows its start once focus leaves it (issue 9 item 9), read from the terminal cells."""

from __future__ import annotations

from textual.widgets import Input

from tests.test_tui_helpers import make_app, screen_text, settle, type_text, wait_interactive

LONG = "反映邻居陈某建房占用我家宅基地三米多，多次协商无果，要求镇里依法处理并恢复原状"


def row_of(app, widget) -> str:  # noqa: ANN001
    """The terminal row the widget is drawn on."""
    return screen_text(app).splitlines()[widget.region.y]


async def test_long_entry_shows_its_start_after_tab_and_its_cursor_when_back(ctx, clerk):
    app = make_app(ctx, clerk)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_interactive(pilot)
        await pilot.press("f2")
        await settle(pilot)
        summary = app.screen.query_one("#m0-summary", Input)
        summary.focus()
        await pilot.pause()
        await type_text(pilot, LONG)
        await settle(pilot)
        assert "原状" in row_of(app, summary)  # while typing, the end (where the cursor is) shows
        assert "反映邻居" not in row_of(app, summary)
        await pilot.press("tab")
        await settle(pilot)
        assert app.focused is not summary
        assert "反映邻居陈某建房" in row_of(app, summary)  # the start, as the demand reads
        await pilot.press("shift+tab")
        await settle(pilot)
        assert app.focused is summary
        await type_text(pilot, "。")
        await settle(pilot)
        assert summary.value == LONG + "。"
        assert "原状。" in row_of(app, summary)  # back in the field, typing goes on at the end, in view


async def test_every_form_input_shows_its_start_after_blur(ctx, clerk):
    """The rule is the field widget's: the search box and the registration form's one-line fields alike."""
    from xfdesk.tui.widgets.fields import FieldInput

    app = make_app(ctx, clerk)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_interactive(pilot)
        await pilot.press("f2")
        await settle(pilot)
        inputs = [w for w in app.screen.query(FieldInput) if w.display and w.id in ("p-address", "m0-summary")]
        assert len(inputs) == 2
        for widget in inputs:
            widget.focus()
            await pilot.pause()
            await type_text(pilot, LONG)
            await pilot.press("tab")
            await settle(pilot)
            assert "反映邻居" in row_of(app, widget), widget.id
