"""PostgreSQL for an office that outgrew one PC (issue 15 items 4 and 5): ``xfdesk init`` on an empty database, the
PostgreSQL-only search migration (pg_trgm) and its indexes actually used, three desks × 1,000 registrations at once,
the exchange import, and ``xfdesk migrate-to`` moving a whole SQLite office (counters included).

Skipped when no PostgreSQL server is reachable (as ``tests/test_postgres.py``); ``.ci/run`` starts one when it can.
"""

from __future__ import annotations

import datetime as dt
import sys
import uuid
from pathlib import Path

import pytest
from sqlalchemy import create_engine, select, text

from tests.conftest import TODAY, add_test_accounts, make_id_number, sample_contact
from tests.test_postgres import _admin_engine

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))  # spawned desks inherit sys.path


@pytest.fixture
def empty_pg():
    """A new, empty PostgreSQL database (dropped afterwards): its URL."""
    admin = _admin_engine()
    if admin is None:
        pytest.skip("没有可用的 PostgreSQL 服务器")
    name = f"xfdesk_md_{uuid.uuid4().hex[:8]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    yield admin.url.set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _cli(*args: str) -> int:
    from xfdesk.cli.app import run

    return run(list(args))


def test_init_on_an_empty_postgres_database(empty_pg, tmp_path, monkeypatch, capsys):
    from xfdesk.storage import search_postgres
    from xfdesk.storage.db import HEAD_REVISION

    monkeypatch.setenv("XFDESK_DATABASE_URL", empty_pg)
    assert _cli("--home", str(tmp_path / "home"), "init") == 0
    assert "postgresql" in capsys.readouterr().out
    engine = create_engine(empty_pg)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == HEAD_REVISION
        assert conn.execute(text("SELECT count(*) FROM pg_extension WHERE extname = 'pg_trgm'")).scalar() == 1
        assert search_postgres.has_index(conn)
        assert conn.execute(text("SELECT count(*) FROM unit")).scalar() > 0  # reference data synced
    engine.dispose()
    assert _cli("--home", str(tmp_path / "home"), "init") == 0  # again: nothing to do, nothing breaks


def test_models_and_migrations_agree_on_postgres(empty_pg):
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext
    from sqlmodel import SQLModel

    from xfdesk.storage import search_postgres
    from xfdesk.storage.db import Database, upgrade

    db = Database(empty_pg)
    upgrade(db)
    with db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), SQLModel.metadata)
    # the search indexes are PostgreSQL's own (revision 0003), not models
    diff = [d for d in diff if not (d[0] == "remove_index" and d[1].name.startswith(search_postgres.INDEX_PREFIX))]
    assert diff == []
    db.dispose()


def test_the_search_revision_goes_down_and_up_again(empty_pg):
    from alembic import command

    from xfdesk.storage import search_postgres
    from xfdesk.storage.db import Database, HEAD_REVISION, _alembic_config, current_revision, upgrade

    db = Database(empty_pg)
    upgrade(db)
    cfg = _alembic_config(db)
    with db.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0002")
    with db.engine.connect() as conn:
        assert not search_postgres.has_index(conn)
    assert upgrade(db) is True and current_revision(db) == HEAD_REVISION
    with db.engine.connect() as conn:
        assert search_postgres.has_index(conn)
    db.dispose()


@pytest.fixture
def pg_office(empty_pg, tmp_path, monkeypatch):
    from xfdesk.services.context import open_context

    monkeypatch.setenv("XFDESK_DATABASE_URL", empty_pg)
    ctx = open_context(tmp_path / "pg", clock=lambda: TODAY)
    yield ctx
    ctx.db.dispose()


def _plan(ctx, sql: str, params: dict) -> str:
    with ctx.db.read() as session:
        cursor = session.connection().connection.driver_connection.cursor()
        cursor.execute("SET LOCAL enable_seqscan = off")  # a tiny table: would otherwise be read whole anyway
        cursor.execute("EXPLAIN " + sql, params)
        return "\n".join(r[0] for r in cursor.fetchall())


