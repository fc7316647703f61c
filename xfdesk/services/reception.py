"""Leader reception days: the roster, generating the schedule, swaps, bookings (约访), walk-ins and the session.

Each public function is one user action in one transaction with its event; the rules live in
``xfdesk.domain.reception``. Refusals raise ``BookingRefused`` / ``ReceptionRuleError`` with a Chinese message.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, or_
from sqlmodel import Session, select

from xfdesk.domain.glossary import Channel, Role
from xfdesk.domain.lifecycle import OPEN_STATUSES, STATUS_LABELS, Action, Status
from xfdesk.domain.privacy import RESTRICTED_NAME, may_see_identity, shown_text
from xfdesk.domain.reception import (
    parse_sessions,
    rule_from_settings,
    sessions_label,
    ABSENT,
    ACTIVE_STATES,
    APPOINTMENT_STATES,
    ATTENDED,
    BOOKED,
    CANCELLED,
    BookingRefused,
    BookingRequest,
    KeptDay,
    ReceptionRule,
    ReceptionRuleError,
    SchedulePlan,
    booking_closed,
    check_instruction,
    date_label,
    decide_booking,
    fair_pick,
    instruction_actions,
    month_span,
    plan_schedule,
)
from xfdesk.domain.records import ContactInput
from xfdesk.services.context import write_setting
from xfdesk.services.events import record_event
from xfdesk.services.lifecycle import transition
from xfdesk.services.reference import read_data
from xfdesk.storage.models import (
    Appointment,
    Contact,
    Document,
    Leader,
    Matter,
    Petitioner,
    ReceptionDay,
    ReceptionDayLeader,
    Unit,
)

__all__ = [
    "BookingRefused", "ReceptionRuleError", "reception_rule", "add_leader", "list_leaders", "set_leader_active",
    "import_roster", "set_reception_rule", "generate_schedule", "month_days", "day_view", "find_day",
    "upcoming_days", "swap_leader",
    "mark_absent", "assign_case_leader", "book_matter", "cancel_booking", "register_walk_in", "record_attendance",
    "record_instruction", "default_instruction_due", "days_needing_notices", "booking_info", "BookingInfo", "active_units",
    "print_day_set", "DaySet", "notice_recipients", "GenerationResult", "DayView", "AppointmentView",
]


def reception_rule(ctx) -> ReceptionRule:  # noqa: ANN001
    """The office's reception rule, from its settings (``domain.reception.rule_from_settings``)."""
    return rule_from_settings(ctx.settings)


WEEKDAY_NAMES = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6}


def set_reception_rule(ctx, operator, *, weekday: int | str | None = None,  # noqa: ANN001
                       day_of_month: int | None = None, leaders_per_day: int | None = None,
                       slots: int | None = None, slot_minutes: int | None = None,
                       start: str | None = None, sessions: str | None = None) -> ReceptionRule:
    """Change the reception rule; the whole new rule is checked before anything is saved. A weekday clears the
    day-of-month rule and a day of the month (0 to clear it) replaces the weekday. Existing days are not touched:
    regenerate the schedule to apply it. ``sessions`` are the reception hours (``09:00-11:30、14:30-17:00``): the
    slots must fit them, and a new first period moves the start time to its beginning unless a start is given."""
    current = reception_rule(ctx)
    new_sessions = current.sessions if sessions is None else parse_sessions(sessions)
    if isinstance(weekday, str):
        text = weekday.strip().removeprefix("星期").removeprefix("周")
        if text in WEEKDAY_NAMES:
            weekday = WEEKDAY_NAMES[text]
        elif text.isdigit() and 1 <= int(text) <= 7:
            weekday = int(text) - 1  # 1 = Monday as people count
        else:
            raise ReceptionRuleError(f"接访星期不正确：“{weekday}”，应为 一 至 日（或 1 至 7）")
    new_dom = current.day_of_month
    if day_of_month is not None:
        new_dom = day_of_month or None
    elif weekday is not None:
        new_dom = None
    try:
        if start:
            start_time = dt.time.fromisoformat(start.strip())
            if sessions is None and new_sessions and start_time < new_sessions[0][1]:
                # "starts at 08:30" means the morning period opens then; the lunch break stays where it is
                new_sessions = ((start_time, new_sessions[0][1]), *new_sessions[1:])
        elif sessions is not None and new_sessions:
            start_time = new_sessions[0][0]
        else:
            start_time = current.start
    except ValueError:
        raise ReceptionRuleError(f"接访开始时间格式不对：“{start}”，应为 09:00") from None
    rule = ReceptionRule(weekday=current.weekday if weekday is None else weekday, day_of_month=new_dom,
                         leaders_per_day=leaders_per_day or current.leaders_per_day, slots=slots or current.slots,
                         slot_minutes=slot_minutes or current.slot_minutes, start=start_time,
                         sessions=new_sessions)
    with ctx.db.read() as session:
        active = len(_leaders(session, active_only=True))
    if active and rule.leaders_per_day > active:
        raise ReceptionRuleError(f"每个接访日需要{rule.leaders_per_day}位领导，但在任领导只有{active}位")
    values = {"reception_weekday": rule.weekday, "reception_day_of_month": rule.day_of_month,
              "reception_leaders_per_day": rule.leaders_per_day, "reception_slots": rule.slots,
              "reception_slot_minutes": rule.slot_minutes}
    values["reception_start"] = rule.start.strftime("%H:%M")
    values["reception_sessions"] = sessions_label(rule.sessions)
    with ctx.db.write() as session:  # all the rule's settings and the event together
        for key, value in values.items():
            write_setting(session, key, value)
        record_event(session, operator, "reception_rule", note=rule.describe(), data=values)
    ctx.invalidate_settings()
    return rule


# -- roster -----------------------------------------------------------------------------------------------------


def list_leaders(ctx, *, active_only: bool = False) -> list[Leader]:  # noqa: ANN001
    with ctx.db.read() as session:
        return _leaders(session, active_only=active_only)


