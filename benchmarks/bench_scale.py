"""Scale benchmark (issue 16): the same figures on 3k, 10k, 100k and 300k-matter offices, side by side.

    .venv/bin/python benchmarks/bench_scale.py --root /tmp/xf-offices                 # builds the offices once
    .venv/bin/python benchmarks/bench_scale.py --root /tmp/xf-offices --sizes 3000,100000 --runs 5
    PYTHONPATH=OLDER_CHECKOUT:.venv/lib/python3.11/site-packages .venv/bin/python -S benchmarks/bench_scale.py …
                      # the same figures of other code (-S: the editable install's path hook would win otherwise)

Offices come from ``benchmarks/offices.py`` (a demo year; the bigger ones grown by archived years). Every figure is
min / median / max over ``--runs`` runs (after one warm-up), with the machine's 1-minute load average when it was
taken, next to its baseline in the same run where there is one:

* start-up: first paint, the home screen filled and idle memory, each next to the bare Textual app in the same run;
* service calls behind the screens and lists (home, F4 queue, F8 board, matter list, reception day, statistics) —
  warm, in this process; the matter list also as raw SQL through ``sqlite3``;
* search p50/p95 per query form through the service, next to the same statements straight through ``sqlite3``;
* export of the demo year to a file in a fresh process: seconds and peak RSS, next to ``sqlite3`` + ``json`` writing
  the same contacts' rows;
* import per contact (a 300-contact exchange file into a copy of the smallest office), and the demo's write path
  per matter as recorded when the office was built.

Targets are printed beside the figures; nothing here judges. The load is printed because the machines are shared:
compare medians taken at similar load, or ratios to the baseline.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from offices import SIZES, TODAY, ensure  # noqa: E402

SEARCH_FORMS = ("姓名+村", "姓名（2字）", "身份证前10位", "拼音首字母", "诉求片段（2字）", "诉求片段（4字）")


def load() -> str:
    return f"load {os.getloadavg()[0]:.1f}"


def timed(call, runs: int) -> list[float]:  # noqa: ANN001
    call()  # warm-up
    out = []
    for _ in range(runs):
        started = time.perf_counter()
        call()
        out.append((time.perf_counter() - started) * 1000)
    return out


def mmm(values: list[float], unit: str = "ms") -> str:
    return f"{min(values):8.1f} {statistics.median(values):8.1f} {max(values):8.1f} {unit}"


def row(what: str, values: list[float], target: str = "", baseline: list[float] | None = None) -> None:
    extra = f"   基线 {statistics.median(baseline):.1f} ms（{statistics.median(values) / max(statistics.median(baseline), 1e-6):.1f}×）" \
        if baseline else ""
    print(f"  {what:<28}{mmm(values)}   {load()}{extra}{('   目标 ' + target) if target else ''}", flush=True)


def screens(home: Path, runs: int) -> None:
    from xfdesk.domain.glossary import Role
    from xfdesk.services import desk_queries, queries, reception, screening, statistics as stats, supervision
    from xfdesk.services.context import Operator, open_context

    ctx = open_context(home, clock=lambda: TODAY)
    head = Operator("基准", Role.HEAD)
    row("首页 home_summary", timed(lambda: desk_queries.home_summary(ctx, head.role), runs), "（整屏）≤2×空白应用")
    row("F4 甄别队列", timed(lambda: screening.screening_queue(ctx, head), runs), "≤300 ms（含界面）")
    row("F8 督办看板（第1页）", timed(lambda: supervision.board_page(ctx, head, limit=100), runs), "≤300 ms（含界面）")
    row("F8 督办看板（整表）", timed(lambda: supervision.supervision_board(ctx, head), runs))
    row("F8 30天内（第1页）", timed(lambda: supervision.board_page(ctx, head, within_days=30, limit=100), runs))
    raw = sqlite3.connect(home / "xfdesk.db")
    list_sql = ("SELECT m.id, m.number, m.summary, p.name FROM matter AS m JOIN petitioner AS p ON p.id = m.petitioner_id "
                "LEFT JOIN unit AS u ON u.id = m.unit_id ORDER BY m.due_on IS NULL, m.due_on, m.id LIMIT 100")
    row("事项列表（按期限，第1页）", timed(lambda: queries.list_matters(ctx, operator=head, limit=100), runs),
        "≤50 ms", timed(lambda: raw.execute(list_sql).fetchall(), runs))
    row("事项列表（第20页）", timed(lambda: queries.list_matters(ctx, operator=head, limit=100, offset=1900), runs))
    days = reception.upcoming_days(ctx, start=TODAY - dt.timedelta(days=20), limit=1)
    if days:
        row("接访日 day_view", timed(lambda: reception.day_view(ctx, days[0].day, operator=head), runs), "≤50 ms")
        row("接访月 month_days", timed(lambda: reception.month_days(ctx, TODAY.year, TODAY.month,
                                                                   with_bookings=True), runs), "≤50 ms")
    month_start = TODAY.replace(day=1) - dt.timedelta(days=1)
    month_start = month_start.replace(day=1)
    row("统计：一个月 matter_facts", timed(lambda: stats.matter_facts(ctx, month_start, TODAY.replace(day=1)),
                                     runs), "≤200 ms")
    from xfdesk.domain.statistics import figures, rank_units

    row("统计：一个月按单位（排名）", timed(lambda: rank_units(stats.matter_facts(ctx, month_start, TODAY.replace(day=1))),
                                  runs), "≤200 ms")
    row("统计：一年（合计）", timed(lambda: figures(stats.matter_facts(ctx, TODAY - dt.timedelta(days=365), TODAY)),
                               max(1, runs // 2)), "≤1 s")
    row("统计：一年 matter_facts", timed(lambda: stats.matter_facts(ctx, TODAY - dt.timedelta(days=365), TODAY),
                                    max(1, runs // 2)), "≤1 s")
    ctx.db.dispose()


def startup(home: Path, runs: int) -> None:
    """First paint, the home screen filled and idle memory of the desk on this office, next to the bare Textual app
    (``bench_startup``'s two children, fresh processes, interleaved so that load falls on both alike)."""
    from bench_startup import BARE_CHILD, XFDESK_CHILD, run_child

    run_child(XFDESK_CHILD, str(home), TODAY.isoformat())  # the OS file cache warmed once for both
    bare, desk = [], []
    for _ in range(runs):
        bare.append(run_child(BARE_CHILD))
        desk.append(run_child(XFDESK_CHILD, str(home), TODAY.isoformat()))
    for key, label, unit, scale, target in (("paint", "启动：首次绘制", "ms", 1000, "≤1.2×空白应用"),
                                            ("interactive", "启动：首页填好", "ms", 1000, "≤2.5×（100k）"),
                                            ("rss_mb", "启动：空闲内存", "MB", 1, "≤80 MB")):
        d, b = [r[key] * scale for r in desk], [r[key] * scale for r in bare]
        print(f"  {label:<24}{mmm(d, unit)}   {load()}   空白应用 {statistics.median(b):.1f} {unit}"
              f"（{statistics.median(d) / statistics.median(b):.2f}×）   目标 {target}", flush=True)


def search(home: Path, per_form: int) -> None:
    from bench_search import raw_search, sample_queries

    from xfdesk.domain.glossary import Role
    from xfdesk.services.context import Operator, open_context
    from xfdesk.services.search import search as service_search

    ctx = open_context(home, clock=lambda: TODAY)
    clerk = Operator("基准", Role.CLERK)
    conn = sqlite3.connect(home / "xfdesk.db")
    years = range(1990, TODAY.year + 1)
    queries = sample_queries(home / "xfdesk.db", per_form, 1)
    for form in SEARCH_FORMS:
        svc, raw = [], []
        for text in queries.get(form, []):
            svc.append(min(timed(lambda t=text: service_search(ctx, t, operator=clerk), 2)))
            raw.append(min(timed(lambda t=text: raw_search(conn, t, years), 2)))
        if not svc:
            continue
        svc.sort()
        raw.sort()

        def p(values: list[float], q: float) -> float:
            return values[min(len(values) - 1, round(q * (len(values) - 1)))]

        print(f"  搜索 {form:<14} p50 {p(svc, .5):6.1f}  p95 {p(svc, .95):6.1f} ms   sqlite3 p50 {p(raw, .5):6.1f}  "
              f"p95 {p(raw, .95):6.1f} ms   {load()}   目标 p95 ≤50 ms（300k）", flush=True)
    ctx.db.dispose()


# the process's own high-water mark (ru_maxrss would include the parent's, inherited through fork and exec)
_PEAK = """
def peak_mb():
    with open("/proc/self/status", encoding="ascii") as f:
        return next(int(line.split()[1]) for line in f if line.startswith("VmHWM:")) / 1024
"""

_EXPORT_CHILD = _PEAK + """
import datetime as dt, sys, time
from pathlib import Path
from xfdesk.domain.glossary import Role
from xfdesk.services.context import Operator, open_context
from xfdesk.services.exchange import export_to_file
ctx = open_context(Path(sys.argv[1]), clock=lambda: dt.date.fromisoformat(sys.argv[3]))
since = dt.date.fromisoformat(sys.argv[3]) - dt.timedelta(days=365) if sys.argv[4] == "year" else None
started = time.perf_counter()
result = export_to_file(ctx, Operator("基准", Role.HEAD), sys.argv[2], since)
print(time.perf_counter() - started, peak_mb(), result.matters)
"""

_SQLITE_EXPORT_CHILD = _PEAK + """
import json, sqlite3, sys, time
started = time.perf_counter()
con = sqlite3.connect(sys.argv[1])
with open(sys.argv[2], "w", encoding="utf-8") as f:
    for row in con.execute("SELECT c.id, c.received_at, c.channel, c.headcount, c.clerk, m.number, m.summary, "
                           "m.details, m.status, m.received_on, (SELECT json_group_array(json_array(e.at, e.actor, "
                           "e.action, e.note)) FROM event AS e WHERE e.matter_id = m.id) FROM contact AS c "
                           "JOIN matter AS m ON m.contact_id = c.id WHERE c.received_at >= ? ORDER BY c.received_at, "
                           "c.id", (sys.argv[3] if sys.argv[4] == "year" else "",)):
        f.write(json.dumps(row, ensure_ascii=False, indent=2))
print(time.perf_counter() - started, peak_mb(), 0)
"""


def export(home: Path, runs: int, period: str = "year") -> None:
    since = (TODAY - dt.timedelta(days=365)).isoformat()
    with tempfile.TemporaryDirectory() as tmp:
        figures: dict[str, list[tuple[float, float]]] = {"xfdesk export": [], "sqlite3+json": []}
        matters = 0
        for _ in range(runs):
            for name, code, argv in (("xfdesk export", _EXPORT_CHILD, [str(home), f"{tmp}/x.json", TODAY.isoformat(), period]),
                                     ("sqlite3+json", _SQLITE_EXPORT_CHILD, [str(home / "xfdesk.db"), f"{tmp}/s.json",
                                                                            since, period])):
                out = subprocess.run([sys.executable, *(["-S"] if sys.flags.no_site else []), "-c", code, *argv], capture_output=True, text=True, check=True,
                                     cwd=tmp)  # not the checkout: ``-c`` puts the working folder first on the path
                seconds, rss, n = out.stdout.split()[-3:]
                figures[name].append((float(seconds), float(rss)))
                matters = max(matters, int(n))
        for name, values in figures.items():
            print(f"  导出{'一年' if period == 'year' else '全部'} {name:<14}{mmm([s for s, _ in values], 's')}   峰值 {mmm([m for _, m in values], 'MB')}"
                  f"   {load()}{'   事项 ' + str(matters) + '   目标 ≤5 s，≤150 MB' if name == 'xfdesk export' else ''}",
                  flush=True)


def import_and_demo(root: Path, home: Path, runs: int) -> None:
    from bench_exchange import make_file

    from xfdesk.domain.glossary import Role
    from xfdesk.services.context import Operator, open_context
    from xfdesk.services.exchange import import_exchange

    meta = json.loads((home / "bench_meta.json").read_text(encoding="utf-8"))
    if meta.get("demo_seconds"):
        print(f"  演示数据写入 {meta['demo_seconds'] / meta['demo_matters'] * 1000:.2f} ms/事项"
              f"（生成 {meta['demo_matters']} 件时记录）   目标 ≤1 ms/事项")
    document = make_file(300, 7)
    per_contact = []
    for n in range(runs):
        with tempfile.TemporaryDirectory() as tmp:
            copy = Path(tmp) / "office"
            shutil.copytree(home, copy)
            ctx = open_context(copy, clock=lambda: TODAY)
            started = time.perf_counter()
            import_exchange(ctx, Operator("基准", Role.HEAD), json.loads(json.dumps(document)))
            per_contact.append((time.perf_counter() - started) * 1000 / 300)
            ctx.db.dispose()
        if n == 0 and runs > 1:
            continue
    print(f"  导入 300 条来访（每条）       {mmm(per_contact)}   {load()}   目标 ≤0.5 ms/条", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--root", type=Path, default=Path("/tmp/xfdesk-bench-offices"))
    parser.add_argument("--sizes", default=",".join(str(s) for s in SIZES))
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--queries", type=int, default=20, help="每种搜索取多少个查询")
    parser.add_argument("--only", default="startup,screens,search,export,import", help="要测的部分，逗号分隔")
    args = parser.parse_args()
    parts = set(args.only.split(","))
    import xfdesk

    print(f"代码：{Path(xfdesk.__file__).parent}   CPU {os.cpu_count()}   {dt.datetime.now():%Y-%m-%d %H:%M}")
    sizes = [int(s) for s in args.sizes.split(",")]
    for size in sizes:
        home = ensure(args.root, size)
        meta = json.loads((home / "bench_meta.json").read_text(encoding="utf-8"))
        print(f"\n== {meta['matters']:,} 件事项（{home}）==", flush=True)
        if "startup" in parts:
            startup(home, args.runs)
        if "screens" in parts:
            screens(home, args.runs)
        if "search" in parts:
            search(home, args.queries)
        if "export" in parts:
            export(home, max(1, args.runs // 2))
            if 30_000 < size <= 100_000:  # every year at once: memory must not grow with the file
                export(home, 1, "all")
        if "import" in parts and size == sizes[0]:
            import_and_demo(args.root, home, max(1, args.runs // 2))


if __name__ == "__main__":
    main()
