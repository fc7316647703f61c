"""The figures offices report (domain §9, 达川 scoring rules), computed from plain per-matter facts.

The service layer turns stored events, deadlines and follow-ups into ``MatterFacts``; everything here is arithmetic.
Definitions (each rate is ``None`` when its denominator is zero, never a made-up 100%):

- 及时受理率  written notices (受理告知书 etc. issued, or delivered on the spot) within the limit / notices due;
              a notice still owed after its due date counts late, a decision saved without its notice is no notice;
- 按期办结率  handling steps ended on time / handling steps ended (overdue open ones count late);
- 化解率      resolved / finished (resolved: mediation agreement, or the last follow-up 满意/基本满意);
- 一次性化解率 resolved without any review request, re-handling or later repeat visit / finished;
- 满意率      (满意 + 基本满意) / evaluated;  参评率  evaluated / finished.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from fractions import Fraction

SATISFIED = frozenset({"满意", "基本满意"})


@dataclass(frozen=True)
class MatterFacts:
    number: str
    received_on: dt.date
    category: str = ""
    village: str = ""
    unit: str = ""
    notice_on_time: bool | None = None  # None: step not ended and not overdue
    handling_on_time: bool | None = None
    finished: bool = False  # the office gave its answer (答复 or 调解结案), or screened it out with a notice
    resolved: bool = False
    reopened: bool = False  # review requested, re-handled, or a later matter marked as its repeat
    satisfaction: str | None = None  # the last follow-up's answer
    is_repeat: bool = False
    is_skip_level: bool = False
    leader_received: bool = False


@dataclass
class Figures:
    label: str
    matters: int = 0
    notice_ended: int = 0
    notice_on_time: int = 0
    handling_ended: int = 0
    handling_on_time: int = 0
    finished: int = 0
    resolved: int = 0
    resolved_first_time: int = 0
    evaluated: int = 0
    satisfied: int = 0
    repeats: int = 0
    skip_level: int = 0
    leader_received: int = 0
    rates: dict[str, float | None] = field(default_factory=dict)

    def add(self, f: MatterFacts) -> None:
        self.matters += 1
        if f.notice_on_time is not None:
            self.notice_ended += 1
            self.notice_on_time += f.notice_on_time
        if f.handling_on_time is not None:
            self.handling_ended += 1
            self.handling_on_time += f.handling_on_time
        self.finished += f.finished
        self.resolved += f.finished and f.resolved
        self.resolved_first_time += f.finished and f.resolved and not f.reopened
        if f.satisfaction:
            self.evaluated += 1
            self.satisfied += f.satisfaction in SATISFIED
        self.repeats += f.is_repeat
        self.skip_level += f.is_skip_level
        self.leader_received += f.leader_received

    def finish(self) -> Figures:
        self.rates = {
            "及时受理率": rate(self.notice_on_time, self.notice_ended),
            "按期办结率": rate(self.handling_on_time, self.handling_ended),
            "化解率": rate(self.resolved, self.finished),
            "一次性化解率": rate(self.resolved_first_time, self.finished),
            "满意率": rate(self.satisfied, self.evaluated),
            "参评率": rate(self.evaluated, self.finished),
        }
        return self


RATE_NAMES = ("及时受理率", "按期办结率", "化解率", "一次性化解率", "满意率", "参评率")
COUNT_LABELS = {"matters": "事项", "finished": "办结", "repeats": "重复访", "skip_level": "越级访",
                "leader_received": "领导接访"}


def rate(part: int, whole: int) -> float | None:
    return None if whole == 0 else round(100.0 * part / whole, 2)


def figures(facts: Iterable[MatterFacts], label: str = "合计") -> Figures:
    total = Figures(label)
    for f in facts:
        total.add(f)
    return total.finish()


GROUPINGS: dict[str, Callable[[MatterFacts], str]] = {
    "month": lambda f: f.received_on.strftime("%Y-%m"),
    "category": lambda f: f.category or "（未分类）",
    "village": lambda f: f.village or "（未填属地）",
    "unit": lambda f: f.unit or "（未交办）",
}
GROUPING_LABELS = {"month": "月份", "category": "问题类别", "village": "属地", "unit": "责任单位"}


def figures_by(facts: Iterable[MatterFacts], by: str) -> list[Figures]:
    """Figures per group, in order of the group's name (months ascending)."""
    key = GROUPINGS[by]
    groups: dict[str, Figures] = defaultdict(lambda: Figures(""))
    for f in facts:
        g = key(f)
        groups[g].label = g
        groups[g].add(f)
    return [groups[k].finish() for k in sorted(groups)]


