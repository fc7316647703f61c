"""Pinyin initials of Chinese names, so a clerk can find 张三 by typing ``zs`` when the IME is unreliable.

Computed when a name is written and stored with it (indexed), so search needs no dictionary. Only pypinyin's
single-character readings are loaded, never its phrase dictionary: that dictionary cost 45 MB of memory and 0.7 s
on an old PC, and for names it knows little a small table does not. What a name needs beyond a character's usual
reading is its surname: compound surnames (单于, 尉迟, 万俟 …) and characters read otherwise as a surname (单 Shàn,
仇 Qiú, 解 Xiè, 区 Ōu, 查 Zhā, 曾 Zēng …), from ``SURNAME_INITIALS``.
"""

from __future__ import annotations

import os
from functools import lru_cache

# The phrase dictionary is read when pypinyin is first imported, whoever imports it: set before that import.
os.environ.setdefault("PYPINYIN_NO_PHRASES", "1")
os.environ.setdefault("PYPINYIN_NO_DICT_COPY", "1")

# initials of surnames whose reading as a surname differs from the characters' usual one (or is a compound)
SURNAME_INITIALS: dict[str, str] = {
    # compound surnames (复姓)
    "单于": "cy", "尉迟": "yc", "万俟": "mq", "长孙": "zs", "欧阳": "oy", "司马": "sm", "诸葛": "zg", "上官": "sg",
    "东方": "df", "皇甫": "hf", "令狐": "lh", "慕容": "mr", "宇文": "yw", "公孙": "gs", "澹台": "tt", "夏侯": "xh",
    "轩辕": "xy", "闻人": "wr", "赫连": "hl", "淳于": "cy", "濮阳": "py", "呼延": "hy", "端木": "dm", "拓跋": "tb",
    "独孤": "dg", "南宫": "ng", "百里": "bl", "东郭": "dg", "西门": "xm", "太史": "ts", "申屠": "st", "钟离": "zl",
    "宗政": "zz", "公冶": "gy", "仲孙": "zs", "鲜于": "xy", "亓官": "qg", "司徒": "st", "司空": "sk", "第五": "dw",
    "梁丘": "lq", "左丘": "zq", "东门": "dm", "乐正": "yz", "谷梁": "gl", "宰父": "zf", "羊舌": "ys", "公良": "gl",
    # one character read otherwise as a surname (多音字)
    "单": "s", "仇": "q", "解": "x", "区": "o", "查": "z", "朴": "p", "曾": "z", "乐": "y", "盖": "g", "缪": "m",
    "覃": "q", "翟": "z", "召": "s", "繁": "p", "重": "c", "种": "c", "秘": "b", "员": "y", "佴": "n", "句": "g",
    "折": "s", "隗": "w", "宓": "m", "郇": "h", "祭": "z", "贲": "b", "莘": "s", "谌": "c", "尉": "w", "长": "c",
    "沈": "s", "那": "n", "芮": "r", "能": "n", "阚": "k", "过": "g", "车": "c",
}
_LONGEST_SURNAME = max(len(s) for s in SURNAME_INITIALS)


@lru_cache(maxsize=4096)
def name_initials(name: str) -> str:
    """张三 → ``zs``; 单于晓 → ``cyx``; 单雄信 → ``sxx``; 解缙 → ``xj``; ASCII kept lower-cased."""
    text = name.strip()
    for length in range(min(_LONGEST_SURNAME, len(text) - 1), 0, -1):  # a whole name is never only its surname
        surname = SURNAME_INITIALS.get(text[:length])
        if surname is not None:
            return surname + _initials(text[length:])
    return _initials(text)


@lru_cache(maxsize=4096)
def initials(text: str) -> str:
    """城建办 → ``cjb``, 解释说明 → ``jssm``: each character's usual reading, for words (choices), not names."""
    return _initials(text.strip())


def _initials(text: str) -> str:
    from pypinyin import Style, lazy_pinyin

    parts = lazy_pinyin(text, style=Style.FIRST_LETTER, errors="default")
    return "".join(p for p in "".join(parts).lower() if p.isalnum())


@lru_cache(maxsize=1024)
def full_pinyin(text: str) -> str:
    """城乡建设 → ``chengxiangjianshe`` (each character's usual reading), for matching choices typed in pinyin."""
    from pypinyin import lazy_pinyin

    return "".join(p for p in "".join(lazy_pinyin(text)).lower() if p.isalnum())
