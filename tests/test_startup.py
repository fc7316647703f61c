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


def test_the_desk_at_rest_has_not_loaded_pypinyin_or_the_document_renderer(tmp_path):
    """Signed in, the office open and the background warm-up done: pypinyin (11 MB), docxtpl with python-docx,
    jinja2 and lxml (9 MB) and rapidfuzz (3 MB) wait for their first use."""
    code = textwrap.dedent(f"""
        import asyncio, json, sys
        from xfdesk.services.context import Operator
        from xfdesk.tui.app import XfdeskApp

        async def main():
            app = XfdeskApp({str(tmp_path / "office")!r}, operator=Operator("王芳"), ask_drafts=False)
            async with app.run_test(size=(80, 24)) as pilot:
                for _ in range(400):
                    await pilot.pause(0.05)
                    if app.ctx is not None and not any(w.is_running for w in app.workers):
                        break
                app.last_input -= 10
                app.prepare_register()  # the idle desk's next F2 form, too
                await pilot.pause(0.5)
                print(json.dumps({{"ready": app.ctx is not None and app.prepared_register is not None,
                                  "warmed": "xfdesk.services.registration" in sys.modules,
                                  "pypinyin": "pypinyin" in sys.modules, "rapidfuzz": "rapidfuzz" in sys.modules,
                                  "documents": sorted({{"docx", "docxtpl", "jinja2"}} & set(sys.modules))}}))
                await pilot.press("ctrl+q")

        asyncio.run(main())
    """)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    assert lines, done.stderr[-2000:]
    seen = json.loads(lines[-1])
    assert seen == {"ready": True, "warmed": True, "pypinyin": False, "rapidfuzz": False, "documents": []}, seen
