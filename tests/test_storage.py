"""Storage that does not lose data: SQLite settings, migrations with a backup first, atomic registration."""

from __future__ import annotations

import sqlite3

import pytest
from sqlalchemy import text

from xfdesk.paths import Home
from xfdesk.storage.db import current_revision, head_revision, open_database, upgrade


def test_sqlite_pragmas(ctx):
    with ctx.db.engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA synchronous")).scalar() == 2  # FULL
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert conn.execute(text("PRAGMA busy_timeout")).scalar() >= 5000


def test_foreign_keys_enforced(ctx):
    from xfdesk.storage.models import Matter

    with pytest.raises(Exception):  # noqa: B017 - the driver's own integrity error, whichever it is
        with ctx.db.write() as s:
            s.add(Matter(number="XF-2026-999999", year=2026, seq=999999, contact_id=424242, petitioner_id=424242,
                         summary="孤儿记录", received_on=ctx.today()))
    with ctx.db.read() as s:
        assert s.exec(text("SELECT count(*) FROM matter")).scalar() == 0


def test_migrations_run_on_open_and_back_up_first(tmp_path):
    home = Home(tmp_path / "office")
    db = open_database(home)
    assert current_revision(db) == head_revision(db)
    assert not list(home.backups.glob("*.db"))  # a brand-new database has nothing to back up
    with db.write() as s:
        s.exec(text("INSERT INTO setting (key, value) VALUES ('office_name', '\"测试办\"')"))
        s.exec(text("UPDATE alembic_version SET version_num = 'older'"))
    # pretend the database is one revision behind: the upgrade must copy the file before touching it
    with db.write() as s:
        s.exec(text("DELETE FROM alembic_version"))
        s.exec(text("INSERT INTO alembic_version VALUES ('0001')"))
    head = head_revision(db)
    if head == "0001":
        pytest.skip("only one revision so far: nothing to migrate")
    assert upgrade(db) is True
    backups = list(home.backups.glob("*.db"))
    assert len(backups) == 1
    copy = sqlite3.connect(backups[0])
    assert copy.execute("SELECT value FROM setting WHERE key = 'office_name'").fetchone()[0] == '"测试办"'
    copy.close()


def test_backup_copies_the_database(tmp_path):
    from xfdesk.storage.db import backup_sqlite

    home = Home(tmp_path / "office")
    db = open_database(home)
    with db.write() as s:
        s.exec(text("INSERT INTO setting (key, value) VALUES ('k', '1')"))
    target = backup_sqlite(db, "test")
    copy = sqlite3.connect(target)
    assert copy.execute("SELECT value FROM setting WHERE key = 'k'").fetchone()[0] in (1, "1")
    copy.close()


def test_registration_is_all_or_nothing(ctx, clerk, monkeypatch):
    """A failure after the first matter was written leaves no contact, person, matter, number or event behind."""
    from tests.conftest import sample_contact
    from xfdesk.services import registration
    from xfdesk.storage.models import Contact, Event, Matter, NumberSeries, Petitioner

    calls = {"n": 0}
    real = registration.record_event

    def failing_record_event(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("断电")
        return real(*args, **kwargs)

    monkeypatch.setattr(registration, "record_event", failing_record_event)
    with pytest.raises(RuntimeError):
        registration.register_contact(ctx, clerk, sample_contact(summaries=("一", "二")))
    with ctx.db.read() as s:
        for table in (Contact, Petitioner, Matter, Event, NumberSeries):
            assert s.exec(text(f"SELECT count(*) FROM {table.__tablename__}")).scalar() == 0


def test_models_and_migrations_agree(tmp_path):
    """A model change without its migration fails here (autogenerate finds nothing to do on a migrated database)."""
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext
    from sqlmodel import SQLModel

    import xfdesk.storage.models  # noqa: F401

    db = open_database(Home(tmp_path / "office"))
    with db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), SQLModel.metadata)
    # FTS5 shadow tables are SQLite's own, created by revision 0002, not models
    diff = [d for d in diff if not (d[0] == "remove_table" and d[1].name.startswith(("petitioner_", "matter_",
                                                                                   "search_seq")))]
    assert diff == []


def test_downgrade_and_upgrade_again_keep_search_working(tmp_path):
    from alembic import command

    from xfdesk.storage.db import HEAD_REVISION
    from xfdesk.storage.db import _alembic_config

    home = Home(tmp_path / "office")
    db = open_database(home)
    cfg = _alembic_config(db)
    with db.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0001")
    assert current_revision(db) == "0001"
    with db.engine.connect() as conn:
        names = {r[0] for r in conn.execute(text("SELECT name FROM sqlite_master"))}
    assert "matter_fts" not in names
    assert upgrade(db) is True
    assert current_revision(db) == HEAD_REVISION


def test_head_revision_constant_matches_the_migrations(tmp_path):
    from xfdesk.storage.db import HEAD_REVISION

    db = open_database(Home(tmp_path / "office"))
    assert head_revision(db) == HEAD_REVISION == current_revision(db)
