"""The matter lifecycle as data: the one place that says what a step allows, needs, starts, ends and prints.

登记 → 甄别 → 受理 → 交办 → 调处 → 答复 → 回访 → 归档, with the screening exits (不予受理, 不再受理, 转送,
导入法定途径), 延期, 复查/复核, the 听证 pause of 复核, 速办, 督办 and 当场告知. Every transition says

- where it may start (``sources``) and where it leads (``target``; None: the state stays, e.g. 延期, 回访 records);
- who may do it (``role``), whether it needs a reason, and which matter columns it may set (``fields``);
- which legal clocks it starts, ends (the on-time result is stored then), cancels, extends or pauses, which clocks
  must be running for it at all (``needs``), and from which date it may be dated (``dated_from``);
- which written notice it calls for (a document-kind key of ``xfdesk.documents.kinds``), whether the action issues
  that notice itself, and which clocks the notice ends once it is issued (受理告知, 条例第二十三条).

``refusal`` / ``check`` read only this table and a ``MatterState`` (the facts of one matter), so the TUI's list
of actions, ``xfdesk matter do`` and the services refuse the same things with the same words. The services'
engine (``services.lifecycle``) is the only code that acts on it. The table checks itself on import.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from xfdesk.domain.errors import Refused
from xfdesk.domain.glossary import Role


class Status(StrEnum):
    REGISTERED = "registered"
    ACCEPTED = "accepted"
    ASSIGNED = "assigned"
    MEDIATING = "mediating"
    RESOLVED = "resolved"
    REPLIED = "replied"
    FOLLOWED_UP = "followed_up"
    REVIEW = "review"
    REVIEWED = "reviewed"
    RE_REVIEW = "re_review"
    RE_REVIEWED = "re_reviewed"
    NOT_ACCEPTED = "not_accepted"
    NOT_REACCEPTED = "not_reaccepted"
    FORWARDED = "forwarded"
    LEGAL_CHANNEL = "legal_channel"
    ARCHIVED = "archived"


STATUS_LABELS: dict[Status, str] = {
    Status.REGISTERED: "待甄别",
    Status.ACCEPTED: "已受理",
    Status.ASSIGNED: "办理中",
    Status.MEDIATING: "调处中",
    Status.RESOLVED: "调解结案",
    Status.REPLIED: "已答复",
    Status.FOLLOWED_UP: "已回访",
    Status.REVIEW: "复查中",
    Status.REVIEWED: "已复查",
    Status.RE_REVIEW: "复核中",
    Status.RE_REVIEWED: "已复核",
    Status.NOT_ACCEPTED: "不予受理",
    Status.NOT_REACCEPTED: "不再受理",
    Status.FORWARDED: "已转送",
    Status.LEGAL_CHANNEL: "导入法定途径",
    Status.ARCHIVED: "已归档",
}


class Category(StrEnum):
    """What a state means for the office: lists, statistics and screening group states by these."""

    UNSCREENED = "unscreened"  # 待甄别: the 15-day clock of 第二十二条 runs
    HANDLING = "handling"  # accepted, the office owes the answer (办理)
    IN_REVIEW = "in_review"  # 复查/复核 under way: the office owes the opinion
    ANSWERED = "answered"  # answered (答复, 调解结案, 复查/复核意见): the petitioner may still act
    SCREENED_OUT = "screened_out"  # 不予受理, 不再受理, 转送, 导入法定途径: left the petition track here
    ARCHIVED = "archived"  # 归档: filed, still searchable


CATEGORY_LABELS: dict[Category, str] = {
    Category.UNSCREENED: "待甄别", Category.HANDLING: "办理中", Category.IN_REVIEW: "复查复核中",
    Category.ANSWERED: "已答复", Category.SCREENED_OUT: "甄别办结", Category.ARCHIVED: "已归档",
}

STATUS_CATEGORY: dict[Status, Category] = {
    Status.REGISTERED: Category.UNSCREENED,
    Status.ACCEPTED: Category.HANDLING,
    Status.ASSIGNED: Category.HANDLING,
    Status.MEDIATING: Category.HANDLING,
    Status.RESOLVED: Category.ANSWERED,
    Status.REPLIED: Category.ANSWERED,
    Status.FOLLOWED_UP: Category.ANSWERED,
    Status.REVIEW: Category.IN_REVIEW,
    Status.REVIEWED: Category.ANSWERED,
    Status.RE_REVIEW: Category.IN_REVIEW,
    Status.RE_REVIEWED: Category.ANSWERED,
    Status.NOT_ACCEPTED: Category.SCREENED_OUT,
    Status.NOT_REACCEPTED: Category.SCREENED_OUT,
    Status.FORWARDED: Category.SCREENED_OUT,
    Status.LEGAL_CHANNEL: Category.SCREENED_OUT,
    Status.ARCHIVED: Category.ARCHIVED,
}


def statuses(*categories: Category) -> frozenset[Status]:
    return frozenset(s for s, c in STATUS_CATEGORY.items() if c in categories)


# The office still owes the petitioner something: "open matters" lists, overdue lists, closed_on.
OPEN_STATUSES: frozenset[Status] = statuses(Category.UNSCREENED, Category.HANDLING, Category.IN_REVIEW)
# 已经受理或者正在办理 (条例第十九条第三款, 浙江第二十条(五)).
BEING_HANDLED_STATUSES: frozenset[Status] = statuses(Category.HANDLING, Category.IN_REVIEW)
# The office has given its answer (or screened the matter out with its notice): 办结 in the statistics.
FINISHED_STATUSES: frozenset[Status] = statuses(Category.ANSWERED, Category.IN_REVIEW, Category.SCREENED_OUT,
                                                Category.ARCHIVED)


def category_of(status: Status | str) -> Category:
    return STATUS_CATEGORY[Status(status)]


def is_open(status: Status | str) -> bool:
    return Status(status) in OPEN_STATUSES


class Action(StrEnum):
    ACCEPT = "accept"
    NOT_ACCEPT = "not_accept"
    NOT_REACCEPT = "not_reaccept"
    FORWARD = "forward"
    REDIRECT_LEGAL = "redirect_legal"
    NOTICE_DELIVERED = "notice_delivered"
    ASSIGN = "assign"
    UNIT_OBJECTION = "unit_objection"
    START_MEDIATION = "start_mediation"
    MEDIATION_AGREED = "mediation_agreed"
    MEDIATION_FAILED = "mediation_failed"
    SET_FAST_TRACK = "fast_track"
    CANCEL_FAST_TRACK = "fast_track_off"
    FAST_MEET = "fast_meet"
    FAST_FACTS = "fast_facts"
    EXTEND = "extend"
    SUPERVISE = "supervise"
    REPLY = "reply"
    FOLLOW_UP = "follow_up"
    REHANDLE = "rehandle"
    REQUEST_REVIEW = "request_review"
    CONCLUDE_REVIEW = "conclude_review"
    REQUEST_RE_REVIEW = "request_re_review"
    CONCLUDE_RE_REVIEW = "conclude_re_review"
    PAUSE_CLOCK = "pause_clock"
    RESUME_CLOCK = "resume_clock"
    ARCHIVE = "archive"


class Group(StrEnum):
    SCREENING = "screening"  # the exits of 甄别: one decision form
    HANDLING = "handling"
    REVIEW = "review"
    DESK = "desk"  # records next to the handling (速办 steps, 督办, 当场告知): the state stays


class Condition(StrEnum):
    """Facts of the matter a transition may require besides its source state and running clocks."""

    FAST_TRACK = "fast_track"
    NOT_FAST_TRACK = "not_fast_track"
    HAS_UNIT = "has_unit"


class DatedFrom(StrEnum):
    """The earliest date an action may carry (it may never be later than today)."""

    STEP = "step"  # the date the matter reached its state (a later step never comes before an earlier one)
    CLOCK = "clock"  # the start of the first clock it ``needs`` (a request or a 速办 step may be recorded late)
    SCREENING = "screening"  # the date of the screening decision (当场告知)


class DeadlineKind(StrEnum):
    DUTY = "duty"  # the office (or the unit) must act by then: counts for 按期 and overdue lists
    WINDOW = "window"  # someone may act until then (复查 request, a unit's objection): its lapse matters


# The clock names the table uses; each is a limit of every rule profile (a test checks the shipped ones).
NOTICE = "notice"  # 受理告知 (条例第二十三条)
DISPATCH = "dispatch"  # 转送、交办 (第二十二条)
OBJECTION = "objection"  # a unit that is not competent objects (第二十三条第三款)
HANDLING = "handling"  # 办理 (第三十四条; per matter kind in the profile)
REVIEW_REQUEST = "review_request"
REVIEW = "review"
RE_REVIEW_REQUEST = "re_review_request"
RE_REVIEW = "re_review"
FAST_MEET = "fast_meet"
FAST_FACTS = "fast_facts"
FAST_REPLY = "fast_reply"
FAST_TRACK_CLOCKS: tuple[str, ...] = (FAST_MEET, FAST_FACTS, FAST_REPLY)
CLOCKS: tuple[str, ...] = (NOTICE, DISPATCH, OBJECTION, HANDLING, REVIEW_REQUEST, REVIEW, RE_REVIEW_REQUEST,
                           RE_REVIEW, *FAST_TRACK_CLOCKS)


@dataclass(frozen=True)
class Transition:
    action: Action
    label: str
    sources: frozenset[Status]
    target: Status | None  # None: the state does not change
    role: Role = Role.CLERK
    group: Group = Group.HANDLING
    needs_reason: bool = False
    fields: tuple[str, ...] = ()  # matter columns the action may set (交办 the unit, 甄别 the kind …)
    sets: Mapping[str, object] = field(default_factory=dict)  # columns the action always sets
    starts: tuple[str, ...] = ()  # clocks that start on the action's date
    fast_starts: tuple[str, ...] = ()  # clocks that start only for a 速办 matter
    ends: tuple[str, ...] = ()  # clocks that end now (met or late, stored and never recomputed)
    cancels: tuple[str, ...] = ()  # open clocks that no longer apply
    extends: tuple[str, ...] = ()  # running clocks lengthened by the action's days (before they run out)
    pauses: tuple[str, ...] = ()  # clocks stopped until the pause is closed
    resumes: bool = False
    needs: tuple[str, ...] = ()  # clocks that must be running (open) for the action at all
    waits_for: tuple[str, ...] = ()  # clocks that must have ended first
    conditions: frozenset[Condition] = frozenset()
    late_allowed: bool = True  # after a needed window lapsed: allowed with a stated good reason (正当理由)
    late_refused_from: frozenset[Status] = frozenset()  # … but never from these states
    while_paused: bool = False  # may be taken while a pause is open (everything else waits for its end)
    dated_from: DatedFrom = DatedFrom.STEP
    notice: str | None = None  # document-kind key of the written notice the action calls for
    issues_notice: bool = False  # the action itself issues that notice (nothing is offered afterwards)
    notice_ends: tuple[str, ...] = ()  # clocks that end when that notice is issued (or delivered on the spot)

    @property
    def changes_status(self) -> bool:
        return self.target is not None


def _s(*states: Status) -> frozenset[Status]:
    return frozenset(states)


_HANDLING_STATES = _s(Status.ACCEPTED, Status.ASSIGNED, Status.MEDIATING)
_ANSWERED = statuses(Category.ANSWERED)
_AFTER_SCREENING = frozenset(Status) - {Status.REGISTERED, Status.ARCHIVED}  # 归档 waits for the notice
_SCREENED = {"fields": ("kind", "route_basis", "forwarded_to", "category", "location", "is_restricted",
                        "is_fast_track"),
             "group": Group.SCREENING, "notice_ends": (NOTICE,)}

TRANSITIONS: tuple[Transition, ...] = (
    # 甄别 (screening, 条例第二十二、二十九至三十一条). The 15-day notice clock (第二十三条) ends when the written
    # notice is issued or handed over on the spot, not when the decision is saved.
    Transition(Action.ACCEPT, "受理", _s(Status.REGISTERED), Status.ACCEPTED, **_SCREENED,
               starts=(HANDLING,), fast_starts=FAST_TRACK_CLOCKS, notice="acceptance_notice"),
    Transition(Action.NOT_ACCEPT, "不予受理", _s(Status.REGISTERED), Status.NOT_ACCEPTED, **_SCREENED, needs_reason=True,
               cancels=(DISPATCH,), notice="non_acceptance_notice"),
    Transition(Action.NOT_REACCEPT, "不再受理", _s(Status.REGISTERED), Status.NOT_REACCEPTED, **_SCREENED, needs_reason=True,
               cancels=(DISPATCH,), notice="non_reacceptance_notice"),
    Transition(Action.FORWARD, "转送", _s(Status.REGISTERED), Status.FORWARDED, **_SCREENED, needs_reason=True,
               ends=(DISPATCH,), notice="transfer_notice"),
    Transition(Action.REDIRECT_LEGAL, "导入法定途径", _s(Status.REGISTERED), Status.LEGAL_CHANNEL, **_SCREENED, needs_reason=True,
               cancels=(DISPATCH,), notice="legal_channel_notice"),
    # 当场告知 (第二十三条第二款): the written notice was handed over at the desk
    Transition(Action.NOTICE_DELIVERED, "当场告知", _AFTER_SCREENING, None, group=Group.DESK,
               needs=(NOTICE,), ends=(NOTICE,), while_paused=True,
               dated_from=DatedFrom.SCREENING),
    # 交办 (第二十二条) and a unit's objection within 5 working days (第二十三条第三款): back to the office
    Transition(Action.ASSIGN, "交办", _s(Status.ACCEPTED), Status.ASSIGNED, fields=("unit_id",),
               ends=(DISPATCH,), starts=(OBJECTION,), notice="transfer_form"),
    Transition(Action.UNIT_OBJECTION, "责任单位提出异议（退回）", _s(Status.ASSIGNED), Status.ACCEPTED,
               needs_reason=True, sets={"unit_id": None}, needs=(OBJECTION,), ends=(OBJECTION,),
               late_allowed=False, dated_from=DatedFrom.CLOCK),
    # 调处 (调解优先, 第三十三条)
    Transition(Action.START_MEDIATION, "调处", _s(Status.ACCEPTED, Status.ASSIGNED), Status.MEDIATING,
               ends=(DISPATCH,), cancels=(OBJECTION,)),
    Transition(Action.MEDIATION_AGREED, "调解成功", _s(Status.MEDIATING), Status.RESOLVED,
               ends=(HANDLING, *FAST_TRACK_CLOCKS)),
    Transition(Action.MEDIATION_FAILED, "调解未成", _s(Status.MEDIATING), Status.ASSIGNED, needs_reason=True),
    # 初访速办 (seed 000): three extra duty clocks of the profile
    Transition(Action.SET_FAST_TRACK, "设为初访速办", _HANDLING_STATES, None, group=Group.DESK,
               conditions=frozenset({Condition.NOT_FAST_TRACK}), sets={"is_fast_track": True},
               starts=FAST_TRACK_CLOCKS),
    Transition(Action.CANCEL_FAST_TRACK, "取消初访速办", _HANDLING_STATES, None, group=Group.DESK,
               conditions=frozenset({Condition.FAST_TRACK}), sets={"is_fast_track": False},
               cancels=FAST_TRACK_CLOCKS),
    Transition(Action.FAST_MEET, "速办：已与信访人见面", _HANDLING_STATES, None, group=Group.DESK,
               needs=(FAST_MEET,), ends=(FAST_MEET,), dated_from=DatedFrom.CLOCK),
    Transition(Action.FAST_FACTS, "速办：已查清事实", _HANDLING_STATES, None, group=Group.DESK,
               needs=(FAST_FACTS,), ends=(FAST_FACTS,), dated_from=DatedFrom.CLOCK),
    # 延期 (第三十四条): the head approves, before the period runs out, and the petitioner is told why
    Transition(Action.EXTEND, "延期", _HANDLING_STATES, None, role=Role.HEAD, needs_reason=True,
               needs=(HANDLING,), extends=(HANDLING,), notice="extension_notice",
               issues_notice=True),
    # 督办 of the responsible unit (the 督办函 is issued with it)
    Transition(Action.SUPERVISE, "督办", _s(Status.ASSIGNED, Status.MEDIATING, Status.REVIEW, Status.RE_REVIEW),
               None, group=Group.DESK, needs_reason=True, conditions=frozenset({Condition.HAS_UNIT}),
               while_paused=True, notice="supervision_letter", issues_notice=True),
    # 答复 (信访处理意见书, 第三十二条): from 受理 too when the office handles the matter itself (no unit)
    Transition(Action.REPLY, "答复", _s(Status.ACCEPTED, Status.ASSIGNED), Status.REPLIED, fields=("reply_result",),
               ends=(HANDLING, *FAST_TRACK_CLOCKS), cancels=(DISPATCH, OBJECTION), starts=(REVIEW_REQUEST,),
               notice="handling_opinion"),
    # 回访: the request windows keep running (复查/复核 each need their own window, so a 回访 neither opens a
    # second 复查 nor blocks 复核)
    Transition(Action.FOLLOW_UP, "回访", _ANSWERED, Status.FOLLOWED_UP, notice="follow_up_record"),
    # 重新办理: after an unsatisfied 回访, or a 复查/复核 that orders the matter redone (撤销重办)
    Transition(Action.REHANDLE, "重新办理", _ANSWERED - {Status.RESOLVED}, Status.ASSIGNED, needs_reason=True,
               cancels=(REVIEW_REQUEST, RE_REVIEW_REQUEST), starts=(HANDLING,)),
    # 复查 / 复核 (第三十五、三十六条): each needs its own running window, so after 复查 only 复核 is possible and
    # after 复核 nothing; an archived matter accepts a request while its window runs and is reopened
    Transition(Action.REQUEST_REVIEW, "申请复查", _s(Status.REPLIED, Status.FOLLOWED_UP, Status.ARCHIVED), Status.REVIEW,
               group=Group.REVIEW, needs=(REVIEW_REQUEST,), ends=(REVIEW_REQUEST,), starts=(REVIEW,),
               late_refused_from=_s(Status.ARCHIVED), dated_from=DatedFrom.CLOCK),
    Transition(Action.CONCLUDE_REVIEW, "复查结论", _s(Status.REVIEW), Status.REVIEWED, group=Group.REVIEW,
               ends=(REVIEW,), starts=(RE_REVIEW_REQUEST,), notice="review_opinion"),
    Transition(Action.REQUEST_RE_REVIEW, "申请复核", _s(Status.REVIEWED, Status.FOLLOWED_UP, Status.ARCHIVED),
               Status.RE_REVIEW,
               group=Group.REVIEW, needs=(RE_REVIEW_REQUEST,), ends=(RE_REVIEW_REQUEST,), starts=(RE_REVIEW,),
               late_refused_from=_s(Status.ARCHIVED), dated_from=DatedFrom.CLOCK),
    Transition(Action.CONCLUDE_RE_REVIEW, "复核结论", _s(Status.RE_REVIEW), Status.RE_REVIEWED, group=Group.REVIEW,
               ends=(RE_REVIEW,), notice="re_review_opinion"),
    # 听证: only the 复核 period excludes its time (第三十六条第二款); a hearing during 办理 or 复查 stops nothing
    Transition(Action.PAUSE_CLOCK, "听证开始（停止计时）", _s(Status.RE_REVIEW), None, group=Group.REVIEW,
               needs_reason=True, needs=(RE_REVIEW,), pauses=(RE_REVIEW,)),
    Transition(Action.RESUME_CLOCK, "听证结束（恢复计时）", _s(Status.RE_REVIEW), None, group=Group.REVIEW,
               resumes=True, while_paused=True),
    # 归档: nothing is deleted; the 复查/复核 windows keep running (a timely request reopens the matter)
    # and a matter whose petitioner was never told (受理告知) is not filed away
    Transition(Action.ARCHIVE, "归档", _ANSWERED | statuses(Category.SCREENED_OUT), Status.ARCHIVED,
               waits_for=(NOTICE,), cancels=(DISPATCH, OBJECTION, *FAST_TRACK_CLOCKS)),
)

# 登记 (第二十二条): the clocks a newly registered matter starts with.
REGISTRATION_STARTS: tuple[str, ...] = (NOTICE, DISPATCH)
REGISTER_ACTION = "register"  # the event registration writes (the first step of every matter)

TRANSITIONS_BY_ACTION: dict[Action, Transition] = {t.action: t for t in TRANSITIONS}
SCREENING_ACTIONS: tuple[Action, ...] = tuple(t.action for t in TRANSITIONS if t.group == Group.SCREENING)
# Actions that take a matter the office had finished back into handling (一次性化解率 counts them).
REOPENING_ACTIONS: tuple[Action, ...] = tuple(
    t.action for t in TRANSITIONS
    if t.target is not None and is_open(t.target) and any(not is_open(s) for s in t.sources))
# Clocks a 听证 may stop (only their own span counts, see ``deadlines.paused_days``).
PAUSABLE_CLOCKS: frozenset[str] = frozenset(c for t in TRANSITIONS for c in t.pauses)
# 复查 is level 1, 复核 level 2 (the Review rows).
REVIEW_REQUESTS: dict[int, Action] = {1: Action.REQUEST_REVIEW, 2: Action.REQUEST_RE_REVIEW}
REVIEW_CONCLUSIONS: dict[Status, tuple[Action, int]] = {Status.REVIEW: (Action.CONCLUDE_REVIEW, 1),
                                                         Status.RE_REVIEW: (Action.CONCLUDE_RE_REVIEW, 2)}
REVIEW_LEVEL_LABELS: dict[int, str] = {1: "复查", 2: "复核"}
# The request window each level uses up (复查: review_request, 复核: re_review_request).
REVIEW_WINDOWS: dict[int, str] = {level: TRANSITIONS_BY_ACTION[a].needs[0] for level, a in REVIEW_REQUESTS.items()}


# ── which notices a matter may be issued, and when (条例第二十三、三十二、三十五、三十六条) ─────────────────────
@dataclass(frozen=True)
class NoticeRule:
    """When a matter's document of one kind may be issued: in ``states``, and only after one of ``steps`` (the
    transitions of the table that call for it); it belongs to the latest of those steps, so a second one for the
    same step is issued only when the clerk confirms (a lost copy is reprinted instead). No steps: an office
    record that may be made at any time (asked first when one exists already)."""

    kind: str
    states: frozenset[Status]
    steps: tuple[Action, ...] = ()


def _steps(kind: str) -> tuple[Action, ...]:
    return tuple(t.action for t in TRANSITIONS if t.notice == kind)


def _rule(kind: str, states: Iterable[Status]) -> NoticeRule:
    return NoticeRule(kind, frozenset(states), _steps(kind))


_ACCEPTED_LATER = statuses(Category.HANDLING, Category.IN_REVIEW, Category.ANSWERED)
NOTICE_RULES: dict[str, NoticeRule] = {r.kind: r for r in (
    NoticeRule("registration_form", frozenset(Status)),
    # 受理告知 (第二十三条): once accepted, until the petitioner was told (a late notice is still owed)
    _rule("acceptance_notice", _ACCEPTED_LATER),
    _rule("non_acceptance_notice", {Status.NOT_ACCEPTED}),
    _rule("non_reacceptance_notice", {Status.NOT_REACCEPTED}),
    _rule("legal_channel_notice", {Status.LEGAL_CHANNEL}),
    # to the receiving body (转送) or the responsible unit (交办) while it handles the matter
    # the 转送告知书 tells the petitioner (第二十三条); the form goes with the matter to the body or unit
    _rule("transfer_notice", {Status.FORWARDED}),
    NoticeRule("transfer_form", frozenset({Status.FORWARDED, Status.ASSIGNED, Status.MEDIATING}),
               (Action.FORWARD, Action.ASSIGN)),
    _rule("extension_notice", _HANDLING_STATES),
    # 信访处理意见书 (第三十二条): after 答复, while it is the office's answer (not after a 重新办理)
    _rule("handling_opinion", {Status.REPLIED, Status.FOLLOWED_UP, Status.REVIEW, Status.REVIEWED,
                               Status.RE_REVIEW, Status.RE_REVIEWED}),
    _rule("review_opinion", {Status.REVIEWED, Status.FOLLOWED_UP, Status.RE_REVIEW, Status.RE_REVIEWED}),
    _rule("re_review_opinion", {Status.RE_REVIEWED, Status.FOLLOWED_UP}),
    # 督办 while the unit still owes the result (not once the matter is answered or followed up)
    _rule("supervision_letter", TRANSITIONS_BY_ACTION[Action.SUPERVISE].sources),
    _rule("follow_up_record", statuses(Category.ANSWERED, Category.IN_REVIEW, Category.ARCHIVED)),
)}


def _labels(states: Iterable[Status]) -> str:
    return "、".join(STATUS_LABELS[s] for s in sorted(states, key=list(Status).index))


def notice_refusal(kind: str, kind_name: str, status: Status | str, taken: Iterable[str]) -> str | None:
    """Why a document of ``kind`` cannot be issued for a matter in ``status`` that has taken the actions ``taken``
    (the stored event actions), or None; kinds without a rule (reception-day documents) are not the table's."""
    why = notice_refusal_reason(kind, status, taken)
    if why is None:
        return None
    label = STATUS_LABELS[Status(status)]
    if why.startswith("尚未"):
        return f"事项当前状态为“{label}”，{why}，不能出具“{kind_name}”"
    return f"事项当前状态为“{label}”，不能出具“{kind_name}”（{why}）"


