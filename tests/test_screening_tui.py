"""Screening, handling and supervision screens driven by keyboard through Pilot."""

from __future__ import annotations

import datetime as dt

from sqlmodel import select
from textual.app import App
from textual.widgets import DataTable, Input, OptionList, Static

from tests.conftest import TODAY
from tests.test_tui_helpers import screen_text
from xfdesk.domain.privacy import RESTRICTED_NAME
from xfdesk.services import handling as h
from xfdesk.services.screening import screen_matter
from xfdesk.storage.models import Deadline, Document, Event, Matter, Unit
from xfdesk.tui.screens.handling import ActionFormScreen, HandlingScreen
from xfdesk.tui.screens.screening import ScreeningDecisionScreen, ScreeningQueueScreen
from xfdesk.tui.screens.supervision import SupervisionScreen

D = dt.date
LAND = "反映宅基地边界被邻居侵占，要求镇里协调"
LAND_AGAIN = "宅基地边界被邻居侵占，再次要求协调解决"


class ScreenApp(App):
    """The smallest host for one screen: what XfdeskApp gives a screen (ctx, operator, open_matter)."""

    def __init__(self, ctx, operator, make_screen):  # noqa: ANN001
        super().__init__()
        self.ctx = ctx
        self.operator = operator
        self.make_screen = make_screen
        self.opened: list[int] = []

    def on_mount(self) -> None:
        self.push_screen(self.make_screen())

    def open_matter(self, matter_id: int) -> None:
        self.opened.append(matter_id)


def status(ctx, mid) -> str:
    with ctx.db.read() as s:
        return s.get(Matter, mid).status


def actions(ctx, mid) -> list[str]:
    with ctx.db.read() as s:
        return [e.action for e in s.exec(select(Event).where(Event.matter_id == mid).order_by(Event.id))]


def text_of(widget: Static) -> str:
    return str(widget.render())


def option_labels(screen) -> list[str]:  # noqa: ANN001
    options = screen.query_one("#hd-actions", OptionList)
    return [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]


async def close_notice(pilot, kind: str, *, save: bool = False) -> None:  # noqa: ANN001
    """The notice the action calls for opens as a preview: save it (S) or close it (Esc)."""
    from xfdesk.tui.screens.documents import DocumentPreviewScreen

    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, DocumentPreviewScreen) and screen.kind.key == kind
    await pilot.press("s" if save else "escape")
    await pilot.pause()


async def choose_action(pilot, label: str) -> None:  # noqa: ANN001
    """Move the highlight to the action whose label starts with ``label`` using the arrow keys, then Enter."""
    screen = pilot.app.screen
    labels = option_labels(screen)
    index = next(i for i, text in enumerate(labels) if text.startswith(label))
    options = screen.query_one("#hd-actions", OptionList)
    await pilot.press("home", *["down"] * index)
    assert options.highlighted == index
    await pilot.press("enter")
    await pilot.pause()


