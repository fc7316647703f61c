"""The reports an office sends upward (issue 14): the period report (月报/季报/年报), the unit ranking and 通报, the
matters behind a figure, and the 12-month trend.

Every figure is one SQL aggregate (counts grouped in the database, never a Python loop over ORM objects), so a
month of a 100,000-matter office is read in well under the 2 s target. The counting rules (口径) are written in
``data/report_rules.toml`` and printed under every report; the arithmetic is ``domain.statistics``.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import and_, case, func, or_
from sqlmodel import Session, col, select

from xfdesk.domain.errors import Refused
from xfdesk.domain.glossary import Channel, DeadlineState
from xfdesk.domain.lifecycle import HANDLING, NOTICE, REOPENING_ACTIONS, STATUS_LABELS, Action, Status
from xfdesk.domain.statistics import (SATISFIED, Compared, Period, Ratio, ReportRules, UnitClocks, UnitStanding,
                                      add_months, apply_notification_rule, rank_unit_clocks, rules_from_mapping,
                                      settled_window)
from xfdesk.services.reference import read_data
from xfdesk.storage.models import Appointment, Contact, Deadline, Document, Event, FollowUp, Matter, ReceptionDay, Unit

RESTRICTED_GROUP = "检举控告"  # the one row a clerk sees for 检举控告 matters in the category and village tables
UNCATEGORISED = "（未分类）"
NO_VILLAGE = "（未填属地）"
_MET = DeadlineState.MET.value
_LATE = DeadlineState.LATE.value
_OPEN = DeadlineState.OPEN.value
_REOPENING = tuple(a.value for a in REOPENING_ACTIONS)
_MEDIATION = ((Action.START_MEDIATION.value, "开始调处"), (Action.MEDIATION_AGREED.value, "调解达成协议"),
              (Action.MEDIATION_FAILED.value, "调解不成转办理"))
SUPERVISION_KINDS = ("supervision_letter", "supervision_notice")


def load_rules(ctx) -> ReportRules:  # noqa: ANN001
    """The office's ``report_rules.toml`` (its own copy wins over the shipped one)."""
    return rules_from_mapping(read_data(ctx.home, "report_rules.toml"))


# -- what a report holds ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ChannelRow:
    channel: str
    contacts: int  # 批次
    people: int  # 人次
    matters: Compared


@dataclass(frozen=True)
class RateRow:
    name: str
    ratio: Ratio
    numerator: str  # what is counted above the line
    denominator: str


@dataclass
class PeriodReport:
    period: Period
    as_of: dt.date
    office: str
    totals: list[Compared]
    channels: list[ChannelRow]
    categories: list[tuple[str, int]]
    villages: list[tuple[str, int]]
    rates: list[RateRow]
    supervision: list[tuple[str, int]]
    mediation: list[tuple[str, int]]
    leader: list[tuple[str, int]]
    ranking: list[UnitStanding]
    rules: ReportRules
    notes: list[str] = field(default_factory=list)

    @property
    def title(self) -> str:
        return f"{self.office}{self.period.label}信访工作情况"

    def rate(self, name: str) -> Ratio:
        return next(r.ratio for r in self.rates if r.name == name)

    def total(self, label: str) -> Compared:
        return next(t for t in self.totals if t.label == label)


# -- SQL pieces ---------------------------------------------------------------------------------------------------


def _received(period: Period):  # noqa: ANN202
    return and_(Matter.received_on >= period.start, Matter.received_on < period.end)


def _at(column, period: Period):  # noqa: ANN001, ANN202
    return and_(column >= dt.datetime.combine(period.start, dt.time()),
                column < dt.datetime.combine(period.end, dt.time()))


def _count(session: Session, *where) -> int:  # noqa: ANN002
    return int(session.exec(select(func.count()).select_from(Matter).where(*where)).one() or 0)


