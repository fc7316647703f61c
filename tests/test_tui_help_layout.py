"""Issue 9 items 14-15 on the rendered cells: the F1 help read from the bindings (every key of every screen with
its words, keys written for a clerk, one key column by cell width, opening at the screen F1 was pressed on); the
home lists' 诉求 growing with the terminal; the calendar footer holding its keys at 80 columns; one wording of
"due soon" on home and F8; Ctrl+Q asking when a form holds unsaved text."""

from __future__ import annotations

import datetime as dt
import importlib

import pytest
from rich.cells import cell_len
from sqlmodel import select

from tests.conftest import TODAY
from tests.test_tui_helpers import make_app, screen_text, settle, type_text, wait_interactive
from xfdesk.domain.deadlines import due_counts_text, due_soon_last_day, is_due_soon
from xfdesk.tui.commands import HELP_SCREENS
from xfdesk.tui.screens.help import binding_words, class_bindings, fold_lines, key_label

RAW_KEY_NAMES = ("equals_sign", "Equals", "Minus", "Plus", "pagedown", "PageDown", "pageup", "PageUp", "escape",
                 "question_mark", "Focus Next", "Copy selected")


def lines_of(app) -> list[str]:  # noqa: ANN001
    return screen_text(app).splitlines()


async def read_whole_help(pilot) -> list[str]:  # noqa: ANN001
    """Every line the help shows, paging down with PgDn as a clerk does (until the page stops moving)."""
    app = pilot.app
    body = app.screen.query_one("#help-body")
    seen: list[str] = []
    for _ in range(200):
        seen += lines_of(app)[1:-1]  # less the header and footer
        if body.scroll_y >= body.max_scroll_y:
            break
        await pilot.press("pagedown")
        await pilot.pause()
    else:
        raise AssertionError("the help never reached its end")
    return seen


def key_rows(lines: list[str]) -> list[tuple[str, str]]:
    """(keys, words) of the help's key lines: a key column then two or more spaces then the words."""
    import re

    rows = []
    for line in lines:
        line = re.sub(r"[▁▂▃▄▅▆▇█]+\s*$", "", line).rstrip()  # the scrollbar
        m = re.match(r"^ (\S(?:.*?\S)?)  +(\S.*)$", line)
        if m and (m.group(1), m.group(2)) not in rows:
            rows.append((m.group(1), m.group(2)))
    return rows


def test_key_labels_are_written_for_a_clerk():
    assert [key_label(k) for k in ("plus", "equals_sign", "minus", "pageup", "pagedown", "enter", "escape",
                                   "ctrl+s", "f12", "n", "shift+tab", "question_mark")] == [
        "+", "=", "-", "PgUp", "PgDn", "回车", "Esc", "Ctrl+S", "F12", "N", "Shift+Tab", "?"]


def test_prose_breaks_between_characters_never_before_a_closing_mark():
    text = "按 N 打开该接访日再按 P 打印，下方两张表可用上下键选择，回车打开事项。"
    for width in range(10, 40):
        lines = fold_lines(text, width)
        assert "".join(lines).replace(" ", "") == text.replace(" ", "")  # nothing lost
        assert all(cell_len(line) <= width for line in lines)
        assert all(line and line[0] not in "，。" for line in lines)
    assert fold_lines("按 N 打开该接访日", 12)[0] == "按 N 打开该"  # the run after "N" is not moved down whole


async def test_help_lists_every_key_of_every_screen_with_its_words(ctx, clerk):
    app = make_app(ctx, clerk)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_interactive(pilot)
        await pilot.press("f1")
        await settle(pilot)
        lines = await read_whole_help(pilot)
    text = "\n".join(lines)
    rows = key_rows(lines)
    for raw in RAW_KEY_NAMES:
        assert raw not in text, raw
    assert "tc、tc" not in text and "退出（Ctrl+Q）" in text  # the palette's aliases once each
    described: set[tuple[str, str]] = set()
    for module, name in HELP_SCREENS:
        cls = getattr(importlib.import_module(module), name)
        for key, binding in class_bindings(cls):
            words = binding_words(binding)
            if not words:
                continue
            shown = [keys for keys, said in rows if said == words and key_label(key) in keys.split(" / ")]
            assert shown, (name, key, words)
            described.add((shown[0], words))
    assert len(described) > 60
    # one key column for the whole help, measured in cells: the words start at one column after 回车 and Ctrl+S
    starts = {cell_len(line[: line.index("  " + words) + 2]) for line in lines for keys, words in described
              if line.startswith(f" {keys} ") and "  " + words in line}
    assert len(starts) == 1, starts
    assert {"回车", "Ctrl+S", "+ / =", "PgDn"} <= {keys for keys, _ in rows}


