"""A clerk's session cannot reach a 检举控告 accuser's identity nor the report's text through any command, TUI
screen, document kind or export (issue 12 §6), the person's other matters are never linked to the report, and every
view of the restricted matter is in the audit log. Each CLI path is tried as the clerk 王芳, signed in; each TUI
screen is read from its rendered cells."""

from __future__ import annotations

import json

import pytest

from tests.conftest import CLERK_NAME, HEAD_NAME, TEST_PASSWORD, make_id_number, sample_contact
from xfdesk.cli.app import run
from xfdesk.documents.kinds import KINDS, Scope
from xfdesk.domain.privacy import RESTRICTED_TEXT

NAME, PHONE = "何新根", "13911112222"
ID_NUMBER = make_id_number(serial=5)
# the report's words: the summary starts with a marker, so a cut cell still shows it; the details carry another
SUMMARY = "密标QX7731检举村干部侵占集体土地补偿款"
DETAILS = "详标ZK5580补偿款账目与签字不符"
ORDINARY = "反映自家宅基地边界纠纷"  # the same person's ordinary matter: never linked to the report for a clerk
DAY = "2026-11-26"


@pytest.fixture
def office(ctx, clerk, head):
    from xfdesk.services import reception as rs
    from xfdesk.services.handling import assign_matter
    from xfdesk.services.registration import register_contact
    from xfdesk.services.screening import screen_matter
    from xfdesk.storage.models import Unit

    contact = sample_contact(name=NAME, id_number=ID_NUMBER, phone=PHONE, summaries=(SUMMARY,), kind="检举控告")
    contact.matters[0].details = DETAILS
    made = register_contact(ctx, clerk, contact)
    mid = made.matter_ids[0]
    screen_matter(ctx, head, mid, kind="检举控告", route="accept", reason_code="accept_accusation", suggestions=[])
    with ctx.db.read() as session:
        unit = session.exec(__import__("sqlmodel").select(Unit).where(Unit.active == True)).first()  # noqa: E712
    assign_matter(ctx, head, mid, unit.id)
    rs.add_leader(ctx, head, "刘建国", "党委书记")
    rs.generate_schedule(ctx, head, 2026, 11, 2)
    appt = rs.book_matter(ctx, head, mid, __import__("datetime").date.fromisoformat(DAY))
    number = f"XF-2026-{mid:06d}"
    return ctx, number, mid, made.petitioner_ids[0], unit.name, appt.id


@pytest.fixture
def linked(office, clerk):
    """The office, and the accuser's own ordinary matter (a visit about his house): the person is known to a clerk,
    the report is not, and nothing shown to the clerk ties the two."""
    from xfdesk.services.registration import register_contact

    ctx, number, mid, pid, *_ = office
    made = register_contact(ctx, clerk, sample_contact(name=NAME, id_number=ID_NUMBER, phone=PHONE,
                                                       summaries=(ORDINARY,), existing_id=pid))
    return office, f"XF-2026-{made.matter_ids[0]:06d}"


def as_user(ctx, capsys, monkeypatch, user, *args):  # noqa: ANN001
    monkeypatch.setenv("XFDESK_USER", user)
    monkeypatch.setenv("XFDESK_PASSWORD", TEST_PASSWORD)
    capsys.readouterr()
    code = run(["--home", str(ctx.home.root), *args])
    out, err = capsys.readouterr()
    return code, out + err


def leaks(text: str) -> list[str]:
    """Whatever of the accuser or the report shows in ``text``."""
    return [x for x in (NAME, PHONE, ID_NUMBER, ID_NUMBER[-6:], "身份证号：3607", "密标", "QX7731", "ZK5580",
                        "侵占集体土地") if x in text]


def leaks_report(text: str) -> list[str]:
    return [x for x in leaks(text) if x not in (NAME, PHONE, ID_NUMBER, ID_NUMBER[-6:], "身份证号：3607")]


def _xlsx_text(path) -> str:  # noqa: ANN001
    from openpyxl import load_workbook

    book = load_workbook(path, read_only=True)
    return "\n".join(str(c) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True)
                     for c in row if c is not None)


def _document_args(kind, number: str, unit: str, appt: int) -> list[str]:  # noqa: ANN001
    if kind.scope == Scope.MATTER:
        return ["--matter", number]
    if kind.scope == Scope.DAY:
        if kind.key in ("leader_reception_notice", "supervision_notice"):
            return ["--appointment", str(appt), "--unit", unit]
        return ["--day", DAY, "--unit", unit]
    if kind.scope == Scope.UNIT:
        return ["--unit", unit]
    return ["--day", DAY]


