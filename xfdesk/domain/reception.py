"""Leader reception days (领导接访日): the rule, the schedule with 逢节假日顺延 and merges, fair rotation, booking rules.

Pure: dates and ids in, plans and refusals out. The services read the database, call these and store the result.
"""

from __future__ import annotations

import calendar as _stdcal
import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
import re
from dataclasses import dataclass, field

from xfdesk.domain.calendar import WorkCalendar
from xfdesk.domain.errors import Refused
from xfdesk.domain.lifecycle import OPEN_STATUSES, STATUS_LABELS, Action, Status, forward_path

WEEKDAY_CHARS = "一二三四五六日"  # Monday first, as on Chinese wall calendars


def weekday_label(day: dt.date) -> str:
    """星期四."""
    return f"星期{WEEKDAY_CHARS[day.weekday()]}"


def date_label(day: dt.date) -> str:
    """11月26日（星期四）."""
    return f"{day.month}月{day.day}日（{weekday_label(day)}）"


class ReceptionRuleError(Refused, ValueError):
    """A reception rule that cannot be used; the message is Chinese and names the setting."""


Session = tuple[dt.time, dt.time]


def parse_sessions(text: str) -> tuple[Session, ...]:
    """``09:00-11:30、14:30-17:00`` → the reception periods of a day, in order; empty text → none (one run of
    slots from the start time, no break). A Chinese message names what is wrong."""
    parts = [p.strip() for p in re.split(r"[、,，;；\s]+", text.strip()) if p.strip()]
    out: list[Session] = []
    for part in parts:
        found = re.fullmatch(r"(\d{1,2})[:：](\d{2})\s*[-–—~～至到]\s*(\d{1,2})[:：](\d{2})", part)
        try:
            if found is None:
                raise ValueError(part)
            h1, m1, h2, m2 = map(int, found.groups())
            begin, end = dt.time(h1, m1), dt.time(h2, m2)
        except ValueError:
            raise ReceptionRuleError(f"接访时间格式不对：“{part}”，应为 09:00-11:30，多段用“、”隔开") from None
        if end <= begin:
            raise ReceptionRuleError(f"接访时间“{part}”的结束不晚于开始")
        if out and begin < out[-1][1]:
            raise ReceptionRuleError(f"接访时间“{part}”与前一段重叠或顺序颠倒，应按时间先后填写")
        out.append((begin, end))
    return tuple(out)


def sessions_label(sessions: Sequence[Session]) -> str:
    """``09:00-11:30、14:30-17:00``."""
    return "、".join(f"{b:%H:%M}-{e:%H:%M}" for b, e in sessions)


def _minutes(t: dt.time) -> int:
    return t.hour * 60 + t.minute


