"""Every browser tab of ``xfdesk serve`` runs the desk, so every tab signs in and locks when idle (issues 12, 15).

The browser test (tests/test_serve_browser.py) needs Chromium; these need none: the command each tab runs is the
plain desk (no user, no password, nothing that would sign it in), and that desk, started as a served tab is,
shows the sign-in before anything of the office and locks after the idle time.
"""

from __future__ import annotations

import shlex
import shutil
import subprocess
import sys
import time
import uuid

import pytest

from tests.conftest import CLERK_NAME, TEST_PASSWORD, sample_contact
from tests.test_tui_helpers import screen_text, type_text
from tests.test_tui_sign_in import on, until


def test_each_tab_runs_the_plain_desk(tmp_path):
    from xfdesk.serve import desk_command

    argv = shlex.split(desk_command(tmp_path / "office"))
    assert argv == [sys.executable, "-m", "xfdesk", "--home", str(tmp_path / "office")]  # no --user, no password


@pytest.fixture
def served_desk(ctx, clerk, monkeypatch):
    """The app exactly as a served tab starts it (``launch``: no operator given), on an office with an accuser."""
    from xfdesk.serve import ENV_SERVED
    from xfdesk.services.registration import register_contact
    from xfdesk.tui.app import XfdeskApp

    register_contact(ctx, clerk, sample_contact(name="何新根", summaries=("检举村干部侵占补偿款",), kind="检举控告"))
    monkeypatch.setenv(ENV_SERVED, "1")
    ctx.db.dispose()
    return XfdeskApp(home=ctx.home)


async def test_a_served_tab_starts_at_the_sign_in_and_locks_when_idle(served_desk):
    app = served_desk
    app.IDLE_CHECK_S = 0.1
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: on(app, "SignInScreen"))
        text = screen_text(app)
        assert "请登录" in text and "何新根" not in text and "检举" not in text and "接待人" not in text
        await type_text(pilot, "wf")
        await pilot.press("tab")
        await type_text(pilot, TEST_PASSWORD)
        await pilot.press("enter")
        await until(pilot, lambda: app.operator is not None and on(app, "HomeScreen"))
        await until(pilot, lambda: f"接待人：{CLERK_NAME}" in screen_text(app))
        app.idle_seconds = 0.4  # the session timeout is the idle lock (10 minutes by default)
        await until(pilot, lambda: app.locked and on(app, "SignInScreen"))
        text = screen_text(app)
        assert "已锁屏" in text and "今日来访" not in text and "何新根" not in text
    app.ctx.db.dispose()


@pytest.mark.skipif(shutil.which("tmux") is None, reason="没有 tmux")
def test_the_served_command_in_a_terminal_shows_only_the_sign_in(ctx, clerk):
    """The very command a tab runs, in a real terminal (tmux at 80×24)."""
    from xfdesk.serve import desk_command

    from xfdesk.services.registration import register_contact

    register_contact(ctx, clerk, sample_contact(name="何新根", summaries=("检举村干部侵占补偿款",), kind="检举控告"))
    ctx.db.dispose()
    name = "serve" + uuid.uuid4().hex[:6]
    subprocess.run(["tmux", "new-session", "-d", "-s", name, "-x", "80", "-y", "24",
                    desk_command(ctx.home.root) + "; sleep 60"], check=True)
    try:
        screen = ""
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and "请登录" not in screen:
            time.sleep(0.3)
            screen = subprocess.run(["tmux", "capture-pane", "-p", "-t", name], capture_output=True,
                                    text=True).stdout
        assert "请登录" in screen, screen
        assert "何新根" not in screen and "接待人" not in screen
    finally:
        subprocess.run(["tmux", "kill-session", "-t", name], capture_output=True)
