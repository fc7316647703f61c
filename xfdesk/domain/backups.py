"""Which backups to keep: the newest of each of the last N days, weeks and months (grandfather-father-son).

Pure: it sees only the times the backups were taken. The newest backup is always kept, whatever the settings say.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Retention:
    daily: int = 7
    weekly: int = 4
    monthly: int = 12

    def describe(self) -> str:
        return f"每日保留{self.daily}份、每周{self.weekly}份、每月{self.monthly}份"


def to_keep(times: Iterable[dt.datetime], retention: Retention) -> set[dt.datetime]:
    """The backup times to keep: for days, ISO weeks and months, the newest backup of each of the most recent
    ``daily`` / ``weekly`` / ``monthly`` periods that have one."""
    ordered = sorted(set(times), reverse=True)
    keep: set[dt.datetime] = set(ordered[:1])
    for count, period in ((retention.daily, lambda t: t.date()),
                          (retention.weekly, lambda t: t.isocalendar()[:2]),
                          (retention.monthly, lambda t: (t.year, t.month))):
        seen: list[object] = []
        for t in ordered:
            key = period(t)
            if key in seen:
                continue
            if len(seen) >= count:
                break
            seen.append(key)
            keep.add(t)
    return keep


def age_text(age: dt.timedelta) -> str:
    """``3小时前``, ``2天前`` …: how old a backup is, as the doctor and the restore report say it."""
    seconds = max(0, int(age.total_seconds()))
    if seconds < 3600:
        return f"{max(1, seconds // 60)}分钟前"
    if seconds < 86400:
        return f"{seconds // 3600}小时前"
    return f"{seconds // 86400}天前"
