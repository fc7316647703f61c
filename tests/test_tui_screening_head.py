"""The 甄别 decision shows who came and the flags the route turns on, and at 80×24 after ``a`` the whole choice:
the reasons from 受理 on with the adopted one, ③ and ④ (issue 9 item 7). Read from the terminal cells."""

from __future__ import annotations

import pytest
from textual.widgets import Input

from tests.conftest import make_id_number, sample_contact
from tests.test_screening_tui import ScreenApp
from tests.test_tui_helpers import screen_text, settle, type_text
from xfdesk.domain.privacy import RESTRICTED_NAME
from xfdesk.domain.records import PetitionerInput
from xfdesk.tui.screens.screening import ScreeningDecisionScreen, ScreeningQueueScreen


@pytest.fixture
def group_visit(ctx, clerk):  # noqa: ANN001, ANN201
    """23 villagers came past the county's reception (越级), urgent, three representatives; the kind is known."""
    from xfdesk.services.registration import register_contact

    contact = sample_contact(name="周燕", id_number=make_id_number(serial=51), headcount=23, kind="申诉求决",
                             summaries=("邻居肖月亮建房越过宅基地界址约2米，要求拆除",))
    contact.petitioners[0].representative = True
    contact.petitioners += [PetitionerInput(name=n, village="大畲村", representative=True) for n in ("何峰根", "杨勇文")]
    contact.matters[0].flags = {"is_skip_level", "is_urgent"}
    return register_contact(ctx, clerk, contact).matter_ids[0]


async def _decide_adopting(pilot) -> None:  # noqa: ANN001
    await settle(pilot)
    await pilot.press("a")
    await settle(pilot)
    await pilot.pause(0.2)


async def test_decision_shows_petitioner_representatives_and_flags_and_the_whole_choice_at_80x24(
        ctx, clerk, group_visit):
    app = ScreenApp(ctx, clerk, lambda: ScreeningQueueScreen(ctx, clerk))
    async with app.run_test(size=(80, 24)) as pilot:
        await _decide_adopting(pilot)
        assert isinstance(app.screen, ScreeningDecisionScreen)
        text = screen_text(app)
        for shown in ("信访人：周燕", "23人", "代表 周燕、何峰根、杨勇文", "集体访", "越级访", "重大紧急"):
            assert shown in text, shown
        assert "— 受理 —" in text  # the list from its first group …
        assert "★越级走访" in text  # … with the adopted reason in it
        assert app.focused is app.screen.query_one("#sd-text", Input)  # kind known: on to ③
        await type_text(pilot, "经核实系越级走访")
        await settle(pilot)
        text = screen_text(app)
        assert "③ 说明" in text and "经核实系越级走访" in text and "④ 转送/途径" in text
        assert "— 受理 —" in text


@pytest.mark.parametrize("role", ["clerk", "head"])
async def test_a_clerk_never_sees_an_accusers_name_on_the_decision(ctx, request, role):
    from xfdesk.services.registration import register_contact

    operator = request.getfixturevalue(role)
    contact = sample_contact(name="赵六", id_number=make_id_number(serial=52), headcount=6, kind="检举控告",
                             summaries=("举报村干部虚报冒领低保",))
    contact.petitioners[0].representative = True
    contact.petitioners.append(PetitionerInput(name="钱七", village="大畲村", representative=True))
    matter_id = register_contact(ctx, operator, contact).matter_ids[0]
    app = ScreenApp(ctx, operator, lambda: ScreeningDecisionScreen(ctx, operator, matter_id))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        text = screen_text(app)
        if role == "clerk":
            assert RESTRICTED_NAME in text
            assert "赵六" not in text and "钱七" not in text
        else:
            assert "赵六" in text and "钱七" in text
        assert "检举控告" in text and "集体访" in text


def test_decision_at_80x24(snap_compare, ctx, clerk, group_visit):
    async def adopt_and_type(pilot) -> None:  # noqa: ANN001
        await _decide_adopting(pilot)
        await type_text(pilot, "经核实系越级走访")
        await settle(pilot)
        for widget in pilot.app.screen.query(Input):
            widget.cursor_blink = False
        pilot.app.clear_notifications()
        await pilot.pause(0.2)

    app = ScreenApp(ctx, clerk, lambda: ScreeningQueueScreen(ctx, clerk))
    assert snap_compare(app, terminal_size=(80, 24), run_before=adopt_and_type)