@dataclass(frozen=True)
class ReceptionRule:
    """Which days are reception days, and how each day is organised.

    Either a weekday (0 = Monday … 3 = Thursday) every week, or a day of the month (the 10th); the day of the month
    wins when both are set, as in the settings.
    """

    weekday: int | None = 3
    day_of_month: int | None = None
    leaders_per_day: int = 1
    slots: int = 8
    slot_minutes: int = 30
    start: dt.time = dt.time(9, 0)
    # the periods of the day slots may fall in (the lunch break lies between them); empty: one run from ``start``
    sessions: tuple[Session, ...] = ()

    def __post_init__(self) -> None:
        if self.day_of_month is None and self.weekday is None:
            raise ReceptionRuleError("接访日规则未设置：请设置每周几（reception_weekday）或每月几日（reception_day_of_month）")
        if self.day_of_month is not None and not 1 <= self.day_of_month <= 28:
            # the 29th–31st do not exist in every month; offices use early or mid-month dates
            raise ReceptionRuleError(f"每月接访日应为1至28日，现为{self.day_of_month}日")
        if self.day_of_month is None and not 0 <= int(self.weekday) <= 6:
            raise ReceptionRuleError(f"接访星期应为0（星期一）至6（星期日），现为{self.weekday}")
        if self.leaders_per_day < 1:
            raise ReceptionRuleError("每个接访日至少安排1位领导")
        if self.slots < 1:
            raise ReceptionRuleError("每个接访日至少1个约访时段")
        if self.slot_minutes < 5:
            raise ReceptionRuleError("每个约访时段至少5分钟")
        if self.sessions:
            if not any(b <= self.start < e for b, e in self.sessions):
                raise ReceptionRuleError(f"接访开始时间{self.start:%H:%M}不在接访时间（{sessions_label(self.sessions)}）内")
            fit = len(self._slot_starts())
            if fit < self.slots:
                raise ReceptionRuleError(
                    f"{self.slots}个时段、每段{self.slot_minutes}分钟排不下：接访时间{sessions_label(self.sessions)}"
                    f"（{self.start:%H:%M}起）只能排{fit}个，请减少时段数、缩短每段分钟数或延长接访时间")

    def _slot_starts(self, limit: int | None = None) -> list[int]:
        """Start minutes of the slots that fit the sessions, from ``start``: a period is filled, then the next."""
        out: list[int] = []
        first = _minutes(self.start)
        for begin, end in self.sessions:
            t, stop = max(_minutes(begin), first), _minutes(end)
            while t + self.slot_minutes <= stop:
                out.append(t)
                if limit is not None and len(out) >= limit:
                    return out
                t += self.slot_minutes
        return out

    def describe(self) -> str:
        if self.day_of_month is not None:
            when = f"每月{self.day_of_month}日"
        else:
            when = f"每周{WEEKDAY_CHARS[self.weekday]}"
        return (f"{when}（逢节假日顺延），每日{self.leaders_per_day}位领导，{self.slots}个时段，"
                f"每段{self.slot_minutes}分钟")

    def dates(self, first: dt.date, last: dt.date) -> list[dt.date]:
        """The rule's own dates in ``[first, last]``, before any holiday move."""
        out: list[dt.date] = []
        if self.day_of_month is not None:
            year, month = first.year, first.month
            while (year, month) <= (last.year, last.month):
                day = dt.date(year, month, self.day_of_month)
                if first <= day <= last:
                    out.append(day)
                year, month = (year + 1, 1) if month == 12 else (year, month + 1)
            return out
        day = first + dt.timedelta(days=(self.weekday - first.weekday()) % 7)
        while day <= last:
            out.append(day)
            day += dt.timedelta(days=7)
        return out

    def slot_label(self, slot: int) -> str:
        """``09:00-09:30`` for slot 1; slot 0 is a walk-in registered on the day (现场)."""
        if slot <= 0:
            return "现场"
        starts = self._slot_starts(limit=slot) if self.sessions else []
        if len(starts) >= slot:
            minutes = starts[slot - 1]
        else:  # no sessions (or a day planned with more slots than they hold now): one run on from the start
            minutes = _minutes(self.start) + (slot - 1) * self.slot_minutes
        end = minutes + self.slot_minutes
        return f"{minutes // 60:02d}:{minutes % 60:02d}-{end // 60:02d}:{end % 60:02d}"


def rule_from_settings(s) -> ReceptionRule:  # noqa: ANN001 - the office settings (``services.context.Settings``)
    """The reception rule from the office's settings (which may have been typed in by hand: numbers as text are
    accepted); a ``ReceptionRuleError`` names the setting at fault."""
    sessions = parse_sessions(str(s.extra.get("reception_sessions") or ""))
    start = str(s.extra.get("reception_start") or (f"{sessions[0][0]:%H:%M}" if sessions else "09:00"))
    try:
        start_time = dt.time.fromisoformat(start)
    except ValueError:
        raise ReceptionRuleError(f"接访开始时间格式不对：“{start}”，应为 09:00") from None
    # settings may have been typed in by hand (a settings file, an import): numbers as text are accepted
    values = {}
    for key, label in (("reception_weekday", "接访星期"), ("reception_day_of_month", "每月接访日"),
                       ("reception_leaders_per_day", "每日接访领导人数"), ("reception_slots", "约访时段数"),
                       ("reception_slot_minutes", "每段分钟数")):
        raw = getattr(s, key)
        try:
            values[key] = None if raw in (None, "", 0, "0") and key == "reception_day_of_month" else int(raw)
        except (TypeError, ValueError):
            raise ReceptionRuleError(f"设置“{label}”（{key}）不是数字：{raw!r}") from None
    return ReceptionRule(weekday=values["reception_weekday"], day_of_month=values["reception_day_of_month"],
                         leaders_per_day=values["reception_leaders_per_day"], slots=values["reception_slots"],
                         slot_minutes=values["reception_slot_minutes"], start=start_time, sessions=sessions)



# -- periods --------------------------------------------------------------------------------------------------


def parse_month(text: str) -> tuple[int, int]:
    """``2026-10`` → (2026, 10); a Chinese message for anything else."""
    raw = text.strip().replace("年", "-").replace("月", "").replace("/", "-")
    try:
        year_text, month_text = raw.split("-")[:2]
        year, month = int(year_text), int(month_text)
        if not 1 <= month <= 12 or not 1900 < year < 3000:
            raise ValueError
    except ValueError:
        raise ReceptionRuleError(f"月份格式不对：“{text}”，应为 YYYY-MM，例如 2026-10") from None
    return year, month


