"""查询码 (issue 14 item 6): format, uniqueness, given at 受理, printed on the 受理告知书, a lookup that answers with
the matter's state only and is logged."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlmodel import select

from xfdesk.domain.lifecycle import Action
from xfdesk.domain.query_code import (ALPHABET, LENGTH, QueryCodeRefused, format_query_code, new_query_code,
                                      normalize_query_code)


def test_codes_have_no_look_alikes_and_do_not_repeat():
    assert not set("0O1IL U") & set(ALPHABET)
    codes = {new_query_code() for _ in range(20_000)}
    assert len(codes) == 20_000  # 30**8 codes: twenty thousand draws never meet
    assert all(len(c) == LENGTH and set(c) <= set(ALPHABET) for c in codes)


def test_what_a_caller_reads_out_is_understood():
    assert normalize_query_code(" k7nm-4xqp ") == "K7NM4XQP" and format_query_code("K7NM4XQP") == "K7NM-4XQP"
    with pytest.raises(QueryCodeRefused, match="不含 0、1、I、L、O、U"):
        normalize_query_code("K7NM-4XQ0")
    with pytest.raises(QueryCodeRefused, match="应为8位"):
        normalize_query_code("K7NM")


@pytest.fixture
def accepted(ctx, head, register):
    from xfdesk.services.lifecycle import apply_action

    matter_id = register(name="刘建国", phone="13912345678", summaries=("要求修复村道",)).matter_ids[0]
    apply_action(ctx, head, matter_id, Action.ACCEPT, on=dt.date(2026, 11, 21))
    apply_action(ctx, head, matter_id, Action.ASSIGN, on=dt.date(2026, 11, 21), changes={"unit_id": 1})
    return matter_id


def _code(ctx, matter_id: int) -> str:
    from xfdesk.storage.models import Matter

    with ctx.db.read() as s:
        return s.get(Matter, matter_id).query_code


def test_accepting_gives_a_code_and_registering_does_not(ctx, register, accepted):
    assert _code(ctx, register().matter_ids[0]) is None
    code = _code(ctx, accepted)
    assert code and len(code) == LENGTH


def test_lookup_answers_with_the_state_only_and_is_logged(ctx, clerk, accepted):
    from xfdesk.services.query_codes import query_matter
    from xfdesk.storage.models import Event

    code = _code(ctx, accepted)
    answer = query_matter(ctx, clerk, format_query_code(code).lower())
    shown = "".join(v for _, v in answer.lines())
    assert answer.status == "办理中" and answer.unit == "派出所" and answer.due_on is not None
    assert answer.step  # the clock under way, in the profile's words
    assert "刘建国" not in shown and "1391" not in shown and "村道" not in shown
    with pytest.raises(QueryCodeRefused, match="没有这个查询码"):
        query_matter(ctx, clerk, "ZZZZ-ZZZZ" if code != "ZZZZZZZZ" else "YYYY-YYYY")
    with ctx.db.read() as s:
        logged = s.exec(select(Event).where(Event.action == "query_code").order_by(Event.id)).all()
    assert [(e.actor, e.data["found"]) for e in logged] == [("王芳", True), ("王芳", False)]


def test_acceptance_notice_prints_the_code(ctx, head, accepted):
    from xfdesk.services.documents import preview_document

    text = preview_document(ctx, head, "acceptance_notice", matter_id=accepted)
    assert f"查询码{format_query_code(_code(ctx, accepted))}" in text


def test_query_command(ctx, accepted, capsys):
    from xfdesk.cli.app import run

    code = format_query_code(_code(ctx, accepted))
    assert run(["--home", str(ctx.home.root), "query", code]) == 0
    out = capsys.readouterr().out
    assert "办理中" in out and "派出所" in out and "刘建国" not in out
    assert run(["--home", str(ctx.home.root), "query", "0000-0000"]) == 1
    assert "无效字符" in capsys.readouterr().err


def test_find_box_answers_a_code_with_the_state_only(ctx, clerk, accepted):
    from xfdesk.services.desk_queries import search_everything

    code = format_query_code(_code(ctx, accepted))
    result = search_everything(ctx, code.lower(), operator=clerk)
    (line,) = result.lines
    assert line.ref_id == accepted and line.status == "办理中"
    assert "当前环节" in line.text and "派出所" in line.text and "刘建国" not in line.text and "村道" not in line.text
    ordinary = search_everything(ctx, "刘建国", operator=clerk)
    assert any("刘建国" in x.text or x.title == "刘建国" for x in ordinary.lines)  # a name is still a search


async def test_find_box_at_the_desk(ctx, clerk, accepted):
    from tests.test_tui_helpers import make_app, screen_text, type_text, wait_interactive

    code = format_query_code(_code(ctx, accepted))
    app = make_app(ctx, clerk)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_interactive(pilot)
        await pilot.press("f3")
        await pilot.pause(0.3)
        await type_text(pilot, code)
        for _ in range(100):
            await pilot.pause(0.1)
            if "当前环节" in screen_text(app):
                break
        shown = screen_text(app)
        assert f"查询码{code}" in shown and "办理中" in shown and "刘建国" not in shown