def notice_refusal_reason(kind: str, status: Status | str, taken: Iterable[str]) -> str | None:
    """The short reason ``notice_refusal`` gives (尚未“不予受理” / 只能在…时出具), for a list that names the kind and
    the state once (the TUI document chooser); None when the table allows the kind now."""
    rule = NOTICE_RULES.get(kind)
    if rule is None:
        return None
    status = Status(status)
    if rule.steps and not set(taken) & {a.value for a in rule.steps}:
        return "尚未" + "或".join(f"“{TRANSITIONS_BY_ACTION[a].label}”" for a in rule.steps)
    if status not in rule.states:
        return f"只能在{_labels(rule.states)}时出具"
    return None


def notice_step(kind: str, actions: Iterable[str]) -> int | None:
    """Index in ``actions`` (a matter's event actions, oldest first) of the step the notice belongs to: the
    latest of its rule's steps; None for a record without steps."""
    rule = NOTICE_RULES.get(kind)
    if rule is None or not rule.steps:
        return None
    wanted = {a.value for a in rule.steps}
    found = None
    for i, action in enumerate(actions):
        if action in wanted:
            found = i
    return found


class TransitionRefused(Refused):
    """A step the table does not allow now (state, role, reason, running clocks); the message is for the user."""


class DateRefused(Refused):
    """A step dated before the step it follows, or after today."""


