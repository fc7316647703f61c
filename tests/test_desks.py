"""Several desks on one office database (issue 15 items 3 and 4): saves at the same moment get distinct numbers with
no gaps, a busy database waits inside the save's budget, and past it the save is refused whole with a Chinese message
(the form keeps its text) instead of a raw "database is locked".

The load itself is ``benchmarks/bench_desks.py`` (it prints the figures); these tests run it and assert on them.
"""

from __future__ import annotations

import sqlite3
import sys
from pathlib import Path

import pytest
from sqlalchemy import text

from tests.conftest import TODAY, sample_contact

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))  # spawned desks inherit sys.path

import bench_desks  # noqa: E402


def test_three_desks_by_three_hundred_on_one_sqlite_file(tmp_path):
    figures = bench_desks.run_desks(tmp_path / "office", desks=3, per_desk=300)
    print("\n".join(figures.lines()))
    assert figures.errors == [] and figures.refused == []
    assert len(figures.numbers) == 900 and figures.duplicates == 0 and figures.gaps == []
    assert figures.rows == {"contact": 900, "matter": 900}
    assert sorted(int(n.rsplit("-", 1)[1]) for n in figures.numbers) == list(range(1, 901))


def _office(tmp_path, wait_s: float):
    from xfdesk.paths import Home
    from xfdesk.services.context import AppContext
    from xfdesk.storage.db import Database, upgrade

    home = Home(tmp_path / "office")
    home.ensure()
    db = Database(home.database_url(), home, write_wait_s=wait_s)
    upgrade(db)
    return AppContext(home, db, clock=lambda: TODAY)


def test_a_save_that_cannot_get_the_lock_in_time_is_refused_whole(tmp_path, clerk):
    from xfdesk.domain.errors import DatabaseBusy, Refused
    from xfdesk.services.registration import register_contact

    ctx = _office(tmp_path, wait_s=0.3)
    other_desk = sqlite3.connect(ctx.home.database, isolation_level=None)
    other_desk.execute("BEGIN IMMEDIATE")  # another desk in the middle of a long save (an import, say)
    try:
        with pytest.raises(DatabaseBusy) as refused:
            register_contact(ctx, clerk, sample_contact())
        assert isinstance(refused.value, Refused)
        message = str(refused.value)
        assert "占用" in message and "没有保存" in message and "locked" not in message
        # reading still works while the other desk writes (WAL): the desk's lists and search stay usable
        with ctx.db.read() as s:
            assert s.execute(text("SELECT count(*) FROM matter")).scalar() == 0
    finally:
        other_desk.execute("ROLLBACK")
        other_desk.close()
    with ctx.db.read() as s:
        assert s.execute(text("SELECT count(*) FROM contact")).scalar() == 0
    assert register_contact(ctx, clerk, sample_contact()).numbers == ["XF-2026-000001"]  # no number was used up
    ctx.db.dispose()


def test_a_save_waits_for_a_short_transaction_of_another_desk(tmp_path, clerk):
    import threading

    from xfdesk.services.registration import register_contact

    ctx = _office(tmp_path, wait_s=5)
    other_desk = sqlite3.connect(ctx.home.database, isolation_level=None, check_same_thread=False)
    other_desk.execute("BEGIN IMMEDIATE")
    release = threading.Timer(0.5, lambda: other_desk.execute("COMMIT"))
    release.start()
    try:
        assert register_contact(ctx, clerk, sample_contact()).numbers == ["XF-2026-000001"]
    finally:
        release.join()
        other_desk.close()
    ctx.db.dispose()


def test_the_form_and_the_command_line_show_the_refusal_text():
    from xfdesk.cli.app import _friendly
    from xfdesk.domain.errors import DatabaseBusy
    from xfdesk.tui.screens.register import save_failure

    busy = DatabaseBusy()
    assert _friendly(busy) == str(busy)
    assert "占用" in save_failure(busy) and "DatabaseBusy" not in save_failure(busy)
