"""查询码: the short code printed on the 受理告知书 with which a petitioner asks after the matter by phone.

Eight characters from an alphabet without look-alikes (no 0/O, 1/I/L, no U), shown as ``K7NM-4XQP``: about 39 bits,
drawn by ``secrets`` so a code cannot be guessed from another; uniqueness is the database's (a unique index) and
the service draws again on the rare collision. A code only ever answers with the state of its own matter.
"""

from __future__ import annotations

import re
import secrets

from xfdesk.domain.errors import Refused

ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"
LENGTH = 8
_LOOK_ALIKES = {"O": "0", "I": "1", "L": "1"}  # what a caller may say: shown in the message, never guessed at


class QueryCodeRefused(Refused):
    pass


def new_query_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def format_query_code(code: str) -> str:
    return f"{code[:4]}-{code[4:]}" if len(code) == LENGTH else code


def normalize_query_code(text: str) -> str:
    """What was typed or read out → the stored code; spaces, dashes and lower case are fine."""
    code = re.sub(r"[\s\-－—_]", "", str(text or "")).upper()
    if not code:
        raise QueryCodeRefused("请输入查询码（受理告知书上的8位字母和数字）")
    wrong = sorted({c for c in code if c not in ALPHABET})
    if wrong:
        hint = "（查询码不含 0、1、I、L、O、U）" if any(c in _LOOK_ALIKES or c in "01U" for c in wrong) else ""
        raise QueryCodeRefused(f"查询码中有无效字符：{'、'.join(wrong)}{hint}")
    if len(code) != LENGTH:
        raise QueryCodeRefused(f"查询码应为{LENGTH}位，现为{len(code)}位")
    return code


def looks_like_query_code(text: str) -> bool:
    try:
        normalize_query_code(text)
    except QueryCodeRefused:
        return False
    return True
