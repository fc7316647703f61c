"""What the screens load is read in a bounded number of statements: it must not grow with the rows shown.

Counted on demo offices of two sizes (the statements each service issues, as the screens call them); and the
set-based suggestions of the F4 queue are the very suggestions matter by matter would give."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import event, func
from sqlmodel import select

from xfdesk.domain.glossary import Role
from xfdesk.services.context import Operator
from xfdesk.storage.models import Appointment, Event, Matter

TODAY = dt.date(2026, 11, 21)


@pytest.fixture(scope="module")
def offices(tmp_path_factory):
    from xfdesk.services.context import open_context
    from xfdesk.services.demo import generate_demo

    made = {}
    for size in (150, 1000):
        ctx = open_context(tmp_path_factory.mktemp(f"office{size}") / "home", clock=lambda: TODAY)
        generate_demo(ctx, matters=size, seed=5)
        made[size] = ctx
    yield made
    for ctx in made.values():
        ctx.db.dispose()


def statements(ctx, call) -> int:  # noqa: ANN001
    count = [0]

    def counted(*_args, **_kwargs) -> None:
        count[0] += 1

    event.listen(ctx.db.engine, "before_cursor_execute", counted)
    try:
        call()
    finally:
        event.remove(ctx.db.engine, "before_cursor_execute", counted)
    return count[0]


HEAD = Operator("李主任", Role.HEAD)
CLERK = Operator("王芳", Role.CLERK)


def screen_loads():
    from xfdesk.services import desk_queries, documents, handling, queries, reception, screening, supervision

    def queue_with_marks(ctx) -> None:  # noqa: ANN001 - what F4 loads: the queue, then every row's suggestions
        rows = screening.screening_queue(ctx, HEAD)
        screening.suggestions_for_many(ctx, [r.id for r in rows], HEAD)

    return {
        "首页": lambda ctx: desk_queries.home_summary(ctx, HEAD.role),
        "F4 甄别队列与建议": queue_with_marks,
        "F8 督办看板": lambda ctx: supervision.supervision_board(ctx, HEAD),
        "事项列表": lambda ctx: queries.list_matters(ctx, operator=HEAD, limit=100),
        # one matter's screens, for the matter with the longest history of the office
        "事项详情": lambda ctx: queries.matter_detail(ctx, busiest(ctx, Event.matter_id), HEAD),
        "办理": lambda ctx: handling.handling_summary(ctx, busiest(ctx, Event.matter_id)),
        "文书（已出具）": lambda ctx: documents.documents_for_matter(ctx, busiest(ctx, Event.matter_id)),
        "F6 接访日历": lambda ctx: reception.month_days(ctx, TODAY.year, TODAY.month, with_bookings=True,
                                                    operator=HEAD),
        "接访日": lambda ctx: reception.find_day(ctx, busiest(ctx, Appointment.reception_day_id), operator=HEAD),
        "数据版本（返回时）": lambda ctx: desk_queries.data_version(ctx),
    }


def busiest(ctx, column) -> int:  # noqa: ANN001 - the id with the most rows behind it (most events, documents …)
    with ctx.db.read() as s:
        return s.exec(select(column).where(column.is_not(None)).group_by(column)
                      .order_by(func.count().desc(), column).limit(1)).one()


@pytest.mark.parametrize("screen", list(screen_loads()))
def test_a_screen_load_issues_as_many_statements_on_a_bigger_office(offices, screen):
    load = screen_loads()[screen]
    small, large = (statements(offices[size], lambda size=size: load(offices[size])) for size in (150, 1000))
    assert large <= small + 2, (screen, small, large)


def test_the_queues_suggestions_at_once_are_those_matter_by_matter(offices):
    from xfdesk.services.screening import suggestions_for, suggestions_for_many

    ctx = offices[1000]
    with ctx.db.read() as s:
        ids = list(s.exec(select(Matter.id).order_by(Matter.id)))[::3]
    for operator in (HEAD, CLERK):
        together = suggestions_for_many(ctx, ids, operator)
        assert set(together) == set(ids)
        one_by_one = {i: suggestions_for(ctx, i, operator) for i in ids}
        assert together == one_by_one
        assert sum(1 for v in together.values() if v) > 10  # the demo's repeats and reviews give real suggestions
