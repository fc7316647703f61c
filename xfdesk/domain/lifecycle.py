"""The matter lifecycle as data: states, the actions that move between them, and what each does to the clocks.

登记 → 甄别 → 受理 → 交办 → 调处 → 答复 → 回访 → 归档, with the screening exits (不予受理, 不再受理, 转送,
导入法定途径), 延期, 复查/复核 and the 听证 pause. Services read this table; nothing else decides what may follow what.
"""

from __future__ import annotations

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

# States in which the office still owes the petitioner something; used by "open matters" lists and statistics.
OPEN_STATUSES: frozenset[Status] = frozenset(
    {Status.REGISTERED, Status.ACCEPTED, Status.ASSIGNED, Status.MEDIATING, Status.REVIEW, Status.RE_REVIEW}
)


class Action(StrEnum):
    ACCEPT = "accept"
    NOT_ACCEPT = "not_accept"
    NOT_REACCEPT = "not_reaccept"
    FORWARD = "forward"
    REDIRECT_LEGAL = "redirect_legal"
    ASSIGN = "assign"
    START_MEDIATION = "start_mediation"
    MEDIATION_AGREED = "mediation_agreed"
    MEDIATION_FAILED = "mediation_failed"
    EXTEND = "extend"
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


class DeadlineKind(StrEnum):
    DUTY = "duty"  # the office must act by then: counts for 按期 and overdue lists
    WINDOW = "window"  # the petitioner may act until then (e.g. ask 复查): lapse matters for screening


@dataclass(frozen=True)
class Transition:
    action: Action
    label: str
    sources: frozenset[Status]
    target: Status | None  # None: the state does not change (延期, 听证 pause/resume, repeated 回访)
    role: Role = Role.CLERK
    needs_reason: bool = False
    starts: tuple[str, ...] = ()  # deadline names that start on the action's date
    ends: tuple[str, ...] = ()  # deadline names that end (met or late, stored now)
    cancels: tuple[str, ...] = ()  # open deadlines that no longer apply
    extends: tuple[str, ...] = ()  # deadlines lengthened by the action's ``days``
    pauses: bool = False
    resumes: bool = False
    group: str = field(default="handling", compare=False)


def _s(*states: Status) -> frozenset[Status]:
    return frozenset(states)


_SCREENING_DEADLINES = ("notice",)
_DISPATCH = ("dispatch",)
_ALL_WINDOWS = ("review_request", "re_review_request")

