"""Several desks saving at once: N processes × M registrations on one office database.

    .venv/bin/python benchmarks/bench_desks.py                          # 3 desks × 300 on a new SQLite office
    .venv/bin/python benchmarks/bench_desks.py --desks 3 --per-desk 1000 --postgres URL   # on PostgreSQL

Every desk is its own process (as three PCs, or three browser tabs of ``xfdesk serve``, would be) and saves through
the real registration service. Printed: saves per second, save latency p50/p95/max, and the checks the issue asks
for: duplicate numbers, gaps in the year's sequence, contacts without their matter, and errors a user would have been
shown (a "database is locked" among them). ``tests/test_desks.py`` runs the same function.
"""

from __future__ import annotations

import argparse
import datetime as dt
import multiprocessing as mp
import os
import statistics
import sys
import tempfile
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path

TODAY = dt.date(2026, 11, 21)
REGION = "360735"
SURNAMES = "张王李赵刘陈杨黄周吴"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华"


@dataclass
class DeskResult:
    desk: int
    numbers: list[str] = field(default_factory=list)
    seconds: list[float] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)  # Refused messages (the form would have kept its text)
    errors: list[str] = field(default_factory=list)  # anything else: a bug, or a raw database error


@dataclass
class Figures:
    desks: int
    per_desk: int
    wall_s: float
    numbers: list[str]
    duplicates: int
    gaps: list[int]
    rows: dict[str, int]
    refused: list[str]
    errors: list[str]
    seconds: list[float]

    @property
    def ok(self) -> bool:
        expected = self.desks * self.per_desk
        return (not self.duplicates and not self.gaps and not self.refused and not self.errors
                and len(self.numbers) == expected and self.rows["matter"] == expected
                and self.rows["contact"] == expected)

    def lines(self) -> list[str]:
        s = sorted(self.seconds) or [0.0]
        p95 = s[min(len(s) - 1, round(0.95 * (len(s) - 1)))]
        locked = sum("locked" in e or "busy" in e.lower() for e in self.errors)
        return [
            f"{self.desks} 个接待台 × {self.per_desk} 次登记：共保存 {len(self.numbers)} 件，用时 {self.wall_s:.1f} 秒"
            f"（{len(self.numbers) / self.wall_s:.0f} 件/秒）",
            f"每次保存：p50 {statistics.median(s) * 1000:.1f} ms，p95 {p95 * 1000:.1f} ms，最长 {s[-1] * 1000:.1f} ms",
            f"重复编号 {self.duplicates}，缺号 {len(self.gaps)}，数据库里 来访 {self.rows['contact']} / 事项 "
            f"{self.rows['matter']}，用户看到的“数据库忙”{len(self.refused)}，“database is locked”{locked}，"
            f"其他错误 {len(self.errors) - locked}",
            f"结论：{'全部达标' if self.ok else '未达标'}",
        ]


def id_number(serial: int, desk: int) -> str:
    from xfdesk.domain.validation import id_check_char

    birth = dt.date(1950, 1, 1) + dt.timedelta(days=(serial * 37 + desk * 11) % 18000)
    body = f"{REGION}{birth:%Y%m%d}{(serial * 3 + desk) % 1000:03d}"
    return body + id_check_char(body)


def contact(desk: int, i: int):  # noqa: ANN201
    from xfdesk.domain.records import ContactInput, MatterInput, PetitionerInput

    name = SURNAMES[(i + desk) % len(SURNAMES)] + GIVEN[(i * 7 + desk) % len(GIVEN)] + GIVEN[i % len(GIVEN)]
    number = id_number(i, desk)
    gender = "男" if int(number[16]) % 2 else "女"
    return ContactInput(
        received_at=dt.datetime.combine(TODAY, dt.time(9, 30)), channel="走访", clerk=f"接待台{desk + 1}",
        petitioners=[PetitionerInput(name=name, gender=gender, id_number=number, phone=f"139{desk:02d}{i:06d}",
                                     address="琴江镇大畲村3组", village="大畲村")],
        matters=[MatterInput(summary=f"接待台{desk + 1}第{i + 1}次登记：反映宅基地边界纠纷", details="详细情况……",
                             category="邻里纠纷", location="大畲村")])


