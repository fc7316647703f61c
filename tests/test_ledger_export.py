"""The Excel 台账 out (issue 14 item 4), read back with openpyxl."""

from __future__ import annotations

import datetime as dt

import pytest
from openpyxl import load_workbook

from tests.conftest import make_id_number
from xfdesk.domain.lifecycle import Action


def _rows(path):
    ws = load_workbook(path)["信访台账"]
    return ws, [list(r) for r in ws.iter_rows(values_only=True)]


def test_ledger_columns_dates_masks_and_log(ctx, head, register, tmp_path):
    from sqlmodel import select

    from xfdesk.services.handling import follow_up_matter
    from xfdesk.services.ledger_xlsx import LEDGER_COLUMNS, RESTRICTED_NAME, export_ledger
    from xfdesk.services.lifecycle import apply_action
    from xfdesk.storage.models import Event

    id_number = make_id_number("19750302")
    done = register(name="刘建国", id_number=id_number, phone="13912345678", headcount=1,
                    received_at=dt.datetime(2026, 3, 5, 9, 0), summaries=("要求修复村道",)).matter_ids[0]
    apply_action(ctx, head, done, Action.ACCEPT, on=dt.date(2026, 3, 6))
    apply_action(ctx, head, done, Action.ASSIGN, on=dt.date(2026, 3, 6), changes={"unit_id": 1})
    apply_action(ctx, head, done, Action.REPLY, on=dt.date(2026, 4, 1), reason="已修复")
    follow_up_matter(ctx, head, done, method="电话", satisfaction="基本满意", on=dt.date(2026, 4, 8))
    register(name="陈小红", received_at=dt.datetime(2026, 6, 1, 9, 0), summaries=("检举村干部侵占补偿款",),
             kind="检举控告", headcount=5)
    register(received_at=dt.datetime(2025, 12, 30, 9, 0))  # outside the year

    out = tmp_path / "2026年台账.xlsx"
    result = export_ledger(ctx, head, out, since=dt.date(2026, 1, 1), until=dt.date(2026, 12, 31))
    assert (result.rows, result.restricted, result.full) == (2, 1, False)
    ws, rows = _rows(out)
    assert rows[0] == [h for h, _ in LEDGER_COLUMNS] and ws.freeze_panes == "A2"
    assert ws.column_dimensions["K"].width >= 40  # 诉求摘要 fits Chinese text
    first = dict(zip(rows[0], rows[1]))
    assert first["序号"] == 1 and first["编号"].startswith("XF-2026-")
    assert first["登记日期"] == dt.datetime(2026, 3, 5) and ws["C2"].number_format == "yyyy-mm-dd"
    assert first["身份证号"] == id_number[:4] + "*" * 10 + id_number[-4:] and first["联系电话"] == "139****5678"
    assert first["信访人"] == "刘建国" and first["办理情况"] == "已回访"
    assert first["答复日期"] == dt.datetime(2026, 4, 1) and first["是否办结"] == "是"
    assert first["回访满意度"] == "基本满意" and isinstance(first["办理期限"], dt.datetime)
    secret = dict(zip(rows[0], rows[2]))
    assert secret["信访人"] == RESTRICTED_NAME and not secret["身份证号"] and not secret["联系电话"]
    assert secret["人数"] == 5 and "检举控告" in secret["备注"] and secret["是否办结"] == "否"

    full = export_ledger(ctx, head, tmp_path / "full.xlsx", full=True)
    _, rows = _rows(tmp_path / "full.xlsx")
    assert full.rows == 3 and id_number in [r[5] for r in rows]
    assert "陈小红" in [r[4] for r in rows]
    with ctx.db.read() as s:
        notes = [e.note for e in s.exec(select(Event).where(Event.action == "export"))]
    assert any("已遮蔽" in n for n in notes) and any("含完整身份证号" in n for n in notes)


def test_clerk_may_not_export_full_values(ctx, clerk, tmp_path):
    from xfdesk.services.ledger_xlsx import LedgerRefused, export_ledger

    with pytest.raises(LedgerRefused, match="只有信访办主任"):
        export_ledger(ctx, clerk, tmp_path / "x.xlsx", full=True)
    assert not (tmp_path / "x.xlsx").exists()


def test_export_command(ctx, register, capsys, tmp_path):
    from xfdesk.cli.app import run

    register(received_at=dt.datetime(2026, 11, 3, 9, 0))
    out = tmp_path / "台账.xlsx"
    assert run(["--home", str(ctx.home.root), "export", "--xlsx", str(out), "--from", "2026-11-01"]) == 0
    assert "1项诉求" in capsys.readouterr().out and out.exists()
    assert run(["--home", str(ctx.home.root), "export", "--xlsx", str(tmp_path / "a.json")]) == 1
    assert ".xlsx" in capsys.readouterr().err