@pytest.mark.parametrize(("key", "title"), [("f8", "督办看板"), ("f6", "领导接访日历"), ("f2", "登记来访")])
async def test_f1_opens_at_the_section_of_the_screen_it_was_pressed_on(ctx, clerk, key, title):
    app = make_app(ctx, clerk)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_interactive(pilot)
        await pilot.press(key)
        await settle(pilot)
        under = type(app.screen)
        await pilot.press("f1")
        await settle(pilot)
        assert lines_of(app)[1].strip() == f"当前界面：{title}"
        await pilot.press("escape")
        await settle(pilot)
        assert type(app.screen) is under


async def test_f1_on_the_calendar_shows_its_keys_in_full_words(ctx, clerk):
    app = make_app(ctx, clerk)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_interactive(pilot)
        await pilot.press("f6")
        await settle(pilot)
        await pilot.press("f1")
        await settle(pilot)
        rows = dict(key_rows(lines_of(app) + (await read_whole_help(pilot))[:30]))
    assert rows["PgUp"] == "上月" and rows["PgDn"] == "下月" and rows["回车"] == "打开所选接访日"
    assert rows["Y"] == "生成自本月起一年的排班" and rows["R"] == "接访日规则" and rows["T"] == "回到本月"


# -- layout ---------------------------------------------------------------------------------------------------
LONG = "反映本村东头水泥路面开裂下沉多处，雨天积水严重影响村民出行和学生上学，要求尽快修复并加装路灯"


def row_with(app, number: str) -> str:  # noqa: ANN001
    return next(line for line in lines_of(app) if number in line)


async def test_home_demand_column_grows_with_the_terminal(ctx, clerk, register):
    number = register(summaries=(LONG,), received_at=dt.datetime(2026, 11, 1, 9, 0)).numbers[0]  # overdue
    shown = {}
    for size in ((80, 24), (120, 40), (200, 50)):
        app = make_app(ctx, clerk)
        async with app.run_test(size=size) as pilot:
            await wait_interactive(pilot)
            await settle(pilot)
            line = row_with(app, number)
            assert cell_len(line.rstrip()) <= size[0]
            shown[size[0]] = line[line.index("反映"):].split()[0].rstrip("…")  # the demand has no blank
            assert LONG.startswith(shown[size[0]]) and len(shown[size[0]]) >= 10
    assert len(shown[80]) < len(shown[120]) < len(shown[200]) == len(LONG)  # a wider terminal shows more


def footer_line(app) -> str:  # noqa: ANN001
    return lines_of(app)[-1]


async def test_calendar_footer_holds_every_shown_key_at_80_columns(ctx, clerk):
    app = make_app(ctx, clerk)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_interactive(pilot)
        await pilot.press("f6")
        await settle(pilot)
        footer = footer_line(app)
        for item in ("⏎ 打开", "pgup/dn 翻月", "g/y 排月/年", "l 领导", "r 规则", "esc 返回", "^q 退出", "f1 帮助",
                     "^p 命令"):
            assert item in footer, (item, footer)
        for keys in (("y",), ("r",), ("pageup", "pagedown")):  # and each of them works from the keyboard
            assert all(k in app.screen.active_bindings for k in keys)


async def test_home_footer_holds_its_keys_at_80_columns(ctx, clerk, head, register):
    from xfdesk.services import reception as rs

    rs.add_leader(ctx, head, "刘建国", "党委书记")
    rs.generate_schedule(ctx, head, 2026, 11, 2)
    rs.book_matter(ctx, clerk, register(summaries=("要求修复村口便桥",)).matter_ids[0], dt.date(2026, 11, 26))
    app = make_app(ctx, clerk)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_interactive(pilot)
        await settle(pilot)
        footer = footer_line(app)
        for item in ("f2 登记", "f3 查询", "f4 甄别", "f6 接访日", "f8 督办", "n 通知书", "^q 退出", "f1 帮助"):
            assert item in footer, (item, footer)
        await pilot.press("f12")  # off the footer beside N, F12 still locks
        await settle(pilot)
        assert app.locked


