"""The period report (issue 14): the arithmetic, a hand-computed fixture office, the ranking and the 通报 rule,
the CLI and the XLSX read back."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from xfdesk.domain.lifecycle import Action
from xfdesk.domain.statistics import (FLAG_RECTIFY, FLAG_SELF_EXAM, Period, ReportRules, UnitClocks,
                                      apply_notification_rule, change_text, month_period, rank_unit_clocks,
                                      rules_from_mapping)

RULES = ReportRules(bottom_units=3, rectify_after_months=2, self_exam_after_months=3, ranking_min_clocks=3)


# -- domain --------------------------------------------------------------------------------------------------------


def test_periods_and_their_comparisons():
    oct_ = month_period("2026-10")
    assert (oct_.start, oct_.end, oct_.label) == (dt.date(2026, 10, 1), dt.date(2026, 11, 1), "2026年10月")
    assert oct_.previous() == month_period("2026-09") and oct_.year_before() == month_period("2025-10")
    q1 = Period(dt.date(2026, 1, 1), dt.date(2026, 4, 1))
    assert q1.label == "2026年第一季度" and q1.previous() == Period(dt.date(2025, 10, 1), dt.date(2026, 1, 1))
    assert Period(dt.date(2026, 1, 1), dt.date(2026, 7, 1)).label == "2026年上半年"
    assert Period(dt.date(2026, 1, 1), dt.date(2027, 1, 1)).label == "2026年"
    odd = Period(dt.date(2024, 2, 29), dt.date(2024, 3, 10))
    assert odd.year_before().start == dt.date(2023, 2, 28) and odd.previous().end == odd.start
    assert [m.label for m in Period(dt.date(2026, 11, 15), dt.date(2027, 1, 1)).months()][1] == "2026年12月"
    with pytest.raises(ValueError, match="YYYY-MM"):
        month_period("11/2026")


def test_change_without_a_base_is_a_dash_not_infinity():
    assert change_text(5, 0) == "—"
    assert change_text(12, 10) == "+20.00%" and change_text(8, 10) == "-20.00%" and change_text(0, 4) == "-100.00%"


def test_ranking_ties_threshold_and_bottom():
    rows = [UnitClocks("派出所", 10, 9), UnitClocks("司法所", 5, 5), UnitClocks("城建办", 4, 4),
            UnitClocks("纪委", 10, 6), UnitClocks("财政所", 5, 3), UnitClocks("综治中心", 10, 6),
            UnitClocks("新坊村委会", 2, 0)]  # too few to rank
    ranking = rank_unit_clocks(rows, RULES)
    assert [(u.unit, u.position) for u in ranking] == [
        ("司法所", 1), ("城建办", 2),  # both 100%: more settled ranks higher (ties by volume)
        ("派出所", 3), ("纪委", 4), ("综治中心", 4),  # equal rate and volume share a place
        ("财政所", 6), ("新坊村委会", None)]
    assert [u.unit for u in ranking if u.bottom] == ["纪委", "综治中心", "财政所"]
    # three units ranked: nobody is "the bottom three"
    assert not any(u.bottom for u in rank_unit_clocks(rows[:3], RULES))
    # a unit with nothing late is not 通报 even in the last places (ranked low on volume alone)
    perfect = rank_unit_clocks([UnitClocks(u, n, n) for u, n in (("甲", 9), ("乙", 8), ("丙", 7), ("丁", 6))]
                               + [UnitClocks("戊", 5, 4)], RULES)
    assert [u.unit for u in perfect if u.bottom] == ["戊"]


def test_notification_rule_over_three_months():
    def month(bottom: list[str]) -> list:
        units = ["派出所", "司法所", "城建办", "纪委", "财政所", "综治中心"]  # the others: 9 of 10 on time
        rows = [UnitClocks(u, 10, 3 if u in bottom else 9) for u in units]
        return rank_unit_clocks(rows, RULES)

    sept, oct_, nov = month(["纪委", "财政所", "综治中心"]), month(["纪委", "综治中心", "派出所"]), \
        month(["纪委", "派出所", "司法所"])
    flags = {u.unit: (u.streak, u.flag) for u in apply_notification_rule([sept, oct_, nov], RULES)}
    assert flags["纪委"] == (3, FLAG_SELF_EXAM)
    assert flags["派出所"] == (2, FLAG_RECTIFY)
    assert flags["司法所"] == (1, "") and flags["综治中心"] == (0, "") and flags["财政所"] == (0, "")


def test_rules_are_data_and_checked():
    rules = rules_from_mapping({"ranking": {"bottom_units": 2, "min_clocks": 5}, "basis": {"按期办结率": "口径"}})
    assert (rules.bottom_units, rules.ranking_min_clocks, rules.basis) == (2, 5, (("按期办结率", "口径"),))
    with pytest.raises(ValueError, match="bottom_units"):
        rules_from_mapping({"ranking": {"bottom_units": 0}})


def test_shipped_rules_state_the_basis(ctx):
    from xfdesk.services.reports import load_rules

    rules = load_rules(ctx)
    assert (rules.bottom_units, rules.rectify_after_months, rules.self_exam_after_months) == (3, 2, 3)
    basis = dict(rules.basis)
    assert "xfdesk stats" in basis["按期办结率"]  # the difference from the old command is said where it matters


# -- a hand-computed fixture office ------------------------------------------------------------------------------

AT = dt.time(10, 0)


def _at(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, AT)


@pytest.fixture
def office(ctx, head, register):
    """October 2026 (today is 2026-11-21):

    A  received 10-08, notice delivered 10-09, assigned, replied 10-30 (on time), follow-up 满意 → resolved first time
    B  received 10-10, accepted but the 受理告知书 never went out (due 10-25): a late notice settled in October
    C  received 10-12, notice 10-13, assigned, replied 10-20, follow-up 不满意 → finished, not resolved
    D  received 10-15 (5 people, 集体访, 重复访), mediation agreed 10-28 → resolved, never evaluated, no notice needed
       before… its notice was delivered 10-16
    E  received 09-20, accepted 09-21, assigned, handling due 11-20 … still open: settles (late) on 11-21, not in Oct
    F  received 2025-10-05 (a year earlier: 同比 base), G received 2026-09-03 (环比 base)
    """
    from xfdesk.services.handling import follow_up_matter
    from xfdesk.services.lifecycle import apply_action

    def do(matter_id: int, action: Action, day: dt.date, **kw) -> None:
        apply_action(ctx, head, matter_id, action, on=day, at=_at(day), **kw)

    ids = {}
    ids["A"] = register(received_at=_at(dt.date(2026, 10, 8)), summaries=("A 宅基地边界",)).matter_ids[0]
    ids["B"] = register(received_at=_at(dt.date(2026, 10, 10)), summaries=("B 低保申请",), category="民政",
                        village="新坊村").matter_ids[0]
    ids["C"] = register(received_at=_at(dt.date(2026, 10, 12)), summaries=("C 工资拖欠",),
                        category="劳动社保", channel="来电").matter_ids[0]
    ids["D"] = register(received_at=_at(dt.date(2026, 10, 15)), summaries=("D 山林权属",), headcount=5).matter_ids[0]
    ids["E"] = register(received_at=_at(dt.date(2026, 9, 20)), summaries=("E 道路修缮",)).matter_ids[0]
    ids["F"] = register(received_at=_at(dt.date(2025, 10, 5)), summaries=("F 去年同期",)).matter_ids[0]
    ids["G"] = register(received_at=_at(dt.date(2026, 9, 3)), summaries=("G 上月",)).matter_ids[0]
    for key, accept, notice, assign, reply, unit in (
            ("A", dt.date(2026, 10, 9), dt.date(2026, 10, 9), dt.date(2026, 10, 10), dt.date(2026, 10, 30), 1),
            ("C", dt.date(2026, 10, 13), dt.date(2026, 10, 13), dt.date(2026, 10, 13), dt.date(2026, 10, 20), 2)):
        do(ids[key], Action.ACCEPT, accept)
        do(ids[key], Action.NOTICE_DELIVERED, notice)
        do(ids[key], Action.ASSIGN, assign, changes={"unit_id": unit})
        do(ids[key], Action.REPLY, reply, reason="已答复")
    follow_up_matter(ctx, head, ids["A"], method="电话", satisfaction="满意", on=dt.date(2026, 11, 2))
    follow_up_matter(ctx, head, ids["C"], method="电话", satisfaction="不满意", on=dt.date(2026, 10, 25))
    do(ids["B"], Action.ACCEPT, dt.date(2026, 10, 12))
    do(ids["D"], Action.ACCEPT, dt.date(2026, 10, 16))
    do(ids["D"], Action.NOTICE_DELIVERED, dt.date(2026, 10, 16))
    do(ids["D"], Action.START_MEDIATION, dt.date(2026, 10, 20))
    do(ids["D"], Action.MEDIATION_AGREED, dt.date(2026, 10, 28), reason="双方达成协议")
    do(ids["E"], Action.ACCEPT, dt.date(2026, 9, 21))
    do(ids["E"], Action.NOTICE_DELIVERED, dt.date(2026, 9, 21))
    do(ids["E"], Action.ASSIGN, dt.date(2026, 9, 22), changes={"unit_id": 2})
    from sqlmodel import update

    from xfdesk.storage.models import Deadline, Matter

    with ctx.db.write() as s:  # make D a repeat visit, E's handling due yesterday (a fixture, not a workflow)
        s.exec(update(Matter).where(Matter.id == ids["D"]).values(is_repeat=True, is_group=True))
        s.exec(update(Deadline).where(Deadline.matter_id == ids["E"], Deadline.name == "handling")
               .values(due_on=dt.date(2026, 11, 20)))
    return ids


def test_month_report_figures_by_hand(ctx, head, office):
    from xfdesk.services.reports import period_report

    report = period_report(ctx, head, month_period("2026-10"))
    total = report.total("信访事项（件）")
    assert (total.current, total.previous, total.year_ago) == (4, 2, 1)  # A B C D / E G / F
    assert (total.month_on_month, total.year_on_year) == ("+100.00%", "+300.00%")
    assert report.total("集体访（件）").current == 1 and report.total("重复访（件）").current == 1
    assert report.total("集体访（批次）").current == 1 and report.total("来访人次").current == 1 + 1 + 1 + 5
    channels = {c.channel: c for c in report.channels}
    assert (channels["走访"].matters.current, channels["来电"].matters.current, channels["来电"].people) == (3, 1, 1)
    assert dict(report.categories) == {"邻里纠纷": 2, "民政": 1, "劳动社保": 1}
    rates = {r.name: (r.ratio.part, r.ratio.whole) for r in report.rates}
    # 受理告知: A, C, D delivered in time in October; B's notice (due in October) never went out
    assert rates["及时受理率"] == (3, 4)
    # 办理: A and C replied on time in October; D's mediation agreement ends its clock on time; E settles in November
    assert rates["按期办结率"] == (3, 3)
    # 办结 in October: A, C (答复) and D (调解结案); resolved: A (满意) and D (agreement); first time: the same two
    assert rates["化解率"] == (2, 3) and rates["一次性化解率"] == (2, 3)
    assert rates["满意率"] == (1, 2) and rates["参评率"] == (2, 3)
    assert report.rate("化解率").text == "66.67%"
    assert dict(report.mediation) == {"开始调处": 1, "调解达成协议": 1, "调解不成转办理": 0}


def test_a_month_without_denominators_says_so(ctx, head, office):
    from xfdesk.services.reports import period_report

    report = period_report(ctx, head, month_period("2026-06"))
    assert all(r.ratio.whole == 0 and r.ratio.text == "—" for r in report.rates)
    assert report.total("信访事项（件）").month_on_month == "—"


def test_november_counts_the_late_clock_of_a_september_matter(ctx, head, office):
    from xfdesk.services.reports import figure_matters, period_report

    nov = month_period("2026-11")
    assert period_report(ctx, head, nov).rate("按期办结率").whole == 1  # E, overdue since 11-21 (today)
    late = figure_matters(ctx, head, nov, "handling_late")
    assert [m.summary for m in late.lines] == ["E 道路修缮"]
    assert [m.summary for m in figure_matters(ctx, head, month_period("2026-10"), "notice_late").lines] == ["B 低保申请"]


def test_clerk_sees_accusations_only_as_a_count(ctx, head, clerk, office, register):
    from xfdesk.services.lifecycle import apply_action
    from xfdesk.services.reports import RESTRICTED_GROUP, figure_matters, period_report

    secret = register(received_at=_at(dt.date(2026, 10, 20)), summaries=("检举某站所负责人",), category="党纪政纪",
                      village="古樟村", kind="检举控告").matter_ids[0]
    apply_action(ctx, head, secret, Action.ACCEPT, on=dt.date(2026, 10, 21), at=_at(dt.date(2026, 10, 21)))
    as_clerk = period_report(ctx, clerk, month_period("2026-10"))
    assert dict(as_clerk.categories)[RESTRICTED_GROUP] == 1 and "党纪政纪" not in dict(as_clerk.categories)
    assert "古樟村" not in dict(as_clerk.villages)
    assert dict(period_report(ctx, head, month_period("2026-10")).categories)["党纪政纪"] == 1
    listed = figure_matters(ctx, clerk, month_period("2026-10"), "matters")
    assert listed.withheld == 1 and all("检举" not in m.summary for m in listed.lines)


def test_report_month_command_writes_the_workbook(ctx, office, capsys, tmp_path):
    from openpyxl import load_workbook

    from xfdesk.cli.app import run

    out = tmp_path / "月报.xlsx"
    assert run(["--home", str(ctx.home.root), "report", "month", "2026-10", "--xlsx", str(out)]) == 0
    text = capsys.readouterr().out
    assert "琴江镇信访办2026年10月信访工作情况" in text and "75.00%" in text
    wb = load_workbook(out)
    assert wb.sheetnames == ["总体情况", "按来访形式", "按问题类别", "按属地", "主要指标", "督办调处接访", "单位排名",
                             "统计口径"]
    rates = {row[0]: row for row in wb["主要指标"].iter_rows(min_row=2, values_only=True)}
    assert rates["及时受理率"][1] == 3 and rates["及时受理率"][3] == 4 and rates["及时受理率"][5] == 0.75
    assert wb["主要指标"]["F2"].number_format == "0.00%" and wb["总体情况"].freeze_panes == "A2"
    totals = {row[0]: row for row in wb["总体情况"].iter_rows(min_row=2, values_only=True)}
    assert totals["信访事项（件）"][1:4] == (4, 2, 1.0)

    assert run(["--home", str(ctx.home.root), "report", "month", "2026-06", "--json"]) == 0
    empty = json.loads(capsys.readouterr().out)
    assert all(r["rate"] is None for r in empty["rates"])
    assert run(["--home", str(ctx.home.root), "report", "month", "2026-13"]) == 1
    assert "YYYY-MM" in capsys.readouterr().err
    assert run(["--home", str(ctx.home.root), "report", "month", "--from", "2026-10-01", "--to", "2026-12-31",
                "--json"]) == 0
    quarter = json.loads(capsys.readouterr().out)
    assert quarter["title"].endswith("2026年第四季度信访工作情况") and quarter["totals"][0]["current"] == 4


def test_report_matters_command(ctx, office, capsys):
    from xfdesk.cli.app import run

    assert run(["--home", str(ctx.home.root), "report", "matters", "notice_late", "2026-10"]) == 0
    out = capsys.readouterr().out
    assert "B 低保申请" in out and "1 件" in out
    assert run(["--home", str(ctx.home.root), "report", "matters", "nonsense", "2026-10"]) == 1
    assert "没有这项数字" in capsys.readouterr().err


# -- the documents: 信访工作情况报告 and 限期整改督查通知书 -------------------------------------------------------------


def test_work_report_document(ctx, head, office, capsys):
    from xfdesk.cli.app import run
    from xfdesk.services.documents import docx_text
    from xfdesk.services.reports import issue_work_report

    report, doc = issue_work_report(ctx, head, month_period("2026-10"))
    text = docx_text(doc.file_path)
    assert "2026年10月信访工作情况报告" in text and "共登记信访事项4件，环比+100.00%，同比+300.00%" in text
    assert "及时受理率75.00%" in text and "3（按期书面告知（件））" in text and "琴信报〔2026〕1号" in text
    assert "{{" not in text and "{%" not in text
    assert run(["--home", str(ctx.home.root), "report", "month", "2026-10", "--docx"]) == 0
    assert "琴信报〔2026〕2号" in capsys.readouterr().out


def _flag_three_months(ctx, head, register, unit_id: int) -> None:
    """Six units, each with clocks settled on time in Aug, Sep and Oct; ``unit_id``'s late each month."""
    from sqlmodel import update

    from xfdesk.services.lifecycle import apply_action
    from xfdesk.storage.models import Deadline

    for month in (8, 9, 10):
        for unit in range(1, 7):
            for n in range(3):
                day = dt.date(2026, month, 2 + n)
                mid = register(received_at=_at(day), summaries=(f"单位{unit}事项{month}-{n}",)).matter_ids[0]
                apply_action(ctx, head, mid, Action.ACCEPT, on=day, at=_at(day))
                apply_action(ctx, head, mid, Action.ASSIGN, on=day, at=_at(day), changes={"unit_id": unit})
                with ctx.db.write() as s:
                    late = unit == unit_id or (unit in (2, 3) and n == 0)  # two others each one late
                    s.exec(update(Deadline).where(Deadline.matter_id == mid, Deadline.name == "handling").values(
                        state="late" if late else "met", due_on=dt.date(2026, month, 20),
                        ended_on=dt.date(2026, month, 25 if late else 15), on_time=not late))


