"""The four notices and the week's table for a demo reception day: every field filled, issued once, 督办 after 批示."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlmodel import select

from tests.test_reception_support import register  # noqa: F401  (fixture)
from xfdesk.documents.fields import BLANK
from xfdesk.documents.render import docx_text
from xfdesk.paths import SHIPPED_DATA_DIR
from xfdesk.services import reception as rs
from xfdesk.services.lifecycle import apply_action
from xfdesk.storage.models import Document, Unit

NEXT_THURSDAY = dt.date(2026, 11, 26)


@pytest.fixture
def demo_day(ctx, clerk, head, register):
    """Next Thursday with two leaders, three bookings (one matter already with a unit) — like a real week."""
    # the office's own fixed texts (phone, address), as an office fills them in on installation
    text = (SHIPPED_DATA_DIR / "document_numbering.toml").read_text(encoding="utf-8")
    text = text.replace('"信访部门电话" = ""', '"信访部门电话" = "0797-5701234"')
    text = text.replace('"信访部门地址" = ""', '"信访部门地址" = "石城县琴江镇政府大院1号"')
    (ctx.home.data).mkdir(parents=True, exist_ok=True)
    (ctx.home.data / "document_numbering.toml").write_text(text, encoding="utf-8")

    for name, title in (("刘建国", "党委书记"), ("陈志强", "镇长"), ("黄丽华", "党委副书记")):
        rs.add_leader(ctx, head, name, title)
    ctx.save_setting("reception_leaders_per_day", 2)
    rs.generate_schedule(ctx, head, 2026, 11, 2)
    with ctx.db.read() as session:
        unit = session.exec(select(Unit).where(Unit.name == "自然资源所")).one()
    earlier = register(name="钟秀英", phone="13700001111", received_at=dt.datetime(2026, 11, 2, 9, 0),
                       summaries=("反映宅基地被占",))
    first = register(name="钟秀英", phone="13700001111", summaries=("宅基地边界纠纷仍未解决，要求重新勘界",),
                     existing_id=earlier.petitioner_ids[0]).matter_ids[0]
    second = register(name="赖国平", phone="13700002222", summaries=("要求解决农田灌溉水渠堵塞",)).matter_ids[0]
    apply_action(ctx, clerk, second, "accept")
    apply_action(ctx, clerk, second, "assign", changes={"unit_id": unit.id})
    third = register(name="温小梅", phone="13700003333", summaries=("反映低保评定不公",)).matter_ids[0]
    for matter_id in (first, second, third):
        rs.book_matter(ctx, clerk, matter_id, NEXT_THURSDAY)
    return {"earlier": earlier.matter_ids[0], "matters": (first, second, third), "unit": unit}


def texts(docs) -> dict[int, str]:  # noqa: ANN001
    return {d.id: docx_text(Path(d.file_path)) for d in docs}


def test_day_set_every_field_filled(ctx, clerk, demo_day):
    result = rs.print_day_set(ctx, clerk, NEXT_THURSDAY, send=False)
    assert result.issued
    kinds = sorted(d.kind for d in result.documents)
    assert kinds == ["leader_brief", "leader_reception_notice", "leader_reception_notice",
                     "leader_reception_notice", "reception_schedule", "unit_attendance_notice"]
    leaders = rs.day_view(ctx, NEXT_THURSDAY).leaders
    by_id = texts(result.documents)
    for doc in result.documents:
        body = by_id[doc.id]
        assert BLANK not in body, (doc.kind, body)
        assert doc.number_text and doc.number_text in body
        assert "2026年11月26日" in body
    notices = {d.matter_id: by_id[d.id] for d in result.documents if d.kind == "leader_reception_notice"}
    first, second, third = demo_day["matters"]
    assert "钟秀英" in notices[first] and "重新勘界" in notices[first] and "09:00" in notices[first]
    assert "赖国平" in notices[second] and "温小梅" in notices[third]
    assert any(leaders[0].name in body for body in notices.values())
    unit_notice = next(by_id[d.id] for d in result.documents if d.kind == "unit_attendance_notice")
    assert "自然资源所" in unit_notice and "农田灌溉" in unit_notice
    brief = next(by_id[d.id] for d in result.documents if d.kind == "leader_brief")
    # the leader sees each booked matter with the petitioner's history
    assert all(name in brief for name in ("钟秀英", "赖国平", "温小梅"))
    assert "反映宅基地被占" in brief
    schedule = next(by_id[d.id] for d in result.documents if d.kind == "reception_schedule")
    assert all(seat.name in schedule for seat in leaders)


def test_day_set_reused_until_a_new_booking(ctx, clerk, demo_day, register):
    first = rs.print_day_set(ctx, clerk, NEXT_THURSDAY, send=False)
    again = rs.print_day_set(ctx, clerk, NEXT_THURSDAY, send=False)
    assert not again.issued and sorted(d.id for d in again.documents) == sorted(d.id for d in first.documents)
    newcomer = register(name="曾水生", phone="13700004444").matter_ids[0]
    rs.book_matter(ctx, clerk, newcomer, NEXT_THURSDAY)
    third = rs.print_day_set(ctx, clerk, NEXT_THURSDAY, send=False)
    assert third.issued
    assert newcomer in {d.matter_id for d in third.documents if d.kind == "leader_reception_notice"}
    # a cancellation changes the brief too: a new set without the cancelled petitioner
    appt = next(a for a in rs.day_view(ctx, NEXT_THURSDAY).appointments if a.matter_id == newcomer)
    rs.cancel_booking(ctx, clerk, appt.id, "信访人已撤回")
    fourth = rs.print_day_set(ctx, clerk, NEXT_THURSDAY, send=False)
    assert fourth.issued
    assert newcomer not in {d.matter_id for d in fourth.documents}
    assert sorted(d.id for d in rs.print_day_set(ctx, clerk, NEXT_THURSDAY, send=False).documents) == sorted(
        d.id for d in fourth.documents)
    # numbers never repeat
    with ctx.db.read() as session:
        numbers = [d.number_text for d in session.exec(select(Document))]
    assert len(numbers) == len(set(numbers))


def test_supervision_notice_after_the_instruction(ctx, clerk, demo_day):
    first = demo_day["matters"][0]
    view = rs.day_view(ctx, NEXT_THURSDAY)
    appt = next(a for a in view.appointments if a.matter_id == first)
    ctx.clock = lambda: NEXT_THURSDAY
    with ctx.db.read() as session:
        units = [session.exec(select(Unit).where(Unit.name == n)).one().id for n in ("自然资源所", "司法所")]
    outcome = rs.record_instruction(ctx, clerk, appt.id, "由自然资源所牵头，司法所配合，十日内重新勘界并书面答复",
                                    units, dt.date(2026, 12, 7))
    assert outcome.document_error == ""
    assert [d.kind for d in outcome.documents] == ["supervision_notice", "supervision_notice"]
    for doc, unit_name in zip(outcome.documents, ("自然资源所", "司法所")):
        body = docx_text(Path(doc.file_path))
        assert BLANK not in body
        assert unit_name in body and "十日内重新勘界" in body and "2026年12月7日" in body and "钟秀英" in body
        assert appt.leader_name in body


def test_reminder_lists_coming_days_whose_notices_are_not_out(ctx, clerk, demo_day):
    assert [v.day for v in rs.days_needing_notices(ctx)] == [NEXT_THURSDAY]  # 5 days ahead
    assert rs.days_needing_notices(ctx, within_days=2) == []  # not yet that close
    rs.print_day_set(ctx, clerk, NEXT_THURSDAY, send=False)
    assert rs.days_needing_notices(ctx) == []


def test_each_document_of_the_day_says_who_it_is_for(ctx, clerk, demo_day):
    """Issue 9 item 17: the unit notice names the unit, each 领导接访通知书 its petitioner, the day-wide ones the
    day's leaders."""
    result = rs.print_day_set(ctx, clerk, NEXT_THURSDAY, send=False)
    who = rs.notice_recipients(ctx, clerk, result.documents)
    first, second, third = demo_day["matters"]
    by_kind_matter = {(d.kind, d.matter_id): who[d.id] for d in result.documents}
    assert by_kind_matter[("leader_reception_notice", first)] == "钟秀英"
    assert by_kind_matter[("leader_reception_notice", second)] == "赖国平"
    assert by_kind_matter[("leader_reception_notice", third)] == "温小梅"
    unit_notice = next(d for d in result.documents if d.kind == "unit_attendance_notice")
    assert who[unit_notice.id] == demo_day["unit"].name
    schedule = next(d for d in result.documents if d.kind == "reception_schedule")
    sitting = rs.day_view(ctx, NEXT_THURSDAY).leaders
    assert who[schedule.id] == "接访领导" + "、".join(seat.name for seat in sitting)


