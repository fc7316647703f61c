"""Search benchmark: a 100,000-matter demo office, then search latency per query form.

    .venv/bin/python benchmarks/bench_search.py                       # builds in a temporary folder
    .venv/bin/python benchmarks/bench_search.py --home /tmp/xf100k --reuse   # keep and reuse the database

Prints the time to generate the office, the database size, and for each query form the p50/p95 latency of
``xfdesk.services.search.search`` (a clerk's search: people page + matters page) next to the same SQL statements
run directly through the ``sqlite3`` module. Targets: search p95 ≤ 50 ms and ≤ 3× the raw statements.
Also shown for comparison: the portable (PostgreSQL-style LIKE) path and a plain LIKE scan for two-character names,
the case the trigram index cannot serve (what the two-character gram index is for).

    .venv/bin/python benchmarks/bench_search.py --home /tmp/xf100k --reuse --postgres postgresql:///xf100k

measures the same queries on PostgreSQL (the pg_trgm path of ``storage.search_postgres``): an empty database there is
first filled from the SQLite office with ``xfdesk migrate-to``'s service (its time is printed), and "SQL" is then
the same statements run straight through psycopg.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

from xfdesk.domain.glossary import Role
from xfdesk.services.context import Operator, open_context
from xfdesk.services.demo import generate_demo
from xfdesk.services.search import parse_query, search
from xfdesk.storage import search_sqlite

TARGET_P95_MS = 50.0
TARGET_RATIO = 3.0
TODAY = dt.date(2026, 11, 21)
META = "bench_meta.json"


def build(home: Path, matters: int, seed: int, reuse: bool) -> dict:
    meta_path = home / META
    if reuse and meta_path.exists():
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        if meta.get("matters") == matters and meta.get("seed") == seed:
            print(f"复用已有数据库：{home}（生成于 {meta['created']}）")
            return meta
    if (home / "xfdesk.db").exists():
        sys.exit(f"{home} 已有数据库；加 --reuse 复用，或换一个文件夹")
    ctx = open_context(home, clock=lambda: TODAY)
    last = [0.0]

    def progress(done: int, total: int) -> None:
        if time.perf_counter() - last[0] > 10:
            last[0] = time.perf_counter()
            print(f"  生成中 {done}/{total}", file=sys.stderr, flush=True)

    started = time.perf_counter()
    summary = generate_demo(ctx, matters=matters, seed=seed, today=TODAY, progress=progress, batch=1000)
    seconds = time.perf_counter() - started
    ctx.db.dispose()
    meta = {"matters": matters, "seed": seed, "seconds": seconds,
            "created": dt.datetime.now().isoformat(" ", "seconds"),
            "petitioners": summary.petitioners, "contacts": summary.contacts}
    meta_path.write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
    return meta


def sample_queries(db: Path, per_form: int, seed: int) -> dict[str, list[str]]:
    """Queries taken from the generated data itself (real names, IDs, phones, words of real summaries)."""
    rng = random.Random(seed)  # seeded: the same office gives the same queries in every run (runs compare)
    conn = sqlite3.connect(db)

    def draw(table: str, columns: str, count: int) -> list[tuple]:
        ids = [r[0] for r in conn.execute(f"SELECT id FROM {table} ORDER BY id")]
        chosen = rng.sample(ids, min(count, len(ids)))
        by_id = {r[0]: r[1:] for r in conn.execute(
            f"SELECT id, {columns} FROM {table} WHERE id IN (SELECT value FROM json_each(?))", (json.dumps(chosen),))}
        return [by_id[i] for i in chosen]

    people = draw("petitioner", "name, village, id_number, phone, name_initials", per_form * 4)
    summaries = [r[0] for r in draw("matter", "summary", per_form * 2)]
    numbers = [r[0] for r in draw("matter", "number", per_form)]
    conn.close()
    rng.shuffle(people)
    with_id = [p for p in people if p[2]]
    with_phone = [p for p in people if p[3]]

    def words(length: int) -> list[str]:
        out = []
        for s in summaries:
            chars = [i for i in range(len(s) - length + 1) if all('\u4e00' <= c <= '\u9fff' for c in s[i:i + length])]
            if chars:
                i = rng.choice(chars)
                out.append(s[i:i + length])
        return out[:per_form]

    two = [p[0] for p in people if len(p[0]) == 2][:per_form]
    three = [p[0] for p in people if len(p[0]) >= 3][:per_form]
    return {
        "姓名（2字）": two,
        "姓名（3字）": three,
        "姓名+村": [f"{p[0]} {p[1][:2]}" for p in people][:per_form],
        "拼音首字母": [p[4] for p in people if p[4]][:per_form],
        "身份证号": [p[2] for p in with_id][:per_form],
        "身份证前10位": [p[2][:10] for p in with_id][:per_form],
        "电话": [p[3] for p in with_phone][:per_form],
        "电话后4位": [p[3][-4:] for p in with_phone][:per_form],
        "诉求片段（2字）": words(2),
        "诉求片段（4字）": words(4),
        "事项编号": numbers,
    }


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(q * (len(ordered) - 1))))
    return ordered[k]


def raw_search(conn: sqlite3.Connection, query: str, years: range) -> None:
    """The same search straight through ``sqlite3``: the statements of ``storage.search_sqlite`` for one page of
    people and one of matters, without SQLAlchemy, sessions, the people's history or masking."""
    def run(sql: str, params: dict) -> list:
        return conn.execute(sql, params).fetchall()

    q = parse_query(query, years=years)
    people = search_sqlite.people_hits(run, q)
    if people is not None:
        search_sqlite.people_rows(run, people.page(limit=20, offset=0))
    matters = search_sqlite.matters_hits(run, q, see_restricted=False)
    if matters is not None:
        search_sqlite.matter_rows(run, matters.page(limit=20, offset=0))


