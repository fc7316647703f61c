"""检举控告 matters: identity for the office head only, every view logged, no identity in a clerk's lists."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlmodel import select

from xfdesk.domain.privacy import RESTRICTED_NAME
from xfdesk.services.access import AccessRefused, log_restricted_view, petitioner_identity
from xfdesk.services.queries import list_matters, matter_detail
from xfdesk.services.screening import screen_matter, screening_queue
from xfdesk.storage.models import Event, Matter


def view_matter(ctx, operator, matter_ref):  # noqa: ANN001, ANN201 - the detail service logs the view itself
    return matter_detail(ctx, matter_ref, operator)

ACCUSATION = "举报村干部虚报冒领低保"


def views(ctx, mid) -> list[Event]:
    with ctx.db.read() as s:
        return list(s.exec(select(Event).where(Event.matter_id == mid, Event.action == "view_restricted")
                           .order_by(Event.id)))


@pytest.fixture
def restricted(ctx, register, clerk):
    mid = register(name="赵六", summaries=(ACCUSATION,)).matter_ids[0]
    screen_matter(ctx, clerk, mid, kind="检举控告", route="accept", reason_code="accept_accusation", suggestions=[])
    return mid


def test_clerk_view_hides_identity_and_is_logged(ctx, restricted, clerk):
    detail = view_matter(ctx, clerk, restricted)
    assert detail["restricted"] and detail["petitioner"] is None
    [ev] = views(ctx, restricted)
    assert (ev.actor, ev.role, ev.data["identity_shown"]) == ("王芳", "clerk", False)


def test_head_view_shows_identity_and_is_logged(ctx, restricted, head):
    detail = view_matter(ctx, head, restricted)
    assert detail["petitioner"]["name"] == "赵六"
    [ev] = views(ctx, restricted)
    assert ev.actor == "李主任" and ev.data["identity_shown"] is True


def test_identity_request_refused_for_clerk_and_the_attempt_is_logged(ctx, restricted, clerk, head):
    with pytest.raises(AccessRefused, match="信访办主任"):
        petitioner_identity(ctx, clerk, restricted)
    assert [e.data["what"] for e in views(ctx, restricted)] == ["identity"]
    assert petitioner_identity(ctx, head, restricted)["name"] == "赵六"
    assert len(views(ctx, restricted)) == 2


def test_ordinary_matters_are_not_logged(ctx, register, clerk):
    mid = register(summaries=("反映村道路灯长期不亮",)).matter_ids[0]
    assert view_matter(ctx, clerk, mid)["petitioner"]["name"] == "张三"
    with ctx.db.write() as s:
        assert log_restricted_view(s, clerk, s.get(Matter, mid)) is None
    assert views(ctx, mid) == []


def test_lists_show_a_clerk_no_identity(ctx, restricted, register, clerk, head):
    register(summaries=(ACCUSATION + "（第二件）",), kind="检举控告")
    [row] = [r for r in list_matters(ctx, operator=clerk) if r.id == restricted]
    assert row.petitioner == RESTRICTED_NAME
    assert all(r.petitioner == RESTRICTED_NAME for r in screening_queue(ctx, clerk))
    assert [r.petitioner for r in screening_queue(ctx, head)] == ["张三"]


def test_opening_a_screen_on_a_restricted_matter_is_logged(ctx, restricted, register, clerk):
    from xfdesk.services.access import note_view

    ev = note_view(ctx, clerk, restricted, "handling")
    assert ev is not None and views(ctx, restricted)[-1].data == {"what": "handling", "identity_shown": False}
    plain = register(summaries=("反映村道路灯长期不亮",)).matter_ids[0]
    assert note_view(ctx, clerk, plain, "handling") is None and views(ctx, plain) == []


def test_suggestions_never_link_an_accusation_and_the_same_persons_ordinary_matters_for_a_clerk(
        ctx, register, clerk, head):
    from tests.conftest import make_id_number
    from xfdesk.services.screening import suggestions_for

    person = make_id_number(serial=321)
    text = "举报村主任侵占集体土地补偿款"
    accusation = register(id_number=person, summaries=(text,), kind="检举控告",
                          received_at=dt.datetime(2026, 11, 2, 9)).matter_ids[0]
    screen_matter(ctx, clerk, accusation, kind="检举控告", route="accept", reason_code="accept_accusation",
                  suggestions=[], on=dt.date(2026, 11, 3))
    ordinary = register(id_number=person, summaries=(text + "，要求查处",)).matter_ids[0]
    # the head sees the link (the same demand is being handled); a clerk must not learn who the accuser is
    assert [s.reason_code for s in suggestions_for(ctx, ordinary, head)] == ["na_being_handled"]
    assert suggestions_for(ctx, ordinary, clerk) == []
    # and screening by a clerk records what the clerk was shown
    ev = screen_matter(ctx, clerk, ordinary, kind="申诉求决", route="accept", reason_code="accept_claim")
    assert ev.data["suggestions"] == [] and ev.data["suggestion_outcome"] is None