def _leaders(session: Session, *, active_only: bool = False) -> list[Leader]:
    query = select(Leader).order_by(Leader.order, Leader.id)
    if active_only:
        query = query.where(Leader.active == True)  # noqa: E712
    return list(session.exec(query))


def add_leader(ctx, operator, name: str, title: str = "", order: int | None = None) -> Leader:  # noqa: ANN001
    name, title = name.strip(), title.strip()
    if not name:
        raise ReceptionRuleError("领导姓名不能为空")
    if len(name) > 50 or len(title) > 50:
        raise ReceptionRuleError("领导姓名、职务均不能超过50个字")
    with ctx.db.write() as session:
        if session.exec(select(Leader).where(Leader.name == name, Leader.active == True)).first():  # noqa: E712
            raise ReceptionRuleError(f"在任领导中已有“{name}”")
        if order is None:
            order = (session.exec(select(func.max(Leader.order))).first() or 0) + 1
        leader = Leader(name=name, title=title, order=order, active=True)
        session.add(leader)
        session.flush()
        record_event(session, operator, "leader_add", note=f"{title}{name}",
                     data={"leader_id": leader.id, "name": name, "title": title, "order": order})
        return leader


def set_leader_active(ctx, operator, leader_id: int, active: bool) -> Leader:  # noqa: ANN001
    """A leader who left is made inactive (never deleted: old days and bookings still name them)."""
    with ctx.db.write() as session:
        leader = session.get(Leader, leader_id)
        if leader is None:
            raise ReceptionRuleError(f"找不到编号为{leader_id}的领导")
        leader.active = active
        session.add(leader)
        record_event(session, operator, "leader_active" if active else "leader_inactive", note=leader.name,
                     data={"leader_id": leader.id})
        return leader


def import_roster(ctx, operator) -> list[Leader]:  # noqa: ANN001
    """Add the leaders of ``data/leaders.toml`` not yet on record (by name); returns those added."""
    entries = read_data(ctx.home, "leaders.toml").get("leaders", [])
    added = []
    with ctx.db.write() as session:
        known = {leader.name for leader in _leaders(session)}
        for position, entry in enumerate(entries, start=1):
            name = str(entry.get("name", "")).strip()
            if not name or name in known:
                continue
            leader = Leader(name=name, title=str(entry.get("title", "")), order=int(entry.get("order", position)))
            session.add(leader)
            session.flush()
            added.append(leader)
            known.add(name)
        if added:
            record_event(session, operator, "leader_import", note=f"导入{len(added)}位领导",
                         data={"leader_ids": [leader.id for leader in added]})
    return added


# -- schedule ---------------------------------------------------------------------------------------------------


@dataclass
class GenerationResult:
    plan: SchedulePlan
    created: list[dt.date] = field(default_factory=list)
    kept: list[dt.date] = field(default_factory=list)
    kept_why: dict[dt.date, str] = field(default_factory=dict)  # day → KEPT_LABELS text
    removed: list[dt.date] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)  # leader name → days in the period
    warnings: list[str] = field(default_factory=list)


KEPT_LABELS = {"past": "已过去", "manual": "有调整", "booked": "已有约访", "other": "他期接访日"}


def generate_schedule(ctx, operator, year: int, month: int, months: int = 1) -> GenerationResult:  # noqa: ANN001
    """排班: (re)plan the reception days of ``months`` months from ``year-month``.

    Past days, days with a manual swap or absence and days with bookings stay as they are; other future days of the
    period are planned afresh. A year without holiday data is warned about (and recorded in the event).
    """
    rule = reception_rule(ctx)
    first, last = month_span(year, month, months)
    cal = ctx.calendar()
    today = ctx.today()
    with ctx.db.write() as session:
        leaders = _leaders(session, active_only=True)
        names = {leader.id: leader.name for leader in _leaders(session)}
        stored = list(session.exec(select(ReceptionDay).where(
            or_(ReceptionDay.day.between(first, last + dt.timedelta(days=40)),
                ReceptionDay.planned_for.between(first, last)))))
        kept: list[KeptDay] = []
        replaceable: list[ReceptionDay] = []
        for row in stored:
            owned = first <= (row.planned_for or row.day) <= last
            why = _kept_reason(session, row, today)
            if why or not owned:
                kept.append(KeptDay(row.day, tuple(_day_leader_ids(session, row.id)), row.planned_for,
                                    why or "other", owned))
            else:
                replaceable.append(row)
        plan = plan_schedule(rule, first, last, [leader.id for leader in leaders], cal, today=today, kept=kept,
                             last_sat=_last_sat(session, first))
        result = GenerationResult(plan)
        # seats first, then their days: without ORM relationships the flush does not order the deletes for us
        for row in replaceable:
            for rdl in session.exec(select(ReceptionDayLeader).where(ReceptionDayLeader.reception_day_id == row.id)):
                session.delete(rdl)
        session.flush()
        for row in replaceable:
            session.delete(row)
            result.removed.append(row.day)
        session.flush()
        kept_rows = {row.day: row for row in stored}
        for planned in plan.days:
            if planned.kept:
                result.kept.append(planned.day)
                result.kept_why[planned.day] = KEPT_LABELS.get(planned.kept, planned.kept)
                row = kept_rows[planned.day]
                note = planned.note(cal)
                if planned.day >= today and note and note not in row.note:
                    row.note = (row.note + "；" + note).strip("；")[:500]
                    session.add(row)
                continue
            row = ReceptionDay(day=planned.day, planned_for=min(planned.planned_for), slots=rule.slots,
                               slot_minutes=rule.slot_minutes, note=planned.note(cal))
            session.add(row)
            session.flush()
            for lid in planned.leader_ids:
                session.add(ReceptionDayLeader(reception_day_id=row.id, leader_id=lid, planned_leader_id=lid))
            result.created.append(planned.day)
        result.removed = [d for d in result.removed if d not in result.created]
        result.counts = {names[lid]: n for lid, n in plan.counts([leader.id for leader in leaders]).items()}
        result.warnings = plan.warnings()
        active_ids = {leader.id for leader in leaders}
        for planned in plan.days:  # a kept coming day may still seat a leader who has left since
            gone = [names[lid] for lid in planned.leader_ids if lid not in active_ids and lid in names]
            if planned.kept and planned.day >= today and gone:
                result.warnings.append(f"{date_label(planned.day)}的接访领导{'、'.join(gone)}已停用"
                                       f"（该日{KEPT_LABELS.get(planned.kept, '')}，未自动改排），请调班")
        record_event(session, operator, "reception_schedule", note=f"生成{first:%Y年%m月}起{months}个月的接访排班",
                     data={"from": first.isoformat(), "to": last.isoformat(), "rule": rule.describe(),
                           "created": [d.isoformat() for d in result.created],
                           "kept": [d.isoformat() for d in result.kept],
                           "missing_years": plan.missing_years})
    for message in result.warnings:
        ctx.warn(message)
    return result


