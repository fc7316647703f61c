"""Set-based reads and writes for the bulk paths (the exchange export and imports), in plain SQL through
SQLAlchemy Core.

The ORM builds an object (or a typed row with a Python conversion per date) for every value: a year's export read
about a million values that way and spent most of its time there. Here each statement reads only the columns the
caller writes out, a page of rows at a time, and moments and dates come back already as the ISO text the exchange
file carries (``2026-11-19T09:30:00+08:00``, ``2026-11-19``), made by the database: no datetime object is built.
Booleans come back as 0/1 on SQLite and as bool on PostgreSQL; callers use their truth value only.

Everything here runs on SQLite and PostgreSQL alike; the few dialect differences are the text expressions of
``_Dialect``. Ids given to ``IN (…)`` are written as integer literals (they come from the database, and an
expanding bind parameter of 1,000 values costs more to prepare than the query takes to run).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from sqlalchemy import DateTime, bindparam, text
from sqlalchemy.engine import Connection

FLAG_COLUMNS = ("is_group", "is_repeat", "is_skip_level", "is_litigation", "is_restricted", "is_urgent",
                "is_threat", "is_fast_track")


@dataclass(frozen=True)
class _Dialect:
    moment: str  # a naive CST timestamp column → 'YYYY-MM-DDTHH:MM:SS+08:00' (seconds kept, fractions dropped)
    day: str  # a date column → 'YYYY-MM-DD'


_SQLITE = _Dialect(moment="substr({c}, 1, 10) || 'T' || substr({c}, 12, 8) || '+08:00'", day="{c}")
_POSTGRES = _Dialect(moment="to_char({c}, 'YYYY-MM-DD\"T\"HH24:MI:SS\"+08:00\"')", day="to_char({c}, 'YYYY-MM-DD')")


def _dialect(conn: Connection) -> _Dialect:
    return _SQLITE if conn.dialect.name == "sqlite" else _POSTGRES


def _ids(ids: Iterable[int]) -> str:
    return ",".join(str(int(i)) for i in ids) or "NULL"


def _fetch(conn: Connection, sql: str) -> list[tuple]:
    """All rows of a statement without parameters, as the driver's tuples (inside ``conn``'s transaction).
    SQLAlchemy's Row objects cost more to build than these reads cost to run."""
    cursor = conn.connection.driver_connection.cursor()
    try:
        cursor.execute(sql)
        return cursor.fetchall()
    finally:
        cursor.close()


def chunks(ids: Sequence[int], size: int) -> Iterator[Sequence[int]]:
    for i in range(0, len(ids), size):
        yield ids[i:i + size]


# -- the exchange export ---------------------------------------------------------------------------------------------
def contact_pages(conn: Connection, since: dt.datetime | None, until: dt.datetime | None,
                  page: int) -> Iterator[list]:
    """Contacts received in ``[since, until)`` in order (received_at, id), ``page`` at a time by keyset paging:
    rows (id, received_at as ISO text, channel, headcount, clerk, note). Each page is one indexed range read."""
    d = _dialect(conn)
    where, params = [], {}
    if since is not None:
        where.append("received_at >= :since")
        params["since"] = since
    if until is not None:
        where.append("received_at < :until")
        params["until"] = until
    columns = (f"id, {d.moment.format(c='received_at')}, channel, headcount, clerk, note, received_at")
    typed = [bindparam(name, type_=DateTime()) for name in params]
    after = None
    while True:
        conditions = list(where)
        if after is not None:
            # a row-value comparison, with the plain bound first: both databases read the index from the last key
            # on (the equivalent ``a > x OR (a = x AND id > y)`` made SQLite scan the index from its start for every
            # page: 8.3 ms a page at the end of a 100k office, 0.13 ms this way)
            conditions.append("received_at >= :after_at AND (received_at, id) > (:after_at, :after_id)")
        sql = (f"SELECT {columns} FROM contact" + (f" WHERE {' AND '.join(conditions)}" if conditions else "")
               + f" ORDER BY received_at, id LIMIT {int(page)}")
        statement = text(sql).bindparams(*typed)
        rows = conn.execute(statement, {**params, **({"after_at": after[0], "after_id": after[1]} if after else {})}
                            ).all()
        if not rows:
            return
        # the stored value itself goes back as the key: the same text (SQLite) or timestamp (PostgreSQL)
        after = (rows[-1][6], rows[-1][0])
        yield rows


