"""The lifecycle table walked whole: for every (state, action) pair the engine does exactly what the table says —
an allowed action moves the matter, writes one event and moves the clocks it names; every other is refused with the
table's own words and changes nothing. Plus the table's self-checks and the clocks' arithmetic."""

from __future__ import annotations

import datetime as dt
import tomllib
from dataclasses import replace
from pathlib import Path

import pytest
from sqlmodel import select

from xfdesk.domain import lifecycle as lc
from xfdesk.domain.deadlines import profile_from_mapping
from xfdesk.domain.errors import Refused
from xfdesk.domain.glossary import Role
from xfdesk.domain.lifecycle import (
    CLOCKS,
    STATUS_LABELS,
    TRANSITIONS,
    Action,
    DateRefused,
    DeadlineKind,
    Status,
    TransitionRefused,
    allowed_actions,
    refusal,
    transition_for,
)
from xfdesk.services.lifecycle import apply_action, matter_state, recompute_open_deadlines
from xfdesk.storage.models import ClockPause, Deadline, Event, Matter

DATA = Path(__file__).resolve().parent.parent / "data"
START = dt.date(2026, 6, 1)

# The shortest path of actions from 待甄别 to each state (the notice is handed over on the spot first where the
# path goes on to 归档, which waits for it).
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
    Status.ARCHIVED: [Action.ACCEPT, Action.NOTICE_DELIVERED, Action.ASSIGN, Action.REPLY, Action.ARCHIVE],
}

# Where the facts an action needs depend on the way a state was reached, the way that provides them.
_TO_REVIEWED = [Action.ACCEPT, Action.ASSIGN, Action.REPLY, Action.REQUEST_REVIEW, Action.CONCLUDE_REVIEW]
ALT_PATHS: dict[tuple[Status, Action], list[Action]] = {
    (Status.FOLLOWED_UP, Action.REQUEST_RE_REVIEW): _TO_REVIEWED + [Action.FOLLOW_UP],
    (Status.ARCHIVED, Action.REQUEST_RE_REVIEW): _TO_REVIEWED + [Action.NOTICE_DELIVERED, Action.ARCHIVE],
}

# What an action needs beyond its source state, set up before it is tried (the walk must see each allowed once).
PREPARE: dict[Action, list[Action]] = {
    Action.RESUME_CLOCK: [Action.PAUSE_CLOCK],
    Action.CANCEL_FAST_TRACK: [Action.SET_FAST_TRACK],
    Action.FAST_MEET: [Action.SET_FAST_TRACK],
    Action.FAST_FACTS: [Action.SET_FAST_TRACK],
    Action.ARCHIVE: [Action.NOTICE_DELIVERED],
}


class Walker:
    """Drives one matter with dated steps, one day apart, through the raw engine."""

    def __init__(self, ctx, head, matter_id: int):  # noqa: ANN001
        self.ctx, self.head, self.matter_id = ctx, head, matter_id
        self.day = START

    def kwargs(self, action: Action) -> dict:
        t = transition_for(action)
        kw: dict = {"on": self.day}
        if t.needs_reason:
            kw["reason"] = "依据有关规定处理"
        if t.extends:
            kw["days"] = 10
        if action == Action.ASSIGN:
            kw["changes"] = {"unit_id": 1}
        return kw

    def do(self, action: Action):  # noqa: ANN201
        event = apply_action(self.ctx, self.head, self.matter_id, action, **self.kwargs(action))
        self.day += dt.timedelta(days=1)
        return event

    def drive(self, status: Status, action: Action | None = None) -> None:
        for step in ALT_PATHS.get((status, action), PATHS[status]):
            self.do(step)

    def state(self):  # noqa: ANN201
        with self.ctx.db.read() as s:
            return matter_state(s, s.get(Matter, self.matter_id))


