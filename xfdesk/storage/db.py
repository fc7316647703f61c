"""Engine, sessions and migrations.

SQLite runs in WAL mode with ``synchronous=FULL`` (a power cut must not lose a saved registration), foreign keys on
and a busy timeout. Write transactions on SQLite start with ``BEGIN IMMEDIATE`` so that two desks saving at once queue
on the lock instead of failing halfway. Before migrations run, the database file is copied to ``backups/``.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import sqlite3
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError
from sqlmodel import Session, create_engine

from xfdesk.domain.errors import DatabaseBusy
from xfdesk.paths import Home

BUSY_TIMEOUT_MS = 15_000
MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
# The newest migration. Checked against alembic's own view by a test; lets an up-to-date database open without
# importing alembic at all (start-up time on old PCs).
HEAD_REVISION = "0002"
KEEP_BACKUPS = 20


class Database:
    """One database of one office: the engine plus read and write sessions."""

    def __init__(self, url: str, home: Home | None = None):
        self.url = url
        self.home = home
        self.is_sqlite = url.startswith("sqlite")
        if self.is_sqlite:
            self.engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000,
                                                           "check_same_thread": False})
            _configure_sqlite(self.engine)
        else:
            self.engine = create_engine(url, pool_pre_ping=True)
        self._write_engine = self.engine.execution_options(xfdesk_write=True)

    @contextlib.contextmanager
    def read(self) -> Iterator[Session]:
        with Session(self.engine, expire_on_commit=False) as session:
            yield session

    @contextlib.contextmanager
    def write(self) -> Iterator[Session]:
        """One transaction: committed when the block ends, rolled back entirely on any exception. A lock held by
        another desk past the busy timeout is ``DatabaseBusy`` (a refusal the user can act on: try again)."""
        with Session(self._write_engine, expire_on_commit=False) as session:
            try:
                yield session
                session.commit()
            except OperationalError as exc:
                session.rollback()
                if is_lock_error(exc):
                    raise DatabaseBusy() from exc
                raise
            except BaseException:
                session.rollback()
                raise

    def dispose(self) -> None:
        self.engine.dispose()

    def refresh_statistics(self) -> None:
        """Planner statistics (SQLite only; PostgreSQL's autovacuum keeps its own), so lookups keep their indexes
        as the office grows. Cheap: SQLite samples a few hundred rows per index."""
        if self.is_sqlite:
            from xfdesk.storage import search_sqlite

            with self.engine.begin() as conn:
                search_sqlite.refresh_statistics(conn)


# SQLite's primary result codes for "the database is locked by someone else" (extended codes keep them in the low
# byte); PostgreSQL's SQLSTATEs for a lock not granted, a deadlock, a serialization failure.
_SQLITE_LOCK_CODES = {sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED}
_PG_LOCK_STATES = {"55P03", "40P01", "40001"}


def is_lock_error(exc: OperationalError) -> bool:
    """Whether a driver error means "locked by someone else": by the driver's error code, not its text."""
    orig = getattr(exc, "orig", None)
    code = getattr(orig, "sqlite_errorcode", None)
    if code is not None:
        return (code & 0xFF) in _SQLITE_LOCK_CODES
    return getattr(orig, "sqlstate", None) in _PG_LOCK_STATES


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):  # noqa: ANN001
        # Let SQLAlchemy's "begin" event emit BEGIN itself (pysqlite's own handling defers it and breaks locking).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = FULL")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):  # noqa: ANN001
        immediate = conn.get_execution_options().get("xfdesk_write", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def open_database(home: Home, *, migrate: bool = True) -> Database:
    """Open the office database, creating and migrating it (after a backup copy) when needed."""
    home.ensure()
    db = Database(home.database_url(), home)
    if migrate:
        upgrade(db)
    return db


def backup_sqlite(db: Database, reason: str = "migrate") -> Path | None:
    """Copy the SQLite database (consistently, through SQLite's backup API) into ``backups/``."""
    if not db.is_sqlite or db.home is None or not db.home.database.exists():
        return None
    db.home.backups.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S-%f")
    target = db.home.backups / f"xfdesk-{stamp}-{reason}.db"
    src = sqlite3.connect(db.home.database)
    dst = sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        dst.close()
        src.close()
    old = sorted(db.home.backups.glob("xfdesk-*.db"))
    for stale in old[:-KEEP_BACKUPS]:
        stale.unlink(missing_ok=True)
    return target


def _alembic_config(db: Database):
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.set_main_option("sqlalchemy.url", db.url.replace("%", "%%"))
    return cfg


def current_revision(db: Database) -> str | None:
    from sqlalchemy import inspect, text

    with db.engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return None
        rows = conn.execute(text("SELECT version_num FROM alembic_version")).all()
    return rows[0][0] if len(rows) == 1 else None


def head_revision(db: Database) -> str | None:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(_alembic_config(db)).get_current_head()


def upgrade(db: Database) -> bool:
    """Bring the schema to the newest revision; returns True when migrations ran. Backs up first."""
    current = current_revision(db)
    if current == HEAD_REVISION:
        return False
    head = head_revision(db)
    if current == head:
        return False
    if current is not None:
        backup_sqlite(db, "before-migrate")
    from alembic import command

    cfg = _alembic_config(db)
    with db.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
    db.refresh_statistics()
    return True
