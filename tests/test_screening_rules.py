"""Pure screening rules: the reasons list, each suggestion rule (a history that triggers it, one that does not)."""

from __future__ import annotations

import datetime as dt
import tomllib

import pytest

from xfdesk.domain import screening as sc
from xfdesk.domain.lifecycle import Action
from xfdesk.paths import SHIPPED_DATA_DIR

D = dt.date
LAND = "要求解决宅基地被邻居侵占问题"
LAND_AGAIN = "反映宅基地被邻居侵占，要求解决"
LAMP = "反映村道路灯不亮"


def shipped_reasons() -> sc.ReasonList:
    with (SHIPPED_DATA_DIR / "reasons.toml").open("rb") as f:
        return sc.reasons_from_mapping(tomllib.load(f))


def candidate(summary: str = LAND_AGAIN, received: dt.date = D(2026, 11, 20), **kw) -> sc.Candidate:
    return sc.Candidate(id=99, number="XF-2026-000099", summary=summary, received_on=received, contact_id=50, **kw)


def past(id: int = 1, summary: str = LAND, status: str = "assigned", received: dt.date = D(2026, 10, 1),
         deadlines=(), reviews=(), **kw) -> sc.PastMatter:
    return sc.PastMatter(id=id, number=f"XF-2026-{id:06d}", summary=summary, status=status, received_on=received,
                         contact_id=id, deadlines=tuple(deadlines), reviews=tuple(reviews), **kw)


def handling(due: dt.date, state: str = "open") -> sc.PastDeadline:
    return sc.PastDeadline("handling", "duty", D(2026, 10, 2), due, state)


# ── reasons list ──────────────────────────────────────────────────────────────────────────────────────────────
def test_shipped_reasons_cover_every_route_and_every_rule_code():
    reasons = shipped_reasons()
    for route in sc.SCREENING_ROUTES:
        assert reasons.for_route(route), route
    for code in (sc.REASON_BEING_HANDLED, sc.REASON_SKIP_LEVEL, sc.REASON_LEGAL_BODY, sc.REASON_RE_REVIEW_DONE,
                 sc.REASON_PERIOD_LAPSED, sc.REASON_LITIGATION):
        reason = reasons.get(code)
        assert reason is not None and "条例" in reason.basis, code
    assert reasons.get(sc.REASON_RE_REVIEW_DONE).route == Action.NOT_REACCEPT
    assert "第三十六条" in reasons.get(sc.REASON_RE_REVIEW_DONE).basis


@pytest.mark.parametrize("entries, words", [
    ([], "为空"),
    ([{"code": "x", "route": "archive", "label": "a", "basis": "b"}], "route"),
    ([{"code": "x", "route": "accept", "label": "a"}], "basis"),
    ([{"code": "x", "route": "accept", "label": "a", "basis": "b"}] * 2, "重复"),
    ([{"code": "x", "route": "accept", "label": "a", "basis": "b"}], "缺少这些去向"),
])
def test_malformed_reasons_are_refused_with_the_entry_named(entries, words):
    with pytest.raises(sc.ReasonsError, match=words):
        sc.reasons_from_mapping({"reasons": entries})


# ── 不予受理: already accepted and within its period (第19条) ──────────────────────────────────────────────────
def test_similar_matter_being_handled_within_its_period_suggests_not_accept():
    history = [past(deadlines=[handling(D(2026, 12, 1))])]
    [s] = sc.suggest(candidate(), history)
    assert (s.route, s.reason_code) == (Action.NOT_ACCEPT, sc.REASON_BEING_HANDLED)
    assert {e.number for e in s.evidence} == {"XF-2026-000001"}
    assert D(2026, 12, 1) in {e.on for e in s.evidence} and D(2026, 10, 1) in {e.on for e in s.evidence}


@pytest.mark.parametrize("history", [
    [past(summary=LAMP, deadlines=[handling(D(2026, 12, 1))])],  # a different demand
    [past(deadlines=[handling(D(2026, 11, 10))])],  # its handling period already ran out
    [past(status="replied", deadlines=[handling(D(2026, 12, 1), "met")])],  # answered, not being handled
    [past(id=7, deadlines=[handling(D(2026, 12, 1))], received=D(2026, 11, 21))],  # registered later
])
def test_no_being_handled_suggestion_without_a_similar_matter_in_its_period(history):
    assert sc.suggest(candidate(), history) == []


def test_another_demand_of_the_same_visit_is_not_an_earlier_petition():
    same_visit = sc.PastMatter(id=3, number="XF-2026-000003", summary=LAND, status="accepted",
                               received_on=D(2026, 11, 20), contact_id=50, deadlines=(handling(D(2027, 1, 1)),))
    assert sc.suggest(candidate(), [same_visit]) == []


def test_marked_repeat_counts_as_the_same_demand_even_in_other_words():
    history = [past(id=5, summary="老宅边界纠纷", deadlines=[handling(D(2026, 12, 1))])]
    assert sc.suggest(candidate(), history) == []
    [s] = sc.suggest(candidate(repeat_of_id=5), history)
    assert s.reason_code == sc.REASON_BEING_HANDLED


