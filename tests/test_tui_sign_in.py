"""The desk's sign-in, first start, lock (F12 and idle) and change of user, read from the rendered cells."""

from __future__ import annotations

import pytest

from tests.conftest import CLERK_NAME, HEAD_NAME, TEST_PASSWORD, sample_contact
from tests.test_tui_helpers import make_app, screen_text, settle, type_text, wait_interactive


async def until(pilot, condition, timeout: float = 20.0) -> None:  # noqa: ANN001
    waited = 0.0
    while not condition():
        await pilot.pause(0.05)
        waited += 0.05
        if waited > timeout:
            raise AssertionError("condition never held; screen:\n" + screen_text(pilot.app))
    await pilot.pause()


def on(app, name: str) -> bool:  # noqa: ANN001
    return type(app.screen).__name__ == name


async def sign_in(pilot, name: str, password: str) -> None:  # noqa: ANN001
    await until(pilot, lambda: on(pilot.app, "SignInScreen"))
    await type_text(pilot, name)
    await pilot.press("tab")
    await type_text(pilot, password)
    await pilot.press("enter")


@pytest.fixture
def accuser(ctx, clerk):
    """A 检举控告 matter whose accuser must never show to a clerk or on a locked screen."""
    from xfdesk.services.registration import register_contact

    return register_contact(ctx, clerk, sample_contact(name="何新根", summaries=("检举村干部侵占集体土地补偿款",),
                                                       kind="检举控告"))


async def test_sign_in_by_pinyin_initials_and_password(ctx):
    app = make_app(ctx, None, ask_drafts=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: on(app, "SignInScreen"))
        text = screen_text(app)
        assert "请登录" in text and "接待人" not in text and "琴江镇信访办" in text
        await sign_in(pilot, "wf", TEST_PASSWORD)  # 王芳 by initials
        await wait_interactive(pilot)
        assert (app.operator.name, str(app.operator.role)) == (CLERK_NAME, "clerk")
        assert f"接待人：{CLERK_NAME}" in screen_text(app)
        assert "锁屏" in screen_text(app)  # F12 in the footer


async def test_wrong_password_says_so_at_the_field_and_nothing_is_remembered(ctx):
    app = make_app(ctx, None, ask_drafts=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot, HEAD_NAME, "guess-2026")
        await until(pilot, lambda: "姓名或密码不正确" in screen_text(app))
        assert on(app, "SignInScreen") and app.operator is None
        assert "guess-2026" not in screen_text(app)
        assert app.screen.query_one("#sign-in-password").value == ""  # cleared, the name kept
        assert app.screen.query_one("#sign-in-name").value == HEAD_NAME
        await type_text(pilot, TEST_PASSWORD)
        await pilot.press("enter")
        await wait_interactive(pilot)
        assert app.operator.is_head
    app = make_app(ctx, None, ask_drafts=False)  # the next start: nobody is filled in, Enter signs nobody in
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: on(app, "SignInScreen"))
        assert app.screen.query_one("#sign-in-name").value == ""
        await pilot.press("enter", "enter")
        await settle(pilot)
        assert on(app, "SignInScreen") and app.operator is None
        await pilot.press("f2", "f3", "ctrl+p")  # nothing of the desk opens before sign-in
        await settle(pilot)
        assert on(app, "SignInScreen")


async def test_first_start_creates_the_head_and_shows_the_recovery_code(tmp_path, monkeypatch):
    from xfdesk.services import accounts
    from xfdesk.services.context import open_context

    monkeypatch.setattr(accounts, "recovery_code", lambda: "K7NM4-XQP2A-BC3DE-FGH5J")
    fresh = open_context(tmp_path / "new-office")
    app = make_app(fresh, None, ask_drafts=False)
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            await until(pilot, lambda: on(app, "FirstHeadScreen"))
            assert "首次启动" in screen_text(app)
            await type_text(pilot, "陈主任")
            await pilot.press("enter")
            await type_text(pilot, "abc12345")
            await pilot.press("enter")
            await type_text(pilot, "abc12399")
            await pilot.press("enter")
            await until(pilot, lambda: "两次输入的密码不一致" in screen_text(app))
            await type_text(pilot, "abc12345")
            await pilot.press("tab")
            await type_text(pilot, "abc12345")
            await pilot.press("enter")
            await until(pilot, lambda: "K7NM4-XQP2A-BC3DE-FGH5J" in screen_text(app))
            await pilot.press("enter")
            await wait_interactive(pilot)
            assert app.operator.name == "陈主任" and app.operator.is_head
            assert "接待人：陈主任" in screen_text(app)
    finally:
        fresh.db.dispose()


