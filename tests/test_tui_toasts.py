"""Toasts show every character of a Chinese message on the terminal cells, over any screen (issue 9 item 8).

Textual cut a toast's line at the edges of the widgets under it and a double-width character on such an edge
became two spaces (``已恢复未  存的登记``); ``xfdesk.tui.wide_cells`` keeps those characters whole.
"""

from __future__ import annotations

import re

import pytest

from tests.test_tui_helpers import make_app, settle, wait_interactive

MESSAGES = [
    "已恢复未保存的登记（上次未保存就退出了），请核对后保存；Ctrl+D 接着填写离开时的表单",
    "已开具领导接访通知书 青信接〔2026〕12号，已送打印机；请取件后交信访人签收，并在接访日前电话告知",
]


def toast_text(app) -> str:  # noqa: ANN001
    """The right half of the screen where toasts sit, joined without the border and the wrapping spaces."""
    half, width = app.size.width // 2, app.size.width
    lines = [strip.crop(half, width).text for strip in app.screen._compositor.render_strips()]  # by cells
    return re.sub(r"[\s▌]", "", "".join(lines))


async def _show_toasts(pilot) -> None:  # noqa: ANN001
    for message in MESSAGES:
        pilot.app.notify(message, markup=False, timeout=30)
    await settle(pilot)
    await pilot.pause(0.3)


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=lambda s: f"{s[0]}x{s[1]}")
async def test_toast_over_the_registration_form_shows_every_character(ctx, clerk, size):
    app = make_app(ctx, clerk)
    async with app.run_test(size=size, notifications=True) as pilot:
        await wait_interactive(pilot)
        await pilot.press("f2")  # the form: labels, inputs and the history pane make many edges under the toast
        await settle(pilot)
        await _show_toasts(pilot)
        shown = toast_text(app)
        for message in MESSAGES:
            assert message.replace(" ", "") in shown


async def test_toast_over_many_columns_keeps_wide_characters():
    """Edges every three cells under the toast: each odd/even position a character can straddle."""
    from textual.app import App
    from textual.containers import Horizontal
    from textual.widgets import Static

    import xfdesk.tui.app  # noqa: F401  (installs the fix, as the desk does)

    class Columns(App):
        CSS = "Static { width: 3; height: 100%; border-right: solid red; }"

        def compose(self):  # noqa: ANN202
            with Horizontal():
                for _ in range(40):
                    yield Static("ab")

    app = Columns()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await _show_toasts(pilot)
        shown = toast_text(app).replace("│", "").replace("ab", "")
        for message in MESSAGES:
            assert message.replace(" ", "") in shown


async def test_screens_without_overlays_render_as_textual_draws_them(ctx, clerk):
    """The fix only cuts less: every cell of a screen without an overlay is what Textual's own compositor draws."""
    from textual._compositor import Compositor

    from xfdesk.tui import wide_cells

    app = make_app(ctx, clerk)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_interactive(pilot)
        for key in ("f2", "escape", "f3"):
            await pilot.press(key)
            await settle(pilot)
            compositor = app.screen._compositor
            ours = [s.text for s in compositor.render_strips()]
            original = wide_cells.TEXTUAL_RENDER_CHOPS
            chops = original(compositor, compositor.size.region, lambda y: True)
            theirs = ["".join(s.text for s in chop.values()) for chop in chops]
            assert ours == theirs
            assert Compositor._render_chops is wide_cells._render_chops
