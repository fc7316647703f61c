"""The command line a clerk and the office's IT person read: Chinese help for every command (also commands added
later: the translation sits at the root), Chinese usage errors, aligned output that says what it left out."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import typer
from rich.cells import cell_len

from xfdesk.cli.app import app, run

ENGLISH_MACHINERY = ["Usage", "Options", "Commands", "Arguments", "Show this message", "[default", "[required]",
                     "<bool>", "<path>", "<int>", "<str>", "<text>", "Error", "Try '", "TEXT", "INTEGER", "PATH",
                     "Invalid value", "Missing", "Got unexpected", "No such", "requires an argument", "Input should",
                     "Aborted", "[OPTIONS]", "COMMAND", "[ARGS]"]


def all_command_paths() -> list[list[str]]:
    root = typer.main.get_command(app)
    paths: list[list[str]] = [[]]

    def walk(group, prefix):  # noqa: ANN001
        for name, command in group.commands.items():
            paths.append([*prefix, name])
            if hasattr(command, "commands"):
                walk(command, [*prefix, name])

    walk(root, [])
    return paths


def help_of(path: list[str], capsys) -> str:
    capsys.readouterr()
    assert run([*path, "--help"]) == 0
    return capsys.readouterr().out


def test_every_help_screen_is_chinese_and_whole(capsys):
    root = typer.main.get_command(app)
    paths = all_command_paths()
    assert len(paths) > 30  # every area's commands, found by walking the tree (new ones are covered too)
    for path in paths:
        out = help_of(path, capsys)
        assert out.startswith("用法：xfdesk"), (path, out)
        for word in ENGLISH_MACHINERY:
            assert word not in out, (path, word, out)
        command = root
        for name in path:
            command = command.commands[name]
        flat = re.sub(r"\s+", "", out)
        # nothing cut at 80 columns: each description is there in full (wrapped, never ended with …)
        if command.help:
            first = command.help.split("\n\n")[0]
            assert re.sub(r"\s+", "", first) in flat, (path, first)
        for param in command.params:
            if getattr(param, "help", None):
                assert re.sub(r"\s+", "", param.help) in flat, (path, param.help)
        assert "显示本帮助并退出" in out
        assert not any(line.rstrip().endswith("…") for line in out.splitlines()[1:]), (path, out)  # nothing cut
        assert all(cell_len(line) <= 80 for line in out.splitlines()), path


def test_a_command_added_later_gets_chinese_help_too(capsys):
    extra = typer.Typer(help="临时命令组")

    @extra.command("try", help="试一试")
    def try_cmd(count: int = typer.Option(3, "--count", help="次数"),
                file: str = typer.Argument(..., help="要处理的文件，UTF-8 文本")) -> None:
        print(count, file)

    app.add_typer(extra, name="extra-for-test")
    try:
        out = help_of(["extra-for-test", "try"], capsys)
        assert out.startswith("用法：xfdesk extra-for-test try [选项] 要处理的文件")
        assert "--count 整数" in out and "次数（默认：3）" in out and "要处理的文件，UTF-8 文本（必填）" in out
        capsys.readouterr()
        assert run(["extra-for-test", "try"]) == 2
        assert capsys.readouterr().err.startswith("错误：缺少参数：要处理的文件")
    finally:
        app.registered_groups = [g for g in app.registered_groups if g.name != "extra-for-test"]


@pytest.mark.parametrize("args, expected", [
    (["matter", "list", "--limit", "abc"], "错误：--limit 的值不正确：应为整数"),
    (["matter", "list", "--nope"], "错误：没有这个选项：--nope"),
    (["matter", "lst"], "错误：没有这个命令：lst，是不是要用 list"),
    (["calendar", "due"], "错误：缺少参数：起算日期"),
    (["search"], "错误：缺少参数：要查找的内容"),
    (["matter", "show", "a", "b"], "错误：多余的参数：b"),
    (["matter", "list", "--limit"], "错误：选项 --limit 后面要写一个值"),
    (["calendar", "show", "abc"], "错误：年份的值不正确：应为整数"),
    (["schedule", "generate"], "错误：缺少选项 --from"),
    (["stats", "--by", "乡"], "错误：没有这种分组：乡"),
])
def test_usage_errors_are_one_chinese_line(tmp_path, capsys, args, expected):
    capsys.readouterr()
    code = run(["--home", str(tmp_path / "home"), *args])
    err = capsys.readouterr().err
    assert code != 0
    assert err.startswith(expected), err
    assert err.count("\n") == 1
    for word in ENGLISH_MACHINERY:
        assert word not in err, (word, err)


def test_a_group_without_a_command_shows_its_help(capsys):
    capsys.readouterr()
    assert run(["matter"]) == 0
    captured = capsys.readouterr()
    assert captured.out.startswith("用法：xfdesk matter [选项] 命令 [参数]…") and captured.err == ""


@pytest.fixture(scope="module")
def demo_home(tmp_path_factory):
    home = tmp_path_factory.mktemp("cli") / "home"
    assert run(["--home", str(home), "demo", "--no-tui", "--matters", "40"]) == 0
    return home


def test_matter_list_says_what_it_left_out(demo_home, capsys):
    capsys.readouterr()
    assert run(["--home", str(demo_home), "matter", "list", "--limit", "10"]) == 0
    out = capsys.readouterr().out
    assert out.rstrip().splitlines()[-1] == "已列出前10件，共40件；用 --offset 10 看后面的，或用 --limit 列出更多"
    assert run(["--home", str(demo_home), "matter", "list", "--limit", "10", "--offset", "35"]) == 0
    assert capsys.readouterr().out.rstrip().splitlines()[-1] == "列出第36至40件，共40件"
    assert run(["--home", str(demo_home), "matter", "list", "--limit", "100"]) == 0
    assert capsys.readouterr().out.rstrip().splitlines()[-1] == "共40件"


def test_matter_show_prints_times_people_read(demo_home, capsys):
    capsys.readouterr()
    assert run(["--home", str(demo_home), "matter", "show", "1"]) == 0
    out = capsys.readouterr().out
    assert not re.search(r"\d{4}-\d\d-\d\dT\d\d:", out)
    assert re.search(r"\d{4}-\d\d-\d\d \d\d:\d\d ", out)


def test_stats_lines_up_and_takes_chinese_groupings(demo_home, capsys):
    capsys.readouterr()
    month = dt.date.today().strftime("%Y-%m")
    assert run(["--home", str(demo_home), "stats", "--month", month, "--by", "村"]) == 0
    out = capsys.readouterr().out
    assert "\t" not in out and "（按属地）" in out
    lines = out.splitlines()
    table = lines[1:lines.index(next(line for line in lines if line.startswith("说明")))]
    header, rule, *rows = table
    assert rows
    # numbers are right-aligned: every row ends where the header ends
    assert {cell_len(line) for line in [header, *rows]} == {cell_len(header)}
    for word in ("类别", "单位", "category"):
        assert run(["--home", str(demo_home), "stats", "--month", month, "--by", word]) == 0


def test_schedule_generate_for_past_months_says_why_and_what_to_do(tmp_path, capsys, monkeypatch):
    from xfdesk.cli import schedule_cmd
    from xfdesk.cli.app import context

    monkeypatch.setattr(schedule_cmd, "context", lambda **kw: context(clock=lambda: dt.date(2026, 12, 1)))
    home = str(tmp_path / "home")
    assert run(["--home", home, "leader", "add", "刘建国", "--title", "党委书记"]) == 0
    capsys.readouterr()
    assert run(["--home", home, "schedule", "generate", "--from", "2026-09", "--months", "3"]) == 0
    out = capsys.readouterr().out
    assert "新排0天" in out
    assert "这3个月已经全部过去：已过去的接访日不会新排，也不会改动" in out
    assert "xfdesk schedule generate --from 2026-12 --months 3" in out
    assert run(["--home", home, "schedule", "generate", "--from", "2026-11", "--months", "2"]) == 0
    out = capsys.readouterr().out
    assert "12月1日以前的日子已过去，只排今天及以后的接访日" in out