async def test_screen_accept_then_assign_mediate_fail_reply_follow_up_archive_by_keyboard(ctx, register, clerk):
    mid = register(summaries=("反映村道路灯长期不亮",)).matter_ids[0]
    app = ScreenApp(ctx, clerk, lambda: ScreeningQueueScreen(ctx, clerk))
    async with app.run_test(size=(100, 40)) as pilot:
        table = app.screen.query_one("#sq-table", DataTable)
        assert table.row_count == 1
        await pilot.press("enter")  # 甄别 the highlighted matter
        await pilot.pause()
        assert isinstance(app.screen, ScreeningDecisionScreen)
        await pilot.press("right", "right", "space")  # ① 申诉求决
        await pilot.press("tab")  # ② the first reason is 受理：申诉求决类…
        await pilot.press("enter")  # → ③ 说明
        await pilot.press(*"shudi")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert status(ctx, mid) == "accepted"
        await close_notice(pilot, "acceptance_notice", save=True)  # 受理告知书 issued with its 文号
        assert isinstance(app.screen, ScreeningQueueScreen) and table.row_count == 0

        app.push_screen(HandlingScreen(ctx, clerk, mid))  # the matter screen's H key does this
        await pilot.pause()
        await choose_action(pilot, "交办")
        assert isinstance(app.screen, ActionFormScreen)
        await pilot.press(*"cjb")  # 城建办 by its pinyin initials
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert status(ctx, mid) == "assigned"
        await close_notice(pilot, "transfer_form")

        await choose_action(pilot, "调处")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert status(ctx, mid) == "mediating"

        await choose_action(pilot, "调解未成")
        await pilot.press("ctrl+s")  # the reason is required: refused, nothing written
        await pilot.pause()
        assert isinstance(app.screen, ActionFormScreen)
        assert "请填写未成原因" in screen_text(app)  # at the field, on screen
        assert status(ctx, mid) == "mediating"
        await pilot.press(*"shuangfang fenqi da")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert status(ctx, mid) == "assigned"

        await choose_action(pilot, "答复")
        await pilot.press(*"jssm", "enter")  # 解释说明
        await pilot.press(*"ludeng yi xiufu", "enter")  # facts
        await pilot.press(*"tiaoli di32tiao", "enter")  # basis
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert status(ctx, mid) == "replied"
        await close_notice(pilot, "handling_opinion")

        await choose_action(pilot, "回访")
        await pilot.press(*"dhhf", "enter", *"my")  # 电话回访, 满意
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert status(ctx, mid) == "followed_up"
        await close_notice(pilot, "follow_up_record")

        await choose_action(pilot, "归档")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert status(ctx, mid) == "archived"
    with ctx.db.read() as s:
        m = s.get(Matter, mid)
        unit = s.get(Unit, m.unit_id)
    assert (m.kind, m.reply_result, unit.name) == ("申诉求决", "解释说明", "城建办")
    # the reply ends the 速办 clocks itself (no separate event any more)
    assert actions(ctx, mid) == ["register", "accept", "document_issued", "assign", "start_mediation",
                                 "mediation_failed", "reply", "follow_up", "archive"]
    with ctx.db.read() as s:
        [doc] = s.exec(select(Document).where(Document.matter_id == mid)).all()
        notice = s.exec(select(Deadline).where(Deadline.matter_id == mid, Deadline.name == "notice")).one()
    assert doc.kind == "acceptance_notice" and doc.number_text
    # 受理告知 was met when the 受理告知书 was issued (条例第二十三条), not when the decision was saved
    assert (notice.state, notice.ended_on) == ("met", TODAY)


async def test_not_reaccept_suggestion_is_shown_with_evidence_and_accepted(ctx, register, clerk):
    from tests.conftest import make_id_number

    person = make_id_number(serial=555)
    at = dt.datetime(2026, 3, 2, 9, 0)
    first = register(id_number=person, summaries=(LAND,), received_at=at).matter_ids[0]
    screen_matter(ctx, clerk, first, kind="申诉求决", route="accept", reason_code="accept_claim", suggestions=[],
                  on=D(2026, 3, 3))
    with ctx.db.read() as s:
        unit = s.exec(select(Unit.id).where(Unit.name == "司法所")).one()
        first_number = s.get(Matter, first).number
    h.assign_matter(ctx, clerk, first, unit, on=D(2026, 3, 3))
    h.reply_matter(ctx, clerk, first, result="不予支持", facts="边界清楚", basis="有关规定", on=D(2026, 4, 1))
    h.request_review(ctx, clerk, first, level=1, requested_on=D(2026, 4, 15))
    h.conclude_review(ctx, clerk, first, result="维持", opinion="维持", on=D(2026, 5, 10))
    h.request_review(ctx, clerk, first, level=2, requested_on=D(2026, 5, 20))
    h.conclude_review(ctx, clerk, first, result="维持", opinion="维持", on=D(2026, 6, 15))
    again = register(id_number=person, summaries=(LAND_AGAIN,)).matter_ids[0]

    plain_one = register(summaries=("反映村道路灯长期不亮",)).matter_ids[0]
    app = ScreenApp(ctx, clerk, lambda: ScreeningQueueScreen(ctx, clerk))
    async with app.run_test(size=(100, 40)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        table = app.screen.query_one("#sq-table", DataTable)
        marks = [str(table.get_row(str(i))[0]) for i in (again, plain_one)]
        assert marks == ["★", ""]  # the matter with a suggestion is marked in the list at a glance
        assert "1 件有系统建议" in text_of(app.screen.query_one("#sq-count", Static))
        shown = text_of(app.screen.query_one("#sq-suggest", Static))
        assert "建议不再受理" in shown and first_number in shown
        assert "2026年6月15日" in shown and "复核" in shown  # the evidence: which matter, which dates
        await pilot.press("a")  # 采纳建议
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ScreeningDecisionScreen)
        assert screen.selected_reason().code == "nra_re_review_done"
        assert "第三十六条" in text_of(screen.query_one("#sd-basis", Static))
        await pilot.press("ctrl+s")  # kind not chosen yet: refused, nothing written
        await pilot.pause()
        assert "事项性质" in text_of(screen.query_one("#sd-error", Static))
        assert status(ctx, again) == "registered"
        await pilot.press("right", "right", "space")  # 申诉求决 (the kind set is focused after the refusal)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert status(ctx, again) == "not_reaccepted"
        await close_notice(pilot, "non_reacceptance_notice", save=True)  # 不再受理告知书
    with ctx.db.read() as s:
        assert [d.kind for d in s.exec(select(Document).where(Document.matter_id == again))] == [
            "non_reacceptance_notice"]
    with ctx.db.read() as s:
        ev = s.exec(select(Event).where(Event.matter_id == again, Event.action == "not_reaccept")).one()
    assert ev.data["suggestion_outcome"] == "accepted"
    assert ev.data["suggestions"][0]["evidence"][0]["number"] == first_number