def rank_units(facts: Iterable[MatterFacts]) -> list[Figures]:
    """Monthly ranking of units (seed 001): by 按期办结率, then 满意率, then fewer matters late; no data ranks last."""
    units = [g for g in figures_by(facts, "unit") if g.label != "（未交办）"]
    return sorted(units, key=lambda g: (-(g.rates["按期办结率"] or -1), -(g.rates["满意率"] or -1),
                                        g.handling_ended - g.handling_on_time, g.label))


# -- the office's reports (issue 14): periods, comparisons, rates with their parts, the unit ranking and 通报 ----------
# The counting rules (口径) are written in data/report_rules.toml and printed under every report; ``ReportRules``
# carries the numbers of the 通报 rule, read by the service from that file.


@dataclass(frozen=True)
class ReportRules:
    """The 通报 rule of seed 001 and the ranking threshold, as data (``data/report_rules.toml``)."""

    bottom_units: int = 3  # 后3名
    rectify_after_months: int = 2  # 连续2个月后3名: 限期整改督查通知书
    self_exam_after_months: int = 3  # 连续3个月: 单位主要领导书面检查
    ranking_min_clocks: int = 3  # a unit with fewer settled 办理 clocks in the month is listed but not ranked
    basis: tuple[tuple[str, str], ...] = ()  # (figure, 口径) lines printed under the report


def rules_from_mapping(data: dict) -> ReportRules:
    """The rules of a parsed ``report_rules.toml``; a Chinese error names a wrong value."""
    ranking = data.get("ranking", {})
    values = {"bottom_units": ranking.get("bottom_units", 3),
              "rectify_after_months": ranking.get("rectify_after_months", 2),
              "self_exam_after_months": ranking.get("self_exam_after_months", 3),
              "ranking_min_clocks": ranking.get("min_clocks", 3)}
    for key, value in values.items():
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            raise ValueError(f"report_rules.toml：[ranking] {key} 应为正整数，现为 {value!r}")
    if values["self_exam_after_months"] < values["rectify_after_months"]:
        raise ValueError("report_rules.toml：self_exam_after_months 不能小于 rectify_after_months")
    basis = tuple((str(k), str(v)) for k, v in data.get("basis", {}).items())
    return ReportRules(**values, basis=basis)


@dataclass(frozen=True)
class Ratio:
    """A rate with its numerator and denominator: no denominator is no rate ("—"), never 100%."""

    part: int
    whole: int

    @property
    def value(self) -> float | None:
        return rate(self.part, self.whole)

    @property
    def text(self) -> str:
        return percent_text(self.value)


def percent_text(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}%"


def change(current: int, before: int) -> float | None:
    """环比 / 同比 as a percentage; ``None`` ("—") when the earlier period had nothing to compare with."""
    return None if before == 0 else round(100.0 * (current - before) / before, 2)


def change_text(current: int, before: int) -> str:
    value = change(current, before)
    if value is None:
        return "—"
    return f"+{value:.2f}%" if value > 0 else f"{value:.2f}%"


@dataclass(frozen=True)
class Period:
    """A reporting period ``[start, end)``: a month, a quarter, a half-year, a year or any range of days."""

    start: dt.date
    end: dt.date  # exclusive

    @property
    def last_day(self) -> dt.date:
        return self.end - dt.timedelta(days=1)

    @property
    def whole_months(self) -> int | None:
        """How many calendar months the period covers exactly, or ``None`` when it is not month-aligned."""
        if self.start.day != 1 or self.end.day != 1:
            return None
        return (self.end.year - self.start.year) * 12 + self.end.month - self.start.month

    @property
    def label(self) -> str:
        months = self.whole_months
        s, last = self.start, self.last_day
        if months == 1:
            return f"{s.year}年{s.month}月"
        if months == 3 and s.month in (1, 4, 7, 10):
            return f"{s.year}年第{'一二三四'[(s.month - 1) // 3]}季度"
        if months == 6 and s.month in (1, 7):
            return f"{s.year}年{'上' if s.month == 1 else '下'}半年"
        if months == 12 and s.month == 1:
            return f"{s.year}年"
        if months:
            return f"{s.year}年{s.month}月至{last.year}年{last.month}月"
        return f"{s.year}年{s.month}月{s.day}日至{last.year}年{last.month}月{last.day}日"

    def previous(self) -> Period:
        """The period just before, of the same length (环比): the month before, the quarter before …"""
        months = self.whole_months
        if months:
            return Period(add_months(self.start, -months), self.start)
        return Period(self.start - (self.end - self.start), self.start)

    def year_before(self) -> Period:
        """The same period a year earlier (同比); 2月29日 becomes 2月28日."""
        return Period(_year_earlier(self.start), _year_earlier(self.end))

    def months(self) -> list[Period]:
        """The calendar months the period touches, each cut to the period."""
        out, cursor = [], self.start
        while cursor < self.end:
            nxt = min(add_months(cursor.replace(day=1), 1), self.end)
            out.append(Period(cursor, nxt))
            cursor = nxt
        return out