def month_span(year: int, month: int, months: int = 1) -> tuple[dt.date, dt.date]:
    """First and last date of ``months`` months starting with ``year-month``."""
    if months < 1:
        raise ReceptionRuleError("月数至少为1")
    index = year * 12 + (month - 1) + months - 1
    last_year, last_month = divmod(index, 12)
    last_month += 1
    return dt.date(year, month, 1), dt.date(last_year, last_month, _stdcal.monthrange(last_year, last_month)[1])


def month_weeks(year: int, month: int) -> list[list[dt.date | None]]:
    """The month as weeks Monday–Sunday; days of the neighbouring months are None."""
    return [[d if d.month == month else None for d in week]
            for week in _stdcal.Calendar(firstweekday=0).monthdatescalendar(year, month)]


# -- schedule generation ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class KeptDay:
    """A reception day already stored that generation must not rewrite (past, manually changed, or with bookings)."""

    day: dt.date
    leader_ids: tuple[int, ...]
    planned_for: dt.date | None = None
    why: str = "past"  # past | manual | booked | other (a day of another period a moved date landed on)
    owned: bool = True  # belongs to the period being generated (counts towards its fairness)


@dataclass(frozen=True)
class PlannedDay:
    day: dt.date
    planned_for: tuple[dt.date, ...]  # the rule dates this day stands for (more than one when merged)
    leader_ids: tuple[int, ...]
    kept: str = ""  # empty for a newly planned day, else KeptDay.why

    @property
    def moved(self) -> bool:
        return any(p != self.day for p in self.planned_for)

    @property
    def merged(self) -> bool:
        """Two reception days became one: a moved date landed on another reception day."""
        return len(self.planned_for) > 1

    def note(self, calendar: WorkCalendar | None = None) -> str:
        """Why this day is not simply the rule's date, in Chinese (empty when it is)."""
        moved = [p for p in self.planned_for if p != self.day]
        if not moved:
            return ""
        names = []
        for p in moved:
            holiday = calendar.day_name(p) if calendar is not None else ""
            names.append(f"{p.month}月{p.day}日" + (f"（{holiday}）" if holiday else ""))
        text = f"{'、'.join(names)}接访日逢节假日顺延至本日"
        if self.merged:
            text += "，与本日接访合并"
        return text


@dataclass
class SchedulePlan:
    first: dt.date
    last: dt.date
    days: list[PlannedDay]
    missing_years: list[int] = field(default_factory=list)

    def counts(self, leader_ids: Iterable[int]) -> dict[int, int]:
        """Days each leader sits in the plan (kept days of the period included)."""
        counts = {lid: 0 for lid in leader_ids}
        for d in self.days:
            if d.kept == "other":
                continue
            for lid in d.leader_ids:
                if lid in counts:
                    counts[lid] += 1
        return counts

    def warnings(self) -> list[str]:
        return [missing_year_warning(y) for y in self.missing_years]


def missing_year_warning(year: int) -> str:
    return (f"缺少{year}年的法定节假日安排：{year}年的接访日只避开了周末，未按节假日顺延，"
            f"请先导入该年安排（xfdesk calendar import）再重新生成")


def fair_pick(count: int, leaders: Sequence[int], tally: Mapping[int, int],
              last_sat: Mapping[int, dt.date], exclude: Iterable[int] = ()) -> list[int]:
    """The ``count`` leaders who sat least in the period, then longest ago, then by roster order."""
    excluded = set(exclude)
    order = {lid: i for i, lid in enumerate(leaders)}
    candidates = [lid for lid in leaders if lid not in excluded]
    candidates.sort(key=lambda lid: (tally.get(lid, 0), last_sat.get(lid, dt.date.min), order[lid]))
    return candidates[:count]


