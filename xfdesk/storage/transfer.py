"""Copy an office's whole database into another one (SQLite → PostgreSQL, when an office outgrows one PC).

Every table of the models is copied row for row with its ids (the gap-free counters of ``numberseries`` among them, so
the next number is the one the office expects), inside one transaction on the target: a failure leaves the target as
it was. The source is read in one read transaction (a consistent snapshot even while desks keep saving). Afterwards
the target's id sequences are moved past the copied ids, the search indexes are built once over the copied rows
(faster than keeping them up to date row by row), and every table's row count and id sum are compared.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

from sqlalchemy import Table, bindparam, func, inspect, or_, select, text
from sqlalchemy.engine import Connection
from sqlmodel import SQLModel

import xfdesk.storage.models  # noqa: F401  (registers the tables on the metadata)
from xfdesk.domain.errors import Refused
from xfdesk.storage import search_postgres
from xfdesk.storage.db import Database, upgrade

BATCH = 5000
# Rows that show an office already works in a database: copying into it would mix two offices.
OFFICE_TABLES = ("petitioner", "contact", "matter", "event", "document")
# Objects of a database that are not office data: alembic's version row; SQLite's FTS5 index (rebuilt from the rows).
_NOT_DATA_PREFIXES = ("sqlite_", "petitioner_fts", "petitioner_grams", "matter_fts", "matter_grams", "search_seq")


class TransferRefused(Refused):
    """The copy cannot be done as asked (target not empty, same database, a table the program does not know)."""


@dataclasses.dataclass
class TableCopy:
    table: str
    source_rows: int
    target_rows: int
    source_key_sum: int | None = None
    target_key_sum: int | None = None

    @property
    def same(self) -> bool:
        return self.source_rows == self.target_rows and self.source_key_sum == self.target_key_sum


@dataclasses.dataclass
class TransferReport:
    tables: list[TableCopy]
    seconds: float = 0.0

    @property
    def verified(self) -> bool:
        return all(t.same for t in self.tables)

    @property
    def rows(self) -> int:
        return sum(t.target_rows for t in self.tables)


Progress = Callable[[str, int, int], None]  # (table, rows copied so far, rows of the table)


def data_tables(conn: Connection) -> list[str]:
    """The tables of a database that hold office data (every table but alembic's and the SQLite search index)."""
    names = inspect(conn).get_table_names()
    return sorted(n for n in names if n != "alembic_version" and not n.startswith(_NOT_DATA_PREFIXES))


def _ordered_tables() -> list[Table]:
    return list(SQLModel.metadata.sorted_tables)


def _self_references(table: Table) -> list[str]:
    """Columns that point at the same table (e.g. matter.repeat_of_id): copied empty first, filled in afterwards,
    so that a row may point at one that comes later."""
    return [fk.parent.name for fk in table.foreign_keys if fk.column.table is table]


def _key_sum(conn: Connection, table: Table) -> int | None:
    keys = [c for c in table.primary_key.columns if c.type.python_type is int] if table.primary_key else []
    if len(keys) != 1:
        return None
    return int(conn.execute(select(func.coalesce(func.sum(keys[0]), 0))).scalar())


def check_target_empty(conn: Connection) -> None:
    present = set(inspect(conn).get_table_names())
    for name in OFFICE_TABLES:
        if name in present and conn.execute(text(f"SELECT count(*) FROM {name}")).scalar():
            raise TransferRefused(f"目标数据库里已经有数据（{name} 表不是空的），为免两个办公室的数据混在一起，"
                                  "只能迁移到空数据库")


def copy_database(source: Database, target: Database, *, progress: Progress | None = None) -> TransferReport:
    """Copy every table of ``source`` into ``target`` (migrated to the same schema first) and verify it."""
    import time

    started = time.perf_counter()
    if source.url == target.url:
        raise TransferRefused("源数据库和目标数据库是同一个")
    known = {t.name for t in _ordered_tables()}
    with source.engine.connect() as src:
        unknown = sorted(set(data_tables(src)) - known)
    if unknown:
        raise TransferRefused(f"源数据库里有本程序不认识的表（{'、'.join(unknown)}），请先升级程序再迁移")
    with target.engine.connect() as conn:
        check_target_empty(conn)
    upgrade(target)  # the target's schema: every migration, as `xfdesk init` would
    tables = _ordered_tables()
    report = TransferReport([])
    is_pg = target.engine.dialect.name == "postgresql"
    with source.engine.connect() as src, target.engine.begin() as dst:
        src.begin()  # one read transaction: a consistent snapshot while other desks keep working
        check_target_empty(dst)
        present = set(inspect(dst).get_table_names())
        if is_pg:
            dst.exec_driver_sql("SET LOCAL maintenance_work_mem = '256MB'")
            search_postgres.drop_index(dst, keep_function=True)  # built once after the copy
            emptied = [t.name for t in tables if t.name in present]
            # reference rows `xfdesk init` may have put there (units, settings) come from the source instead
            dst.exec_driver_sql(f"TRUNCATE {', '.join(emptied)} RESTART IDENTITY CASCADE")
        else:
            for table in reversed(tables):
                dst.execute(table.delete())
        for table in tables:
            total = src.execute(select(func.count()).select_from(table)).scalar()
            later = _self_references(table)
            order = list(table.primary_key.columns) or list(table.columns)
            done = 0
            result = src.execution_options(yield_per=BATCH).execute(select(table).order_by(*order))
            for part in result.partitions(BATCH):
                rows = [dict(r._mapping) for r in part]
                if later:
                    rows = [{**r, **{c: None for c in later}} for r in rows]
                dst.execute(table.insert(), rows)
                done += len(rows)
                if progress:
                    progress(table.name, done, total)
            if later:
                _fill_self_references(src, dst, table, later)
            if progress and not done:
                progress(table.name, 0, 0)
        if is_pg:
            _advance_sequences(dst, tables)
            search_postgres.create_index(dst)
        for table in tables:
            report.tables.append(TableCopy(
                table.name, src.execute(select(func.count()).select_from(table)).scalar(),
                dst.execute(select(func.count()).select_from(table)).scalar(), _key_sum(src, table),
                _key_sum(dst, table)))
        if not report.verified:
            bad = "、".join(f"{t.table}（{t.source_rows}→{t.target_rows}）" for t in report.tables if not t.same)
            raise TransferRefused(f"核对不一致，已全部撤销，目标数据库未写入：{bad}")
    if is_pg:
        with target.engine.begin() as conn:
            conn.exec_driver_sql("ANALYZE")
    report.seconds = time.perf_counter() - started
    return report


def _fill_self_references(src: Connection, dst: Connection, table: Table, columns: list[str]) -> None:
    key = list(table.primary_key.columns)[0]
    cols = [table.c[c] for c in columns]
    rows = src.execute(select(key, *cols).where(or_(*(c.is_not(None) for c in cols)))).all()
    if rows:
        update = table.update().where(key == bindparam("_key")).values({c: bindparam(f"_{c}") for c in columns})
        dst.execute(update, [{"_key": r[0], **{f"_{c}": v for c, v in zip(columns, r[1:], strict=True)}}
                             for r in rows])


def _advance_sequences(dst: Connection, tables: list[Table]) -> None:
    """Copied rows keep their ids; the id sequences must start after them or the next save would collide."""
    for table in tables:
        keys = list(table.primary_key.columns)
        if len(keys) != 1 or keys[0].type.python_type is not int:
            continue
        name = keys[0].name
        seq = dst.execute(text("SELECT pg_get_serial_sequence(:t, :c)"), {"t": table.name, "c": name}).scalar()
        if seq:
            dst.execute(text(f"SELECT setval(:s, coalesce((SELECT max({name}) FROM {table.name}), 0) + 1, false)"),
                        {"s": seq})
