"""Rule profiles (time limits as data) and due-date computation.

A profile is read from ``data/rules/<name>.toml`` by the config layer and handed here as a mapping; this module
only interprets it. Paused intervals (听证) are not counted, only their part inside the clock's own span; an
approved extension lengthens the period. Which limit a clock runs on may depend on the matter's kind (the
60-day 办理 period of 条例第三十四条 is for 申诉求决 matters): ``clock_by_kind`` in the profile says so.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from xfdesk.domain.calendar import WorkCalendar
from xfdesk.domain.errors import Refused
from xfdesk.domain.glossary import (
    DUTY_OVERDUE_LABEL,
    DUTY_STATE_LABELS,
    WINDOW_LAPSED_LABEL,
    WINDOW_STATE_LABELS,
    DeadlineState,
)
from xfdesk.domain.lifecycle import CLOCKS, DeadlineKind

UNIT_DAYS = "日"
UNIT_WORKDAYS = "工作日"


class ProfileError(Refused, ValueError):
    """A rule profile that cannot be used as written; the message names the limit at fault."""


@dataclass(frozen=True)
class TimeLimit:
    name: str
    label: str
    length: int
    unit: str
    kind: str
    basis: str

    @property
    def text(self) -> str:
        return f"{self.length}{'个工作日' if self.unit == UNIT_WORKDAYS else '日'}"


@dataclass(frozen=True)
class RuleProfile:
    name: str
    label: str
    limits: Mapping[str, TimeLimit]
    extension_max_days: int
    # clock name → {matter kind → limit name}: e.g. 建议意见 matters run "handling" on "suggestion_reply"
    clock_by_kind: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    reasons: str = "reasons.toml"  # the screening reasons list of this profile (data file)

    def limit(self, name: str) -> TimeLimit:
        try:
            return self.limits[name]
        except KeyError:
            raise ProfileError(f"时限方案“{self.label}”中没有“{name}”期限") from None

    def limit_for(self, clock: str, kind: str | None = None) -> TimeLimit:
        """The limit the clock ``clock`` runs on for a matter of ``kind`` (the clock's own when none is named)."""
        name = self.clock_by_kind.get(clock, {}).get(kind or "", clock)
        return self.limit(name)

    def clock_label(self, clock: str, kind: str | None = None) -> str:
        try:
            return self.limit_for(clock, kind).label
        except ProfileError:
            return clock


# Every clock the lifecycle table names must be in every profile.
REQUIRED_LIMITS: tuple[str, ...] = CLOCKS


def profile_from_mapping(data: Mapping) -> RuleProfile:
    """Build a profile from its parsed TOML; a missing or malformed limit is a ProfileError naming it."""
    name = str(data.get("name", "")).strip()
    if not name:
        raise ProfileError("时限方案缺少 name")
    limits: dict[str, TimeLimit] = {}
    for key, raw in dict(data.get("limits", {})).items():
        try:
            length = int(raw["length"])
            unit = str(raw.get("unit", UNIT_DAYS))
            kind = str(raw.get("kind", "duty"))
        except (KeyError, TypeError, ValueError):
            raise ProfileError(f"时限方案 {name} 的期限 {key} 缺少有效的 length") from None
        if unit not in (UNIT_DAYS, UNIT_WORKDAYS):
            raise ProfileError(f"时限方案 {name} 的期限 {key} 单位只能是“日”或“工作日”")
        if kind not in ("duty", "window") or length < 0:
            raise ProfileError(f"时限方案 {name} 的期限 {key} 设置无效")
        limits[key] = TimeLimit(key, str(raw.get("label", key)), length, unit, kind, str(raw.get("basis", "")))
    missing = [k for k in REQUIRED_LIMITS if k not in limits]
    if missing:
        raise ProfileError(f"时限方案 {name} 缺少期限：{'、'.join(missing)}")
    by_kind: dict[str, dict[str, str]] = {}
    for clock, mapping in dict(data.get("clock_by_kind", {})).items():
        if clock not in limits or not isinstance(mapping, Mapping):
            raise ProfileError(f"时限方案 {name} 的 clock_by_kind.{clock} 无效：没有这个期限")
        for kind, limit_name in mapping.items():
            if limit_name not in limits:
                raise ProfileError(f"时限方案 {name} 的 clock_by_kind.{clock}.{kind} 指向不存在的期限 {limit_name}")
            if limits[limit_name].kind != limits[clock].kind:
                raise ProfileError(f"时限方案 {name} 的期限 {limit_name} 与 {clock} 种类不同")
        by_kind[clock] = {str(k): str(v) for k, v in mapping.items()}
    return RuleProfile(name, str(data.get("label", name)), limits, int(data.get("extension_max_days", 30)),
                       by_kind, str(data.get("reasons", "reasons.toml")))


@dataclass(frozen=True)
class Pause:
    """A stopped clock (听证) from ``start`` (inclusive) to ``end`` (exclusive); ``end`` None = still paused."""

    start: dt.date
    end: dt.date | None


def paused_days(pauses: Iterable[Pause], unit: str, calendar: WorkCalendar, *, since: dt.date,
                until: dt.date | None = None) -> int:
    """Days (in the limit's unit) of the finished pauses that fall inside the clock's own span ``[since, until)``;
    a pause still open counts nothing yet (its clock has no due date meanwhile)."""
    total = 0
    for p in pauses:
        if p.end is None:
            continue
        start = max(p.start, since)
        end = min(p.end, until) if until is not None else p.end
        if end <= start:
            continue
        total += (end - start).days if unit == UNIT_DAYS else calendar.workdays_between(start, end)
    return total


def due_date(start: dt.date, limit: TimeLimit, calendar: WorkCalendar, *, extension_days: int = 0,
             pauses: Iterable[Pause] = (), until: dt.date | None = None) -> dt.date:
    """Legal due date of ``limit`` counted from ``start``; extension and paused time are added to the period."""
    extra = paused_days(pauses, limit.unit, calendar, since=start, until=until)
    if limit.unit == UNIT_WORKDAYS:
        return calendar.add_workdays(start, limit.length + extension_days + extra)
    return calendar.add_days(start, limit.length + extension_days + extra)


def days_left(due: dt.date, today: dt.date) -> int:
    """Calendar days until ``due`` (negative when overdue)."""
    return (due - today).days


# "Due soon" (临期), one definition for the home screen, the 督办 board and the colour of every 剩N天 cell: an open
# matter whose due date is today or within the next ``window`` calendar days. Calendar days, not working days,
# because every days-left figure on the desk (剩N天, 超期N天) counts calendar days and the 条例's limits are in 日;
# a window in working days would make "剩5天" sometimes due soon and sometimes not. The screens say so
# (DUE_SOON_BASIS) and word the counts with ``due_counts_text``.
DUE_SOON_BASIS = "按自然日计"


def due_soon_last_day(today: dt.date, window: int) -> dt.date:
    """The last due date that still counts as due soon (today + ``window`` calendar days)."""
    return today + dt.timedelta(days=max(0, window))


def is_due_soon(due: dt.date, today: dt.date, window: int) -> bool:
    """Not overdue, and due within ``window`` calendar days (today included)."""
    return 0 <= days_left(due, today) <= window


def due_soon_words(window: int) -> str:
    return f"{window} 天内到期"


def due_counts_text(overdue: int, due_soon: int, window: int) -> str:
    """The one wording of the counts: ``已超期 2 件，5 天内到期 3 件``."""
    return f"已超期 {overdue} 件，{due_soon_words(window)} {due_soon} 件"


def is_on_time(ended_on: dt.date, due: dt.date) -> bool:
    return ended_on <= due


def state_words(kind: str, state: str) -> str:
    """A stored clock state in words (without the date: an open clock reads 计时中)."""
    labels = WINDOW_STATE_LABELS if kind == DeadlineKind.WINDOW else DUTY_STATE_LABELS
    return labels.get(DeadlineState(state), state) if state in DeadlineState._value2member_map_ else state


def state_label(kind: str, state: str, due_on: dt.date, today: dt.date) -> str:
    """How a clock reads everywhere (TUI, ``matter show``, exports): one wording for duty clocks and windows."""
    st = DeadlineState(state)
    if kind == DeadlineKind.WINDOW:
        if st == DeadlineState.OPEN and due_on < today:
            return WINDOW_LAPSED_LABEL
        return WINDOW_STATE_LABELS[st]
    if st == DeadlineState.OPEN and due_on < today:
        return DUTY_OVERDUE_LABEL
    return DUTY_STATE_LABELS[st]
