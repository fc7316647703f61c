"""Helpers shared by the TUI tests (and the start-up benchmark): start the app, type, read the screen.

The standard walk-in of a known petitioner (``WALKIN_STEPS``) lives here so that the Pilot test and the benchmark's
keystroke count use the very same key sequence.
"""

from __future__ import annotations

import datetime as dt

from tests.conftest import TODAY

FROZEN_NOW = dt.datetime.combine(TODAY, dt.time(0, 0))  # not after the real clock on any test day (see validation)

# The standard walk-in registration of a known petitioner, as the clerk types it on the home screen:
# ("key", name) is one non-text keystroke, ("text", s) is typed text (each character a key press).
WALKIN_STEPS: list[tuple[str, str]] = [
    ("key", "f2"),  # open the registration form
    ("text", "zs"),  # pinyin initials of 张三 in the find box
    ("key", "enter"),  # choose the first hit: history shows, cursor jumps to demand 1
    ("text", "村道路灯坏了半年无人修理"),  # the demand
    ("key", "tab"),  # to 问题类别
    ("text", "cxjs"),  # 城乡建设 by pinyin initials
    ("key", "ctrl+s"),  # save: one transaction
]


def extra_keystrokes(steps: list[tuple[str, str]] = WALKIN_STEPS) -> int:
    return sum(1 for kind, _ in steps if kind == "key")


async def type_text(pilot, text: str) -> None:  # noqa: ANN001
    """Type like a terminal does: one key event per character, carrying the character.

    Pilot.press loses full-width punctuation (，。、) because it looks the character up by a key name Unicode does
    not know; those are sent as the terminal driver sends them.
    """
    from textual import events
    from textual.keys import _character_to_key

    for ch in text:
        if ch.isalnum():
            await pilot.press(ch)
        else:
            event = events.Key(_character_to_key(ch), ch)
            event.set_sender(pilot.app)
            pilot.app._driver.send_message(event)
            await pilot.pause()


async def run_steps(pilot, steps: list[tuple[str, str]]) -> None:  # noqa: ANN001
    for kind, value in steps:
        if kind == "key":
            await pilot.press(value)
        else:
            await type_text(pilot, value)
        await settle(pilot)


async def settle(pilot, seconds: float = 0.2) -> None:  # noqa: ANN001
    """Let timers (debounced search, repeat detection, draft writing) and messages run."""
    await pilot.pause(seconds)
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def still(pilot) -> None:  # noqa: ANN001
    """Before a snapshot: cursors still, workers done and toasts gone, so the picture is the same every run."""
    from textual.widgets import Input

    for widget in pilot.app.screen.query(Input):
        widget.cursor_blink = False
    await settle(pilot)
    pilot.app.clear_notifications()
    await pilot.pause()


async def wait_interactive(pilot, timeout: float = 20.0) -> None:  # noqa: ANN001
    """Until the database is open and the operator known (the app's 'interactive' moment)."""
    app = pilot.app
    waited = 0.0
    while app.interactive_at is None:
        await pilot.pause(0.05)
        waited += 0.05
        if waited > timeout:
            raise AssertionError("the app did not become interactive")
    await pilot.pause()


async def open_form(pilot) -> None:  # noqa: ANN001
    await wait_interactive(pilot)
    await pilot.press("f2")
    await settle(pilot)


async def fill(pilot, field_id: str, text: str) -> None:  # noqa: ANN001
    """Move to a field with Tab only (keyboard, as a clerk does) and type into it."""
    app = pilot.app
    for _ in range(60):
        if app.focused is not None and app.focused.id == field_id:
            break
        await pilot.press("tab")
    else:
        raise AssertionError(f"Tab never reached {field_id}")
    await type_text(pilot, text)


def screen_text(app) -> str:  # noqa: ANN001
    """What the terminal shows on the active screen, as text (CJK characters once each)."""
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


def make_app(ctx, operator=None, **kwargs):  # noqa: ANN001, ANN201
    from xfdesk.tui.app import XfdeskApp

    return XfdeskApp(ctx.home, ctx=ctx, operator=operator, clock=lambda: TODAY, now=lambda: FROZEN_NOW, **kwargs)