class TableError(Exception):
    """The lifecycle table contradicts itself (a programming error, found on import)."""


def transition_for(action: Action | str) -> Transition:
    try:
        return TRANSITIONS_BY_ACTION[Action(action)]
    except ValueError:
        raise TransitionRefused(f"未知的操作：{action}") from None


def role_may(role: Role | str, transition: Transition) -> bool:
    """The office head may do everything; anyone else only what the table gives to a clerk."""
    return Role(role) == Role.HEAD or transition.role == Role.CLERK


def notice_for(action: Action | str) -> str | None:
    """The document kind to offer after ``action`` (None when it calls for none or issued it itself)."""
    t = transition_for(action)
    return None if t.issues_notice else t.notice


def actions_calling_for(kind: str) -> tuple[Action, ...]:
    """The actions whose written notice is the document kind ``kind``."""
    return tuple(t.action for t in TRANSITIONS if t.notice == kind)


def notice_kinds() -> frozenset[str]:
    return frozenset(t.notice for t in TRANSITIONS if t.notice)


def notices_called_for(taken: Iterable[str]) -> list[str]:
    """The notices (document-kind keys) the steps a matter has taken call for, latest step first: what the table
    says may be issued for it (a 不予受理告知书 only after 不予受理 …). ``taken``: the stored actions, in order."""
    out: list[str] = []
    for action in reversed(list(taken)):
        t = TRANSITIONS_BY_ACTION.get(action) if action in Action._value2member_map_ else None
        if t is not None and t.notice and t.notice not in out:
            out.append(t.notice)
    return out