def add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1) if day.day == 1 else _clamped(index // 12, index % 12 + 1, day.day)


def _clamped(year: int, month: int, day: int) -> dt.date:
    while True:
        try:
            return dt.date(year, month, day)
        except ValueError:
            day -= 1


def _year_earlier(day: dt.date) -> dt.date:
    return _clamped(day.year - 1, day.month, day.day)


def month_period(month: str) -> Period:
    """``2026-11`` → that month; a Chinese error for anything else."""
    try:
        year, mon = (int(x) for x in month.strip().split("-"))
        start = dt.date(year, mon, 1)
    except ValueError:
        raise ValueError(f"月份格式应为 YYYY-MM，例如 2026-11：{month}") from None
    return Period(start, add_months(start, 1))


def settled_window(period: Period) -> tuple[tuple[dt.date, dt.date], tuple[dt.date, dt.date]]:
    """When a clock counts for a period (口径: by the day it settled, stable once it has):
    an on-time clock settles on the day it ended; a late one on the day after its due date, whether it ended
    later or is still open. So: met with ``ended_on`` in the first range, late (or open) with ``due_on`` in the
    second."""
    one = dt.timedelta(days=1)
    return (period.start, period.end), (period.start - one, period.end - one)


@dataclass(frozen=True)
class Compared:
    """A count with its 环比 (the period before) and 同比 (a year before)."""

    label: str
    current: int
    previous: int
    year_ago: int

    @property
    def month_on_month(self) -> str:
        return change_text(self.current, self.previous)

    @property
    def year_on_year(self) -> str:
        return change_text(self.current, self.year_ago)


@dataclass(frozen=True)
class UnitClocks:
    """One unit's 办理 clocks settled in a month: the facts the ranking reads."""

    unit: str
    settled: int
    on_time: int

    @property
    def ratio(self) -> Ratio:
        return Ratio(self.on_time, self.settled)


@dataclass
class UnitStanding:
    unit: str
    settled: int
    on_time: int
    position: int | None = None  # None: not ranked (too few settled clocks)
    bottom: bool = False
    streak: int = 0  # consecutive months in the bottom, this one included
    flag: str = ""  # "" | 限期整改 | 书面检查

    @property
    def ratio(self) -> Ratio:
        return Ratio(self.on_time, self.settled)

    @property
    def late(self) -> int:
        return self.settled - self.on_time


FLAG_RECTIFY = "限期整改"  # a 限期整改督查通知书 may be issued
FLAG_SELF_EXAM = "书面检查"  # the unit's head must write a self-examination; shown to the office head


def rank_unit_clocks(rows: Iterable[UnitClocks], rules: ReportRules) -> list[UnitStanding]:
    """Units ranked by 按期办结率, ties by volume (more settled ranks higher), then by name; equal rate and volume
    share a position. Units with fewer than ``ranking_min_clocks`` settled are listed after, unranked. The bottom
    ``bottom_units`` positions are marked only when more units than that are ranked (else every unit would be), and
    never a unit with no matter late (a small office's 100% unit may rank low on volume alone)."""
    ranked, unranked = [], []
    for r in rows:
        (ranked if r.settled >= rules.ranking_min_clocks else unranked).append(
            UnitStanding(r.unit, r.settled, r.on_time))
    ranked.sort(key=lambda u: (-Fraction(u.on_time, u.settled), -u.settled, u.unit))
    previous_key = None
    for i, u in enumerate(ranked, 1):
        key = (Fraction(u.on_time, u.settled), u.settled)
        u.position = ranked[i - 2].position if key == previous_key else i
        previous_key = key
    if len(ranked) > rules.bottom_units:
        cut = len(ranked) - rules.bottom_units
        for u in ranked:  # a unit that finished every matter on time is never 通报, whatever its place
            u.bottom = u.position is not None and u.position > cut and u.on_time < u.settled
    unranked.sort(key=lambda u: (-u.settled, u.unit))
    return ranked + unranked


def apply_notification_rule(months: list[list[UnitStanding]], rules: ReportRules) -> list[UnitStanding]:
    """The 通报 rule over consecutive months (oldest first, the reported month last): how many months running each
    unit of the last month has been in the bottom, and the flag that streak earns. Returns the last month's list."""
    current = months[-1]
    bottoms = [{u.unit for u in m if u.bottom} for m in months]
    for u in current:
        streak = 0
        for month in reversed(bottoms):
            if u.unit not in month:
                break
            streak += 1
        u.streak = streak
        u.flag = (FLAG_SELF_EXAM if streak >= rules.self_exam_after_months
                  else FLAG_RECTIFY if streak >= rules.rectify_after_months else "")
    return current
