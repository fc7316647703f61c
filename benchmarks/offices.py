"""Demo offices for the benchmarks, built once and reused: a demo year, grown into older archived years.

    .venv/bin/python benchmarks/offices.py --root /tmp/i16-offices            # 3k, 10k, 100k, 300k
    .venv/bin/python benchmarks/offices.py --root /tmp/i16-offices --sizes 3000,10000

A size up to ``--demo-max`` (default 10,000) is a demo office of that many matters written through the real
services (``xfdesk demo``: one year of visits with their whole handling history). A bigger one is a copy of the
largest demo office grown backwards by whole archived years: year k before is the demo year again with every date
k years earlier, new people (other ID numbers and phones, the same names: names repeat in a county), new numbers,
every matter archived and every clock ended. That is what a county office that has used the program for years looks
like: one live year, many closed ones. Copies are made with ``INSERT … SELECT`` and the search index rebuilt once.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import shutil
import sqlite3
import sys
import time
from pathlib import Path

TODAY = dt.date(2026, 11, 21)
SIZES = (3_000, 10_000, 100_000, 300_000)
META = "bench_meta.json"
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def office_dir(root: Path, matters: int) -> Path:
    return root / f"office-{matters // 1000}k"


def _meta(home: Path) -> dict | None:
    path = home / META
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else None


def build_demo(home: Path, matters: int, seed: int = 1) -> dict:
    from xfdesk.services.context import open_context
    from xfdesk.services.demo import generate_demo

    if home.exists():
        shutil.rmtree(home)
    ctx = open_context(home, clock=lambda: TODAY)
    started = time.perf_counter()
    generate_demo(ctx, matters=matters, seed=seed)
    seconds = time.perf_counter() - started
    ctx.db.dispose()
    meta = {"matters": matters, "seed": seed, "demo_matters": matters, "demo_seconds": round(seconds, 1),
            "created": dt.datetime.now().isoformat(timespec="seconds")}
    (home / META).write_text(json.dumps(meta), encoding="utf-8")
    return meta


def _shift_id_number(value: str | None, k: int) -> str | None:
    """The same person's ID number with the birth date k days later (a different, valid number)."""
    if not value or len(value) != 18 or not value[:17].isdigit():
        return value
    try:
        birth = dt.datetime.strptime(value[6:14], "%Y%m%d").date() + dt.timedelta(days=k)
    except ValueError:
        return value
    body = f"{value[:6]}{birth:%Y%m%d}{value[14:17]}"
    return body + "10X98765432"[sum(int(c) * w for c, w in zip(body, _ID_WEIGHTS, strict=True)) % 11]


def _shift_phone(value: str | None, k: int) -> str | None:
    if not value or len(value) != 11 or not value.isdigit():
        return value
    return value[:3] + f"{(int(value[3:]) + k * 7_919_113) % 10 ** 8:08d}"


