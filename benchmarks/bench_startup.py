"""Start-up benchmark of the desk: xfdesk next to a bare Textual app with the same Header/Footer, in one run.

    .venv/bin/python benchmarks/bench_startup.py                   # 5 runs each, a 3,000-matter demo office
    .venv/bin/python benchmarks/bench_startup.py --runs 9 --matters 20000

Each run is a fresh Python process (cold imports, as when the clerk starts the program), headless at 80×24:
- first paint: from the process's first line to the first frame drawn (for xfdesk: the home screen with its
  "正在打开数据库" line — the database is opened after that, in a worker);
- interactive: until the clerk can work (xfdesk: database open, operator known, home figures shown; bare: = paint);
- idle memory: resident set size one second after interactive.
Target: xfdesk's first paint ≤ 1.3 × the bare app's.

Also printed: the keystrokes beyond typed text of a standard walk-in registration of a known petitioner (target
≤ 12), counted from the very key sequence the Pilot test uses (``tests/test_tui_helpers.WALKIN_STEPS``), after
running that sequence against a demo office to prove it registers the matter.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import statistics
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
TODAY = dt.date(2026, 11, 21)
TARGET_PAINT_RATIO = 1.3
TARGET_EXTRA_KEYS = 12

# Both children start their clock on their first line, so interpreter start-up (the same for both) is left out.
_CHILD_COMMON = """
import time
T0 = time.perf_counter()
import json, os, sys

def rss_mb():
    try:
        with open("/proc/self/status", encoding="ascii") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    import resource
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
"""

BARE_CHILD = _CHILD_COMMON + textwrap.dedent("""
    from textual.app import App
    from textual.widgets import Footer, Header

    class Bare(App):
        TITLE = "信访接待台"
        BINDINGS = [("f1", "help", "帮助"), ("ctrl+q", "quit", "退出")]

        def compose(self):
            yield Header()
            yield Footer()

        def on_mount(self):
            self.call_after_refresh(self.painted)

        def painted(self):
            self.paint = time.perf_counter() - T0
            self.set_timer(1.0, self.idle)

        def idle(self):
            self.exit({"paint": self.paint, "interactive": self.paint, "rss_mb": rss_mb()})

    result = Bare().run(headless=True, size=(80, 24))
    print(json.dumps(result))
""")

XFDESK_CHILD = _CHILD_COMMON + textwrap.dedent("""
    import datetime as dt
    from xfdesk.tui.app import XfdeskApp

    class Measured(XfdeskApp):
        def _database_ready(self, ctx):
            # the remembered operator confirmed at once (the clerk's one Enter is not part of start-up time)
            from xfdesk.services.context import Operator

            self.operator = Operator("王芳")
            super()._database_ready(ctx)

        def _after_operator(self):
            super()._after_operator()
            self.ready = time.perf_counter() - T0
            self.set_timer(1.0, self.idle)

        def idle(self):
            self.exit({"paint": self.first_paint_at - T0, "interactive": self.ready, "rss_mb": rss_mb()})

    today = dt.date.fromisoformat(sys.argv[2])
    app = Measured(sys.argv[1], clock=lambda: today, ask_drafts=False)
    print(json.dumps(app.run(headless=True, size=(80, 24))))
