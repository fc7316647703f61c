"""甄别 through the database: the queue, every route, each suggestion rule from a real history, accept/override."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlmodel import select

from tests.conftest import TODAY, make_id_number
from xfdesk.domain import screening as rules
from xfdesk.domain.lifecycle import Action, TransitionRefused
from xfdesk.domain.privacy import RESTRICTED_NAME
from xfdesk.services import handling
from xfdesk.services.handling import notice_delivered
from xfdesk.services.screening import screen_matter, screening_queue, suggestions_for
from xfdesk.storage.models import Deadline, Event, Matter, Unit

D = dt.date
LAND = "反映宅基地边界被邻居侵占，要求镇里协调"
LAND_AGAIN = "宅基地边界被邻居侵占，再次要求协调解决"
LAMP = "反映村道路灯长期不亮"


def at(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(9, 30))


def matter(ctx, matter_id: int) -> Matter:
    with ctx.db.read() as s:
        return s.get(Matter, matter_id)


def events(ctx, matter_id: int, action: str | None = None) -> list[Event]:
    with ctx.db.read() as s:
        q = select(Event).where(Event.matter_id == matter_id)
        if action:
            q = q.where(Event.action == action)
        return list(s.exec(q.order_by(Event.id)))


def deadlines(ctx, matter_id: int) -> dict[str, Deadline]:
    with ctx.db.read() as s:
        return {d.name: d for d in s.exec(select(Deadline).where(Deadline.matter_id == matter_id)
                                            .order_by(Deadline.id))}


def unit_id(ctx, name: str = "司法所") -> int:
    with ctx.db.read() as s:
        return s.exec(select(Unit.id).where(Unit.name == name)).one()


def accept(ctx, operator, matter_id, on=None, **kw):
    kw.setdefault("kind", "申诉求决")
    kw.setdefault("reason_code", "accept_claim")
    kw.setdefault("suggestions", [])
    return screen_matter(ctx, operator, matter_id, route="accept", on=on, **kw)


# ── queue ─────────────────────────────────────────────────────────────────────────────────────────────────────
def test_queue_is_oldest_first_with_notice_deadline_and_hides_accuser_from_clerk(ctx, register, clerk, head):
    newer = register(summaries=(LAMP,)).matter_ids[0]
    older = register(name="赵六", summaries=("举报村干部侵占集体资金",), kind="检举控告",
                     received_at=at(D(2026, 11, 10))).matter_ids[0]
    rows = screening_queue(ctx, clerk)
    assert [r.id for r in rows] == [older, newer]
    assert rows[0].notice_due == D(2026, 11, 25) and rows[0].days_left == 4  # 15 days from 11-10
    assert rows[0].petitioner == RESTRICTED_NAME and rows[0].village == ""
    assert rows[1].petitioner == "张三"
    assert screening_queue(ctx, head)[0].petitioner == "赵六"
    accept(ctx, clerk, newer)
    assert [r.id for r in screening_queue(ctx, clerk)] == [older]


# ── every route ───────────────────────────────────────────────────────────────────────────────────────────────
def test_accept_records_kind_reason_basis_and_starts_handling(ctx, register, clerk):
    mid = register(summaries=(LAMP,), received_at=at(D(2026, 11, 1))).matter_ids[0]
    ev = accept(ctx, clerk, mid, on=D(2026, 11, 10), reason_text="属地问题")
    m = matter(ctx, mid)
    assert (m.status, m.kind, m.route) == ("accepted", "申诉求决", "accept")
    assert "第三十一条" in m.route_basis and m.route_reason.endswith("属地问题")
    assert ev.action == "accept" and ev.data["reason_code"] == "accept_claim"
    assert ev.data["suggestion_outcome"] is None
    ds = deadlines(ctx, mid)
    # the decision alone is no notice (条例第二十三条): the clock runs until the notice is issued or handed over
    assert ds["notice"].state == "open"
    assert ds["handling"].start_on == D(2026, 11, 10) and ds["handling"].state == "open"
    notice_delivered(ctx, clerk, mid, on=D(2026, 11, 12))
    assert (deadlines(ctx, mid)["notice"].state, deadlines(ctx, mid)["notice"].on_time,
            deadlines(ctx, mid)["notice"].ended_on) == ("met", True, D(2026, 11, 12))


def test_late_screening_is_stored_as_late(ctx, register, clerk):
    mid = register(summaries=(LAMP,), received_at=at(D(2026, 10, 1))).matter_ids[0]
    accept(ctx, clerk, mid, on=D(2026, 10, 10))  # decided in time, but the notice is given only today
    notice_delivered(ctx, clerk, mid)  # today, 2026-11-21: past the 15 days
    notice = deadlines(ctx, mid)["notice"]
    assert (notice.state, notice.on_time) == ("late", False)


@pytest.mark.parametrize("route, code, extra, status", [
    ("not_accept", "na_skip_level", {}, "not_accepted"),
    ("not_reaccept", "nra_litigation_ended", {}, "not_reaccepted"),
    ("forward", "fwd_competent_body", {"forwarded_to": "县自然资源局"}, "forwarded"),
    ("redirect_legal", "legal_arbitration", {}, "legal_channel"),
])
def test_each_exit_route_is_recorded_with_its_reason(ctx, register, clerk, route, code, extra, status):
    mid = register(summaries=(LAMP,)).matter_ids[0]
    ev = screen_matter(ctx, clerk, mid, kind="申诉求决", route=route, reason_code=code, suggestions=[], **extra)
    m = matter(ctx, mid)
    assert m.status == status and m.route == route and ev.data["reason_code"] == code
    assert m.route_basis == rules.reasons_from_mapping(
        __import__("tomllib").loads((ctx.home.data_file("reasons.toml")).read_text("utf-8"))).get(code).basis
    assert deadlines(ctx, mid)["notice"].state == "open"  # until its notice is issued
    if route == "forward":
        assert m.forwarded_to == "县自然资源局"
    if route == "redirect_legal":
        assert m.forwarded_to == "仲裁" and ev.data["legal_channel"] == "仲裁"
    assert m.closed_on == TODAY


def test_a_refused_decision_changes_nothing(ctx, register, clerk):
    mid = register(summaries=(LAMP,)).matter_ids[0]
    before = len(events(ctx, mid))
    with pytest.raises(rules.ScreeningRefused, match="转送的机关"):
        screen_matter(ctx, clerk, mid, kind="申诉求决", route="forward", reason_code="fwd_competent_body",
                      suggestions=[])
    with pytest.raises(rules.ScreeningRefused, match="事项性质"):
        screen_matter(ctx, clerk, mid, kind="", route="accept", reason_code="accept_claim", suggestions=[])
    m = matter(ctx, mid)
    assert m.status == "registered" and m.kind is None and len(events(ctx, mid)) == before
    assert deadlines(ctx, mid)["notice"].state == "open"
    accept(ctx, clerk, mid)
    with pytest.raises(TransitionRefused, match="已经甄别"):
        accept(ctx, clerk, mid)


def test_accusation_kind_restricts_the_matter(ctx, register, clerk):
    mid = register(summaries=("举报村干部虚报冒领低保",)).matter_ids[0]
    accept(ctx, clerk, mid, kind="检举控告", reason_code="accept_accusation")
    assert matter(ctx, mid).is_restricted


# ── suggestion rules on a real history ────────────────────────────────────────────────────────────────────────
@pytest.fixture
def person_id():
    return make_id_number(serial=777)


def test_not_accept_suggested_while_the_same_demand_is_being_handled(ctx, register, clerk, person_id):
    first = register(id_number=person_id, summaries=(LAND,), received_at=at(D(2026, 11, 2))).matter_ids[0]
    accept(ctx, clerk, first, on=D(2026, 11, 3))
    handling.assign_matter(ctx, clerk, first, unit_id(ctx), on=D(2026, 11, 4))
    again = register(id_number=person_id, summaries=(LAND_AGAIN,)).matter_ids[0]
    other_person = register(summaries=(LAND_AGAIN,)).matter_ids[0]

    [s] = suggestions_for(ctx, again)
    assert (s.route, s.reason_code) == (Action.NOT_ACCEPT, rules.REASON_BEING_HANDLED)
    numbers = {e.number for e in s.evidence}
    assert numbers == {matter(ctx, first).number}
    assert deadlines(ctx, first)["handling"].due_on in {e.on for e in s.evidence}
    assert suggestions_for(ctx, other_person) == []


def test_suggestion_accepted_is_recorded_with_its_evidence(ctx, register, clerk, person_id):
    first = register(id_number=person_id, summaries=(LAND,), received_at=at(D(2026, 11, 2))).matter_ids[0]
    accept(ctx, clerk, first, on=D(2026, 11, 3))
    again = register(id_number=person_id, summaries=(LAND_AGAIN,)).matter_ids[0]
    shown = suggestions_for(ctx, again)
    ev = screen_matter(ctx, clerk, again, kind="申诉求决", route=shown[0].route, reason_code=shown[0].reason_code,
                       suggestions=shown)
    assert ev.data["suggestion_outcome"] == "accepted"
    assert ev.data["suggestions"][0]["evidence"][0]["number"] == matter(ctx, first).number
    assert matter(ctx, again).status == "not_accepted"


def test_suggestion_overridden_needs_and_records_a_reason(ctx, register, clerk, person_id):
    first = register(id_number=person_id, summaries=(LAND,), received_at=at(D(2026, 11, 2))).matter_ids[0]
    accept(ctx, clerk, first, on=D(2026, 11, 3))
    again = register(id_number=person_id, summaries=(LAND_AGAIN,)).matter_ids[0]
    with pytest.raises(rules.ScreeningRefused, match="不采纳"):
        screen_matter(ctx, clerk, again, kind="申诉求决", route="accept", reason_code="accept_claim")
    assert matter(ctx, again).status == "registered"
    # suggestions=None: the service computes what the record suggests, so the override is recorded either way
    ev = screen_matter(ctx, clerk, again, kind="申诉求决", route="accept", reason_code="accept_claim",
                       reason_text="邻居新建围墙，属新的事实")
    assert ev.data["suggestion_outcome"] == "overridden"
    assert ev.data["suggestions"][0]["reason_code"] == rules.REASON_BEING_HANDLED
    assert "新的事实" in ev.note


def _replied(ctx, operator, matter_id, accepted_on, replied_on):
    accept(ctx, operator, matter_id, on=accepted_on)
    notice_delivered(ctx, operator, matter_id, on=accepted_on)
    handling.assign_matter(ctx, operator, matter_id, unit_id(ctx), on=accepted_on)
    handling.reply_matter(ctx, operator, matter_id, result="不予支持", facts="经核实，边界清楚",
                          basis="《土地管理法》第十四条", on=replied_on)


def test_not_reaccept_suggested_after_a_concluded_re_review(ctx, register, clerk, head, person_id):
    first = register(id_number=person_id, summaries=(LAND,), received_at=at(D(2026, 3, 2))).matter_ids[0]
    _replied(ctx, clerk, first, D(2026, 3, 3), D(2026, 4, 1))
    handling.request_review(ctx, clerk, first, level=1, requested_on=D(2026, 4, 15), body="县信访局")
    handling.conclude_review(ctx, clerk, first, result="维持", opinion="维持原处理意见", on=D(2026, 5, 10))
    handling.request_review(ctx, clerk, first, level=2, requested_on=D(2026, 5, 20), body="市信访局")
    handling.conclude_review(ctx, clerk, first, result="维持", opinion="维持复查意见", on=D(2026, 6, 15))
    handling.archive_matter(ctx, clerk, first, on=D(2026, 6, 20))
    again = register(id_number=person_id, summaries=(LAND_AGAIN,)).matter_ids[0]

    [s] = suggestions_for(ctx, again)
    assert (s.route, s.reason_code) == (Action.NOT_REACCEPT, rules.REASON_RE_REVIEW_DONE)
    assert {D(2026, 5, 20), D(2026, 6, 15)} <= {e.on for e in s.evidence}
    # the same history with a different demand suggests nothing
    lamp = register(id_number=person_id, summaries=(LAMP,)).matter_ids[0]
    assert suggestions_for(ctx, lamp) == []


def test_no_re_review_suggestion_while_only_复查_is_done_and_复核_window_open(ctx, register, clerk, person_id):
    first = register(id_number=person_id, summaries=(LAND,), received_at=at(D(2026, 9, 1))).matter_ids[0]
    _replied(ctx, clerk, first, D(2026, 9, 2), D(2026, 10, 1))
    handling.request_review(ctx, clerk, first, level=1, requested_on=D(2026, 10, 10))
    handling.conclude_review(ctx, clerk, first, result="维持", opinion="维持", on=D(2026, 11, 5))
    again = register(id_number=person_id, summaries=(LAND_AGAIN,)).matter_ids[0]
    assert suggestions_for(ctx, again) == []  # 复核 may still be asked until 12-05


def test_not_reaccept_suggested_when_the_review_period_lapsed(ctx, register, clerk, person_id):
    first = register(id_number=person_id, summaries=(LAND,), received_at=at(D(2026, 6, 1))).matter_ids[0]
    _replied(ctx, clerk, first, D(2026, 6, 2), D(2026, 7, 1))
    handling.follow_up_matter(ctx, clerk, first, method="电话回访", satisfaction="不满意", on=D(2026, 7, 5))
    handling.archive_matter(ctx, clerk, first, on=D(2026, 7, 10))  # archived before the window ran out
    again = register(id_number=person_id, summaries=(LAND_AGAIN,)).matter_ids[0]

    [s] = suggestions_for(ctx, again)
    assert (s.route, s.reason_code) == (Action.NOT_REACCEPT, rules.REASON_PERIOD_LAPSED)
    window = deadlines(ctx, first)["review_request"]
    assert {D(2026, 7, 1), window.due_on} == {e.on for e in s.evidence}


def test_no_lapse_suggestion_while_the_review_window_is_open(ctx, register, clerk, person_id):
    first = register(id_number=person_id, summaries=(LAND,), received_at=at(D(2026, 10, 20))).matter_ids[0]
    _replied(ctx, clerk, first, D(2026, 10, 21), D(2026, 11, 10))
    again = register(id_number=person_id, summaries=(LAND_AGAIN,)).matter_ids[0]
    assert suggestions_for(ctx, again) == []


def test_litigation_flag_suggests_the_legal_channel(ctx, register, clerk):
    from xfdesk.services.registration import register_contact
    from tests.conftest import sample_contact

    contact = sample_contact(summaries=("不服法院判决，要求重新审理",))
    contact.matters[0].flags = {"is_litigation"}
    flagged = register_contact(ctx, clerk, contact).matter_ids[0]
    plain = register(summaries=("不服法院判决，要求重新审理",)).matter_ids[0]
    routes = [(s.route, s.reason_code) for s in suggestions_for(ctx, flagged)]
    assert routes[0] == (Action.REDIRECT_LEGAL, rules.REASON_LITIGATION)
    assert suggestions_for(ctx, plain) == []
    ev = screen_matter(ctx, clerk, flagged, kind="申诉求决", route="redirect_legal", reason_code="legal_litigation")
    assert ev.data["suggestion_outcome"] == "accepted" and matter(ctx, flagged).forwarded_to == "诉讼"


# ── 初访速办 at acceptance ───────────────────────────────────────────────────────────────────────────────────
def test_first_time_matter_is_put_on_fast_track_at_acceptance(ctx, register, clerk, person_id):
    first = register(id_number=person_id, summaries=(LAMP,), received_at=at(D(2026, 11, 18))).matter_ids[0]
    ev = accept(ctx, clerk, first, on=D(2026, 11, 19))
    m = matter(ctx, first)
    ds = deadlines(ctx, first)
    assert m.is_fast_track and ev.data["fast_track"] is True
    assert {n: ds[n].due_on for n in ("fast_meet", "fast_facts", "fast_reply")} == {
        "fast_meet": D(2026, 11, 24), "fast_facts": D(2026, 11, 26), "fast_reply": D(2026, 12, 4)}
    assert m.due_on == D(2026, 11, 24)  # the nearest duty clock shows in lists

    second = register(id_number=person_id, summaries=(LAND,)).matter_ids[0]
    accept(ctx, clerk, second)
    assert not matter(ctx, second).is_fast_track and "fast_meet" not in deadlines(ctx, second)


def test_fast_track_setting_off_starts_no_fast_clocks(ctx, register, clerk):
    ctx.save_setting("fast_track", False)
    mid = register(summaries=(LAMP,)).matter_ids[0]
    accept(ctx, clerk, mid)
    assert not matter(ctx, mid).is_fast_track and "fast_reply" not in deadlines(ctx, mid)
