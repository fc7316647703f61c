"""Rule profiles (time limits as data) and due-date computation.

A profile is read from ``data/rules/<name>.toml`` by the config layer and handed here as a mapping; this module
only interprets it. Paused intervals (听证) are not counted; an approved extension lengthens the period.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from xfdesk.domain.calendar import WorkCalendar

UNIT_DAYS = "日"
UNIT_WORKDAYS = "工作日"


class ProfileError(ValueError):
    pass


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

    def limit(self, name: str) -> TimeLimit:
        try:
            return self.limits[name]
        except KeyError:
            raise ProfileError(f"时限方案“{self.label}”中没有“{name}”期限") from None


REQUIRED_LIMITS = ("notice", "dispatch", "handling", "review_request", "review", "re_review_request", "re_review")


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
    return RuleProfile(name, str(data.get("label", name)), limits, int(data.get("extension_max_days", 30)))


@dataclass(frozen=True)
class Pause:
    """A stopped clock (听证) from ``start`` (inclusive) to ``end`` (exclusive); ``end`` None = still paused."""

    start: dt.date
    end: dt.date | None


def paused_days(pauses: Iterable[Pause], unit: str, calendar: WorkCalendar, today: dt.date) -> int:
    total = 0
    for p in pauses:
        end = p.end or today
        if end <= p.start:
            continue
        total += (end - p.start).days if unit == UNIT_DAYS else calendar.workdays_between(p.start, end)
    return total


def due_date(start: dt.date, limit: TimeLimit, calendar: WorkCalendar, *, extension_days: int = 0,
             pauses: Iterable[Pause] = (), today: dt.date | None = None) -> dt.date:
    """Legal due date of ``limit`` counted from ``start``; extension and paused time are added to the period."""
    extra = paused_days(pauses, limit.unit, calendar, today or start)
    if limit.unit == UNIT_WORKDAYS:
        return calendar.add_workdays(start, limit.length + extension_days + extra)
    return calendar.add_days(start, limit.length + extension_days + extra)


def days_left(due: dt.date, today: dt.date) -> int:
    """Calendar days until ``due`` (negative when overdue)."""
    return (due - today).days


def is_on_time(ended_on: dt.date, due: dt.date) -> bool:
    return ended_on <= due
