"""The lookups behind lists and views read indexes, not whole tables (EXPLAIN QUERY PLAN of the services' own SQL).

Each service call's statements are captured as it runs them and explained with the same parameters on a demo
office whose statistics are fresh (as the demo and the migration leave them), so a changed query, a lost index or
an expression that no longer matches its index fails here."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import event

from xfdesk.services import queries, reception
from xfdesk.services.demo import generate_demo


@pytest.fixture(scope="module")
def office(tmp_path_factory):
    from xfdesk.services.context import open_context

    ctx = open_context(tmp_path_factory.mktemp("plans") / "home", clock=lambda: dt.date(2026, 11, 21))
    generate_demo(ctx, matters=300, seed=2)
    yield ctx
    ctx.db.dispose()


def plans(ctx, call) -> list[tuple[str, list[str]]]:  # noqa: ANN001
    """(statement, its query plan lines) of every SELECT ``call()`` runs."""
    seen: list[tuple[str, object]] = []

    def capture(conn, cursor, statement, parameters, context, executemany):  # noqa: ANN001, PLR0913
        if statement.lstrip().upper().startswith("SELECT"):
            seen.append((statement, parameters))

    event.listen(ctx.db.engine, "before_cursor_execute", capture)
    try:
        call()
    finally:
        event.remove(ctx.db.engine, "before_cursor_execute", capture)
    raw = ctx.db.engine.raw_connection()
    try:
        return [(sql, [row[3] for row in raw.execute("EXPLAIN QUERY PLAN " + sql, params)]) for sql, params in seen]
    finally:
        raw.close()


def the_plan(found: list[tuple[str, list[str]]], table_word: str) -> list[str]:
    matching = [plan for sql, plan in found if table_word in sql]
    assert matching, f"no statement with {table_word!r}: {[s for s, _ in found]}"
    return matching[0]


@pytest.mark.parametrize("status", [None, "assigned", "archived"])
def test_the_matter_list_in_deadline_order_reads_the_order_from_an_index(office, status):
    found = plans(office, lambda: queries.list_matters(office, status=status, limit=50, offset=50))
    plan = the_plan(found, "ORDER BY")
    assert not any("TEMP B-TREE" in line for line in plan), plan
    assert any("ix_matter_status_due_order" in line or "ix_matter_due_order" in line for line in plan), plan


def test_oldest_and_newest_orders_do_not_sort_the_table(office):
    for order in ("oldest", "new"):
        plan = the_plan(plans(office, lambda order=order: queries.list_matters(office, order=order, limit=50)),
                        "ORDER BY")
        assert not any("TEMP B-TREE" in line for line in plan), (order, plan)


def test_a_reception_days_walk_ins_are_counted_from_the_index(office):
    days = reception.upcoming_days(office, start=dt.date(2026, 11, 1), limit=1)
    found = plans(office, lambda: reception.day_view(office, days[0].day))
    plan = the_plan(found, "contact.reception_day_id")
    assert any("ix_contact_reception_day_id" in line for line in plan), plan
    assert not any(line.startswith("SCAN contact") for line in plan), plan


def test_the_screening_queues_notice_clocks_are_read_through_their_matters(office):
    from xfdesk.domain.glossary import Role
    from xfdesk.services import screening
    from xfdesk.services.context import Operator

    found = plans(office, lambda: screening.screening_queue(office, Operator("李主任", Role.HEAD)))
    plan = the_plan(found, "FROM deadline")
    assert any("ix_deadline_matter_state" in line for line in plan), plan


def test_statistics_count_every_row_not_a_sample(tmp_path):
    """A sampled ANALYZE said ~400 rows per deadline name however many there were: the planner then read every
    notice clock of the office for one page of the F4 queue."""
    import sqlite3

    from sqlalchemy import text

    from xfdesk.paths import Home
    from xfdesk.storage.db import open_database

    home = Home(tmp_path / "office")
    open_database(home).dispose()
    raw = sqlite3.connect(home.database)  # foreign keys off: clocks of no matter will do for counting
    with raw:
        raw.execute("INSERT INTO deadline (matter_id, name, kind, start_on, due_on, state, extension_days, "
                    "paused_days, assumed, basis) WITH RECURSIVE n(v) AS (SELECT 1 UNION ALL SELECT v + 1 FROM n "
                    "WHERE v < 5000) SELECT v % 997 + 1, 'notice', 'duty', '2026-01-01', '2026-01-20', 'met', 0, 0, "
                    "0, '' FROM n")
    raw.close()
    db = open_database(home)
    db.refresh_statistics()
    with db.read() as s:
        stat = s.exec(text("SELECT stat FROM sqlite_stat1 WHERE idx = 'ix_deadline_name_due'")).one()[0]
    db.dispose()
    assert int(stat.split()[1]) == 5000, stat


def test_each_page_of_the_export_starts_reading_the_index_at_the_last_key(office, monkeypatch, tmp_path):
    """Keyset paging: a later page is a range read from where the page before ended, not a scan of the index from
    its start (the ``a > x OR (a = x AND id > y)`` form made SQLite scan: 8.3 ms a page at the end of 100k)."""
    import xfdesk.services.exchange as exchange
    from xfdesk.domain.glossary import Role
    from xfdesk.services.context import Operator

    monkeypatch.setattr(exchange, "_CHUNK", 50)
    found = plans(office, lambda: exchange.export_to_file(office, Operator("刘主任", Role.HEAD), tmp_path / "x.json"))
    # no period asked for: only the pages after the first have a WHERE (the last key)
    later = [plan for sql, plan in found if "FROM contact WHERE" in sql and "ORDER BY received_at, id" in sql]
    assert later, [s for s, _ in found]
    for plan in later:
        assert any(line.startswith("SEARCH contact") and "received_at>" in line for line in plan), plan
