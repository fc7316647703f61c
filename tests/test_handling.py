"""Handling services: the chain to 归档, 调处, 延期 cap and approval, 复查/复核 deadlines, 听证 pause, 速办 clocks."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlmodel import select

from xfdesk.domain.errors import Refused
from xfdesk.domain.lifecycle import DateRefused, TransitionRefused
from xfdesk.services import handling as h
from xfdesk.services.screening import screen_matter
from xfdesk.storage.models import Deadline, Event, FollowUp, Matter, Review, Unit

D = dt.date
LAMP = "反映村道路灯长期不亮"


def at(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(9, 30))


def matter(ctx, mid) -> Matter:
    with ctx.db.read() as s:
        return s.get(Matter, mid)


def clocks(ctx, mid) -> dict[str, Deadline]:
    """The newest clock of each name."""
    with ctx.db.read() as s:
        return {d.name: d for d in s.exec(select(Deadline).where(Deadline.matter_id == mid).order_by(Deadline.id))}


def actions(ctx, mid) -> list[str]:
    with ctx.db.read() as s:
        return [e.action for e in s.exec(select(Event).where(Event.matter_id == mid).order_by(Event.id))]


def unit_id(ctx, name="城建办") -> int:
    with ctx.db.read() as s:
        return s.exec(select(Unit.id).where(Unit.name == name)).one()


@pytest.fixture
def accepted(ctx, register, clerk):
    """A matter received 2026-09-01 and accepted 2026-09-02 (handling due Monday 2026-11-02), not on fast track."""
    ctx.save_setting("fast_track", False)

    def make(received=D(2026, 9, 1), accepted_on=D(2026, 9, 2), summary=LAMP):
        mid = register(summaries=(summary,), received_at=at(received)).matter_ids[0]
        screen_matter(ctx, clerk, mid, kind="申诉求决", route="accept", reason_code="accept_claim", suggestions=[],
                      on=accepted_on)
        h.notice_delivered(ctx, clerk, mid, on=accepted_on)  # 受理告知 handed over on the spot
        return mid

    return make


def test_chain_assign_mediation_failed_reply_follow_up_archive(ctx, accepted, clerk):
    mid = accepted(received=D(2026, 11, 2), accepted_on=D(2026, 11, 3))
    ev = h.assign_matter(ctx, clerk, mid, unit_id(ctx), due_on=D(2026, 12, 1), on=D(2026, 11, 4))
    assert matter(ctx, mid).unit_id == unit_id(ctx)
    assert ev.data["unit"] == "城建办" and ev.data["unit_due_on"] == "2026-12-01"
    assert clocks(ctx, mid)["dispatch"].on_time is True
    h.start_mediation(ctx, clerk, mid, mediator="村调委会", on=D(2026, 11, 5))
    assert matter(ctx, mid).status == "mediating"
    with pytest.raises(TransitionRefused, match="调解未成的原因"):
        h.record_mediation(ctx, clerk, mid, agreed=False)
    h.record_mediation(ctx, clerk, mid, agreed=False, failure_reason="双方分歧较大", on=D(2026, 11, 10))
    assert matter(ctx, mid).status == "assigned"
    h.reply_matter(ctx, clerk, mid, result="支持", facts="路灯线路老化", basis="《信访工作条例》第三十二条第（一）项",
                   on=D(2026, 11, 15))
    m = matter(ctx, mid)
    assert (m.status, m.reply_result) == ("replied", "支持")
    cs = clocks(ctx, mid)
    assert (cs["handling"].state, cs["handling"].on_time, cs["handling"].ended_on) == ("met", True, D(2026, 11, 15))
    assert cs["review_request"].kind == "window" and cs["review_request"].due_on == D(2026, 12, 15)
    h.follow_up_matter(ctx, clerk, mid, method="电话回访", satisfaction="满意", note="已修复", on=D(2026, 11, 18))
    with ctx.db.read() as s:
        [fu] = s.exec(select(FollowUp).where(FollowUp.matter_id == mid)).all()
    assert (fu.method, fu.satisfaction, fu.clerk, fu.on) == ("电话回访", "满意", "王芳", D(2026, 11, 18))
    h.archive_matter(ctx, clerk, mid)
    assert matter(ctx, mid).status == "archived"
    assert actions(ctx, mid) == ["register", "accept", "notice_delivered", "assign", "start_mediation",
                                 "mediation_failed", "reply", "follow_up", "archive"]


def test_assign_needs_a_unit_and_a_due_date_within_the_legal_one(ctx, accepted, clerk):
    mid = accepted()
    with pytest.raises(TransitionRefused, match="责任单位"):
        h.assign_matter(ctx, clerk, mid, 0)
    with pytest.raises(DateRefused, match="法定办理期限"):
        h.assign_matter(ctx, clerk, mid, unit_id(ctx), due_on=D(2026, 12, 31), on=D(2026, 9, 3))
    assert matter(ctx, mid).status == "accepted" and actions(ctx, mid)[-1] == "notice_delivered"
    ev = h.assign_matter(ctx, clerk, mid, unit_id(ctx), on=D(2026, 9, 3))
    assert ev.data["unit_due_on"] == clocks(ctx, mid)["handling"].due_on.isoformat()


def test_mediation_agreement_closes_the_matter_on_time(ctx, accepted, clerk):
    mid = accepted(received=D(2026, 11, 2), accepted_on=D(2026, 11, 3))
    h.start_mediation(ctx, clerk, mid, on=D(2026, 11, 4))
    with pytest.raises(TransitionRefused, match="调解协议内容"):
        h.record_mediation(ctx, clerk, mid, agreed=True)
    ev = h.record_mediation(ctx, clerk, mid, agreed=True, agreement_text="村委会十日内修复路灯", on=D(2026, 11, 6))
    m = matter(ctx, mid)
    assert m.status == "resolved" and m.closed_on == D(2026, 11, 6)
    assert ev.data["agreement"] == "村委会十日内修复路灯"
    assert clocks(ctx, mid)["handling"].on_time is True


def test_reply_after_the_period_is_stored_late_and_needs_facts_and_basis(ctx, accepted, clerk):
    mid = accepted()  # handling due 2026-11-02
    h.assign_matter(ctx, clerk, mid, unit_id(ctx), on=D(2026, 9, 3))
    with pytest.raises(TransitionRefused, match="答复意见"):
        h.reply_matter(ctx, clerk, mid, result="同意", facts="x", basis="y")
    with pytest.raises(TransitionRefused, match="处理依据"):
        h.reply_matter(ctx, clerk, mid, result="支持", facts="x", basis=" ")
    assert matter(ctx, mid).status == "assigned"
    ev = h.reply_matter(ctx, clerk, mid, result="解释说明", facts="已核实", basis="有关政策")
    handling_clock = clocks(ctx, mid)["handling"]
    assert (handling_clock.state, handling_clock.on_time) == ("late", False)
    assert ev.data["deadlines"][0] == {"name": "handling", "due_on": handling_clock.due_on.isoformat(),
                                       "on_time": False}


# ── 延期 ─────────────────────────────────────────────────────────────────────────────────────────────────────
def test_extension_needs_the_head_and_is_capped(ctx, accepted, clerk, head):
    mid = accepted()
    h.assign_matter(ctx, clerk, mid, unit_id(ctx), on=D(2026, 9, 3))
    due = clocks(ctx, mid)["handling"].due_on
    with pytest.raises(TransitionRefused, match="信访办主任"):
        h.extend_matter(ctx, clerk, mid, 20, "情况复杂", on=D(2026, 10, 20))
    assert clocks(ctx, mid)["handling"].due_on == due and "extend" not in actions(ctx, mid)
    with pytest.raises(TransitionRefused, match="延期理由"):
        h.extend_matter(ctx, head, mid, 20, " ", on=D(2026, 10, 20))
    with pytest.raises(TransitionRefused, match="不得超过30日"):
        h.extend_matter(ctx, head, mid, 31, "情况复杂", on=D(2026, 10, 20))
    ev = h.extend_matter(ctx, head, mid, 20, "涉及多户，需现场测量", on=D(2026, 10, 20))
    assert ev.actor == "李主任" and ev.data["approved_by"] == "李主任"
    # 60 + 20 days from 09-02 is Saturday 11-21: the deadline moves to Monday 11-23
    assert (due, clocks(ctx, mid)["handling"].due_on) == (D(2026, 11, 2), D(2026, 11, 23))
    assert matter(ctx, mid).extension_days == 20
    with pytest.raises(TransitionRefused, match="累计不得超过30日"):
        h.extend_matter(ctx, head, mid, 15, "仍需时间", on=D(2026, 10, 25))
    h.extend_matter(ctx, head, mid, 10, "仍需时间", on=D(2026, 10, 25))
    assert clocks(ctx, mid)["handling"].extension_days == 30


# ── 复查 / 复核 and 听证 ──────────────────────────────────────────────────────────────────────────────────────
def _replied(ctx, clerk, accepted, on=D(2026, 10, 1)):
    mid = accepted()
    h.assign_matter(ctx, clerk, mid, unit_id(ctx), on=D(2026, 9, 3))
    h.reply_matter(ctx, clerk, mid, result="不予支持", facts="已核实", basis="有关规定", on=on)
    return mid


def test_review_and_re_review_have_their_own_deadlines(ctx, accepted, clerk):
    mid = _replied(ctx, clerk, accepted)  # 复查 may be asked until 2026-10-31
    with pytest.raises(DateRefused, match="晚于今天"):
        h.request_review(ctx, clerk, mid, level=1, requested_on=D(2026, 12, 1))
    h.request_review(ctx, clerk, mid, level=1, requested_on=D(2026, 10, 20), body="县信访局")
    cs = clocks(ctx, mid)
    assert (cs["review_request"].state, cs["review_request"].on_time) == ("met", True)
    assert cs["review"].start_on == D(2026, 10, 20) and cs["review"].due_on == D(2026, 11, 19)
    with ctx.db.read() as s:
        review = s.exec(select(Review).where(Review.matter_id == mid)).one()
    assert (review.level, review.requested_on, review.body) == (1, D(2026, 10, 20), "县信访局")

    h.conclude_review(ctx, clerk, mid, result="维持", opinion="维持原处理意见", on=D(2026, 11, 10))
    cs = clocks(ctx, mid)
    assert matter(ctx, mid).status == "reviewed" and cs["review"].on_time is True
    assert cs["re_review_request"].due_on == D(2026, 12, 10)
    h.request_review(ctx, clerk, mid, level=2, requested_on=D(2026, 11, 11), body="市信访局")
    assert clocks(ctx, mid)["re_review"].due_on == D(2026, 12, 11)
    h.conclude_review(ctx, clerk, mid, result="变更", opinion="部分支持", on=D(2026, 11, 20))
    with ctx.db.read() as s:
        rows = {r.level: r for r in s.exec(select(Review).where(Review.matter_id == mid))}
    assert rows[1].result == "维持" and rows[2].result == "变更" and rows[2].concluded_on == D(2026, 11, 20)
    assert matter(ctx, mid).status == "re_reviewed"


def test_a_late_review_request_needs_a_good_reason(ctx, accepted, clerk):
    mid = _replied(ctx, clerk, accepted, on=D(2026, 9, 20))  # window until 2026-10-20
    with pytest.raises(TransitionRefused, match="正当理由"):
        h.request_review(ctx, clerk, mid, level=1, requested_on=D(2026, 11, 2))
    assert matter(ctx, mid).status == "replied"
    ev = h.request_review(ctx, clerk, mid, level=1, requested_on=D(2026, 11, 2), late_reason="住院治疗，有病历")
    assert ev.data["late_reason"] == "住院治疗，有病历"
    assert clocks(ctx, mid)["review_request"].on_time is False


def test_hearing_pauses_only_the_re_review_clock(ctx, accepted, clerk):
    # was: a 听证 during 复查 moved the 复查 due date; only 复核 excludes 听证 time (条例第三十六条第二款)
    mid = _replied(ctx, clerk, accepted, on=D(2026, 9, 10))
    h.request_review(ctx, clerk, mid, level=1, requested_on=D(2026, 9, 20))
    with pytest.raises(TransitionRefused, match="只能在复核中"):
        h.start_hearing(ctx, clerk, mid, "组织听证", on=D(2026, 9, 25))
    h.conclude_review(ctx, clerk, mid, result="维持", opinion="维持原处理意见", on=D(2026, 10, 10))
    h.request_review(ctx, clerk, mid, level=2, requested_on=D(2026, 10, 20))
    due = clocks(ctx, mid)["re_review"].due_on
    with pytest.raises(TransitionRefused, match="听证事由"):
        h.start_hearing(ctx, clerk, mid, "")
    h.start_hearing(ctx, clerk, mid, "组织听证", on=D(2026, 11, 1))
    assert matter(ctx, mid).due_on is None  # paused: no due date in lists
    with pytest.raises(TransitionRefused, match="暂停"):
        h.start_hearing(ctx, clerk, mid, "再次", on=D(2026, 11, 2))
    h.end_hearing(ctx, clerk, mid, on=D(2026, 11, 12))
    re_review = clocks(ctx, mid)["re_review"]
    assert re_review.due_on == due + dt.timedelta(days=11) == D(2026, 11, 30) and re_review.paused_days == 11
    assert matter(ctx, mid).due_on == re_review.due_on


# ── 速办 ─────────────────────────────────────────────────────────────────────────────────────────────────────
def test_fast_track_steps_store_their_on_time_results(ctx, register, clerk):
    mid = register(summaries=(LAMP,), received_at=at(D(2026, 11, 10))).matter_ids[0]
    screen_matter(ctx, clerk, mid, kind="申诉求决", route="accept", reason_code="accept_claim", suggestions=[],
                  on=D(2026, 11, 10))
    assert matter(ctx, mid).is_fast_track
    h.record_fast_step(ctx, clerk, mid, "meet", on=D(2026, 11, 14))  # due 11-15
    h.record_fast_step(ctx, clerk, mid, "facts", on=D(2026, 11, 19))  # due 11-17: late
    with pytest.raises(TransitionRefused, match="没有正在计算"):
        h.record_fast_step(ctx, clerk, mid, "meet")
    h.assign_matter(ctx, clerk, mid, unit_id(ctx), on=D(2026, 11, 11))
    h.reply_matter(ctx, clerk, mid, result="支持", facts="f", basis="b", on=D(2026, 11, 20))  # reply due 11-25
    cs = clocks(ctx, mid)
    assert [(cs[n].state, cs[n].on_time) for n in ("fast_meet", "fast_facts", "fast_reply")] == [
        ("met", True), ("late", False), ("met", True)]
    # the reply itself ended the 速办 reply clock (one event, its result in the event)
    with ctx.db.read() as s:
        reply = s.exec(select(Event).where(Event.matter_id == mid, Event.action == "reply")).one()
    assert {d["name"] for d in reply.data["deadlines"]} == {"handling", "fast_reply"}


def test_fast_track_can_be_set_and_removed_by_hand(ctx, accepted, clerk):
    mid = accepted(received=D(2026, 11, 16), accepted_on=D(2026, 11, 17))
    assert not matter(ctx, mid).is_fast_track
    h.set_fast_track(ctx, clerk, mid, True)
    assert clocks(ctx, mid)["fast_reply"].due_on == D(2026, 12, 7)  # 15 days from today is Sunday 12-06
    with pytest.raises(TransitionRefused, match="已经是速办"):
        h.set_fast_track(ctx, clerk, mid, True)
    h.set_fast_track(ctx, clerk, mid, False)
    cs = clocks(ctx, mid)
    assert not matter(ctx, mid).is_fast_track and cs["fast_reply"].state == "cancelled"
    assert matter(ctx, mid).due_on == cs["dispatch"].due_on  # the nearest clock again, not 速办


def test_follow_up_validates_method_and_satisfaction(ctx, accepted, clerk):
    mid = _replied(ctx, clerk, accepted)
    with pytest.raises(TransitionRefused, match="满意度"):
        h.follow_up_matter(ctx, clerk, mid, method="电话回访", satisfaction="很好")
    with pytest.raises(TransitionRefused, match="回访方式"):
        h.follow_up_matter(ctx, clerk, mid, method="", satisfaction="满意")
    with ctx.db.read() as s:
        assert s.exec(select(FollowUp)).all() == []
    h.follow_up_matter(ctx, clerk, mid, method="上门回访", satisfaction="不满意", note="要求重新处理")
    h.rehandle_matter(ctx, clerk, mid, "回访不满意，重新调查")
    assert matter(ctx, mid).status == "assigned" and clocks(ctx, mid)["handling"].state == "open"


def test_wrong_state_is_refused_before_any_field_complaint(ctx, register, clerk):
    mid = register(summaries=(LAMP,)).matter_ids[0]
    with pytest.raises(TransitionRefused, match="待甄别"):
        h.reply_matter(ctx, clerk, mid, result="支持", facts="", basis="")
    with pytest.raises(Refused, match="找不到事项"):
        h.archive_matter(ctx, clerk, 9999)


def test_review_ordering_the_matter_redone_lets_it_be_handled_again(ctx, accepted, clerk):
    mid = _replied(ctx, clerk, accepted)
    h.request_review(ctx, clerk, mid, level=1, requested_on=D(2026, 10, 20))
    h.conclude_review(ctx, clerk, mid, result="撤销重办", opinion="事实不清，撤销重办", on=D(2026, 11, 10))
    h.rehandle_matter(ctx, clerk, mid, "复查撤销原处理意见，重新调查", on=D(2026, 11, 12))
    cs = clocks(ctx, mid)
    assert matter(ctx, mid).status == "assigned"
    assert cs["handling"].start_on == D(2026, 11, 12) and cs["handling"].state == "open"
    assert cs["re_review_request"].state == "cancelled"  # no 复核 window while it is being redone
