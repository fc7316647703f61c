"""F2's registration form is built while the home screen is idle; what it shows is still that of the moment F2 opens."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.conftest import TODAY
from tests.test_tui_helpers import screen_text, settle, type_text, wait_interactive
from tests.test_reception_support import register  # noqa: F401  (fixture)
from xfdesk.services.context import Operator


def desk(ctx, operator, clock):  # noqa: ANN001, ANN201
    from xfdesk.tui.app import XfdeskApp

    return XfdeskApp(ctx.home, ctx=ctx, operator=operator, clock=lambda: TODAY, now=lambda: clock[0])


async def prepare(pilot) -> None:  # noqa: ANN001
    """As the idle timer does after a second without keys on the home screen."""
    app = pilot.app
    app.last_input -= 10
    app.prepare_register()
    await settle(pilot)
    assert app.prepared_register is not None and app.prepared_register.is_mounted


async def test_prepared_form_opens_empty_with_the_time_f2_was_pressed(ctx, clerk):
    clock = [dt.datetime.combine(TODAY, dt.time(8, 5))]
    app = desk(ctx, clerk, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_interactive(pilot)
        await prepare(pilot)
        prepared = app.prepared_register
        clock[0] = dt.datetime.combine(TODAY, dt.time(10, 40))
        await pilot.press("f2")
        await settle(pilot)
        assert app.screen is prepared and app.prepared_register is None
        assert app.focused.id == "find"
        shown = screen_text(app)
        assert "2026-11-21 10:40" in shown and "08:05" not in shown
        assert "接待人：王芳" in shown
        await type_text(pilot, "卫十二")
        await settle(pilot)
        assert "卫十二" in screen_text(app)
        await pilot.press("ctrl+q")


async def test_a_form_used_once_is_never_shown_again(ctx, clerk):
    """Esc and the next F2: a new form, empty, the left one only offered on the line above."""
    clock = [dt.datetime.combine(TODAY, dt.time(9, 0))]
    app = desk(ctx, clerk, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_interactive(pilot)
        await prepare(pilot)
        first = app.prepared_register
        await pilot.press("f2")
        await settle(pilot)
        await type_text(pilot, "卫十二")
        await settle(pilot, 0.6)  # the debounced draft write
        await pilot.press("escape")
        await settle(pilot)
        await prepare(pilot)
        assert app.prepared_register is not first and not first.is_attached
        # the form built ahead waits longer than the draft delay: the one left with Esc must still be there at F2
        # (the built form wrote an empty draft, i.e. deleted it, 0.4 s after it was built)
        await settle(pilot, 1.0)
        await pilot.press("f2")
        await settle(pilot, 0.3)
        assert app.screen is not first and app.screen.query_one("#find").value == ""
        shown = screen_text(app)
        assert "上次未保存：卫十二" in shown and "Ctrl+D 接着填" in shown
        await pilot.press("ctrl+q")


async def test_a_form_prepared_for_one_clerk_is_not_shown_to_the_next(ctx, clerk):
    clock = [dt.datetime.combine(TODAY, dt.time(9, 0))]
    app = desk(ctx, clerk, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_interactive(pilot)
        await prepare(pilot)
        made_for_wang = app.prepared_register
        app.operator = Operator("刘主任")
        await pilot.press("f2")
        await settle(pilot)
        assert app.screen is not made_for_wang and not made_for_wang.is_attached
        shown = screen_text(app)
        assert "接待人：刘主任" in shown and "王芳" not in shown
        await pilot.press("ctrl+q")


async def test_no_form_is_built_while_typing_or_while_a_worker_runs(ctx, clerk):
    import threading

    clock = [dt.datetime.combine(TODAY, dt.time(9, 0))]
    app = desk(ctx, clerk, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_interactive(pilot)
        await pilot.press("down")  # a key just now
        app.prepare_register()
        assert app.prepared_register is None
        release = threading.Event()
        app.run_worker(release.wait, thread=True, name="a document being made")
        app.last_input -= 10
        try:
            app.prepare_register()
            assert app.prepared_register is None
        finally:
            release.set()
        await settle(pilot)
        await pilot.press("ctrl+q")


async def test_f2_from_another_screen_shows_the_form_built_there(ctx, clerk):
    clock = [dt.datetime.combine(TODAY, dt.time(9, 0))]
    app = desk(ctx, clerk, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_interactive(pilot)
        await pilot.press("f3")
        await settle(pilot)
        await prepare(pilot)  # idle on the search screen
        prepared = app.prepared_register
        await pilot.press("f2")
        await settle(pilot)
        assert app.screen is prepared and "查找信访人" in screen_text(app)
        app.last_input -= 10
        app.prepare_register()
        assert app.prepared_register is None  # not while a registration form is on screen
        await pilot.press("ctrl+q")


def _sheet_loaded(app, name: str) -> bool:  # noqa: ANN001
    from xfdesk.tui.styles import STYLES_DIR

    path = next(STYLES_DIR.rglob(name))
    return app.stylesheet.has_source(str(path), "")


async def test_start_up_loads_the_sheets_of_the_first_screens_and_of_a_matters_keys(ctx, clerk):
    """Textual loads a screen's sheets at its first push and then re-parses and restyles everything: done while the
    office opens (the sign-in box is up), for F2, F3, a matter and what its keys open."""
    clock = [dt.datetime.combine(TODAY, dt.time(9, 0))]
    app = desk(ctx, clerk, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_interactive(pilot)
        await settle(pilot)
        assert all(_sheet_loaded(app, name) for name in ("views.tcss", "register.tcss", "reception.tcss"))
        assert app.stylesheet.has_source(*_class_source("xfdesk.tui.screens.handling", "HandlingScreen"))
        await pilot.press("ctrl+q")


@pytest.fixture
def no_warm_up_screens(monkeypatch):  # noqa: ANN001, ANN201
    """As if the start-up worker had not loaded the screens (it failed, or the desk was faster)."""
    import xfdesk.tui.ahead as ahead

    monkeypatch.setattr(ahead, "warm_up_screens", lambda app: None)


async def test_a_matter_on_screen_loads_what_its_keys_open(ctx, clerk, register, no_warm_up_screens):  # noqa: F811
    from xfdesk.tui.screens.matter import MatterScreen

    matter_id = register().matter_ids[0]
    clock = [dt.datetime.combine(TODAY, dt.time(9, 0))]
    app = desk(ctx, clerk, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_interactive(pilot)
        assert not _sheet_loaded(app, "reception.tcss")
        app.push_screen(MatterScreen(ctx, clerk, matter_id))
        await settle(pilot)
        assert _sheet_loaded(app, "reception.tcss")  # b 约访, before it is pressed
        assert app.stylesheet.has_source(*_class_source("xfdesk.tui.screens.handling", "HandlingScreen"))
        await pilot.press("b")
        await settle(pilot)
        assert "近期接访日" in screen_text(app)
        await pilot.press("ctrl+q")


def _class_source(module: str, name: str) -> tuple[str, str]:
    import importlib
    import inspect

    cls = getattr(importlib.import_module(module), name)
    return inspect.getfile(cls), f"{name}.CSS"


async def test_f3_loads_what_a_matters_keys_open_while_the_query_is_typed(ctx, clerk, no_warm_up_screens):
    import sys

    clock = [dt.datetime.combine(TODAY, dt.time(9, 0))]
    app = desk(ctx, clerk, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_interactive(pilot)
        await pilot.press("f3")
        await type_text(pilot, "XF-2026")
        await settle(pilot)
        assert _sheet_loaded(app, "reception.tcss") and "xfdesk.tui.screens.handling" in sys.modules
        assert "XF-2026" in screen_text(app)
        await pilot.press("ctrl+q")