def time_raw(conn: sqlite3.Connection, statements: list[tuple[str, tuple]]) -> float:
    started = time.perf_counter()
    for sql, params in statements:
        conn.execute(sql, params).fetchall()
    return time.perf_counter() - started


def pg_prepare(home: Path, url: str) -> tuple[float | None, str]:
    """The office in PostgreSQL: migrated from the SQLite office when the database has no matters yet."""
    from sqlalchemy import create_engine, text

    from xfdesk.services.office_move import migrate_office, normalise_url

    url = normalise_url(url)
    engine = create_engine(url)
    with engine.connect() as conn:
        has = conn.execute(text("SELECT to_regclass('matter') IS NOT NULL")).scalar() and conn.execute(
            text("SELECT count(*) FROM matter")).scalar()
    engine.dispose()
    if has:
        return None, url
    ctx = open_context(home, clock=lambda: TODAY)
    print("迁移到 PostgreSQL（xfdesk migrate-to）……", file=sys.stderr, flush=True)
    started = time.perf_counter()
    migrate_office(ctx, Operator("测试", Role.HEAD), url)
    ctx.db.dispose()
    return time.perf_counter() - started, url


def pg_scale(url: str, target: int) -> int:
    """Grow the PostgreSQL office to ``target`` matters by repeating its people, visits and matters with new ids,
    numbers, ID numbers and phones (``--scale-to``: when a real demo office of that size is not at hand). Names,
    villages and texts repeat, as in a bigger town. Returns the number of matters afterwards."""
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.begin() as conn:
        def cols(table: str) -> list[str]:
            return [r[0] for r in conn.execute(text(
                "SELECT column_name FROM information_schema.columns WHERE table_name = :t ORDER BY ordinal_position"),
                {"t": table})]

        count = conn.execute(text("SELECT count(*) FROM matter")).scalar()
        base = {t: conn.execute(text(f"SELECT max(id) FROM {t}")).scalar() for t in ("petitioner", "contact", "matter")}
        base_count, top_seq = count, conn.execute(text("SELECT max(seq) FROM matter")).scalar()
        k = 0
        while count < target:
            k += 1
            po, co, mo, so = k * base["petitioner"], k * base["contact"], k * base["matter"], k * top_seq
            take = min(base_count, target - count)
            over = {"id": f"id + {po}",
                    "id_number": f"CASE WHEN id_number IS NULL THEN NULL ELSE substr(id_number, 1, 14) || "
                                 f"lpad(((substr(id_number, 15, 3)::int + {k * 137}) % 1000)::text, 3, '0') || "
                                 "substr(id_number, 18) END",
                    "phone": f"CASE WHEN phone ~ '^1[0-9]{{10}}$' THEN substr(phone, 1, 3) || "
                             f"lpad(((substr(phone, 4, 4)::int + {k * 1234}) % 10000)::text, 4, '0') || "
                             "substr(phone, 8) ELSE phone END"}
            c = cols("petitioner")
            conn.execute(text(f"INSERT INTO petitioner ({', '.join(c)}) SELECT {', '.join(over.get(x, x) for x in c)} "
                              f"FROM petitioner WHERE id <= {base['petitioner']}"))
            c = cols("contact")
            conn.execute(text(f"INSERT INTO contact ({', '.join(c)}) SELECT "
                              f"{', '.join(f'id + {co}' if x == 'id' else x for x in c)} FROM contact "
                              f"WHERE id <= {base['contact']}"))
            conn.execute(text(f"INSERT INTO contactpetitioner (contact_id, petitioner_id, representative, position) "
                              f"SELECT contact_id + {co}, petitioner_id + {po}, representative, position "
                              f"FROM contactpetitioner WHERE contact_id <= {base['contact']}"))
            over = {"id": f"id + {mo}", "seq": f"seq + {so}",
                    "number": f"'XF-' || year || '-' || lpad((seq + {so})::text, 6, '0')",
                    "contact_id": f"contact_id + {co}", "petitioner_id": f"petitioner_id + {po}",
                    "repeat_of_id": f"repeat_of_id + {mo}",
                    # 查询码 is unique: a copied matter gets its own, from its new id; the '0' never occurs in a
                    # drawn code (its alphabet has no 0/O/1/I/L/U), so the two never meet
                    "query_code": f"CASE WHEN query_code IS NULL THEN NULL "
                                  f"ELSE 'Z0' || lpad((id + {mo})::text, 6, '0') END"}
            c = cols("matter")
            conn.execute(text(f"INSERT INTO matter ({', '.join(c)}) SELECT {', '.join(over.get(x, x) for x in c)} "
                              f"FROM matter WHERE id IN (SELECT id FROM matter WHERE id <= {base['matter']} "
                              f"ORDER BY id LIMIT {take})"))
            count += take
        for t in ("petitioner", "contact", "matter"):
            conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{t}', 'id'), (SELECT max(id) FROM {t}))"))
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE"))
    engine.dispose()
    return count