def _totals(session: Session, period: Period) -> dict[str, int]:
    as_int = lambda flag: func.coalesce(func.sum(case((flag, 1), else_=0)), 0)  # noqa: E731
    matters, group, repeat, skip, restricted = session.exec(
        select(func.count(Matter.id), as_int(Matter.is_group), as_int(Matter.is_repeat),
               as_int(Matter.is_skip_level), as_int(Matter.is_restricted)).where(_received(period))).one()
    contacts, people, group_contacts = session.exec(
        select(func.count(Contact.id), func.coalesce(func.sum(Contact.headcount), 0),
               as_int(Contact.headcount >= 5)).where(_at(Contact.received_at, period))).one()
    return {"信访事项（件）": matters, "来信来访（批次）": contacts, "来访人次": people,
            "集体访（批次）": group_contacts, "集体访（件）": group, "越级访（件）": skip, "重复访（件）": repeat,
            "检举控告（件）": restricted}


def _matters_by_channel(session: Session, period: Period) -> dict[str, int]:
    rows = session.exec(select(Contact.channel, func.count(Matter.id)).join(Contact, Contact.id == Matter.contact_id)
                        .where(_received(period)).group_by(Contact.channel))
    return {c: n for c, n in rows}


def _grouped(session: Session, period: Period, column, empty: str, hide_restricted: bool) -> list[tuple[str, int]]:  # noqa: ANN001
    label = func.coalesce(func.nullif(column, ""), empty)
    if hide_restricted:
        label = case((Matter.is_restricted, RESTRICTED_GROUP), else_=label)
    rows = session.exec(select(label, func.count(Matter.id)).where(_received(period)).group_by(label))
    return sorted(((str(k), int(n)) for k, n in rows), key=lambda r: (-r[1], r[0] == RESTRICTED_GROUP, r[0]))


def _met(name: str, period: Period):  # noqa: ANN202
    (met_from, met_to), _ = settled_window(period)
    return and_(Deadline.name == name, Deadline.state == _MET, Deadline.ended_on >= met_from,
                Deadline.ended_on < met_to)


def _late(name: str, period: Period, today: dt.date):  # noqa: ANN202
    _, (late_from, late_to) = settled_window(period)
    return and_(Deadline.name == name, Deadline.due_on >= late_from, Deadline.due_on < late_to,
                or_(Deadline.state == _LATE, and_(Deadline.state == _OPEN, Deadline.due_on < today)))


def clock_ratio(session: Session, name: str, period: Period, today: dt.date) -> Ratio:
    """On time / settled: two counts, each read from its own index (name, state, ended_on) and (name, due_on)."""
    met = session.exec(select(func.count(Deadline.id)).where(_met(name, period))).one()
    late = session.exec(select(func.count(Deadline.id)).where(_late(name, period, today))).one()
    return Ratio(int(met), int(met) + int(late))


def unit_clocks(session: Session, period: Period, today: dt.date) -> list[UnitClocks]:
    counts: dict[str, list[int]] = {}
    for index, where in ((0, _met(HANDLING, period)), (1, _late(HANDLING, period, today))):
        for unit, n in session.exec(select(Unit.name, func.count(Deadline.id))
                                    .join(Matter, Matter.id == Deadline.matter_id)
                                    .join(Unit, Unit.id == Matter.unit_id).where(where).group_by(Unit.name)):
            counts.setdefault(unit, [0, 0])[index] = int(n)
    return [UnitClocks(u, met + late, met) for u, (met, late) in counts.items()]


@dataclass(frozen=True)
class FinishedFacts:
    finished: int
    resolved: int
    first_time: int
    evaluated: int
    satisfied: int


def _finished(session: Session, period: Period) -> FinishedFacts:
    closed = select(Matter.id).where(Matter.closed_on >= period.start, Matter.closed_on < period.end)
    finished = _count(session, Matter.closed_on >= period.start, Matter.closed_on < period.end)
    if not finished:
        return FinishedFacts(0, 0, 0, 0, 0)
    agreed = set(session.exec(select(Event.matter_id).where(Event.action == Action.MEDIATION_AGREED.value,
                                                             col(Event.matter_id).in_(closed))))
    last: dict[int, str] = {}
    for matter_id, satisfaction in session.exec(
            select(FollowUp.matter_id, FollowUp.satisfaction).where(col(FollowUp.matter_id).in_(closed))
            .order_by(FollowUp.on, FollowUp.id)):
        last[matter_id] = satisfaction
    reopened = set(session.exec(select(Event.matter_id).where(col(Event.action).in_(_REOPENING),
                                                               col(Event.matter_id).in_(closed))))
    reopened |= set(session.exec(select(Matter.repeat_of_id).where(col(Matter.repeat_of_id).in_(closed))))
    resolved = agreed | {m for m, s in last.items() if s in SATISFIED}
    return FinishedFacts(finished, len(resolved), len(resolved - reopened), len(last),
                         sum(1 for s in last.values() if s in SATISFIED))


