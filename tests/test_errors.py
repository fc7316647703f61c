"""One exception family for refusals a user sees (``domain.errors.Refused``), and a busy database is one of them,
recognised by the driver's error code."""

from __future__ import annotations

import sqlite3

import pytest

from xfdesk.domain.errors import DatabaseBusy, Refused


def test_every_refusal_shown_to_users_is_a_refused():
    from xfdesk.cli.app import CliError
    from xfdesk.documents.builders import DocumentRefused
    from xfdesk.documents.kinds import UnknownKind
    from xfdesk.documents.render import RenderError, TemplateProblem
    from xfdesk.domain.calendar import CalendarDataMissing, CalendarFileError
    from xfdesk.domain.dates import BadDate
    from xfdesk.domain.deadlines import ProfileError
    from xfdesk.domain.lifecycle import DateRefused, TransitionRefused
    from xfdesk.domain.reception import BookingRefused, ReceptionRuleError
    from xfdesk.domain.screening import ReasonsError, ScreeningRefused
    from xfdesk.domain.validation import ValidationFailed
    from xfdesk.services.access import AccessRefused
    from xfdesk.services.actions import UnknownAction
    from xfdesk.services.demo import DemoRefused
    from xfdesk.services.exchange import ImportRejected
    from xfdesk.services.lookup import MatterNotFound

    classes = (CliError, DocumentRefused, UnknownKind, RenderError, TemplateProblem, CalendarDataMissing,
               CalendarFileError, BadDate, ProfileError, DateRefused, TransitionRefused, BookingRefused,
               ReceptionRuleError, ReasonsError, ScreeningRefused, ValidationFailed, AccessRefused, UnknownAction,
               DemoRefused, ImportRejected, MatterNotFound, DatabaseBusy)
    assert all(issubclass(c, Refused) for c in classes)
    # a wrong date or a missing matter is no transition the table refused
    assert not any(issubclass(c, TransitionRefused) for c in (DateRefused, BadDate, MatterNotFound, DatabaseBusy,
                                                              AccessRefused))


def test_a_locked_database_is_database_busy_by_its_error_code(tmp_path, monkeypatch):
    from xfdesk.paths import Home
    from xfdesk.storage import db as db_module

    monkeypatch.setattr(db_module, "BUSY_TIMEOUT_MS", 200)  # do not wait 15 s for the other desk
    home = Home(tmp_path / "office")
    database = db_module.open_database(home)
    other = sqlite3.connect(home.database, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another desk is saving
    try:
        with pytest.raises(DatabaseBusy) as busy:
            with database.write() as session:
                from xfdesk.storage.models import Setting

                session.add(Setting(key="x", value=1))
        assert "占用" in str(busy.value)
    finally:
        other.execute("ROLLBACK")
        other.close()
        database.dispose()
    # the check is the driver's code, not the text: an unrelated error with "locked" in it is not DatabaseBusy
    from sqlalchemy.exc import OperationalError

    unrelated = OperationalError("stmt", {}, sqlite3.OperationalError("table locked_things has no column x"))
    unrelated.orig.sqlite_errorcode = 1  # SQLITE_ERROR
    assert db_module.is_lock_error(unrelated) is False