def _kept_reason(session: Session, row: ReceptionDay, today: dt.date) -> str:
    if row.day <= today:  # today's leaders are already on their way: only a swap may change them now
        return "past"
    if session.exec(select(ReceptionDayLeader.id).where(ReceptionDayLeader.reception_day_id == row.id,
                                                        ReceptionDayLeader.manual == True)).first():  # noqa: E712
        return "manual"
    referenced = (
        session.exec(select(Appointment.id).where(Appointment.reception_day_id == row.id)).first()
        or session.exec(select(Contact.id).where(Contact.reception_day_id == row.id)).first()
        or session.exec(select(Document.id).where(Document.reception_day_id == row.id)).first()
    )
    return "booked" if referenced else ""


def _day_leader_ids(session: Session, day_id: int) -> list[int]:
    return list(session.exec(select(ReceptionDayLeader.leader_id)
                             .where(ReceptionDayLeader.reception_day_id == day_id)
                             .order_by(ReceptionDayLeader.id)))


def _last_sat(session: Session, before: dt.date) -> dict[int, dt.date]:
    """Each leader's latest reception day before ``before`` (to continue the rotation across periods)."""
    rows = session.exec(select(ReceptionDayLeader.leader_id, func.max(ReceptionDay.day))
                        .join(ReceptionDay, ReceptionDay.id == ReceptionDayLeader.reception_day_id)
                        .where(ReceptionDay.day < before).group_by(ReceptionDayLeader.leader_id))
    return {lid: day for lid, day in rows}


@dataclass
class LeaderSeat:
    leader_id: int
    name: str
    title: str
    planned_name: str = ""  # who was planned, when someone else sits
    change_reason: str = ""
    manual: bool = False


@dataclass
class AppointmentView:
    id: int
    slot: int
    slot_label: str
    state: str
    state_label: str
    matter_id: int
    matter_number: str
    matter_status: str
    summary: str
    petitioner: str
    leader_id: int | None
    leader_name: str
    instruction: str
    case_leader: str = ""


@dataclass
class DayView:
    id: int
    day: dt.date
    planned_for: dt.date | None
    note: str
    slots: int
    slot_minutes: int
    leaders: list[LeaderSeat]
    appointments: list[AppointmentView] = field(default_factory=list)
    walk_ins: int = 0
    slot_times: list[str] = field(default_factory=list)  # "09:00-09:30" for slot 1 …

    @property
    def booked(self) -> int:
        return sum(1 for a in self.appointments if a.state in ACTIVE_STATES and a.slot > 0)

    @property
    def leader_names(self) -> str:
        return "、".join(seat.name for seat in self.leaders)

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id, "day": self.day.isoformat(),
            "planned_for": self.planned_for.isoformat() if self.planned_for else None,
            "note": self.note, "slots": self.slots, "slot_minutes": self.slot_minutes, "booked": self.booked,
            "leaders": [{"id": s.leader_id, "name": s.name, "title": s.title, "planned": s.planned_name or None,
                         "reason": s.change_reason or None} for s in self.leaders],
            "appointments": [{"id": a.id, "slot": a.slot, "time": a.slot_label, "state": a.state,
                              "matter": a.matter_number, "summary": a.summary, "petitioner": a.petitioner,
                              "leader": a.leader_name, "instruction": a.instruction} for a in self.appointments],
        }


# Views take the operator: a 检举控告 petitioner's name is shown to the office head only (条例第30条); without an
# operator it is hidden as from a clerk.


def month_days(ctx, year: int, month: int, *, with_bookings: bool = False,  # noqa: ANN001
               operator=None) -> list[DayView]:  # noqa: ANN001
    first, last = month_span(year, month)
    with ctx.db.read() as session:
        rows = list(session.exec(select(ReceptionDay).where(ReceptionDay.day.between(first, last))
                                 .order_by(ReceptionDay.day)))
        return [_view(session, ctx, row, with_bookings=with_bookings, operator=operator) for row in rows]


def upcoming_days(ctx, *, start: dt.date | None = None, limit: int = 8,  # noqa: ANN001
                  operator=None) -> list[DayView]:  # noqa: ANN001
    """The next reception days from ``start`` (today by default), for choosing a day to book into."""
    start = start or ctx.today()
    with ctx.db.read() as session:
        rows = list(session.exec(select(ReceptionDay).where(ReceptionDay.day >= start)
                                 .order_by(ReceptionDay.day).limit(limit)))
        return [_view(session, ctx, row, with_bookings=True, operator=operator) for row in rows]


def find_day(ctx, day: dt.date | int, *, operator=None) -> DayView | None:  # noqa: ANN001
    with ctx.db.read() as session:
        row = _day_row(session, day)
        return _view(session, ctx, row, with_bookings=True, operator=operator) if row else None


def day_ref(ctx, day: dt.date | int) -> tuple[int, dt.date] | None:  # noqa: ANN001
    """(id, date) of the reception day given by date or id, without loading its bookings."""
    with ctx.db.read() as session:
        row = _day_row(session, day)
        return (row.id, row.day) if row else None