# ── the facts a refusal depends on ──────────────────────────────────────────────────────────────────────────
@dataclass(frozen=True)
class Clock:
    """A running (open) clock of the matter."""

    name: str
    kind: str
    start_on: dt.date
    due_on: dt.date


@dataclass(frozen=True)
class MatterState:
    """What the table needs to know about one matter to say whether a step is possible."""

    status: Status
    received_on: dt.date
    clocks: Mapping[str, Clock] = field(default_factory=dict)  # open clocks by name
    paused: bool = False
    fast_track: bool = False
    has_unit: bool = False
    last_step_on: dt.date | None = None  # date of the latest change of state (``DatedFrom.STEP``)
    screened_on: dt.date | None = None  # date of the screening decision

    def running(self, name: str) -> Clock | None:
        return self.clocks.get(name)


_CONDITION_TEXT = {
    Condition.FAST_TRACK: "该事项不是速办事项",
    Condition.NOT_FAST_TRACK: "该事项已经是速办事项",
    Condition.HAS_UNIT: "事项尚未交办责任单位",
}


def _holds(condition: Condition, state: MatterState) -> bool:
    return {Condition.FAST_TRACK: state.fast_track, Condition.NOT_FAST_TRACK: not state.fast_track,
            Condition.HAS_UNIT: state.has_unit}[condition]