def pg_raw(url: str):  # noqa: ANN201
    """The statements of ``storage.search_postgres`` straight through psycopg (no SQLAlchemy, no history, no masking)."""
    import psycopg
    from sqlalchemy.engine import make_url

    u = make_url(url)
    conn = psycopg.connect(dbname=u.database, host=u.query.get("host") or u.host, port=u.port, user=u.username,
                           password=u.password)
    cursor = conn.cursor()

    def run(sql: str, params: dict) -> list:
        cursor.execute(sql, params)
        return cursor.fetchall() if cursor.description else []

    def raw(query: str, years: range) -> None:
        from xfdesk.storage import search_postgres

        q = parse_query(query, years=years)
        search_postgres.prepare(run)
        search_postgres.prepare_query(run, q)
        search_postgres.people_page(run, q, limit=20, offset=0)
        search_postgres.matters_page(run, q, see_restricted=False, limit=20, offset=0)

    return conn, raw


def main_postgres(args, home: Path, meta: dict, queries: dict[str, list[str]], years: range) -> None:  # noqa: ANN001
    import os

    from sqlalchemy import text

    migrated, url = pg_prepare(home, args.postgres)
    if args.scale_to and args.scale_to > meta["matters"]:
        meta = {**meta, "matters": pg_scale(url, args.scale_to)}
        print(f"已在 PostgreSQL 中按原办公室的人员与事项复制扩充到 {meta['matters']:,} 件（--scale-to）", file=sys.stderr)
    os.environ["XFDESK_DATABASE_URL"] = url
    ctx = open_context(home / "pg-desk", clock=lambda: TODAY)
    clerk = Operator("王芳", Role.CLERK)
    conn, raw = pg_raw(url)
    with ctx.db.read() as s:
        meta = {**meta, **{k: s.execute(text(f"SELECT count(*) FROM {t}")).scalar() for k, t in (
            ("matters", "matter"), ("petitioners", "petitioner"), ("contacts", "contact"))}}
        version = s.execute(text("SHOW server_version")).scalar()
        size = s.execute(text("SELECT pg_database_size(current_database())")).scalar()
        index = s.execute(text("SELECT coalesce(sum(pg_relation_size(indexrelid)), 0) FROM pg_stat_user_indexes "
                               "WHERE indexrelname LIKE 'ix_search_%'")).scalar()
    search(ctx, "预热", operator=clerk)
    print()
    print(f"PostgreSQL {version}；事项 {meta['matters']:,} 件，信访人 {meta['petitioners']:,} 人，来访 {meta['contacts']:,} 次")
    if migrated is not None:
        print(f"由 SQLite 迁移（xfdesk migrate-to）用时：{migrated:.0f} 秒")
    print(f"数据库大小：{size / 2**20:.1f} MB（其中搜索索引 {index / 2**20:.1f} MB）")
    print()
    print(f"{'查询':<14}{'次数':>5}{'命中率':>7}{'搜索p50':>9}{'搜索p95':>9}{'SQL p50':>9}{'SQL p95':>9}{'倍数':>6}  达标")
    all_ok = True
    for form, items in queries.items():
        if not items:
            continue
        service, direct, hits = [], [], 0
        for text_ in items:
            best_raw = best_service = float("inf")
            for _ in range(args.repeat):
                started = time.perf_counter()
                raw(text_, years)
                conn.rollback()  # one read transaction per search, as the service's session
                best_raw = min(best_raw, time.perf_counter() - started)
                started = time.perf_counter()
                page = search(ctx, text_, operator=clerk)
                best_service = min(best_service, time.perf_counter() - started)
            direct.append(best_raw * 1000)
            service.append(best_service * 1000)
            hits += bool(page.people or page.matters)
        p95, r95 = percentile(service, 0.95), percentile(direct, 0.95)
        ratio = p95 / r95 if r95 else float("inf")
        ok = p95 <= TARGET_P95_MS and (ratio <= TARGET_RATIO or p95 <= 2.0)
        all_ok &= ok
        print(f"{form:<14}{len(items):>5}{hits / len(items):>7.0%}{statistics.median(service):>9.1f}{p95:>9.1f}"
              f"{statistics.median(direct):>9.1f}{r95:>9.1f}{ratio:>6.1f}  {'是' if ok else '否'}")
    print()
    print(f"目标（p95 ≤ {TARGET_P95_MS:.0f} ms 且 ≤ {TARGET_RATIO:.0f}× 直接SQL）：{'全部达标' if all_ok else '未全部达标'}")
    print("（毫秒；“搜索”= search() 一次翻页：信访人一页 + 事项一页 + 信访人的来访统计 + 脱敏；"
          "“SQL”= 同一查询的 SQL 语句经 psycopg 直接执行；每个查询取 --repeat 次中最好的一次；p95 ≤ 2 ms 时不计倍数）")
    conn.close()
    ctx.db.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description="信访接待台搜索性能测试")
    parser.add_argument("--home", type=Path, help="数据文件夹（默认临时文件夹）")
    parser.add_argument("--reuse", action="store_true", help="文件夹里已有同样规模的数据库时直接复用")
    parser.add_argument("--matters", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--queries", type=int, default=60, help="每种查询的次数")
    parser.add_argument("--repeat", type=int, default=3, help="每个查询重复次数，取最好的一次（排除机器繁忙的干扰）")
    parser.add_argument("--portable", type=int, default=10, help="对照：可移植 LIKE 路径每种查询的次数（0 不测）")
    parser.add_argument("--postgres", metavar="URL", help="在 PostgreSQL 上测（空库先由 SQLite 办公室迁入）")
    parser.add_argument("--scale-to", type=int, default=0, metavar="N",
                        help="PostgreSQL：办公室不足 N 件时，复制其人员、来访与事项（新编号、新证件号与电话）扩充到 N 件")
    args = parser.parse_args()

    home = args.home or Path(tempfile.mkdtemp(prefix="xfdesk-bench-"))
    home.mkdir(parents=True, exist_ok=True)
    meta = build(home, args.matters, args.seed, args.reuse)
    db = home / "xfdesk.db"
    if args.postgres:
        with sqlite3.connect(db) as conn:
            years = range(conn.execute("SELECT min(year) FROM matter").fetchone()[0],
                          conn.execute("SELECT max(year) FROM matter").fetchone()[0] + 1)
        main_postgres(args, home, meta, sample_queries(db, args.queries, args.seed), years)
        return
    size = db.stat().st_size + sum(p.stat().st_size for p in home.glob("xfdesk.db-*"))

    ctx = open_context(home, clock=lambda: TODAY)
    clerk = Operator("王芳", Role.CLERK)
    conn = sqlite3.connect(db)
    years = range(conn.execute("SELECT min(year) FROM matter").fetchone()[0],
                  conn.execute("SELECT max(year) FROM matter").fetchone()[0] + 1)
    fts_bytes = sum(r[0] for r in conn.execute(
        "SELECT sum(pgsize) FROM dbstat WHERE name LIKE 'petitioner_fts%' OR name LIKE 'petitioner_grams%' "
        "OR name LIKE 'matter_fts%' OR name LIKE 'matter_grams%'")) if _has_dbstat(conn) else None
    queries = sample_queries(db, args.queries, args.seed)

    search(ctx, "预热", operator=clerk)  # first query opens the connection and loads the index pages
    meta = {**meta, **{k: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for k, t in (
        ("matters", "matter"), ("petitioners", "petitioner"), ("contacts", "contact"))}}  # offices.py: not in meta
    meta.setdefault("seconds", meta.get("demo_seconds", 0) + meta.get("grow_seconds", 0))
    print()
    print(f"事项 {meta['matters']:,} 件，信访人 {meta['petitioners']:,} 人，来访 {meta['contacts']:,} 次")
    print(f"生成用时：{meta['seconds']:.0f} 秒（{meta['seconds'] / meta['matters'] * 1000:.1f} 毫秒/件）")
    print(f"数据库大小：{size / 2**20:.1f} MB" + (f"（其中搜索索引 {fts_bytes / 2**20:.1f} MB）" if fts_bytes else ""))
    print()
    header = f"{'查询':<14}{'次数':>5}{'命中率':>7}{'搜索p50':>9}{'搜索p95':>9}{'SQL p50':>9}{'SQL p95':>9}{'倍数':>6}  达标"
    if args.portable:
        header += f"{'LIKE p95':>10}"
    print(header)
    all_ok = True
    for form, items in queries.items():
        service, raw, hits = [], [], 0
        for text in items:
            # each query REPEAT times, alternating, keeping the best of each: the figure is the query's cost, not
            # the scheduler's (the benchmark machine may be busy with other work)
            best_raw = best_service = float("inf")
            for _ in range(args.repeat):
                started = time.perf_counter()
                raw_search(conn, text, years)
                best_raw = min(best_raw, time.perf_counter() - started)
                started = time.perf_counter()
                page = search(ctx, text, operator=clerk)
                best_service = min(best_service, time.perf_counter() - started)
            raw.append(best_raw * 1000)
            service.append(best_service * 1000)
            hits += bool(page.people or page.matters)
        if not items:
            continue
        p95, r95 = percentile(service, 0.95), percentile(raw, 0.95)
        ratio = p95 / r95 if r95 else float("inf")
        ok = p95 <= TARGET_P95_MS and (ratio <= TARGET_RATIO or p95 <= 2.0)
        all_ok &= ok
        line = (f"{form:<14}{len(items):>5}{hits / len(items):>7.0%}{statistics.median(service):>9.1f}{p95:>9.1f}"
                f"{statistics.median(raw):>9.1f}{r95:>9.1f}{ratio:>6.1f}  {'是' if ok else '否'}")
        if args.portable:
            portable = []
            for text in items[:args.portable]:
                started = time.perf_counter()
                search(ctx, text, operator=clerk, backend="portable")
                portable.append((time.perf_counter() - started) * 1000)
            line += f"{percentile(portable, 0.95):>10.1f}"
        print(line)
    two = queries["姓名（2字）"][:20]
    like = [time_raw(conn, [("SELECT id FROM petitioner WHERE name LIKE ? ORDER BY name LIMIT 20",
                             (f"%{n}%",))]) * 1000 for n in two]
    grams = [time_raw(conn, [("SELECT rowid FROM petitioner_grams WHERE petitioner_grams MATCH ? LIMIT 20",
                              (f'"{n}"',))]) * 1000 for n in two]
    print()
    print(f"对照：2字姓名 LIKE '%张三%' 全表扫描 p95 {percentile(like, 0.95):.1f} ms；"
          f"双字索引 MATCH p95 {percentile(grams, 0.95):.1f} ms")
    print(f"目标（p95 ≤ {TARGET_P95_MS:.0f} ms 且 ≤ {TARGET_RATIO:.0f}× 直接SQL）：{'全部达标' if all_ok else '未全部达标'}")
    print("（毫秒；“搜索”= search() 一次翻页：信访人一页 + 事项一页 + 信访人的来访统计 + 脱敏；"
          "“SQL”= 同一查询的 SQL 语句经 sqlite3 直接执行；每个查询取 --repeat 次中最好的一次；p95 ≤ 2 ms 时不计倍数）")
    print(f"数据文件夹：{home}")
    conn.close()
    ctx.db.dispose()


def _has_dbstat(conn: sqlite3.Connection) -> bool:
    try:
        conn.execute("SELECT 1 FROM dbstat LIMIT 1")
        return True
    except sqlite3.Error:
        return False


if __name__ == "__main__":
    main()