def notice_recipients(ctx, operator, documents) -> dict[int, str]:  # noqa: ANN001
    """Who each of a day's documents is for, by document id: the unit of a unit notice, the petitioner of a
    matter's notice (``（检举控告，身份保密）`` for a 检举控告 matter unless the operator may see it), and the day's
    leaders for a day-wide document (the 接访安排表)."""
    docs = [d for d in documents if d.id is not None]
    role = operator.role if operator else Role.CLERK
    out: dict[int, str] = {}
    with ctx.db.read() as session:
        unit_ids = {d.unit_id for d in docs if d.unit_id}
        units = {u.id: u.name for u in session.exec(select(Unit).where(Unit.id.in_(unit_ids)))} if unit_ids else {}
        matter_ids = {d.matter_id for d in docs if d.matter_id}
        people = {}
        if matter_ids:
            query = (select(Matter.id, Matter.is_restricted, Petitioner.name)
                     .join(Petitioner, Petitioner.id == Matter.petitioner_id).where(Matter.id.in_(matter_ids)))
            people = {mid: (name if may_see_identity(role, restricted) else RESTRICTED_NAME)
                      for mid, restricted, name in session.exec(query)}
        day_ids = {d.reception_day_id for d in docs if d.reception_day_id and not d.matter_id and not d.unit_id}
        leaders: dict[int, list[str]] = {}
        if day_ids:
            query = (select(ReceptionDayLeader.reception_day_id, Leader.name)
                     .join(Leader, Leader.id == ReceptionDayLeader.leader_id)
                     .where(ReceptionDayLeader.reception_day_id.in_(day_ids)).order_by(ReceptionDayLeader.id))
            for day_id, name in session.exec(query):
                leaders.setdefault(day_id, []).append(name)
    for d in docs:
        if d.unit_id and d.unit_id in units:
            out[d.id] = units[d.unit_id]
        elif d.matter_id and d.matter_id in people:
            out[d.id] = people[d.matter_id]
        elif d.reception_day_id in leaders:
            out[d.id] = "接访领导" + "、".join(leaders[d.reception_day_id])
        else:
            out[d.id] = ""
    return out


def open_booking_id(ctx, matter_id: int) -> int | None:  # noqa: ANN001
    """The id of the matter's booking still waiting for its reception day, if any."""
    with ctx.db.read() as session:
        return session.exec(select(Appointment.id).where(Appointment.matter_id == matter_id,
                                                         Appointment.state == "booked")).first()


def day_view(ctx, day: dt.date | int, *, operator=None) -> DayView:  # noqa: ANN001
    view = find_day(ctx, day, operator=operator)
    if view is None:
        raise BookingRefused(f"{_day_text(day)}不是接访日")
    return view


def _day_text(day: dt.date | int) -> str:
    return date_label(day) if isinstance(day, dt.date) else f"编号为{day}的接访日"


def _day_row(session: Session, day: dt.date | int, *, lock: bool = False) -> ReceptionDay | None:
    query = select(ReceptionDay).where(ReceptionDay.day == day if isinstance(day, dt.date)
                                       else ReceptionDay.id == int(day))
    # PostgreSQL: FOR UPDATE queues two desks booking the same day (SQLite's BEGIN IMMEDIATE already does)
    return session.exec(query.with_for_update() if lock else query).first()


def _view(session: Session, ctx, row: ReceptionDay, *, with_bookings: bool, operator=None) -> DayView:  # noqa: ANN001
    names = {leader.id: leader for leader in _leaders(session)}
    seats = []
    for rdl in session.exec(select(ReceptionDayLeader).where(ReceptionDayLeader.reception_day_id == row.id)
                            .order_by(ReceptionDayLeader.id)):
        leader = names.get(rdl.leader_id)
        planned = names.get(rdl.planned_leader_id) if rdl.planned_leader_id not in (None, rdl.leader_id) else None
        seats.append(LeaderSeat(rdl.leader_id, leader.name if leader else "?", leader.title if leader else "",
                                planned.name if planned else "", rdl.change_reason, rdl.manual))
    rule = reception_rule(ctx)
    # the day keeps the slots it was planned with, even if the setting changed since
    try:
        rule = ReceptionRule(weekday=rule.weekday, day_of_month=rule.day_of_month, slots=row.slots,
                             slot_minutes=row.slot_minutes, start=rule.start, leaders_per_day=rule.leaders_per_day,
                             sessions=rule.sessions)
    except ReceptionRuleError:  # planned before the hours were shortened: one run from the start, as then
        rule = ReceptionRule(weekday=rule.weekday, day_of_month=rule.day_of_month, slots=row.slots,
                             slot_minutes=row.slot_minutes, start=rule.start, leaders_per_day=rule.leaders_per_day)
    view = DayView(row.id, row.day, row.planned_for, row.note, row.slots, row.slot_minutes, seats,
                   slot_times=[rule.slot_label(i) for i in range(1, row.slots + 1)])
    if with_bookings:
        query = (select(Appointment, Matter, Petitioner).join(Matter, Matter.id == Appointment.matter_id)
                 .join(Petitioner, Petitioner.id == Matter.petitioner_id)
                 .where(Appointment.reception_day_id == row.id).order_by(Appointment.slot, Appointment.id))
        for appt, matter, person in session.exec(query):
            leader = names.get(appt.leader_id)
            case_leader = names.get(matter.leader_id)
            role = operator.role if operator else Role.CLERK
            visible = may_see_identity(role, matter.is_restricted)
            view.appointments.append(AppointmentView(
                appt.id, appt.slot, rule.slot_label(appt.slot), appt.state, APPOINTMENT_STATES.get(appt.state, ""),
                matter.id, matter.number, matter.status, shown_text(role, matter.is_restricted, matter.summary),
                person.name if visible else RESTRICTED_NAME, appt.leader_id, leader.name if leader else "",
                shown_text(role, matter.is_restricted, appt.instruction), case_leader.name if case_leader else ""))
        view.walk_ins = session.exec(select(func.count(Contact.id)).where(Contact.reception_day_id == row.id)).one()
    return view


