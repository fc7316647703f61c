"""``xfdesk schedule`` and ``xfdesk leader`` on a temporary data folder."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from xfdesk.cli.app import run


@pytest.fixture
def home(tmp_path, monkeypatch):
    from xfdesk.cli import schedule_cmd
    from xfdesk.cli.app import context

    # the CLI's clock is the real date; fix it so that "past days" are stable
    monkeypatch.setattr(schedule_cmd, "context", lambda clock=None: context(clock=lambda: dt.date(2026, 11, 21)))
    return str(tmp_path / "home")


def cli(home, *args):
    return run(["--home", home, *args])


def test_generate_without_leaders_is_a_chinese_error(home, capsys):
    assert cli(home, "schedule", "generate", "--from", "2026-12") == 1
    err = capsys.readouterr().err
    assert err.startswith("错误：") and "领导" in err and "Traceback" not in err


def test_leaders_generate_and_show_json(home, capsys):
    assert cli(home, "leader", "add", "刘建国", "--title", "党委书记") == 0
    assert cli(home, "leader", "add", "陈志强", "--title", "镇长") == 0
    assert cli(home, "leader", "add", "陈志强") == 1
    assert "已有" in capsys.readouterr().err
    assert cli(home, "schedule", "generate", "--from", "2026-09", "--months", "4") == 0
    out = capsys.readouterr().out
    assert "新排" in out and "刘建国" in out and "陈志强" in out
    assert cli(home, "schedule", "show", "2026-12", "--json") == 0
    data = json.loads(capsys.readouterr().out)
    assert data["month"] == "2026-12"
    assert [d["day"] for d in data["days"]] == ["2026-12-03", "2026-12-10", "2026-12-17", "2026-12-24",
                                                  "2026-12-31"]
    assert all(len(d["leaders"]) == 1 for d in data["days"])
    assert "每周四" in data["rule"]
    # October is past (today 2026-11-21): nothing written there
    assert cli(home, "schedule", "show", "2026-10") == 0
    assert "尚无接访日" in capsys.readouterr().out


def test_generate_2027_warns_on_stderr(home, capsys):
    cli(home, "leader", "import")
    capsys.readouterr()
    assert cli(home, "schedule", "generate", "--from", "2027-01", "--months", "12") == 0
    captured = capsys.readouterr()
    assert "提示：" in captured.err and "2027" in captured.err and "节假日" in captured.err
    assert cli(home, "schedule", "show", "2027-01") == 0
    assert "2027" in capsys.readouterr().err


def test_bad_month_and_swap_and_book(home, capsys, tmp_path):
    assert cli(home, "schedule", "generate", "--from", "2026-13") == 1
    assert "YYYY-MM" in capsys.readouterr().err
    cli(home, "leader", "add", "刘建国", "--title", "党委书记")
    cli(home, "leader", "add", "陈志强", "--title", "镇长")
    cli(home, "schedule", "generate", "--from", "2026-12")
    capsys.readouterr()
    show = json.loads((cli(home, "schedule", "show", "2026-12", "--json"), capsys.readouterr().out)[1])
    sitting = show["days"][0]["leaders"][0]["name"]
    other = "陈志强" if sitting == "刘建国" else "刘建国"
    assert cli(home, "schedule", "swap", "2026-12-03", "--out", sitting, "--in", other, "--reason", "外出学习") == 0
    capsys.readouterr()
    assert cli(home, "schedule", "show", "2026-12") == 0
    assert f"替{sitting}：外出学习" in capsys.readouterr().out
    assert cli(home, "schedule", "book", "XF-2026-999999", "2026-12-03") == 1
    assert "找不到事项" in capsys.readouterr().err
    assert cli(home, "schedule", "swap", "2026-12-04", "--out", sitting, "--in", other, "--reason", "x") == 1
    assert "不是接访日" in capsys.readouterr().err
