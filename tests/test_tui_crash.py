"""An unexpected error never shows a traceback: it is logged in the data folder and the user gets one line."""

from __future__ import annotations

import subprocess
import sys
import textwrap


def test_unexpected_error_exits_with_a_chinese_line_and_a_log(tmp_path):
    home = tmp_path / "home"
    script = textwrap.dedent(f"""
        import asyncio
        from xfdesk.tui.app import XfdeskApp

        class Broken(XfdeskApp):
            def on_mount(self):
                super().on_mount()
                self.set_timer(0.2, self.boom)

            def boom(self):
                raise RuntimeError("故意的错误")

        async def main():
            app = Broken({str(home)!r})
            async with app.run_test(headless=True) as pilot:
                await pilot.pause(1.0)
            app._print_error_renderables()

        try:
            asyncio.run(main())
        except RuntimeError:
            pass  # run_test re-raises for test frameworks; the user-facing output is what matters here
    """)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    output = done.stdout + done.stderr
    assert "信访接待台遇到意外错误，已退出" in output
    assert "Traceback" not in output.split("信访接待台遇到意外错误")[1]
    logs = list((home / "logs").glob("error-*.log"))
    assert len(logs) == 1
    assert "故意的错误" in logs[0].read_text(encoding="utf-8")