def _day_for_update(session: Session, day: dt.date | int) -> ReceptionDay:
    row = _day_row(session, day, lock=True)
    if row is None:
        raise BookingRefused(f"{_day_text(day)}不是接访日，请先生成排班或选择其他日期")
    return row


def _seat(session: Session, row: ReceptionDay, leader_id: int) -> ReceptionDayLeader | None:
    return session.exec(select(ReceptionDayLeader).where(ReceptionDayLeader.reception_day_id == row.id,
                                                         ReceptionDayLeader.leader_id == leader_id)).first()


def _leader(session: Session, leader_id: int) -> Leader:
    leader = session.get(Leader, leader_id)
    if leader is None:
        raise BookingRefused(f"找不到编号为{leader_id}的领导")
    return leader


def swap_leader(ctx, operator, day: dt.date | int, out_leader_id: int, in_leader_id: int,  # noqa: ANN001
                reason: str) -> ReceptionDayLeader:
    """调班: ``in`` sits instead of ``out`` on the day; kept when the schedule is regenerated."""
    if not reason.strip():
        raise BookingRefused("调整接访领导必须填写原因")
    with ctx.db.write() as session:
        row = _day_for_update(session, day)
        if row.day < ctx.today():
            raise BookingRefused(f"{date_label(row.day)}已经过去，不能调整")
        out_leader, in_leader = _leader(session, out_leader_id), _leader(session, in_leader_id)
        seat = _seat(session, row, out_leader_id)
        if seat is None:
            raise BookingRefused(f"{out_leader.name}不在{date_label(row.day)}接访")
        if _seat(session, row, in_leader_id) is not None:
            raise BookingRefused(f"{in_leader.name}已在{date_label(row.day)}接访")
        if not in_leader.active:
            raise BookingRefused(f"{in_leader.name}已不在任，不能安排接访")
        return _replace_seat(session, operator, row, seat, out_leader, in_leader, reason.strip(), "reception_swap")


def mark_absent(ctx, operator, day: dt.date | int, leader_id: int, reason: str,  # noqa: ANN001
                substitute_id: int | None = None) -> ReceptionDayLeader:
    """A leader cannot sit (出差、开会): the substitute given, or the fairest free leader, takes the seat."""
    if not reason.strip():
        raise BookingRefused("登记领导缺席必须填写原因")
    with ctx.db.write() as session:
        row = _day_for_update(session, day)
        if row.day < ctx.today():
            raise BookingRefused(f"{date_label(row.day)}已经过去，不能调整")
        absent = _leader(session, leader_id)
        seat = _seat(session, row, leader_id)
        if seat is None:
            raise BookingRefused(f"{absent.name}不在{date_label(row.day)}接访")
        if substitute_id is None:
            active = [leader.id for leader in _leaders(session, active_only=True)]
            first, last = month_span(row.day.year, row.day.month)
            tally = _tally(session, first, last)
            picked = fair_pick(1, active, tally, _last_sat(session, row.day),
                               exclude=set(_day_leader_ids(session, row.id)))
            if not picked:
                raise BookingRefused("没有其他在任领导可以替班")
            substitute_id = picked[0]
        substitute = _leader(session, substitute_id)
        if _seat(session, row, substitute_id) is not None:
            raise BookingRefused(f"{substitute.name}已在{date_label(row.day)}接访")
        return _replace_seat(session, operator, row, seat, absent, substitute, f"缺席：{reason.strip()}",
                             "reception_absence")


def _tally(session: Session, first: dt.date, last: dt.date) -> dict[int, int]:
    rows = session.exec(select(ReceptionDayLeader.leader_id, func.count(ReceptionDayLeader.id))
                        .join(ReceptionDay, ReceptionDay.id == ReceptionDayLeader.reception_day_id)
                        .where(ReceptionDay.day.between(first, last)).group_by(ReceptionDayLeader.leader_id))
    return {lid: n for lid, n in rows}


def _replace_seat(session: Session, operator, row: ReceptionDay, seat: ReceptionDayLeader,  # noqa: ANN001
                  out_leader: Leader, in_leader: Leader, reason: str, action: str) -> ReceptionDayLeader:
    appointments = list(session.exec(select(Appointment, Matter).join(Matter, Matter.id == Appointment.matter_id)
                                     .where(Appointment.reception_day_id == row.id,
                                            Appointment.leader_id == out_leader.id,
                                            Appointment.state == BOOKED)))
    cased = [m.number for _, m in appointments if m.leader_id == out_leader.id]
    if cased:
        raise BookingRefused(f"{out_leader.name}包案的事项{'、'.join(cased)}已约在{date_label(row.day)}，"
                             f"请先改约再调整领导")
    for appt, _ in appointments:  # the petitioner now meets the substitute
        appt.leader_id = in_leader.id
        session.add(appt)
    if seat.planned_leader_id is None:
        seat.planned_leader_id = out_leader.id
    seat.leader_id = in_leader.id
    seat.change_reason = reason[:500]
    seat.manual = True
    session.add(seat)
    record_event(session, operator, action, note=f"{date_label(row.day)}：{in_leader.name}替{out_leader.name}，{reason}",
                 data={"day": row.day.isoformat(), "out": out_leader.id, "in": in_leader.id, "reason": reason,
                       "moved_appointments": [a.id for a, _ in appointments]})
    return seat


def assign_case_leader(ctx, operator, matter_id: int, leader_id: int | None, note: str = "") -> Matter:  # noqa: ANN001
    """领导包案: the matter stays with this leader (bookings go to the leader's days); None ends the 包案."""
    with ctx.db.write() as session:
        matter = session.get(Matter, matter_id)
        if matter is None:
            raise BookingRefused(f"找不到编号为{matter_id}的事项")
        leader = _leader(session, leader_id) if leader_id is not None else None
        if leader is not None and not leader.active:
            raise BookingRefused(f"{leader.name}已不在任，不能包案")
        before = matter.leader_id
        matter.leader_id = leader_id
        session.add(matter)
        record_event(session, operator, "case_leader", matter_id=matter.id,
                     note=(f"{leader.name}包案" if leader else "取消领导包案") + (f"：{note.strip()}" if note.strip() else ""),
                     data={"leader_id": leader_id, "before": before})
        return matter