@pytest.mark.parametrize("query, people_index, matters_index", [
    ("张三", "ix_search_petitioner_grams", "ix_search_matter_grams"),
    ("张三丰", "ix_search_petitioner_text_trgm", "ix_search_matter_text_trgm"),
    ("宅基地纠纷", "ix_search_petitioner_text_trgm", "ix_search_matter_text_trgm"),
    ("zsf", "ix_search_petitioner_initials_prefix", None),
    ("3607351970", "ix_search_petitioner_id_prefix", None),
    ("1234", "ix_search_petitioner_phone_trgm", None),
    ("张", "ix_search_petitioner_name_prefix", None),
])
def test_every_query_form_is_answered_from_an_index(pg_office, register, query, people_index, matters_index):
    """The indexed expressions and the queries' expressions must be the same, or PostgreSQL reads every row."""
    from xfdesk.services.search import parse_query
    from xfdesk.storage import search_postgres

    register(name="张三丰", village="大畲村", id_number=make_id_number("19700315", serial=11), phone="13800001234")
    captured: list[tuple[str, dict]] = []

    def run(sql, params):  # noqa: ANN001, ANN202
        captured.append((sql, params))
        return [(0,)] if sql.startswith("SELECT count(*)") else []

    q = parse_query(query, years=range(2026, 2027))
    search_postgres.people_page(run, q, limit=20, offset=0)
    plan = _plan(pg_office, *captured[0])
    assert people_index in plan and "Seq Scan on petitioner" not in plan, plan
    if matters_index:
        captured.clear()
        search_postgres.matters_page(run, q, see_restricted=False, limit=20, offset=0)
        # the page may also walk the primary key backwards (newest first) and stop early; counting must use the index
        plans = [_plan(pg_office, *c) for c in captured]
        assert all("Seq Scan on matter" not in plan for plan in plans), plans
        assert matters_index in plans[-1], plans[-1]


def test_three_desks_by_a_thousand_at_once_on_postgres(empty_pg, tmp_path):
    import bench_desks

    figures = bench_desks.run_desks(tmp_path / "office", desks=3, per_desk=1000, database_url=empty_pg)
    print("\n".join(figures.lines()))
    assert figures.errors == [] and figures.refused == []
    assert len(figures.numbers) == 3000 and figures.duplicates == 0 and figures.gaps == []
    assert figures.rows == {"contact": 3000, "matter": 3000}


def test_exchange_import_on_postgres_is_searchable_at_once(pg_office, head):
    from xfdesk.services.exchange import export_exchange, import_exchange
    from xfdesk.services.registration import register_contact
    from xfdesk.services.search import search

    register_contact(pg_office, head, sample_contact(name="欧阳桂美", village="古樟村",
                                                     summaries=("山塘水渠损坏，农田无法灌溉",)))
    document = export_exchange(pg_office, head)
    document["contacts"][0]["petitioners"][0]["name"] = "欧阳春梅"
    document["contacts"][0]["petitioners"][0].pop("id_number", None)
    result = import_exchange(pg_office, head, document)
    assert len(result.numbers) == 1
    assert [p.name for p in search(pg_office, "春梅", operator=head).people] == ["欧阳春梅"]
    assert len(search(pg_office, "灌溉", operator=head).matters) == 2


# -- migrate-to ---------------------------------------------------------------------------------------------------


@pytest.fixture
def sqlite_office(tmp_path):
    """A SQLite office with a whole history: the demo (people, matters, events, deadlines, follow-ups, reviews,
    leaders and reception days) plus a printed document and a setting."""
    from xfdesk.services.context import open_context
    from xfdesk.services.demo import generate_demo

    ctx = open_context(tmp_path / "office", clock=lambda: TODAY)
    generate_demo(ctx, matters=150, seed=5, today=TODAY)
    ctx.save_setting("office_name", "琴江镇信访办（迁移测试）")
    add_test_accounts(ctx)  # an office in use has its accounts (else the command's sign-in would create the head)
    return ctx