def _event_counts(session: Session, period: Period, actions: tuple[str, ...]) -> Counter:
    return Counter({a: n for a, n in session.exec(
        select(Event.action, func.count(Event.id)).where(col(Event.action).in_(actions), _at(Event.at, period))
        .group_by(Event.action))})


def _supervision(session: Session, period: Period) -> list[tuple[str, int]]:
    events = session.exec(select(func.count(Event.id), func.count(func.distinct(Event.matter_id)))
                          .where(Event.action == Action.SUPERVISE.value, _at(Event.at, period))).one()
    docs = Counter({k: n for k, n in session.exec(
        select(Document.kind, func.count(Document.id)).where(col(Document.kind).in_(SUPERVISION_KINDS),
                                                             Document.void == False,  # noqa: E712
                                                             _at(Document.issued_at, period))
        .group_by(Document.kind))})
    return [("督办（次）", int(events[0])), ("督办事项（件）", int(events[1])),
            ("督办函（份）", docs["supervision_letter"]), ("督办通知书（份）", docs["supervision_notice"])]


def _leader(session: Session, period: Period, channel_matters: dict[str, int]) -> list[tuple[str, int]]:
    days = session.exec(select(func.count(ReceptionDay.id)).where(ReceptionDay.day >= period.start,
                                                                  ReceptionDay.day < period.end)).one()
    states = Counter({s: n for s, n in session.exec(
        select(Appointment.state, func.count(Appointment.id)).join(ReceptionDay,
                                                                   ReceptionDay.id == Appointment.reception_day_id)
        .where(ReceptionDay.day >= period.start, ReceptionDay.day < period.end).group_by(Appointment.state))})
    return [("领导接访日（天）", int(days or 0)), ("约访（件）", states["booked"] + states["attended"] + states["absent"]),
            ("领导接待（件）", states["attended"]), ("约访未到（件）", states["absent"]),
            ("领导接访登记事项（件）", channel_matters.get(Channel.LEADER_RECEPTION.value, 0))]


# -- the report ---------------------------------------------------------------------------------------------------


def ranking_for(session: Session, ctx, period: Period, rules: ReportRules) -> list[UnitStanding]:  # noqa: ANN001
    """The period's ranking; for a single month, the 通报 streaks over the months before it too."""
    today = ctx.today()
    if period.whole_months != 1:
        return rank_unit_clocks(unit_clocks(session, period, today), rules)
    months = []
    for back in range(rules.self_exam_after_months - 1, -1, -1):
        start = add_months(period.start, -back)
        month = Period(start, add_months(start, 1))
        months.append(rank_unit_clocks(unit_clocks(session, month, today), rules))
    return apply_notification_rule(months, rules)