def _snapshot(ctx, matter_id):
    with ctx.db.read() as s:
        m = s.get(Matter, matter_id)
        deadlines = [(d.name, d.state, d.due_on, d.on_time, d.extension_days)
                     for d in s.exec(select(Deadline).where(Deadline.matter_id == matter_id))]
        events = len(s.exec(select(Event).where(Event.matter_id == matter_id)).all())
        pauses = [(p.started_on, p.ended_on) for p in s.exec(select(ClockPause).where(ClockPause.matter_id == matter_id))]
        return (m.status, m.due_on, m.unit_id, m.is_fast_track, sorted(deadlines, key=str), events, pauses)


def _clocks(ctx, matter_id) -> dict[str, list[str]]:
    with ctx.db.read() as s:
        out: dict[str, list[str]] = {}
        for d in s.exec(select(Deadline).where(Deadline.matter_id == matter_id).order_by(Deadline.id)):
            out.setdefault(d.name, []).append(d.state)
        return out


def test_the_table_checks_itself():
    assert lc.validate() == []
    assert set(STATUS_LABELS) == set(Status)
    # a broken table is found: a clock nobody defines, a resume that cannot follow its pause
    bad = replace(transition_for(Action.REPLY), starts=("no_such_clock",))
    assert any("unknown clock" in p for p in lc.validate([bad if t.action == Action.REPLY else t
                                                           for t in TRANSITIONS]))
    without_resume = [t for t in TRANSITIONS if t.action != Action.RESUME_CLOCK]
    assert lc.validate(without_resume)


@pytest.mark.parametrize("name", ["national", "zhejiang"])
def test_every_clock_of_the_table_is_in_every_shipped_profile(name):
    with (DATA / "rules" / f"{name}.toml").open("rb") as f:
        profile = profile_from_mapping(tomllib.load(f))
    named = {c for t in TRANSITIONS for c in (*t.starts, *t.fast_starts, *t.ends, *t.cancels, *t.extends,
                                             *t.pauses, *t.needs, *t.waits_for, *t.notice_ends)}
    assert named | set(lc.REGISTRATION_STARTS) <= set(CLOCKS) <= set(profile.limits)
    for t in TRANSITIONS:  # a clock a step needs running is one the table starts somewhere
        for name_ in t.needs:
            assert name_ in lc.REGISTRATION_STARTS or any(name_ in (*o.starts, *o.fast_starts) for o in TRANSITIONS)
    assert (DATA / profile.reasons).exists()


def test_every_notice_the_table_names_is_a_document_kind():
    from xfdesk.documents.kinds import KINDS_BY_KEY

    assert lc.notice_kinds() <= set(KINDS_BY_KEY)
    assert all(transition_for(a).notice_ends == (lc.NOTICE,) for a in lc.SCREENING_ACTIONS)


@pytest.mark.parametrize("status", list(Status), ids=lambda s: s.value)
def test_every_action_from_every_state(ctx, head, register, status):
    """For each state and each action: the engine agrees with ``refusal`` (the same function the TUI and
    ``matter actions`` list with); an allowed step writes one event, reaches the table's target and moves exactly
    the clocks it names; a refused one changes nothing. Every action is allowed from each of its sources at least
    once (after its preparation)."""
    for t in TRANSITIONS:
        reg = register(summaries=(f"{status.value} {t.action.value} 的诉求",),
                       received_at=dt.datetime.combine(START, dt.time(9)))
        walk = Walker(ctx, head, reg.matter_ids[0])
        walk.drive(status, t.action)
        if status in t.sources:
            for prep in PREPARE.get(t.action, []):
                if refusal(transition_for(prep), walk.state(), Role.HEAD) is None:
                    walk.do(prep)
        problem = refusal(t, walk.state(), Role.HEAD)
        before, clocks_before = _snapshot(ctx, walk.matter_id), _clocks(ctx, walk.matter_id)
        if problem is None:
            open_before = set(walk.state().clocks)
            event = walk.do(t.action)
            after = _snapshot(ctx, walk.matter_id)
            expected = t.target or status
            assert after[0] == expected.value
            assert after[5] == before[5] + 1
            assert (event.action, event.from_status, event.to_status, event.actor) == (
                t.action.value, status.value, expected.value, head.name)
            clocks_after = _clocks(ctx, walk.matter_id)
            for name in t.ends:
                if name in open_before:
                    assert clocks_after[name][len(clocks_before[name]) - 1] in ("met", "late"), (t.action, name)
            for name in t.cancels:
                if name in open_before:
                    assert clocks_after[name][len(clocks_before[name]) - 1] == "cancelled", (t.action, name)
            for name in t.starts:
                assert clocks_after[name][-1] == "open", (t.action, name)
            assert set(walk.state().clocks) >= (open_before - set(t.ends) - set(t.cancels) - set(t.extends))
        else:
            assert status not in t.sources, (status, t.action, problem)  # each source is usable at least once
            with pytest.raises(TransitionRefused) as refused:
                walk.do(t.action)
            assert str(refused.value) == problem
            assert _snapshot(ctx, walk.matter_id) == before