def _clock_label(name: str, labels: Mapping[str, str] | None) -> str:
    return (labels or {}).get(name) or name


def refusal(t: Transition, state: MatterState, role: Role | str, *,
            clock_labels: Mapping[str, str] | None = None, waits: bool = True) -> str | None:
    """Why ``t`` cannot be taken now (state, role, pause, conditions, running clocks), or None.

    Dates, reasons and late requests are checked by ``check`` once the values are known."""
    if state.status not in t.sources:
        allowed = "、".join(STATUS_LABELS[s] for s in sorted(t.sources, key=list(Status).index))
        return f"事项当前状态为“{STATUS_LABELS[state.status]}”，不能“{t.label}”（只能在{allowed}时进行）"
    if not role_may(role, t):
        return f"“{t.label}”须经信访办主任批准，当前操作员无此权限"
    if t.resumes and not state.paused:
        return "计时没有暂停，无需恢复"
    if t.pauses and state.paused:
        return "计时已经暂停（听证进行中），不能重复暂停"
    if state.paused and not t.while_paused:
        return f"听证进行中（计时已停止），须先记录“听证结束”才能“{t.label}”"
    for condition in sorted(t.conditions):
        if not _holds(condition, state):
            return f"{_CONDITION_TEXT[condition]}，不能“{t.label}”"
    for name in t.needs:
        if state.running(name) is None:
            return _missing_clock(t, name, clock_labels)
    for name in t.waits_for if waits else ():
        if state.running(name) is not None:
            return _waiting_for(t, name, clock_labels)
    return None