def period_report(ctx, operator, period: Period) -> PeriodReport:  # noqa: ANN001
    """Every table of the 信访工作情况报告 for ``period``, as of today."""
    rules = load_rules(ctx)
    today = ctx.today()
    hide = not operator.is_head
    with ctx.db.read() as s:
        now, before, year_ago = (_totals(s, p) for p in (period, period.previous(), period.year_before()))
        totals = [Compared(k, now[k], before[k], year_ago[k]) for k in now]
        channel_now = _matters_by_channel(s, period)
        channel_before = _matters_by_channel(s, period.previous())
        channel_year = _matters_by_channel(s, period.year_before())
        people = {c: (n, h) for c, n, h in s.exec(
            select(Contact.channel, func.count(Contact.id), func.coalesce(func.sum(Contact.headcount), 0))
            .where(_at(Contact.received_at, period)).group_by(Contact.channel))}
        known = [c.value for c in Channel]
        names = known + sorted((set(channel_now) | set(people)) - set(known))
        channels = [ChannelRow(c, int(people.get(c, (0, 0))[0]), int(people.get(c, (0, 0))[1]),
                               Compared(c, channel_now.get(c, 0), channel_before.get(c, 0), channel_year.get(c, 0)))
                    for c in names]
        categories = _grouped(s, period, Matter.category, UNCATEGORISED, hide)
        villages = _grouped(s, period, Matter.location, NO_VILLAGE, hide)
        done = _finished(s, period)
        rates = [
            RateRow("及时受理率", clock_ratio(s, NOTICE, period, today), "按期书面告知（件）", "告知期限当期了结（件）"),
            RateRow("按期办结率", clock_ratio(s, HANDLING, period, today), "按期办结（件）", "办理期限当期了结（件）"),
            RateRow("化解率", Ratio(done.resolved, done.finished), "化解（件）", "当期办结（件）"),
            RateRow("一次性化解率", Ratio(done.first_time, done.finished), "一次性化解（件）", "当期办结（件）"),
            RateRow("满意率", Ratio(done.satisfied, done.evaluated), "满意和基本满意（件）", "参评（件）"),
            RateRow("参评率", Ratio(done.evaluated, done.finished), "参评（件）", "当期办结（件）"),
        ]
        mediation_counts = _event_counts(s, period, tuple(a for a, _ in _MEDIATION))
        mediation = [(label, mediation_counts[a]) for a, label in _MEDIATION]
        supervision = _supervision(s, period)
        leader = _leader(s, period, channel_now)
        ranking = ranking_for(s, ctx, period, rules)
    notes = [f"统计截至 {today.year}年{today.month}月{today.day}日。"]
    if hide and now["检举控告（件）"]:
        notes.append(f"检举控告事项 {now['检举控告（件）']} 件单列，不显示其类别、属地（仅主任可见）。")
    return PeriodReport(period, today, ctx.settings.office_name, totals, channels, categories, villages, rates,
                        supervision, mediation, leader, ranking, rules, notes)


# -- drill-down: the matters behind a figure -------------------------------------------------------------------------

FIGURES: dict[str, str] = {
    "matters": "信访事项", "group": "集体访", "skip_level": "越级访", "repeat": "重复访",
    "notice_late": "受理告知超期", "notice_on_time": "按期受理告知", "handling_late": "办理超期",
    "handling_on_time": "按期办结", "finished": "当期办结", "unresolved": "办结未化解",
    "unevaluated": "办结未回访",
}


@dataclass(frozen=True)
class MatterLine:
    matter_id: int
    number: str
    received_on: dt.date
    summary: str
    unit: str
    status: str
    due_on: dt.date | None


@dataclass
class FigureMatters:
    figure: str
    lines: list[MatterLine]
    withheld: int = 0  # 检举控告 matters a clerk may not see listed