# ── 不再受理: 复核 concluded on the same facts (第36条) ─────────────────────────────────────────────────────────
def test_concluded_re_review_suggests_not_reaccept_with_its_dates():
    reviews = [sc.PastReview(1, D(2026, 3, 1), D(2026, 3, 20), "维持"),
               sc.PastReview(2, D(2026, 4, 1), D(2026, 4, 25), "维持")]
    history = [past(status="archived", received=D(2026, 1, 5), reviews=reviews)]
    [s] = sc.suggest(candidate(), history)
    assert (s.route, s.reason_code) == (Action.NOT_REACCEPT, sc.REASON_RE_REVIEW_DONE)
    dates = {e.on for e in s.evidence}
    assert {D(2026, 1, 5), D(2026, 4, 1), D(2026, 4, 25)} <= dates
    assert all(e.number == "XF-2026-000001" for e in s.evidence)
    assert "复核" in " ".join(e.line() for e in s.evidence)


@pytest.mark.parametrize("reviews, summary", [
    ([sc.PastReview(1, D(2026, 3, 1), D(2026, 3, 20), "维持")], LAND),  # only 复查 so far
    ([sc.PastReview(2, D(2026, 4, 1), None, None)], LAND),  # 复核 still running
    ([sc.PastReview(2, D(2026, 4, 1), D(2026, 4, 25), "撤销重办")], LAND),  # sent back to be redone
    ([sc.PastReview(2, D(2026, 4, 1), D(2026, 4, 25), "维持")], LAMP),  # another demand
])
def test_no_re_review_suggestion_when_no_concluded_re_review_on_the_same_facts(reviews, summary):
    history = [past(status="archived", summary=summary, received=D(2026, 1, 5), reviews=reviews)]
    assert [s for s in sc.suggest(candidate(), history) if s.reason_code == sc.REASON_RE_REVIEW_DONE] == []


# ── 不再受理: 复查/复核 period lapsed ───────────────────────────────────────────────────────────────────────────
def window(name: str, start: dt.date, due: dt.date, state: str) -> sc.PastDeadline:
    return sc.PastDeadline(name, "window", start, due, state)


def test_lapsed_review_window_suggests_not_reaccept():
    history = [past(status="archived", deadlines=[window("review_request", D(2026, 6, 1), D(2026, 7, 1),
                                                         "cancelled")])]
    [s] = sc.suggest(candidate(), history)
    assert (s.route, s.reason_code) == (Action.NOT_REACCEPT, sc.REASON_PERIOD_LAPSED)
    assert {e.on for e in s.evidence} == {D(2026, 6, 1), D(2026, 7, 1)}
    assert "复查" in s.summary


def test_lapsed_re_review_window_is_named_as_复核():
    history = [past(status="reviewed", deadlines=[
        window("review_request", D(2026, 5, 1), D(2026, 5, 31), "met"),
        window("re_review_request", D(2026, 6, 10), D(2026, 7, 10), "open")],
        reviews=[sc.PastReview(1, D(2026, 5, 20), D(2026, 6, 10), "维持")])]
    [s] = sc.suggest(candidate(), history)
    assert s.reason_code == sc.REASON_PERIOD_LAPSED and "复核" in s.summary
    assert D(2026, 7, 10) in {e.on for e in s.evidence}


@pytest.mark.parametrize("history", [
    # window still open on the day of the new visit
    [past(status="replied", deadlines=[window("review_request", D(2026, 11, 1), D(2026, 12, 1), "open")])],
    # 复查 was requested in time
    [past(status="reviewed", deadlines=[window("review_request", D(2026, 6, 1), D(2026, 7, 1), "met")],
          reviews=[sc.PastReview(1, D(2026, 6, 20), D(2026, 7, 15), "维持")])],
    # re-handled: the matter is open again, the old window does not count
    [past(status="assigned", deadlines=[window("review_request", D(2026, 6, 1), D(2026, 7, 1), "cancelled")])],
    # a different demand
    [past(status="archived", summary=LAMP,
          deadlines=[window("review_request", D(2026, 6, 1), D(2026, 7, 1), "cancelled")])],
])
def test_no_lapse_suggestion_when_the_window_was_used_open_or_superseded(history):
    assert [s for s in sc.suggest(candidate(), history) if s.reason_code == sc.REASON_PERIOD_LAPSED] == []


def test_only_the_latest_window_counts_after_a_second_reply():
    history = [past(status="followed_up", deadlines=[
        window("review_request", D(2026, 5, 1), D(2026, 5, 31), "cancelled"),  # before 重新办理
        window("review_request", D(2026, 11, 1), D(2026, 12, 1), "open")])]  # after the new reply
    assert sc.suggest(candidate(), history) == []


