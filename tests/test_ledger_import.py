"""A county's Excel 台账 in (issue 14 item 5): crafted ledgers whose columns, dates, merged cells and blank rows
vary as real ones do; the dry run's report; the real run all-or-nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from openpyxl import Workbook
from sqlmodel import func, select

from tests.conftest import make_id_number
from xfdesk.domain.ledger import CellRefused, match_headers, normalize_header, parse_date

ID_A = make_id_number("19700101", serial=11)
ID_B = make_id_number("19850615", serial=12)


def test_dates_as_offices_type_them():
    for value in ("2026.3.5", "2026年3月5日", "2026-03-05", "2026/3/5", "20260305", 46086, 46086.0,
                  dt.datetime(2026, 3, 5, 14, 0), "2026-03-05 14:30"):
        assert parse_date(value, "登记日期") == dt.date(2026, 3, 5), value
    assert parse_date("", "登记日期") is None
    with pytest.raises(CellRefused, match="不是有效日期"):
        parse_date("2026.2.30", "登记日期")
    with pytest.raises(CellRefused, match="无法识别"):
        parse_date("三月五日", "登记日期")


def test_headers_by_alias_and_by_map():
    assert normalize_header(" 来访日期\n（年月日）") == "来访日期" and normalize_header("村（社区）") == "村（社区）"
    found = match_headers(["序号", "来访时间", "姓名", "反映问题", "承办单位", "群众电话"], {"群众电话": "phone"})
    assert found == {"serial": 0, "received_on": 1, "name": 2, "summary": 3, "unit": 4, "phone": 5}


def _ledger(path, rows, *, title=True, merge=None):  # noqa: ANN001
    wb = Workbook()
    ws = wb.active
    ws.title = "2024年台账"
    if title:
        ws.append(["琴江镇2024年信访登记台账"])
        ws.merge_cells("A1:H1")
    for row in rows:
        ws.append(row)
    for rng in merge or ():
        ws.merge_cells(rng)
    wb.save(path)
    return path


HEADER = ["序号", "来访日期", "姓名", "身份证号码", "电话", "问题类别", "反映问题", "承办单位", "办结日期",
          "满意度", "人数", "备注"]


@pytest.fixture
def good(tmp_path):
    return _ledger(tmp_path / "good.xlsx", [
        HEADER,
        [1, "2024.3.5", "刘建国", ID_A, 13912345678, "邻里纠纷", "要求调处宅基地边界", "司法所", "2024年3月20日", "满意", 1, ""],
        [2, None, None, None, None, "城乡建设", "反映村道破损", "城建办", 45390, "基本满意", 1, "同一次来访"],
        [],
        [3, dt.datetime(2024, 5, 6), "王秀英", ID_B, "13800005678", "土地纠纷", "山林权属争议", "镇国土所", None, "", 6, ""],
    ], merge=["B3:B4", "C3:C4", "D3:D4", "E3:E4"])  # one visit with two demands: date and person merged


def test_dry_run_reports_and_writes_nothing(ctx, head, good, register):
    from xfdesk.services.ledger_import import import_ledger
    from xfdesk.storage.models import Matter

    register(name="刘建国", id_number=ID_A)  # already on record
    report = import_ledger(ctx, head, good, dry_run=True)
    assert report.header_row == 2 and report.blank_rows == 1 and not report.errors
    assert [r.row for r in report.rows] == [3, 4, 6]
    second = report.rows[1].contact
    assert second.received_at.date() == dt.date(2024, 3, 5) and second.petitioners[0].name == "刘建国"
    assert report.rows[1].answered_on == dt.date(2024, 4, 8)  # Excel serial 45390
    assert [(row, how) for row, _, how in report.matched_people] == [(3, "身份证号相同"), (4, "身份证号相同")]
    assert list(report.unknown_units) == ["镇国土所"]
    from xfdesk.services.reference import categories

    assert report.unknown_categories["土地纠纷"] in categories(ctx.home)  # the closest known name is offered
    assert report.without_answer_date == 1
    with ctx.db.read() as s:
        assert s.exec(select(func.count()).select_from(Matter)).one() == 1  # only the one registered above


def test_real_run_archives_on_the_answer_date_with_clocks_cancelled(ctx, head, good, register):
    from xfdesk.services.ledger_import import import_ledger
    from xfdesk.storage.models import Deadline, FollowUp, Matter, Petitioner, Unit

    report = import_ledger(ctx, head, good)
    assert report.numbers == ["XF-2024-000001", "XF-2024-000002", "XF-2024-000003"]
    with ctx.db.read() as s:
        matters = s.exec(select(Matter).where(Matter.year == 2024).order_by(Matter.id)).all()
        assert [m.status for m in matters] == ["archived"] * 3
        assert [m.closed_on for m in matters] == [dt.date(2024, 3, 20), dt.date(2024, 4, 8), dt.date(2024, 5, 6)]
        assert matters[0].petitioner_id == matters[1].petitioner_id  # merged rows: the same person
        assert s.get(Unit, matters[0].unit_id).name == "司法所" and matters[2].unit_id is None
        assert "原责任单位：镇国土所" in matters[2].details and "原台账编号" not in matters[2].details
        assert matters[2].is_group and "备注" not in matters[2].details
        open_clocks = s.exec(select(Deadline).where(Deadline.state == "open")).all()
        assert open_clocks == []
        assert {f.satisfaction for f in s.exec(select(FollowUp))} == {"满意", "基本满意"}
        assert s.exec(select(func.count()).select_from(Petitioner)).one() == 2


def test_one_bad_row_refuses_the_file(ctx, head, tmp_path):
    from xfdesk.services.ledger_import import LedgerImportRejected, import_ledger
    from xfdesk.storage.models import Matter

    bad = _ledger(tmp_path / "bad.xlsx", [
        HEADER,
        [1, "2024.3.5", "刘建国", ID_A, "13912345678", "邻里纠纷", "要求调处宅基地边界", "司法所", "", "", 1, ""],
        [2, "2024.13.5", "李四", "", "", "", "反映噪音", "", "", "", 1, ""],
        [3, "2024.3.6", "", "", "", "", "反映积水", "", "", "", "两人", ""],
        [4, "2024.3.7", "赵六", "360735198001011234", "", "", "反映路灯", "", "", "", 1, ""],
    ], title=False)
    with pytest.raises(LedgerImportRejected, match="没有任何改动") as caught:
        import_ledger(ctx, head, bad)
    messages = [e.message for e in caught.value.report.errors]
    assert "第3行“来访日期”列：登记日期“2024.13.5”不是有效日期" in messages
    assert any(m.startswith("第4行“姓名”列") for m in messages)
    assert any(m.startswith("第4行“人数”列") for m in messages)
    assert any(m.startswith("第5行“身份证号码”列") for m in messages)
    with ctx.db.read() as s:
        assert s.exec(select(func.count()).select_from(Matter)).one() == 0


def test_missing_columns_and_a_map_file(ctx, head, tmp_path):
    from xfdesk.services.ledger_import import LedgerImportRejected, import_ledger, load_map

    odd = _ledger(tmp_path / "odd.xlsx", [["时间点", "群众", "反映的主要问题", "单位"],
                                          ["2024-07-01", "孙七", "反映低保评定不公", "镇民政所"]], title=False)
    with pytest.raises(LedgerImportRejected, match="找不到这些列：登记日期、信访人"):
        import_ledger(ctx, head, odd, dry_run=True)
    mapping = tmp_path / "map.toml"
    mapping.write_text('[columns]\n"时间点" = "received_on"\n"群众" = "name"\n"反映的主要问题" = "summary"\n'
                       '"单位" = "unit"\n[units]\n"镇民政所" = "社会事务办"\n', encoding="utf-8")
    report = import_ledger(ctx, head, odd, mapping=load_map(mapping))
    assert report.rows[0].unit == "社会事务办" and report.numbers == ["XF-2024-000001"]
    (tmp_path / "wrong.toml").write_text('[columns]\n"x" = "nonsense"\n', encoding="utf-8")
    with pytest.raises(LedgerImportRejected, match="没有这些字段：nonsense"):
        load_map(tmp_path / "wrong.toml")


def test_import_ledger_command(ctx, good, capsys, tmp_path):
    from xfdesk.cli.app import run

    home = str(ctx.home.root)
    assert run(["--home", home, "import-ledger", str(good), "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "可导入 3 行" in out and "检查通过" in out and "镇国土所" in out
    assert run(["--home", home, "import-ledger", str(good)]) == 0
    assert "XF-2024-000001 至 XF-2024-000003" in capsys.readouterr().out
    (tmp_path / "nope.xlsx").write_text("not a workbook", encoding="utf-8")
    assert run(["--home", home, "import-ledger", str(tmp_path / "nope.xlsx")]) == 1
    assert "不是可读取的 Excel 工作簿" in capsys.readouterr().err