def test_no_command_shows_the_accuser_or_the_report_to_a_clerk(office, capsys, monkeypatch, tmp_path):
    ctx, number, _mid, _pid, unit, appt = office
    paths = [
        ["search", "检举村干部"], ["search", "QX7731"], ["search", number], ["search", "--json", "检举村干部"],
        ["search", "--json", number],
        ["matter", "list"], ["matter", "list", "--json"], ["matter", "show", number], ["matter", "show", number, "--json"],
        ["matter", "actions", number], ["matter", "actions", number, "--json"],
        ["stats", "--by", "村"], ["stats", "--by", "类别", "--json"], ["stats", "--by", "单位"],
        ["schedule", "show", "--month", "2026-11"], ["schedule", "show", "--month", "2026-11", "--json"],
        ["report", "matters", "received"],
        ["export", str(tmp_path / "out.json")], ["export", "--xlsx", str(tmp_path / "out.xlsx")],
        ["doc", "list", "--matter", number],
    ]
    paths += [["doc", "render", kind.key, *_document_args(kind, number, unit, appt), "--preview"] for kind in KINDS]
    shown, refused = {}, []
    for args in paths:
        code, text = as_user(ctx, capsys, monkeypatch, CLERK_NAME, *args)
        for written in (tmp_path / "out.json", tmp_path / "out.xlsx"):
            if args[0] == "export" and str(written) in args and written.exists():
                text += _xlsx_text(written) if written.suffix == ".xlsx" else written.read_text(encoding="utf-8")
        assert "Traceback" not in text, (args, text)
        if args[0] == "search":
            text = text.replace(args[-1], "")  # the clerk's own typing, echoed back ("没有找到…"), tells nothing
        if args[:2] == ["doc", "render"] and code != 0:
            refused.append(args[2])
        shown[" ".join(args)] = leaks(text)
    assert {path: found for path, found in shown.items() if found} == {}
    # the documents of this one matter are the head's; the day's lists without names reach the clerk masked
    assert "acceptance_notice" in refused and "unit_attendance_notice" not in refused
    code, text = as_user(ctx, capsys, monkeypatch, CLERK_NAME, "doc", "render", "unit_attendance_notice", "--day", DAY,
                         "--unit", unit, "--preview")
    assert code == 0 and RESTRICTED_TEXT in text and number in text
    # the report's words find nothing for a clerk; its number finds it, with the placeholder
    code, text = as_user(ctx, capsys, monkeypatch, CLERK_NAME, "search", "--json", "检举村干部")
    assert json.loads(text[text.index("{"):])["matters"] == []
    code, text = as_user(ctx, capsys, monkeypatch, CLERK_NAME, "search", "--json", number)
    [hit] = json.loads(text[text.index("{"):])["matters"]
    assert hit["summary"] == RESTRICTED_TEXT
    code, text = as_user(ctx, capsys, monkeypatch, CLERK_NAME, "matter", "show", number, "--json")
    detail = json.loads(text[text.index("{"):])
    assert detail["summary"] == detail["details"] == RESTRICTED_TEXT and detail["petitioner"] is None


def test_the_persons_other_matters_are_never_linked_to_the_report_for_a_clerk(linked, capsys, monkeypatch,
                                                                                 tmp_path):
    (ctx, number, *_), ordinary = linked
    for term in (NAME, "大畲", PHONE, ordinary):  # the person and his ordinary matter: never the report
        code, text = as_user(ctx, capsys, monkeypatch, CLERK_NAME, "search", "--json", term)
        found = json.loads(text[text.index("{"):])
        assert all(p["matter_count"] == 1 for p in found["people"] if p["name"] == NAME), text
        assert all(number != m["number"] for m in found["matters"]) and not leaks_report(text), text
    for args in (["matter", "show", ordinary], ["matter", "show", ordinary, "--json"], ["matter", "list"],
                 ["export", str(tmp_path / "out.json")]):
        code, text = as_user(ctx, capsys, monkeypatch, CLERK_NAME, *args)
        if args[0] == "export":
            text = (tmp_path / "out.json").read_text(encoding="utf-8")
            assert number not in text
        assert code == 0 and not leaks_report(text), (args, text)
    code, text = as_user(ctx, capsys, monkeypatch, CLERK_NAME, "matter", "show", number)
    assert ordinary not in text and NAME not in text  # nor from the report to the person
    code, text = as_user(ctx, capsys, monkeypatch, HEAD_NAME, "search", "--json", NAME)
    assert [p["matter_count"] for p in json.loads(text[text.index("{"):])["people"] if p["name"] == NAME] == [2]


