"""The demo office: deterministic per seed, valid ID numbers, states spread over the lifecycle, the CLI command."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
from sqlmodel import select

from tests.conftest import TODAY
from xfdesk.domain.lifecycle import OPEN_STATUSES, Status
from xfdesk.domain.validation import check_id_number, check_phone, id_birth_date, id_gender
from xfdesk.services.context import open_context
from xfdesk.domain import reception as reception_domain
from xfdesk.services.demo import DemoRefused, generate_demo
from xfdesk.storage.models import (Contact, ContactPetitioner, Deadline, Event, FollowUp, Leader, Matter, Petitioner,
                                   Review)


RECEPTION_EVENTS = set(reception_domain.EVENT_LABELS)


def _dump(ctx) -> dict:  # noqa: ANN001
    """Everything the demo decides, without the wall-clock ``created_at`` columns."""
    with ctx.db.read() as session:
        return {
            "people": [(p.id, p.name, p.name_initials, p.gender, p.id_number, p.phone, p.address, p.village)
                       for p in session.exec(select(Petitioner).order_by(Petitioner.id))],
            "contacts": [(c.id, c.received_at, c.channel, c.headcount, c.clerk)
                         for c in session.exec(select(Contact).order_by(Contact.id))],
            "members": [(m.contact_id, m.petitioner_id, m.representative)
                        for m in session.exec(select(ContactPetitioner).order_by(ContactPetitioner.contact_id,
                                                                                  ContactPetitioner.position))],
            "matters": [(m.number, m.petitioner_id, m.summary, m.details, m.category, m.location, m.kind, m.status,
                         m.received_on, m.due_on, m.closed_on, m.unit_id, m.repeat_of_id, m.is_group, m.is_repeat,
                         m.is_restricted, m.reply_result)
                        for m in session.exec(select(Matter).order_by(Matter.id))],
            # the reception days and bookings are made at the end, on the real clock: their times are wall-clock
            "events": [(e.matter_id, None if e.action in RECEPTION_EVENTS else e.at, e.actor, e.action,
                        e.from_status, e.to_status, e.note)
                       for e in session.exec(select(Event).order_by(Event.id))],
            "deadlines": [(d.matter_id, d.name, d.start_on, d.due_on, d.state, d.on_time)
                          for d in session.exec(select(Deadline).order_by(Deadline.id))],
            "leaders": [(x.name, x.title) for x in session.exec(select(Leader).order_by(Leader.id))],
        }


@pytest.fixture
def demo_office(tmp_path):
    """A 200-matter demo office on the fixed date (built once per test that needs it)."""
    ctx = open_context(tmp_path / "demo", clock=lambda: TODAY)
    summary = generate_demo(ctx, matters=200, seed=11, today=TODAY)
    yield ctx, summary
    ctx.db.dispose()


def test_same_seed_gives_the_same_office(tmp_path):
    dumps = []
    for folder in ("a", "b", "c"):
        ctx = open_context(tmp_path / folder, clock=lambda: TODAY)
        generate_demo(ctx, matters=40, seed=3 if folder != "c" else 4, today=TODAY, batch=7)
        dumps.append(_dump(ctx))
        ctx.db.dispose()
    assert dumps[0]["matters"] and dumps[0]["events"]
    assert dumps[0] == dumps[1]
    assert dumps[0]["people"] != dumps[2]["people"]
    assert dumps[0]["matters"] != dumps[2]["matters"]


def test_people_are_valid(demo_office):
    ctx, _summary = demo_office
    with ctx.db.read() as session:
        people = session.exec(select(Petitioner)).all()
    with_id = [p for p in people if p.id_number]
    assert len(with_id) > 0.8 * len(people)
    for p in with_id:
        assert check_id_number(p.id_number, today=TODAY) is None, p.id_number
        assert id_gender(p.id_number) == p.gender
        assert p.id_number.startswith("3607")  # 赣州
        assert dt.date(1940, 1, 1) <= id_birth_date(p.id_number) <= dt.date(2004, 12, 31)
    assert len({p.id_number for p in with_id}) == len(with_id)
    for p in people:
        assert 2 <= len(p.name) <= 4 and p.name_initials
        assert p.phone is None or check_phone(p.phone) is None
    villages = {p.village for p in people}
    assert len(villages) >= 5


def test_states_and_flags_are_spread(demo_office):
    ctx, summary = demo_office
    with ctx.db.read() as session:
        matters = session.exec(select(Matter)).all()
        follow_ups = session.exec(select(FollowUp)).all()
        reviews = session.exec(select(Review)).all()
        events = Counter(e.action for e in session.exec(select(Event)))
        members = Counter(session.exec(select(ContactPetitioner.petitioner_id)).all())
    assert len(matters) == summary.matters == 200
    statuses = Counter(m.status for m in matters)
    assert len(statuses) >= 8, statuses
    for needed in (Status.REGISTERED, Status.ASSIGNED, Status.REPLIED, Status.ARCHIVED):
        assert statuses[needed.value] > 0, needed
    assert any(statuses[s.value] for s in (Status.NOT_ACCEPTED, Status.FORWARDED, Status.LEGAL_CHANNEL))
    open_matters = [m for m in matters if Status(m.status) in OPEN_STATUSES]
    assert any(m.due_on and m.due_on < TODAY for m in open_matters), "some matters are overdue"
    assert any(m.due_on and TODAY <= m.due_on <= TODAY + dt.timedelta(days=7) for m in open_matters), "some due soon"
    assert summary.overdue > 0 and summary.due_soon > 0
    # spread over the past year, never in the future
    days = sorted(m.received_on for m in matters)
    assert days[0] >= TODAY - dt.timedelta(days=366) and days[-1] < TODAY
    assert (days[-1] - days[0]).days > 250
    # the record looks like an office's: repeats, groups, 检举控告, follow-ups, reviews, events for every step
    assert sum(m.is_repeat for m in matters) > 5
    assert all(m.repeat_of_id for m in matters if m.is_repeat)
    assert any(m.is_group for m in matters)
    assert any(m.is_restricted and m.kind == "检举控告" for m in matters)
    assert max(members.values()) >= 2  # some people came more than once
    assert follow_ups and all(f.satisfaction in ("满意", "基本满意", "不满意") for f in follow_ups)
    assert reviews or statuses[Status.REVIEW.value] == 0
    assert events["register"] == 200 and events["accept"] > 50 and events["archive"] > 10
    # texts vary: details are combined from pieces, summaries repeat as real ones do but not too often
    assert len({m.details for m in matters}) > 0.9 * len(matters)
    assert len({m.summary for m in matters}) > 0.4 * len(matters)
    assert summary.leaders >= 5


def test_events_carry_the_past_dates(demo_office):
    ctx, _summary = demo_office
    with ctx.db.read() as session:
        rows = session.exec(select(Event, Matter).join(Matter, Matter.id == Event.matter_id)).all()
    for event, matter in rows:
        assert event.at.date() >= matter.received_on
        # the demo's bookings are made now (the real clock), every planned step lies in the past
        assert event.at.date() <= max(TODAY, dt.date.today())


def test_refuses_an_office_with_matters(demo_office):
    ctx, _summary = demo_office
    with ctx.db.read() as session:
        before = {p.id: (p.name, p.id_number, p.phone) for p in session.exec(select(Petitioner))}
    with pytest.raises(DemoRefused, match="已有200件事项"):
        generate_demo(ctx, matters=5, seed=1, today=TODAY)
    # forced with the same seed: the same ID numbers come again, yet no existing person is merged or changed
    added = generate_demo(ctx, matters=30, seed=11, today=TODAY, force=True)
    assert added.matters == 230 and added.added == 30  # appended, nothing deleted
    assert "本次生成事项30件，数据库现有事项230件" in added.lines()[0]
    with ctx.db.read() as session:
        after = {p.id: (p.name, p.id_number, p.phone) for p in session.exec(select(Petitioner))}
    assert {k: after[k] for k in before} == before
    assert len(after) > len(before)


def test_cli_demo_no_tui(tmp_path, capsys):
    from xfdesk.cli.app import run

    home = tmp_path / "cli"
    assert run(["--home", str(home), "demo", "--no-tui", "--matters", "50"]) == 0
    out = capsys.readouterr().out
    assert "数据库现有事项50件" in out and "本次" not in out
    ctx = open_context(home)
    with ctx.db.read() as session:
        assert len(session.exec(select(Matter)).all()) == 50
    ctx.db.dispose()
    assert run(["--home", str(home), "demo", "--no-tui", "--matters", "5"]) == 1
    assert "--force" in capsys.readouterr().err
    assert run(["--home", str(home), "demo", "--no-tui", "--matters", "0"]) == 1


def test_cli_demo_opens_the_desk_signed_in_as_its_clerk(tmp_path, capsys, monkeypatch):
    """The README's first command: the passwords it prints are hidden once the desk takes the screen, so the demo
    desk opens signed in (a real, audited sign-in); a later start of the same office asks for a password."""
    import xfdesk.tui.launch as launch_module
    from xfdesk.cli.app import run

    opened = []
    monkeypatch.setattr(launch_module, "launch", lambda home, operator=None: opened.append(operator))
    home = tmp_path / "demo"
    assert run(["--home", str(home), "demo", "--matters", "20"]) == 0
    assert "演示账号" in capsys.readouterr().out
    (operator,) = opened
    assert operator is not None and operator.role.value == "clerk" and operator.account_id
    ctx = open_context(home)
    with ctx.db.read() as session:
        signed = session.exec(select(Event).where(Event.action == "sign_in")).all()
    ctx.db.dispose()
    assert [e.actor for e in signed] == [operator.name]
    opened.clear()
    assert run(["--home", str(home)]) == 0  # the office again: the desk starts at its sign-in
    assert opened == [None]
