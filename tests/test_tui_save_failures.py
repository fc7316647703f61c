"""A save that fails (the database locked by another desk) keeps the form and its text, says so in Chinese on the
screen, and the app goes on: the ordinary form, a reception day's walk-in, a handling dialog."""

from __future__ import annotations

import sqlite3

from sqlalchemy.exc import OperationalError
from textual.widgets import Input

from tests.test_tui_drafts import open_walk_in_by_keys, reception_today  # noqa: F401  (fixture)
from tests.test_tui_helpers import fill, make_app, screen_text, settle, type_text, wait_interactive


def locked(*_args, **_kwargs):  # noqa: ANN002, ANN003, ANN201
    raise OperationalError("INSERT INTO contact", {}, sqlite3.OperationalError("database is locked"))


async def test_a_locked_database_while_saving_a_walk_in_keeps_the_form_and_the_app(ctx, clerk, reception_today,  # noqa: F811
                                                                                   monkeypatch):
    from xfdesk.services import reception

    monkeypatch.setattr(reception, "register_walk_in", locked)
    app = make_app(ctx, clerk, ask_drafts=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_interactive(pilot)
        await open_walk_in_by_keys(pilot)
        await type_text(pilot, "卫十二")
        await settle(pilot)
        await pilot.press("enter")  # a new person
        await settle(pilot)
        await fill(pilot, "m0-summary", "要求修复村口便桥")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.is_running and type(app.screen).__name__ == "WalkInScreen"
        assert app.screen.query_one("#m0-summary", Input).value == "要求修复村口便桥"
        shown = screen_text(app)
        assert "保存失败，未保存任何内容，已填内容保留：数据库" in shown  # the line above the form (it wraps)
        assert app.return_code is None


async def test_a_locked_database_in_a_handling_dialog_keeps_the_dialog(ctx, clerk, register, monkeypatch):
    from xfdesk.services import handling
    from xfdesk.tui.screens.handling import ActionFormScreen, build_form

    matter_id = register().matter_ids[0]
    monkeypatch.setattr(handling, "archive_matter", locked)
    app = make_app(ctx, clerk)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_interactive(pilot)
        app.push_screen(ActionFormScreen(build_form(ctx, clerk, matter_id, "archive")))
        await settle(pilot)
        await type_text(pilot, "材料齐全")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ActionFormScreen) and app.is_running
        assert "材料齐全" in screen_text(app) and "数据库正被其他电脑或程序占用" in screen_text(app)