def _desk(home: str, desk: int, count: int, start, out) -> None:  # noqa: ANN001
    result = DeskResult(desk)
    try:
        from xfdesk.domain.errors import Refused
        from xfdesk.services.context import Operator, open_context
        from xfdesk.services.registration import register_contact

        ctx = open_context(home, clock=lambda: TODAY)
        operator = Operator(f"接待台{desk + 1}")
        start.wait()
        for i in range(count):
            began = time.perf_counter()
            try:
                result.numbers += register_contact(ctx, operator, contact(desk, i)).numbers
            except Refused as exc:
                result.refused.append(str(exc))
            except Exception as exc:  # noqa: BLE001  (counted: a user would have seen it)
                result.errors.append(f"{type(exc).__name__}: {exc}")
            result.seconds.append(time.perf_counter() - began)
        ctx.db.dispose()
    except Exception:  # noqa: BLE001
        result.errors.append(traceback.format_exc())
    out.put(result)


def run_desks(home: Path, desks: int, per_desk: int, *, database_url: str | None = None) -> Figures:
    """Create the office (once), start ``desks`` processes that each register ``per_desk`` contacts as fast as the
    service allows, all released at the same moment, and check what the database holds afterwards."""
    before = os.environ.get("XFDESK_DATABASE_URL")
    try:
        return _run_desks(home, desks, per_desk, database_url)
    finally:  # the caller's environment as it was (a test process goes on to other tests)
        if before is None:
            os.environ.pop("XFDESK_DATABASE_URL", None)
        else:
            os.environ["XFDESK_DATABASE_URL"] = before


def _run_desks(home: Path, desks: int, per_desk: int, database_url: str | None) -> Figures:
    from sqlalchemy import text

    from xfdesk.domain.numbering import MATTER_SERIES
    from xfdesk.services.context import open_context

    if database_url:
        os.environ["XFDESK_DATABASE_URL"] = database_url  # the spawned desks inherit it
    ctx = open_context(home, clock=lambda: TODAY)
    with ctx.db.read() as s:
        before = s.execute(text("SELECT count(*) FROM matter WHERE year = :y"), {"y": TODAY.year}).scalar()
    spawn = mp.get_context("spawn")
    start, out = spawn.Event(), spawn.Queue()
    workers = [spawn.Process(target=_desk, args=(str(home), d, per_desk, start, out)) for d in range(desks)]
    for w in workers:
        w.start()
    time.sleep(1.0)  # let every desk open the database before the start signal
    began = time.perf_counter()
    start.set()
    results = [out.get(timeout=1800) for _ in workers]
    wall = time.perf_counter() - began
    for w in workers:
        w.join(timeout=60)
    numbers = [n for r in results for n in r.numbers]
    with ctx.db.read() as s:
        seqs = [r[0] for r in s.execute(text("SELECT seq FROM matter WHERE year = :y ORDER BY seq"),
                                        {"y": TODAY.year})]
        last = s.execute(text("SELECT last FROM numberseries WHERE series = :s AND year = :y"),
                         {"s": MATTER_SERIES, "y": TODAY.year}).scalar()
        rows = {t: s.execute(text(f"SELECT count(*) FROM {t}")).scalar() for t in ("contact", "matter")}
    ctx.db.dispose()
    present = set(seqs)
    gaps = [n for n in range(1, (last or 0) + 1) if n not in present]
    rows = {"contact": rows["contact"], "matter": len(seqs) - before}
    return Figures(desks=desks, per_desk=per_desk, wall_s=wall, numbers=numbers,
                   duplicates=len(numbers) - len(set(numbers)) + len(seqs) - len(present), gaps=gaps, rows=rows,
                   refused=[m for r in results for m in r.refused], errors=[e for r in results for e in r.errors],
                   seconds=[t for r in results for t in r.seconds])


def main() -> None:
    parser = argparse.ArgumentParser(description="多个接待台同时登记")
    parser.add_argument("--desks", type=int, default=3)
    parser.add_argument("--per-desk", type=int, default=300)
    parser.add_argument("--home", type=Path, help="数据文件夹（默认新建临时文件夹）")
    parser.add_argument("--postgres", metavar="URL", help="在这个 PostgreSQL 数据库上测（空库）")
    args = parser.parse_args()
    home = args.home or Path(tempfile.mkdtemp(prefix="xfdesk-desks-"))
    figures = run_desks(home, args.desks, args.per_desk, database_url=args.postgres)
    print(f"数据库：{'PostgreSQL' if args.postgres else 'SQLite ' + str(home / 'xfdesk.db')}")
    for line in figures.lines():
        print(line)
    for message in (figures.refused + figures.errors)[:5]:
        print("  例：" + message.splitlines()[-1])
    sys.exit(0 if figures.ok else 1)


if __name__ == "__main__":
    main()
