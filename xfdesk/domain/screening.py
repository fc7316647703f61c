"""Screening (甄别) rules: the reasons list, the checks on a decision, and the routes the record suggests.

Pure: the service loads the petitioner's history into the plain records below and hands them here. A suggestion is
advice with its evidence (the linked matter numbers and dates) — the clerk decides and the decision is recorded
together with whether the suggestion was taken.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from xfdesk.domain.errors import Refused
from xfdesk.domain.glossary import DeadlineState, LegalChannel, MatterKind, ReviewResult
from xfdesk.domain.lifecycle import (
    BEING_HANDLED_STATUSES,
    HANDLING,
    OPEN_STATUSES,
    RE_REVIEW,
    REVIEW,
    REVIEW_LEVEL_LABELS,
    REVIEW_WINDOWS,
    SCREENING_ACTIONS,
    STATUS_LABELS,
    Action,
    Status,
    TransitionRefused,
    transition_for,
)
from xfdesk.domain.similarity import REPEAT_THRESHOLD, text_similarity

# The five exits of 甄别, in the order the form offers them (the lifecycle table's screening group).
SCREENING_ROUTES: tuple[Action, ...] = SCREENING_ACTIONS


class Situation:
    """What a suggestion rule found in the record. Which reason (and so which route and legal basis) each
    situation suggests is data: ``suggest = "<situation>"`` on a reason of the profile's reasons list, because
    provinces group them differently (浙江第二十条(五): already accepted → 不再受理, nationally 不予受理)."""

    BEING_HANDLED = "being_handled"  # same demand accepted and within its period (第十九条第三款)
    RE_REVIEW_DONE = "re_review_done"  # 复核 concluded (第三十六条第三款)
    PERIOD_LAPSED = "period_lapsed"  # 复查/复核 window let lapse (第三十五、三十六条)
    AGREEMENT_DONE = "agreement_done"  # ended by a mediation agreement (浙江第二十五条(一))
    LITIGATION = "litigation"  # 涉法涉诉: 导入法定途径 (第三十一条(一))
    LEGAL_BODY = "legal_body"  # 涉法涉诉: 不予受理 (第二十八条)
    SKIP_LEVEL = "skip_level"  # 越级走访 (第二十条)

    ALL = (BEING_HANDLED, RE_REVIEW_DONE, PERIOD_LAPSED, AGREEMENT_DONE, LITIGATION, LEGAL_BODY, SKIP_LEVEL)


# The national list's codes, used when an office's own list marks no reason for a situation (lists written
# before ``suggest`` existed keep working).
REASON_BEING_HANDLED = "na_being_handled"
REASON_SKIP_LEVEL = "na_skip_level"
REASON_LEGAL_BODY = "na_legal_body"
REASON_RE_REVIEW_DONE = "nra_re_review_done"
REASON_PERIOD_LAPSED = "nra_period_lapsed"
REASON_LITIGATION = "legal_litigation"
DEFAULT_REASONS: dict[str, tuple[Action, str]] = {
    Situation.BEING_HANDLED: (Action.NOT_ACCEPT, REASON_BEING_HANDLED),
    Situation.RE_REVIEW_DONE: (Action.NOT_REACCEPT, REASON_RE_REVIEW_DONE),
    Situation.PERIOD_LAPSED: (Action.NOT_REACCEPT, REASON_PERIOD_LAPSED),
    Situation.LITIGATION: (Action.REDIRECT_LEGAL, REASON_LITIGATION),
    Situation.LEGAL_BODY: (Action.NOT_ACCEPT, REASON_LEGAL_BODY),
    Situation.SKIP_LEVEL: (Action.NOT_ACCEPT, REASON_SKIP_LEVEL),
}

# Statuses in which a matter is "already accepted or being handled" (条例第19条第三款).
HANDLING_STATUSES: frozenset[Status] = BEING_HANDLED_STATUSES
_HANDLING_CLOCKS = (HANDLING, REVIEW, RE_REVIEW)
# A 复查/复核 request window and the Review level that uses it up.
_WINDOW_LEVELS = {window: level for level, window in REVIEW_WINDOWS.items()}


class ScreeningRefused(TransitionRefused):
    """A screening decision that cannot be recorded; ``field`` names the form field at fault."""

    def __init__(self, message: str, field: str = ""):
        super().__init__(message)
        self.field = field


class ReasonsError(Refused, ValueError):
    """The reasons list (data/reasons.toml) is malformed; the message names the entry."""


# ── the reasons list ────────────────────────────────────────────────────────────────────────────────────────
@dataclass(frozen=True)
class Reason:
    code: str
    route: Action
    label: str
    basis: str
    needs_text: bool = False
    legal_channel: str | None = None
    suggest: str | None = None  # the Situation this reason is suggested for


@dataclass(frozen=True)
class ReasonList:
    reasons: tuple[Reason, ...]

    def get(self, code: str) -> Reason | None:
        return next((r for r in self.reasons if r.code == code), None)

    def for_situation(self, situation: str) -> Reason | None:
        """The reason suggested for ``situation``: the one marked ``suggest``, else the national code if the list
        has it; None when the list gives the situation no reason (no suggestion is made then)."""
        marked = next((r for r in self.reasons if r.suggest == situation), None)
        if marked is not None:
            return marked
        default = DEFAULT_REASONS.get(situation)
        if default is None or any(r.suggest for r in self.reasons):
            return None  # a list that marks its reasons says everything itself
        found = self.get(default[1])
        return found if found is not None and found.route == default[0] else None

    def for_route(self, route: Action | str) -> list[Reason]:
        route = Action(route)
        return [r for r in self.reasons if r.route == route]


def reasons_from_mapping(data: Mapping[str, Any]) -> ReasonList:
    """Build the reasons list from parsed TOML (``[[reasons]]`` tables)."""
    entries = data.get("reasons")
    if not isinstance(entries, list) or not entries:
        raise ReasonsError("甄别理由清单为空：需要至少一条 [[reasons]]")
    seen: set[str] = set()
    reasons: list[Reason] = []
    for index, raw in enumerate(entries, start=1):
        if not isinstance(raw, Mapping):
            raise ReasonsError(f"甄别理由第{index}条格式不对")
        code = str(raw.get("code", "")).strip()
        where = f"甄别理由第{index}条（{code or '无代码'}）"
        if not code:
            raise ReasonsError(f"{where}缺少 code")
        if code in seen:
            raise ReasonsError(f"{where}的 code 重复")
        seen.add(code)
        try:
            route = Action(str(raw.get("route", "")))
        except ValueError:
            route = None
        if route not in SCREENING_ROUTES:
            names = "、".join(a.value for a in SCREENING_ROUTES)
            raise ReasonsError(f"{where}的 route 必须是以下之一：{names}")
        label = str(raw.get("label", "")).strip()
        basis = str(raw.get("basis", "")).strip()
        if not label or not basis:
            raise ReasonsError(f"{where}缺少 label 或 basis（理由与法律依据都必须写明）")
        channel = raw.get("legal_channel")
        if channel is not None and channel not in {c.value for c in LegalChannel}:
            raise ReasonsError(f"{where}的 legal_channel 必须是：{'、'.join(c.value for c in LegalChannel)}")
        suggest = raw.get("suggest")
        if suggest is not None and suggest not in Situation.ALL:
            raise ReasonsError(f"{where}的 suggest 必须是以下之一：{'、'.join(Situation.ALL)}")
        if suggest is not None and any(r.suggest == suggest for r in reasons):
            raise ReasonsError(f"{where}的 suggest“{suggest}”已由另一条理由使用")
        reasons.append(Reason(code, route, label, basis, bool(raw.get("needs_text", False)), channel,
                              str(suggest) if suggest is not None else None))
    missing = [a for a in SCREENING_ROUTES if not any(r.route == a for r in reasons)]
    if missing:
        raise ReasonsError(f"甄别理由清单缺少这些去向的理由：{'、'.join(transition_for(a).label for a in missing)}")
    return ReasonList(tuple(reasons))


# ── the record the rules look at ────────────────────────────────────────────────────────────────────────────
@dataclass(frozen=True)
class PastDeadline:
    name: str
    kind: str  # "duty" | "window"
    start_on: dt.date
    due_on: dt.date
    state: str  # open | met | late | cancelled


@dataclass(frozen=True)
class PastReview:
    level: int  # 1 复查, 2 复核
    requested_on: dt.date
    concluded_on: dt.date | None = None
    result: str | None = None


@dataclass(frozen=True)
class PastMatter:
    """Another matter of the same petitioner, as the screening rules need it."""

    id: int
    number: str
    summary: str
    status: str
    received_on: dt.date
    contact_id: int | None = None
    is_litigation: bool = False
    closed_on: dt.date | None = None
    deadlines: tuple[PastDeadline, ...] = ()
    reviews: tuple[PastReview, ...] = ()
    agreement_on: dt.date | None = None  # a mediation agreement ended it (调解协议) on that day


@dataclass(frozen=True)
class Candidate:
    """The matter being screened."""

    id: int
    number: str
    summary: str
    received_on: dt.date
    contact_id: int | None = None
    is_litigation: bool = False
    is_skip_level: bool = False
    repeat_of_id: int | None = None


@dataclass(frozen=True)
class Evidence:
    number: str
    on: dt.date
    text: str

    def line(self) -> str:
        return f"{self.number}（{self.on.year}年{self.on.month}月{self.on.day}日）{self.text}"

    def to_data(self) -> dict[str, str]:
        return {"number": self.number, "on": self.on.isoformat(), "text": self.text}


@dataclass(frozen=True)
class Suggestion:
    route: Action
    reason_code: str
    summary: str
    evidence: tuple[Evidence, ...] = field(default_factory=tuple)
    legal_channel: str | None = None
    situation: str = ""

    @property
    def route_label(self) -> str:
        return transition_for(self.route).label

    def to_data(self) -> dict[str, Any]:
        data: dict[str, Any] = {"route": self.route.value, "reason_code": self.reason_code,
                                "summary": self.summary, "evidence": [e.to_data() for e in self.evidence]}
        if self.legal_channel:
            data["legal_channel"] = self.legal_channel
        return data


# ── the suggestion rules ────────────────────────────────────────────────────────────────────────────────────
def _cn_date(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def similarity(candidate: Candidate, past: PastMatter) -> float:
    """How alike the two demands are (0–100); a matter the clerk marked as the one repeated counts as identical."""
    if candidate.repeat_of_id is not None and candidate.repeat_of_id == past.id:
        return 100.0
    return text_similarity(candidate.summary, past.summary)


def related_matters(candidate: Candidate, history: Iterable[PastMatter],
                    threshold: float = REPEAT_THRESHOLD) -> list[PastMatter]:
    """Earlier matters of the petitioner with a similar demand, most alike first (same contact's demands excluded)."""
    scored = []
    for past in history:
        if past.id == candidate.id or past.received_on > candidate.received_on:
            continue
        if candidate.contact_id is not None and past.contact_id == candidate.contact_id:
            continue  # 分诉求登记: another demand of the same visit is not an earlier petition
        score = similarity(candidate, past)
        if score >= threshold:
            scored.append((score, past))
    scored.sort(key=lambda sp: (-sp[0], sp[1].received_on, sp[1].id))
    return [p for _, p in scored]


def _being_handled(candidate: Candidate, related: Sequence[PastMatter]) -> list[Suggestion]:
    out = []
    for past in related:
        if Status(past.status) not in HANDLING_STATUSES:
            continue
        clocks = [d for d in past.deadlines
                  if d.name in _HANDLING_CLOCKS and d.state == DeadlineState.OPEN and d.due_on >= candidate.received_on]
        if not clocks:
            continue  # overdue or not yet accepted: not "within its period"
        clock = min(clocks, key=lambda d: d.due_on)
        evidence = (
            Evidence(past.number, past.received_on, f"登记，当前状态“{STATUS_LABELS[Status(past.status)]}”"),
            Evidence(past.number, clock.due_on, f"办理期限届满日（{_cn_date(clock.due_on)}），本次来访仍在期限内"),
        )
        out.append(Suggestion(Action.NOT_ACCEPT, REASON_BEING_HANDLED,
                              f"同一信访人的相同诉求（{past.number}）已受理、正在办理期限内", evidence,
                              situation=Situation.BEING_HANDLED))
    return out


def _re_review_done(candidate: Candidate, related: Sequence[PastMatter]) -> list[Suggestion]:
    out = []
    for past in related:
        done = [r for r in past.reviews if r.level == 2 and r.concluded_on is not None
                and r.concluded_on <= candidate.received_on and r.result != ReviewResult.REDO]
        if not done:
            continue
        review = max(done, key=lambda r: r.concluded_on)
        evidence = (
            Evidence(past.number, past.received_on, "原信访事项登记"),
            Evidence(past.number, review.requested_on, "申请复核"),
            Evidence(past.number, review.concluded_on,
                     f"复核结论“{review.result or '已出具'}”，复核已终结"),
        )
        out.append(Suggestion(Action.NOT_REACCEPT, REASON_RE_REVIEW_DONE,
                              f"相同诉求（{past.number}）已经复核，又以同一事实和理由提出", evidence,
                              situation=Situation.RE_REVIEW_DONE))
    return out


def _period_lapsed(candidate: Candidate, related: Sequence[PastMatter]) -> list[Suggestion]:
    out = []
    for past in related:
        if Status(past.status) in OPEN_STATUSES:
            continue  # being handled again (重新办理, a review under way): nothing has lapsed
        latest: dict[str, PastDeadline] = {}
        for d in past.deadlines:
            if d.name in _WINDOW_LEVELS and (d.name not in latest or d.start_on >= latest[d.name].start_on):
                latest[d.name] = d
        for name in ("re_review_request", "review_request"):  # the later step is the one that lapsed
            window = latest.get(name)
            if window is None or window.state == DeadlineState.MET or window.due_on >= candidate.received_on:
                continue
            level = _WINDOW_LEVELS[name]
            if any(r.level == level and r.requested_on >= window.start_on for r in past.reviews):
                continue
            what = REVIEW_LEVEL_LABELS[level]
            evidence = (
                Evidence(past.number, window.start_on, "作出书面答复" if level == 1 else "作出复查意见"),
                Evidence(past.number, window.due_on, f"{what}申请期限届满，信访人未请求{what}"),
            )
            out.append(Suggestion(Action.NOT_REACCEPT, REASON_PERIOD_LAPSED,
                                  f"相同诉求（{past.number}）的{what}申请期限已过，未请求{what}", evidence,
                                  situation=Situation.PERIOD_LAPSED))
            break
    return out


def _litigation(candidate: Candidate, history: Sequence[PastMatter]) -> list[Suggestion]:
    if not candidate.is_litigation:
        return []
    evidence = [Evidence(candidate.number, candidate.received_on, "登记时标记为“涉法涉诉”")]
    for past in history:
        if past.id != candidate.id and past.is_litigation and past.received_on <= candidate.received_on:
            evidence.append(Evidence(past.number, past.received_on,
                                     f"同一信访人的涉法涉诉事项，状态“{STATUS_LABELS[Status(past.status)]}”"))
    evidence_t = tuple(evidence)
    return [
        Suggestion(Action.REDIRECT_LEGAL, REASON_LITIGATION, "涉法涉诉事项，导入诉讼等法定途径", evidence_t,
                   legal_channel=LegalChannel.LITIGATION.value, situation=Situation.LITIGATION),
        Suggestion(Action.NOT_ACCEPT, REASON_LEGAL_BODY, "涉法涉诉事项，属于政法机关依法处理", evidence_t,
                   situation=Situation.LEGAL_BODY),
    ]


def _skip_level(candidate: Candidate) -> list[Suggestion]:
    if not candidate.is_skip_level:
        return []
    return [Suggestion(Action.NOT_ACCEPT, REASON_SKIP_LEVEL, "越级走访，应引导到有权处理的机关提出",
                       (Evidence(candidate.number, candidate.received_on, "登记时标记为“越级访”"),),
                       situation=Situation.SKIP_LEVEL)]


def _agreement_done(candidate: Candidate, related: Sequence[PastMatter]) -> list[Suggestion]:
    out = []
    for past in related:
        if past.agreement_on is None or past.agreement_on > candidate.received_on:
            continue
        if Status(past.status) in OPEN_STATUSES:
            continue  # reopened (重新办理 …): not ended
        evidence = (Evidence(past.number, past.received_on, "原信访事项登记"),
                    Evidence(past.number, past.agreement_on, "达成调解协议，调解结案"))
        out.append(Suggestion(Action.NOT_REACCEPT, "", f"相同诉求（{past.number}）已达成调解协议；协议已履行完毕的，"
                              f"信访事项处理终结", evidence, situation=Situation.AGREEMENT_DONE))
    return out


def suggest(candidate: Candidate, history: Sequence[PastMatter], threshold: float = REPEAT_THRESHOLD, *,
            reasons: ReasonList | None = None) -> list[Suggestion]:
    """Routes the record supports, strongest first (不再受理, then 不予受理, then 法定途径/越级). With ``reasons``
    (the profile's list), each situation is suggested with the reason the list marks for it — its route and legal
    basis — and a situation the list gives no reason is not suggested; without, the national grouping."""
    related = related_matters(candidate, history, threshold)
    found = (_re_review_done(candidate, related) + _period_lapsed(candidate, related)
             + _agreement_done(candidate, related) + _being_handled(candidate, related)
             + _litigation(candidate, history) + _skip_level(candidate))
    suggestions = []
    for s in found:
        if reasons is not None:
            reason = reasons.for_situation(s.situation)
            if reason is None:
                continue
            s = replace(s, route=reason.route, reason_code=reason.code,
                        legal_channel=(s.legal_channel or reason.legal_channel)
                        if reason.route == Action.REDIRECT_LEGAL else None)
        elif not s.reason_code:
            continue  # nationally no reason for it (e.g. 浙江's 调解协议履行完毕)
        suggestions.append(s)
    seen: set[tuple[Action, str]] = set()
    unique = []
    for s in suggestions:  # one line per route and reason; the first (most similar matter) carries the evidence
        if (s.route, s.reason_code) not in seen:
            seen.add((s.route, s.reason_code))
            unique.append(s)
    return unique


# ── checking a decision ─────────────────────────────────────────────────────────────────────────────────────
ACCEPTED = "accepted"
OVERRIDDEN = "overridden"


@dataclass(frozen=True)
class Decision:
    """A checked screening decision, ready to store."""

    kind: MatterKind
    route: Action
    reason: Reason
    reason_text: str
    forwarded_to: str
    legal_channel: str | None
    suggestion_outcome: str | None  # accepted | overridden | None (nothing was suggested)

    @property
    def restricted(self) -> bool:
        return self.kind == MatterKind.ACCUSATION

    @property
    def note(self) -> str:
        """The reason as it goes into the event note and the notice."""
        return self.reason.label + (f"：{self.reason_text}" if self.reason_text else "")


def check_decision(reasons: ReasonList, *, kind: str | None, route: Action | str, reason_code: str,
                   reason_text: str = "", forwarded_to: str | None = None, legal_channel: str | None = None,
                   suggestions: Sequence[Suggestion] = ()) -> Decision:
    """Check a screening decision; raise ScreeningRefused (naming the field) when something is missing."""
    try:
        kind_v = MatterKind(kind or "")
    except ValueError:
        raise ScreeningRefused(f"请选择事项性质：{'、'.join(k.value for k in MatterKind)}", "kind") from None
    try:
        route_v = Action(route)
    except ValueError:
        route_v = None
    if route_v not in SCREENING_ROUTES:
        raise ScreeningRefused("请选择甄别去向：" + "、".join(transition_for(a).label for a in SCREENING_ROUTES),
                               "route")
    route_label = transition_for(route_v).label
    reason = reasons.get(reason_code or "")
    if reason is None or reason.route != route_v:
        raise ScreeningRefused(f"请从理由清单中选择“{route_label}”的理由", "reason")
    text = (reason_text or "").strip()
    if reason.needs_text and not text:
        raise ScreeningRefused(f"理由“{reason.label}”须在说明中写明具体情况", "reason_text")
    target = (forwarded_to or "").strip()
    channel = (legal_channel or "").strip() or None
    if route_v == Action.FORWARD and not target:
        raise ScreeningRefused("转送须写明转送的机关、单位", "forwarded_to")
    if route_v == Action.REDIRECT_LEGAL:
        channel = channel or reason.legal_channel
        if channel not in {c.value for c in LegalChannel}:
            raise ScreeningRefused(f"导入法定途径须选择途径：{'、'.join(c.value for c in LegalChannel)}",
                                   "legal_channel")
        if channel == LegalChannel.OTHER and not text:
            raise ScreeningRefused("选择“其他法定程序”时须在说明中写明具体程序", "reason_text")
        target = target or channel
    else:
        channel = None
    outcome = None
    if suggestions:
        outcome = ACCEPTED if any(s.route == route_v for s in suggestions) else OVERRIDDEN
        if outcome == OVERRIDDEN and not text:
            shown = "、".join(dict.fromkeys(s.route_label for s in suggestions))
            raise ScreeningRefused(f"系统建议“{shown}”，不采纳时须在说明中写明理由", "reason_text")
    return Decision(kind_v, route_v, reason, text, target, channel, outcome)


# Chinese names of the events this area writes besides the lifecycle table's actions (whose labels are the
# table's), for timelines and audit lists; ``fast_track_end`` is only in older records (a reply or an agreement
# now ends the 速办 clocks itself).
EVENT_LABELS: dict[str, str] = {
    "view_restricted": "查看检举控告事项",
    "fast_track_end": "速办期限结束",
}
