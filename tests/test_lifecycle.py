"""The lifecycle table walked whole: every allowed transition works, every other is refused and changes nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlmodel import select

from xfdesk.domain.glossary import Role
from xfdesk.domain.lifecycle import (
    STATUS_LABELS,
    TRANSITIONS,
    Action,
    DeadlineKind,
    Status,
    TransitionRefused,
    allowed_actions,
    check_transition,
)
from xfdesk.services.lifecycle import apply_action, recompute_open_deadlines
from xfdesk.storage.models import ClockPause, Deadline, Event, Matter

# The shortest path of actions from 待甄别 to each state.
PATHS: dict[Status, list[Action]] = {
    Status.REGISTERED: [],
    Status.ACCEPTED: [Action.ACCEPT],
    Status.ASSIGNED: [Action.ACCEPT, Action.ASSIGN],
    Status.MEDIATING: [Action.ACCEPT, Action.ASSIGN, Action.START_MEDIATION],
    Status.RESOLVED: [Action.ACCEPT, Action.ASSIGN, Action.START_MEDIATION, Action.MEDIATION_AGREED],
    Status.REPLIED: [Action.ACCEPT, Action.ASSIGN, Action.REPLY],
    Status.FOLLOWED_UP: [Action.ACCEPT, Action.ASSIGN, Action.REPLY, Action.FOLLOW_UP],
    Status.REVIEW: [Action.ACCEPT, Action.ASSIGN, Action.REPLY, Action.REQUEST_REVIEW],
    Status.REVIEWED: [Action.ACCEPT, Action.ASSIGN, Action.REPLY, Action.REQUEST_REVIEW, Action.CONCLUDE_REVIEW],
    Status.RE_REVIEW: [Action.ACCEPT, Action.ASSIGN, Action.REPLY, Action.REQUEST_REVIEW, Action.CONCLUDE_REVIEW,
                       Action.REQUEST_RE_REVIEW],
    Status.RE_REVIEWED: [Action.ACCEPT, Action.ASSIGN, Action.REPLY, Action.REQUEST_REVIEW,
                         Action.CONCLUDE_REVIEW, Action.REQUEST_RE_REVIEW, Action.CONCLUDE_RE_REVIEW],
    Status.NOT_ACCEPTED: [Action.NOT_ACCEPT],
    Status.NOT_REACCEPTED: [Action.NOT_REACCEPT],
    Status.FORWARDED: [Action.FORWARD],
    Status.LEGAL_CHANNEL: [Action.REDIRECT_LEGAL],
    Status.ARCHIVED: [Action.NOT_ACCEPT, Action.ARCHIVE],
}


def test_every_state_is_reachable_and_labelled():
    assert set(PATHS) == set(Status)
    assert set(STATUS_LABELS) == set(Status)
    targets = {t.target for t in TRANSITIONS if t.target is not None}
    assert targets | {Status.REGISTERED} == set(Status)


def _do(ctx, operator, matter_id, action, **kw):
    t = next(t for t in TRANSITIONS if t.action == action)
    kw.setdefault("reason", "依据有关规定处理" if t.needs_reason else "")
    if t.extends:
        kw.setdefault("days", 10)
    return apply_action(ctx, operator, matter_id, action, **kw)


def _drive(ctx, head, matter_id, status):
    for action in PATHS[status]:
        _do(ctx, head, matter_id, action)


def _snapshot(ctx, matter_id):
    with ctx.db.read() as s:
        m = s.get(Matter, matter_id)
        deadlines = [(d.name, d.state, d.due_on, d.on_time, d.extension_days)
                     for d in s.exec(select(Deadline).where(Deadline.matter_id == matter_id))]
        events = len(s.exec(select(Event).where(Event.matter_id == matter_id)).all())
        pauses = [(p.started_on, p.ended_on) for p in s.exec(select(ClockPause).where(ClockPause.matter_id == matter_id))]
        return m.status, m.due_on, sorted(deadlines, key=str), events, pauses


@pytest.mark.parametrize("status", list(Status), ids=lambda s: s.value)
def test_every_action_from_every_state(ctx, head, register, status):
    """Allowed actions move the matter and write one event; every other action is refused and changes nothing."""
    for transition in TRANSITIONS:
        reg = register(summaries=(f"{status.value} {transition.action.value} 的诉求",))
        matter_id = reg.matter_ids[0]
        _drive(ctx, head, matter_id, status)
        if transition.resumes and status in transition.sources:
            _do(ctx, head, matter_id, Action.PAUSE_CLOCK)  # resume needs a paused clock
        before = _snapshot(ctx, matter_id)
        if status in transition.sources:
            event = _do(ctx, head, matter_id, transition.action)
            after = _snapshot(ctx, matter_id)
            expected = transition.target or status
            assert after[0] == expected.value
            assert after[3] == before[3] + 1
            assert (event.action, event.from_status, event.to_status, event.actor) == (
                transition.action.value, status.value, expected.value, head.name)
        else:
            with pytest.raises(TransitionRefused) as refused:
                _do(ctx, head, matter_id, transition.action)
            assert "不能" in str(refused.value)
            assert _snapshot(ctx, matter_id) == before


def test_allowed_actions_lists_exactly_the_table(ctx):
    for status in Status:
        assert {t.action for t in allowed_actions(status, Role.HEAD)} == {
            t.action for t in TRANSITIONS if status in t.sources}
        assert all(t.role == Role.CLERK for t in allowed_actions(status, Role.CLERK))


def test_reason_required_and_clerk_cannot_extend(ctx, clerk, head, register):
    matter_id = register().matter_ids[0]
    with pytest.raises(TransitionRefused, match="必须填写理由"):
        apply_action(ctx, clerk, matter_id, Action.NOT_ACCEPT, reason="  ")
    _drive(ctx, head, matter_id, Status.ASSIGNED)
    before = _snapshot(ctx, matter_id)
    with pytest.raises(TransitionRefused, match="主任"):
        apply_action(ctx, clerk, matter_id, Action.EXTEND, reason="情况复杂", days=10)
    assert _snapshot(ctx, matter_id) == before
    with pytest.raises(TransitionRefused):
        check_transition(Status.ASSIGNED, "no_such_action", Role.HEAD)


def _deadline(ctx, matter_id, name, state=None):
    with ctx.db.read() as s:
        rows = s.exec(select(Deadline).where(Deadline.matter_id == matter_id, Deadline.name == name)
                      .order_by(Deadline.id)).all()
    rows = [r for r in rows if state is None or r.state == state]
    return rows[-1]


def test_registration_starts_notice_clock_moved_past_national_day(ctx, register):
    # received Wed 2026-09-16: +15 days = 2026-10-01, National Day → first working day after the holiday, 10-08
    reg = register(received_at=dt.datetime(2026, 9, 16, 10, 0))
    notice = _deadline(ctx, reg.matter_ids[0], "notice")
    assert notice.start_on == dt.date(2026, 9, 16)
    assert notice.due_on == dt.date(2026, 10, 8)
    assert notice.kind == DeadlineKind.DUTY and notice.state == "open"


def test_notice_due_on_makeup_saturday_stays(ctx, register):
    # received Fri 2026-09-25: +15 = Sat 2026-10-10, a 调休 working Saturday → stays
    reg = register(received_at=dt.datetime(2026, 9, 25, 10, 0))
    assert _deadline(ctx, reg.matter_ids[0], "notice").due_on == dt.date(2026, 10, 10)


def test_on_time_result_stored_when_step_ends(ctx, head, register):
    reg = register(received_at=dt.datetime(2026, 8, 3, 9, 0))
    matter_id = reg.matter_ids[0]
    apply_action(ctx, head, matter_id, Action.ACCEPT, on=dt.date(2026, 8, 25))  # notice due 08-18: late
    notice = _deadline(ctx, matter_id, "notice")
    assert (notice.state, notice.on_time, notice.ended_on) == ("late", False, dt.date(2026, 8, 25))
    handling = _deadline(ctx, matter_id, "handling")
    assert handling.start_on == dt.date(2026, 8, 25) and handling.state == "open"
    assert handling.due_on == ctx.calendar().add_days(dt.date(2026, 8, 25), 60)
    apply_action(ctx, head, matter_id, Action.ASSIGN, on=dt.date(2026, 8, 26), changes={"unit_id": 1})
    apply_action(ctx, head, matter_id, Action.REPLY, on=dt.date(2026, 9, 30))
    handling = _deadline(ctx, matter_id, "handling")
    assert (handling.state, handling.on_time) == ("met", True)
    window = _deadline(ctx, matter_id, "review_request")
    assert window.kind == DeadlineKind.WINDOW and window.start_on == dt.date(2026, 9, 30)


def test_calendar_edit_does_not_rewrite_history(ctx, head, register):
    from xfdesk.storage.models import CalendarDay, CalendarYear

    reg = register(received_at=dt.datetime(2026, 3, 2, 9, 0))
    matter_id = reg.matter_ids[0]
    apply_action(ctx, head, matter_id, Action.ACCEPT, on=dt.date(2026, 3, 17))  # notice due 03-17: on time
    assert _deadline(ctx, matter_id, "notice").on_time is True
    # the office now declares 2026-03-17 a holiday: the stored on-time result must not change
    with ctx.db.write() as s:
        s.add(CalendarYear(year=2026, source_file="test"))
        s.add(CalendarDay(day=dt.date(2026, 3, 17), year=2026, is_workday=False, name="测试"))
    recompute_open_deadlines(ctx)
    notice = _deadline(ctx, matter_id, "notice")
    assert (notice.on_time, notice.state, notice.due_on) == (True, "met", dt.date(2026, 3, 17))


def test_extension_capped_and_recorded(ctx, head, register):
    reg = register(received_at=dt.datetime(2026, 9, 1, 9, 0))
    matter_id = reg.matter_ids[0]
    apply_action(ctx, head, matter_id, Action.ACCEPT, on=dt.date(2026, 9, 2))
    apply_action(ctx, head, matter_id, Action.ASSIGN, on=dt.date(2026, 9, 3))
    base = _deadline(ctx, matter_id, "handling").due_on
    event = apply_action(ctx, head, matter_id, Action.EXTEND, reason="需要测绘", days=20)
    extended = _deadline(ctx, matter_id, "handling")
    assert extended.extension_days == 20
    assert extended.due_on == ctx.calendar().add_days(dt.date(2026, 9, 2), 60 + 20) != base
    assert event.data["days"] == 20
    with pytest.raises(TransitionRefused, match="不得超过30日"):
        apply_action(ctx, head, matter_id, Action.EXTEND, reason="再延", days=11)
    assert _deadline(ctx, matter_id, "handling").extension_days == 20


def test_hearing_pause_not_counted(ctx, head, register):
    reg = register(received_at=dt.datetime(2026, 6, 1, 9, 0))
    matter_id = reg.matter_ids[0]
    _drive(ctx, head, matter_id, Status.RE_REVIEW)
    with ctx.db.read() as s:
        requested = s.get(Matter, matter_id)
    re_review = _deadline(ctx, matter_id, "re_review")
    original_due = re_review.due_on
    start = re_review.start_on + dt.timedelta(days=2)
    apply_action(ctx, head, matter_id, Action.PAUSE_CLOCK, reason="举行听证", on=start)
    with ctx.db.read() as s:
        assert s.get(Matter, matter_id).due_on is None  # clock stopped: not due, not overdue
    with pytest.raises(TransitionRefused, match="已经暂停"):
        apply_action(ctx, head, matter_id, Action.PAUSE_CLOCK, reason="again", on=start)
    apply_action(ctx, head, matter_id, Action.RESUME_CLOCK, on=start + dt.timedelta(days=9))
    resumed = _deadline(ctx, matter_id, "re_review")
    assert resumed.paused_days == 9
    assert resumed.due_on == ctx.calendar().add_days(re_review.start_on, 30 + 9)
    assert resumed.due_on > original_due
    assert requested.status == Status.RE_REVIEW.value


def test_rehandle_restarts_handling_clock(ctx, head, register):
    matter_id = register(received_at=dt.datetime(2026, 10, 9, 9, 0)).matter_ids[0]
    _drive(ctx, head, matter_id, Status.FOLLOWED_UP)
    apply_action(ctx, head, matter_id, Action.REHANDLE, reason="回访不满意，重新办理", on=dt.date(2026, 11, 20))
    handling = _deadline(ctx, matter_id, "handling", state="open")
    assert handling.start_on == dt.date(2026, 11, 20)
    assert _deadline(ctx, matter_id, "review_request").state == "cancelled"


def test_forbidden_action_date_before_registration(ctx, head, register):
    matter_id = register(received_at=dt.datetime(2026, 11, 20, 9, 0)).matter_ids[0]
    with pytest.raises(TransitionRefused, match="早于"):
        apply_action(ctx, head, matter_id, Action.ACCEPT, on=dt.date(2026, 11, 1))


def test_event_log_is_append_only(ctx, register):
    from xfdesk.storage.models import EventLogIsAppendOnly

    matter_id = register().matter_ids[0]
    with pytest.raises(EventLogIsAppendOnly):
        with ctx.db.write() as s:
            ev = s.exec(select(Event).where(Event.matter_id == matter_id)).first()
            ev.note = "篡改"
            s.add(ev)
    with pytest.raises(EventLogIsAppendOnly):
        with ctx.db.write() as s:
            s.delete(s.exec(select(Event).where(Event.matter_id == matter_id)).first())


def test_every_stored_action_has_a_chinese_name():
    from xfdesk.domain import reception, screening
    from xfdesk.domain.timeline import OTHER_EVENT_LABELS, event_label

    actions = ({t.action.value for t in TRANSITIONS} | set(OTHER_EVENT_LABELS) | set(reception.EVENT_LABELS)
               | set(screening.EVENT_LABELS))
    for action in actions:
        label = event_label(action)
        assert label and not label.isascii(), action
    assert event_label(Action.NOT_ACCEPT.value) == "不予受理"
    assert event_label("something_new") == "something_new"  # shown as stored, never hidden
