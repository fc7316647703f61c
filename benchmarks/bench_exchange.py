"""Exchange-file benchmark (issue 16): the year export and the import, each next to its baseline in the same run.

    .venv/bin/python benchmarks/bench_exchange.py --office /tmp/offices/office-10k        # export of that office
    .venv/bin/python benchmarks/bench_exchange.py --root /tmp/offices --sizes 10000,100000  # offices.py builds them
    .venv/bin/python benchmarks/bench_exchange.py --contacts 3000 --runs 3                 # import only

Export: ``export_to_file`` of the whole office (every year) vs the baseline, plain ``sqlite3`` reading the same
columns a page of contacts at a time and writing each contact with ``json.dumps`` (compact: the C encoder).
Import: ``import_exchange`` of a generated file (one transaction, validation included) vs the baseline, the same
rows as plain ``sqlite3`` executemany INSERTs (no validation, no numbering, no clocks worked out) into an empty office.
Every measurement runs in a fresh process: its wall time and that process's peak resident memory (``ru_maxrss``).
Each line gives min / median / max over ``--runs`` and the load average (1 min) of the machine before each run.
Targets: export ≤ 5 s and ≤ 150 MB at 100,000 matters, flat in size; import ≤ 0.5 ms per contact.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TODAY = dt.date(2026, 11, 21)
CATEGORIES = ["城乡建设", "涉农", "征地拆迁", "劳动社保", "邻里纠纷", "婚恋家庭", "其他"]
VILLAGES = ["大畲村", "琴江村", "古樟村", "丰山村", "桐江村"]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华"


def make_file(contacts: int, seed: int) -> dict:
    from xfdesk.domain.validation import id_check_char
    from xfdesk.services.exchange import FORMAT

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


# -- one measurement (run in a child process) ------------------------------------------------------------------------
def _head():  # noqa: ANN202
    from xfdesk.domain.glossary import Role
    from xfdesk.services.context import Operator

    return Operator("基准测试", Role.HEAD)


def export_xfdesk(home: Path, out: Path) -> dict:
    from xfdesk.services.context import open_context
    from xfdesk.services.exchange import export_to_file

    ctx = open_context(home, clock=lambda: TODAY)
    started = time.perf_counter()
    result = export_to_file(ctx, _head(), out)
    return {"seconds": time.perf_counter() - started, "contacts": result.contacts, "matters": result.matters}


def export_sqlite3(home: Path, out: Path) -> dict:
    """The baseline: the same columns, a page of contacts at a time, one compact json.dumps per contact."""
    started = time.perf_counter()
    con = sqlite3.connect(home / "xfdesk.db")
    units = dict(con.execute("SELECT id, name FROM unit"))
    contacts = matters_n = 0
    after = ("", 0)
    with out.open("w", encoding="utf-8") as f:
        f.write('{"format": "xfdesk-exchange/1", "contacts": [')
        while True:
            page = con.execute("SELECT id, received_at, channel, headcount, clerk, note FROM contact "
                               "WHERE received_at >= ? AND (received_at, id) > (?, ?) ORDER BY received_at, id "
                               "LIMIT 500", (after[0], after[0], after[1])).fetchall()
            if not page:
                break
            after = (page[-1][1], page[-1][0])
            ids = ",".join(str(r[0]) for r in page)
            people: dict[int, list] = {}
            for r in con.execute("SELECT cp.contact_id, cp.representative, p.name, p.gender, p.id_number, p.phone, "
                                 "p.address, p.village FROM contactpetitioner cp JOIN petitioner p "
                                 f"ON p.id = cp.petitioner_id WHERE cp.contact_id IN ({ids}) "
                                 "ORDER BY cp.contact_id, cp.position"):
                people.setdefault(r[0], []).append(r[1:])
            matters: dict[int, list] = {}
            for r in con.execute("SELECT contact_id, id, number, summary, details, category, location, kind, status, "
                                 f"received_on, unit_id FROM matter WHERE contact_id IN ({ids}) "
                                 "ORDER BY contact_id, id"):
                matters.setdefault(r[0], []).append(r)
            mids = ",".join(str(m[1]) for ms in matters.values() for m in ms)
            children: dict[str, dict[int, list]] = {"d": {}, "e": {}, "o": {}}
            for key, sql in (("d", "SELECT matter_id, name, due_on, state FROM deadline"),
                             ("e", "SELECT matter_id, at, actor, action, from_status, to_status, note FROM event"),
                             ("o", "SELECT matter_id, kind, number_text, issued_at, void FROM document")):
                for r in con.execute(f"{sql} WHERE matter_id IN ({mids}) ORDER BY matter_id, id"):
                    children[key].setdefault(r[0], []).append(r[1:])
            for c in page:
                out_matters = [{"number": m[2], "summary": m[3], "details": m[4], "category": m[5],
                                "location": m[6], "kind": m[7], "status": m[8], "received_on": m[9],
                                "unit": units.get(m[10]),
                                "deadlines": {d[0]: d[1] for d in children["d"].get(m[1], []) if d[2] != "cancelled"},
                                "events": [dict(zip(("time", "actor", "action", "from", "to", "note"), e,
                                                    strict=True)) for e in children["e"].get(m[1], [])],
                                "documents": [dict(zip(("kind", "number", "issued_at", "void"), d, strict=True))
                                              for d in children["o"].get(m[1], [])]}
                               for m in matters.get(c[0], [])]
                f.write(("," if contacts else "") + json.dumps({
                    "received_at": c[1], "channel": c[2], "headcount": c[3], "clerk": c[4], "note": c[5],
                    "petitioners": [dict(zip(("representative", "name", "gender", "id_number", "phone", "address",
                                              "village"), p, strict=True)) for p in people.get(c[0], [])],
                    "matters": out_matters}, ensure_ascii=False))
                contacts += 1
                matters_n += len(out_matters)
        f.write("]}\n")
    return {"seconds": time.perf_counter() - started, "contacts": contacts, "matters": matters_n}


def import_xfdesk(home: Path, file: Path) -> dict:
    from xfdesk.services.context import open_context
    from xfdesk.services.exchange import import_exchange

    ctx = open_context(home, clock=lambda: TODAY)
    started = time.perf_counter()
    result = import_exchange(ctx, _head(), file)
    return {"seconds": time.perf_counter() - started, "contacts": result.contacts, "matters": result.matters}


def import_sqlite3(home: Path, file: Path) -> dict:
    """The baseline: the file's rows as plain executemany INSERTs in one transaction (people not matched, numbers
    and due dates not worked out: the cost of the writes alone, search index triggers included)."""
    from xfdesk.services.context import open_context

    open_context(home, clock=lambda: TODAY).db.dispose()  # an empty office (its schema and triggers)
    started = time.perf_counter()
    document = json.loads(file.read_text(encoding="utf-8"))
    con = sqlite3.connect(home / "xfdesk.db", isolation_level=None)
    con.execute("BEGIN IMMEDIATE")
    stamp = "2026-11-21 09:00:00.000000"
    people, contacts, links, matters, clocks, events = [], [], [], [], [], []
    matter_id = 0
    for i, c in enumerate(document["contacts"], 1):
        at = c["received_at"][:19].replace("T", " ") + ".000000"
        contacts.append((i, at, c["channel"], c["headcount"], c["clerk"], "", stamp))
        p = c["petitioners"][0]
        people.append((i, p["name"], "", p.get("id_number"), p.get("phone"), p["address"], p["village"], stamp))
        links.append((i, i, 1, 0))
        for m in c["matters"]:
            matter_id += 1
            matters.append((matter_id, f"XF-2026-{matter_id:06d}", 2026, matter_id, i, i, m["summary"], m["details"],
                            m["category"], m["location"], at[:10], stamp, stamp))
            clocks.extend([(matter_id, "notice", "window", at[:10], at[:10]), (matter_id, "dispatch", "duty",
                                                                              at[:10], at[:10])])
            events.append((matter_id, i, at, "基准测试", "head", "register", "registered", m["summary"],
                           '{"channel": "走访"}'))
    con.executemany("INSERT INTO petitioner (id, name, name_initials, id_number, phone, address, village, "
                    "is_organisation, note, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, 0, '', ?)", people)
    con.executemany("INSERT INTO contact (id, received_at, channel, headcount, clerk, note, created_at) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?)", contacts)
    con.executemany("INSERT INTO contactpetitioner VALUES (?, ?, ?, ?)", links)
    con.executemany("INSERT INTO matter (id, number, year, seq, contact_id, petitioner_id, summary, details, category,"
                    " location, status, received_on, is_group, is_repeat, is_skip_level, is_litigation, "
                    "is_restricted, is_urgent, is_threat, is_fast_track, route_reason, route_basis, forwarded_to, "
                    "extension_days, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'registered', ?, "
                    "0, 0, 0, 0, 0, 0, 0, 0, '', '', '', 0, ?, ?)", matters)
    con.executemany("INSERT INTO deadline (matter_id, name, kind, start_on, due_on, state, extension_days, "
                    "paused_days, assumed, basis) VALUES (?, ?, ?, ?, ?, 'open', 0, 0, 0, '')", clocks)
    con.executemany("INSERT INTO event (matter_id, contact_id, at, actor, role, action, to_status, note, data) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", events)
    con.execute("COMMIT")
    return {"seconds": time.perf_counter() - started, "contacts": len(contacts), "matters": len(matters)}


STEPS = {"export_xfdesk": export_xfdesk, "export_sqlite3": export_sqlite3, "import_xfdesk": import_xfdesk,
         "import_sqlite3": import_sqlite3}


def _child(step: str, a: str, b: str) -> None:
    figures = STEPS[step](Path(a), Path(b))
    figures["rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e3
    print(json.dumps(figures))


def _run(step: str, a: Path, b: Path) -> dict:
    load = os.getloadavg()[0]
    done = subprocess.run([sys.executable, __file__, "--child", step, str(a), str(b)], capture_output=True,
                          text=True, check=True)
    return {**json.loads(done.stdout.strip().splitlines()[-1]), "load": load}


def _line(label: str, runs: list[dict], per: int | None = None, unit: str = "s") -> str:
    seconds = sorted(r["seconds"] for r in runs)
    scale, shown = (1000 / per, "ms/条") if per else (1, unit)
    figures = "/".join(f"{s * scale:.2f}" for s in (seconds[0], statistics.median(seconds), seconds[-1]))
    rss = max(r["rss_mb"] for r in runs)
    loads = ",".join(f"{r['load']:.1f}" for r in runs)
    return f"  {label:<28} {figures} {shown} (min/中位/max)  峰值内存 {rss:6.1f} MB  负载 {loads}"


def bench_export(home: Path, runs: int, tmp: Path) -> None:
    mine, base = [], []
    out = tmp / "export.json"
    for _ in range(runs):
        mine.append(_run("export_xfdesk", home, out))
        size = out.stat().st_size / 1e6
        base.append(_run("export_sqlite3", home, tmp / "baseline.json"))
    print(f"导出 {home.name}：来访记录 {mine[0]['contacts']} 条，诉求 {mine[0]['matters']} 项，文件 {size:.1f} MB")
    print(_line("xfdesk export", mine))
    print(_line("sqlite3 + json.dumps（基线）", base))
    ratio = statistics.median(r["seconds"] for r in mine) / statistics.median(r["seconds"] for r in base)
    print(f"  倍数（中位）{ratio:.2f}×")


def bench_import(contacts: int, runs: int, tmp: Path, seed: int) -> None:
    file = tmp / f"in-{contacts}.json"
    file.write_text(json.dumps(make_file(contacts, seed), ensure_ascii=False), encoding="utf-8")
    mine, base = [], []
    for i in range(runs):
        for label, target in (("import_xfdesk", mine), ("import_sqlite3", base)):
            home = tmp / f"{label}-{i}"
            target.append(_run(label, home, file))
            shutil.rmtree(home, ignore_errors=True)
    print(f"导入 {contacts} 条来访记录（诉求 {mine[0]['matters']} 项）")
    print(_line("xfdesk import", mine, per=contacts))
    print(_line("sqlite3 executemany（基线）", base, per=contacts))
    ratio = statistics.median(r["seconds"] for r in mine) / statistics.median(r["seconds"] for r in base)
    print(f"  倍数（中位）{ratio:.2f}×")


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        _child(*sys.argv[2:5])
        return
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--office", type=Path, action="append", default=[], help="an office folder to export")
    parser.add_argument("--root", type=Path, help="offices.py's folder (built there when missing)")
    parser.add_argument("--sizes", default="", help="office sizes under --root, e.g. 10000,100000")
    parser.add_argument("--contacts", type=int, nargs="*", default=[3000], help="import file sizes")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    offices = list(args.office)
    if args.root and args.sizes:
        sys.path.insert(0, str(Path(__file__).parent))
        from offices import ensure

        offices += [ensure(args.root, int(s)) for s in args.sizes.split(",")]
    print(f"{dt.datetime.now():%Y-%m-%d %H:%M}  {os.cpu_count()} 核  负载 {os.getloadavg()[0]:.1f}")
    with tempfile.TemporaryDirectory(prefix="xfdesk-bench-exchange-") as tmp:
        for home in offices:
            bench_export(home, args.runs, Path(tmp))
        for n in args.contacts:
            bench_import(n, args.runs, Path(tmp), args.seed)


if __name__ == "__main__":
    main()
