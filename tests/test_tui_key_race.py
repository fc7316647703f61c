"""Every key goes to the widget that had focus when it was typed, however slow the machine.

The keys are sent the way a fast typist's terminal sends them: all into the driver at once, no pause between them
(``Pilot.press`` waits for idle after every key and so never shows the race), while the event loop is blocked for
300 ms. Today's cause (Textual): a non-priority Tab or an Input's Enter travels through the focused widget's and its
parents' message queues before the screen's binding or Submitted handler moves the focus; the App meanwhile forwards
the keys behind it to the widget still focused. ``xfdesk.tui.keys`` moves focus before the next key is forwarded.
"""

from __future__ import annotations

import time

from textual import events
from textual.keys import _character_to_key
from textual.widgets import Input

from tests.test_tui_helpers import make_app, screen_text, settle, wait_interactive
from xfdesk.tui.screens.register import RegisterScreen

TAB = object()
ENTER = object()


def burst(app, *parts) -> None:  # noqa: ANN001
    """Put every key of ``parts`` (text, TAB, ENTER) into the driver at once."""
    for part in parts:
        if part is TAB:
            events_ = [events.Key("tab", None)]
        elif part is ENTER:
            events_ = [events.Key("enter", "\r")]
        else:
            events_ = [events.Key(ch if ch.isascii() and ch.isalnum() else _character_to_key(ch), ch) for ch in part]
        for event in events_:
            event.set_sender(app)
            app._driver.send_message(event)


async def block_loop(seconds: float = 0.3) -> None:
    time.sleep(seconds)  # a worker on the event loop doing blocking work (as the machine under load does)


async def _until(pilot, condition, timeout: float = 15.0) -> None:  # noqa: ANN001
    waited = 0.0
    while not condition():
        await pilot.pause(0.05)
        waited += 0.05
        if waited > timeout:
            app = pilot.app
            raise AssertionError(f"timed out waiting: {app.screen!r} focused {app.focused!r}\n{screen_text(app)}")


async def test_fast_typing_after_tab_and_enter_lands_in_the_field_focused_when_typed(ctx, clerk):
    app = make_app(ctx, clerk, ask_drafts=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_interactive(pilot)
        await pilot.press("f2")
        await _until(pilot, lambda: isinstance(app.screen, RegisterScreen) and app.focused is not None)
        app.run_worker(block_loop(), group="block")
        burst(app, "王五", ENTER,  # not found: a new person, 王五 taken as the name, cursor to 性别
              "男", TAB, "360735198001011236", TAB, "13857461234", TAB, TAB, "琴江镇大畲村3组", TAB,
              TAB, TAB, TAB, "李四、赵六", TAB, "邻居建房占用我家宅基地", TAB, "cxjs")
        await _until(pilot, lambda: app.screen.query_one("#m0-category", Input).value == "cxjs", timeout=20)
        await settle(pilot)
        screen = app.screen
        values = {w.id: w.value for w in screen.query(Input)}
        assert values["p-name"] == "王五"
        assert values["p-gender"] == "男"
        assert values["p-id_number"] == "360735198001011236"
        assert values["p-phone"] == "13857461234"
        assert values["p-address"] == "琴江镇大畲村3组"
        assert values["c-representatives"] == "李四、赵六"
        assert values["m0-summary"] == "邻居建房占用我家宅基地"
        assert values["c-received_at"] == app.now().strftime("%Y-%m-%d %H:%M")  # untouched default
        assert "邻居建房占用我家宅基地" in screen_text(app)


async def test_keys_in_a_handling_dialog_follow_enter_at_once(ctx, clerk, head, register):
    from xfdesk.tui.screens.handling import ActionFormScreen, build_form

    matter_id = register().matter_ids[0]
    app = make_app(ctx, head)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_interactive(pilot)
        app.push_screen(ActionFormScreen(build_form(ctx, head, matter_id, "reply")))
        await _until(pilot, lambda: isinstance(app.screen, ActionFormScreen) and app.focused is not None)
        app.run_worker(block_loop(), group="block")
        burst(app, "jssm", ENTER, "双方各执一词", ENTER, "信访工作条例第三十二条", TAB, "维持现状")
        await _until(pilot, lambda: app.screen.query_one("#af-opinion", Input).value == "维持现状", timeout=20)
        await settle(pilot)
        get = lambda key: app.screen.query_one(f"#af-{key}", Input).value  # noqa: E731
        assert get("result") in ("jssm", "解释说明")
        assert get("facts") == "双方各执一词"
        assert get("basis") == "信访工作条例第三十二条"


async def test_keys_typed_before_the_database_is_open_are_not_lost(ctx, clerk):
    """Keys pressed while the office is still opening are held and delivered in order once it is ready."""
    from xfdesk.tui.app import XfdeskApp
    from tests.test_tui_helpers import FROZEN_NOW
    from tests.conftest import TODAY

    app = XfdeskApp(ctx.home, operator=clerk, clock=lambda: TODAY, now=lambda: FROZEN_NOW, ask_drafts=False)
    async with app.run_test(size=(80, 24)) as pilot:
        assert app.ctx is None  # the office is still opening
        ev = events.Key("f2", None)
        ev.set_sender(app)
        app._driver.send_message(ev)
        burst(app, "zs")
        await wait_interactive(pilot)
        await _until(pilot, lambda: isinstance(app.screen, RegisterScreen) and app.screen.query("#find")
                     and app.screen.query_one("#find", Input).value == "zs")
        assert "zs" in screen_text(app)


async def test_a_key_with_no_screen_on_the_stack_waits_instead_of_failing():
    """The first screen not yet pushed, or the last one popped while quitting: the key is held, not a traceback."""
    from textual.app import App

    from xfdesk.tui.keys import KeyOrder

    class Bare(KeyOrder, App):
        pass

    app = Bare()
    assert not app._screen_stack
    assert await app._ready_for_key() is False
    assert app._focus_chain() == []