# -- bookings ---------------------------------------------------------------------------------------------------


@dataclass
class BookingInfo:
    """What the booking screen shows: the matter, its 包案 leader, its open booking and the days it may go to."""

    matter_id: int
    number: str
    status_label: str
    summary: str
    case_leader_id: int | None
    case_leader: str
    current: tuple[DayView, AppointmentView] | None
    days: list[DayView]
    closed: str = ""  # why the matter cannot be booked at all (archived, closed …); "" when it can


def booking_info(ctx, operator, matter_id: int, *, limit: int = 12) -> BookingInfo | None:  # noqa: ANN001
    """The coming reception days a matter can be booked into (only the 包案 leader's days when it has one)."""
    with ctx.db.read() as session:
        matter = session.get(Matter, matter_id)
        if matter is None:
            return None
        case_leader = session.get(Leader, matter.leader_id) if matter.leader_id else None
        open_row = session.exec(select(Appointment).where(Appointment.matter_id == matter_id,
                                                          Appointment.state == BOOKED)).first()
        current = None
        if open_row is not None:
            day = _view(session, ctx, session.get(ReceptionDay, open_row.reception_day_id), with_bookings=True,
                        operator=operator)
            current = (day, next(a for a in day.appointments if a.id == open_row.id))
        query = select(ReceptionDay).where(ReceptionDay.day >= ctx.today()).order_by(ReceptionDay.day)
        if case_leader is not None:
            query = query.join(ReceptionDayLeader, ReceptionDayLeader.reception_day_id == ReceptionDay.id).where(
                ReceptionDayLeader.leader_id == case_leader.id)
        closed = booking_closed(matter.number, matter.status)
        days = [] if closed else [_view(session, ctx, row, with_bookings=True, operator=operator)
                                  for row in session.exec(query.limit(limit))]
        summary = shown_text(operator.role if operator else Role.CLERK, matter.is_restricted, matter.summary)
        return BookingInfo(matter.id, matter.number, STATUS_LABELS[Status(matter.status)], summary,
                           case_leader.id if case_leader else None, case_leader.name if case_leader else "",
                           current, days, closed)


def active_units(ctx) -> list[Unit]:  # noqa: ANN001
    """Units a 批示 can be assigned to, in the order of units.toml."""
    with ctx.db.read() as session:
        return list(session.exec(select(Unit).where(Unit.active == True).order_by(Unit.id)))  # noqa: E712


def book_matter(ctx, operator, matter_id: int, day: dt.date | int, *, slot: int | None = None,  # noqa: ANN001
                leader_id: int | None = None) -> Appointment:
    """约访: book the matter into the day (a free slot, a sitting leader; the 包案 leader when there is one)."""
    with ctx.db.write() as session:
        # the matter row is locked too: one open booking per matter even when two desks book it at once
        matter = session.exec(select(Matter).where(Matter.id == matter_id).with_for_update()).first()
        if matter is None:
            raise BookingRefused(f"找不到编号为{matter_id}的事项")
        row = _day_for_update(session, day)
        day_leaders = _day_leader_ids(session, row.id)
        active = [a for a in session.exec(select(Appointment).where(Appointment.reception_day_id == row.id))
                  if a.state in ACTIVE_STATES]
        open_booking = session.exec(select(Appointment, ReceptionDay)
                                    .join(ReceptionDay, ReceptionDay.id == Appointment.reception_day_id)
                                    .where(Appointment.matter_id == matter.id, Appointment.state == BOOKED)).first()
        case_days: tuple[dt.date, ...] = ()
        if matter.leader_id is not None:
            case_days = tuple(session.exec(
                select(ReceptionDay.day)
                .join(ReceptionDayLeader, ReceptionDayLeader.reception_day_id == ReceptionDay.id)
                .where(ReceptionDayLeader.leader_id == matter.leader_id, ReceptionDay.day >= ctx.today())
                .order_by(ReceptionDay.day).limit(3)))
        same_person = None
        others = [a for a in active if a.matter_id != matter.id]
        if others:
            for a in others:
                other = session.get(Matter, a.matter_id)
                if other is not None and other.petitioner_id == matter.petitioner_id:
                    same_person = (other.number, a.slot)
                    break
        person = session.get(Petitioner, matter.petitioner_id) if same_person else None
        visible = may_see_identity(operator.role, matter.is_restricted)
        per_leader: dict[int, int] = {}
        for a in active:
            if a.leader_id is not None:
                per_leader[a.leader_id] = per_leader.get(a.leader_id, 0) + 1
        request = BookingRequest(
            matter_number=matter.number, matter_status=matter.status, day=row.day, today=ctx.today(),
            slots=row.slots, taken_slots=frozenset(a.slot for a in active if a.slot > 0),
            day_leaders=tuple(day_leaders), leader_names={leader.id: leader.name for leader in _leaders(session)},
            bookings_per_leader=per_leader,
            open_booking_day=open_booking[1].day if open_booking else None,
            open_booking_slot=open_booking[0].slot if open_booking else None,
            case_leader_id=matter.leader_id, case_leader_days=case_days, wanted_slot=slot,
            wanted_leader_id=leader_id, same_person_booking=same_person,
            petitioner_name=(person.name if visible else RESTRICTED_NAME) if person else "")
        chosen_slot, chosen_leader = decide_booking(request)
        appt = Appointment(reception_day_id=row.id, matter_id=matter.id, leader_id=chosen_leader, slot=chosen_slot)
        session.add(appt)
        session.flush()
        leader = session.get(Leader, chosen_leader)
        record_event(session, operator, "reception_book", matter_id=matter.id,
                     note=f"约访{date_label(row.day)}第{chosen_slot}时段，接访领导{leader.name}",
                     data={"appointment_id": appt.id, "day": row.day.isoformat(), "slot": chosen_slot,
                           "leader_id": chosen_leader, "leader": leader.name})
        return appt


