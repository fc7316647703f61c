"""Dates as clerks type them (``2026-11-21``, ``20261121``, ``2026年11月21日``), for forms and the command line."""

from __future__ import annotations

import datetime as dt
import re

from xfdesk.domain.errors import Refused

DATE_HINT = "日期写法：2026-11-21 或 20261121"
_DATE = re.compile(r"^\s*(\d{4})[-./年]?(\d{1,2})[-./月]?(\d{1,2})日?\s*$")


class BadDate(Refused):
    """A typed date that is not one; the message names the field."""


def parse_day(text: str, label: str = "日期") -> dt.date:
    m = _DATE.match(text or "")
    if m:
        try:
            return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        except ValueError:
            pass
    raise BadDate(f"{label}不是有效日期（{DATE_HINT}）")
