"""Gap-free counters, taken inside the caller's transaction.

The row for (series, year) is incremented with UPDATE … RETURNING: on SQLite the write transaction already holds
the database lock (BEGIN IMMEDIATE), on PostgreSQL the UPDATE locks the row until commit. A rolled-back transaction
gives its number back, so numbers have no gaps and are never shared.
"""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from xfdesk.storage.models import NumberSeries

_BUMP = text("UPDATE numberseries SET last = last + 1 WHERE series = :series AND year = :year RETURNING last")


def next_number(session: Session, series: str, year: int) -> int:
    row = session.execute(_BUMP, {"series": series, "year": year}).first()
    if row is not None:
        return int(row[0])
    try:
        with session.begin_nested():
            session.add(NumberSeries(series=series, year=year, last=1))
            session.flush()
        return 1
    except IntegrityError:  # another process created the row first: take the next number from it
        row = session.execute(_BUMP, {"series": series, "year": year}).first()
        return int(row[0])


def peek_last(session: Session, series: str, year: int) -> int:
    row = session.get(NumberSeries, (series, year))
    return row.last if row else 0


_TAKE = text("UPDATE numberseries SET last = last + :count WHERE series = :series AND year = :year RETURNING last")


def take_numbers(session: Session, series: str, year: int, count: int) -> int:
    """``count`` consecutive numbers of the series at once (a bulk import); returns the first of them."""
    params = {"series": series, "year": year, "count": count}
    row = session.execute(_TAKE, params).first()
    if row is not None:
        return int(row[0]) - count + 1
    try:
        with session.begin_nested():
            session.add(NumberSeries(series=series, year=year, last=count))
            session.flush()
        return 1
    except IntegrityError:  # another process created the row first
        row = session.execute(_TAKE, params).first()
        return int(row[0]) - count + 1
