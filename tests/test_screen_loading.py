"""Screens read once when they open, and again on coming back to the top only when some desk wrote since; the F8
board reads its rows a page at a time.

Textual sends ScreenResume on the first show as well: screens that reloaded on every resume read twice on opening
and again after every dialog closed over them, even one that changed nothing."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.conftest import TODAY
from tests.test_supervision import board_office, unit_id  # noqa: F401 - the fixture, used by name
from tests.test_tui_helpers import make_app, screen_text, settle, wait_interactive
from xfdesk.services import handling as h
from xfdesk.services.context import open_context
from xfdesk.services.screening import screen_matter


def counted(monkeypatch, module, name: str) -> list[int]:  # noqa: ANN001
    calls = [0]
    real = getattr(module, name)

    def wrapper(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        calls[0] += 1
        return real(*args, **kwargs)

    monkeypatch.setattr(module, name, wrapper)
    return calls


def test_the_data_version_moves_with_any_desks_write_and_not_with_reads(ctx, clerk, register):
    from xfdesk.services.desk_queries import data_version, home_summary

    first = data_version(ctx)
    home_summary(ctx, clerk.role)
    assert data_version(ctx) == first  # reading changes nothing
    register(name="张三")
    second = data_version(ctx)
    assert second != first  # this desk wrote
    other = open_context(ctx.home.root, clock=lambda: TODAY)
    try:
        other.save_setting("due_soon_days", 5)  # another desk (its own engine and connections) wrote
        assert data_version(ctx) != second
        assert data_version(other) == data_version(other)
    finally:
        other.db.dispose()


async def test_f8_reads_once_and_again_only_after_a_write(ctx, clerk, board_office, monkeypatch):  # noqa: F811
    import xfdesk.services.supervision as supervision

    calls = counted(monkeypatch, supervision, "board_page")
    app = make_app(ctx, clerk)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_interactive(pilot)
        await pilot.press("f8")
        await settle(pilot)
        assert type(app.screen).__name__ == "SupervisionScreen"
        assert calls[0] == 1  # on_mount read it; the first ScreenResume did not read it again
        assert "涉及 3 个单位" in screen_text(app)
        await pilot.press("f1")  # a dialog over the board that changes nothing
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert type(app.screen).__name__ == "SupervisionScreen" and calls[0] == 1

        other = open_context(ctx.home.root, clock=lambda: TODAY)  # another desk on the same office
        try:
            received = dt.date(2026, 9, 4)
            from tests.conftest import sample_contact
            from xfdesk.services.registration import register_contact

            made = register_contact(other, clerk, sample_contact(name="李四", summaries=("反映河道垃圾堆积",),
                                                               received_at=dt.datetime.combine(received, dt.time(9))))
            matter = made.matter_ids[0]
            screen_matter(other, clerk, matter, kind="申诉求决", route="accept", reason_code="accept_claim",
                          suggestions=[], on=received)
            h.notice_delivered(other, clerk, matter, on=received)
            h.assign_matter(other, clerk, matter, unit_id(other, "派出所"), on=received)
        finally:
            other.db.dispose()
        await pilot.press("f1")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert calls[0] == 2  # back on top after the other desk's write: read again, and it shows
        assert "涉及 4 个单位" in screen_text(app)
        assert "派出所" in screen_text(app)


async def test_matter_screen_reads_again_when_back_only_if_something_changed(ctx, clerk, register, monkeypatch):
    import xfdesk.services.queries as queries

    mid = register(name="张三", summaries=("反映村道路灯长期不亮",)).matter_ids[0]
    calls = counted(monkeypatch, queries, "matter_detail")
    app = make_app(ctx, clerk)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_interactive(pilot)
        app.open_matter(mid)
        await settle(pilot)
        assert type(app.screen).__name__ == "MatterScreen" and calls[0] == 1
        await pilot.press("f1")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert calls[0] == 1
        assert "待甄别" in screen_text(app)
        screen_matter(ctx, clerk, mid, kind="申诉求决", route="accept", reason_code="accept_claim", suggestions=[],
                      on=TODAY)
        await pilot.press("f1")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert calls[0] == 2
        assert "待甄别" not in screen_text(app)


@pytest.mark.parametrize("key, module, name, screen", [
    ("f4", "xfdesk.services.screening", "screening_queue", "ScreeningQueueScreen"),
    ("f6", "xfdesk.services.reception", "month_days", "ReceptionCalendarScreen"),
])
async def test_other_screens_read_once_on_opening(ctx, clerk, register, monkeypatch, key, module, name, screen):
    import importlib

    register(name="张三")
    calls = counted(monkeypatch, importlib.import_module(module), name)
    app = make_app(ctx, clerk)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_interactive(pilot)
        await pilot.press(key)
        await settle(pilot)
        assert type(app.screen).__name__ == screen
        assert calls[0] == 1


async def test_f8_board_reads_a_page_at_a_time_and_the_next_as_the_cursor_nears_the_end(
        ctx, clerk, board_office, monkeypatch):  # noqa: F811
    import xfdesk.services.supervision as supervision
    import xfdesk.tui.screens.supervision as screen

    monkeypatch.setattr(screen, "PAGE_ROWS", 2)
    monkeypatch.setattr(screen, "PAGE_AHEAD", 1)
    whole = [r.number for g in supervision.supervision_board(ctx, clerk) for r in g.rows]
    assert len(whole) == 3
    calls = counted(monkeypatch, supervision, "board_page")
    app = make_app(ctx, clerk)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_interactive(pilot)
        await pilot.press("f8")
        await settle(pilot)
        text = screen_text(app)
        assert whole[0] in text and whole[1] in text and whole[2] not in text
        assert "已超期 2 件" in text and "涉及 3 个单位" in text  # the head counts the whole board, not the page
        await pilot.press("down")
        await settle(pilot)
        assert calls[0] == 2 and whole[2] in screen_text(app)
        await pilot.press("down")
        await settle(pilot)
        assert calls[0] == 2  # nothing more to read
        assert app.screen.row_ids == [r.id for g in supervision.supervision_board(ctx, clerk) for r in g.rows]