def test_rectification_notice_only_for_a_flagged_unit(ctx, head, register, capsys):
    from xfdesk.cli.app import run
    from xfdesk.services.documents import docx_text
    from xfdesk.services.reports import ReportRefused, issue_rectification_notice, unit_ranking

    _flag_three_months(ctx, head, register, unit_id=1)
    ranking, _ = unit_ranking(ctx, month_period("2026-10"))
    flags = {u.unit: (u.streak, u.flag) for u in ranking}
    assert flags["派出所"] == (3, FLAG_SELF_EXAM)
    doc = issue_rectification_notice(ctx, head, month_period("2026-10"), "派出所")
    text = docx_text(doc.file_path)
    assert text.startswith("") and "派出所：" in text and "2026年8月、9月、10月连续3个月" in text
    assert "后3名" in text and "办理超期3件" in text and "本月按期办结率0.00%" in text
    with pytest.raises(ReportRefused, match="不能发限期整改督查通知书"):
        issue_rectification_notice(ctx, head, month_period("2026-10"), "城建办")
    assert run(["--home", str(ctx.home.root), "report", "ranking", "2026-10"]) == 0
    out = capsys.readouterr().out
    assert "书面检查" in out and "派出所" in out
    assert run(["--home", str(ctx.home.root), "report", "notice", "城建办", "2026-10"]) == 1
    assert "不能发限期整改督查通知书" in capsys.readouterr().err
