"""账号管理 and 修改密码 in the desk (issue 12 §8, so far only in the CLI): the head unlocks a locked clerk and
resets a clerk's password; anyone changes their own with the old one, typed twice, never shown. Read from the
rendered cells; 80×24 snapshots with typed values.

Update the snapshots after an intended change with ``pytest tests/test_tui_accounts.py --snapshot-update``.
"""

from __future__ import annotations

import pytest
from sqlmodel import select
from textual.widgets import Input

from tests.conftest import CLERK_NAME, HEAD_NAME, TEST_PASSWORD
from tests.test_tui_helpers import make_app, screen_text, settle, type_text, wait_interactive
from tests.test_tui_sign_in import on, until
from xfdesk.services.accounts import SignInRefused, sign_in
from xfdesk.storage.models import Event

NEW = "qjz-new-2027"


def lock_out_the_clerk(ctx) -> None:  # noqa: ANN001
    for _ in range(5):
        with pytest.raises(SignInRefused):
            sign_in(ctx, CLERK_NAME, "wrong-123")


def actions(ctx) -> list[str]:  # noqa: ANN001
    with ctx.db.read() as session:
        return [e.action for e in session.exec(select(Event).order_by(Event.id))]


async def test_the_head_unlocks_a_locked_clerk_from_the_audit_screen(ctx, head):
    lock_out_the_clerk(ctx)
    with pytest.raises(SignInRefused, match="锁定"):
        sign_in(ctx, CLERK_NAME, TEST_PASSWORD)
    app = make_app(ctx, head, ask_drafts=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_interactive(pilot)
        app.action_audit()
        await until(pilot, lambda: on(app, "AuditScreen"))
        assert "锁定中的账号：王芳" in screen_text(app) and "F9 账号管理中解除" in screen_text(app)
        await pilot.press("f9")
        await until(pilot, lambda: on(app, "AccountsScreen"))
        text = screen_text(app)
        assert "锁定中：王芳" in text and "已锁定" in text and "解除锁定" in text and "重设密码" in text
        row = app.screen.query_one("#accounts-table").cursor_row
        names = [a.name for a in app.screen.rows]
        await pilot.press(*(["down"] * (names.index(CLERK_NAME) - row)))
        await pilot.press("u")
        await settle(pilot)
        text = screen_text(app)
        assert "没有锁定中的账号" in text and "已锁定" not in text
        assert any("已解除“王芳”的锁定" in n.message for n in app._notifications)
        await pilot.press("escape")
        await until(pilot, lambda: on(app, "AuditScreen"))
        assert "没有锁定中的账号" in screen_text(app)  # the audit screen is current when it comes back
    assert sign_in(ctx, CLERK_NAME, TEST_PASSWORD).name == CLERK_NAME
    assert "account_unlocked" in actions(ctx)


async def test_the_head_resets_a_clerks_password_typed_twice_never_shown(ctx, head):
    lock_out_the_clerk(ctx)  # a reset lifts the lock too
    app = make_app(ctx, head, ask_drafts=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_interactive(pilot)
        app.action_accounts()
        await until(pilot, lambda: on(app, "AccountsScreen"))
        names = [a.name for a in app.screen.rows]
        await pilot.press(*(["down"] * names.index(CLERK_NAME)))
        await pilot.press("r")
        await until(pilot, lambda: on(app, "PasswordScreen"))
        assert "重设“王芳”的密码" in screen_text(app) and "原密码" not in screen_text(app)
        await type_text(pilot, NEW)
        await pilot.press("enter")
        await type_text(pilot, NEW + "x")
        await pilot.press("enter")
        await until(pilot, lambda: "两次输入的密码不一致" in screen_text(app))
        assert NEW not in screen_text(app) and on(app, "PasswordScreen")
        assert app.screen.focused.id == "pw-again" and app.screen.query_one("#pw-new", Input).value == NEW
        await type_text(pilot, NEW)
        await pilot.press("enter")
        await until(pilot, lambda: on(app, "AccountsScreen"))
        assert "已锁定" not in screen_text(app) and NEW not in screen_text(app)
        assert any("已修改“王芳”的密码，并解除锁定" in n.message for n in app._notifications)
    with pytest.raises(SignInRefused):
        sign_in(ctx, CLERK_NAME, TEST_PASSWORD)
    assert sign_in(ctx, CLERK_NAME, NEW).name == CLERK_NAME
    assert "password_reset" in actions(ctx)


async def test_a_clerk_changes_her_own_password_with_the_old_one(ctx, clerk):
    app = make_app(ctx, clerk, ask_drafts=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_interactive(pilot)
        app.action_accounts()  # not the head's screen
        await settle(pilot)
        assert on(app, "HomeScreen") and any("管理账号须信访办主任权限" in n.message for n in app._notifications)
        await pilot.press("ctrl+p")
        await settle(pilot)
        await type_text(pilot, "xgmm")
        await settle(pilot, 0.3)
        await pilot.press("enter")
        await until(pilot, lambda: on(app, "PasswordScreen"))
        assert "修改本人密码（王芳）" in screen_text(app)
        await pilot.press("enter")  # nothing typed: said at the field
        await until(pilot, lambda: "请输入原密码" in screen_text(app))
        await type_text(pilot, "not-my-password")
        await pilot.press("enter")
        await type_text(pilot, NEW)
        await pilot.press("enter")
        await type_text(pilot, NEW)
        await pilot.press("enter")
        await until(pilot, lambda: "原密码不正确" in screen_text(app))
        screen = app.screen
        assert screen.focused.id == "pw-old" and screen.query_one("#pw-old", Input).value == ""
        assert screen.query_one("#pw-new", Input).value == NEW  # what was right stays typed
        assert "not-my-password" not in screen_text(app) and NEW not in screen_text(app)
        await type_text(pilot, TEST_PASSWORD)
        await pilot.press("enter")
        await until(pilot, lambda: on(app, "HomeScreen"))
    assert sign_in(ctx, CLERK_NAME, NEW).name == CLERK_NAME
    assert "password_changed" in actions(ctx)


async def test_a_new_password_the_rules_refuse_is_said_at_the_field(ctx, head):
    app = make_app(ctx, head, ask_drafts=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_interactive(pilot)
        app.action_password()
        await until(pilot, lambda: on(app, "PasswordScreen"))
        await type_text(pilot, TEST_PASSWORD)
        await pilot.press("enter")
        await type_text(pilot, "abc")
        await pilot.press("enter")
        await type_text(pilot, "abc")
        await pilot.press("enter")
        await until(pilot, lambda: "密码至少6个字符" in screen_text(app))
        assert app.screen.focused.id == "pw-new" and app.screen.query_one("#pw-again", Input).value == ""
        await pilot.press("escape")
        await until(pilot, lambda: on(app, "HomeScreen"))
    assert sign_in(ctx, HEAD_NAME, TEST_PASSWORD).name == HEAD_NAME  # nothing changed


async def _still(pilot) -> None:  # noqa: ANN001
    for widget in pilot.app.screen.query(Input):
        widget.cursor_blink = False
    await pilot.pause(0.3)
    pilot.app.clear_notifications()
    await pilot.pause()


def test_accounts_screen_at_80x24(snap_compare, ctx, head, monkeypatch):
    import datetime as dt

    from xfdesk.services import accounts

    lock_out_the_clerk(ctx)
    real = accounts.list_accounts

    def fixed(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202  (the snapshot's times do not move)
        return [accounts.AccountRow(**{**a.__dict__,
                                       "locked_until": dt.datetime(2099, 1, 1, 9, 35) if a.locked_until else None,
                                       "last_sign_in_at": dt.datetime(2026, 11, 21, 8, 2) if a.last_sign_in_at
                                       else None})
                for a in real(*args, **kwargs)]

    monkeypatch.setattr(accounts, "list_accounts", fixed)

    async def opened(pilot) -> None:  # noqa: ANN001
        await wait_interactive(pilot)
        pilot.app.action_accounts()
        await until(pilot, lambda: on(pilot.app, "AccountsScreen"))
        await _still(pilot)

    assert snap_compare(make_app(ctx, head, ask_drafts=False), terminal_size=(80, 24), run_before=opened)


def test_password_screen_at_80x24(snap_compare, ctx, clerk):
    async def typed(pilot) -> None:  # noqa: ANN001
        await wait_interactive(pilot)
        pilot.app.action_password()
        await until(pilot, lambda: on(pilot.app, "PasswordScreen"))
        await type_text(pilot, TEST_PASSWORD)
        await pilot.press("enter")
        await type_text(pilot, NEW)
        await pilot.press("enter")
        await type_text(pilot, "qjz-new-2O27")
        await pilot.press("enter")
        await until(pilot, lambda: "两次输入的密码不一致" in screen_text(pilot.app))
        await _still(pilot)

    assert snap_compare(make_app(ctx, clerk, ask_drafts=False), terminal_size=(80, 24), run_before=typed)