def test_allowed_actions_lists_exactly_the_table(ctx):
    for status in Status:
        assert {t.action for t in allowed_actions(status, Role.HEAD)} == {
            t.action for t in TRANSITIONS if status in t.sources}
        assert all(t.role == Role.CLERK for t in allowed_actions(status, Role.CLERK))


def test_reason_required_and_clerk_cannot_extend(ctx, clerk, head, register):
    matter_id = register().matter_ids[0]
    with pytest.raises(TransitionRefused, match="必须填写理由"):
        apply_action(ctx, clerk, matter_id, Action.NOT_ACCEPT, reason="  ")
    apply_action(ctx, head, matter_id, Action.ACCEPT)
    apply_action(ctx, head, matter_id, Action.ASSIGN, changes={"unit_id": 1})
    before = _snapshot(ctx, matter_id)
    with pytest.raises(TransitionRefused, match="主任"):
        apply_action(ctx, clerk, matter_id, Action.EXTEND, reason="情况复杂", days=10)
    assert _snapshot(ctx, matter_id) == before
    with pytest.raises(TransitionRefused, match="未知的操作"):
        apply_action(ctx, head, matter_id, "no_such_action")
    with pytest.raises(TransitionRefused, match="不能修改"):
        apply_action(ctx, head, matter_id, Action.REPLY, changes={"unit_id": 2})


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
    assert notice.basis.startswith("《信访工作条例》第二十三条")  # notifying the petitioner (item 13)


def test_notice_due_on_makeup_saturday_stays(ctx, register):
    # received Fri 2026-09-25: +15 = Sat 2026-10-10, a 调休 working Saturday → stays
    reg = register(received_at=dt.datetime(2026, 9, 25, 10, 0))
    assert _deadline(ctx, reg.matter_ids[0], "notice").due_on == dt.date(2026, 10, 10)


def test_on_time_result_stored_when_step_ends(ctx, head, register):
    reg = register(received_at=dt.datetime(2026, 8, 3, 9, 0))
    matter_id = reg.matter_ids[0]
    apply_action(ctx, head, matter_id, Action.ACCEPT, on=dt.date(2026, 8, 10))
    assert _deadline(ctx, matter_id, "notice").state == "open"  # the decision alone is no notice
    apply_action(ctx, head, matter_id, Action.NOTICE_DELIVERED, on=dt.date(2026, 8, 25))  # due 08-18: late
    notice = _deadline(ctx, matter_id, "notice")
    assert (notice.state, notice.on_time, notice.ended_on) == ("late", False, dt.date(2026, 8, 25))
    handling = _deadline(ctx, matter_id, "handling")
    assert handling.start_on == dt.date(2026, 8, 10) and handling.state == "open"
    assert handling.due_on == ctx.calendar().add_days(dt.date(2026, 8, 10), 60)
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
    apply_action(ctx, head, matter_id, Action.ACCEPT, on=dt.date(2026, 3, 16))
    apply_action(ctx, head, matter_id, Action.NOTICE_DELIVERED, on=dt.date(2026, 3, 17))  # due 03-17: on time
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
    apply_action(ctx, head, matter_id, Action.ASSIGN, on=dt.date(2026, 9, 3), changes={"unit_id": 1})
    base = _deadline(ctx, matter_id, "handling").due_on
    event = apply_action(ctx, head, matter_id, Action.EXTEND, reason="需要测绘", days=20, on=dt.date(2026, 10, 20))
    extended = _deadline(ctx, matter_id, "handling")
    assert extended.extension_days == 20
    assert extended.due_on == ctx.calendar().add_days(dt.date(2026, 9, 2), 60 + 20) != base
    assert event.data["days"] == 20
    with pytest.raises(TransitionRefused, match="不得超过30日"):
        apply_action(ctx, head, matter_id, Action.EXTEND, reason="再延", days=11, on=dt.date(2026, 10, 21))
    assert _deadline(ctx, matter_id, "handling").extension_days == 20


