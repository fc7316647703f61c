"""80×24 snapshot of a reception day's documents list with its 对象 column (issue 9 item 17): a clerk sees the
petitioners by name, the 检举控告 accuser masked. Update: ``--snapshot-update`` on this file only."""

from __future__ import annotations

import datetime as dt

from tests.test_reception_support import register  # noqa: F401  (fixture)
from tests.test_tui_helpers import make_app, wait_interactive
from xfdesk.services import documents as ds
from xfdesk.services import reception as rs


def test_days_notices_with_who_each_is_for_at_80x24(snap_compare, ctx, clerk, head, register):
    from xfdesk.tui.screens.documents import DayPrintScreen

    rs.add_leader(ctx, head, "刘建国", "党委书记")
    rs.generate_schedule(ctx, head, 2026, 11, 2)
    day = dt.date(2026, 11, 26)
    for name, kw in (("钟秀英", {}), ("欧阳慕容德华", {}),
                     ("曾德泰", {"kind": "检举控告", "category": "党纪政纪", "summaries": ("举报村干部侵占集体资金",)})):
        rs.book_matter(ctx, clerk, register(name=name, phone=None, **kw).matter_ids[0], day)
    day_id = rs.day_view(ctx, day).id
    ds.issue_day_set(ctx, head, day_id)
    app = make_app(ctx, clerk)

    async def open_list(pilot) -> None:  # noqa: ANN001
        await wait_interactive(pilot)
        await pilot.app.push_screen(DayPrintScreen(ctx, clerk, day_id))
        await pilot.pause(0.3)
        pilot.app.clear_notifications()
        await pilot.pause()

    assert snap_compare(app, terminal_size=(80, 24), run_before=open_list)
