"""How fast a screen appears after its key, the desk beside a bare Textual app, in tmux at 80×24 (issue 9 item 13).

    .venv/bin/python benchmarks/bench_screens.py --home /tmp/i16-offices/office-3k [--rounds 8]

Each figure is the time from ``tmux send-keys`` until the text the key brings is on the screen (``capture-pane``
polled every 5 ms), min/median/max over the rounds, with the machine's load beside it. First: the start of the
real ``xfdesk`` command until its first screen (the sign-in box) next to the bare app's start until its filled
first screen (issue 16: ≤ 1.2×), each round a fresh process in a new terminal. The baseline is a bare
Textual app on the same terminal: a home screen (Header, DataTable, Footer) and a form of 96 widgets (48 labels,
48 inputs, about the registration form's count) pushed fresh (composed at the key) or already mounted, and Esc
back. What the desk measures: F2 with the form built while the desk was idle (``prepare_register``) and F2 pressed
at once after Esc (composed at the key), Esc back from the form, F4 and F8 until their first rows show (issue 16:
≤ 300 ms), ``h`` on a matter and Esc back.

Esc is slower than any other key in both apps, by ~50 ms: a lone ESC byte may begin an escape sequence, and
Textual's input thread decides it is a key only when its read times out (``ESCDELAY``, 100 ms by default, checked
at most every 100 ms by the driver's select loop on Linux and Windows alike). Skips when tmux is not installed.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from desk_walk import WALK_PASSWORD, Desk, ensure_accounts, tmux  # noqa: E402

BARE_APP = '''
from textual.app import App
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Input, Label


class Form(Screen):
    BINDINGS = [Binding("escape", "app.pop_screen", "返回")]

    def __init__(self, title):
        super().__init__()
        self.title_text = title

    def compose(self):
        yield Header()
        with VerticalScroll():
            yield Label(self.title_text)
            for i in range(47):
                yield Label(f"字段{i}")
                yield Input(placeholder=f"输入{i}")
            yield Input(placeholder="最后")
        yield Footer()


class Bare(App):
    BINDINGS = [Binding("f2", "fresh", "新表单"), Binding("f3", "warm", "已建表单")]

    def compose(self):
        yield Header()
        yield DataTable()
        yield Footer()

    def on_mount(self):
        table = self.query_one(DataTable)
        table.add_columns("编号", "信访人", "诉求")
        for i in range(20):
            table.add_row(f"XF-2026-{i:06d}", "张三", "要求解决问题")
        self.install_screen(Form("已建表单标题"), "warm")

    def action_fresh(self):
        self.push_screen(Form("新表单标题"))

    def action_warm(self):
        self.push_screen("warm")


Bare().run()
'''


def timed(desk: Desk, key: str, expect: str) -> float:
    desk.begin(key)
    desk.key(key, expect=expect)
    return desk.step.slowest * 1000


def figures(name: str, values: list[float]) -> str:
    load = os.getloadavg()[0]
    return (f"{name:<44}{min(values):>7.0f}{statistics.median(values):>8.0f}{max(values):>7.0f}"
            f"   load {load:.1f}")


def session(command: str) -> Desk:
    name = "bs" + uuid.uuid4().hex[:6]
    tmux("new-session", "-d", "-s", name, "-x", "80", "-y", "24", command + "; sleep 3600")
    return Desk(name)


def first_frames(command: str, expect: str, rounds: int) -> list[float]:
    """From starting the command in a new terminal until ``expect`` is on it, each round a fresh process (the first,
    untimed, warms the page cache)."""
    times = []
    for i in range(rounds + 1):
        started = time.perf_counter()
        desk = session(command)
        try:
            desk.begin("start")
            desk.wait_for(expect, 60)
            if i:
                times.append((time.perf_counter() - started) * 1000)
        finally:
            tmux("kill-session", "-t", desk.session)
        time.sleep(0.5)
    return times


def start_up(python: str, xfdesk: str, home: Path, rounds: int) -> list[str]:
    with tempfile.TemporaryDirectory() as folder:
        script = Path(folder) / "bare_app.py"
        script.write_text(BARE_APP, encoding="utf-8")
        bare_ms = first_frames(f"{python} {script}", "XF-2026-000019", rounds)
    paint_ms = first_frames(f"{xfdesk} --home {home}", "信访接待台", rounds)  # the home frame, office opening
    desk_ms = first_frames(f"{xfdesk} --home {home}", "姓名", rounds)  # office open: the sign-in box
    bare_median = statistics.median(bare_ms)
    return [figures("bare Textual: start to its filled first screen", bare_ms),
            figures("xfdesk command: start to its first frame", paint_ms),
            f"{'  first frame: xfdesk / bare (medians)':<44}{statistics.median(paint_ms) / bare_median:>14.2f}×"
            "   (issue 16: ≤ 1.2×)",
            figures("xfdesk command: start to the sign-in box", desk_ms),
            f"{'  sign-in box: xfdesk / bare (medians)':<44}{statistics.median(desk_ms) / bare_median:>14.2f}×"]


def bare(python: str, rounds: int) -> list[str]:
    with tempfile.TemporaryDirectory() as folder:
        script = Path(folder) / "bare_app.py"
        script.write_text(BARE_APP, encoding="utf-8")
        desk = session(f"{python} {script}")
        try:
            desk.begin("start")
            desk.wait_for("XF-2026-000019", 30)
            fresh, warm, back = [], [], []
            for _ in range(rounds):
                time.sleep(0.5)
                fresh.append(timed(desk, "F2", "新表单标题"))
                time.sleep(0.5)
                back.append(timed(desk, "Escape", "XF-2026-000019"))
                time.sleep(0.5)
                warm.append(timed(desk, "F3", "已建表单标题"))
                time.sleep(0.5)
                back.append(timed(desk, "Escape", "XF-2026-000019"))
        finally:
            tmux("kill-session", "-t", desk.session)
    return [figures("bare Textual: form of 96 widgets, composed", fresh),
            figures("bare Textual: form of 96 widgets, mounted", warm),
            figures("bare Textual: Esc back to home", back)]


def desk_figures(xfdesk: str, home: Path, rounds: int, number: str) -> list[str]:
    ensure_accounts(home, "王芳", WALK_PASSWORD)
    desk = session(f"{xfdesk} --home {home}")
    try:
        desk.begin("sign in")
        desk.wait_for("姓名", 30)
        desk.type("王芳", expect=None)
        desk.key("Tab")
        desk.type(WALK_PASSWORD, expect="")
        desk.key("Enter", expect="f2 登记", timeout=30)
        time.sleep(2.0)
        if "是否恢复" in desk.screen():
            desk.key("n")
        prepared, composed, back, handle, handle_back = [], [], [], [], []
        for _ in range(rounds):
            time.sleep(2.5)  # idle: the next form is built
            prepared.append(timed(desk, "F2", "查找信访人"))
            time.sleep(0.5)
            back.append(timed(desk, "Escape", "f2 登记"))
            time.sleep(0.2)  # not idle long enough: F2 composes the form at the key
            composed.append(timed(desk, "F2", "查找信访人"))
            time.sleep(0.5)
            back.append(timed(desk, "Escape", "f2 登记"))
        queue, board = [], []
        for _ in range(rounds):  # F4 screening queue, F8 supervision board: until their first rows show
            time.sleep(1.0)
            queue.append(timed(desk, "F4", r"甄别 · 王芳[\s\S]*XF-\d{4}-\d{6}"))
            time.sleep(0.5)
            desk.key("Escape", expect="f2 登记")
            time.sleep(1.0)
            board.append(timed(desk, "F8", r"督办 · 王芳[\s\S]*XF-\d{4}-\d{6}"))
            time.sleep(0.5)
            desk.key("Escape", expect="f2 登记")
        desk.begin("F3")
        desk.key("F3", expect="查询")
        desk.type(number, expect=number[-6:])
        desk.key("Enter", expect="事项详情")
        for _ in range(rounds):
            time.sleep(0.5)
            handle.append(timed(desk, "h", "办理所选"))
            time.sleep(0.5)
            handle_back.append(timed(desk, "Escape", "事项详情"))
    finally:
        tmux("kill-session", "-t", desk.session)
    return [figures("xfdesk F2, form built while idle", prepared),
            figures("xfdesk F2 right after Esc, composed at the key", composed),
            figures("xfdesk Esc from the form to home", back),
            figures("xfdesk F4 screening queue, until rows show", queue),
            figures("xfdesk F8 supervision board, until rows show", board),
            figures("xfdesk h on a matter (handling screen)", handle),
            figures("xfdesk Esc from handling to the matter", handle_back)]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--home", type=Path, required=True, help="an office folder (copied first: the walk writes)")
    ap.add_argument("--rounds", type=int, default=8)
    ap.add_argument("--matter", default="XF-2026-000100", help="the matter opened for h")
    ap.add_argument("--xfdesk", default=str(Path(sys.executable).with_name("xfdesk")))
    a = ap.parse_args()
    if shutil.which("tmux") is None:
        print("bench_screens: tmux is not installed: skipped")
        return 0
    with tempfile.TemporaryDirectory() as folder:
        home = Path(folder) / "office"
        shutil.copytree(a.home, home)
        print(f"bench_screens · {a.home} · 80x24 · {a.rounds} rounds · {os.cpu_count()} cores · "
              f"ESCDELAY {os.environ.get('ESCDELAY', '100 (default)')}")
        print(f"{'ms from the key until its screen shows':<44}{'min':>7}{'median':>8}{'max':>7}")
        ensure_accounts(home, "王芳", WALK_PASSWORD)
        lines = (start_up(sys.executable, a.xfdesk, home, a.rounds) + bare(sys.executable, a.rounds)
                 + desk_figures(a.xfdesk, home, a.rounds, a.matter))
        subprocess.run(["tmux", "ls"], capture_output=True)
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
