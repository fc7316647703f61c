"""Every input of every screen and dialog shows what is typed into it, on the terminal, at 80×24 and 120×40.

The clerk types by keys into each field in turn (focus moved the way the screen moves it: the widget is focused and
scrolled into view), then the rendered cells are read (``screen_text``: what capture-pane would show), not the
widget's ``.value``. Each typed value must be there; the focused input must be on screen (not below the edge).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from textual.widgets import Input, TextArea

from tests.conftest import TODAY, make_id_number, sample_contact
from tests.test_tui_helpers import make_app, screen_text, type_text, wait_interactive

SIZES = [(80, 24), (120, 40)]


def realistic_value(widget) -> str:  # noqa: ANN001
    """What a clerk would type into this field (digits where only digits go, a date where a date goes)."""
    wid = widget.id or ""
    options = getattr(widget, "options", None)
    if options:
        return options[-1]
    if getattr(widget, "restrict", None) == r"\d*":
        return "3"
    if any(k in wid for k in ("due", "on", "requested", "received_at")) and "note" not in wid and "opinion" not in wid:
        return "2026-11-25" if "received_at" not in wid else "2026-11-21 09:30"
    if "phone" in wid:
        return "13857461234"
    if "id_number" in wid:
        return make_id_number(serial=77)
    if "start" in wid:
        return "08:30"
    if "weekday" in wid:
        return "四"
    if isinstance(widget, TextArea):
        return "十月初邻居建房越界"
    return "查明邻居建房越界"


async def _until(pilot, condition: Callable[[], bool], timeout: float = 10.0) -> None:  # noqa: ANN001
    waited = 0.0
    while not condition():
        await pilot.pause(0.05)
        waited += 0.05
        if waited > timeout:
            raise AssertionError("timed out waiting")


def visible_inputs(screen) -> list:  # noqa: ANN001
    return [w for w in screen.query("Input, TextArea") if w.display and not w.disabled and w.can_focus
            and w.id not in ("find",)]  # the find box looks people up, tested in test_tui_register


async def walk_inputs(pilot, screen_type: type) -> list[str]:  # noqa: ANN001
    """Type a value into every input of the active screen; returns what did not show (empty: all shown)."""
    app = pilot.app
    await _until(pilot, lambda: isinstance(app.screen, screen_type))
    await pilot.pause(0.2)
    missing: list[str] = []
    for widget in visible_inputs(app.screen):
        widget.focus()
        await pilot.pause(0.1)
        if isinstance(widget, Input) and widget.value:
            await pilot.press("end", "ctrl+u")  # a default (today's date): the clerk clears it first
        value = realistic_value(widget)
        await type_text(pilot, value)
        await pilot.pause(0.15)
        shown = screen_text(app)
        if getattr(widget, "password", False):  # a password shows one dot a character, never the characters
            value = "•" * len(value)
        if value not in shown:
            missing.append(f"{type(app.screen).__name__}#{widget.id}: typed {value!r}, not on screen")
    return missing


# ── the office the dialogs open on ────────────────────────────────────────────────────────────────────────────
@pytest.fixture
def office(ctx, clerk, head):  # noqa: ANN001
    from xfdesk.services.registration import register_contact

    reg = register_contact(ctx, clerk, sample_contact(
        name="孙杰", id_number=make_id_number(serial=31), summaries=("邻居建房占用我家宅基地，要求拆除",),
        received_at=dt.datetime.combine(TODAY, dt.time(9, 0))))
    return ctx, clerk, head, reg.matter_ids[0]


def _action_keys() -> list[str]:
    from xfdesk.domain.lifecycle import Action

    from xfdesk.tui.screens.handling import build_form  # noqa: F401  (the keys build_form knows)

    keys = [a.value for a in Action]
    return keys


def _forms(ctx, operator, matter_id):  # noqa: ANN001, ANN202
    from xfdesk.domain.errors import Refused
    from xfdesk.tui.screens.handling import build_form

    forms = []
    for key in _action_keys():
        try:
            form = build_form(ctx, operator, matter_id, key)
        except Refused:
            continue
        if any(True for _ in form.fields):
            forms.append((key, form))
    return forms


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
async def test_every_handling_dialog_shows_what_is_typed(office, size):
    from xfdesk.tui.screens.handling import ActionFormScreen

    ctx, clerk, head, matter_id = office
    forms = _forms(ctx, head, matter_id)
    assert len(forms) >= 12  # 交办, 调处, 调解成功/未成, 延期, 答复, 回访, 复查, 复核, 听证, 归档, 督办 …
    app = make_app(ctx, head)
    missing: list[str] = []
    async with app.run_test(size=size) as pilot:
        await wait_interactive(pilot)
        for key, form in forms:
            app.push_screen(ActionFormScreen(form))
            missing += [f"{key}: {m}" for m in await walk_inputs(pilot, ActionFormScreen)]
            app.pop_screen()
            await pilot.pause()
    assert missing == []


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
async def test_screening_fields_show_what_is_typed(office, size):
    from xfdesk.tui.screens.screening import ScreeningDecisionScreen

    ctx, clerk, head, matter_id = office
    app = make_app(ctx, clerk)
    async with app.run_test(size=size) as pilot:
        await wait_interactive(pilot)
        app.push_screen(ScreeningDecisionScreen(ctx, clerk, matter_id))
        assert await walk_inputs(pilot, ScreeningDecisionScreen) == []


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
async def test_registration_and_search_show_what_is_typed(office, size):
    from xfdesk.tui.screens.register import RegisterScreen
    from xfdesk.tui.screens.search import SearchScreen

    ctx, clerk, head, matter_id = office
    app = make_app(ctx, clerk, ask_drafts=False)
    async with app.run_test(size=size) as pilot:
        await wait_interactive(pilot)
        await pilot.press("f2")
        await _until(pilot, lambda: isinstance(app.screen, RegisterScreen))
        await pilot.press("enter")  # 没有找到：登记新信访人 → the person's fields open
        await pilot.pause(0.3)
        missing = await walk_inputs(pilot, RegisterScreen)
        app.screen.action_cancel() if hasattr(app.screen, "action_cancel") else app.pop_screen()
        await pilot.pause(0.3)
        app.action_search()
        missing += await walk_inputs(pilot, SearchScreen)
    assert missing == []


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
async def test_reception_dialogs_show_what_is_typed(office, size):
    from xfdesk.tui.screens.reception import BookMatterScreen, ReasonScreen
    from xfdesk.tui.screens.reception_setup import LeaderFormScreen, RuleScreen

    ctx, clerk, head, matter_id = office
    app = make_app(ctx, head)
    missing: list[str] = []
    async with app.run_test(size=size) as pilot:
        await wait_interactive(pilot)
        for screen in (ReasonScreen("为什么取消？", "原因"), LeaderFormScreen(ctx, head), RuleScreen(ctx, head),
                       BookMatterScreen(ctx, head, matter_id)):
            app.push_screen(screen)
            missing += await walk_inputs(pilot, type(screen))
            app.pop_screen()
            await pilot.pause()
    assert missing == []


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
async def test_reception_day_and_account_dialogs_show_what_is_typed(office, size):
    """The 批示 of a reception day, a walk-in typed on the day, the sign-in and first-start boxes and the password
    dialog (a password shows as dots, one a character)."""
    from xfdesk.services import reception as rs
    from xfdesk.tui.screens.accounts import PasswordScreen
    from xfdesk.tui.screens.reception import InstructionScreen
    from xfdesk.tui.screens.reception_walkin import WalkInScreen
    from xfdesk.tui.screens.sign_in import FirstHeadScreen, SignInScreen

    ctx, clerk, head, matter_id = office
    rs.add_leader(ctx, head, "刘建国", "党委书记")
    rs.generate_schedule(ctx, head, 2026, 11, 2)
    day = dt.date(2026, 11, 26)
    rs.book_matter(ctx, clerk, matter_id, day)
    appointment = rs.day_view(ctx, day, operator=head).appointments[0]
    app = make_app(ctx, head)
    missing: list[str] = []
    async with app.run_test(size=size) as pilot:
        await wait_interactive(pilot)
        for screen in (InstructionScreen(ctx, head, appointment, day),
                       WalkInScreen(ctx, head, day, now=lambda: dt.datetime.combine(day, dt.time(10, 20))),
                       SignInScreen(ctx, "琴江镇", [("王芳", "clerk")]), FirstHeadScreen(ctx, "琴江镇"),
                       PasswordScreen(ctx, head)):
            app.push_screen(screen)
            missing += await walk_inputs(pilot, type(screen))
            app.pop_screen()
            await pilot.pause()
    assert missing == []
