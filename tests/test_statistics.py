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


def _facts_object_by_object(ctx, start, end):  # noqa: ANN001, ANN202
    """The figures' facts as they were read before issue 16 (whole ORM objects, lists of ids): the reference the
    column-only, set-based ``matter_facts`` must equal."""
    from collections import defaultdict

    from sqlmodel import col, select

    from xfdesk.domain.glossary import DeadlineState
    from xfdesk.domain.lifecycle import FINISHED_STATUSES, HANDLING, NOTICE, REOPENING_ACTIONS, Status
    from xfdesk.storage.models import Appointment, Deadline, Event, FollowUp, Matter, Unit

    def on_time(d, today):  # noqa: ANN001, ANN202
        if d is None:
            return None
        if d.state in (DeadlineState.MET.value, DeadlineState.LATE.value):
            return bool(d.on_time)
        return False if d.due_on < today else None

    today = ctx.today()
    with ctx.db.read() as s:
        matters = s.exec(select(Matter).where(Matter.received_on >= start, Matter.received_on < end)
                         .order_by(Matter.id)).all()
        ids = [m.id for m in matters]
        if not ids:
            return []
        units = {u.id: u.name for u in s.exec(select(Unit))}
        clocks = {}
        for d in s.exec(select(Deadline).where(col(Deadline.matter_id).in_(ids),
                                              col(Deadline.name).in_((NOTICE, HANDLING))).order_by(Deadline.id)):
            if d.state != DeadlineState.CANCELLED.value:
                clocks[(d.matter_id, d.name)] = d
        reopened = {e.matter_id for e in s.exec(select(Event).where(
            col(Event.matter_id).in_(ids), col(Event.action).in_(tuple(a.value for a in REOPENING_ACTIONS))))}
        reopened |= set(s.exec(select(Matter.repeat_of_id).where(col(Matter.repeat_of_id).in_(ids))))
        satisfaction = {}
        for f in s.exec(select(FollowUp).where(col(FollowUp.matter_id).in_(ids)).order_by(FollowUp.on, FollowUp.id)):
            satisfaction[f.matter_id] = f.satisfaction
        agreed = {e.matter_id for e in s.exec(select(Event).where(col(Event.matter_id).in_(ids),
                                                                   Event.action == Action.MEDIATION_AGREED.value))}
        received = defaultdict(bool)
        for a in s.exec(select(Appointment).where(col(Appointment.matter_id).in_(ids),
                                                  Appointment.state == "attended")):
            received[a.matter_id] = True
    return [MatterFacts(
        number=m.number, received_on=m.received_on, category=m.category, village=m.location,
        unit=units.get(m.unit_id, "") if m.unit_id else "",
        notice_on_time=on_time(clocks.get((m.id, NOTICE)), today),
        handling_on_time=on_time(clocks.get((m.id, HANDLING)), today),
        finished=Status(m.status) in FINISHED_STATUSES,
        resolved=m.id in agreed or satisfaction.get(m.id) in ("满意", "基本满意"),
        reopened=m.id in reopened, satisfaction=satisfaction.get(m.id),
        is_repeat=m.is_repeat, is_skip_level=m.is_skip_level, leader_received=received[m.id]) for m in matters]


def test_set_based_facts_equal_the_object_by_object_reading_on_a_random_demo_office(tmp_path):
    import random

    from xfdesk.services.context import open_context
    from xfdesk.services.demo import generate_demo
    from xfdesk.services.statistics import matter_facts, month_range

    seed = random.randrange(1, 10_000)
    today = dt.date(2026, 11, 21)
    ctx = open_context(tmp_path / "demo", clock=lambda: today)
    try:
        generate_demo(ctx, matters=300, seed=seed)
        rng = random.Random(seed)
        periods = [month_range(f"2026-{rng.randint(1, 11):02d}") for _ in range(3)]
        periods += [month_range("2026-10"), (today - dt.timedelta(days=365), today),
                    (dt.date(2000, 1, 1), dt.date(2030, 1, 1))]
        checked = 0
        for start, end in periods:
            new, old = matter_facts(ctx, start, end), _facts_object_by_object(ctx, start, end)
            assert new == old, (seed, start, end)
            for by in ("category", "village", "unit"):
                assert figures_by(new, by) == figures_by(old, by)
            assert rank_units(new) == rank_units(old)
            checked += len(new)
        assert checked > 300  # the whole office was compared, with its handled, followed-up and repeated matters
        every = matter_facts(ctx, dt.date(2000, 1, 1), dt.date(2030, 1, 1))
        assert any(f.reopened for f in every) and any(f.satisfaction for f in every)
        assert any(f.handling_on_time is not None for f in every) and any(f.unit for f in every)
    finally:
        ctx.db.dispose()
