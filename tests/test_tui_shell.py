"""The app shell: start-up order, operator, command palette by pinyin, help, search, matter detail, privacy."""

from __future__ import annotations

import sys
import threading

import pytest

from tests.conftest import TODAY
from tests.test_tui_helpers import fill, make_app, screen_text, settle, type_text, wait_interactive
from xfdesk.domain.privacy import RESTRICTED_NAME
from xfdesk.tui.app import DESK_COMMANDS, XfdeskApp, match_command


def command(command_id: str):  # noqa: ANN201
    return next(c for c in DESK_COMMANDS if c.id == command_id)


async def test_first_paint_does_not_wait_for_the_database(tmp_path, monkeypatch, clerk):
    import xfdesk.services.context as context_module

    release = threading.Event()
    real_open = context_module.open_context

    def slow_open(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        release.wait(20)
        return real_open(*args, **kwargs)

    monkeypatch.setattr(context_module, "open_context", slow_open)
    app = XfdeskApp(tmp_path / "home", operator=clerk, clock=lambda: TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause(0.3)
        assert app.first_paint_at is not None and app.ctx is None  # painted while the database is still opening
        text = screen_text(app)
        assert "正在打开数据库" in text and "信访接待台" in text and "帮助" in text
        await pilot.press("f2")  # too early: a notice, no crash
        await pilot.pause()
        assert type(app.screen).__name__ == "HomeScreen"
        release.set()
        await wait_interactive(pilot)
        assert app.interactive_at >= app.first_paint_at
        assert "接待人：王芳" in screen_text(app)
        app.ctx.db.dispose()


async def test_operator_asked_once_then_one_enter(ctx):
    app = make_app(ctx, None)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause(0.3)
        assert type(app.screen).__name__ == "OperatorScreen"
        await type_text(pilot, "陈静")
        await pilot.press("tab", "down", "space", "shift+tab", "enter")  # role: 信访办主任
        await wait_interactive(pilot)
        assert (app.operator.name, str(app.operator.role)) == ("陈静", "head")
    app = make_app(ctx, None)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause(0.3)
        assert type(app.screen).__name__ == "OperatorScreen"
        await pilot.press("enter")
        await wait_interactive(pilot)
        assert (app.operator.name, str(app.operator.role)) == ("陈静", "head")
        assert "接待人：陈静" in screen_text(app)


def test_palette_matches_pinyin_initials_aliases_and_chinese():
    register = command("register")
    assert match_command("dj", register) > 0  # 登记 by pinyin initials
    assert match_command("djlf", register) == 1.0
    assert match_command("new", register) > 0  # ASCII alias
    assert match_command("登记", register) > 0
    assert match_command("cx", register) == 0
    assert match_command("cx", command("search")) > 0
    assert match_command("tc", command("quit")) > 0


@pytest.mark.parametrize(("query", "screen"), [("dj", "RegisterScreen"), ("cx", "SearchScreen"),
                                               ("登记", "RegisterScreen"), ("help", "HelpScreen")])
async def test_palette_runs_the_command(ctx, clerk, query, screen):
    app = make_app(ctx, clerk)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_interactive(pilot)
        await pilot.press("ctrl+p")
        await settle(pilot)
        await type_text(pilot, query)
        await settle(pilot, 0.4)
        await pilot.press("down", "enter")
        await settle(pilot)
        assert type(app.screen).__name__ == screen


async def test_help_describes_every_screen_and_its_keys(ctx, clerk):
    app = make_app(ctx, clerk)
    async with app.run_test(size=(120, 200)) as pilot:
        await wait_interactive(pilot)
        await pilot.press("f1")
        await settle(pilot)
        text = screen_text(app)
        for expected in ("登记来访", "综合查询", "事项详情", "首页", "Ctrl+S", "保存", "标为重复访", "Ctrl+Q", "退出",
                         "PageDown", "拼音首字母", "dj"):
            assert expected in text, expected
        await pilot.press("escape")
        await settle(pilot)
        assert type(app.screen).__name__ == "HomeScreen"


async def test_home_shows_today_due_and_overdue(ctx, clerk, register):
    import datetime as dt

    register(name="张三", received_at=dt.datetime(2026, 10, 20, 9, 0), summaries=("早先的诉求",))  # overdue
    register(name="李四", summaries=("今天的诉求",))
    app = make_app(ctx, clerk)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_interactive(pilot)
        text = screen_text(app)
        assert "今日来访 1 批，登记事项 1 件" in text
        assert "已超期 1 件" in text and "超期" in text and "XF-2026-000001" in text
        assert "今天的诉求" in text
        await pilot.press("enter")  # the due list has the keyboard; its first row is the overdue matter
        await settle(pilot)
        assert type(app.screen).__name__ == "MatterScreen"
        assert "XF-2026-000001" in screen_text(app) and "早先的诉求" in screen_text(app)


async def test_search_pages_and_opens_matter_detail_with_deadlines_and_timeline(ctx, clerk, register):
    for i in range(18):
        register(name=f"王{i}", summaries=(f"排水沟堵塞第{i}号",))
    app = make_app(ctx, clerk)
    async with app.run_test(size=(100, 40)) as pilot:
        await wait_interactive(pilot)
        await pilot.press("f3")
        await settle(pilot)
        await type_text(pilot, "排水沟")
        await settle(pilot, 0.3)
        screen = app.screen
        first = [line.title for line in screen.lines]
        assert len(first) == 15 and screen.has_more and "PageDown" in screen_text(app)
        await pilot.press("pagedown")
        await settle(pilot)
        second = [line.title for line in screen.lines]
        assert len(second) == 3 and not set(first) & set(second)
        await pilot.press("pageup")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert type(app.screen).__name__ == "MatterScreen"
        text = screen_text(app)
        assert first[0] in text and "待甄别" in text
        assert "剩" in text and "天" in text  # deadlines with days left
        assert "登记" in text and "王芳" in text  # the timeline: who registered it


def test_deadline_colours():
    from xfdesk.tui.screens.matter import deadline_cell

    overdue = deadline_cell({"state": "open", "days_left": -3}, 5)
    soon = deadline_cell({"state": "open", "days_left": 2}, 5)
    later = deadline_cell({"state": "open", "days_left": 20}, 5)
    assert overdue.plain == "超期3天" and "FF5F5F" in str(overdue.style).upper()
    assert soon.plain == "剩2天" and "FFAF00" in str(soon.style).upper()
    assert later.plain == "剩20天" and str(later.style) != str(soon.style)
    # the due-soon window is the office's setting, not a fixed 5 days
    assert deadline_cell({"state": "open", "days_left": 2}, 1).style == later.style
    assert deadline_cell({"state": "open", "days_left": 9}, 10).style == soon.style
    assert deadline_cell({"state": "late"}, 5).plain == "超期完成"


def test_one_days_left_cell_for_matter_handling_screening_and_supervision():
    import xfdesk.tui.screens.handling as handling
    import xfdesk.tui.screens.matter as matter
    import xfdesk.tui.screens.screening as screening
    import xfdesk.tui.screens.supervision as supervision
    from xfdesk.tui.screens._cells import days_text

    assert handling.days_text is matter.days_text is screening.days_text is supervision.days_text is days_text


async def test_matter_screen_colours_by_the_offices_due_soon_setting(ctx, clerk, register):
    from rich.text import Text
    from textual.widgets import DataTable

    from xfdesk.tui.screens.matter import MatterScreen

    mid = register(summaries=("反映村道路灯长期不亮",)).matter_ids[0]  # 受理告知期限: 15 days from today
    for window, colour in ((5, "5FFF5F"), (20, "FFAF00")):
        ctx.settings.due_soon_days = window
        app = make_app(ctx, clerk)
        async with app.run_test(size=(80, 24)) as pilot:
            await wait_interactive(pilot)
            app.open_matter(mid)
            await settle(pilot)
            table = app.screen.query_one("#matter-deadlines", DataTable)
            cells = [table.get_row_at(r)[3] for r in range(table.row_count)]
            days = [c for c in cells if isinstance(c, Text) and c.plain.startswith("剩")]
            assert days and all(colour in str(c.style).upper() for c in days)


async def test_restricted_matter_shows_no_identity_to_a_clerk(ctx, clerk, head, register):
    register(name="举报人甲", village="长乐村", kind="检举控告", summaries=("举报村干部侵占扶贫款",))
    app = make_app(ctx, clerk)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_interactive(pilot)
        home = screen_text(app)
        assert RESTRICTED_NAME in home and "举报人甲" not in home
        await pilot.press("f3")
        await settle(pilot)
        await type_text(pilot, "扶贫款")
        await settle(pilot, 0.3)
        text = screen_text(app)
        assert "举报村干部侵占扶贫款" in text and "举报人甲" not in text
        await pilot.press("escape", "f2")
        await settle(pilot)
        await pilot.press("enter")  # new person from the same village typing a similar demand
        await settle(pilot)
        screen = app.screen
        await fill(pilot, "p-village", "长乐村")
        await fill(pilot, "m0-summary", "村干部侵占扶贫款")
        await settle(pilot, 0.4)
        assert [c.petitioner_name for c in screen.candidates] == [RESTRICTED_NAME]
        assert "举报人甲" not in screen_text(app)
    app = make_app(ctx, head)  # the office head sees who it was
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_interactive(pilot)
        assert "举报人甲" in screen_text(app)


async def test_matter_hooks_open_other_areas_or_say_they_are_missing(ctx, clerk, register, monkeypatch):
    register(name="张三")
    monkeypatch.setitem(sys.modules, "xfdesk.tui.screens.reception", None)  # booking not installed
    app = make_app(ctx, clerk)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_interactive(pilot)
        app.open_matter(1)
        await settle(pilot)
        await pilot.press("b")
        await settle(pilot)
        assert type(app.screen).__name__ == "MatterScreen"
        assert any("尚未安装" in str(n.message) for n in app._notifications)
        await pilot.press("d")
        await settle(pilot)
        assert type(app.screen).__name__ == "ChooseDocumentScreen"


def test_timeline_actions_have_chinese_names():
    from xfdesk.domain.lifecycle import Action
    from xfdesk.tui.screens.matter import action_label

    for action in Action:
        assert not action_label(action.value).isascii(), action
    for action in ("register", "document_issued", "view_restricted", "reception_book", "supervise"):
        assert not action_label(action).isascii(), action


def test_first_frame_needs_no_database_layer():
    """What the first paint imports: textual and the shell only (the database stack loads in the worker)."""
    import json
    import subprocess

    code = ("import json, sys; import xfdesk.tui.app, xfdesk.tui.screens.home; "
            "print(json.dumps(sorted({k.split('.')[0] for k in sys.modules} & "
            "{'sqlalchemy', 'sqlmodel', 'alembic', 'pypinyin', 'rapidfuzz', 'docx', 'chinese_calendar'})))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert json.loads(out) == []


async def test_from_a_matter_to_its_person_to_a_new_visit(ctx, clerk, register):
    from sqlmodel import select

    from xfdesk.storage.models import Matter

    first = register(name="张三", summaries=("反映宅基地边界纠纷",))
    secret = register(name="举报人乙", kind="检举控告", summaries=("举报村干部",))
    app = make_app(ctx, clerk)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_interactive(pilot)
        app.open_matter(secret.matter_ids[0])
        await settle(pilot)
        await pilot.press("p")  # a clerk may not see who reported it
        await settle(pilot)
        assert type(app.screen).__name__ == "MatterScreen" and "举报人乙" not in screen_text(app)
        await pilot.press("escape")
        app.open_matter(first.matter_ids[0])
        await settle(pilot)
        await pilot.press("p")
        await settle(pilot)
        assert type(app.screen).__name__ == "PersonScreen" and "共1件" in screen_text(app)
        await pilot.press("n")
        await settle(pilot)
        assert type(app.screen).__name__ == "RegisterScreen" and app.screen.petitioner_id == first.petitioner_ids[0]
        await type_text(pilot, "又来反映宅基地边界纠纷")
        await pilot.press("ctrl+s")
        await settle(pilot)
    with ctx.db.read() as session:
        newest = session.exec(select(Matter).order_by(Matter.id.desc())).first()
    assert newest.petitioner_id == first.petitioner_ids[0] and newest.summary == "又来反映宅基地边界纠纷"