_WAIT_HINTS = {NOTICE: "须先书面告知信访人"}


def _waiting_for(t: Transition, name: str, labels: Mapping[str, str] | None) -> str:
    if name == NOTICE:
        return f"尚未书面告知信访人（告知书未出具，也未记录当场告知），不能“{t.label}”"
    return f"“{_clock_label(name, labels)}”仍在计算，不能“{t.label}”"


def _missing_clock(t: Transition, name: str, labels: Mapping[str, str] | None) -> str:
    special = {
        REVIEW_REQUEST: "该事项没有可以请求复查的书面答复（复查只能针对答复提出一次；复查后只能请求复核）",
        RE_REVIEW_REQUEST: "该事项没有可以请求复核的复查意见（复核只能在复查之后提出一次；复核后事项终结）",
        NOTICE: "受理告知已经完成，无需再记录",
        OBJECTION: "该事项没有正在计算的管辖异议期限",
    }
    return special.get(name) or f"该事项没有正在计算的“{_clock_label(name, labels)}”，不能“{t.label}”"


def check(action: Action | str, state: MatterState, role: Role | str, *, on: dt.date, today: dt.date,
          reason: str = "", late_reason: str = "", clock_labels: Mapping[str, str] | None = None) -> Transition:
    """The transition if ``action`` may be taken on ``on`` with these values; raises the refusal otherwise."""
    t = transition_for(action)
    problem = refusal(t, state, role, clock_labels=clock_labels)
    if problem:
        raise TransitionRefused(problem)
    if t.needs_reason and not reason.strip():
        raise TransitionRefused(f"“{t.label}”必须填写理由")
    check_date(t, state, on, today)
    for name in t.needs:
        clock = state.running(name)
        if clock.kind == DeadlineKind.WINDOW and on > clock.due_on:
            _late(t, state, clock, late_reason, clock_labels)
        elif t.extends and name in t.extends and on > clock.due_on:
            raise TransitionRefused(
                f"{_clock_label(name, clock_labels)}已于{clock.due_on.isoformat()}届满，不能再“{t.label}”"
                f"（延期只能在期限届满前批准）")
    return t


