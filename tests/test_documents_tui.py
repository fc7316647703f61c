"""Document screens driven by keyboard through Pilot: choose → preview (literal text) → save / save and print;
a day's batch printing with a failing and a working printer."""

from __future__ import annotations

import os
from pathlib import Path

from sqlmodel import select
from textual.app import App
from textual.widgets import DataTable, OptionList, Static

from tests.conftest import TODAY
from xfdesk.documents.fields import NUMBER_PLACEHOLDER
from xfdesk.services.lifecycle import apply_action
from xfdesk.storage.models import Document, Event
from xfdesk.tui.screens.documents import ChooseDocumentScreen, DayPrintScreen, DocumentPreviewScreen

MARKUP_NAME = "[b]欧阳[/b]青"  # would turn bold (and lose the brackets) if it were ever parsed as markup

async def _done(pilot) -> None:  # noqa: ANN001
    """After a key: its worker (rendering, printing) has finished and what it posted back is on screen."""
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()



class Host(App):
    def __init__(self, make_screen):  # noqa: ANN001
        super().__init__()
        self.make_screen = make_screen
        self.dismissed: list = []

    def on_mount(self) -> None:
        self.push_screen(self.make_screen(), self.dismissed.append)


def _text(widget: Static) -> str:
    return str(widget.content)


def _accepted(register, ctx, clerk) -> int:  # noqa: ANN001
    mid = register(name=MARKUP_NAME).matter_ids[0]
    apply_action(ctx, clerk, mid, "accept", reason="属于本机关职权范围")
    return mid


def _documents(ctx) -> list[Document]:  # noqa: ANN001
    """The issued documents as the service hands them out (file paths in this data folder)."""
    from xfdesk.services.documents import stored_path

    with ctx.db.read() as session:
        docs = list(session.exec(select(Document).order_by(Document.id)))
    for d in docs:
        d.file_path = str(stored_path(ctx, d))
    return docs


async def test_choose_preview_and_save_with_one_key(ctx, clerk, register):
    mid = _accepted(register, ctx, clerk)
    app = Host(lambda: ChooseDocumentScreen(ctx, clerk, mid))
    async with app.run_test(size=(110, 40)) as pilot:
        await _done(pilot)
        chooser = app.screen
        assert isinstance(chooser, ChooseDocumentScreen)
        options = chooser.query_one(OptionList)
        first = str(options.get_option_at_index(0).prompt)
        assert "受理告知书" in first and first.startswith("★")  # the likely one for an accepted matter is first
        await pilot.press("enter")
        await _done(pilot)
        preview = app.screen
        assert isinstance(preview, DocumentPreviewScreen)
        body = _text(preview.query_one("#doc-body", Static))
        assert f"{MARKUP_NAME}：" in body and NUMBER_PLACEHOLDER in body
        assert _documents(ctx) == []  # previewing takes no number
        await pilot.press("s")
        await _done(pilot)
        assert isinstance(app.screen, ChooseDocumentScreen)
        assert chooser.query_one("#issued", DataTable).row_count == 1  # the new document is listed for reprint
        await pilot.press("r")
        await _done(pilot)
        assert chooser.print_result is not None and chooser.print_result.path == Path(_documents(ctx)[0].file_path)
    docs = _documents(ctx)
    assert [d.number_text for d in docs] == ["琴信受告〔2026〕1号"] and Path(docs[0].file_path).exists()


async def test_preview_of_a_broken_template_says_why_and_saves_nothing(ctx, clerk, register):
    mid = _accepted(register, ctx, clerk)
    own = ctx.home.templates / "受理告知书.docx"
    from docx import Document as Docx

    d = Docx()
    d.add_paragraph("{{ 信访人性名 }}")
    d.save(own)
    app = Host(lambda: DocumentPreviewScreen(ctx, clerk, "acceptance_notice", matter_id=mid))
    async with app.run_test(size=(110, 40)) as pilot:
        await _done(pilot)
        assert "信访人性名" in _text(app.screen.query_one("#doc-body", Static))
        await pilot.press("s")
        await _done(pilot)
        assert isinstance(app.screen, DocumentPreviewScreen)  # stays open; nothing saved
        await pilot.press("escape")
        await _done(pilot)
    assert _documents(ctx) == [] and app.dismissed == [None]