def plan_schedule(rule: ReceptionRule, first: dt.date, last: dt.date, leaders: Sequence[int],
                  calendar: WorkCalendar, *, today: dt.date, kept: Iterable[KeptDay] = (),
                  last_sat: Mapping[int, dt.date] | None = None) -> SchedulePlan:
    """Reception days whose rule date lies in ``[first, last]``, with their leaders.

    A rule date on a rest day moves to the next working day (逢节假日顺延); when that day is already a reception day
    (another rule date, or a stored day) the two become one day. Days before ``today`` are never created or changed;
    kept days stay exactly as stored. Leaders rotate so that each active leader's count in the period differs by at
    most one (kept days count too); ties go to whoever sat longest ago, so consecutive periods continue the rotation.
    """
    if not leaders:
        raise ReceptionRuleError("没有在任的接访领导，请先添加领导（xfdesk leader add）")
    if rule.leaders_per_day > len(leaders):
        raise ReceptionRuleError(
            f"每个接访日需要{rule.leaders_per_day}位领导，但在任领导只有{len(leaders)}位")
    rule_dates = rule.dates(first, last)
    kept_by_day = {k.day: k for k in kept}
    sources: dict[dt.date, list[dt.date]] = {}
    for planned in rule_dates:
        actual = calendar.next_workday(planned)
        sources.setdefault(actual, []).append(planned)
    # the years whose holidays decided a day: the rule dates' and those a date moved into
    missing = calendar.missing_years({d.year for d in rule_dates} | {d.year for d in sources})

    days: list[PlannedDay] = []
    for k in kept_by_day.values():
        if k.owned or k.day in sources:
            own = (k.planned_for or k.day,)
            extra = tuple(p for p in sources.get(k.day, ()) if p not in own)
            days.append(PlannedDay(k.day, tuple(sorted(set(own + extra))), k.leader_ids, k.why))
    for actual, planned in sources.items():
        if actual in kept_by_day or actual < today:
            continue
        days.append(PlannedDay(actual, tuple(planned), ()))
    days.sort(key=lambda d: d.day)

    history = dict(last_sat or {})
    tally = {lid: 0 for lid in leaders}
    for d in days:
        if d.kept and d.kept != "other":
            for lid in d.leader_ids:
                if lid in tally:
                    tally[lid] += 1
    result: list[PlannedDay] = []
    for d in days:
        if d.kept:
            for lid in d.leader_ids:
                history[lid] = max(history.get(lid, dt.date.min), d.day)
            result.append(d)
            continue
        chosen = fair_pick(rule.leaders_per_day, leaders, tally, history)
        for lid in chosen:
            tally[lid] += 1
            history[lid] = d.day
        result.append(PlannedDay(d.day, d.planned_for, tuple(chosen)))
    return SchedulePlan(first, last, result, missing)


def is_fair(counts: Mapping[int, int]) -> bool:
    return not counts or max(counts.values()) - min(counts.values()) <= 1


# Chinese names of the events this feature writes (for timelines and audit lists).
EVENT_LABELS: dict[str, str] = {
    "reception_schedule": "接访排班",
    "reception_rule": "修改接访日规则",
    "reception_swap": "调整接访领导",
    "reception_absence": "接访领导缺席",
    "reception_book": "约访",
    "reception_cancel": "取消约访",
    "reception_walk_in": "领导接访现场登记",
    "reception_attendance": "接访到访登记",
    "leader_instruction": "领导批示",
    "supervise": "督办",
    "case_leader": "领导包案",
    "leader_add": "添加接访领导",
    "leader_import": "导入接访领导",
    "leader_active": "启用接访领导",
    "leader_inactive": "停用接访领导",
}


# -- bookings ---------------------------------------------------------------------------------------------------


class BookingRefused(Refused):
    """A booking that cannot be made; the message is for the user, in Chinese."""


BOOKED = "booked"
ATTENDED = "attended"
ABSENT = "absent"
CANCELLED = "cancelled"
APPOINTMENT_STATES = {BOOKED: "已约", ATTENDED: "到", ABSENT: "未到", CANCELLED: "已取消"}
ACTIVE_STATES = frozenset({BOOKED, ATTENDED, ABSENT})  # occupy a slot


@dataclass(frozen=True)
class BookingRequest:
    """Everything the booking rules look at, already read from the database."""

    matter_number: str
    matter_status: str
    day: dt.date
    today: dt.date
    slots: int
    taken_slots: frozenset[int]
    day_leaders: tuple[int, ...]  # leaders sitting that day, in order
    leader_names: Mapping[int, str]
    bookings_per_leader: Mapping[int, int]
    open_booking_day: dt.date | None = None  # the matter's current open booking, if any
    open_booking_slot: int | None = None
    case_leader_id: int | None = None  # 包案领导
    case_leader_days: tuple[dt.date, ...] = ()  # that leader's coming reception days (for the message)
    wanted_slot: int | None = None
    wanted_leader_id: int | None = None
    # the same petitioner's other booking that day (matter number, slot): one petitioner, one notice per day
    same_person_booking: tuple[str, int] | None = None
    petitioner_name: str = ""


def booking_closed(matter_number: str, matter_status: str) -> str:
    """Why a matter cannot be booked at all (it is no longer being handled), or "" when it can."""
    if Status(matter_status) in OPEN_STATUSES:
        return ""
    return f"事项{matter_number}当前为“{STATUS_LABELS[Status(matter_status)]}”，已不在办理中，不能约访"


