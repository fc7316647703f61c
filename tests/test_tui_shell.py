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
        await pilot.press("f2")  # too early: held (not lost), no crash
        await pilot.pause()
        assert type(app.screen).__name__ == "HomeScreen"
        release.set()
        await wait_interactive(pilot)
        assert app.interactive_at >= app.first_paint_at
        for _ in range(200):  # the F2 typed while the office opened is delivered once it is open
            await pilot.pause(0.05)
            if type(app.screen).__name__ == "RegisterScreen" and "接待人：王芳" in screen_text(app):
                break
        assert type(app.screen).__name__ == "RegisterScreen" and "接待人：王芳" in screen_text(app)
        app.ctx.db.dispose()


# signing in (which replaced the operator box): tests/test_tui_sign_in.py

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
                         "PgDn", "拼音首字母", "dj"):
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
        text = screen_text(app)  # a report's words find nothing for a clerk (tests/test_restricted_paths.py)
        assert "举报村干部侵占扶贫款" not in text and "举报人甲" not in text
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


async def test_matter_hooks_open_other_areas(ctx, clerk, register):
    # was: a missing area was reported as "尚未安装"; the areas are this package's own modules, always there (an
    # import failure is a bug and must show as one, issue 10)
    register(name="张三")
    app = make_app(ctx, clerk)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_interactive(pilot)
        app.open_matter(1)
        await settle(pilot)
        await pilot.press("b")
        await settle(pilot)
        assert type(app.screen).__name__ == "BookMatterScreen"
        await pilot.press("escape")
        await settle(pilot)
        assert type(app.screen).__name__ == "MatterScreen"
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


# -- 80x24: every footer key visible, nothing a clerk needs cut off ------------------------------------------------


def footer_problems(app) -> list[str]:  # noqa: ANN001
    """Keys of the active screen's footer that a clerk cannot see: cut at the right edge (under the command palette
    key) or not on the footer although the binding asks to be shown. Empty when every key is readable."""
    from textual.widgets import Footer
    from textual.widgets._footer import FooterKey

    footer = app.screen.query_one(Footer)
    keys = list(footer.query(FooterKey))
    palette = [k for k in keys if k.has_class("-command-palette")]
    right = palette[0].region.x if palette else footer.region.right
    problems = [f"{k.key_display} {k.description} 被截断" for k in keys
                if not k.has_class("-command-palette") and (k.region.width == 0 or k.region.right > right)]
    shown = {b.action for _key, b, _enabled, _tip in app.screen.active_bindings.values() if b.show}
    problems += [f"{action} 不在页脚" for action in shown - {k.action for k in keys}]
    return problems


def lines_of(app) -> list[str]:  # noqa: ANN001
    return screen_text(app).splitlines()


async def test_matter_screen_at_80x24_wraps_details_and_cites_the_basis(ctx, clerk, register):
    from rich.cells import cell_len
    from textual.containers import VerticalScroll

    from xfdesk.services.events import record_event
    from xfdesk.storage.models import Matter

    mid = register(summaries=("反映村道路灯长期不亮",)).matter_ids[0]
    with ctx.db.write() as s:
        m = s.get(Matter, mid)
        m.details = "第一行：路灯坏了半年。\n第二行：村民多次反映，村委会答复后仍未解决，要求镇里尽快派人到现场查看并处理。"
        s.add(m)
        record_event(s, clerk, "extend", matter_id=mid, note="案情复杂，需进一步调查核实相关情况，申请延期三十日办理完毕")
    app = make_app(ctx, clerk)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_interactive(pilot)
        app.open_matter(mid)
        await settle(pilot)
        assert footer_problems(app) == []
        body = app.screen.query_one("#matter-body", VerticalScroll)
        body.scroll_home(animate=False)
        await pilot.pause()
        lines = lines_of(app)
        first = next(i for i, line in enumerate(lines) if "详细情况：" in line)
        def column(line: str, word: str) -> int:  # screen column (CJK characters are 2 wide)
            return cell_len(line[: line.index(word)])

        second = next(line for line in lines[first + 1:] if "第二行" in line)
        # the second line starts under the first, not at column 1; the wrapped rest of a line too
        assert column(second, "第二行") == column(lines[first], "第一行") > 2
        assert lines[first + 2].strip() and column(lines[first + 2], lines[first + 2].strip()[0]) == column(
            second, "第二行")
        # 依据: the article on the table's row, the full wording (wrapped) under the table: nothing cut
        text = "".join(line.strip() for line in lines)
        body.scroll_to_widget(app.screen.query_one("#matter-bases"), animate=False, top=True)
        await pilot.pause()
        text += "".join(line.strip() for line in lines_of(app))
        assert "《信访工作条例》第二十三条" in text  # 受理告知: notifying the petitioner (was cited as 第二十二条)
        assert "不能当场告知的，应当自收到信访事项之日起15日内书面告知信访人" in text
        # the timeline's 说明 wraps inside 80 columns
        body.scroll_end(animate=False)
        await pilot.pause()
        timeline = lines_of(app)
        assert "".join(line.strip() for line in timeline).count("申请延期三十日办理完毕") == 1


async def test_handling_person_and_search_footers_fit_80_columns(ctx, clerk, register):
    mid = register(summaries=("反映村道路灯长期不亮",)).matter_ids[0]
    app = make_app(ctx, clerk)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_interactive(pilot)
        await pilot.press("f3")
        await settle(pilot)
        assert footer_problems(app) == []
        app.open_matter(mid)
        await settle(pilot)
        await pilot.press("h")
        await settle(pilot)
        assert type(app.screen).__name__ == "HandlingScreen"
        assert footer_problems(app) == []
        assert "办理所选" in screen_text(app)  # Enter is shown although the action list has the focus
        await pilot.press("escape", "p")
        await settle(pilot)
        assert type(app.screen).__name__ == "PersonScreen"
        assert footer_problems(app) == []


async def test_search_and_person_wrap_the_last_column_and_show_enter_at_80x24(ctx, clerk, register):
    demand = "反映与邻居宅基地边界纠纷多年未解决，村委会两次调解未果，要求镇里派人到现场丈量协调"
    register(name="张红东", phone="15200001895", summaries=(demand,))
    app = make_app(ctx, clerk)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_interactive(pilot)
        await pilot.press("f3")
        await settle(pilot)
        await type_text(pilot, "张红东")
        await settle(pilot, 0.4)
        assert footer_problems(app) == [] and "打开" in lines_of(app)[-1]
        flat = "".join(line.strip() for line in lines_of(app))
        assert "152****1895" in flat and demand in flat  # the phone and the whole demand: wrapped, not cut
        await pilot.press("enter")  # the person (first hit) opens
        await settle(pilot)
        assert type(app.screen).__name__ == "PersonScreen"
        assert footer_problems(app) == [] and "打开" in lines_of(app)[-1]
        assert demand in "".join(line.strip() for line in lines_of(app))
        await pilot.press("enter")  # Enter (shown in the footer) opens the matter
        await settle(pilot)
        assert type(app.screen).__name__ == "MatterScreen"