def test_a_new_booking_leaves_the_others_their_notices(ctx, clerk, demo_day, register):
    """Issue 9 item 17: one petitioner, one 领导接访通知书 for one booking. A later booking issues a notice to the
    newcomer and a new brief and table; the others keep theirs (not issued or printed again); what the new set
    replaces is voided with its reason, so the day's live documents are exactly its current set."""
    first = rs.print_day_set(ctx, clerk, NEXT_THURSDAY, send=False)
    notices = {d.matter_id: d.id for d in first.documents if d.kind == "leader_reception_notice"}
    newcomer = register(name="曾水生", phone="13700004444", summaries=("反映山林界址不清",)).matter_ids[0]
    rs.book_matter(ctx, clerk, newcomer, NEXT_THURSDAY)
    second = rs.print_day_set(ctx, clerk, NEXT_THURSDAY, send=False)
    assert second.issued
    again = {d.matter_id: d.id for d in second.documents if d.kind == "leader_reception_notice"}
    assert {m: again[m] for m in notices} == notices  # the same documents, same 文号
    assert sorted(d.id for d in second.kept if d.kind == "leader_reception_notice") == sorted(notices.values())
    assert newcomer in again and again[newcomer] not in notices.values()
    # the unit's notice lists the same matter: kept too; the brief and table are new (they name the newcomer)
    assert [d.kind for d in second.kept] == ["leader_reception_notice"] * 3 + ["unit_attendance_notice"]
    brief = next(d for d in second.documents if d.kind == "leader_brief")
    assert "曾水生" in docx_text(Path(brief.file_path))
    with ctx.db.read() as session:
        live = session.exec(select(Document).where(Document.void == False)).all()  # noqa: E712
        void = session.exec(select(Document).where(Document.void == True)).all()  # noqa: E712
    assert sorted(d.id for d in live) == sorted(d.id for d in second.documents)
    assert sorted(d.kind for d in void) == ["leader_brief", "reception_schedule"]
    assert all("已重新出具" in d.void_reason for d in void)
    # a cancelled booking: that petitioner's notice is voided as no longer booked, the others still stand
    appt = next(a for a in rs.day_view(ctx, NEXT_THURSDAY).appointments if a.matter_id == demo_day["matters"][2])
    rs.cancel_booking(ctx, clerk, appt.id, "信访人已撤回")
    third = rs.print_day_set(ctx, clerk, NEXT_THURSDAY, send=False)
    with ctx.db.read() as session:
        cancelled = session.get(Document, notices[demo_day["matters"][2]])
    assert cancelled.void and "预约已取消" in cancelled.void_reason
    assert {d.matter_id for d in third.kept if d.kind == "leader_reception_notice"} == {
        demo_day["matters"][0], demo_day["matters"][1], newcomer}


def test_a_changed_slot_gets_a_new_notice(ctx, clerk, demo_day):
    """A petitioner whose time changed gets a new notice (the old one voided); nobody else does."""
    first = rs.print_day_set(ctx, clerk, NEXT_THURSDAY, send=False)
    view = rs.day_view(ctx, NEXT_THURSDAY)
    moved = view.appointments[0]
    free = next(s for s in range(1, view.slots + 1) if s not in {a.slot for a in view.appointments})
    rs.cancel_booking(ctx, clerk, moved.id, "信访人要求改到下午")
    rs.book_matter(ctx, clerk, moved.matter_id, NEXT_THURSDAY, slot=free)
    second = rs.print_day_set(ctx, clerk, NEXT_THURSDAY, send=False)
    new_notices = [d for d in second.documents if d.kind == "leader_reception_notice" and d not in second.kept]
    assert [d.matter_id for d in new_notices] == [moved.matter_id]
    old = next(d for d in first.documents if d.kind == "leader_reception_notice" and d.matter_id == moved.matter_id)
    with ctx.db.read() as session:
        assert session.get(Document, old.id).void
