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
    assert cli(home, "schedule", "generate", "--from", "2026-12") == 0
    assert "保留未改：12月3日（星期四）（有调整）" in capsys.readouterr().out
    assert cli(home, "schedule", "show", "2026-12") == 0
    assert f"替{sitting}：外出学习" in capsys.readouterr().out
    assert cli(home, "schedule", "book", "XF-2026-999999", "2026-12-03") == 1
    assert "找不到事项" in capsys.readouterr().err
    assert cli(home, "schedule", "swap", "2026-12-04", "--out", sitting, "--in", other, "--reason", "x") == 1
    assert "不是接访日" in capsys.readouterr().err


def test_book_cancel_absent_print_and_leader_commands(home, capsys, monkeypatch):
    import sys

    import xfdesk.services.documents as documents
    from tests.test_reception_support import contact
    from xfdesk.cli import schedule_cmd
    from xfdesk.services.context import Operator
    from xfdesk.services.registration import register_contact

    monkeypatch.setattr(documents, "_print_command", lambda path, printer: [sys.executable, "-c", "pass"])
    for name, title in (("刘建国", "党委书记"), ("陈志强", "镇长")):
        cli(home, "leader", "add", name, "--title", title)
    cli(home, "schedule", "generate", "--from", "2026-11", "--months", "2")
    ctx = schedule_cmd.context()
    number = register_contact(ctx, Operator("王芳"), contact(name="钟秀英")).numbers[0]
    capsys.readouterr()

    assert cli(home, "schedule", "book", number, "2026-11-26", "--slot", "3") == 0
    out = capsys.readouterr().out
    assert f"已约访：{number} 11月26日（星期四） 第3时段 10:00-10:30" in out
    assert cli(home, "schedule", "book", number, "2026-12-03") == 1
    assert "请先取消" in capsys.readouterr().err
    assert cli(home, "schedule", "show", "2026-11") == 0
    assert f"10:00-10:30  {number}  钟秀英" in capsys.readouterr().out

    assert cli(home, "schedule", "print", "2026-11-26") == 0
    out = capsys.readouterr().out
    assert "新生成3份文书" in out and "琴信接通〔2026〕1号" in out
    assert cli(home, "schedule", "print", "2026-11-26", "--no-print") == 0
    assert "沿用已出具的3份文书" in capsys.readouterr().out

    assert cli(home, "schedule", "cancel", number, "--reason", "信访人要求改期") == 0
    assert cli(home, "schedule", "cancel", number, "--reason", "再次") == 1
    assert "没有待接访的约访" in capsys.readouterr().err

    sitting = json.loads((cli(home, "schedule", "show", "2026-12", "--json"),
                          capsys.readouterr().out)[1])["days"][0]["leaders"][0]["name"]
    assert cli(home, "schedule", "absent", "2026-12-03", sitting, "--reason", "赴县开会") == 0
    other = "陈志强" if sitting == "刘建国" else "刘建国"
    assert f"接访领导：{other}" in capsys.readouterr().out

    assert cli(home, "leader", "off", other) == 0
    assert cli(home, "leader", "list", "--json") == 0
    listed = {x["name"]: x["active"] for x in json.loads(capsys.readouterr().out.split("\n", 1)[1])}
    assert listed == {"刘建国": other != "刘建国", "陈志强": other != "陈志强"}


def test_rule_shown_changed_and_checked(home, capsys):
    assert cli(home, "schedule", "rule") == 0
    assert "每周四（逢节假日顺延），每日1位领导，8个时段，每段30分钟，09:00开始" in capsys.readouterr().out
    assert cli(home, "schedule", "rule", "--day-of-month", "10", "--slots", "6", "--start", "08:30") == 0
    assert "每月10日（逢节假日顺延），每日1位领导，6个时段" in capsys.readouterr().out
    cli(home, "leader", "import")
    cli(home, "schedule", "generate", "--from", "2026-12", "--months", "2")
    capsys.readouterr()
    cli(home, "schedule", "show", "2027-01", "--json")
    data = json.loads(capsys.readouterr().out)
    # 2027-01-10 is a Sunday (and 2027 has no holiday data: weekends only) → Monday 01-11
    assert [d["day"] for d in data["days"]] == ["2027-01-11"] and data["days"][0]["slots"] == 6
    assert cli(home, "schedule", "rule", "--weekday", "一") == 0
    assert "每周一" in capsys.readouterr().out
    assert cli(home, "schedule", "rule", "--day-of-month", "31") == 1
    assert "1至28" in capsys.readouterr().err
    assert cli(home, "schedule", "rule", "--weekday", "八") == 1
    assert "一 至 日" in capsys.readouterr().err
    assert cli(home, "schedule", "rule", "--leaders", "9") == 1
    assert "在任领导只有5位" in capsys.readouterr().err
    assert cli(home, "schedule", "rule") == 0
    assert "每周一" in capsys.readouterr().out  # the refused changes saved nothing
    # the reception hours (lunch break between them), issue 9 item 17
    assert cli(home, "schedule", "rule", "--hours", "09:00-10:00、14:30-15:00") == 1
    assert "排不下" in capsys.readouterr().err
    assert cli(home, "schedule", "rule", "--hours", "08:30-11:30、14:00-17:00") == 0
    assert "08:30开始，接访时间08:30-11:30、14:00-17:00" in capsys.readouterr().out