def _lp(folder: Path, fail: bool) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    script = folder / "lp"
    script.write_text("#!/bin/sh\n" + ("echo 'lp: 打印机脱机' >&2; exit 1\n" if fail else
                                      f"echo \"$@\" >> '{folder}/printed.log'\n"), encoding="utf-8")
    script.chmod(0o755)
    return folder


async def test_save_and_print_failure_keeps_the_document(ctx, clerk, register, tmp_path, monkeypatch):
    mid = _accepted(register, ctx, clerk)
    monkeypatch.setenv("PATH", f"{_lp(tmp_path / 'bad', True)}{os.pathsep}{os.environ['PATH']}")
    app = Host(lambda: DocumentPreviewScreen(ctx, clerk, "acceptance_notice", matter_id=mid))
    async with app.run_test(size=(110, 40)) as pilot:
        await _done(pilot)
        screen = app.screen
        await pilot.press("p")
        await _done(pilot)
        assert screen.print_result is not None and not screen.print_result.ok
        assert "打印机脱机" in screen.print_result.message
    docs = _documents(ctx)
    assert len(docs) == 1 and Path(docs[0].file_path).exists() and app.dismissed == [docs[0]]


async def test_day_print_screen_generates_and_prints_the_day(ctx, clerk, head, register, tmp_path, monkeypatch):
    from xfdesk.services import reception as rs

    mid = _accepted(register, ctx, clerk)
    rs.add_leader(ctx, head, "陈志强", "镇长")
    rs.generate_schedule(ctx, head, 2026, 11, 2)
    day = next(d for d in rs.upcoming_days(ctx, start=TODAY, limit=4) if d.day > TODAY)
    rs.book_matter(ctx, clerk, mid, day.day)
    log = _lp(tmp_path / "ok", False)
    monkeypatch.setenv("PATH", f"{log}{os.pathsep}{os.environ['PATH']}")
    app = Host(lambda: DayPrintScreen(ctx, clerk, day.id))
    async with app.run_test(size=(120, 40)) as pilot:
        await _done(pilot)
        screen = app.screen
        table = screen.query_one(DataTable)
        assert table.row_count == 0
        await pilot.press("g")
        await _done(pilot)
        kinds = sorted(d.kind for d in screen.documents)
        assert kinds == ["leader_brief", "leader_reception_notice", "reception_schedule"]
        assert table.row_count == 3
        await pilot.press("a")
        await _done(pilot)
        assert all(r.ok for _, r in screen.results) and len(screen.results) == 3
    printed = (log / "printed.log").read_text(encoding="utf-8").splitlines()
    assert len(printed) == 3 and all(line.endswith(".docx") for line in printed)


async def test_notice_offered_after_a_screening_action(ctx, clerk, register):
    from xfdesk.tui.screens.documents import notice_after_action

    mid = register(name="李四").matter_ids[0]
    apply_action(ctx, clerk, mid, "not_accept", reason="越级走访", changes={"route_basis": "《信访工作条例》第二十条"})
    assert notice_after_action(ctx, clerk, mid, "pause_clock") is None
    app = Host(lambda: notice_after_action(ctx, clerk, mid, "not_accept"))
    async with app.run_test(size=(110, 40)) as pilot:
        await _done(pilot)
        body = _text(app.screen.query_one("#doc-body", Static))
        assert "信访事项不予受理告知书" in body and "越级走访" in body
        await pilot.press("s")
        await _done(pilot)
    assert [d.kind for d in _documents(ctx)] == ["non_acceptance_notice"]


