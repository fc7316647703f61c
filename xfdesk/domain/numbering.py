"""Number formats: matter numbers ``XF-<year>-<6 digits>`` and document 文号 patterns."""

from __future__ import annotations

import re

MATTER_SERIES = "matter"
_MATTER_NUMBER = re.compile(r"^XF-(\d{4})-(\d{6})$")


def matter_number(year: int, seq: int) -> str:
    if not 1 <= seq <= 999_999:
        raise ValueError(f"{year}年事项编号已用尽（最多999999号）")
    return f"XF-{year:04d}-{seq:06d}"


def parse_matter_number(text: str) -> tuple[int, int] | None:
    m = _MATTER_NUMBER.match(text.strip().upper())
    return (int(m.group(1)), int(m.group(2))) if m else None