async def test_clerk_is_blocked_from_approving_an_extension_and_the_head_approves(ctx, register, clerk, head):
    mid = register(summaries=("反映村道路灯长期不亮",)).matter_ids[0]
    screen_matter(ctx, clerk, mid, kind="申诉求决", route="accept", reason_code="accept_claim", suggestions=[])
    with ctx.db.read() as s:
        unit = s.exec(select(Unit.id).where(Unit.name == "城建办")).one()
    h.assign_matter(ctx, clerk, mid, unit)

    app = ScreenApp(ctx, clerk, lambda: HandlingScreen(ctx, clerk, mid))
    async with app.run_test(size=(100, 40)) as pilot:
        assert any(label.startswith("延期（须信访办主任批准）") for label in option_labels(app.screen))
        await choose_action(pilot, "延期")
        assert isinstance(app.screen, HandlingScreen)  # no form: refused at once
        assert "须经信访办主任批准" in text_of(app.screen.query_one("#hd-message", Static))
    assert "extend" not in actions(ctx, mid)

    app = ScreenApp(ctx, head, lambda: HandlingScreen(ctx, head, mid))
    async with app.run_test(size=(100, 40)) as pilot:
        await choose_action(pilot, "延期")
        assert isinstance(app.screen, ActionFormScreen)
        days = app.screen.query_one("#af-days", Input)
        assert days.value == "30"
        await pilot.press("backspace", "backspace", *"20", "enter", *"xianchang celiang")
        await pilot.press("ctrl+s")
        await pilot.pause()
        # the 延期办理告知书 was issued with the 延期 itself (条例第三十四条): nothing left to offer
        assert isinstance(app.screen, HandlingScreen)
    assert "extend" in actions(ctx, mid)
    with ctx.db.read() as s:
        assert s.get(Matter, mid).extension_days == 20
        [doc] = s.exec(select(Document).where(Document.matter_id == mid)).all()
    assert doc.kind == "extension_notice" and doc.number_text


async def test_clerk_lists_show_an_accusation_without_identity(ctx, register, clerk, head):
    secret = register(name="赵六", summaries=("举报村干部虚报冒领低保",), kind="检举控告").matter_ids[0]
    app = ScreenApp(ctx, clerk, lambda: ScreeningQueueScreen(ctx, clerk))
    async with app.run_test(size=(100, 40)) as pilot:
        table = app.screen.query_one("#sq-table", DataTable)
        row = [str(c) for c in table.get_row_at(0)]
        assert RESTRICTED_NAME in row and "赵六" not in " ".join(row)
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("tab")
        await pilot.press("ctrl+s")  # kind 检举控告 came from registration; first reason 受理
        await pilot.pause()
        await close_notice(pilot, "acceptance_notice")
    assert status(ctx, secret) == "accepted"
    assert "view_restricted" in actions(ctx, secret)  # the decision screen was a view of it
    with ctx.db.read() as s:
        unit = s.exec(select(Unit.id).where(Unit.name == "纪委")).one()
    h.assign_matter(ctx, clerk, secret, unit, on=D(2026, 11, 21))
    with ctx.db.write() as s:  # make it due soon so that it is on the board
        m = s.get(Matter, secret)
        m.due_on = D(2026, 11, 23)
        s.add(m)

    for operator, expected in ((clerk, RESTRICTED_NAME), (head, "赵六")):
        app = ScreenApp(ctx, operator, lambda op=operator: SupervisionScreen(ctx, op))
        async with app.run_test(size=(120, 40)) as pilot:
            board = app.screen.query_one("#sv-board", DataTable)
            row = [str(c) for c in board.get_row_at(0)]
            assert expected in row
            if operator is clerk:
                assert "赵六" not in " ".join(row)
                await pilot.press("s")  # 督办 from the board
                await pilot.pause()
                assert isinstance(app.screen, ActionFormScreen)
                await pilot.press(*"qing jinkuai banli")
                await pilot.press("ctrl+s")
                await pilot.pause()
                assert isinstance(app.screen, SupervisionScreen)
                assert "1次" in [str(c) for c in board.get_row_at(0)]
                await pilot.press("i")
                issued = app.screen.query_one("#sv-issued", DataTable)
                assert issued.row_count == 1
    assert "supervise" in actions(ctx, secret)


