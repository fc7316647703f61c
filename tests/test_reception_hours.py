"""Reception hours with a lunch break (issue 9 item 17): the shipped data gives the periods, the day's slots and
the booking labels follow them, and the rule setter refuses slots that do not fit, in Chinese, saving nothing."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.test_reception_support import register  # noqa: F401  (fixture)
from xfdesk.domain.reception import ReceptionRuleError
from xfdesk.services import reception as rs

NEXT_THURSDAY = dt.date(2026, 11, 26)


def test_default_hours_come_from_the_shipped_data_and_skip_lunch(ctx, head, clerk, register):
    rule = rs.reception_rule(ctx)
    assert rule.sessions == ((dt.time(9, 0), dt.time(11, 30)), (dt.time(14, 30), dt.time(17, 0)))
    rs.add_leader(ctx, head, "刘建国", "党委书记")
    rs.generate_schedule(ctx, head, 2026, 11, 1)
    view = rs.day_view(ctx, NEXT_THURSDAY)
    assert view.slot_times[4:6] == ["11:00-11:30", "14:30-15:00"]
    assert not any("12:" in t or "13:" in t for t in view.slot_times)
    ids = [m for i in range(6) for m in register(name=f"张{'一二三四五六'[i]}", phone=f"1390000{i:04d}").matter_ids]
    for matter_id in ids:
        rs.book_matter(ctx, clerk, matter_id, NEXT_THURSDAY)
    assert rs.day_view(ctx, NEXT_THURSDAY).appointments[5].slot_label == "14:30-15:00"


def test_rule_setter_refuses_slots_that_do_not_fit_and_keeps_the_old_rule(ctx, head):
    with pytest.raises(ReceptionRuleError, match="排不下"):
        rs.set_reception_rule(ctx, head, slots=12)
    assert rs.reception_rule(ctx).slots == 8
    with pytest.raises(ReceptionRuleError, match="格式不对"):
        rs.set_reception_rule(ctx, head, sessions="上午")
    rule = rs.set_reception_rule(ctx, head, sessions="08:30-11:30、14:00-17:30", slots=12)
    assert rule.start == dt.time(8, 30) and rule.slot_label(7) == "14:00-14:30"
    assert rs.reception_rule(ctx).sessions == rule.sessions  # stored
    # an earlier start opens the morning sooner; the afternoon stays
    rule = rs.set_reception_rule(ctx, head, start="08:00")
    assert rule.sessions[0] == (dt.time(8, 0), dt.time(11, 30)) and rule.sessions[1][0] == dt.time(14, 0)


def test_the_notice_of_the_first_afternoon_slot_prints_its_afternoon_time(ctx, head, clerk, register):
    from pathlib import Path

    from xfdesk.documents.render import docx_text

    rs.add_leader(ctx, head, "刘建国", "党委书记")
    rs.generate_schedule(ctx, head, 2026, 11, 1)
    ids = [m for i in range(6) for m in register(name=f"李{'一二三四五六'[i]}", phone=f"1370000{i:04d}").matter_ids]
    for matter_id in ids:
        rs.book_matter(ctx, clerk, matter_id, NEXT_THURSDAY)
    result = rs.print_day_set(ctx, clerk, NEXT_THURSDAY, send=False)
    sixth = next(d for d in result.documents if d.kind == "leader_reception_notice" and d.matter_id == ids[5])
    body = docx_text(Path(sixth.file_path))
    assert "14:30" in body and "11:30-12:00" not in body
