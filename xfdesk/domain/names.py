"""Pinyin initials of Chinese names, so a clerk can find 张三 by typing ``zs`` when the IME is unreliable."""

from __future__ import annotations

from functools import lru_cache

from pypinyin import Style, lazy_pinyin


@lru_cache(maxsize=4096)
def name_initials(name: str) -> str:
    """张三 → ``zs``; 单于晓 → ``dyx`` (heteronyms take pypinyin's usual reading); ASCII kept lower-cased."""
    parts = lazy_pinyin(name.strip(), style=Style.FIRST_LETTER, errors="default")
    return "".join(p for p in "".join(parts).lower() if p.isalnum())
