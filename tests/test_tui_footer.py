"""The footer is rebuilt only when the keys it shows change, and always shows the active ones (tui/widgets/footer.py)."""

from __future__ import annotations

from textual.widgets._footer import FooterKey

from tests.test_tui_helpers import make_app, screen_text, settle, type_text, wait_interactive


def footer_row(app) -> str:  # noqa: ANN001
    return screen_text(app).splitlines()[-1]


async def test_tab_through_a_form_keeps_the_footer_as_it_is(ctx, clerk):
    app = make_app(ctx, clerk)
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_interactive(pilot)
        await pilot.press("f2")
        await settle(pilot)
        keys = list(app.screen.query(FooterKey))
        assert "^s 保存" in footer_row(app) and "^n 加诉求" in footer_row(app)
        await pilot.press("enter")  # no match: a new petitioner, focus in 姓名
        await settle(pilot)
        for _ in range(4):
            await pilot.press("tab")
            await settle(pilot, 0.05)
        assert app.focused is not None and app.focused.id != "find"
        assert list(app.screen.query(FooterKey)) == keys  # the same widgets: not rebuilt for each field
        assert "^s 保存" in footer_row(app)


async def test_a_key_that_goes_away_leaves_the_footer(ctx, clerk):
    app = make_app(ctx, clerk)
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_interactive(pilot)
        await pilot.press("f2")
        await settle(pilot)
        assert "接着填上次" not in footer_row(app)  # no form left behind: Ctrl+D is not offered
        await type_text(pilot, "卫十二")
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("f2")
        await settle(pilot, 0.3)
        assert "^d 接着填上次" in footer_row(app)
        await pilot.press("ctrl+d")
        await settle(pilot, 0.3)
        assert app.screen.query_one("#find").value == "卫十二"
        assert "接着填上次" not in footer_row(app)