# -- due soon: one definition, one wording --------------------------------------------------------------------
def test_due_soon_is_calendar_days_today_included():
    assert due_soon_last_day(TODAY, 5) == TODAY + dt.timedelta(days=5)
    assert is_due_soon(TODAY, TODAY, 5) and is_due_soon(TODAY + dt.timedelta(days=5), TODAY, 5)
    assert not is_due_soon(TODAY + dt.timedelta(days=6), TODAY, 5)
    assert not is_due_soon(TODAY - dt.timedelta(days=1), TODAY, 5)  # overdue is not "due soon"
    assert due_counts_text(2, 3, 5) == "已超期 2 件，5 天内到期 3 件"


@pytest.fixture
def due_office(ctx, register, clerk):
    """Being handled: one late, one due in 3 days; not screened yet: one late, one due in 4 days."""
    from xfdesk.services import handling as h
    from xfdesk.services.screening import screen_matter
    from xfdesk.storage.models import Unit

    ctx.save_setting("fast_track", False)
    with ctx.db.read() as s:
        unit = s.exec(select(Unit.id).where(Unit.name == "城建办")).one()
    for summary, received in (("反映村道路灯长期不亮", dt.date(2026, 9, 2)), ("反映邻居占道堆放杂物", dt.date(2026, 9, 25))):
        mid = register(summaries=(summary,), received_at=dt.datetime.combine(received, dt.time(9))).matter_ids[0]
        screen_matter(ctx, clerk, mid, kind="申诉求决", route="accept", reason_code="accept_claim", suggestions=[],
                      on=received)
        h.notice_delivered(ctx, clerk, mid, on=received)
        h.assign_matter(ctx, clerk, mid, unit, on=received)
    register(summaries=("反映垃圾清运不及时",), received_at=dt.datetime(2026, 11, 1, 9))  # 15 days: late
    register(summaries=("反映水渠淤塞",), received_at=dt.datetime(2026, 11, 10, 9))  # due 11-25


async def test_home_and_supervision_count_due_soon_in_one_wording(ctx, clerk, due_office):
    app = make_app(ctx, clerk)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_interactive(pilot)
        await settle(pilot)
        home = screen_text(app)
        assert "办理中 已超期 1 件，5 天内到期 1 件（F8 督办）" in home
        assert "待甄别 已超期 1 件，5 天内到期 1 件（F4 甄别）" in home
        assert "5 天内到期（按自然日计，含今天）" in home
        await pilot.press("f8")
        await settle(pilot)
        board = screen_text(app)
        assert "办理中 已超期 1 件，5 天内到期 1 件（按自然日计），涉及 1 个单位" in board
        assert all(cell_len(line) <= 80 for line in board.splitlines())


# -- Ctrl+Q with unsaved text ---------------------------------------------------------------------------------
async def test_ctrl_q_asks_when_the_form_holds_text_and_keeps_the_draft(ctx, clerk):
    from xfdesk.services import drafts as draft_store
    from xfdesk.tui.screens.register import DRAFT_KIND, RegisterScreen

    app = make_app(ctx, clerk, ask_drafts=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_interactive(pilot)
        await pilot.press("f2")
        await settle(pilot)
        await type_text(pilot, "张晓明")
        await settle(pilot)
        await pilot.press("ctrl+q")
        await settle(pilot)
        text = screen_text(app)
        assert "登记表有未保存的内容（已存为草稿，下次启动时可恢复）" in text and "确定退出信访接待台吗？" in text
        assert "退出（Y）" in text and "继续填写（N）" in text
        await pilot.press("escape")  # stays, the text where it was
        await settle(pilot)
        assert isinstance(app.screen, RegisterScreen) and "张晓明" in screen_text(app)
        assert app.is_running
        await pilot.press("ctrl+q")
        await settle(pilot)
        await pilot.press("enter")  # quits, the draft kept
        await settle(pilot)
    assert app.return_code == 0 or app.return_code is None
    draft = draft_store.load_draft(ctx.home, DRAFT_KIND, clerk.name)
    assert draft is not None and "张晓明" in str(draft.data)


async def test_ctrl_q_quits_at_once_when_nothing_is_typed(ctx, clerk):
    app = make_app(ctx, clerk, ask_drafts=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_interactive(pilot)
        await pilot.press("f2")
        await settle(pilot)
        await pilot.press("ctrl+q")
        await settle(pilot)
        assert "确定退出" not in screen_text(app)
    assert not app.is_running
