"""How alike two demands are, for repeat detection (重复访) and screening suggestions."""

from __future__ import annotations

import re
from functools import cache

REPEAT_THRESHOLD = 60.0  # score (0–100) from which an earlier matter is shown as a possible repeat
_NOISE = re.compile(r"[\s，。、；：！？,.;:!?“”\"'（）()《》【】\[\]-]+")


def normalise(text: str) -> str:
    return _NOISE.sub("", text or "")


@cache
def _fuzz():  # noqa: ANN202
    """rapidfuzz (3 MB) is loaded at the first comparison, not with the modules that import this one (the desk at
    rest imports them for its lists: issue 16)."""
    from rapidfuzz import fuzz

    return fuzz


def text_similarity(a: str, b: str) -> float:
    """0–100. Token-set ratio over characters copes with the same demand told in a different order or length."""
    a, b = normalise(a), normalise(b)
    if not a or not b:
        return 0.0
    fuzz = _fuzz()
    return max(fuzz.token_set_ratio(" ".join(a), " ".join(b)), fuzz.partial_ratio(a, b) * 0.9)


def is_similar(a: str, b: str, threshold: float = REPEAT_THRESHOLD) -> bool:
    return text_similarity(a, b) >= threshold