def _late(t: Transition, state: MatterState, clock: Clock, late_reason: str,
          labels: Mapping[str, str] | None) -> None:
    what = _clock_label(clock.name, labels)
    due = clock.due_on.isoformat()
    if not t.late_allowed:
        raise TransitionRefused(f"{what}已于{due}届满，不能再“{t.label}”")
    if state.status in t.late_refused_from:
        raise TransitionRefused(f"{what}已于{due}届满，事项已归档，不能再“{t.label}”"
                                f"（逾期又以同一事实和理由提出的，作为新的来访登记甄别）")
    if not late_reason.strip():
        raise TransitionRefused(f"{what}已于{due}届满；超过期限“{t.label}”须写明正当理由，否则应按“不再受理”处理")


def earliest_date(t: Transition, state: MatterState) -> dt.date:
    """The earliest date ``t`` may carry (see ``DatedFrom``); never before the matter was received."""
    floor = state.received_on
    if t.dated_from == DatedFrom.CLOCK and t.needs and state.running(t.needs[0]) is not None:
        return max(floor, state.running(t.needs[0]).start_on)
    if t.dated_from == DatedFrom.SCREENING and state.screened_on is not None:
        return max(floor, state.screened_on)
    return max(floor, state.last_step_on or floor)


def check_date(t: Transition, state: MatterState, on: dt.date, today: dt.date) -> None:
    if on > today:
        raise DateRefused(f"“{t.label}”的日期 {on.isoformat()} 晚于今天（{today.isoformat()}），不能预先登记")
    floor = earliest_date(t, state)
    if on < floor:
        what = "登记" if floor == state.received_on and not state.last_step_on else "上一步办理"
        if t.dated_from == DatedFrom.CLOCK:
            what = "期限起算"
        elif t.dated_from == DatedFrom.SCREENING:
            what = "甄别"
        raise DateRefused(f"“{t.label}”的日期 {on.isoformat()} 早于{what}日期 {floor.isoformat()}")


@dataclass(frozen=True)
class Choice:
    """One action as the TUI and ``xfdesk matter actions`` list it: possible now, or why not."""

    transition: Transition
    refusal: str | None
    hint: str = ""  # why not now, in a few words for the list (须信访办主任批准, 须先书面告知信访人)

    @property
    def action(self) -> Action:
        return self.transition.action

    @property
    def allowed(self) -> bool:
        return self.refusal is None