def figure_matters(ctx, operator, period: Period, figure: str, *, unit: str | None = None,  # noqa: ANN001
                   limit: int = 500) -> FigureMatters:
    """The matters a figure of the report counts (which 3 were late?); 检举控告 matters only as a count for a
    clerk. ``unit`` narrows to one responsible unit (a row of the ranking)."""
    if figure not in FIGURES:
        raise ValueError(f"没有这项数字：{figure}（可用：{'、'.join(f'{k}（{v}）' for k, v in FIGURES.items())}）")
    today = ctx.today()
    flags = {"group": Matter.is_group, "skip_level": Matter.is_skip_level, "repeat": Matter.is_repeat}
    with ctx.db.read() as s:
        if figure in ("matters", *flags):
            where = [_received(period)] + ([flags[figure]] if figure in flags else [])
        elif figure.startswith(("notice", "handling")):
            name = NOTICE if figure.startswith("notice") else HANDLING
            ids = select(Deadline.matter_id).where(_met(name, period) if figure.endswith("on_time")
                                                   else _late(name, period, today))
            where = [col(Matter.id).in_(ids)]
        else:
            where = [Matter.closed_on >= period.start, Matter.closed_on < period.end]
            if figure in ("unresolved", "unevaluated"):
                evaluated = select(FollowUp.matter_id)
                satisfied = select(FollowUp.matter_id).where(col(FollowUp.satisfaction).in_(tuple(SATISFIED)))
                agreed = select(Event.matter_id).where(Event.action == Action.MEDIATION_AGREED.value)
                where.append(~col(Matter.id).in_(evaluated) if figure == "unevaluated"
                             else and_(~col(Matter.id).in_(agreed), ~col(Matter.id).in_(satisfied)))
                # "unresolved" is exact where the last follow-up is the satisfied one; a later 不满意 after an
                # earlier 满意 is rare and shows as resolved here, as the office would first look at the last answer
        if unit is not None:
            where.append(col(Matter.unit_id).in_(select(Unit.id).where(Unit.name == unit)))
        withheld = 0
        if not operator.is_head:
            withheld = _count(s, *where, Matter.is_restricted)
            where.append(Matter.is_restricted == False)  # noqa: E712
        units = {u.id: u.name for u in s.exec(select(Unit))}
        rows = s.exec(select(Matter.id, Matter.number, Matter.received_on, Matter.summary, Matter.unit_id,
                             Matter.status, Matter.due_on).where(*where).order_by(Matter.received_on, Matter.id)
                      .limit(limit))
        lines = [MatterLine(i, n, r, summary, units.get(u, "") if u else "", STATUS_LABELS.get(Status(st), st), d)
                 for i, n, r, summary, u, st, d in rows]
    return FigureMatters(FIGURES[figure], lines, withheld)


# -- the 12-month trend (statistics screen) ------------------------------------------------------------------------


@dataclass(frozen=True)
class TrendPoint:
    month: Period
    matters: int
    handling: Ratio


def trend(ctx, last_month: Period, months: int = 12) -> list[TrendPoint]:  # noqa: ANN001
    """Contacts' matters and 按期办结率 of the ``months`` months ending with ``last_month``: three grouped queries."""
    today = ctx.today()
    first = add_months(last_month.start, -(months - 1))
    span = Period(first, last_month.end)
    buckets = [Period(add_months(first, i), add_months(first, i + 1)) for i in range(months)]

    def index(day: dt.date) -> int:
        return (day.year - first.year) * 12 + day.month - first.month

    matters, settled, on_time = [0] * months, [0] * months, [0] * months
    (met_from, met_to), (late_from, late_to) = settled_window(span)
    with ctx.db.read() as s:
        for day, n in s.exec(select(Matter.received_on, func.count(Matter.id)).where(_received(span))
                             .group_by(Matter.received_on)):
            matters[index(day)] += n
        for day, n in s.exec(select(Deadline.ended_on, func.count(Deadline.id))
                             .where(Deadline.name == HANDLING, Deadline.state == _MET, Deadline.ended_on >= met_from,
                                    Deadline.ended_on < met_to).group_by(Deadline.ended_on)):
            settled[index(day)] += n
            on_time[index(day)] += n
        for day, n in s.exec(select(Deadline.due_on, func.count(Deadline.id))
                             .where(Deadline.name == HANDLING,
                                    or_(Deadline.state == _LATE, and_(Deadline.state == _OPEN, Deadline.due_on < today)),
                                    Deadline.due_on >= late_from, Deadline.due_on < late_to)
                             .group_by(Deadline.due_on)):
            settled[index(day + dt.timedelta(days=1))] += n
    return [TrendPoint(b, matters[i], Ratio(on_time[i], settled[i])) for i, b in enumerate(buckets)]


def unit_ranking(ctx, period: Period) -> tuple[list[UnitStanding], ReportRules]:  # noqa: ANN001
    """The ranking of one period with its 通报 streaks (counts only: nobody's identity is in it)."""
    rules = load_rules(ctx)
    with ctx.db.read() as s:
        return ranking_for(s, ctx, period, rules), rules


# -- the documents: 信访工作情况报告 and 限期整改督查通知书 ---------------------------------------------------------------


