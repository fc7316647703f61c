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