TRANSITIONS: tuple[Transition, ...] = (
    # 甄别 (screening): every exit ends the 15-day notice clock
    Transition(Action.ACCEPT, "受理", _s(Status.REGISTERED), Status.ACCEPTED,
               ends=_SCREENING_DEADLINES, starts=("handling",), group="screening"),
    Transition(Action.NOT_ACCEPT, "不予受理", _s(Status.REGISTERED), Status.NOT_ACCEPTED, needs_reason=True,
               ends=_SCREENING_DEADLINES, cancels=_DISPATCH, group="screening"),
    Transition(Action.NOT_REACCEPT, "不再受理", _s(Status.REGISTERED), Status.NOT_REACCEPTED, needs_reason=True,
               ends=_SCREENING_DEADLINES, cancels=_DISPATCH, group="screening"),
    Transition(Action.FORWARD, "转送", _s(Status.REGISTERED), Status.FORWARDED, needs_reason=True,
               ends=_SCREENING_DEADLINES + _DISPATCH, group="screening"),
    Transition(Action.REDIRECT_LEGAL, "导入法定途径", _s(Status.REGISTERED), Status.LEGAL_CHANNEL, needs_reason=True,
               ends=_SCREENING_DEADLINES, cancels=_DISPATCH, group="screening"),
    # 交办 and 调处
    Transition(Action.ASSIGN, "交办", _s(Status.ACCEPTED), Status.ASSIGNED, ends=_DISPATCH),
    Transition(Action.START_MEDIATION, "调处", _s(Status.ACCEPTED, Status.ASSIGNED), Status.MEDIATING,
               ends=_DISPATCH),
    Transition(Action.MEDIATION_AGREED, "调解成功", _s(Status.MEDIATING), Status.RESOLVED, ends=("handling",)),
    Transition(Action.MEDIATION_FAILED, "调解未成", _s(Status.MEDIATING), Status.ASSIGNED, needs_reason=True),
    # 延期 needs the office head's approval (条例第34条)
    Transition(Action.EXTEND, "延期", _s(Status.ASSIGNED, Status.MEDIATING), None, role=Role.HEAD,
               needs_reason=True, extends=("handling",)),
    # 答复 and 回访
    Transition(Action.REPLY, "答复", _s(Status.ASSIGNED), Status.REPLIED,
               ends=("handling",), starts=("review_request",)),
    Transition(Action.FOLLOW_UP, "回访",
               _s(Status.REPLIED, Status.RESOLVED, Status.FOLLOWED_UP, Status.REVIEWED, Status.RE_REVIEWED),
               Status.FOLLOWED_UP),
    # also after a 复查/复核 that orders the matter redone (撤销重办)
    Transition(Action.REHANDLE, "重新办理", _s(Status.FOLLOWED_UP, Status.REVIEWED, Status.RE_REVIEWED),
               Status.ASSIGNED, needs_reason=True,
               cancels=_ALL_WINDOWS, starts=("handling",)),
    # 复查 / 复核 (条例第35、36条)
    Transition(Action.REQUEST_REVIEW, "申请复查", _s(Status.REPLIED, Status.FOLLOWED_UP), Status.REVIEW,
               ends=("review_request",), starts=("review",), group="review"),
    Transition(Action.CONCLUDE_REVIEW, "复查结论", _s(Status.REVIEW), Status.REVIEWED,
               ends=("review",), starts=("re_review_request",), group="review"),
    Transition(Action.REQUEST_RE_REVIEW, "申请复核", _s(Status.REVIEWED), Status.RE_REVIEW,
               ends=("re_review_request",), starts=("re_review",), group="review"),
    Transition(Action.CONCLUDE_RE_REVIEW, "复核结论", _s(Status.RE_REVIEW), Status.RE_REVIEWED,
               ends=("re_review",), group="review"),
    # 听证: its time is not counted (条例第36条)
    Transition(Action.PAUSE_CLOCK, "听证开始（停止计时）", _s(Status.ASSIGNED, Status.REVIEW, Status.RE_REVIEW), None,
               needs_reason=True, pauses=True, group="review"),
    Transition(Action.RESUME_CLOCK, "听证结束（恢复计时）", _s(Status.ASSIGNED, Status.REVIEW, Status.RE_REVIEW), None,
               resumes=True, group="review"),
    # 归档: nothing is deleted, the matter stays searchable
    Transition(Action.ARCHIVE, "归档",
               _s(Status.RESOLVED, Status.REPLIED, Status.FOLLOWED_UP, Status.REVIEWED, Status.RE_REVIEWED,
                  Status.NOT_ACCEPTED, Status.NOT_REACCEPTED, Status.FORWARDED, Status.LEGAL_CHANNEL),
               Status.ARCHIVED, cancels=_ALL_WINDOWS),
)

TRANSITIONS_BY_ACTION: dict[Action, Transition] = {t.action: t for t in TRANSITIONS}


class TransitionRefused(Refused):
    """A transition that the table does not allow; the message is for the user, in Chinese."""


def transition_for(action: Action | str) -> Transition:
    try:
        return TRANSITIONS_BY_ACTION[Action(action)]
    except ValueError:
        raise TransitionRefused(f"未知的操作：{action}") from None


def allowed_actions(status: Status | str, role: Role | str = Role.HEAD) -> list[Transition]:
    """Transitions open from ``status`` for ``role`` (the office head may do everything a clerk may)."""
    status = Status(status)
    return [t for t in TRANSITIONS if status in t.sources and role_may(role, t)]


def role_may(role: Role | str, transition: Transition) -> bool:
    return Role(role) == Role.HEAD or transition.role == Role.CLERK


def check_transition(status: Status | str, action: Action | str, role: Role | str, reason: str = "") -> Transition:
    """Return the transition if ``action`` may be taken now; raise TransitionRefused with the reason otherwise."""
    transition = transition_for(action)
    status = Status(status)
    if status not in transition.sources:
        allowed = "、".join(STATUS_LABELS[s] for s in sorted(transition.sources, key=list(Status).index))
        raise TransitionRefused(
            f"事项当前状态为“{STATUS_LABELS[status]}”，不能“{transition.label}”（只能在{allowed}时进行）"
        )
    if not role_may(role, transition):
        raise TransitionRefused(f"“{transition.label}”须经信访办主任批准，当前操作员无此权限")
    if transition.needs_reason and not reason.strip():
        raise TransitionRefused(f"“{transition.label}”必须填写理由")
    return transition
