"""``xfdesk`` alone opens the desk without the command machinery (typer, the command modules) loaded first."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap


def start(*args: str, fail: bool = False) -> dict:
    """Run the console script's ``main`` with ``args`` in a fresh process, the desk replaced by a recorder."""
    code = textwrap.dedent(f"""
        import json, sys
        import xfdesk.tui.launch as launch_module

        def fake_launch(home):
            if {fail!r}:
                raise ValueError("界面无法启动")
            print(json.dumps({{"home": str(home.root), "typer": "typer" in sys.modules,
                              "cli_app": "xfdesk.cli.app" in sys.modules, "sqlalchemy": "sqlalchemy" in sys.modules,
                              "pypinyin": "pypinyin" in sys.modules}}))

        launch_module.launch = fake_launch
        sys.argv = ["xfdesk", *{list(args)!r}]
        from xfdesk.cli import main
        main()
    """)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    return {"code": done.returncode, "stderr": done.stderr, **(json.loads(lines[-1]) if lines else {})}


def test_the_desk_starts_without_typer_the_database_stack_or_pypinyin(tmp_path):
    for args in ((), ("--home", str(tmp_path / "office")), (f"--home={tmp_path / 'office'}",)):
        seen = start(*args)
        assert seen["code"] == 0, seen
        assert not (seen["typer"] or seen["cli_app"] or seen["sqlalchemy"] or seen["pypinyin"]), seen
        if args:
            assert seen["home"] == str(tmp_path / "office")


def test_anything_else_still_goes_through_the_commands():
    from xfdesk.cli import _desk_only

    assert [_desk_only(a) for a in ([], ["--home", "D:/xf"], ["--home=D:/xf"])] == [None, "D:/xf", "D:/xf"]
    for other in (["--help"], ["--home"], ["--home", "--help"], ["--home", "x", "demo"], ["--user", "王芳"],
                  ["--home", "x", "--user", "王芳"], ["search", "张三"], ["--home="]):
        assert _desk_only(other) is False, other
    helped = subprocess.run([sys.executable, "-c", "import sys; sys.argv = ['xfdesk', '--help']\n"
                             "from xfdesk.cli import main; main()"], capture_output=True, text=True, timeout=120)
    assert helped.returncode == 0 and "信访接待台" in helped.stdout


def test_an_error_opening_the_desk_is_one_chinese_line_not_a_traceback(tmp_path):
    seen = start("--home", str(tmp_path / "office"), fail=True)
    assert seen["code"] == 1
    assert seen["stderr"].strip() == "错误：界面无法启动"
