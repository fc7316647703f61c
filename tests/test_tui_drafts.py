"""Never lose typed work: the form is kept as a draft while typing and offered back after a crash."""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from sqlmodel import select

from tests.test_tui_helpers import fill, make_app, screen_text, settle, type_text, wait_interactive
from xfdesk.services import drafts
from xfdesk.storage.models import Matter, Petitioner

PROJECT = Path(__file__).resolve().parent.parent

# The child types half a registration and then waits to be killed (as by a power cut or the task manager).
CHILD = textwrap.dedent("""
    import asyncio, sys
    from tests.conftest import TODAY
    from tests.test_tui_helpers import make_app, settle, type_text, wait_interactive
    from xfdesk.services.context import Operator, open_context

    async def main():
        ctx = open_context(sys.argv[1], clock=lambda: TODAY)
        app = make_app(ctx, Operator("王芳"))
        async with app.run_test(size=(80, 24)) as pilot:
            await wait_interactive(pilot)
            await pilot.press("f2")
            await settle(pilot)
            await pilot.press("enter")
            await settle(pilot)
            await type_text(pilot, "郑十")
            for _ in range(40):
                await pilot.press("tab")
                if app.focused.id == "m0-summary":
                    break
            await type_text(pilot, "房屋漏雨，要求危房改造")
            await settle(pilot, 1.0)  # the debounced draft write happens here
            print("TYPED", flush=True)
            await asyncio.sleep(120)

    asyncio.run(main())
""")


async def test_draft_restored_after_the_app_is_killed_mid_form(ctx, clerk):
    env = {**os.environ, "PYTHONPATH": str(PROJECT)}
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(ctx.home.root)], cwd=PROJECT, env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = child.stdout.readline()
        assert line.strip() == "TYPED", child.stderr.read()
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)
    assert child.returncode == -signal.SIGKILL
    saved = drafts.list_drafts(ctx.home, "registration")
    assert len(saved) == 1

    app = make_app(ctx, clerk)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_interactive(pilot)
        await settle(pilot)
        assert type(app.screen).__name__ == "ConfirmScreen"
        assert "未保存的登记草稿" in screen_text(app)
        await pilot.press("y")
        await settle(pilot, 0.3)
        screen = app.screen
        assert type(screen).__name__ == "RegisterScreen"
        assert screen.query_one("#p-name").value == "郑十"
        assert screen.query_one("#m0-summary").value == "房屋漏雨，要求危房改造"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert type(app.screen).__name__ == "RegisteredScreen"  # the numbers stay shown
        assert type(app.screen_stack[-2]).__name__ == "HomeScreen"
    with ctx.db.read() as session:
        assert session.exec(select(Matter.summary)).all() == ["房屋漏雨，要求危房改造"]
        assert session.exec(select(Petitioner.name)).all() == ["郑十"]
    assert drafts.list_drafts(ctx.home, "registration") == []


async def test_declined_draft_is_set_aside_not_destroyed(ctx, clerk):
    drafts.save_draft(ctx.home, "registration", "王芳", {"person": {"name": "冯十一"}, "demands": [{}]})
    app = make_app(ctx, clerk)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_interactive(pilot)
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        assert type(app.screen).__name__ == "HomeScreen"
    assert drafts.list_drafts(ctx.home, "registration") == []
    kept = list((ctx.home.drafts / "discarded").glob("*.json"))
    assert len(kept) == 1 and "冯十一" in kept[0].read_text(encoding="utf-8")


async def test_leaving_the_form_keeps_the_draft_and_reopening_continues_it(ctx, clerk):
    app = make_app(ctx, clerk)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_interactive(pilot)
        await pilot.press("f2")
        await settle(pilot)
        await type_text(pilot, "卫十二")
        await pilot.press("escape")
        await settle(pilot)
        assert type(app.screen).__name__ == "HomeScreen"
        await pilot.press("f2")
        await settle(pilot, 0.3)
        assert app.screen.query_one("#find").value == ""  # F2 starts empty: the draft is offered, not poured in
        shown = screen_text(app)
        assert "上次未保存" in shown and "卫十二" in shown and "Ctrl+D 接着填" in shown
        await pilot.press("ctrl+d")
        await settle(pilot, 0.3)
        assert app.screen.query_one("#find").value == "卫十二"
        assert "上次未保存" not in screen_text(app)
        await pilot.press("ctrl+q")
    data = drafts.load_draft(ctx.home, "registration", "王芳").data
    assert data["find"] == "卫十二"


async def test_a_form_left_with_esc_never_comes_back_pre_filled_for_the_next_visitor(ctx, clerk, register):
    """F2, sj, Enter (孙杰), Esc; the next F2 is empty with the cursor in the find box, 孙杰 only offered."""
    register(name="孙杰", summaries=("邻居建房占用我家宅基地",))
    app = make_app(ctx, clerk)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_interactive(pilot)
        await pilot.press("f2")
        await settle(pilot)
        await type_text(pilot, "sj")
        await settle(pilot, 0.4)
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen.petitioner_id is not None
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("f2")
        await settle(pilot, 0.3)
        screen = app.screen
        assert screen.petitioner_id is None and app.focused.id == "find"
        await type_text(pilot, "王五")
        await settle(pilot)
        assert screen.query_one("#m0-summary").value == ""
        shown = screen_text(app)
        assert "已选信访人" not in shown and "上次未保存：孙杰" in shown
        await pilot.press("ctrl+q")
    # the new form's draft did not overwrite the set-aside one
    kept = list((ctx.home.drafts / "discarded").glob("*.json"))
    assert len(kept) == 1 and "petitioner_id" in kept[0].read_text(encoding="utf-8")


