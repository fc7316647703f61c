"""Personal data rules (个人信息保护法, 条例第30、46条): masking in lists and who may see a restricted identity."""

from __future__ import annotations

from xfdesk.domain.accounts import Right, has_right
from xfdesk.domain.glossary import MatterKind, Role

RESTRICTED_NAME = "（检举控告，身份保密）"


def mask_id_number(value: str | None) -> str:
    """``360730198001011233`` → ``3607**********1233``."""
    if not value:
        return ""
    if len(value) <= 8:
        return "*" * len(value)
    return value[:4] + "*" * (len(value) - 8) + value[-4:]


def mask_phone(value: str | None) -> str:
    """``13800001234`` → ``138****1234``; landlines keep area code and last four."""
    if not value:
        return ""
    if len(value) <= 7:
        return value[:1] + "*" * (len(value) - 1)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


def may_see_identity(role: Role | str, restricted: bool) -> bool:
    """A 检举控告 petitioner's identity is for those with the right to see it (the office head only)."""
    return not restricted or has_right(role, Right.SEE_RESTRICTED)


# Kinds of matter whose petitioner's identity is restricted (检举控告, 条例第三十条第三款).
RESTRICTED_KINDS = frozenset({MatterKind.ACCUSATION.value})


def is_restricted_kind(kind: str | None) -> bool:
    return (kind or "") in RESTRICTED_KINDS