def choices(state: MatterState, role: Role | str, *, clock_labels: Mapping[str, str] | None = None,
            include_role_refused: bool = True, today: dt.date | None = None) -> list[Choice]:
    """The actions from the matter's state: those possible now, and (``include_role_refused``) those only the
    office head may take, with the reason, so a clerk sees what exists. Actions blocked by a fact of the matter
    (no running window, a pause, 速办 already on) are left out, and so (given ``today``) are those whose window
    admits no late use and ran out before today (a unit's objection long after the 交办)."""
    out = []
    for t in TRANSITIONS:
        if state.status not in t.sources:
            continue
        problem = refusal(t, state, Role.HEAD, clock_labels=clock_labels)
        if problem and refusal(t, state, Role.HEAD, clock_labels=clock_labels, waits=False) is None:
            # waiting for a clock to end first (归档 before the notice): listed, with what it waits for
            out.append(Choice(t, problem, _WAIT_HINTS.get(t.waits_for[0], "暂不能办理")))
            continue
        if problem:
            continue
        if today is not None and not t.late_allowed and any(
                (c := state.running(n)) is not None and c.kind == DeadlineKind.WINDOW and c.due_on < today
                for n in t.needs):
            continue
        if not role_may(role, t):
            if include_role_refused:
                out.append(Choice(t, f"“{t.label}”须经信访办主任批准，当前操作员无此权限", "须信访办主任批准"))
            continue
        out.append(Choice(t, None))
    return out


def forward_path(status: Status | str, target: Status) -> list[Action]:
    """The shortest chain of state-changing actions that moves a matter forward (never back, e.g. not out of a
    mediation) from ``status`` to ``target``; empty when it is there already or cannot get there forward."""
    order = list(Status)
    start = Status(status)
    paths: dict[Status, list[Action]] = {start: []}
    frontier = [start]
    while frontier:
        nxt = []
        for s in frontier:
            for t in TRANSITIONS:
                if s in t.sources and t.target is not None and order.index(t.target) > order.index(s) \
                        and t.target not in paths:
                    paths[t.target] = paths[s] + [t.action]
                    nxt.append(t.target)
        frontier = nxt
    return paths.get(target, [])


def allowed_actions(status: Status | str, role: Role | str = Role.HEAD) -> list[Transition]:
    """Transitions whose source is ``status`` and that ``role`` may take (ignoring clocks and conditions)."""
    status = Status(status)
    return [t for t in TRANSITIONS if status in t.sources and role_may(role, t)]


# ── the table checks itself (as Request Tracker validates a lifecycle) ──────────────────────────────────────
def validate(transitions: Iterable[Transition] = TRANSITIONS) -> list[str]:
    """Contradictions in the table; empty when it is sound."""
    problems: list[str] = []
    transitions = list(transitions)
    actions = [t.action for t in transitions]
    if len(actions) != len(set(actions)):
        problems.append("an action appears twice")
    if set(actions) != set(Action):
        problems.append(f"actions without a transition: {sorted(set(Action) - set(actions))}")
    if set(STATUS_LABELS) != set(Status) or set(STATUS_CATEGORY) != set(Status):
        problems.append("every status needs a label and a category")
    reachable = {Status.REGISTERED} | {t.target for t in transitions if t.target}
    if reachable != set(Status):
        problems.append(f"unreachable states: {sorted(set(Status) - reachable)}")
    for t in transitions:
        where = t.action.value
        if not t.sources:
            problems.append(f"{where}: no source state")
        for name in (*t.starts, *t.fast_starts, *t.ends, *t.cancels, *t.extends, *t.pauses, *t.needs,
                     *t.waits_for, *t.notice_ends):
            if name not in CLOCKS:
                problems.append(f"{where}: unknown clock {name}")
        if set(t.starts) & set(t.ends) or set(t.starts) & set(t.cancels) or set(t.ends) & set(t.cancels):
            problems.append(f"{where}: a clock both started and ended/cancelled")
        if set(t.extends) - set(t.needs):
            problems.append(f"{where}: extends a clock it does not need running")
        if t.pauses and t.resumes:
            problems.append(f"{where}: pauses and resumes at once")
        if t.dated_from == DatedFrom.CLOCK and not t.needs:
            problems.append(f"{where}: dated from a clock it does not name in needs")
        if (t.issues_notice or t.notice_ends) and not t.notice:
            problems.append(f"{where}: issues or ends by a notice it does not name")
        if t.late_refused_from - t.sources:
            problems.append(f"{where}: late_refused_from names states it cannot start from")
        if t.group == Group.SCREENING and t.sources != {Status.REGISTERED}:
            problems.append(f"{where}: a screening exit must start from 待甄别")
        if t.target is None and t.group == Group.SCREENING:
            problems.append(f"{where}: a screening exit must change the state")
        if set(t.needs) & set(t.waits_for):
            problems.append(f"{where}: needs a clock running and ended at once")
    for t in transitions:
        if t.notice and t.notice not in NOTICE_RULES:
            problems.append(f"{t.action.value}: notice {t.notice} has no rule of when it may be issued")
        elif t.notice and not ({t.target} if t.target else t.sources) <= NOTICE_RULES[t.notice].states:
            problems.append(f"{t.action.value}: its notice {t.notice} may not be issued in the state it leads to")
    pausers = [t for t in transitions if t.pauses]
    if pausers and not any(t.resumes for t in transitions):
        problems.append("a pause without a way to resume")
    for t in pausers:
        resume = [r for r in transitions if r.resumes and t.sources <= r.sources]
        if not resume:
            problems.append(f"{t.action.value}: no resume from its states")
    return problems


_PROBLEMS = validate()
if _PROBLEMS:  # pragma: no cover - a broken table must never load
    raise TableError("lifecycle table: " + "; ".join(_PROBLEMS))
