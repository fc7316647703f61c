"""Reception-day benchmark: planning a year (pure), generating and regenerating it in the database, booking a
busy month, and the views the TUI opens (month calendar, one day, the booking list).

Run: ``.venv/bin/python benchmarks/bench_reception.py``. Prints its figures; asserts nothing.
Targets (old office PC): a year's schedule generated in under 2 s; a month view or a day view in under 100 ms,
so that PageUp/PageDown in the calendar and opening a day feel immediate.
"""

from __future__ import annotations

import datetime as dt
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from xfdesk.domain.calendar import WorkCalendar  # noqa: E402
from xfdesk.domain.glossary import Role  # noqa: E402
from xfdesk.domain.reception import ReceptionRule, plan_schedule  # noqa: E402
from xfdesk.domain.records import ContactInput, MatterInput, PetitionerInput  # noqa: E402
from xfdesk.services import reception as rs  # noqa: E402
from xfdesk.services.context import Operator, open_context  # noqa: E402
from xfdesk.services.registration import register_contact  # noqa: E402

TODAY = dt.date(2026, 1, 1)
OP = Operator("基准", Role.HEAD)


def timed(fn, repeat: int = 1) -> tuple[float, object]:  # noqa: ANN001
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def main() -> None:
    cal = WorkCalendar()
    rule = ReceptionRule(weekday=3, leaders_per_day=2)
    seconds, plan = timed(lambda: plan_schedule(rule, dt.date(2026, 1, 1), dt.date(2026, 12, 31), list(range(1, 8)),
                                                cal, today=TODAY), repeat=20)
    print(f"plan a year (pure, 7 leaders, 2 a day): {seconds * 1000:.1f} ms, {len(plan.days)} days")

    with tempfile.TemporaryDirectory() as tmp:
        ctx = open_context(Path(tmp) / "home", clock=lambda: TODAY)
        for i in range(7):
            rs.add_leader(ctx, OP, f"领导{i + 1}", "副镇长")
        ctx.save_setting("reception_leaders_per_day", 2)
        ctx.save_setting("reception_slots", 40)  # a busy county day: 40 bookings of 7 minutes fit the default hours
        ctx.save_setting("reception_slot_minutes", 7)
        seconds, result = timed(lambda: rs.generate_schedule(ctx, OP, 2026, 1, 12))
        print(f"generate a year in the database: {seconds * 1000:.0f} ms, {len(result.created)} days")
        seconds, result = timed(lambda: rs.generate_schedule(ctx, OP, 2026, 1, 12))
        print(f"regenerate the same year: {seconds * 1000:.0f} ms")

        day = rs.month_days(ctx, 2026, 3)[1].day
        matter_ids = []
        start = time.perf_counter()
        for i in range(40):
            contact = ContactInput(
                received_at=dt.datetime(2026, 1, 1, 9, 0), channel="走访", clerk="基准",
                petitioners=[PetitionerInput(name=f"信访人{i}", phone=f"1380000{i:04d}", village="大畲村")],
                matters=[MatterInput(summary=f"第{i}件诉求", category="其他", location="大畲村")])
            matter_ids += register_contact(ctx, OP, contact).matter_ids
        print(f"register 40 matters: {(time.perf_counter() - start) * 1000:.0f} ms")
        seconds, _ = timed(lambda: [rs.book_matter(ctx, OP, m, day) for m in matter_ids])
        print(f"book 40 matters into one day: {seconds * 1000:.0f} ms ({seconds * 1000 / 40:.1f} ms each)")

        seconds, _ = timed(lambda: rs.month_days(ctx, 2026, 3, with_bookings=True, operator=OP), repeat=20)
        print(f"month view (calendar screen): {seconds * 1000:.1f} ms")
        seconds, view = timed(lambda: rs.day_view(ctx, day, operator=OP), repeat=20)
        print(f"day view with {len(view.appointments)} bookings: {seconds * 1000:.1f} ms")
        seconds, _ = timed(lambda: rs.upcoming_days(ctx, limit=60, operator=OP), repeat=5)
        print(f"booking screen (60 coming days with bookings): {seconds * 1000:.0f} ms")
        ctx.db.dispose()


if __name__ == "__main__":
    main()