def test_hearing_pause_only_in_re_review_and_only_its_own_span_counts(ctx, head, register):
    reg = register(received_at=dt.datetime(2026, 6, 1, 9, 0))
    walk = Walker(ctx, head, reg.matter_ids[0])
    walk.drive(Status.RE_REVIEW)
    re_review = _deadline(ctx, walk.matter_id, "re_review")
    original_due = re_review.due_on
    start = re_review.start_on + dt.timedelta(days=2)
    apply_action(ctx, head, walk.matter_id, Action.PAUSE_CLOCK, reason="举行听证", on=start)
    with ctx.db.read() as s:
        assert s.get(Matter, walk.matter_id).due_on is None  # clock stopped: not due, not overdue
    with pytest.raises(TransitionRefused, match="已经暂停"):
        apply_action(ctx, head, walk.matter_id, Action.PAUSE_CLOCK, reason="again", on=start)
    with pytest.raises(TransitionRefused, match="听证结束"):  # the step it pauses cannot end meanwhile
        apply_action(ctx, head, walk.matter_id, Action.CONCLUDE_RE_REVIEW, on=start + dt.timedelta(days=1))
    apply_action(ctx, head, walk.matter_id, Action.RESUME_CLOCK, on=start + dt.timedelta(days=9))
    resumed = _deadline(ctx, walk.matter_id, "re_review")
    assert resumed.paused_days == 9
    assert resumed.due_on == ctx.calendar().add_days(re_review.start_on, 30 + 9)
    assert resumed.due_on > original_due


def test_rehandle_restarts_handling_clock(ctx, head, register):
    matter_id = register(received_at=dt.datetime(2026, 10, 9, 9, 0)).matter_ids[0]
    walk = Walker(ctx, head, matter_id)
    walk.day = dt.date(2026, 10, 10)
    walk.drive(Status.FOLLOWED_UP)
    apply_action(ctx, head, matter_id, Action.REHANDLE, reason="回访不满意，重新办理", on=dt.date(2026, 11, 20))
    handling = _deadline(ctx, matter_id, "handling", state="open")
    assert handling.start_on == dt.date(2026, 11, 20)
    assert _deadline(ctx, matter_id, "review_request").state == "cancelled"


def test_dates_follow_the_steps_and_never_the_future(ctx, head, register):
    matter_id = register(received_at=dt.datetime(2026, 11, 2, 9, 0)).matter_ids[0]
    with pytest.raises(DateRefused, match="早于登记日期"):
        apply_action(ctx, head, matter_id, Action.ACCEPT, on=dt.date(2026, 11, 1))
    with pytest.raises(DateRefused, match="晚于今天"):
        apply_action(ctx, head, matter_id, Action.ACCEPT, on=dt.date(2026, 11, 22))
    apply_action(ctx, head, matter_id, Action.ACCEPT, on=dt.date(2026, 11, 10))
    with pytest.raises(DateRefused, match="早于上一步办理日期 2026-11-10"):
        apply_action(ctx, head, matter_id, Action.REPLY, on=dt.date(2026, 11, 9))
    assert isinstance(DateRefused("x"), Refused) and not isinstance(DateRefused("x"), TransitionRefused)


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