async def test_f12_locks_and_the_open_form_comes_back(ctx, clerk, accuser):
    app = make_app(ctx, clerk, ask_drafts=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_interactive(pilot)
        await pilot.press("f2")
        await until(pilot, lambda: on(app, "RegisterScreen"))
        await settle(pilot)
        await type_text(pilot, "张三丰")
        await settle(pilot)
        assert "张三丰" in screen_text(app)
        await pilot.press("f12")
        await until(pilot, lambda: on(app, "SignInScreen"))
        text = screen_text(app)
        assert "已锁屏" in text and "张三丰" not in text and "何新根" not in text
        await pilot.press("f2")  # locked: no desk key works
        await settle(pilot)
        assert on(app, "SignInScreen")
        await type_text(pilot, TEST_PASSWORD)
        await pilot.press("enter")
        await until(pilot, lambda: on(app, "RegisterScreen"))
        assert "张三丰" in screen_text(app) and not app.locked
    from xfdesk.services.accounts import audit_log

    actions = [r.action for r in audit_log(ctx, ctx_head(ctx))]
    assert "idle_lock" in actions and "sign_in" in actions


def ctx_head(ctx):  # noqa: ANN001, ANN201
    from xfdesk.services.accounts import sign_in

    return sign_in(ctx, HEAD_NAME, TEST_PASSWORD)


async def test_an_idle_desk_locks_and_shows_no_petitioner(ctx, head, accuser):
    app = make_app(ctx, head, ask_drafts=False)
    app.IDLE_CHECK_S = 0.1
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_interactive(pilot)
        await settle(pilot)
        app.open_matter(accuser.matter_ids[0])
        await until(pilot, lambda: "何新根" in screen_text(app))  # the head sees the accuser
        await pilot.press("down")
        app.idle_seconds = 0.5  # the office's 10 minutes, shortened
        await pilot.pause(0.2)
        assert not app.locked  # a key was pressed just now
        await until(pilot, lambda: app.locked)
        await until(pilot, lambda: on(app, "SignInScreen"))
        text = screen_text(app)
        assert "何新根" not in text and "检举" not in text and "XF-" not in text
        assert "琴江镇信访办" in text and "密码" in text


async def test_another_name_at_the_lock_screen_is_a_change_of_user(ctx, head, accuser):
    app = make_app(ctx, head, ask_drafts=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_interactive(pilot)
        app.open_matter(accuser.matter_ids[0])
        await until(pilot, lambda: on(app, "MatterScreen"))
        await pilot.press("f12")
        await until(pilot, lambda: on(app, "SignInScreen"))
        name = app.screen.query_one("#sign-in-name")
        name.focus()
        name.value = ""
        await sign_in(pilot, CLERK_NAME, TEST_PASSWORD)
        await until(pilot, lambda: on(app, "HomeScreen"))  # the head's matter screen is closed
        assert app.operator.name == CLERK_NAME and not app.operator.is_head
        assert "何新根" not in screen_text(app)


async def test_the_audit_screen_is_the_heads_and_shows_views_of_restricted_matters(ctx, head, clerk, accuser):
    from xfdesk.services.access import note_view
    from xfdesk.services.accounts import SignInRefused, sign_in

    for _ in range(5):
        with pytest.raises(SignInRefused):
            sign_in(ctx, CLERK_NAME, "wrong-123")
    note_view(ctx, head, accuser.matter_ids[0], "detail")
    app = make_app(ctx, clerk, ask_drafts=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_interactive(pilot)
        app.action_audit()
        await settle(pilot)
        assert on(app, "HomeScreen")  # a clerk: refused
    app = make_app(ctx, head, ask_drafts=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_interactive(pilot)
        app.action_audit()
        await until(pilot, lambda: on(app, "AuditScreen"))
        text = screen_text(app)
        assert "锁定中的账号：王芳" in text
        assert "查看检举控告事项" in text and "账号锁定" in text and "登录失败" in text
        await pilot.press("escape")
        await until(pilot, lambda: on(app, "HomeScreen"))


async def test_no_password_is_kept_anywhere_in_the_data_folder(ctx, clerk):
    """After signing in, a wrong password, typing a form and a lock: no file of the office holds a typed password
    (database and its WAL, drafts, logs, settings), in UTF-8 or as the database would store it."""
    wrong = "wrong-pass-77"
    app = make_app(ctx, None, ask_drafts=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot, CLERK_NAME, wrong)
        await until(pilot, lambda: "姓名或密码不正确" in screen_text(app))
        await type_text(pilot, TEST_PASSWORD)
        await pilot.press("enter")
        await wait_interactive(pilot)
        await pilot.press("f2")
        await until(pilot, lambda: on(app, "RegisterScreen"))
        await type_text(pilot, "张三丰")
        await pilot.press("f12")
        await until(pilot, lambda: on(app, "SignInScreen"))
        await type_text(pilot, TEST_PASSWORD)
        await pilot.press("enter")
        await until(pilot, lambda: on(app, "RegisterScreen"))
        app._write_open_drafts()
        await settle(pilot)
    files = [p for p in ctx.home.root.rglob("*") if p.is_file()]
    assert any(p.parent.name == "drafts" for p in files)  # the form's draft was written
    for path in files:
        data = path.read_bytes()
        for secret in (TEST_PASSWORD, wrong):
            assert secret.encode("utf-8") not in data, path
