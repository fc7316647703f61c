"""Reception days on PostgreSQL: the schedule, bookings and the session, and two desks booking at the same moment.

Skipped when no PostgreSQL server is reachable (see tests/test_postgres.py).
"""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from sqlmodel import select

from tests.test_reception_support import contact
from tests.test_postgres import pg_ctx, pg_url  # noqa: F401  (fixtures)
from xfdesk.domain.reception import BookingRefused
from xfdesk.services import reception as rs
from xfdesk.services.registration import register_contact
from xfdesk.storage.models import Appointment, Event, Unit

NEXT_THURSDAY = dt.date(2026, 11, 26)


def test_schedule_booking_and_session_on_postgres(pg_ctx, clerk, head):  # noqa: F811
    for name in ("刘建国", "陈志强"):
        rs.add_leader(pg_ctx, head, name)
    result = rs.generate_schedule(pg_ctx, head, 2026, 11, 12)
    assert max(result.counts.values()) - min(result.counts.values()) <= 1
    again = rs.generate_schedule(pg_ctx, head, 2026, 11, 12)
    assert again.created == result.created
    matter_id = register_contact(pg_ctx, clerk, contact()).matter_ids[0]
    appt = rs.book_matter(pg_ctx, clerk, matter_id, NEXT_THURSDAY)
    with pytest.raises(BookingRefused, match="请先取消"):
        rs.book_matter(pg_ctx, clerk, matter_id, dt.date(2026, 12, 3))
    pg_ctx.clock = lambda: NEXT_THURSDAY
    with pg_ctx.db.read() as session:
        unit = session.exec(select(Unit).where(Unit.name == "司法所")).one()
    outcome = rs.record_instruction(pg_ctx, clerk, appt.id, "请司法所调解", [unit.id], dt.date(2026, 12, 8),
                                    issue_documents=False)
    assert outcome.status == "assigned"
    with pg_ctx.db.read() as session:
        assert session.exec(select(Event).where(Event.action == "supervise")).one().data["unit"] == "司法所"


def test_two_desks_booking_the_last_slot_at_once(pg_ctx, clerk, head):  # noqa: F811
    # the database is shared by this module's tests: a month of its own, with one slot a day
    pg_ctx.save_setting("reception_slots", 1)
    if not rs.list_leaders(pg_ctx):
        rs.add_leader(pg_ctx, head, "温海涛")
    rs.generate_schedule(pg_ctx, head, 2027, 3)
    day = rs.month_days(pg_ctx, 2027, 3)[0].day
    ids = [register_contact(pg_ctx, clerk, contact(name=n, phone=p)).matter_ids[0]
           for n, p in (("张三", "13800000001"), ("李四", "13800000002"))]
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def book(matter_id: int) -> None:
        barrier.wait()
        try:
            rs.book_matter(pg_ctx, clerk, matter_id, day)
            outcomes.append("booked")
        except BookingRefused as exc:
            outcomes.append(str(exc))

    threads = [threading.Thread(target=book, args=(i,)) for i in ids]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert outcomes.count("booked") == 1 and len(outcomes) == 2
    assert "约满" in next(o for o in outcomes if o != "booked")
    with pg_ctx.db.read() as session:
        day_id = rs.day_view(pg_ctx, day).id
        assert len(session.exec(select(Appointment).where(Appointment.reception_day_id == day_id)).all()) == 1