def cancel_booking(ctx, operator, appointment_id: int, reason: str) -> Appointment:  # noqa: ANN001
    if not reason.strip():
        raise BookingRefused("取消约访必须填写原因")
    with ctx.db.write() as session:
        appt = session.get(Appointment, appointment_id)
        if appt is None:
            raise BookingRefused(f"找不到编号为{appointment_id}的约访")
        if appt.state != BOOKED:
            raise BookingRefused(f"该约访已是“{APPOINTMENT_STATES[appt.state]}”，不能取消")
        row = session.get(ReceptionDay, appt.reception_day_id)
        appt.state = CANCELLED
        session.add(appt)
        record_event(session, operator, "reception_cancel", matter_id=appt.matter_id,
                     note=f"取消{date_label(row.day)}的约访：{reason.strip()}",
                     data={"appointment_id": appt.id, "day": row.day.isoformat(), "reason": reason.strip()})
        return appt


@dataclass
class WalkIn:
    registration: Any  # xfdesk.services.registration.Registration
    appointment_ids: list[int]


def register_walk_in(ctx, operator, day: dt.date | int, contact: ContactInput, *,  # noqa: ANN001
                     leader_id: int | None = None) -> WalkIn:
    """A petitioner who comes on the reception day without booking: registered (channel 领导接访) and seated with a
    leader, all in one transaction. Walk-ins take no slot (slot 0, 现场) so they never push out a booking."""
    from xfdesk.services.registration import check_contact, register_contact_in

    contact.channel = Channel.LEADER_RECEPTION.value
    with ctx.db.read() as session:
        row = _day_row(session, day)
        if row is None:
            raise BookingRefused(f"{_day_text(day)}不是接访日")
        if row.day > ctx.today():
            raise BookingRefused(f"{date_label(row.day)}的接访还未开始，不能登记现场来访（可先约访）")
        day_leaders = _day_leader_ids(session, row.id)
    if leader_id is not None and leader_id not in day_leaders:
        raise BookingRefused(f"所选领导不在{date_label(row.day)}接访")
    if not day_leaders:
        raise BookingRefused(f"{date_label(row.day)}没有安排接访领导")
    check_contact(ctx, contact)
    with ctx.db.write() as session:
        registration = register_contact_in(session, ctx, operator, contact, validated=True)
        contact_row = session.get(Contact, registration.contact_id)
        contact_row.reception_day_id = row.id
        session.add(contact_row)
        ids = []
        for matter_id in registration.matter_ids:
            matter = session.get(Matter, matter_id)
            seat = leader_id or (matter.leader_id if matter.leader_id in day_leaders else None) or day_leaders[0]
            appt = Appointment(reception_day_id=row.id, matter_id=matter_id, leader_id=seat, slot=0, state=ATTENDED)
            session.add(appt)
            session.flush()
            ids.append(appt.id)
            record_event(session, operator, "reception_walk_in", matter_id=matter_id,
                         contact_id=registration.contact_id, note=f"{date_label(row.day)}领导接访现场登记",
                         data={"appointment_id": appt.id, "day": row.day.isoformat(), "leader_id": seat})
        return WalkIn(registration, ids)


# -- the session ------------------------------------------------------------------------------------------------


def record_attendance(ctx, operator, appointment_id: int, attended: bool) -> Appointment:  # noqa: ANN001
    """到/未到 for a booked petitioner on the day."""
    with ctx.db.write() as session:
        appt = session.get(Appointment, appointment_id)
        if appt is None:
            raise BookingRefused(f"找不到编号为{appointment_id}的约访")
        if appt.state == CANCELLED:
            raise BookingRefused("该约访已取消")
        row = session.get(ReceptionDay, appt.reception_day_id)
        if row.day > ctx.today():
            raise BookingRefused(f"{date_label(row.day)}的接访还未开始，不能登记到访")
        new_state = ATTENDED if attended else ABSENT
        if appt.state != new_state:
            appt.state = new_state
            session.add(appt)
            record_event(session, operator, "reception_attendance", matter_id=appt.matter_id,
                         note=f"{date_label(row.day)}领导接访：{APPOINTMENT_STATES[new_state]}",
                         data={"appointment_id": appt.id, "day": row.day.isoformat(), "state": new_state})
        return appt


@dataclass
class InstructionOutcome:
    appointment_id: int
    matter_id: int
    status: str
    events: list[int]
    unit_ids: list[int]
    documents: list[Any] = field(default_factory=list)
    document_error: str = ""


def default_instruction_due(ctx, day: dt.date) -> dt.date:  # noqa: ANN001
    """The due date offered for a leader's 批示: the rule profile's 转送交办 period from the reception day
    (the clerk overwrites it with what the leader said)."""
    from xfdesk.domain.deadlines import due_date

    return due_date(day, ctx.profile.limit("dispatch"), ctx.calendar())


