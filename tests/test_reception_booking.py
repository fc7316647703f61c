"""Bookings (约访): capacity, 包案 routing, one open booking per matter, walk-ins; the session: attendance and 批示."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlmodel import select

from tests.test_reception_support import contact, on_day_start, register  # noqa: F401  (fixture)
from xfdesk.domain.reception import BookingRefused
from xfdesk.services import reception as rs
from xfdesk.storage.models import Appointment, Contact, Event, Matter, Unit

D = dt.date
NEXT_THURSDAY = D(2026, 11, 26)


@pytest.fixture
def roster(ctx, head):
    leaders = [rs.add_leader(ctx, head, name, title) for name, title in
               (("刘建国", "党委书记"), ("陈志强", "镇长"), ("黄丽华", "党委副书记"))]
    rs.generate_schedule(ctx, head, 2026, 11, 2)
    return leaders


@pytest.fixture
def matters(register):
    def make(n=1, **kw):
        ids = []
        for i in range(n):
            reg = register(name=f"张{'一二三四五六七八九十'[i % 10]}{i}", phone=f"1380000{i:04d}", **kw)
            ids.extend(reg.matter_ids)
        return ids
    return make


def events(ctx, action, matter_id=None):
    with ctx.db.read() as session:
        q = select(Event).where(Event.action == action)
        if matter_id is not None:
            q = q.where(Event.matter_id == matter_id)
        return list(session.exec(q.order_by(Event.id)))


def test_book_into_next_thursday_takes_first_free_slot_and_writes_event(ctx, clerk, roster, matters):
    first, second = matters(2)
    a = rs.book_matter(ctx, clerk, first, NEXT_THURSDAY)
    b = rs.book_matter(ctx, clerk, second, NEXT_THURSDAY)
    assert (a.slot, b.slot) == (1, 2)
    sitting = rs.day_view(ctx, NEXT_THURSDAY).leaders[0].leader_id
    assert a.leader_id == sitting
    ev = events(ctx, "reception_book", first)
    assert len(ev) == 1 and ev[0].data["slot"] == 1 and "11月26日" in ev[0].note
    view = rs.day_view(ctx, NEXT_THURSDAY)
    assert view.booked == 2 and [x.matter_id for x in view.appointments] == [first, second]
    assert view.appointments[0].slot_label == "09:00-09:30"


def test_capacity_enforced(ctx, clerk, roster, matters):
    ctx.save_setting("reception_slots", 2)
    rs.generate_schedule(ctx, clerk, 2026, 12)  # December days get 2 slots
    ids = matters(3)
    rs.book_matter(ctx, clerk, ids[0], D(2026, 12, 3))
    rs.book_matter(ctx, clerk, ids[1], D(2026, 12, 3))
    with pytest.raises(BookingRefused, match="约满"):
        rs.book_matter(ctx, clerk, ids[2], D(2026, 12, 3))
    with ctx.db.read() as session:
        assert len(session.exec(select(Appointment)).all()) == 2


def test_chosen_slot_taken_or_out_of_range(ctx, clerk, roster, matters):
    a, b = matters(2)
    rs.book_matter(ctx, clerk, a, NEXT_THURSDAY, slot=3)
    with pytest.raises(BookingRefused, match="第3时段已有约访"):
        rs.book_matter(ctx, clerk, b, NEXT_THURSDAY, slot=3)
    with pytest.raises(BookingRefused, match="时段应为1至8"):
        rs.book_matter(ctx, clerk, b, NEXT_THURSDAY, slot=9)


def test_double_booking_refused_until_cancelled(ctx, clerk, roster, matters):
    (m,) = matters(1)
    appt = rs.book_matter(ctx, clerk, m, NEXT_THURSDAY)
    with pytest.raises(BookingRefused, match="已约在11月26日.*请先取消"):
        rs.book_matter(ctx, clerk, m, D(2026, 12, 3))
    with pytest.raises(BookingRefused, match="原因"):
        rs.cancel_booking(ctx, clerk, appt.id, "")
    rs.cancel_booking(ctx, clerk, appt.id, "信访人要求改期")
    moved = rs.book_matter(ctx, clerk, m, D(2026, 12, 3))
    assert moved.slot == 1
    assert events(ctx, "reception_cancel", m)[0].data["reason"] == "信访人要求改期"
    # the cancelled slot is free again
    (other,) = matters(1)
    assert rs.book_matter(ctx, clerk, other, NEXT_THURSDAY).slot == 1


def test_case_leader_routes_to_own_days(ctx, clerk, head, roster, matters):
    (m,) = matters(1)
    nov26 = rs.day_view(ctx, NEXT_THURSDAY).leaders[0].leader_id
    other = next(leader for leader in roster if leader.id != nov26)
    rs.assign_case_leader(ctx, head, m, other.id)
    with pytest.raises(BookingRefused, match=f"由{other.name}包案，只能约在{other.name}的接访日（{other.name}近期接访日：12月"):
        rs.book_matter(ctx, clerk, m, NEXT_THURSDAY)
    own_day = next(v.day for v in rs.upcoming_days(ctx) if v.leaders[0].leader_id == other.id)
    appt = rs.book_matter(ctx, clerk, m, own_day)
    assert appt.leader_id == other.id
    assert events(ctx, "case_leader", m)[0].data["leader_id"] == other.id


def test_case_leader_on_a_two_leader_day_gets_the_booking(ctx, clerk, head, roster, matters):
    ctx.save_setting("reception_leaders_per_day", 2)
    rs.generate_schedule(ctx, head, 2026, 12)
    day = rs.day_view(ctx, D(2026, 12, 3))
    second = day.leaders[1].leader_id
    a, b = matters(2)
    rs.assign_case_leader(ctx, head, a, second)
    assert rs.book_matter(ctx, clerk, a, day.day).leader_id == second
    # without 包案 the leader with fewer bookings that day is chosen
    assert rs.book_matter(ctx, clerk, b, day.day).leader_id == day.leaders[0].leader_id
    with pytest.raises(BookingRefused, match="不在"):
        (c,) = matters(1)
        absent = next(r.id for r in roster if r.id not in (second, day.leaders[0].leader_id))
        rs.book_matter(ctx, clerk, c, day.day, leader_id=absent)


def test_refusals_past_day_not_a_day_closed_matter(ctx, clerk, head, roster, matters):
    from xfdesk.services.lifecycle import apply_action

    (m,) = matters(1)
    with pytest.raises(BookingRefused, match="不是接访日"):
        rs.book_matter(ctx, clerk, m, D(2026, 11, 27))
    ctx.clock = lambda: D(2026, 11, 30)
    with pytest.raises(BookingRefused, match="已经过去"):
        rs.book_matter(ctx, clerk, m, NEXT_THURSDAY)
    apply_action(ctx, clerk, m, "not_accept", reason="属于诉讼程序")
    with pytest.raises(BookingRefused, match="不予受理.*不能约访"):
        rs.book_matter(ctx, clerk, m, D(2026, 12, 3))


def test_swap_moves_bookings_to_the_substitute_but_not_case_matters(ctx, clerk, head, roster, matters):
    a, b = matters(2)
    sitting = rs.day_view(ctx, NEXT_THURSDAY).leaders[0].leader_id
    other = next(leader.id for leader in roster if leader.id != sitting)
    appt = rs.book_matter(ctx, clerk, a, NEXT_THURSDAY)
    rs.swap_leader(ctx, head, NEXT_THURSDAY, sitting, other, "下村调研")
    with ctx.db.read() as session:
        assert session.get(Appointment, appt.id).leader_id == other
    rs.assign_case_leader(ctx, head, b, other)
    rs.book_matter(ctx, clerk, b, NEXT_THURSDAY)
    third = next(leader.id for leader in roster if leader.id not in (sitting, other))
    with pytest.raises(BookingRefused, match="包案的事项.*请先改约"):
        rs.swap_leader(ctx, head, NEXT_THURSDAY, other, third, "临时出差")


def test_walk_in_registered_with_leader_channel_and_linked_to_the_day(ctx, clerk, roster):
    ctx.clock = lambda: NEXT_THURSDAY
    visit = contact(name="钟秀英", channel="走访", summaries=("要求解决低保", "反映道路损坏"),
                    received_at=on_day_start(NEXT_THURSDAY))
    walk_in = rs.register_walk_in(ctx, clerk, NEXT_THURSDAY, visit)
    assert len(walk_in.appointment_ids) == 2
    with ctx.db.read() as session:
        row = session.get(Contact, walk_in.registration.contact_id)
        assert row.channel == "领导接访"
        day = rs.day_view(ctx, NEXT_THURSDAY)
        assert row.reception_day_id == day.id
        appts = [session.get(Appointment, i) for i in walk_in.appointment_ids]
        assert {a.state for a in appts} == {"attended"} and {a.slot for a in appts} == {0}
        assert {a.leader_id for a in appts} == {day.leaders[0].leader_id}
    assert day.walk_ins == 1
    assert len(events(ctx, "reception_walk_in")) == 2
    assert all(e.data["channel"] == "领导接访" for e in events(ctx, "register"))


def test_walk_in_refused_before_the_day_and_invalid_input_writes_nothing(ctx, clerk, roster):
    from xfdesk.domain.validation import ValidationFailed

    with pytest.raises(BookingRefused, match="还未开始"):
        rs.register_walk_in(ctx, clerk, D(2026, 12, 3), contact())
    ctx.clock = lambda: NEXT_THURSDAY
    bad = contact(received_at=on_day_start(NEXT_THURSDAY))
    bad.petitioners[0].name = ""
    with pytest.raises(ValidationFailed):
        rs.register_walk_in(ctx, clerk, NEXT_THURSDAY, bad)
    with ctx.db.read() as session:
        assert session.exec(select(Contact)).all() == []


def unit_ids(ctx, *names):
    with ctx.db.read() as session:
        return [session.exec(select(Unit).where(Unit.name == n)).one().id for n in names]


def test_session_instruction_moves_matter_and_supervises_each_unit(ctx, clerk, roster, matters):
    (m,) = matters(1)
    appt = rs.book_matter(ctx, clerk, m, NEXT_THURSDAY)
    ctx.clock = lambda: NEXT_THURSDAY
    rs.record_attendance(ctx, clerk, appt.id, True)
    units = unit_ids(ctx, "自然资源所", "司法所")
    outcome = rs.record_instruction(ctx, clerk, appt.id, "请自然资源所牵头、司法所配合，十日内现场勘界并答复",
                                    units, D(2026, 12, 8), issue_documents=False)
    assert outcome.status == "assigned"
    with ctx.db.read() as session:
        matter = session.get(Matter, m)
        assert matter.status == "assigned" and matter.unit_id == units[0]
        stored = session.get(Appointment, appt.id)
        assert stored.state == "attended" and stored.instruction.startswith("请自然资源所牵头")
    assert [e.to_status for e in events(ctx, "accept", m)] == ["accepted"]
    assert [e.to_status for e in events(ctx, "assign", m)] == ["assigned"]
    instruction = events(ctx, "leader_instruction", m)
    assert len(instruction) == 1 and instruction[0].data["due_on"] == "2026-12-08"
    supervise = events(ctx, "supervise", m)
    assert [e.data["unit"] for e in supervise] == ["自然资源所", "司法所"]
    assert all(e.data["due_on"] == "2026-12-08" and "12月8日" in e.note for e in supervise)
    with pytest.raises(BookingRefused, match="已记录领导批示"):
        rs.record_instruction(ctx, clerk, appt.id, "再次批示", units, D(2026, 12, 8), issue_documents=False)


def test_instruction_checks_and_attendance(ctx, clerk, roster, matters):
    a, b = matters(2)
    appt = rs.book_matter(ctx, clerk, a, NEXT_THURSDAY)
    with pytest.raises(BookingRefused, match="还未开始"):
        rs.record_attendance(ctx, clerk, appt.id, True)
    ctx.clock = lambda: NEXT_THURSDAY
    rs.record_attendance(ctx, clerk, appt.id, False)
    assert events(ctx, "reception_attendance", a)[0].data["state"] == "absent"
    with pytest.raises(BookingRefused, match="批示不能为空.*责任单位.*办理期限"):
        rs.record_instruction(ctx, clerk, appt.id, " ", [], None, issue_documents=False)
    with pytest.raises(BookingRefused, match="应晚于接访日"):
        rs.record_instruction(ctx, clerk, appt.id, "请核查", unit_ids(ctx, "司法所"), NEXT_THURSDAY,
                              issue_documents=False)
    with ctx.db.read() as session:
        assert session.get(Matter, a).status == "registered"
    assert events(ctx, "leader_instruction") == []


def test_instruction_on_an_assigned_matter_only_adds_instruction_and_supervision(ctx, clerk, roster, matters):
    from xfdesk.services.lifecycle import apply_action

    (m,) = matters(1)
    apply_action(ctx, clerk, m, "accept")
    apply_action(ctx, clerk, m, "assign", changes={"unit_id": unit_ids(ctx, "城建办")[0]})
    appt = rs.book_matter(ctx, clerk, m, NEXT_THURSDAY)
    ctx.clock = lambda: NEXT_THURSDAY
    rs.record_instruction(ctx, clerk, appt.id, "加快办理", unit_ids(ctx, "城建办"), D(2026, 12, 10),
                          issue_documents=False)
    assert len(events(ctx, "assign", m)) == 1
    assert len(events(ctx, "supervise", m)) == 1


def test_a_past_booking_without_attendance_must_be_settled_first(ctx, clerk, roster, matters):
    (m,) = matters(1)
    appt = rs.book_matter(ctx, clerk, m, NEXT_THURSDAY)
    ctx.clock = lambda: D(2026, 11, 30)
    with pytest.raises(BookingRefused, match="尚未登记到访情况"):
        rs.book_matter(ctx, clerk, m, D(2026, 12, 3))
    rs.record_attendance(ctx, clerk, appt.id, False)  # 未到
    assert rs.book_matter(ctx, clerk, m, D(2026, 12, 3)).slot == 1


def test_instruction_refused_for_a_matter_closed_since_booking(ctx, clerk, roster, matters):
    from xfdesk.services.lifecycle import apply_action

    (m,) = matters(1)
    appt = rs.book_matter(ctx, clerk, m, NEXT_THURSDAY)
    apply_action(ctx, clerk, m, "forward", reason="属县人社局职责")
    ctx.clock = lambda: NEXT_THURSDAY
    with pytest.raises(BookingRefused, match="已转送.*不能交办督办"):
        rs.record_instruction(ctx, clerk, appt.id, "请跟进", unit_ids(ctx, "司法所"), D(2026, 12, 8),
                              issue_documents=False)
    with ctx.db.read() as session:
        assert session.get(Appointment, appt.id).instruction == ""
    assert events(ctx, "supervise", m) == []


def test_instruction_due_default_follows_the_rule_profile(ctx):
    import datetime as dt

    from xfdesk.services.reception import default_instruction_due

    # 2026-09-17 + 15 days = 10-02, inside the National Day holiday → first working day after it
    assert default_instruction_due(ctx, dt.date(2026, 9, 17)) == dt.date(2026, 10, 8)


def test_one_petitioner_is_booked_once_a_day(ctx, clerk, roster, register):
    """Two demands of one petitioner on one morning would mean two 领导接访通知书 for one visit: refused, in Chinese,
    naming the booking already made; another day is fine."""
    reg = register(name="钟秀英", summaries=("村道破损要求修复", "低保被取消要求说明"))
    first, second = reg.matter_ids
    appt = rs.book_matter(ctx, clerk, first, NEXT_THURSDAY)
    with pytest.raises(BookingRefused) as refused:
        rs.book_matter(ctx, clerk, second, NEXT_THURSDAY)
    message = str(refused.value)
    assert "钟秀英已约在11月26日" in message and f"第{appt.slot}时段" in message and "一并反映" in message
    later = next(d.day for d in rs.upcoming_days(ctx, start=NEXT_THURSDAY + dt.timedelta(days=1), limit=1))
    assert rs.book_matter(ctx, clerk, second, later).matter_id == second
    rs.cancel_booking(ctx, clerk, appt.id, "改期")
    rs.cancel_booking(ctx, clerk, rs.open_booking_id(ctx, second), "改期")
    assert rs.book_matter(ctx, clerk, second, NEXT_THURSDAY).matter_id == second  # the first one was cancelled