def test_the_head_sees_the_accuser_and_the_report_and_every_view_is_audited(office, capsys, monkeypatch):
    ctx, number, *_ = office
    code, text = as_user(ctx, capsys, monkeypatch, HEAD_NAME, "matter", "show", number)
    assert code == 0 and NAME in text and SUMMARY in text and DETAILS in text
    code, text = as_user(ctx, capsys, monkeypatch, HEAD_NAME, "search", "检举村干部")
    assert code == 0 and number in text
    code, text = as_user(ctx, capsys, monkeypatch, HEAD_NAME, "doc", "render", "acceptance_notice", "--matter", number,
                         "--preview")
    assert code == 0 and NAME in text
    code, text = as_user(ctx, capsys, monkeypatch, CLERK_NAME, "matter", "show", number)
    assert code == 0 and NAME not in text and RESTRICTED_TEXT in text
    code, text = as_user(ctx, capsys, monkeypatch, HEAD_NAME, "audit")
    assert code == 0
    views = [line for line in text.splitlines() if "查看检举控告事项" in line and number in line]
    assert any(HEAD_NAME in line and "含信访人身份" in line for line in views), text
    assert any(CLERK_NAME in line and "身份已隐藏" in line for line in views), text


async def test_no_screen_shows_the_accuser_or_the_report_to_a_clerk(linked, clerk, head):
    import datetime as dt

    from tests.test_tui_helpers import make_app, screen_text, settle, type_text, wait_interactive
    from xfdesk.tui.screens.handling import HandlingScreen
    from xfdesk.tui.screens.matter import MatterScreen
    from xfdesk.tui.screens.person import PersonScreen
    from xfdesk.tui.screens.reception import BookMatterScreen, ReceptionCalendarScreen, ReceptionDayScreen
    from xfdesk.tui.screens.screening import ScreeningQueueScreen
    from xfdesk.tui.screens.search import SearchScreen
    from xfdesk.tui.screens.supervision import SupervisionScreen

    (ctx, number, mid, pid, _unit, _appt), ordinary = linked
    day = dt.date.fromisoformat(DAY)
    screens = {
        "home": None,
        "search by words": lambda: SearchScreen(ctx, clerk, "检举村干部"),
        "search by name": lambda: SearchScreen(ctx, clerk, NAME),
        "search by number": lambda: SearchScreen(ctx, clerk, number),
        "matter": lambda: MatterScreen(ctx, clerk, mid),
        "handling": lambda: HandlingScreen(ctx, clerk, mid),
        "person": lambda: PersonScreen(ctx, clerk, pid),
        "screening queue": lambda: ScreeningQueueScreen(ctx, clerk),
        "supervision": lambda: SupervisionScreen(ctx, clerk, 400),
        "reception calendar": lambda: ReceptionCalendarScreen(ctx, clerk, (2026, 11)),
        "reception day": lambda: ReceptionDayScreen(ctx, clerk, day),
        "booking": lambda: BookMatterScreen(ctx, clerk, mid),
    }
    shown = {}
    app = make_app(ctx, clerk)
    async with app.run_test(size=(160, 50)) as pilot:
        await wait_interactive(pilot)
        for name, make in screens.items():
            if make is not None:
                await app.push_screen(make())
            await settle(pilot, 0.4)
            text = screen_text(app)
            # the person (with his ordinary matter) may show on the home screen, his page, a search for him, the queue
            about_him = name in ("home", "person", "search by name", "screening queue")  # his ordinary matter
            shown[name] = (leaks_report(text) if about_him else leaks(text), text)
            if make is not None:
                app.pop_screen()
                await settle(pilot)
        assert {name: found for name, (found, _text) in shown.items() if found} == {}
        assert RESTRICTED_TEXT in shown["matter"][1] and number in shown["matter"][1]
        assert RESTRICTED_TEXT in shown["reception day"][1]
        assert ORDINARY in shown["person"][1] and number not in shown["person"][1]  # not linked to the report
        assert ordinary in shown["search by name"][1]
        assert number not in shown["search by words"][1] and number not in shown["search by name"][1]
        await pilot.press("f3")
        await settle(pilot)
        await type_text(pilot, "QX7731")
        await settle(pilot, 0.4)
        typed_away = screen_text(app).replace("QX7731", "")  # what the clerk typed shows in the box: nothing more
        assert not leaks(typed_away) and number not in typed_away
    app = make_app(ctx, head)  # the office head sees the report on the same screens, and the view is logged
    async with app.run_test(size=(160, 50)) as pilot:
        await wait_interactive(pilot)
        await app.push_screen(MatterScreen(ctx, head, mid))
        await settle(pilot, 0.4)
        assert NAME in screen_text(app) and "密标QX7731" in screen_text(app)
    from sqlmodel import select

    from xfdesk.storage.models import Event

    with ctx.db.read() as session:
        views = session.exec(select(Event).where(Event.matter_id == mid, Event.action == "view_restricted")).all()
    assert {(e.actor, e.data["identity_shown"]) for e in views} >= {(CLERK_NAME, False), (HEAD_NAME, True)}
