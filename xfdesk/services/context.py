"""The application context every service receives: data folder, database, settings, rule profile, calendar, clock.

Tests build one on a temporary folder and may fix ``today`` (``ctx.clock``) so that deadlines are reproducible.
"""

from __future__ import annotations

import datetime as dt
import sys
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlmodel import select

from xfdesk.domain.calendar import WorkCalendar, YearSchedule
from xfdesk.domain.deadlines import RuleProfile, profile_from_mapping
from xfdesk.domain.glossary import Role
from xfdesk.paths import Home
from xfdesk.storage.db import Database, open_database
from xfdesk.storage.models import CalendarDay, CalendarYear, Setting


@dataclass(frozen=True)
class Operator:
    """Who is at the keyboard: recorded as the actor of every event. The desk and the commands get one only from
    ``services.accounts.sign_in`` (a password); ``account_id`` is None for the program's own work (``SYSTEM``)."""

    name: str
    role: Role = Role.CLERK
    account_id: int | None = None

    @property
    def is_head(self) -> bool:
        return self.role == Role.HEAD


SYSTEM = Operator("系统", Role.HEAD)


@dataclass
class Settings:
    """Installation settings, stored in the ``setting`` table (defaults here)."""

    office_name: str = "琴江镇信访办"
    authority_name: str = "琴江镇人民政府"  # the 机关 in document headers
    county: str = "石城县"
    rule_profile: str = "national"
    reception_weekday: int = 3  # 0 = Monday … 3 = Thursday
    reception_day_of_month: int | None = None  # e.g. 10: the 10th of every month instead of a weekday
    reception_leaders_per_day: int = 1
    reception_slots: int = 8
    reception_slot_minutes: int = 30
    fast_track: bool = True  # 初访速办
    due_soon_days: int = 5
    printer: str = ""  # empty: the system's default printer
    backup_daily: bool = True  # the first start of each day backs the database up (services/backup.py)
    backup_folder: str = ""  # a second place for the daily backup: a USB stick or a share (empty: only backups/)
    backup_keep_daily: int = 7
    backup_keep_weekly: int = 4
    backup_keep_monthly: int = 12
    idle_lock_minutes: int = 10  # the desk locks after this long without a key (0: never; not advised)
    extra: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def keys(cls) -> list[str]:
        return [f for f in cls.__dataclass_fields__ if f != "extra"]


class AppContext:
    def __init__(self, home: Home, db: Database, *, clock: Callable[[], dt.date] | None = None):
        self.home = home
        self.db = db
        self.clock: Callable[[], dt.date] = clock or dt.date.today
        self._settings: Settings | None = None
        self._profile: RuleProfile | None = None
        self._calendar: WorkCalendar | None = None
        self.warnings: list[str] = []

    def today(self) -> dt.date:
        return self.clock()

    # -- settings -----------------------------------------------------------------------------------------------
    @property
    def settings(self) -> Settings:
        if self._settings is None:
            values: dict[str, Any] = {}
            extra: dict[str, Any] = {}
            with self.db.read() as session:
                for row in session.exec(select(Setting)):
                    (values if row.key in Settings.keys() else extra)[row.key] = row.value
            extra.setdefault("reception_sessions", shipped_reception_sessions(self.home))
            self._settings = Settings(**values, extra=extra)
        return self._settings

    def save_setting(self, key: str, value: Any) -> None:
        with self.db.write() as session:
            write_setting(session, key, value)
        self._settings = None
        self._profile = None

    # -- rule profile -------------------------------------------------------------------------------------------
    @property
    def profile(self) -> RuleProfile:
        if self._profile is None:
            self._profile = load_profile(self.home, self.settings.rule_profile)
        return self._profile

    # -- calendar -----------------------------------------------------------------------------------------------
    def calendar(self) -> WorkCalendar:
        """chinese-calendar's years plus the office's own (which win); weekends assumed for unknown years."""
        if self._calendar is None:
            self._calendar = WorkCalendar(self.office_years())
        return self._calendar

    def office_years(self) -> dict[int, YearSchedule]:
        holidays: dict[int, set[dt.date]] = {}
        workdays: dict[int, set[dt.date]] = {}
        names: dict[int, dict[dt.date, str]] = {}
        with self.db.read() as session:
            years = [y.year for y in session.exec(select(CalendarYear))]
            for day in session.exec(select(CalendarDay)):
                (workdays if day.is_workday else holidays).setdefault(day.year, set()).add(day.day)
                names.setdefault(day.year, {})[day.day] = day.name
        return {
            y: YearSchedule(y, frozenset(holidays.get(y, ())), frozenset(workdays.get(y, ())), names.get(y, {}))
            for y in years
        }

    def invalidate_calendar(self) -> None:
        self._calendar = None

    def invalidate_settings(self) -> None:
        """Forget the cached settings (after a service wrote several ``Setting`` rows in one transaction)."""
        self._settings = None
        self._profile = None

    def warn(self, message: str) -> None:
        """A plain warning for the user (the TUI shows it, the CLI prints it on stderr)."""
        if message not in self.warnings:
            self.warnings.append(message)

    def calendar_warnings(self) -> list[str]:
        cal = self.calendar()
        return [missing_year_warning(y) for y in sorted(cal.assumed_years)]


def missing_year_warning(year: int) -> str:
    """The one wording for a deadline counted without the year's holiday schedule (CLI stderr, TUI, doctor)."""
    return f"缺少{year}年的法定节假日安排，{year}年的期限暂按周末推算，请导入该年安排（xfdesk calendar import）"


def write_setting(session, key: str, value: Any) -> None:  # noqa: ANN001
    """Insert or replace one setting inside the caller's transaction."""
    row = session.get(Setting, key)
    if row is None:
        session.add(Setting(key=key, value=value))
    else:
        row.value = value
        session.add(row)


def shipped_reception_sessions(home: Home) -> str:
    """The reception hours of ``data/reception.toml`` (lunch break between the periods), the default until the
    office sets ``reception_sessions``; empty when the file is missing or unreadable (one run of slots, as before)."""
    try:
        with home.data_file("reception.toml").open("rb") as f:
            return str(tomllib.load(f).get("sessions", ""))
    except (OSError, tomllib.TOMLDecodeError):
        return ""


def load_profile(home: Home, name: str) -> RuleProfile:
    path = home.data_file(f"rules/{name}.toml")
    if not path.exists():
        raise FileNotFoundError(f"找不到时限方案“{name}”（{path}）")
    with path.open("rb") as f:
        return profile_from_mapping(tomllib.load(f))


def open_context(home: Home | str | None = None, *, migrate: bool = True,
                 clock: Callable[[], dt.date] | None = None) -> AppContext:
    home = home if isinstance(home, Home) else Home(home)
    db = open_database(home, migrate=migrate)
    ctx = AppContext(home, db, clock=clock)
    if migrate:
        from xfdesk.services.reference import sync_units

        sync_units(ctx)
    return ctx


def print_warnings(ctx: AppContext) -> None:
    for message in ctx.warnings + ctx.calendar_warnings():
        print(f"提示：{message}", file=sys.stderr)