def _snapshot(url: str) -> dict[str, list]:
    """Every row of every office table, in primary-key order (as plain values)."""
    from sqlmodel import SQLModel

    import xfdesk.storage.models  # noqa: F401

    engine = create_engine(url)
    out = {}
    with engine.connect() as conn:
        for table in SQLModel.metadata.sorted_tables:
            order = list(table.primary_key.columns)
            # the command's own sign-in stamps the account's last sign-in, in the source as in the copy
            columns = [c for c in table.columns if (table.name, c.name) != ("account", "last_sign_in_at")]
            query = select(*columns).order_by(*order)
            if table.name == "event":  # ... and audits that sign-in
                query = query.where(table.c.action != "sign_in")
            out[table.name] = [tuple(r) for r in conn.execute(query)]
    engine.dispose()
    return out


def test_migrate_to_copies_every_table_and_the_counters(sqlite_office, empty_pg, tmp_path, monkeypatch, capsys):
    from xfdesk.services.context import Operator, open_context
    from xfdesk.services.registration import register_contact
    from xfdesk.services.search import search
    from xfdesk.storage.transfer import data_tables

    home = str(sqlite_office.home.root)
    source_url = sqlite_office.db.url
    with sqlite_office.db.engine.connect() as conn:
        tables = data_tables(conn)
    sqlite_office.db.dispose()
    before = _snapshot(source_url)
    assert before["matter"] and before["event"] and before["numberseries"] and before["deadline"]

    assert _cli("--home", home, "migrate-to", empty_pg.replace("postgresql+psycopg://", "postgresql://")) == 0
    out = capsys.readouterr().out
    assert "迁移完成" in out and "逐表核对一致" in out and "XFDESK_DATABASE_URL=" in out
    for table in tables:
        assert table in out

    after = _snapshot(empty_pg)
    for table, rows in before.items():
        if table == "event":  # the move itself is recorded in the new database
            assert after[table][:-1] == rows and "migrate_database" in after[table][-1]
        else:
            assert after[table] == rows, table
    assert _snapshot(source_url) == before  # the SQLite file is left as it was

    # the office goes on in PostgreSQL: the next number follows the copied counter, new ids do not collide
    monkeypatch.setenv("XFDESK_DATABASE_URL", empty_pg)
    pg = open_context(tmp_path / "pg-home", clock=lambda: TODAY)
    with pg.db.read() as s:
        expected = s.execute(text("SELECT last FROM numberseries WHERE series = 'matter' AND year = :y"),
                             {"y": TODAY.year}).scalar()
    reg = register_contact(pg, Operator("王芳"), sample_contact(name="迁移后", village="大畲村"))
    assert reg.numbers == [f"XF-{TODAY.year}-{(expected or 0) + 1:06d}"]
    some = before["petitioner"][len(before["petitioner"]) // 2]
    assert some[0] in [p.petitioner_id for p in search(pg, some[1], scope="people", limit=50).people]
    pg.db.dispose()


def test_migrate_to_refuses_a_database_that_holds_an_office(sqlite_office, empty_pg, capsys, monkeypatch):
    from xfdesk.services.context import Operator, open_context
    from xfdesk.services.registration import register_contact

    home = str(sqlite_office.home.root)
    with monkeypatch.context() as m:
        m.setenv("XFDESK_DATABASE_URL", empty_pg)
        other = open_context(Path(home).parent / "other", clock=lambda: TODAY)
        register_contact(other, Operator("王芳"), sample_contact(received_at=dt.datetime(2026, 11, 20, 9)))
        other.db.dispose()
    before = _snapshot(empty_pg)
    assert _cli("--home", home, "migrate-to", empty_pg) == 1
    assert "不是空的" in capsys.readouterr().err
    assert _snapshot(empty_pg) == before
    assert _cli("--home", home, "migrate-to", "mysql://x@y/z") == 1
    assert "postgresql://" in capsys.readouterr().err


def test_migrate_to_an_unreachable_server_says_so(sqlite_office, capsys):
    home = str(sqlite_office.home.root)
    assert _cli("--home", home, "migrate-to", "postgresql://nobody@127.0.0.1:1/none") == 1
    err = capsys.readouterr().err
    assert "连接不上目标数据库" in err and "Traceback" not in err
