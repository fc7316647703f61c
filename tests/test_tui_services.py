"""The desk's read-only services (history, repeat candidates, home figures) and the draft store's atomicity."""

from __future__ import annotations

import datetime as dt
import os

import pytest

from tests.conftest import TODAY
from xfdesk.domain.privacy import RESTRICTED_NAME
from xfdesk.services import drafts
from xfdesk.services.desk_queries import find_people, home_summary
from xfdesk.services.history import person_history, repeat_candidates
from xfdesk.storage.models import Leader, ReceptionDay, ReceptionDayLeader


def test_person_history_masks_and_hides_restricted_matters_from_a_clerk(ctx, clerk, head, register):
    first = register(name="张三", summaries=("反映宅基地边界纠纷",), received_at=dt.datetime(2026, 11, 2, 9, 0))
    register(name="张三", id_number=None, existing_id=first.petitioner_ids[0], kind="检举控告",
             summaries=("举报村干部优亲厚友",), received_at=dt.datetime(2026, 11, 10, 9, 0))
    for_clerk = person_history(ctx, first.petitioner_ids[0], clerk.role)
    assert [m.summary for m in for_clerk.matters] == ["反映宅基地边界纠纷"]
    assert for_clerk.id_masked.startswith("3607") and "*" in for_clerk.id_masked
    assert for_clerk.phone_masked == "138****1234"
    assert for_clerk.open_count == 1
    for_head = person_history(ctx, first.petitioner_ids[0], head.role)
    assert [m.summary for m in for_head.matters] == ["举报村干部优亲厚友", "反映宅基地边界纠纷"]
    assert "检举控告" in for_head.flags
    assert for_head.last_contact == dt.datetime(2026, 11, 10, 9, 0)


def test_repeat_candidates_same_person_first_then_village_and_only_similar(ctx, clerk, register):
    mine = register(name="张三", summaries=("邻居建房占用我家宅基地，要求拆除",))
    neighbour = register(name="李四", summaries=("邻居建房占用宅基地要求拆除违建",))
    register(name="王五", summaries=("要求发放高龄津贴",))
    register(name="赵六", village="古樟村", summaries=("邻居建房占用我家宅基地，要求拆除",))  # other village
    found = repeat_candidates(ctx, clerk.role, "邻居盖房占了我家宅基地", petitioner_id=mine.petitioner_ids[0],
                              village="大畲村")
    assert [c.id for c in found] == [mine.matter_ids[0], neighbour.matter_ids[0]]
    assert found[0].same_person and not found[1].same_person and found[1].petitioner_name == "李四"
    assert repeat_candidates(ctx, clerk.role, "要", petitioner_id=mine.petitioner_ids[0]) == []  # too short


def test_restricted_village_candidate_has_no_name_for_a_clerk(ctx, clerk, head, register):
    register(name="举报人甲", kind="检举控告", summaries=("举报村干部侵占扶贫款",))
    as_clerk = repeat_candidates(ctx, clerk.role, "村干部侵占扶贫款", village="大畲村")
    as_head = repeat_candidates(ctx, head.role, "村干部侵占扶贫款", village="大畲村")
    assert [c.petitioner_name for c in as_clerk] == [RESTRICTED_NAME]
    assert [c.petitioner_name for c in as_head] == ["举报人甲"]


def test_home_summary_counts_and_next_reception_day(ctx, clerk, register):
    register(name="张三", received_at=dt.datetime(2026, 10, 20, 9, 0), summaries=("早先的诉求",))
    register(name="李四", summaries=("今天的诉求一", "今天的诉求二"))
    with ctx.db.write() as session:
        leader = Leader(name="刘镇长", title="镇长")
        day = ReceptionDay(day=TODAY + dt.timedelta(days=5), planned_for=TODAY + dt.timedelta(days=4), slots=6)
        session.add(leader)
        session.add(day)
        session.flush()
        session.add(ReceptionDayLeader(reception_day_id=day.id, leader_id=leader.id))
    summary = home_summary(ctx, clerk.role)
    assert (summary.contacts_today, summary.matters_today) == (1, 2)
    assert summary.overdue_count == 1 and summary.overdue[0].days_left < 0
    assert summary.contacts[0].summary == "今天的诉求一；今天的诉求二"
    r = summary.next_reception
    assert (r.day, r.leaders, r.slots, r.booked, r.moved_from) == (TODAY + dt.timedelta(days=5), ["刘镇长"], 6, 0,
                                                                   TODAY + dt.timedelta(days=4))


@pytest.mark.parametrize("query", ["zs", "张三", "13800001234", "张三 大畲村"])
def test_find_people_by_every_way_the_desk_allows(ctx, clerk, register, query):
    person = register(name="张三", summaries=("诉求",)).petitioner_ids[0]
    register(name="张三", village="古樟村", phone="13900009999", summaries=("诉求",))
    hits = find_people(ctx, query, operator=clerk, limit=5)
    assert person in [h.petitioner_id for h in hits]
    assert all("*" in h.phone_masked for h in hits if h.phone_masked)


def test_find_people_by_id_number_and_paging(ctx, clerk, register):
    from tests.conftest import make_id_number

    number = make_id_number("19900101", serial=321)
    person = register(name="孙八", id_number=number, summaries=("诉求",)).petitioner_ids[0]
    assert [h.petitioner_id for h in find_people(ctx, number, operator=clerk)] == [person]
    for i in range(5):
        register(name=f"张{i}号", summaries=("诉求",))
    page1 = find_people(ctx, "张", operator=clerk, limit=3, offset=0)
    page2 = find_people(ctx, "张", operator=clerk, limit=3, offset=3)
    assert len(page1) == 3 and len(page2) == 2 and not {h.petitioner_id for h in page1} & {
        h.petitioner_id for h in page2}


def test_interrupted_draft_write_leaves_the_previous_draft_whole(tmp_path, monkeypatch):
    from xfdesk.paths import Home

    home = Home(tmp_path)
    drafts.save_draft(home, "registration", "王芳", {"person": {"name": "第一版"}})

    def power_cut(src, dst):  # noqa: ANN001, ANN202
        raise OSError("断电")

    monkeypatch.setattr(os, "replace", power_cut)
    with pytest.raises(OSError):
        drafts.save_draft(home, "registration", "王芳", {"person": {"name": "第二版"}})
    monkeypatch.undo()
    assert drafts.load_draft(home, "registration", "王芳").data == {"person": {"name": "第一版"}}
    assert not list(home.drafts.glob(".tmp-*"))


@pytest.mark.parametrize(("typed", "chosen"), [
    ("城乡建设", "城乡建设"), ("城乡", "城乡建设"), ("cxjs", "城乡建设"), ("CX", "城乡建设"), ("chengxiang", "城乡建设"),
    ("mz", "民政"), ("nv", "女"), ("nan", "男"), ("n", None), ("城", None), ("xyz", None), ("", None),
])
def test_choice_fields_understand_pinyin(typed, chosen):
    from xfdesk.tui.widgets.fields import resolve_choice

    options = ["城乡建设", "城建", "民政", "男", "女", "涉农"]
    assert resolve_choice(typed, options) == chosen