class ReportRefused(Refused):
    pass


def work_report_values(report: PeriodReport) -> dict[str, object]:
    """The catalogue fields of the 信访工作情况报告 (documents.fields) from a built report."""
    total = report.total("信访事项（件）")
    rate = {r.name: r.ratio.text for r in report.rates}
    count = sum(n for _, n in report.categories)
    bottom = [u.unit for u in report.ranking if u.bottom]
    as_of = report.as_of
    return {
        "报告期间": report.period.label, "统计截至": f"{as_of.year}年{as_of.month}月{as_of.day}日",
        "事项总数": str(total.current), "来访批次": str(report.total("来信来访（批次）").current),
        "来访人次": str(report.total("来访人次").current), "环比": total.month_on_month, "同比": total.year_on_year,
        "集体访": str(report.total("集体访（件）").current), "越级访": str(report.total("越级访（件）").current),
        "重复访": str(report.total("重复访（件）").current),
        "及时受理率": rate["及时受理率"], "按期办结率": rate["按期办结率"], "化解率": rate["化解率"], "满意率": rate["满意率"],
        "督办次数": str(dict(report.supervision)["督办（次）"]), "领导接待": str(dict(report.leader)["领导接待（件）"]),
        "比率表": [{"指标": r.name, "分子": f"{r.ratio.part}（{r.numerator}）", "分母": f"{r.ratio.whole}（{r.denominator}）",
                  "比率": r.ratio.text} for r in report.rates],
        "类别表": [{"名称": k, "件数": str(n), "占比": f"{100.0 * n / count:.2f}%" if count else "—"}
                for k, n in report.categories] or [{"名称": "无", "件数": "0", "占比": "—"}],
        "单位排名": [{"名次": str(u.position) if u.position is not None else "—", "单位": u.unit, "到期": str(u.settled),
                  "按期": str(u.on_time), "办结率": u.ratio.text,
                  "通报": u.flag or ("后列" if u.bottom else "")} for u in report.ranking]
        or [{"名次": "—", "单位": "无", "到期": "0", "按期": "0", "办结率": "—", "通报": ""}],
        "通报单位": "、".join(bottom) or "无",
        "统计口径": "".join(f"{k}：{v}" for k, v in report.rules.basis) or "见 report_rules.toml",  # each ends in 。
    }


def issue_work_report(ctx, operator, period: Period):  # noqa: ANN001, ANN201
    """The 信访工作情况报告 of ``period`` as a numbered document (DOCX from the office's template)."""
    from xfdesk.services.documents import issue_document

    report = period_report(ctx, operator, period)
    return report, issue_document(ctx, operator, "work_report", extra=work_report_values(report), again=True)


def issue_rectification_notice(ctx, operator, period: Period, unit: str):  # noqa: ANN001, ANN201
    """限期整改督查通知书 to a unit the 通报 rule flags in ``period`` (a month); refused for any other unit."""
    from xfdesk.services.documents import issue_document

    if period.whole_months != 1:
        raise ReportRefused("限期整改督查通知书按月发出：请指定月份，如 2026-10")
    ranking, rules = unit_ranking(ctx, period)
    standing = next((u for u in ranking if u.unit == unit), None)
    if standing is None or not standing.flag:
        streak = standing.streak if standing else 0
        raise ReportRefused(f"{unit}{period.label}不在连续{rules.rectify_after_months}个月后{rules.bottom_units}名之列"
                            f"（连续{streak}个月），不能发限期整改督查通知书")
    with ctx.db.read() as s:
        unit_id = s.exec(select(Unit.id).where(Unit.name == unit)).one()
    months = [add_months(period.start, -i) for i in range(standing.streak - 1, -1, -1)]
    named = "、".join(f"{m.month}月" for m in months)
    values = {"通报月份": f"{months[0].year}年{named}", "连续月数": str(standing.streak),
              "后几名": str(rules.bottom_units), "本月按期办结率": standing.ratio.text, "超期件数": str(standing.late)}
    return issue_document(ctx, operator, "rectification_notice", unit_id=unit_id, extra=values, again=True)