def grow(source: Path, home: Path, matters: int) -> dict:
    """Copy the demo office ``source`` to ``home`` and add archived years until it holds ``matters`` matters."""
    from sqlalchemy import create_engine

    from xfdesk.storage import search_sqlite

    base = _meta(source)
    if base is None:
        sys.exit(f"{source} 不是演示数据文件夹")
    if home.exists():
        shutil.rmtree(home)
    shutil.copytree(source, home)
    started = time.perf_counter()
    db = home / "xfdesk.db"
    con = sqlite3.connect(db, isolation_level=None)
    con.create_function("shift_id", 2, _shift_id_number, deterministic=True)
    con.create_function("shift_phone", 2, _shift_phone, deterministic=True)
    con.execute("PRAGMA cache_size = -262144")
    top = {t: con.execute(f"SELECT coalesce(max(id), 0) FROM {t}").fetchone()[0]
           for t in ("petitioner", "contact", "matter", "deadline", "event", "document", "followup", "review",
                     "clockpause")}
    first_year = con.execute("SELECT min(year) FROM matter").fetchone()[0]
    first_year_last_seq = con.execute("SELECT max(seq) FROM matter WHERE year = ?", (first_year,)).fetchone()[0]
    have = con.execute("SELECT count(*) FROM matter").fetchone()[0]
    years = -(-(matters - have) // have)
    con.execute("BEGIN")
    for trigger in ("petitioner_search_ai", "matter_search_ai"):
        con.execute(f"DROP TRIGGER {trigger}")

    def ts(column: str, k: int) -> str:  # a stored datetime k years earlier, keeping its stored format
        return f"(datetime({column}, '-{k} years') || substr({column}, 20))"

    def day(column: str, k: int) -> str:
        return f"date({column}, '-{k} years')"

    for k in range(1, years + 1):
        o = {t: k * n for t, n in top.items()}
        con.execute(f"""INSERT INTO petitioner (id, name, name_initials, gender, id_number, phone, address, village,
                        is_organisation, note, created_at)
                        SELECT id + {o['petitioner']}, name, name_initials, gender, shift_id(id_number, {k}),
                        shift_phone(phone, {k}), address, village, is_organisation, note, {ts('created_at', k)}
                        FROM petitioner WHERE id <= {top['petitioner']}""")
        con.execute(f"""INSERT INTO contact (id, received_at, channel, headcount, clerk, note, reception_day_id,
                        created_at) SELECT id + {o['contact']}, {ts('received_at', k)}, channel, headcount, clerk,
                        note, NULL, {ts('created_at', k)} FROM contact WHERE id <= {top['contact']}""")
        con.execute(f"""INSERT INTO contactpetitioner (contact_id, petitioner_id, representative, position)
                        SELECT contact_id + {o['contact']}, petitioner_id + {o['petitioner']}, representative,
                        position FROM contactpetitioner WHERE contact_id <= {top['contact']}""")
        seq = f"(seq + CASE WHEN year = {first_year} THEN 0 ELSE {first_year_last_seq} END)"
        con.execute(f"""INSERT INTO matter (id, number, year, seq, contact_id, petitioner_id, summary, details,
                        category, location, kind, status, received_on, is_group, is_repeat, is_skip_level,
                        is_litigation, is_restricted, is_urgent, is_threat, is_fast_track, repeat_of_id, unit_id,
                        leader_id, route, route_reason, route_basis, forwarded_to, reply_result, extension_days,
                        due_on, closed_on, created_at, updated_at) SELECT id + {o['matter']},
                        printf('XF-%d-%06d', year - {k}, {seq}), year - {k}, {seq},
                        contact_id + {o['contact']}, petitioner_id + {o['petitioner']}, summary, details, category,
                        location, kind, 'archived', {day('received_on', k)}, is_group, is_repeat, is_skip_level,
                        is_litigation, is_restricted, is_urgent, is_threat, is_fast_track,
                        repeat_of_id + {o['matter']}, unit_id, leader_id, route, route_reason, route_basis,
                        forwarded_to, reply_result, extension_days, NULL,
                        coalesce({day('closed_on', k)}, date(received_on, '-{k} years', '+75 days')),
                        {ts('created_at', k)}, {ts('updated_at', k)} FROM matter WHERE id <= {top['matter']}""")
        con.execute(f"""INSERT INTO deadline SELECT id + {o['deadline']}, matter_id + {o['matter']}, name, kind,
                        {day('start_on', k)}, {day('due_on', k)},
                        CASE state WHEN 'open' THEN 'met' ELSE state END,
                        coalesce({day('ended_on', k)}, {day('due_on', k)}), coalesce(on_time, 1), extension_days,
                        paused_days, assumed, basis FROM deadline WHERE id <= {top['deadline']}""")
        con.execute(f"""INSERT INTO event SELECT id + {o['event']}, matter_id + {o['matter']},
                        contact_id + {o['contact']}, {ts('at', k)}, actor, role, action, from_status, to_status,
                        note, data FROM event WHERE id <= {top['event']} AND matter_id IS NOT NULL""")
        con.execute(f"""INSERT INTO document (id, kind, number_text, year, seq, matter_id, reception_day_id,
                        unit_id, file_path, operator, issued_at, void, void_reason, rendered_values)
                        SELECT id + {o['document']}, kind, number_text, year - {k},
                        seq + {k * 1_000_000}, matter_id + {o['matter']}, NULL, unit_id, file_path, operator,
                        {ts('issued_at', k)}, void, void_reason, rendered_values FROM document
                        WHERE id <= {top['document']} AND matter_id IS NOT NULL""")
        con.execute(f"""INSERT INTO followup SELECT id + {o['followup']}, matter_id + {o['matter']},
                        {day('"on"', k)}, method, satisfaction, note, clerk FROM followup
                        WHERE id <= {top['followup']}""")
        con.execute(f"""INSERT INTO review SELECT id + {o['review']}, matter_id + {o['matter']}, level,
                        {day('requested_on', k)}, body, {day('concluded_on', k)}, result, note FROM review
                        WHERE id <= {top['review']}""")
        con.execute(f"""INSERT INTO clockpause SELECT id + {o['clockpause']}, matter_id + {o['matter']},
                        {day('started_on', k)}, coalesce({day('ended_on', k)}, {day('started_on', k)}), reason
                        FROM clockpause WHERE id <= {top['clockpause']}""")
        print(f"  {home.name}: 第{k}/{years}年", file=sys.stderr, flush=True)
    for year, last in con.execute("SELECT year, max(seq) FROM matter GROUP BY year").fetchall():
        con.execute("INSERT INTO numberseries (series, year, last) VALUES ('matter', ?, ?) "
                    "ON CONFLICT (series, year) DO UPDATE SET last = max(last, excluded.last)", (year, last))
    con.execute("COMMIT")
    con.close()
    engine = create_engine(f"sqlite:///{db}")
    with engine.begin() as conn:
        search_sqlite.create_index(conn)  # the insert triggers again
        search_sqlite.rebuild_index(conn)
        search_sqlite.refresh_statistics(conn)
    engine.dispose()
    total = sqlite3.connect(db).execute("SELECT count(*) FROM matter").fetchone()[0]
    meta = {**base, "matters": total, "archived_years": years, "grown_from": str(source),
            "grow_seconds": round(time.perf_counter() - started, 1),
            "created": dt.datetime.now().isoformat(timespec="seconds")}
    (home / META).write_text(json.dumps(meta), encoding="utf-8")
    return meta


def ensure(root: Path, matters: int, *, demo_max: int = 10_000, seed: int = 1) -> Path:
    """The office of about ``matters`` matters under ``root``, built if missing (reused otherwise)."""
    home = office_dir(root, matters)
    meta = _meta(home)
    if meta and meta.get("seed") == seed and (meta["matters"] == matters or meta.get("grown_from")
                                              and meta["matters"] >= matters):
        return home
    if matters <= demo_max:
        build_demo(home, matters, seed)
    else:
        grow(ensure(root, demo_max, demo_max=demo_max, seed=seed), home, matters)
    return home


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--root", type=Path, default=Path("/tmp/xfdesk-bench-offices"))
    parser.add_argument("--sizes", default=",".join(str(s) for s in SIZES))
    parser.add_argument("--demo-max", type=int, default=10_000)
    args = parser.parse_args()
    for size in (int(s) for s in args.sizes.split(",")):
        home = ensure(args.root, size, demo_max=args.demo_max)
        print(f"{home}: {json.dumps(_meta(home), ensure_ascii=False)}")


if __name__ == "__main__":
    main()
