"""Reported figures (domain §9): exact arithmetic on facts, and facts read correctly from real records."""

from __future__ import annotations

import datetime as dt

from xfdesk.domain.lifecycle import Action
from xfdesk.domain.statistics import MatterFacts, figures, figures_by, rank_units, rate

D = dt.date(2026, 10, 5)


def facts(**kw) -> MatterFacts:
    return MatterFacts(number=kw.pop("number", "XF"), received_on=kw.pop("received_on", D), **kw)


def test_rates_from_facts():
    total = figures([
        facts(notice_on_time=True, handling_on_time=True, finished=True, resolved=True, satisfaction="满意"),
        facts(notice_on_time=True, handling_on_time=False, finished=True, resolved=True, reopened=True,
              satisfaction="基本满意"),
        facts(notice_on_time=False, finished=True, satisfaction="不满意", is_repeat=True),
        facts(is_skip_level=True),  # still open, nothing ended
    ])
    assert total.matters == 4 and total.finished == 3
    assert total.rates == {"及时受理率": 66.67, "按期办结率": 50.0, "化解率": 66.67, "一次性化解率": 33.33,
                           "满意率": 66.67, "参评率": 100.0}
    assert (total.repeats, total.skip_level) == (1, 1)


def test_no_denominator_is_no_rate_not_a_perfect_score():
    assert rate(0, 0) is None
    assert figures([facts()]).rates["按期办结率"] is None


def test_grouping_and_unit_ranking():
    rows = [facts(unit="司法所", handling_on_time=True, finished=True, category="邻里纠纷"),
            facts(unit="派出所", handling_on_time=False, finished=True, category="邻里纠纷"),
            facts(unit="城建办", handling_on_time=True, finished=True, satisfaction="满意", category="城乡建设",
                  received_on=dt.date(2026, 11, 2))]
    assert [g.label for g in figures_by(rows, "category")] == ["城乡建设", "邻里纠纷"]
    assert [g.label for g in figures_by(rows, "month")] == ["2026-10", "2026-11"]
    assert [g.label for g in rank_units(rows)] == ["城建办", "司法所", "派出所"]


def test_facts_from_records(ctx, head, register):
    from xfdesk.services.handling import follow_up_matter
    from xfdesk.services.lifecycle import apply_action
    from xfdesk.services.statistics import matter_facts, month_range

    on_time = register(received_at=dt.datetime(2026, 9, 1, 9, 0), summaries=("按期的事项",)).matter_ids[0]
    late = register(received_at=dt.datetime(2026, 9, 2, 9, 0), summaries=("超期的事项",)).matter_ids[0]
    apply_action(ctx, head, on_time, Action.ACCEPT, on=dt.date(2026, 9, 3))
    apply_action(ctx, head, on_time, Action.NOTICE_DELIVERED, on=dt.date(2026, 9, 3))
    apply_action(ctx, head, on_time, Action.ASSIGN, on=dt.date(2026, 9, 4), changes={"unit_id": 1})
    apply_action(ctx, head, on_time, Action.REPLY, on=dt.date(2026, 9, 30))
    follow_up_matter(ctx, head, on_time, method="电话", satisfaction="满意", on=dt.date(2026, 10, 8))
    # the 受理告知书 never went out: the notice (due 09-17) is still owed, so it counts late
    apply_action(ctx, head, late, Action.ACCEPT, on=dt.date(2026, 9, 25))
    start, end = month_range("2026-09")
    by_number = {f.number: f for f in matter_facts(ctx, start, end)}
    first, second = sorted(by_number.values(), key=lambda f: f.number)
    assert (first.notice_on_time, first.handling_on_time, first.finished, first.resolved) == (True, True, True, True)
    assert first.satisfaction == "满意" and first.unit
    assert (second.notice_on_time, second.handling_on_time, second.finished) == (False, None, False)
    assert figures(by_number.values()).rates["及时受理率"] == 50.0


def test_stats_command(ctx, register, capsys, tmp_path):
    from xfdesk.cli.app import run

    register(received_at=dt.datetime(2026, 11, 3, 9, 0))
    assert run(["--home", str(ctx.home.root), "stats", "--month", "2026-11", "--json"]) == 0
    import json

    out = json.loads(capsys.readouterr().out)
    assert out["rows"][0]["matters"] == 1
    assert run(["--home", str(ctx.home.root), "stats", "--month", "11/2026"]) == 1
    assert "YYYY-MM" in capsys.readouterr().err
