"""Matter numbers: XF-<year>-<6 digits>, never shared between two desks saving at once, no gaps within a year."""

from __future__ import annotations

import datetime as dt
import multiprocessing as mp

import pytest
from sqlmodel import select

from xfdesk.domain.numbering import matter_number, parse_matter_number
from xfdesk.storage.models import Matter


def test_format_and_parse():
    assert matter_number(2026, 123) == "XF-2026-000123"
    assert parse_matter_number("xf-2026-000123") == (2026, 123)
    assert parse_matter_number("XF-2026-123") is None
    with pytest.raises(ValueError):
        matter_number(2026, 1_000_000)


def test_numbers_run_per_year_without_gaps(ctx, register):
    numbers = []
    numbers += register(received_at=dt.datetime(2025, 12, 31, 16, 0), summaries=("甲", "乙")).numbers
    numbers += register(received_at=dt.datetime(2026, 1, 4, 9, 0), summaries=("丙",)).numbers
    numbers += register(received_at=dt.datetime(2026, 1, 5, 9, 0), summaries=("丁", "戊")).numbers
    assert numbers == ["XF-2025-000001", "XF-2025-000002", "XF-2026-000001", "XF-2026-000002", "XF-2026-000003"]


def test_failed_registration_consumes_no_number(ctx, clerk, register):
    from tests.conftest import sample_contact
    from xfdesk.domain.validation import ValidationFailed
    from xfdesk.services.registration import register_contact

    register()
    bad = sample_contact(id_number="360735198001011230")  # wrong check digit
    with pytest.raises(ValidationFailed):
        register_contact(ctx, clerk, bad)
    assert register().numbers == ["XF-2026-000002"]


def _register_many(home: str, count: int, start: mp.Event, out: mp.Queue) -> None:
    from tests.conftest import TODAY, sample_contact
    from xfdesk.services.context import Operator, open_context
    from xfdesk.services.registration import register_contact

    ctx = open_context(home, clock=lambda: TODAY)
    start.wait()
    numbers = []
    for i in range(count):
        numbers += register_contact(ctx, Operator("并发"), sample_contact(summaries=(f"并发{i}",))).numbers
    out.put(numbers)


def test_two_processes_registering_at_once(tmp_path):
    from tests.conftest import TODAY
    from xfdesk.services.context import open_context

    home = str(tmp_path / "home")
    open_context(home, clock=lambda: TODAY).db.dispose()  # create and migrate once
    spawn = mp.get_context("spawn")
    start, out = spawn.Event(), spawn.Queue()
    workers = [spawn.Process(target=_register_many, args=(home, 25, start, out)) for _ in range(2)]
    for w in workers:
        w.start()
    start.set()
    results = [out.get(timeout=120) for _ in workers]
    for w in workers:
        w.join(timeout=60)
        assert w.exitcode == 0
    all_numbers = results[0] + results[1]
    assert len(all_numbers) == len(set(all_numbers)) == 50
    ctx = open_context(home, clock=lambda: TODAY)
    with ctx.db.read() as s:
        seqs = sorted(m.seq for m in s.exec(select(Matter)))
    assert seqs == list(range(1, 51))