async def test_the_desk_opens_queue_board_and_handling_by_keys(ctx, register, clerk):
    from xfdesk.tui.app import XfdeskApp
    from xfdesk.tui.screens.matter import MatterScreen

    mid = register(summaries=("反映村道路灯长期不亮",)).matter_ids[0]
    app = XfdeskApp(home=ctx.home, ctx=ctx, operator=clerk, ask_drafts=False)
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.pause()
        await pilot.press("f4")
        await pilot.pause()
        assert isinstance(app.screen, ScreeningQueueScreen)
        await pilot.press("escape", "f8")
        await pilot.pause()
        assert isinstance(app.screen, SupervisionScreen)
        await pilot.press("escape")
        app.open_matter(mid)
        await pilot.pause()
        assert isinstance(app.screen, MatterScreen)
        await pilot.press("h")  # 办理 from the matter screen
        await pilot.pause()
        assert isinstance(app.screen, HandlingScreen)
        assert option_labels(app.screen)[0].startswith("甄别")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ScreeningDecisionScreen)


async def test_queue_at_80x24_shows_the_flags_and_every_key(ctx, register, clerk):
    from tests.test_tui_helpers import screen_text
    from tests.test_tui_shell import footer_problems

    register(name="钟群", headcount=6, summaries=("赣南鞋业公司拖欠六名工人三个月工资共计四万余元",))
    app = ScreenApp(ctx, clerk, lambda: ScreeningQueueScreen(ctx, clerk))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert footer_problems(app) == []
        lines = screen_text(app).splitlines()
        assert any("标记" in line for line in lines)
        row = next(line for line in lines if "钟群" in line)
        assert "集体访" in row  # the 标记 column is inside 80 columns


async def test_supervision_board_at_80x24_shows_the_due_date_and_every_key(ctx, register, clerk):
    from tests.test_tui_helpers import screen_text
    from tests.test_tui_shell import footer_problems

    mid = register(summaries=("反映村道路灯长期不亮",)).matter_ids[0]
    screen_matter(ctx, clerk, mid, kind="申诉求决", route="accept", reason_code="accept_claim", suggestions=[])
    with ctx.db.read() as s:
        unit = s.exec(select(Unit.id).where(Unit.name == "城建办")).one()
    h.assign_matter(ctx, clerk, mid, unit)
    due = ctx.today() + dt.timedelta(days=3)
    with ctx.db.write() as s:  # due soon, so that it is on the board
        m = s.get(Matter, mid)
        m.due_on = due
        s.add(m)
    app = ScreenApp(ctx, clerk, lambda: SupervisionScreen(ctx, clerk))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert footer_problems(app) == []
        lines = screen_text(app).splitlines()
        assert any("届满" in line for line in lines)
        row = next(line for line in lines if "城建办" in line)
        assert due.strftime("%m-%d") in row and "剩3天" in row
        assert "+/-" in lines[-1]  # both day keys under one footer entry
        for _ in range(3):
            await pilot.press("minus")
        await pilot.pause()
        assert app.screen.within == ctx.settings.due_soon_days - 3
        assert not any("城建办" in line for line in screen_text(app).splitlines())  # 3 days no longer within 2


async def test_a_decision_without_its_notice_stays_owed_until_handed_over_on_the_spot(ctx, register, clerk):
    """不予受理 with the preview closed by Esc: the 受理告知 clock keeps running and 归档 waits for it; 当场告知 from
    the handling list ends it (条例第二十三条)."""
    mid = register(summaries=("反映村道路灯长期不亮",)).matter_ids[0]
    screen_matter(ctx, clerk, mid, kind="申诉求决", route="not_accept", reason_code="na_skip_level", suggestions=[])
    app = ScreenApp(ctx, clerk, lambda: HandlingScreen(ctx, clerk, mid))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        labels = option_labels(app.screen)
        assert labels[:2] == ["当场告知", "归档（须先书面告知信访人）"]
        await choose_action(pilot, "归档")
        assert isinstance(app.screen, HandlingScreen)  # no form: refused at once, with the reason
        assert "尚未书面告知信访人" in text_of(app.screen.query_one("#hd-message", Static))
        await choose_action(pilot, "当场告知")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, HandlingScreen)
        assert "当场告知" not in option_labels(app.screen)  # done: no longer offered
    with ctx.db.read() as s:
        notice = s.exec(select(Deadline).where(Deadline.matter_id == mid, Deadline.name == "notice")).one()
    assert (notice.state, notice.on_time) == ("met", True)
    assert actions(ctx, mid)[-1] == "notice_delivered" and status(ctx, mid) == "not_accepted"