def test_draft_write_is_atomic_and_readable(tmp_path):
    from xfdesk.paths import Home

    home = Home(tmp_path)
    path = drafts.save_draft(home, "registration", "王 芳/1", {"demands": [{"summary": "[b]x[/b]"}]})
    assert path.parent == home.drafts and "/" not in path.name.replace(str(home.drafts), "")
    assert not list(home.drafts.glob(".tmp-*"))  # the temporary file was renamed into place
    payload = json.loads(path.read_text(encoding="utf-8"))
    assert payload["owner"] == "王 芳/1" and payload["data"]["demands"][0]["summary"] == "[b]x[/b]"
    # a damaged draft is skipped rather than stopping the program
    (home.drafts / "registration--broken.json").write_text("{not json", encoding="utf-8")
    assert [d.owner for d in drafts.list_drafts(home, "registration")] == ["王 芳/1"]
    drafts.delete_draft(path)
    assert drafts.load_draft(home, "registration", "王 芳/1") is None


# -- the walk-in form (现场登记 on a reception day) has drafts of its own -----------------------------------------
NEXT_THURSDAY = dt.date(2026, 11, 26)


@pytest.fixture
def reception_today(ctx, head):  # noqa: ANN001, ANN201
    """A reception day that is today (walk-ins are taken only on the day itself)."""
    from xfdesk.services import reception

    reception.add_leader(ctx, head, "刘建国", "党委书记")
    reception.generate_schedule(ctx, head, 2026, 11, 2)
    ctx.clock = lambda: NEXT_THURSDAY
    return NEXT_THURSDAY


async def open_walk_in_by_keys(pilot) -> None:  # noqa: ANN001
    await pilot.press("f6")  # the month calendar, today selected
    await settle(pilot)
    await pilot.press("enter")  # the day
    await settle(pilot)
    await pilot.press("r")  # 现场登记
    await settle(pilot, 0.3)
    assert type(pilot.app.screen).__name__ == "WalkInScreen"


async def test_interrupted_walk_in_comes_back_as_a_walk_in_of_its_day(ctx, clerk, reception_today):
    from xfdesk.storage.models import Contact

    app = make_app(ctx, clerk)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_interactive(pilot)
        await open_walk_in_by_keys(pilot)
        await type_text(pilot, "卫十二")
        await settle(pilot)
        await pilot.press("enter")  # a new person
        await settle(pilot)
        await fill(pilot, "m0-summary", "要求修复村口便桥")
        await pilot.press("ctrl+q")  # written out at once, not after the debounce
    assert drafts.list_drafts(ctx.home, "registration") == []  # not an ordinary registration draft
    saved = drafts.load_draft(ctx.home, f"walk_in-{reception_today.isoformat()}", "王芳")
    assert saved.data["reception_day"] == "2026-11-26" and saved.data["person"]["name"] == "卫十二"

    app = make_app(ctx, clerk)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_interactive(pilot)
        await settle(pilot)
        assert "未保存的11月26日（星期四）领导接访现场登记草稿" in screen_text(app)
        await pilot.press("y")
        await settle(pilot, 0.3)
        form = app.screen
        assert type(form).__name__ == "WalkInScreen" and form.reception_day == reception_today
        assert form.query_one("#p-name").value == "卫十二"
        assert form.query_one("#m0-summary").value == "要求修复村口便桥"
        assert form.query_one("#c-channel").value == "领导接访"
        assert "现场登记　11月26日（星期四）领导接访" in screen_text(app)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert type(app.screen).__name__ != "WalkInScreen"
    with ctx.db.read() as session:
        contact = session.exec(select(Contact)).one()
    from xfdesk.services import reception

    assert contact.channel == "领导接访"
    assert contact.reception_day_id == reception.day_view(ctx, reception_today).id  # the day link was kept
    assert drafts.list_drafts_starting(ctx.home, "walk_in-") == []


async def test_registration_draft_stays_out_of_the_walk_in_form(ctx, clerk, reception_today):
    drafts.save_draft(ctx.home, "registration", "王芳", {"find": "蒋十四", "person": {"name": "蒋十四"},
                                                        "demands": [{"summary": "要求调解邻里纠纷"}]})
    app = make_app(ctx, clerk, ask_drafts=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_interactive(pilot)
        await open_walk_in_by_keys(pilot)
        form = app.screen
        assert form.query_one("#find").value == "" and form.query_one("#m0-summary").value == ""
        await type_text(pilot, "沈十五")
        await settle(pilot, 0.6)
        await pilot.press("ctrl+l", "y")  # clear: the walk-in form again, still for the day
        await settle(pilot, 0.3)
        assert type(app.screen).__name__ == "WalkInScreen" and app.screen is not form
        assert app.screen.query_one("#find").value == ""
        await pilot.press("escape", "escape")
        await settle(pilot)
        await pilot.press("f2")  # the ordinary form still has its own draft, offered (Ctrl+D)
        await settle(pilot, 0.3)
        assert type(app.screen).__name__ == "RegisterScreen"
        assert "上次未保存：蒋十四" in screen_text(app)
        await pilot.press("ctrl+d")
        await settle(pilot, 0.3)
        assert app.screen.query_one("#m0-summary").value == "要求调解邻里纠纷"
        app.screen.write_draft()
    assert drafts.load_draft(ctx.home, "registration", "王芳").data["find"] == "蒋十四"
    assert drafts.list_drafts_starting(ctx.home, "walk_in-") == []  # cleared with Ctrl+L
