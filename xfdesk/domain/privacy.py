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


# What a clerk sees instead of a 检举控告 report's own words (summary, details, the notes of its steps): the text
# of a report is as protected as its author (条例第三十条第三款: 检举、揭发材料不得透露、转送给被检举、揭发的人员或单位),
# and a clerk's screen in the reception room is where it would be read.
RESTRICTED_TEXT = "（检举控告内容，仅信访办主任可见）"

# Events whose note is the program's own wording, never the report's (kept for a clerk).
PROGRAM_NOTE_ACTIONS = frozenset({"view_restricted"})


def may_see_content(role: Role | str, restricted: bool) -> bool:
    """The report's text of a 检举控告 matter goes with its author's identity: the office head only."""
    return may_see_identity(role, restricted)


def shown_text(role: Role | str, restricted: bool, text: str | None) -> str:
    """``text`` (a summary, details, a step's note) as ``role`` may see it: RESTRICTED_TEXT in place of a
    restricted matter's words for a clerk; an empty text stays empty (it says nothing)."""
    if not text:
        return text or ""
    return text if may_see_content(role, restricted) else RESTRICTED_TEXT


def shown_note(role: Role | str, restricted: bool, action: str, note: str | None) -> str:
    """A step's note on the timeline: notes may quote the report (registration writes the summary), so a clerk
    sees RESTRICTED_TEXT for every note of a restricted matter but the program's own."""
    if action in PROGRAM_NOTE_ACTIONS:
        return note or ""
    return shown_text(role, restricted, note)
