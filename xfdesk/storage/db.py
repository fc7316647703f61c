"""Engine, sessions and migrations.

SQLite runs in WAL mode with ``synchronous=FULL`` (a power cut must not lose a saved registration), foreign keys on
and a busy timeout. Write transactions on SQLite start with ``BEGIN IMMEDIATE`` so that two desks saving at once queue
on the lock instead of failing halfway. Before migrations run, the database file is copied to ``backups/``.

Several desks, one database: a save waits for the other desks' transactions (SQLite's busy handler, plus retries of
``BEGIN IMMEDIATE`` for the cases where SQLite answers "busy" without waiting) for at most ``WRITE_WAIT_S``; on
PostgreSQL a write transaction waits as long for a row lock (``lock_timeout``). Past that budget, or on a PostgreSQL
deadlock, the transaction is rolled back whole and ``DatabaseBusy`` (a ``Refused``: its text is for the user) is raised,
never a raw "database is locked": the form that saved keeps its text and says so.

A damaged file (cut short, bytes changed) is never worked on: opening it raises ``DatabaseDamaged``, whose Chinese
message names the last good backup and the restore command.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import random
import sqlite3
import threading
import time
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DatabaseError as SqlDatabaseError
from sqlalchemy.exc import OperationalError
from sqlmodel import Session, create_engine

from xfdesk.domain.backups import age_text
from xfdesk.domain.errors import DatabaseBusy, Refused
from xfdesk.paths import Home
from xfdesk.storage import backup as backups

BUSY_TIMEOUT_MS = 15_000
WRITE_WAIT_S = BUSY_TIMEOUT_MS / 1000  # how long a save waits for other desks before it gives up (and says so)
BEGIN_ROUND_MS = 40  # one round of SQLite's busy handler while a write transaction waits for the lock
MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
# The newest migration. Checked against alembic's own view by a test; lets an up-to-date database open without
# importing alembic at all (start-up time on old PCs).
HEAD_REVISION = "0011"
# what SQLite says when the file itself is damaged (as opposed to locked, missing or read-only)
_DAMAGE_WORDS = ("malformed", "not a database", "file is encrypted", "disk image", "database corrupt")


class DatabaseDamaged(Refused):
    """The database file is damaged; ``str()`` says so in Chinese and says how to restore the last good backup."""

    def __init__(self, home: Home | None, problem: str):
        self.home = home
        self.problem = problem
        super().__init__(damage_message(home, problem))


def is_damage(exc: BaseException) -> bool:
    """Is this error SQLite reporting a damaged file?"""
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, DatabaseDamaged):
            return True
        if isinstance(seen, (sqlite3.DatabaseError, SqlDatabaseError)) and any(
                w in str(seen).lower() for w in _DAMAGE_WORDS):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def damage_message(home: Home | None, problem: str) -> str:
    where = f"{home.database}" if home is not None else "数据库"
    lines = [f"数据库文件已损坏（{where}：{problem}），程序不会在损坏的文件上继续工作。"]
    good = backups.last_good(home.backups) if home is not None else None
    if good is not None:
        counts = good.counts.get("matter")
        age = age_text(dt.datetime.now() - good.taken_at)
        lines.append(f"最近一份完好的备份：{good.path}（{good.taken_at:%Y-%m-%d %H:%M}，{age}"
                     + (f"，事项{counts}件" if counts is not None else "") + "）。")
        lines.append(f"恢复方法：先在所有接待台上退出程序，再运行 xfdesk restore \"{good.path}\"")
    else:
        lines.append("没有找到完好的备份（备份文件夹 "
                     f"{home.backups if home else 'backups'}）。请不要删除或覆盖这个文件，把它交给技术人员处理；"
                     "如另有备份（U 盘或共享文件夹），用 xfdesk restore 备份文件 恢复")
    return "".join(lines)


class Database:
    """One database of one office: the engine plus read and write sessions."""

    def __init__(self, url: str, home: Home | None = None, *, write_wait_s: float = WRITE_WAIT_S):
        self.url = url
        self.home = home
        self.is_sqlite = url.startswith("sqlite")
        self.write_wait_s = write_wait_s
        if self.is_sqlite:
            self.engine = create_engine(url, connect_args={"timeout": write_wait_s, "check_same_thread": False})
            _configure_sqlite(self.engine, write_wait_s)
        else:
            self.engine = create_engine(url, pool_pre_ping=True)
            _configure_postgres(self.engine, write_wait_s)
        self._write_engine = self.engine.execution_options(xfdesk_write=True)
        self._writes = 0  # write transactions committed by this process
        self._watch_lock = threading.Lock()
        self._watch: sqlite3.Connection | None = None

    @contextlib.contextmanager
    def read(self) -> Iterator[Session]:
        with Session(self.engine, expire_on_commit=False) as session:
            try:
                yield session
            except OperationalError as exc:
                if is_lock_error(exc):
                    raise DatabaseBusy() from exc
                raise

    @contextlib.contextmanager
    def write(self) -> Iterator[Session]:
        """One transaction: committed when the block ends, rolled back entirely on any exception. A lock held by
        another desk past the busy timeout is ``DatabaseBusy`` (a refusal the user can act on: try again)."""
        with Session(self._write_engine, expire_on_commit=False) as session:
            try:
                yield session
                session.commit()
                self._writes += 1
            except OperationalError as exc:
                session.rollback()
                if is_lock_error(exc):
                    raise DatabaseBusy() from exc
                raise
            except BaseException:
                session.rollback()
                raise

    def data_version(self) -> tuple[int, object]:
        """A token that changes whenever a write was committed to the office's database, by this desk or another,
        read in one cheap statement: screens brought back to the top read their rows again only when it changed.

        SQLite: ``PRAGMA data_version`` of a connection kept for this alone (it never writes, so every commit is
        another connection's and changes the number). PostgreSQL: the current snapshot (``xmin:xmax:running``),
        which moves when any writing transaction starts or ends (a read-only one takes no transaction id); it may
        also move for another database of the cluster: that costs a needless reload, never a missed one."""
        with self._watch_lock:
            if self.is_sqlite:
                path = self.engine.url.database
                if not path or path == ":memory:":
                    return self._writes, None
                if self._watch is None:
                    self._watch = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
                return self._writes, self._watch.execute("PRAGMA data_version").fetchone()[0]
            with self.engine.connect() as conn:
                return self._writes, conn.exec_driver_sql("SELECT txid_current_snapshot()::text").scalar()

    def dispose(self) -> None:
        with self._watch_lock:
            if self._watch is not None:
                self._watch.close()
                self._watch = None
        self.engine.dispose()

    def refresh_statistics(self) -> None:
        """Planner statistics (SQLite only; PostgreSQL's autovacuum keeps its own), so lookups keep their indexes
        as the office grows (after a migration and ``init``: whole statistics, see ``search_sqlite``)."""
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


def _configure_sqlite(engine: Engine, wait_s: float) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):  # noqa: ANN001
        # Let SQLAlchemy's "begin" event emit BEGIN itself (pysqlite's own handling defers it and breaks locking).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {int(wait_s * 1000)}")
        _retry_busy(lambda: cursor.execute("PRAGMA journal_mode = WAL"), wait_s)
        cursor.execute("PRAGMA synchronous = FULL")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):  # noqa: ANN001
        immediate = conn.get_execution_options().get("xfdesk_write", False)
        # The driver's cursor, not exec_driver_sql: a failed BEGIN must leave no half-begun SQLAlchemy transaction.
        cursor = conn.connection.driver_connection.cursor()
        try:
            if not immediate:
                _retry_busy(lambda: cursor.execute("BEGIN"), wait_s)
                return
            # The write lock is asked for in short rounds: SQLite's busy handler sleeps 100 ms at a time once it
            # has waited a while, so a desk that has waited long keeps losing the lock to desks that just arrived
            # (seen: single saves waiting 3-6 s with three desks busy). Rounds of BEGIN_ROUND_MS keep its sleeps short.
            cursor.execute(f"PRAGMA busy_timeout = {BEGIN_ROUND_MS}")
            try:
                _retry_busy(lambda: cursor.execute("BEGIN IMMEDIATE"), wait_s, max_pause=0.01)
            finally:
                cursor.execute(f"PRAGMA busy_timeout = {int(wait_s * 1000)}")
        finally:
            cursor.close()


def _retry_busy(statement, wait_s: float, *, max_pause: float = 0.2) -> None:  # noqa: ANN001
    """Run ``statement`` until SQLite grants its lock or ``wait_s`` has passed. (SQLite's own busy handler, where it
    is on, also answers "busy" at once in a few cases, such as another connection recovering the WAL.)"""
    deadline = time.monotonic() + wait_s
    pause = 0.001
    while True:
        try:
            statement()
            return
        except sqlite3.OperationalError as exc:
            if (getattr(exc, "sqlite_errorcode", 0) & 0xFF) not in _SQLITE_LOCK_CODES:
                raise
            if time.monotonic() >= deadline:
                raise DatabaseBusy() from exc
            time.sleep(pause * (0.5 + random.random()))
            pause = min(pause * 2, max_pause)


def _configure_postgres(engine: Engine, wait_s: float) -> None:
    @event.listens_for(engine, "begin")
    def _on_begin(conn):  # noqa: ANN001
        if conn.get_execution_options().get("xfdesk_write", False):
            # a save waits for another desk's row lock (the counter row) at most this long, then says so
            conn.exec_driver_sql(f"SET LOCAL lock_timeout = '{int(wait_s * 1000)}ms'")


# Another desk checkpointing the database writes the page count into the header before the file has grown to it: for
# those milliseconds the file looks cut short. Seen as "文件不完整，只有应有大小的93%" on a desk opened while another
# registered. With a -wal file beside it (the database is in use), the look is taken again before it is called damaged.
DAMAGE_RECHECKS, DAMAGE_RECHECK_S = 5, 0.1


def _file_problem_settled(path: Path) -> str | None:
    problem = backups.file_problem(path)
    wal = path.with_name(path.name + "-wal")
    for _ in range(DAMAGE_RECHECKS):
        if problem is None or not wal.exists():
            break
        time.sleep(DAMAGE_RECHECK_S)
        problem = backups.file_problem(path)
    return problem


def open_database(home: Home, *, migrate: bool = True) -> Database:
    """Open the office database, creating and migrating it (after a backup copy) when needed.

    Raises ``DatabaseDamaged`` for a damaged SQLite file (checked from its header first: cheap, no SQL)."""
    home.ensure()
    url = home.database_url()
    if url.startswith("sqlite") and home.database.exists():
        problem = _file_problem_settled(home.database)
        if problem:
            raise DatabaseDamaged(home, problem)
    db = Database(url, home)
    try:
        if migrate:
            upgrade(db)
        elif db.is_sqlite:
            current_revision(db)  # reads the schema: a damaged first page shows here
    except Exception as exc:
        if db.is_sqlite and is_damage(exc):
            db.dispose()
            raise DatabaseDamaged(home, _problem_text(exc)) from None
        raise
    return db


def _problem_text(exc: BaseException) -> str:
    if isinstance(exc, DatabaseDamaged):
        return exc.problem
    text = str(getattr(exc, "orig", None) or exc).lower()
    if "not a database" in text or "encrypted" in text:
        return "文件已损坏，不是有效的数据库文件"
    return "数据库结构已损坏（SQLite 报告 database disk image is malformed）"


def backup_sqlite(db: Database, reason: str = "migrate") -> Path | None:
    """Copy the SQLite database (consistently, through SQLite's backup API) into ``backups/`` and verify the copy.
    A copy that does not verify stops the caller (a migration never runs on a file that cannot be backed up)."""
    if not db.is_sqlite or db.home is None or not db.home.database.exists():
        return None
    try:
        return backups.copy_database(db.home.database, db.home.backups, reason).path
    except backups.BackupFailed as exc:
        if "损坏" in str(exc) or "校验未通过" in str(exc):
            raise DatabaseDamaged(db.home, str(exc)) from None
        raise


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
