"""The statistics screen (F7, issue 14 item 3): what the clerk sees at 80×24 on a realistic office, the drill-down by
keyboard, and its snapshot."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import TODAY
from tests.test_tui_helpers import make_app, screen_text, wait_interactive

OCTOBER = "2026年10月"


@pytest.fixture
def office(ctx, clerk):  # noqa: ANN001, ANN201
    from xfdesk.services.demo import generate_demo

    generate_demo(ctx, matters=500, seed=3, today=TODAY)  # enough for several ranked units
    return make_app(ctx, clerk)


async def _until(pilot, text: str, timeout: float = 30.0) -> str:  # noqa: ANN001
    waited = 0.0
    while True:
        shown = screen_text(pilot.app)
        if text in shown:
            return shown
        await pilot.pause(0.1)
        waited += 0.1
        if waited > timeout:
            raise AssertionError(f"never shown: {text}\n{shown}")


async def _notified(pilot, text: str, timeout: float = 30.0) -> str:  # noqa: ANN001
    """The message the desk gave (a toast) that contains ``text``."""
    waited = 0.0
    while waited <= timeout:
        found = [str(n.message) for n in pilot.app._notifications if text in str(n.message)]
        if found:
            return found[0]
        await pilot.pause(0.1)
        waited += 0.1
    raise AssertionError(f"never said: {text}")


async def _open(pilot) -> str:  # noqa: ANN001
    await wait_interactive(pilot)
    await pilot.press("f7")
    return await _until(pilot, f"{OCTOBER} 信访工作情况（截至")


async def test_figures_ranking_and_drill_down_by_keyboard(ctx, clerk, office):
    from xfdesk.domain.statistics import month_period
    from xfdesk.services.reports import figure_matters, period_report

    report = period_report(ctx, clerk, month_period("2026-10"))
    handling = report.rate("按期办结率")
    late = figure_matters(ctx, clerk, month_period("2026-10"), "handling_late")
    async with office.run_test(size=(80, 24)) as pilot:
        shown = await _open(pilot)
        rows = {line.split()[0]: line for line in shown.splitlines() if line.split()}
        assert f"{handling.text}" in rows["按期办结率"] and f"{handling.part}/{handling.whole}" in rows["按期办结率"]
        assert str(report.total("信访事项（件）").current) in rows["信访事项"]
        ranked = [u for u in report.ranking if u.position is not None]
        assert ranked and ranked[0].unit in shown and "名次" in shown and "PgUp/Dn 换月" in shown
        for _ in range(7):  # 信访事项 … 按期办结率 is the 8th row
            await pilot.press("down")
        await pilot.press("enter")
        shown = await _until(pilot, f"{OCTOBER} 办理超期：{len(late.lines) + late.withheld} 件")
        if late.lines:
            assert late.lines[0].number in shown
        await pilot.press("escape")
        await _until(pilot, "信访工作情况（截至")
        await pilot.press("tab", "enter")  # the first unit of the ranking: its late matters
        await _until(pilot, f"{OCTOBER} {report.ranking[0].unit} 办理超期")
        await pilot.press("escape")
        await _until(pilot, "信访工作情况（截至")
        await pilot.press("pageup")
        await _until(pilot, "2026年9月 信访工作情况（截至")
        await pilot.press("pagedown", "pagedown")
        await _until(pilot, "2026年11月 信访工作情况（截至")
        await pilot.press("pagedown")  # December has not begun
        await pilot.pause(0.3)
        assert "2026年12月" not in screen_text(pilot.app)


async def test_palette_finds_it_by_tj(office):
    from xfdesk.tui.commands import DESK_COMMANDS, match_command

    best = max(DESK_COMMANDS, key=lambda c: match_command("tj", c))
    assert best.id == "statistics" and best.key == "F7"


def test_statistics_at_80x24(snap_compare, office):
    async def opened(pilot) -> None:  # noqa: ANN001
        await _open(pilot)
        await pilot.pause(0.3)
        pilot.app.clear_notifications()
        await pilot.pause()

    assert snap_compare(office, terminal_size=(80, 24), run_before=opened)


def test_drill_down_at_80x24(snap_compare, office):
    async def drilled(pilot) -> None:  # noqa: ANN001
        await _open(pilot)
        for _ in range(7):
            await pilot.press("down")
        await pilot.press("enter")
        await _until(pilot, "办理超期：")
        await pilot.pause(0.3)
        pilot.app.clear_notifications()
        await pilot.pause()

    assert snap_compare(office, terminal_size=(80, 24), run_before=drilled)


async def test_ledger_and_work_report_from_the_screen(ctx, clerk, office):
    """L writes the month's 台账 (masked) and W issues the 信访工作情况报告, from the desk as from the CLI."""
    from openpyxl import load_workbook

    async with office.run_test(size=(80, 24)) as pilot:
        shown = await _open(pilot)
        assert "l 台账" in shown and "w 报告" in shown  # the keys are in the footer at 80 columns
        await pilot.press("l")
        shown = await _notified(pilot, "已导出信访台账")
        ledger = ctx.home.root / "reports" / f"信访台账（{OCTOBER}）.xlsx"
        sheet = load_workbook(ledger, read_only=True).active
        rows = list(sheet.iter_rows(values_only=True))
        assert rows[0][:3] == ("序号", "编号", "登记日期")
        assert f"{len(rows) - 1}项" in shown
        assert all("*" in (r[5] or "*") for r in rows[1:])  # 身份证号 masked from the desk
        await pilot.press("w")
        await _notified(pilot, "已出具信访工作情况报告")
    issued = list(Path(ctx.home.root).rglob("*.docx"))
    assert len(issued) == 1 and issued[0].stat().st_size > 0


async def test_a_file_that_cannot_be_written_is_one_chinese_line(ctx, office):
    (ctx.home.root / "reports").write_text("not a folder", encoding="utf-8")  # the folder's name is taken
    async with office.run_test(size=(80, 24)) as pilot:
        await _open(pilot)
        await pilot.press("l")
        said = await _notified(pilot, "导出失败")
        assert said.startswith("导出失败：") and "Errno" not in said and "Traceback" not in said
        assert "信访工作情况（截至" in screen_text(pilot.app)  # the desk goes on
