"""Short matter numbers: ``287`` is this year's XF-<year>-000287 or nothing — never another matter."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.conftest import TODAY, sample_contact
from xfdesk.cli.app import run
from xfdesk.domain.numbering import MatterRefRefused, resolve_matter_ref
from xfdesk.services.lifecycle import MatterNotFound, find_for_update
from xfdesk.services.queries import find_matter, matter_detail
from xfdesk.services.registration import register_contact


@pytest.mark.parametrize("text, number", [
    ("287", "XF-2026-000287"), ("000287", "XF-2026-000287"), (" 7 ", "XF-2026-000007"),
    ("xf-2026-000287", "XF-2026-000287"), ("XF-2025-000012", "XF-2025-000012"), ("2025-12", "XF-2025-000012"),
    ("XF-2025-12", "XF-2025-000012"), ("XF－2026－000287", "XF-2026-000287"),
])
def test_resolve(text, number):
    assert resolve_matter_ref(text, 2026) == number


@pytest.mark.parametrize("text", ["", "0", "1234567", "XF-2026", "张三", "287a", "XF-2026-000000", "-5"])
def test_resolve_refuses(text):
    with pytest.raises(MatterRefRefused, match="事项编号不正确"):
        resolve_matter_ref(text, 2026)


@pytest.fixture
def office(ctx, clerk):
    """Ids and sequence numbers apart, as in a real office: matters of last year first, one failed (no number)."""
    last_year = dt.datetime(2025, 12, 20, 9, 0)
    ctx.clock = lambda: dt.date(2025, 12, 20)
    for i in range(3):
        register_contact(ctx, clerk, sample_contact(summaries=(f"去年的事{i}",), received_at=last_year))
    ctx.clock = lambda: TODAY
    numbers = []
    for i in range(4):
        numbers += register_contact(ctx, clerk, sample_contact(summaries=(f"今年的事{i}",))).numbers
    return numbers


def test_a_short_number_finds_exactly_this_years_matter(ctx, office):
    assert office[0] == "XF-2026-000001"
    m = find_matter(ctx, "2")
    assert m.number == "XF-2026-000002" and m.id != 2  # id 2 is last year's XF-2025-000002
    assert matter_detail(ctx, "000003")["number"] == "XF-2026-000003"
    assert find_matter(ctx, "9") is None  # no 9th matter this year: nothing, not another matter
    assert find_matter(ctx, "2025-2").number == "XF-2025-000002"
    with pytest.raises(MatterRefRefused):
        matter_detail(ctx, "二号")
    with ctx.db.read() as session:
        assert find_for_update(session, "4", 2026).number == "XF-2026-000004"
        with pytest.raises(MatterNotFound, match="找不到事项：XF-2026-000009"):  # a Refused, not a transition
            find_for_update(session, "9", 2026)


def test_matter_show_with_a_short_number(tmp_path, capsys):
    home = tmp_path / "home"
    assert run(["--home", str(home), "demo", "--no-tui", "--matters", "30"]) == 0
    capsys.readouterr()
    year = dt.date.today().year
    listing = run(["--home", str(home), "matter", "list", "--json", "--limit", "500"])
    assert listing == 0
    import json

    numbers = {m["number"] for m in json.loads(capsys.readouterr().out)}
    wanted = sorted(n for n in numbers if n.startswith(f"XF-{year}-"))[-1]
    short = str(int(wanted.rsplit("-", 1)[1]))
    assert run(["--home", str(home), "matter", "show", short]) == 0
    assert capsys.readouterr().out.startswith(wanted)
    assert run(["--home", str(home), "matter", "show", "999999"]) == 1
    assert capsys.readouterr().err.startswith(f"错误：找不到事项：XF-{year}-999999")
    assert run(["--home", str(home), "matter", "show", "abc"]) == 1
    assert "应为完整编号" in capsys.readouterr().err
