"""The 代表 typed for a group visit appear afterwards: on the matter screen, on the person screen and in the
registration form's history pane (issue 9 item 10); a clerk sees no accuser's representatives. Read from cells."""

from __future__ import annotations

import pytest

from tests.conftest import make_id_number, sample_contact
from tests.test_tui_helpers import make_app, screen_text, settle, type_text, wait_interactive
from xfdesk.domain.records import PetitionerInput


def _group(ctx, clerk, *, name: str, serial: int, kind: str | None = None, summary: str = "要求落实征地安置补偿款"):  # noqa: ANN001, ANN202
    from xfdesk.services.registration import register_contact

    contact = sample_contact(name=name, id_number=make_id_number(serial=serial), headcount=12, kind=kind,
                             summaries=(summary,))
    contact.petitioners[0].representative = True
    contact.petitioners += [PetitionerInput(name=n, village="大畲村", representative=True) for n in ("何峰根", "杨勇文")]
    reg = register_contact(ctx, clerk, contact)
    return reg.matter_ids[0]


@pytest.fixture
def group(ctx, clerk):  # noqa: ANN001, ANN201
    return _group(ctx, clerk, name="周燕", serial=61)


async def test_matter_and_person_screens_show_the_representatives(ctx, clerk, group):
    app = make_app(ctx, clerk)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_interactive(pilot)
        app.open_matter(group)
        await settle(pilot)
        text = screen_text(app)
        assert "代表：" in text and "周燕、何峰根、杨勇文" in text
        await pilot.press("p")  # the petitioner and every matter of theirs
        await settle(pilot)
        text = screen_text(app)
        assert "（代表：" in text and "何峰根、杨勇文）" in text  # in the 诉求 cell, wrapped at 80 columns


async def test_the_registration_history_pane_shows_the_representatives(ctx, clerk, group):
    app = make_app(ctx, clerk)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_interactive(pilot)
        await pilot.press("f2")
        await settle(pilot)
        await type_text(pilot, "zy")
        await settle(pilot, 0.4)
        await pilot.press("enter")
        await settle(pilot)
        assert "代表：周燕、何峰根、杨勇文" in screen_text(app)


async def test_a_clerk_sees_no_representatives_of_an_accusation(ctx, clerk, head):
    secret = _group(ctx, clerk, name="赵六", serial=62, kind="检举控告", summary="举报村干部虚报冒领低保")
    for operator, shown in ((clerk, False), (head, True)):
        app = make_app(ctx, operator)
        async with app.run_test(size=(80, 24)) as pilot:
            await wait_interactive(pilot)
            app.open_matter(secret)
            await settle(pilot)
            text = screen_text(app)
            assert ("何峰根" in text) is shown and ("赵六" in text) is shown


def test_person_with_representatives_at_80x24(snap_compare, ctx, clerk, group):
    async def open_person(pilot) -> None:  # noqa: ANN001
        await wait_interactive(pilot)
        pilot.app.open_matter(group)
        await settle(pilot)
        await pilot.press("p")
        await settle(pilot)
        pilot.app.clear_notifications()
        await pilot.pause(0.2)

    assert snap_compare(make_app(ctx, clerk), terminal_size=(80, 24), run_before=open_person)