def contact_people(conn: Connection, contact_ids: Sequence[int]) -> list:
    """(contact_id, representative, name, gender, id_number, phone, address, village, is_organisation) for the
    people of these contacts, in order (contact, position)."""
    return _fetch(conn, (
        "SELECT cp.contact_id, cp.representative, p.name, p.gender, p.id_number, p.phone, p.address, p.village, "
        "p.is_organisation FROM contactpetitioner AS cp JOIN petitioner AS p ON p.id = cp.petitioner_id "
        f"WHERE cp.contact_id IN ({_ids(contact_ids)}) ORDER BY cp.contact_id, cp.position"))


def contact_matters(conn: Connection, contact_ids: Sequence[int]) -> list:
    """(contact_id, id, number, summary, details, category, location, kind, status, received_on, unit_id,
    *FLAG_COLUMNS) of the matters of these contacts, in order (contact, id): the contact's index, not a scan."""
    d = _dialect(conn)
    return _fetch(conn, (
        f"SELECT contact_id, id, number, summary, details, category, location, kind, status, "
        f"{d.day.format(c='received_on')}, unit_id, {', '.join(FLAG_COLUMNS)} FROM matter "
        f"WHERE contact_id IN ({_ids(contact_ids)}) ORDER BY contact_id, id"))


def matter_deadlines(conn: Connection, matter_ids: Sequence[int]) -> list:
    """(matter_id, name, due_on, state) in order (matter, id)."""
    d = _dialect(conn)
    return _fetch(conn, (
        f"SELECT matter_id, name, {d.day.format(c='due_on')}, state FROM deadline "
        f"WHERE matter_id IN ({_ids(matter_ids)}) ORDER BY matter_id, id"))


def matter_events(conn: Connection, matter_ids: Sequence[int]) -> list:
    """(matter_id, at, actor, action, from_status, to_status, note) in order (matter, at, id)."""
    d = _dialect(conn)
    return _fetch(conn, (
        f"SELECT matter_id, {d.moment.format(c='at')}, actor, action, from_status, to_status, note FROM event "
        f"WHERE matter_id IN ({_ids(matter_ids)}) ORDER BY matter_id, at, id"))


def matter_documents(conn: Connection, matter_ids: Sequence[int]) -> list:
    """(matter_id, kind, number_text, issued_at, void) in order (matter, id)."""
    d = _dialect(conn)
    return _fetch(conn, (
        f"SELECT matter_id, kind, number_text, {d.moment.format(c='issued_at')}, void FROM document "
        f"WHERE matter_id IN ({_ids(matter_ids)}) ORDER BY matter_id, id"))


def unit_names(conn: Connection) -> dict[int, str]:
    return {u_id: name for u_id, name in conn.execute(text("SELECT id, name FROM unit"))}


# -- bulk writes (services.bulk_registration) ---------------------------------------------------------------------
PERSON_FIELDS = ("name", "name_initials", "gender", "id_number", "phone", "address", "village")
_LOOKUP_CHUNK = 500  # values per IN (…) of text: well under SQLite's and PostgreSQL's parameter limits


def _table(name: str):  # noqa: ANN202
    from sqlmodel import SQLModel

    import xfdesk.storage.models  # noqa: F401 - the tables are registered by importing the models

    return SQLModel.metadata.tables[name]


def new_ids(conn: Connection, table: str, count: int) -> list[int]:
    """``count`` ids for new rows of ``table``, taken before inserting them (inside the write transaction).

    SQLite: the ones after the highest (the write transaction holds the database lock, so nobody else inserts).
    PostgreSQL: from the table's sequence, as a plain INSERT would take them (other desks take theirs meanwhile)."""
    if count <= 0:
        return []
    if conn.dialect.name == "sqlite":
        top = conn.execute(text(f"SELECT coalesce(max(id), 0) FROM {table}")).scalar()
        return list(range(top + 1, top + 1 + count))
    return [row[0] for row in conn.execute(text(
        f"SELECT nextval(pg_get_serial_sequence('{table}', 'id')) FROM generate_series(1, :n) ORDER BY 1"),
        {"n": count})]


