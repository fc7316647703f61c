"""The same services on PostgreSQL (for offices that outgrow one PC).

Runs when a PostgreSQL server is reachable: ``XFDESK_TEST_POSTGRES_URL`` (an admin URL such as
``postgresql+psycopg://postgres@/postgres``), else the local server through its Unix socket as the current OS user (a superuser role of that name).
Skipped otherwise. ``.ci/run`` starts a local server when it can.
"""

from __future__ import annotations

import datetime as dt
import os
import uuid

import pytest

from tests.conftest import TODAY, sample_contact

ADMIN_URL = os.environ.get("XFDESK_TEST_POSTGRES_URL", "postgresql+psycopg:///postgres?host=/var/run/postgresql")


def _admin_engine():
    try:
        import psycopg  # noqa: F401
        from sqlalchemy import create_engine, text
    except ImportError:
        return None
    engine = create_engine(ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception:
        return None
    return engine


@pytest.fixture(scope="module")
def pg_url():
    from sqlalchemy import text

    engine = _admin_engine()
    if engine is None:
        pytest.skip("没有可用的 PostgreSQL 服务器")
    name = f"xfdesk_test_{uuid.uuid4().hex[:8]}"
    with engine.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = engine.url.set(database=name).render_as_string(hide_password=False)
    yield url
    with engine.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    engine.dispose()


@pytest.fixture
def pg_ctx(pg_url, tmp_path, monkeypatch):
    from xfdesk.services.context import open_context

    monkeypatch.setenv("XFDESK_DATABASE_URL", pg_url)
    context = open_context(tmp_path / "home", clock=lambda: TODAY)
    assert not context.db.is_sqlite
    yield context
    context.db.dispose()


def test_register_and_walk_the_chain_on_postgres(pg_ctx, clerk, head):
    from xfdesk.domain.lifecycle import Action
    from xfdesk.services.lifecycle import apply_action
    from xfdesk.services.queries import list_matters, matter_detail
    from xfdesk.services.registration import register_contact

    first = register_contact(pg_ctx, clerk, sample_contact(summaries=("道路破损要求维修", "路灯不亮"),
                                                           received_at=dt.datetime(2026, 9, 16, 9, 0)))
    second = register_contact(pg_ctx, clerk, sample_contact(name="李四"))
    year_numbers = first.numbers + second.numbers
    assert [n.split("-")[1] for n in year_numbers] == ["2026"] * 3
    assert sorted(int(n.split("-")[2]) for n in year_numbers)[-3:] == sorted(
        int(n.split("-")[2]) for n in year_numbers)
    matter_id = first.matter_ids[0]
    apply_action(pg_ctx, head, matter_id, Action.ACCEPT, on=dt.date(2026, 9, 20))
    apply_action(pg_ctx, head, matter_id, Action.ASSIGN, on=dt.date(2026, 9, 21), changes={"unit_id": 1})
    # an extension lengthens a running period only: approved before its 60 days ran out
    apply_action(pg_ctx, head, matter_id, Action.EXTEND, reason="情况复杂", days=15, on=dt.date(2026, 11, 10))
    detail = matter_detail(pg_ctx, first.numbers[0], head)
    assert detail["status"] == "assigned"
    assert detail["deadlines"]["notice"] == "2026-10-08"  # moved past National Day, as on SQLite
    assert [e["action"] for e in detail["events"]] == ["register", "accept", "assign", "extend"]
    assert {r.number for r in list_matters(pg_ctx, operator=head)} >= set(year_numbers)


def test_numbers_gap_free_on_postgres(pg_ctx, clerk):
    from xfdesk.services.registration import register_contact

    numbers = []
    for i in range(5):
        numbers += register_contact(pg_ctx, clerk, sample_contact(summaries=(f"第{i}件",),
                                                                  received_at=dt.datetime(2025, 3, 3, 9, 0))).numbers
    assert numbers == [f"XF-2025-{i:06d}" for i in range(1, 6)]


def test_the_export_pages_through_contacts_of_the_same_second_on_postgres(pg_ctx, head, tmp_path, monkeypatch):
    """Keyset paging by (received_at, id) as a row comparison: no contact dropped or repeated across pages, even
    among contacts received at the same second (SQLite runs the same test in test_exchange)."""
    import copy
    import json

    import xfdesk.services.exchange as exchange
    from tests.test_exchange import exchange_file
    from xfdesk.services.exchange import export_exchange, export_to_file, import_exchange

    same_time = copy.deepcopy(exchange_file())
    for c in same_time["contacts"]:
        c["received_at"] = "2026-11-19T11:00:00+08:00"
    import_exchange(pg_ctx, head, exchange_file())
    import_exchange(pg_ctx, head, same_time)
    monkeypatch.setattr(exchange, "_CHUNK", 2)
    path = tmp_path / "streamed.json"
    result = export_to_file(pg_ctx, head, path)
    written = json.loads(path.read_text(encoding="utf-8"))
    document = export_exchange(pg_ctx, head)
    from sqlmodel import func, select

    from xfdesk.storage.models import Contact

    with pg_ctx.db.read() as session:  # the module's database may hold other tests' contacts too
        stored = session.exec(select(func.count()).select_from(Contact)).one()
    assert result.contacts == len(written["contacts"]) == len(document["contacts"]) == stored
    received = [c["received_at"] for c in written["contacts"]]
    assert received == sorted(received)
    assert received.count("2026-11-19T11:00:00+08:00") >= 3  # the same-second ones, none dropped
    assert written["contacts"] == document["contacts"]