def record_instruction(ctx, operator, appointment_id: int, instruction: str, unit_ids: list[int],  # noqa: ANN001
                       due_on: dt.date | None, *, issue_documents: bool = True) -> InstructionOutcome:
    """领导批示: stored on the booking, the matter moves on to 交办 (first unit responsible) with the due date, and
    each unit gets a 督办 (event now, 督办通知书 issued right after the commit)."""
    # imported here: the documents feature (docxtpl, python-docx, jinja2, lxml: 9 MB) loads when a document is made, not
    # with the reception views the home screen shows (issue 16, the desk at rest)
    from xfdesk.services.documents import issue_document
    from xfdesk.services.handling import assign_in
    from xfdesk.services.supervision import supervise_in

    instruction = instruction.strip()
    unit_ids = list(dict.fromkeys(unit_ids))
    with ctx.db.write() as session:
        appt = session.get(Appointment, appointment_id)
        if appt is None:
            raise BookingRefused(f"找不到编号为{appointment_id}的约访")
        row = session.get(ReceptionDay, appt.reception_day_id)
        check_instruction(instruction, unit_ids, due_on, row.day)
        if appt.state == CANCELLED:
            raise BookingRefused("该约访已取消，不能记录批示")
        if appt.instruction:
            raise BookingRefused("该约访已记录领导批示；如需补充请在事项中添加办理记录")
        if row.day > ctx.today():
            raise BookingRefused(f"{date_label(row.day)}的接访还未开始，不能记录批示")
        units = []
        for uid in unit_ids:
            unit = session.get(Unit, uid)
            if unit is None or not unit.active:
                raise BookingRefused(f"找不到编号为{uid}的责任单位")
            units.append(unit)
        matter = session.get(Matter, appt.matter_id)
        from xfdesk.services.accused import refuse_accused

        refuse_accused(session, matter, [u.id for u in units], "交办或督办该单位")
        if Status(matter.status) not in OPEN_STATUSES:
            raise BookingRefused(f"事项{matter.number}当前为“{STATUS_LABELS[Status(matter.status)]}”，"
                                 f"已不在办理中，不能交办督办")
        leader = session.get(Leader, appt.leader_id) if appt.leader_id else None
        leader_name = leader.name if leader else "接访领导"
        if appt.state == BOOKED:  # a 批示 is given to someone who came
            appt.state = ATTENDED
        appt.instruction = instruction
        session.add(appt)
        events = []
        # the lifecycle's own cores: 受理 and 交办 as the table allows them, then a 督办 per unit
        on = row.day if row.day >= matter.received_on else None
        source = {"appointment_id": appt.id, "units": [u.id for u in units], "due_on": due_on.isoformat()}
        for action in instruction_actions(matter.status):
            if action == Action.ASSIGN:
                events.append(assign_in(session, ctx, operator, matter, units[0].id, on=on,
                                        note=f"{leader_name}接访批示"))
            else:
                events.append(transition(session, ctx, operator, matter, action, reason=f"{leader_name}接访批示",
                                         on=on, data=source))
        payload = {"appointment_id": appt.id, "day": row.day.isoformat(), "leader_id": appt.leader_id,
                   "leader": leader_name, "units": [{"id": u.id, "name": u.name} for u in units],
                   "due_on": due_on.isoformat()}
        events.append(record_event(session, operator, "leader_instruction", matter_id=matter.id,
                                   note=instruction, data=payload))
        for unit in units:
            events.append(supervise_in(
                session, ctx, operator, matter, unit_id=unit.id, due_on=due_on,
                note=f"落实{leader_name}批示，请{unit.name}于{due_on.year}年{due_on.month}月{due_on.day}日前办结并报告",
                data={"source": "leader_instruction", "appointment_id": appt.id, "instruction": instruction}))
        session.flush()
        outcome = InstructionOutcome(appt.id, matter.id, matter.status, [e.id for e in events],
                                     [u.id for u in units])
    if issue_documents:
        try:
            for uid in outcome.unit_ids:
                outcome.documents.append(issue_document(ctx, operator, "supervision_notice",
                                                        matter_id=outcome.matter_id, reception_day_id=row.id,
                                                        unit_id=uid, appointment_id=outcome.appointment_id))
        except Exception as exc:  # the instruction is saved; the notice can be printed again from the day
            outcome.document_error = f"督办通知书未能生成：{exc}（批示和督办已保存，通知书请稍后在文书功能中补出）"
        if outcome.document_error:
            ctx.warn(outcome.document_error)
    return outcome


NOTICE_DAYS_AHEAD = 5  # leaders and petitioners are commonly told five days ahead (domain §6)


def days_needing_notices(ctx, *, within_days: int = NOTICE_DAYS_AHEAD, operator=None) -> list[DayView]:  # noqa: ANN001
    """Coming reception days (today … ``within_days`` ahead) with bookings whose notices are not issued yet,
    for a reminder on the home screen."""
    today = ctx.today()
    out = []
    with ctx.db.read() as session:
        rows = session.exec(select(ReceptionDay).where(
            ReceptionDay.day.between(today, today + dt.timedelta(days=within_days))).order_by(ReceptionDay.day))
        for row in rows:
            view = _view(session, ctx, row, with_bookings=True, operator=operator)
            needed = {a.matter_id for a in view.appointments if a.state == BOOKED}
            if not needed:
                continue
            covered = set(session.exec(select(Document.matter_id).where(
                Document.reception_day_id == row.id, Document.kind == "leader_reception_notice",
                Document.void == False)))  # noqa: E712
            if needed - covered:
                out.append(view)
    return out


@dataclass
class DaySet:
    documents: list[Any]  # the day's whole current set
    issued: bool  # a new set was made (else the set already issued for the day, unchanged bookings)
    printed: list[Any] = field(default_factory=list)  # documents.PrintResult per document sent
    kept: list[Any] = field(default_factory=list)  # notices of the new set issued before, still true: not reprinted
    voided: list[Any] = field(default_factory=list)  # earlier documents of the day the new set replaces

    @property
    def failures(self) -> list[Any]:
        return [r for r in self.printed if not r.ok]


def print_day_set(ctx, operator, day: dt.date | int, *, send: bool = True) -> DaySet:  # noqa: ANN001
    """One key prints a day's set: the notices to each booked petitioner and each unit, the leader's brief and the
    week's 接访安排表 (through the documents feature). Whatever a booking, a cancellation or a new time changed is
    issued anew and only that is printed (``issue_day_set`` keeps every document that still says the same, and
    voids what it replaces); when nothing changed the set already issued is reprinted as it is — numbers are never
    taken twice for nothing, and a petitioner never holds two notices for one booking."""
    from xfdesk.services.documents import issue_day_set, print_document  # see record_instruction

    view = day_view(ctx, day, operator=operator)
    made = issue_day_set(ctx, operator, view.id)
    if made.new or made.voided:
        result = DaySet(made.documents, True, kept=made.kept, voided=made.voided)
        to_print = made.new
    else:
        result = DaySet(made.documents, False)
        to_print = made.documents
    if send:
        result.printed = [print_document(ctx, d.id) for d in to_print]
    return result
