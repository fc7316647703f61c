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


def test_the_idle_desk_loads_a_matters_screens_at_rest_and_the_renderer_only_once_a_document_can_be_asked_for(
        tmp_path):
    """The idle tick (``prepare_ahead``) does one piece of work a tick: the F2 form, then the screens a matter's keys
    open (without the DOCX stack, which ``services.handling`` no longer imports), then, after a matter has been on
    screen, the document renderer. The first h after a matter showed took 230 ms while these were still loading."""
    code = textwrap.dedent(f"""
        import asyncio, json, sys
        from xfdesk.services.context import Operator
        from xfdesk.tui.app import XfdeskApp

        DOCX = {{"docx", "docxtpl", "jinja2", "lxml"}}

        async def idle_ticks(app, pilot, n):
            for _ in range(n):
                for _ in range(200):
                    await pilot.pause(0.05)
                    if not any(w.is_running for w in app.workers):
                        break
                app.last_input -= 10
                app.prepare_ahead()

        async def main():
            app = XfdeskApp({str(tmp_path / "office")!r}, operator=Operator("王芳"), ask_drafts=False)
            async with app.run_test(size=(80, 24)) as pilot:
                for _ in range(400):
                    await pilot.pause(0.05)
                    if app.ctx is not None and not any(w.is_running for w in app.workers):
                        break
                await idle_ticks(app, pilot, 4)
                at_rest = {{"form": app.prepared_register is not None,
                           "screens": "xfdesk.tui.screens.handling" in sys.modules
                                      and "xfdesk.services.handling" in sys.modules,
                           "docx": sorted(DOCX & set(sys.modules))}}
                from xfdesk.services.demo import generate_demo
                generate_demo(app.ctx, matters=3)
                app.open_matter(1)
                await pilot.pause(0.3)
                assert type(app.screen).__name__ == "MatterScreen"
                await idle_ticks(app, pilot, 2)
                print(json.dumps({{"at_rest": at_rest, "after_matter": sorted(DOCX & set(sys.modules))}}))
                await pilot.press("ctrl+q")

        asyncio.run(main())
    """)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=180)
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    assert lines, done.stderr[-3000:]
    seen = json.loads(lines[-1])
    assert seen == {"at_rest": {"form": True, "screens": True, "docx": []},
                    "after_matter": ["docx", "docxtpl", "jinja2", "lxml"]}, seen
