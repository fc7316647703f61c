"""The desk's queries and a keyboard registration on PostgreSQL (skipped when no server is reachable)."""

from __future__ import annotations

import datetime as dt

from sqlmodel import select

from tests.conftest import sample_contact
from tests.test_postgres import pg_ctx, pg_url  # noqa: F401  (fixtures)
from tests.test_tui_helpers import WALKIN_STEPS, make_app, run_steps, wait_interactive
from xfdesk.services.desk_queries import find_people, home_summary, search_everything
from xfdesk.services.history import person_history, repeat_candidates
from xfdesk.services.registration import register_contact
from xfdesk.storage.models import Matter


def test_desk_queries_on_postgres(pg_ctx, clerk):  # noqa: F811
    first = register_contact(pg_ctx, clerk, sample_contact(
        name="张三", summaries=("邻居建房占用我家宅基地，要求拆除",), received_at=dt.datetime(2026, 10, 1, 9, 0)))
    register_contact(pg_ctx, clerk, sample_contact(name="李四", summaries=("今天的诉求",)))
    person = first.petitioner_ids[0]
    history = person_history(pg_ctx, person, clerk.role)
    assert [m.number for m in history.matters] == first.numbers and history.open_count == 1
    found = repeat_candidates(pg_ctx, clerk.role, "邻居盖房占了我家宅基地", petitioner_id=person, village="大畲村")
    assert [c.id for c in found] == first.matter_ids
    summary = home_summary(pg_ctx, clerk.role)
    assert (summary.contacts_today, summary.overdue_count) == (1, 1)
    assert person in [p.petitioner_id for p in find_people(pg_ctx, "zs", operator=clerk)]
    assert any(line.title == first.numbers[0] for line in search_everything(pg_ctx, "宅基地", operator=clerk).lines)


async def test_walk_in_registration_on_postgres(pg_ctx, clerk):  # noqa: F811
    known = register_contact(pg_ctx, clerk, sample_contact(name="张三"))
    app = make_app(pg_ctx, clerk)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_interactive(pilot)
        await run_steps(pilot, WALKIN_STEPS)
    with pg_ctx.db.read() as session:
        new = session.exec(select(Matter).order_by(Matter.id.desc())).first()
    assert new.petitioner_id == known.petitioner_ids[0] and new.category == "城乡建设"