def decide_booking(req: BookingRequest) -> tuple[int, int]:
    """(slot, leader_id) for the booking, or BookingRefused naming the conflict."""
    if closed := booking_closed(req.matter_number, req.matter_status):
        raise BookingRefused(closed)
    if req.day < req.today:
        raise BookingRefused(f"{date_label(req.day)}已经过去，不能再约访")
    if req.open_booking_day is not None:
        if req.open_booking_day < req.today:  # the day passed without 到/未到 being recorded
            raise BookingRefused(f"事项{req.matter_number}原约在{date_label(req.open_booking_day)}，尚未登记到访情况；"
                                 f"请先在该接访日登记到/未到，或取消原约访再改约")
        raise BookingRefused(f"事项{req.matter_number}已约在{date_label(req.open_booking_day)}第"
                             f"{req.open_booking_slot}时段，请先取消原约访再改约")
    if req.same_person_booking is not None:
        number, slot = req.same_person_booking
        who = req.petitioner_name or "该信访人"
        raise BookingRefused(f"{who}已约在{date_label(req.day)}第{slot}时段（事项{number}），同一信访人一天只约一次、"
                             f"只发一份领导接访通知书：本事项请在该次接访中一并反映，或约到其他接访日")
    if not req.day_leaders:
        raise BookingRefused(f"{date_label(req.day)}尚未安排接访领导，不能约访")
    leader_id = req.wanted_leader_id
    if req.case_leader_id is not None:
        name = req.leader_names.get(req.case_leader_id, "包案领导")
        if req.case_leader_id not in req.day_leaders:
            coming = "、".join(f"{d.month}月{d.day}日" for d in req.case_leader_days[:3])
            hint = f"（{name}近期接访日：{coming}）" if coming else f"（{name}近期没有接访日，请先调整排班）"
            raise BookingRefused(f"事项{req.matter_number}由{name}包案，只能约在{name}的接访日{hint}")
        if leader_id is not None and leader_id != req.case_leader_id:
            raise BookingRefused(f"事项{req.matter_number}由{name}包案，不能约给"
                                 f"{req.leader_names.get(leader_id, '其他领导')}")
        leader_id = req.case_leader_id
    if leader_id is not None and leader_id not in req.day_leaders:
        raise BookingRefused(f"{req.leader_names.get(leader_id, '该领导')}不在{date_label(req.day)}接访")
    if leader_id is None:
        # the leader with the fewest bookings that day, roster order breaking ties
        leader_id = min(req.day_leaders, key=lambda lid: (req.bookings_per_leader.get(lid, 0),
                                                          req.day_leaders.index(lid)))
    free = [s for s in range(1, req.slots + 1) if s not in req.taken_slots]
    if req.wanted_slot is not None:
        if not 1 <= req.wanted_slot <= req.slots:
            raise BookingRefused(f"时段应为1至{req.slots}，现为{req.wanted_slot}")
        if req.wanted_slot in req.taken_slots:
            alt = f"，空余时段：{'、'.join(map(str, free))}" if free else ""
            raise BookingRefused(f"{date_label(req.day)}第{req.wanted_slot}时段已有约访{alt}")
        return req.wanted_slot, leader_id
    if not free:
        raise BookingRefused(f"{date_label(req.day)}的{req.slots}个约访时段已约满，请改约其他接访日")
    return free[0], leader_id


# -- the session ------------------------------------------------------------------------------------------------


# After a leader's 批示 the matter is 交办 to the units named (domain §6).
INSTRUCTION_TARGET = Status.ASSIGNED


def instruction_actions(status: str) -> list[Action]:
    """The lifecycle actions, by the table, that take a matter forward to 交办 after the leader's instruction
    (nothing when it is already being handled or cannot get there forward, e.g. during mediation)."""
    return forward_path(status, INSTRUCTION_TARGET)


def check_instruction(instruction: str, unit_ids: Sequence[int], due_on: dt.date | None, day: dt.date) -> None:
    """The leader's 批示 needs text, at least one responsible unit and a due date after the reception day."""
    problems = []
    if not instruction.strip():
        problems.append("领导批示不能为空")
    if not unit_ids:
        problems.append("请至少选择一个责任单位")
    if due_on is None:
        problems.append("请填写办理期限")
    elif due_on <= day:
        problems.append(f"办理期限应晚于接访日{day.month}月{day.day}日")
    if problems:
        raise BookingRefused("；".join(problems))
