"""Exchange-file benchmark: import and export of a month-sized and a year-sized file.

    .venv/bin/python benchmarks/bench_exchange.py                 # 500 and 5,000 contacts
    .venv/bin/python benchmarks/bench_exchange.py --contacts 20000

For each size prints: time to validate the whole file (``--check``), time to import it (one transaction),
time to export it again, the export file size, and the process's peak resident memory after each step
(``ru_maxrss``: monotonic, so each figure is the peak so far; tracemalloc would slow the ORM several-fold).
Targets (an old office PC, 4 GB RAM): a year of a township (≈5,000 contacts) imports in under a minute and
exports in under 10 s, with peak memory under 300 MB.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

from xfdesk.domain.glossary import Role
from xfdesk.domain.validation import id_check_char
from xfdesk.services.context import Operator, open_context
from xfdesk.services.exchange import FORMAT, export_to_file, import_exchange

TODAY = dt.date(2026, 11, 21)
HEAD = Operator("基准测试", Role.HEAD)
CATEGORIES = ["城乡建设", "涉农", "征地拆迁", "劳动社保", "邻里纠纷", "婚恋家庭", "其他"]
VILLAGES = ["大畲村", "琴江村", "古樟村", "丰山村", "桐江村"]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华"


def make_file(contacts: int, seed: int) -> dict:
    rng = random.Random(seed)
    people = []
    for i in range(max(1, contacts * 2 // 3)):  # a third of the visits are by people who came before
        birth = dt.date(1940, 1, 1) + dt.timedelta(days=rng.randrange(25000))
        body = f"360735{birth:%Y%m%d}{i % 1000:03d}"
        people.append({"name": rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN),
                       "id_number": body + id_check_char(body), "phone": f"138{rng.randrange(10 ** 8):08d}",
                       "address": f"琴江镇{rng.choice(VILLAGES)}{rng.randrange(1, 12)}组",
                       "village": rng.choice(VILLAGES)})
    start = dt.datetime(2025, 12, 1, 8, 0)
    out = []
    for i in range(contacts):
        when = start + dt.timedelta(minutes=int(i * (350 * 24 * 60) / contacts))
        person = dict(rng.choice(people), representative=True)
        out.append({
            "received_at": when.isoformat() + "+08:00", "channel": rng.choice(["走访", "来信", "来电", "网上"]),
            "headcount": 1, "clerk": "王芳", "petitioners": [person],
            "matters": [{"summary": f"反映第{i}号问题，要求协调解决", "details": "详细情况……" * 20,
                         "category": rng.choice(CATEGORIES), "location": person["village"]}
                        for _ in range(rng.choice((1, 1, 1, 2)))],
        })
    return {"format": FORMAT, "office": "琴江镇信访办", "contacts": out}


def measure(step):  # noqa: ANN001, ANN201
    started = time.perf_counter()
    value = step()
    seconds = time.perf_counter() - started
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # kilobytes on Linux, bytes on macOS
    return value, seconds, peak_kb / (1e6 if sys.platform == "darwin" else 1e3)


def run(contacts: int, seed: int, root: Path) -> None:
    path = root / f"in-{contacts}.json"
    path.write_text(json.dumps(make_file(contacts, seed), ensure_ascii=False), encoding="utf-8")
    ctx = open_context(root / f"home-{contacts}", clock=lambda: TODAY)
    try:
        checked, check_s, check_mb = measure(lambda: import_exchange(ctx, HEAD, path, dry_run=True))
        result, import_s, import_mb = measure(lambda: import_exchange(ctx, HEAD, path))
        target = root / f"out-{contacts}.json"
        exported, export_s, export_mb = measure(lambda: export_to_file(ctx, HEAD, target))
    finally:
        ctx.db.dispose()
    size_mb = target.stat().st_size / 1e6
    print(f"来访记录 {contacts} 条（诉求 {result.matters} 项，新建信访人 {result.petitioners_new} 人）")
    print(f"  检查   {check_s:7.2f} s   进程峰值内存 {check_mb:6.1f} MB")
    print(f"  导入   {import_s:7.2f} s   进程峰值内存 {import_mb:6.1f} MB   每条 {1000 * import_s / contacts:.2f} ms")
    print(f"  导出   {export_s:7.2f} s   进程峰值内存 {export_mb:6.1f} MB   文件 {size_mb:.1f} MB"
          f"（{exported.contacts} 条）")
    assert checked.contacts == result.contacts == exported.contacts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contacts", type=int, nargs="*", default=[500, 5000])
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="xfdesk-bench-exchange-") as tmp:
        for n in args.contacts:
            run(n, args.seed, Path(tmp))


if __name__ == "__main__":
    main()