def insert_rows(conn: Connection, table: str, rows: list[dict], *, with_ids: bool = False) -> list[int]:
    """Insert ``rows`` (dicts of every column but ``id``) in one executemany; with ``with_ids`` each row is given
    its id first (in place) (``new_ids``) and the ids are returned in the order of ``rows``. (RETURNING with the rows' order
    kept made SQLAlchemy send one INSERT per row on SQLite.)"""
    if not rows:
        return []
    from sqlalchemy import insert

    ids: list[int] = []
    if with_ids:
        ids = new_ids(conn, table, len(rows))
        for row, row_id in zip(rows, ids, strict=True):
            row["id"] = row_id  # the caller's dicts are built for this insert
    conn.execute(insert(_table(table)), rows)
    return ids


def _people(conn: Connection, column: str, values: Iterable) -> dict[int, dict]:
    values = sorted(set(values))
    out: dict[int, dict] = {}
    statement = text(f"SELECT id, {', '.join(PERSON_FIELDS)} FROM petitioner WHERE {column} IN :values"
                     ).bindparams(bindparam("values", expanding=True))
    for part in chunks(values, _LOOKUP_CHUNK):
        for row in conn.execute(statement, {"values": list(part)}):
            out[row[0]] = dict(zip(PERSON_FIELDS, row[1:], strict=True))
    return out


def people_by_id(conn: Connection, ids: Iterable[int]) -> dict[int, dict]:
    """The people of these ids: id → {field: value} (``PERSON_FIELDS``)."""
    return _people(conn, "id", ids)


def people_by_id_number(conn: Connection, numbers: Iterable[str]) -> dict[int, dict]:
    """Every person with one of these ID numbers: id → {field: value}."""
    return _people(conn, "id_number", numbers)


def update_people(conn: Connection, rows: list[dict]) -> None:
    """``rows``: {"id": …, every field of PERSON_FIELDS}; one executemany."""
    if rows:
        conn.execute(text(f"UPDATE petitioner SET {', '.join(f'{f} = :{f}' for f in PERSON_FIELDS)} WHERE id = :id"),
                     rows)


def archive_matters(conn: Connection, rows: list[dict]) -> None:
    """Matters handled before xfdesk (the ledger import): ``rows`` {"id", "closed" (a date), "unit_id"}; each is
    archived on ``closed`` with its open clocks cancelled that day. Two executemany statements."""
    if not rows:
        return
    from sqlalchemy import Date

    closed = bindparam("closed", type_=Date())
    conn.execute(text("UPDATE deadline SET state = 'cancelled', ended_on = :closed "
                      "WHERE matter_id = :id AND state = 'open'").bindparams(closed), rows)
    conn.execute(text("UPDATE matter SET status = 'archived', closed_on = :closed, due_on = NULL, unit_id = :unit_id "
                      "WHERE id = :id").bindparams(closed), rows)


def delete_registrations(conn: Connection, contact_ids: Sequence[int], matter_ids: Sequence[int],
                         people: Sequence[int]) -> None:
    """Remove what bulk registration wrote for these contacts and matters (an import taken back), and those of
    ``people`` nobody refers to any more. The search index follows through its delete triggers."""
    for ids in chunks(matter_ids, 1000):
        for table in ("event", "deadline"):
            conn.execute(text(f"DELETE FROM {table} WHERE matter_id IN ({_ids(ids)})"))
        conn.execute(text(f"DELETE FROM matter WHERE id IN ({_ids(ids)})"))
    for ids in chunks(contact_ids, 1000):
        conn.execute(text(f"DELETE FROM contactpetitioner WHERE contact_id IN ({_ids(ids)})"))
        conn.execute(text(f"DELETE FROM contact WHERE id IN ({_ids(ids)})"))
    for ids in chunks(people, 1000):
        conn.execute(text(f"DELETE FROM petitioner WHERE id IN ({_ids(ids)}) "
                          "AND id NOT IN (SELECT petitioner_id FROM contactpetitioner) "
                          "AND id NOT IN (SELECT petitioner_id FROM matter)"))


def give_back_numbers(conn: Connection, series: str, year: int, first: int, count: int) -> None:
    """Numbers ``first`` … ``first + count - 1`` unused again, if they are still the last ones taken."""
    conn.execute(text("UPDATE numberseries SET last = :first - 1 WHERE series = :series AND year = :year "
                      "AND last = :last"), {"first": first, "series": series, "year": year, "last": first + count - 1})
    conn.execute(text("DELETE FROM numberseries WHERE series = :series AND year = :year AND last = 0"),
                 {"series": series, "year": year})  # a year's counter the import began: as if never begun
