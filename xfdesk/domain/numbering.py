"""Number formats: matter numbers ``XF-<year>-<6 digits>`` and document 文号 patterns."""

from __future__ import annotations

import re

from xfdesk.domain.errors import Refused

MATTER_SERIES = "matter"
_MATTER_NUMBER = re.compile(r"^XF-(\d{4})-(\d{6})$")


def matter_number(year: int, seq: int) -> str:
    if not 1 <= seq <= 999_999:
        raise ValueError(f"{year}年事项编号已用尽（最多999999号）")
    return f"XF-{year:04d}-{seq:06d}"


def parse_matter_number(text: str) -> tuple[int, int] | None:
    m = _MATTER_NUMBER.match(text.strip().upper())
    return (int(m.group(1)), int(m.group(2))) if m else None


_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")


def document_number(pattern: str, year: int, seq: int, **names: str) -> str:
    """A 文号 from an office pattern such as ``{机关简称}信告〔{年}〕{号}号`` → ``琴信告〔2026〕12号``.

    ``{年}`` is the year, ``{号}`` the sequence number without leading zeros (GB/T 9704); any other ``{名}`` comes
    from ``names``. An unknown placeholder is a ValueError naming it, so a typo in the pattern never prints.
    """
    if seq < 1:
        raise ValueError("文号序号必须从1开始")
    values = {"年": str(year), "号": str(seq), **{k: str(v) for k, v in names.items()}}

    def fill(m: re.Match) -> str:
        key = m.group(1).strip()
        if key not in values:
            raise ValueError(f"文号格式“{pattern}”中有未知的占位符“{{{key}}}”（可用：{'、'.join(values)}）")
        return values[key]

    if "{号}" not in pattern.replace(" ", ""):
        raise ValueError(f"文号格式“{pattern}”缺少序号占位符“{{号}}”")
    return _PLACEHOLDER.sub(fill, pattern)


class MatterRefRefused(Refused):
    """A matter reference that is neither a full number nor a short one of this year."""


_SHORT = re.compile(r"^\d{1,6}$")
_YEAR_AND_SEQ = re.compile(r"^(?:XF-?)?(\d{4})-(\d{1,6})$")


def resolve_matter_ref(text: str, this_year: int) -> str:
    """The full matter number a clerk means: ``XF-2026-000287`` (any case, spaces around), ``2026-287``, or a short
    number ``287`` / ``000287`` — this year's matter of that sequence (``XF-<this_year>-000287``).

    Anything else is refused with a Chinese message: a short number never falls back to a database id or to
    another year's matter."""
    cleaned = (text or "").strip().upper().replace("－", "-").replace("—", "-")
    if _SHORT.match(cleaned):
        seq = int(cleaned)
        if seq < 1:
            raise MatterRefRefused(f"事项编号不正确：“{text}”（序号从1开始）")
        return matter_number(this_year, seq)
    m = _YEAR_AND_SEQ.match(cleaned)
    if m and int(m.group(2)) >= 1:
        return matter_number(int(m.group(1)), int(m.group(2)))
    raise MatterRefRefused(f"事项编号不正确：“{text}”，应为完整编号（如 XF-{this_year}-000287）"
                           f"或本年度的序号（如 287，即 XF-{this_year}-000287）")
