"""80×24 snapshots of the sign-in, lock and first-start screens, with realistic typed values.

Update after an intended change with ``pytest tests/test_tui_sign_in_snapshot.py --snapshot-update``.
"""

from __future__ import annotations

from textual.widgets import Input

from tests.conftest import HEAD_NAME, TEST_PASSWORD
from tests.test_tui_helpers import make_app, type_text, wait_interactive
from tests.test_tui_sign_in import on, until


async def _still(pilot) -> None:  # noqa: ANN001
    for widget in pilot.app.screen.query(Input):
        widget.cursor_blink = False
    await pilot.pause(0.3)
    pilot.app.clear_notifications()
    await pilot.pause()


def test_sign_in_at_80x24(snap_compare, ctx):
    async def typed(pilot) -> None:  # noqa: ANN001
        await until(pilot, lambda: on(pilot.app, "SignInScreen"))
        await type_text(pilot, "wf")
        await pilot.press("tab")
        await type_text(pilot, "wrong-pass")
        await pilot.press("enter")
        await until(pilot, lambda: "姓名或密码不正确" in str(pilot.app.screen.query_one("#sign-in-error").render()))
        await type_text(pilot, "qjz-te")
        await _still(pilot)

    assert snap_compare(make_app(ctx, None, ask_drafts=False), terminal_size=(80, 24), run_before=typed)


def test_lock_screen_at_80x24(snap_compare, ctx, clerk):
    async def locked(pilot) -> None:  # noqa: ANN001
        await wait_interactive(pilot)
        await pilot.press("f2")
        await until(pilot, lambda: on(pilot.app, "RegisterScreen"))
        await type_text(pilot, "张三")
        await pilot.press("f12")
        await until(pilot, lambda: on(pilot.app, "SignInScreen"))
        await type_text(pilot, TEST_PASSWORD[:5])
        await _still(pilot)

    assert snap_compare(make_app(ctx, clerk, ask_drafts=False), terminal_size=(80, 24), run_before=locked)


def test_first_start_at_80x24(snap_compare, tmp_path, monkeypatch):
    from xfdesk.services import accounts
    from xfdesk.services.context import open_context

    monkeypatch.setattr(accounts, "recovery_code", lambda: "K7NM4-XQP2A-BC3DE-FGH5J")
    fresh = open_context(tmp_path / "new-office")

    async def created(pilot) -> None:  # noqa: ANN001
        await until(pilot, lambda: on(pilot.app, "FirstHeadScreen"))
        await type_text(pilot, "陈主任")
        await pilot.press("enter")
        await type_text(pilot, "qjz2026a")
        await pilot.press("enter")
        await type_text(pilot, "qjz2026a")
        await pilot.press("enter")
        await until(pilot, lambda: pilot.app.screen.made is not None)
        await _still(pilot)

    try:
        assert snap_compare(make_app(fresh, None, ask_drafts=False), terminal_size=(80, 24), run_before=created)
    finally:
        fresh.db.dispose()


def test_first_start_form_at_80x24(snap_compare, tmp_path):
    from xfdesk.services.context import open_context

    fresh = open_context(tmp_path / "new-office")

    async def typing(pilot) -> None:  # noqa: ANN001
        await until(pilot, lambda: on(pilot.app, "FirstHeadScreen"))
        await type_text(pilot, "陈主任")
        await pilot.press("enter")
        await type_text(pilot, "qjz2026a")
        await pilot.press("enter")
        await type_text(pilot, "qjz20")
        await _still(pilot)

    try:
        assert snap_compare(make_app(fresh, None, ask_drafts=False), terminal_size=(80, 24), run_before=typing)
    finally:
        fresh.db.dispose()


def test_audit_screen_at_80x24(snap_compare, ctx, head, monkeypatch):
    import datetime as dt

    from xfdesk.services import accounts

    clock = iter(dt.datetime(2026, 11, 21, 8, 30) + dt.timedelta(minutes=3 * i) for i in range(100))
    monkeypatch.setattr(accounts, "now", lambda: next(clock))
    import xfdesk.services.events as events

    stamps = iter(dt.datetime(2026, 11, 21, 8, 30) + dt.timedelta(minutes=7 * i) for i in range(100))
    monkeypatch.setattr(events, "now", lambda: next(stamps))
    accounts.sign_in(ctx, HEAD_NAME, TEST_PASSWORD)
    for _ in range(2):
        try:
            accounts.sign_in(ctx, "王芳", "wrong-123")
        except accounts.SignInRefused:
            pass
    accounts.note_session(ctx, head, accounts.IDLE_LOCK, "无操作10分钟自动锁屏")

    async def opened(pilot) -> None:  # noqa: ANN001
        await wait_interactive(pilot)
        pilot.app.action_audit()
        await until(pilot, lambda: on(pilot.app, "AuditScreen"))
        await _still(pilot)

    assert snap_compare(make_app(ctx, head, ask_drafts=False), terminal_size=(80, 24), run_before=opened)
