"""Pinyin initials of names: the surname table, and no phrase dictionary in memory."""

from __future__ import annotations

import subprocess
import sys

import pytest

from xfdesk.domain.names import name_initials


@pytest.mark.parametrize(("name", "initials"), [
    ("张三", "zs"), ("王晓明", "wxm"),
    ("单于晓", "cyx"), ("尉迟恭", "ycg"), ("万俟卨", "mqx"), ("长孙无忌", "zswj"), ("欧阳修", "oyx"),
    ("单雄信", "sxx"), ("曾国藩", "zgf"), ("仇英", "qy"), ("解缙", "xj"), ("区寄", "oj"), ("查良镛", "zly"),
    ("朴槿惠", "pjh"), ("乐毅", "yy"), ("尉缭", "wl"), ("单", "d"), ("Li Ming", "liming"),
])
def test_initials_take_the_surnames_reading(name, initials):
    assert name_initials(name) == initials


def test_words_keep_each_characters_usual_reading():
    from xfdesk.domain.names import initials

    assert [initials(w) for w in ("解释说明", "城建办", "单位", "区政府")] == ["jssm", "cjb", "dw", "qzf"]


def test_the_phrase_dictionary_is_never_loaded():
    code = ("import sys\nfrom xfdesk.domain.names import name_initials, full_pinyin\n"
            "print(name_initials('单雄信'), full_pinyin('城乡建设'), 'pypinyin.phrases_dict' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
    assert out.stdout.split() == ["sxx", "chengxiangjianshe", "False"]


def test_names_stored_before_get_the_same_initials(tmp_path):
    from sqlalchemy import text

    from xfdesk.paths import Home
    from xfdesk.storage.db import open_database

    home = Home(tmp_path / "office")
    db = open_database(home)
    with db.write() as s:
        s.exec(text("INSERT INTO petitioner (name, name_initials, address, village, is_organisation, note, "
                    "created_at) VALUES ('单雄信', 'dxx', '', '', 0, '', '2026-01-01 09:00:00')"))
        s.exec(text("UPDATE alembic_version SET version_num = '0007'"))
    db.dispose()
    db = open_database(home)
    with db.read() as s:
        assert s.exec(text("SELECT name_initials FROM petitioner")).one()[0] == "sxx"
    db.dispose()
