"""Reports benchmark (issue 14): the month report, the 12-month trend and the XLSX 台账 export of a year on a large
office.

    .venv/bin/python benchmarks/bench_reports.py --home /tmp/bench100k --reuse      # 100,000 matters (default)
    .venv/bin/python benchmarks/bench_reports.py --matters 20000

The office is the demo generator's (bench_search.build: same seed, same data; reused when the folder already holds
one of that size). Prints, best of --repeat runs: the month report (every table of ``period_report``, as the CLI and
the F7 screen build it), the XLSX of that report, the trend of the statistics screen, the year's 台账 export
(rows, seconds, file size) and the process's peak resident memory (ru_maxrss, monotonic).
Targets (issue 14): month report ≤ 2 s, export of a year ≤ 10 s, memory ≤ 200 MB.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_search import TODAY, build  # noqa: E402

from xfdesk.domain.glossary import Role  # noqa: E402
from xfdesk.domain.statistics import Period, month_period  # noqa: E402
from xfdesk.services.context import Operator, open_context  # noqa: E402

HEAD = Operator("基准测试", Role.HEAD)


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def best(fn, repeat: int) -> tuple[float, object]:  # noqa: ANN001
    times, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - started)
    return min(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description="信访接待台报表性能测试")
    parser.add_argument("--home", type=Path, help="数据文件夹（默认临时文件夹）")
    parser.add_argument("--reuse", action="store_true", help="文件夹里已有同样规模的数据库时直接复用")
    parser.add_argument("--matters", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=3, help="每项重复次数，取最好的一次（排除机器繁忙的干扰）")
    parser.add_argument("--month", default="2026-10", help="月报的月份（默认 2026-10，数据截至 2026-11-21）")
    args = parser.parse_args()
    home = args.home or Path(tempfile.mkdtemp(prefix="xfdesk-bench-reports-"))
    meta = build(home, args.matters, args.seed, args.reuse)
    ctx = open_context(home, clock=lambda: TODAY)  # migrates an older benchmark office (e.g. 查询码) first
    from xfdesk.services.ledger_xlsx import export_ledger
    from xfdesk.services.report_xlsx import write_report_xlsx
    from xfdesk.services.reports import period_report, trend

    period = month_period(args.month)
    load = os.getloadavg()
    print(f"办公室：{meta['matters']} 项事项，{meta.get('contacts', '?')} 次来访（{home}）")
    print(f"机器负载（1/5/15 分钟）：{load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f}，{os.cpu_count()} 核")
    seconds, report = best(lambda: period_report(ctx, HEAD, period), args.repeat)
    print(f"月报 {period.label}：{seconds:.2f} s（目标 ≤ 2 s）；事项 {report.total('信访事项（件）').current} 件，"
          f"按期办结率 {report.rate('按期办结率').text}，排名 {len(report.ranking)} 个单位；峰值内存 {peak_mb():.0f} MB")
    out = Path(tempfile.mkdtemp(prefix="xfdesk-bench-out-"))
    seconds, _ = best(lambda: write_report_xlsx(report, out / "月报.xlsx"), args.repeat)
    print(f"月报 XLSX 写出：{seconds:.2f} s")
    year = Period(dt.date(period.start.year, 1, 1), dt.date(period.start.year + 1, 1, 1))
    seconds, year_report = best(lambda: period_report(ctx, HEAD, year), 1)
    print(f"年报 {year.label}：{seconds:.2f} s；事项 {year_report.total('信访事项（件）').current} 件")
    seconds, _ = best(lambda: trend(ctx, period), args.repeat)
    print(f"统计界面 12 个月趋势：{seconds:.2f} s")
    target = out / "台账.xlsx"
    seconds, result = best(lambda: export_ledger(ctx, HEAD, target, since=year.start, until=year.last_day),
                           args.repeat)
    print(f"台账导出 {year.label}：{result.rows} 行，{seconds:.2f} s（目标 ≤ 10 s），"
          f"{target.stat().st_size / 1e6:.1f} MB；峰值内存 {peak_mb():.0f} MB（目标 ≤ 200 MB）")
    ctx.db.dispose()


if __name__ == "__main__":
    main()