""")


def run_child(code: str, *args: str) -> dict:
    env = {**os.environ, "PYTHONPATH": str(PROJECT)}
    out = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, env=env, cwd=PROJECT,
                         timeout=120)
    if out.returncode != 0:
        raise SystemExit(f"child failed:\n{out.stderr}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def build_office(home: Path, matters: int) -> None:
    from xfdesk.services.context import open_context
    from xfdesk.services.demo import generate_demo

    ctx = open_context(home, clock=lambda: TODAY)
    generate_demo(ctx, matters=matters, seed=7, today=TODAY)
    ctx.db.dispose()


async def walk_in(home: Path) -> tuple[int, int, str]:
    """Run the Pilot test's walk-in sequence on the demo office; returns (extra keys, typed chars, new number)."""
    sys.path.insert(0, str(PROJECT))
    from sqlmodel import select

    from tests.test_tui_helpers import WALKIN_STEPS, extra_keystrokes, make_app, run_steps, wait_interactive
    from xfdesk.services.context import Operator, open_context
    from xfdesk.services.registration import register_contact
    from xfdesk.domain.records import ContactInput, MatterInput, PetitionerInput
    from xfdesk.storage.models import Matter

    ctx = open_context(home, clock=lambda: TODAY)
    clerk = Operator("王芳")
    # the known petitioner the sequence looks for (pinyin initials zs): the first hit in the find box
    register_contact(ctx, clerk, ContactInput(
        received_at=dt.datetime.combine(TODAY, dt.time(0, 0)), channel="走访", clerk="王芳",
        petitioners=[PetitionerInput(name="张三", village="大畲村", phone="13800001234")],
        matters=[MatterInput(summary="反映宅基地边界纠纷", category="邻里纠纷", location="大畲村")]))
    with ctx.db.read() as session:
        before = session.exec(select(Matter.id).order_by(Matter.id.desc())).first()
    app = make_app(ctx, clerk, ask_drafts=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_interactive(pilot)
        await run_steps(pilot, WALKIN_STEPS)
    with ctx.db.read() as session:
        new = session.exec(select(Matter).where(Matter.id > before)).all()
    ctx.db.dispose()
    if len(new) != 1:
        raise SystemExit("the walk-in sequence did not register exactly one matter")
    typed = sum(len(v) for k, v in WALKIN_STEPS if k == "text")
    return extra_keystrokes(WALKIN_STEPS), typed, new[0].number


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--matters", type=int, default=3000)
    parser.add_argument("--home", type=Path, default=None, help="keep the demo office here (default: temporary)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        home = args.home or Path(tmp) / "office"
        if not (home / "xfdesk.db").exists():
            print(f"准备演示数据：{args.matters} 件事项 …", flush=True)
            build_office(home, args.matters)
        run_child(XFDESK_CHILD, str(home), TODAY.isoformat())  # warm the OS file cache once for both
        run_child(BARE_CHILD)
        bare, desk = [], []
        for _ in range(args.runs):  # interleaved, so machine load affects both alike
            bare.append(run_child(BARE_CHILD))
            desk.append(run_child(XFDESK_CHILD, str(home), TODAY.isoformat()))

        def med(rows: list[dict], key: str) -> float:
            return statistics.median(r[key] for r in rows)

        print(f"\n启动（{args.runs} 次取中位数，80×24，无界面模式）")
        print(f"{'':16}{'裸 Textual 应用':>16}{'xfdesk':>12}{'倍数':>8}")
        for key, label, unit, scale in (("paint", "首次绘制", "ms", 1000), ("interactive", "可操作", "ms", 1000),
                                        ("rss_mb", "空闲内存", "MB", 1)):
            b, d = med(bare, key) * scale, med(desk, key) * scale
            print(f"{label + '（' + unit + '）':14}{b:>16.1f}{d:>12.1f}{d / b:>8.2f}")
        ratio = med(desk, "paint") / med(bare, "paint")
        verdict = "达标" if ratio <= TARGET_PAINT_RATIO else "未达标"
        print(f"首次绘制倍数 {ratio:.2f}（目标 ≤ {TARGET_PAINT_RATIO}）：{verdict}")
        print("单次明细（首次绘制/可操作 ms）：")
        print("  裸应用 " + "  ".join(f"{r['paint'] * 1000:.0f}/{r['interactive'] * 1000:.0f}" for r in bare))
        print("  xfdesk " + "  ".join(f"{r['paint'] * 1000:.0f}/{r['interactive'] * 1000:.0f}" for r in desk))

        extra, typed, number = asyncio.run(walk_in(home))
        verdict = "达标" if extra <= TARGET_EXTRA_KEYS else "未达标"
        print(f"\n熟人来访登记（已登记过的信访人，一项诉求）：已保存 {number}")
        print(f"打字 {typed} 个字符之外的按键 {extra} 次（目标 ≤ {TARGET_EXTRA_KEYS}）：{verdict}")


if __name__ == "__main__":
    main()
