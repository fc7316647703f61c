"""督办 board (by unit, due soon / overdue with days late) and issuing a 督办 (event + 督办函)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlmodel import select

from xfdesk.domain.lifecycle import DateRefused, TransitionRefused
from xfdesk.domain.privacy import RESTRICTED_NAME
from xfdesk.services import handling as h
from xfdesk.services.screening import screen_matter
from xfdesk.services.supervision import issue_supervision, issued_supervisions, supervision_board
from xfdesk.storage.models import Document, Event, Unit

D = dt.date


def unit_id(ctx, name) -> int:
    with ctx.db.read() as s:
        return s.exec(select(Unit.id).where(Unit.name == name)).one()


@pytest.fixture
def board_office(ctx, register, clerk):
    """Matters handled by units: one 19 days late, one due in 3 days, one due far off, one unscreened."""
    ctx.save_setting("fast_track", False)

    def handled(summary, received, unit, kind="申诉求决", reason="accept_claim"):
        mid = register(summaries=(summary,), received_at=dt.datetime.combine(received, dt.time(9))).matter_ids[0]
        screen_matter(ctx, clerk, mid, kind=kind, route="accept", reason_code=reason, suggestions=[], on=received)
        h.notice_delivered(ctx, clerk, mid, on=received)
        h.assign_matter(ctx, clerk, mid, unit_id(ctx, unit), on=received)
        return mid

    ids = {
        "late": handled("反映村道路灯长期不亮", D(2026, 9, 2), "城建办"),  # due 11-02: 19 days late
        "soon": handled("反映邻居占道堆放杂物", D(2026, 9, 25), "司法所"),  # due 11-24: 3 days left
        "far": handled("反映自来水水压不足", D(2026, 11, 10), "城建办"),  # due 2027-01
        "secret": handled("举报村干部虚报冒领低保", D(2026, 9, 3), "纪委", kind="检举控告",
                          reason="accept_accusation"),  # due 11-02: late
        "new": register(summaries=("反映垃圾清运不及时",)).matter_ids[0],
    }
    return ids


def test_board_groups_by_unit_with_days_late(ctx, board_office, clerk, head):
    groups = supervision_board(ctx, clerk, within_days=5)
    assert [g.unit for g in groups] == ["城建办", "纪委", "司法所"]
    late = groups[0].rows[0]
    assert late.id == board_office["late"] and late.overdue and late.days_late == 19
    assert [r.id for g in groups for r in g.rows] == [board_office["late"], board_office["secret"],
                                                      board_office["soon"]]
    soon = groups[2].rows[0]
    assert (soon.days_left, soon.overdue, soon.days_late) == (3, False, 0)
    assert (late.clock, soon.clock) == ("办理期限", "办理期限")
    assert (groups[0].overdue, groups[2].due_soon) == (1, 1)
    assert groups[1].rows[0].petitioner == RESTRICTED_NAME
    assert supervision_board(ctx, head, within_days=5)[1].rows[0].petitioner == "张三"
    assert [g.unit for g in supervision_board(ctx, clerk, within_days=2)] == ["城建办", "纪委"]


def test_issue_supervision_records_an_event_and_shows_on_the_board(ctx, board_office, head):
    mid = board_office["late"]
    with pytest.raises(TransitionRefused, match="督办要求"):
        issue_supervision(ctx, head, mid, note=" ", due_on=D(2026, 11, 28), letter=False)
    with pytest.raises(DateRefused, match="反馈期限"):
        issue_supervision(ctx, head, mid, note="请抓紧办理", due_on=D(2026, 11, 20), letter=False)
    with pytest.raises(TransitionRefused, match="尚未甄别"):
        issue_supervision(ctx, head, board_office["new"], note="请抓紧办理", due_on=D(2026, 11, 28), letter=False)
    screen_matter(ctx, head, board_office["new"], kind="申诉求决", route="accept", reason_code="accept_claim",
                  suggestions=[])
    with pytest.raises(TransitionRefused, match="尚未交办"):
        issue_supervision(ctx, head, board_office["new"], note="请抓紧办理", due_on=D(2026, 11, 28), letter=False)
    with ctx.db.read() as s:
        assert s.exec(select(Event).where(Event.action == "supervise")).all() == []

    result = issue_supervision(ctx, head, mid, note="请于一周内修复并书面反馈", due_on=D(2026, 11, 28), letter=False)
    with ctx.db.read() as s:
        ev = s.get(Event, result.event_id)
    assert (ev.action, ev.actor, ev.note) == ("supervise", "李主任", "请于一周内修复并书面反馈")
    assert ev.data["unit"] == "城建办" and ev.data["due_on"] == "2026-11-28" and ev.data["days_left"] == -19
    row = supervision_board(ctx, head, within_days=5)[0].rows[0]
    assert (row.supervisions, row.last_supervised) == (1, D(2026, 11, 21))
    [issued] = issued_supervisions(ctx)
    assert (issued.number, issued.unit, issued.due_on, issued.answered) == (
        row.number, "城建办", D(2026, 11, 28), False)
    assert issued_supervisions(ctx, unit_id=unit_id(ctx, "司法所")) == []


def test_supervision_issues_the_letter(ctx, board_office, head):
    pytest.importorskip("xfdesk.services.documents")
    result = issue_supervision(ctx, head, board_office["secret"], note="请依规依纪办理", due_on=D(2026, 11, 30))
    assert result.document_id is not None, result.message
    with ctx.db.read() as s:
        doc = s.get(Document, result.document_id)
    assert doc.kind == "supervision_letter" and doc.unit_id == unit_id(ctx, "纪委")
    assert result.document_number and result.document_number in result.message


def test_closed_matters_cannot_be_supervised(ctx, board_office, clerk):
    mid = board_office["soon"]
    h.reply_matter(ctx, clerk, mid, result="支持", facts="已清理", basis="有关规定")
    with pytest.raises(TransitionRefused, match="无需督办"):
        issue_supervision(ctx, clerk, mid, note="请抓紧", due_on=D(2026, 11, 28), letter=False)