async def test_a_second_notice_for_the_same_step_is_asked_first_then_confirmed_by_the_same_key(ctx, clerk,
                                                                                              register):
    from xfdesk.services import documents as ds

    mid = _accepted(register, ctx, clerk)
    first = ds.issue_document(ctx, clerk, "acceptance_notice", matter_id=mid)
    app = Host(lambda: DocumentPreviewScreen(ctx, clerk, "acceptance_notice", matter_id=mid))
    async with app.run_test(size=(80, 24)) as pilot:
        await _done(pilot)
        screen = app.screen
        await pilot.press("s")
        for _ in range(40):
            await _done(pilot)
            if app._notifications:
                break
        asked = [n.message for n in app._notifications]
        assert any(first.number_text in m and "再按一次" in m and "重印" in m for m in asked), asked
        assert app.screen is screen and len(_documents(ctx)) == 1  # nothing issued yet
        await pilot.press("s")
        for _ in range(40):
            await _done(pilot)
            if app.dismissed:
                break
    docs = _documents(ctx)
    assert [d.number_text for d in docs] == [first.number_text, "琴信受告〔2026〕2号"]


async def test_a_notice_the_state_does_not_allow_says_why_in_the_preview(ctx, clerk, register):
    mid = _accepted(register, ctx, clerk)
    app = Host(lambda: DocumentPreviewScreen(ctx, clerk, "non_acceptance_notice", matter_id=mid))
    async with app.run_test(size=(80, 24)) as pilot:
        await _done(pilot)
        body = _text(app.screen.query_one("#doc-body", Static))
        assert "已受理" in body and "不能出具“不予受理告知书”" in body
        await pilot.press("s")
        await _done(pilot)
    assert _documents(ctx) == []


async def test_chooser_lists_only_what_the_lifecycle_table_allows(ctx, clerk, register):
    """An accepted matter: the table refuses 不予受理/不再受理/复查/复核/督办 notices, so they are greyed with the
    table's reason and Enter on them opens nothing; what can be issued is listed first and opens the preview."""
    from tests.test_tui_helpers import screen_text
    from xfdesk.domain.lifecycle import notice_refusal_reason
    from xfdesk.services.documents import document_choices

    mid = _accepted(register, ctx, clerk)
    app = Host(lambda: ChooseDocumentScreen(ctx, clerk, mid))
    async with app.run_test(size=(80, 40)) as pilot:
        await pilot.pause()
        chooser = app.screen
        shown = screen_text(app)
        assert "事项状态：已受理" in shown
        lines = shown.splitlines()
        refused_line = next(line for line in lines if "不予受理告知书" in line)
        assert "尚未“不予受理”" in refused_line  # the reason, on the kind's own line
        review_line = next(line for line in lines if "复查意见书" in line)
        assert "尚未“复查结论”" in review_line
        assert lines.index(refused_line) > next(i for i, line in enumerate(lines) if "受理告知书" in line
                                                and "不予" not in line and "不再" not in line)
        # the reason shown is the one issuing gives: every refused kind, and none the table allows
        choices = document_choices(ctx, mid)
        with ctx.db.read() as session:
            actions = [e.action for e in session.exec(select(Event).where(Event.matter_id == mid))]
        for choice in choices:
            assert choice.refusal == notice_refusal_reason(choice.key, "accepted", actions)
        assert {c.key for c in choices if c.refusal} >= {"non_acceptance_notice", "non_reacceptance_notice",
                                                          "review_opinion", "re_review_opinion",
                                                          "supervision_letter"}
        assert chooser.kinds == [c.key for c in choices if c.refusal is None]
        options = chooser.query_one(OptionList)
        refused = [options.get_option_at_index(i) for i in range(options.option_count)
                   if options.get_option_at_index(i).id == "non_acceptance_notice"]
        assert refused and refused[0].disabled
        for _ in range(options.option_count + 2):  # the cursor never lands on a refused kind
            await pilot.press("down")
            assert options.highlighted is None or not options.get_option_at_index(options.highlighted).disabled
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, DocumentPreviewScreen)
        assert app.screen.kind.key in {c.key for c in choices if c.refusal is None}
