"""Support for the reception tests (no tests here): registration on the day before the fixed "today".

Registration refuses a contact later than now, and "now" is the fixed date with the real time of day; a matter
received the day before keeps these tests independent of the hour they run at.
"""

from __future__ import annotations

import datetime as dt

import pytest

from tests.conftest import TODAY, sample_contact

EARLIER = dt.datetime.combine(TODAY - dt.timedelta(days=1), dt.time(9, 30))


def on_day_start(day: dt.date) -> dt.datetime:
    """A time on ``day`` that is never later than the real time of day (for contacts received on the day)."""
    return dt.datetime.combine(day, dt.time(0, 0))


def contact(**kwargs):  # noqa: ANN201
    kwargs.setdefault("received_at", EARLIER)
    return sample_contact(**kwargs)


@pytest.fixture
def register(ctx, clerk):  # noqa: ANN201
    """register(**sample_contact kwargs) → Registration, received the day before unless said otherwise."""
    from xfdesk.services.registration import register_contact

    def _register(**kwargs):  # noqa: ANN202
        return register_contact(ctx, clerk, contact(**kwargs))

    return _register