# ── 涉法涉诉 and 越级 ─────────────────────────────────────────────────────────────────────────────────────────
def test_litigation_flag_suggests_legal_channel_and_not_accept():
    history = [past(id=2, summary=LAMP, status="legal_channel", is_litigation=True)]
    suggestions = sc.suggest(candidate(is_litigation=True), history)
    assert [(s.route, s.reason_code) for s in suggestions] == [
        (Action.REDIRECT_LEGAL, sc.REASON_LITIGATION), (Action.NOT_ACCEPT, sc.REASON_LEGAL_BODY)]
    assert suggestions[0].legal_channel == "诉讼"
    assert {e.number for e in suggestions[0].evidence} == {"XF-2026-000099", "XF-2026-000002"}


def test_no_litigation_suggestion_without_the_flag():
    assert sc.suggest(candidate(), [past(id=2, summary=LAMP, status="legal_channel", is_litigation=True)]) == []


def test_skip_level_flag_suggests_not_accept():
    [s] = sc.suggest(candidate(is_skip_level=True), [])
    assert (s.route, s.reason_code) == (Action.NOT_ACCEPT, sc.REASON_SKIP_LEVEL)


def test_not_reaccept_comes_before_not_accept_and_evidence_serialises():
    reviews = [sc.PastReview(2, D(2026, 4, 1), D(2026, 4, 25), "维持")]
    history = [past(id=1, status="archived", received=D(2026, 1, 5), reviews=reviews),
               past(id=2, deadlines=[handling(D(2026, 12, 1))])]
    suggestions = sc.suggest(candidate(), history)
    assert [s.route for s in suggestions] == [Action.NOT_REACCEPT, Action.NOT_ACCEPT]
    data = suggestions[0].to_data()
    assert data["route"] == "not_reaccept" and data["evidence"][0]["number"] == "XF-2026-000001"


# ── checking a decision ───────────────────────────────────────────────────────────────────────────────────────
def test_decision_needs_kind_reason_of_the_route_and_target():
    reasons = shipped_reasons()
    with pytest.raises(sc.ScreeningRefused, match="事项性质") as e:
        sc.check_decision(reasons, kind=None, route="accept", reason_code="accept_claim")
    assert e.value.field == "kind"
    with pytest.raises(sc.ScreeningRefused, match="受理") as e:
        sc.check_decision(reasons, kind="申诉求决", route="accept", reason_code="na_skip_level")
    assert e.value.field == "reason"
    with pytest.raises(sc.ScreeningRefused, match="转送的机关") as e:
        sc.check_decision(reasons, kind="申诉求决", route="forward", reason_code="fwd_competent_body")
    assert e.value.field == "forwarded_to"
    with pytest.raises(sc.ScreeningRefused, match="写明") as e:
        sc.check_decision(reasons, kind="申诉求决", route="accept", reason_code="accept_other")
    assert e.value.field == "reason_text"
    decision = sc.check_decision(reasons, kind="申诉求决", route="redirect_legal", reason_code="legal_arbitration")
    assert decision.legal_channel == "仲裁" and decision.forwarded_to == "仲裁"
    assert decision.suggestion_outcome is None


def test_accusation_kind_makes_the_decision_restricted():
    d = sc.check_decision(shipped_reasons(), kind="检举控告", route="accept", reason_code="accept_accusation")
    assert d.restricted


def test_overriding_a_suggestion_needs_a_written_reason():
    reasons = shipped_reasons()
    [s] = sc.suggest(candidate(), [past(deadlines=[handling(D(2026, 12, 1))])])
    with pytest.raises(sc.ScreeningRefused, match="不采纳") as e:
        sc.check_decision(reasons, kind="申诉求决", route="accept", reason_code="accept_claim", suggestions=[s])
    assert e.value.field == "reason_text"
    overridden = sc.check_decision(reasons, kind="申诉求决", route="accept", reason_code="accept_claim",
                                   reason_text="原事项已办结，本次为新情况", suggestions=[s])
    assert overridden.suggestion_outcome == sc.OVERRIDDEN
    accepted = sc.check_decision(reasons, kind="申诉求决", route="not_accept", reason_code=s.reason_code,
                                 suggestions=[s])
    assert accepted.suggestion_outcome == sc.ACCEPTED
    assert accepted.note == reasons.get(s.reason_code).label


def test_every_event_this_area_writes_has_a_chinese_label():
    import inspect

    from xfdesk.services import access, handling, supervision

    from xfdesk.domain.lifecycle import Action
    from xfdesk.domain.timeline import event_label

    written = {"view_restricted"}
    sources = "".join(inspect.getsource(m) for m in (access, handling, supervision))
    assert all(name in sources for name in written)  # the list above is what the services write
    assert set(sc.EVENT_LABELS) == written | {"fast_track_end"}  # and what older records hold
    # 速办 and 督办 are steps of the lifecycle table now: their names are the table's
    for action in (Action.SET_FAST_TRACK, Action.FAST_MEET, Action.FAST_FACTS, Action.SUPERVISE):
        assert not event_label(action.value).isascii()
    assert all(not label.isascii() for label in sc.EVENT_LABELS.values())
