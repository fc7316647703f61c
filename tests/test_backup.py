"""Backups and restore: retention, verification before pruning, the daily backup, the restore drill, refusals."""

from __future__ import annotations

import datetime as dt
import sqlite3
import threading

import pytest
from sqlmodel import select

from tests.conftest import sample_contact
from xfdesk.cli.app import run
from xfdesk.domain.backups import Retention, age_text, to_keep
from xfdesk.services.backup import BackupRefused, backup_status, daily_backup, make_backup, restore_backup
from xfdesk.services.context import open_context
from xfdesk.services.registration import register_contact
from xfdesk.storage import backup as copies
from xfdesk.storage.models import Matter

NOW = dt.datetime(2026, 11, 21, 9, 0)


def register(ctx, clerk, n: int, name: str = "张三") -> list[str]:
    numbers = []
    for i in range(n):
        reg = register_contact(ctx, clerk, sample_contact(name=name, summaries=(f"反映第{i}件事：道路积水",)))
        numbers += reg.numbers
    return numbers


def matter_numbers(ctx) -> list[str]:
    with ctx.db.read() as session:
        return sorted(m.number for m in session.exec(select(Matter)))


# -- retention (pure) ---------------------------------------------------------------------------------------------
def test_retention_keeps_the_newest_of_each_day_week_and_month():
    times = [dt.datetime(2026, 1, 1, 8) + dt.timedelta(hours=12 * i) for i in range(2 * 330)]  # two a day
    keep = to_keep(times, Retention(daily=7, weekly=4, monthly=12))
    newest = max(times)
    assert newest in keep
    days = {t.date() for t in keep}
    # 7 last days, plus the last of 4 weeks and 12 months (some coincide with those days)
    assert {newest.date() - dt.timedelta(days=i) for i in range(7)} <= days
    assert all(t == max(x for x in times if x.date() == t.date()) for t in keep)  # only the day's newest
    months = {(t.year, t.month) for t in keep}
    assert len(months) == 11  # every month of the 330 days (Jan to Nov)
    assert len(keep) <= 7 + 4 + 12


def test_retention_of_nothing_still_keeps_the_newest():
    times = [NOW - dt.timedelta(days=i) for i in range(5)]
    assert to_keep(times, Retention(0, 0, 0)) == {NOW}
    assert to_keep([], Retention()) == set()


def test_age_text():
    assert age_text(dt.timedelta(minutes=5)) == "5分钟前"
    assert age_text(dt.timedelta(hours=30)) == "1天前"
    assert age_text(dt.timedelta(days=3, hours=2)) == "3天前"


# -- backup ---------------------------------------------------------------------------------------------------------
def test_backup_while_another_desk_keeps_writing_is_consistent(ctx, clerk, tmp_path):
    register(ctx, clerk, 3)
    other = open_context(ctx.home, clock=ctx.clock)
    stop = threading.Event()
    written: list[str] = []

    def keep_registering() -> None:
        while not stop.is_set():
            written.extend(register(other, clerk, 1, name="李四"))

    worker = threading.Thread(target=keep_registering)
    worker.start()
    try:
        outcome = make_backup(ctx, to=tmp_path / "usb", now=NOW)
    finally:
        stop.set()
        worker.join()
        other.db.dispose()
    info = outcome.info
    assert info.verified and info.problem == ""
    assert 3 <= info.counts["matter"] <= 3 + len(written)
    con = sqlite3.connect(info.path)
    assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert con.execute("PRAGMA journal_mode").fetchone()[0] == "delete"  # one self-contained file
    con.close()
    assert sorted(p.name for p in (tmp_path / "usb").iterdir() if p.is_file()) == [info.path.name,
                                                                                     info.manifest.name]


def test_backup_copies_new_documents_only(ctx, clerk, tmp_path):
    (ctx.home.output / "2026" / "11").mkdir(parents=True)
    (ctx.home.output / "2026" / "11" / "受理告知书-1.docx").write_bytes(b"x" * 10)
    first = make_backup(ctx, to=tmp_path / "usb", now=NOW)
    assert first.documents_copied == 1
    assert (tmp_path / "usb" / "documents" / "2026" / "11" / "受理告知书-1.docx").read_bytes() == b"x" * 10
    second = make_backup(ctx, to=tmp_path / "usb", now=NOW + dt.timedelta(hours=1))
    assert second.documents_copied == 0


def test_a_copy_that_fails_verification_prunes_nothing(ctx, clerk, tmp_path, monkeypatch):
    folder = tmp_path / "usb"
    for day in range(10):
        make_backup(ctx, to=folder, now=NOW - dt.timedelta(days=30 + day))
    before = sorted(p.name for p in folder.glob("*.db"))
    real_verify = copies.verify

    def damaged(path):
        info = real_verify(path)
        info.verified, info.problem = False, "完整性检查未通过：page 3 is never used"
        return info

    monkeypatch.setattr(copies, "verify", damaged)
    with pytest.raises(BackupRefused, match="校验未通过.*旧的备份没有删除"):
        make_backup(ctx, to=folder, now=NOW)
    monkeypatch.setattr(copies, "verify", real_verify)
    after = sorted(p.name for p in folder.glob("*.db"))
    assert set(before) <= set(after) and len(after) == len(before) + 1  # the bad copy stays, marked bad
    assert copies.last_good(folder).taken_at == NOW - dt.timedelta(days=30)


def test_retention_setting_prunes_after_a_good_backup(ctx, tmp_path):
    folder = tmp_path / "usb"
    ctx.save_setting("backup_keep_daily", 3)
    ctx.save_setting("backup_keep_weekly", 0)
    ctx.save_setting("backup_keep_monthly", 0)
    for day in range(6):
        make_backup(ctx, to=folder, now=NOW - dt.timedelta(days=5 - day))
    kept = [b.taken_at.date() for b in copies.list_backups(folder)]
    assert kept == [(NOW - dt.timedelta(days=i)).date() for i in (2, 1, 0)]


def test_daily_backup_once_a_day_in_both_places(ctx, tmp_path):
    usb = tmp_path / "usb"
    usb.mkdir()
    ctx.save_setting("backup_folder", str(usb))
    first = daily_backup(ctx, now=NOW)
    assert [o.folder for o in first.made] == [ctx.home.backups, usb] and first.problems == []
    again = daily_backup(ctx, now=NOW + dt.timedelta(hours=3))
    assert again.made == [] and again.problems == []
    tomorrow = daily_backup(ctx, now=NOW + dt.timedelta(days=1))
    assert len(tomorrow.made) == 2


def test_daily_backup_with_the_usb_stick_missing_says_so_and_still_backs_up_locally(ctx, tmp_path):
    ctx.save_setting("backup_folder", str(tmp_path / "no-such-drive" / "信访备份"))
    result = daily_backup(ctx, now=NOW)
    assert [o.folder for o in result.made] == [ctx.home.backups]
    assert result.problems and "U 盘" in result.problems[0]


def test_daily_backup_can_be_turned_off(ctx):
    ctx.save_setting("backup_daily", False)
    assert daily_backup(ctx, now=NOW).made == []


def test_backup_status_is_stale_after_two_days(ctx):
    assert backup_status(ctx, now=NOW) == (None, True)
    make_backup(ctx, now=NOW - dt.timedelta(days=1))
    good, stale = backup_status(ctx, now=NOW)
    assert good is not None and not stale
    assert backup_status(ctx, now=NOW + dt.timedelta(days=2))[1] is True


# -- restore --------------------------------------------------------------------------------------------------------
def test_restore_drill(ctx, clerk, tmp_path):
    """Register, back up, register more, restore, compare."""
    register(ctx, clerk, 4)
    at_backup = matter_numbers(ctx)
    outcome = make_backup(ctx, to=tmp_path / "usb", now=NOW)
    later = register(ctx, clerk, 3, name="王五")
    assert set(later).isdisjoint(at_backup)
    home = ctx.home
    ctx.db.dispose()

    restored = restore_backup(home, outcome.info.path, now=NOW + dt.timedelta(hours=2))
    assert restored.counts["matter"] == len(at_backup)
    assert restored.newest_matter == at_backup[-1]
    assert restored.kept_copy is not None and restored.kept_copy.parent == home.backups
    kept = copies.verify(restored.kept_copy)
    assert kept.verified and kept.counts["matter"] == len(at_backup) + len(later)  # nothing is ever lost

    again = open_context(home, clock=ctx.clock)
    try:
        assert matter_numbers(again) == at_backup
        # the restored office goes on numbering after the restored matters, and works
        assert register(again, clerk, 1)[0] not in at_backup
    finally:
        again.db.dispose()


def test_restore_is_refused_while_a_desk_has_the_database_open(ctx, clerk, tmp_path):
    register(ctx, clerk, 1)
    outcome = make_backup(ctx, to=tmp_path / "usb", now=NOW)
    ctx.settings  # noqa: B018 (a desk that has read something keeps its pooled connection open)
    with pytest.raises(BackupRefused, match="正被其他接待台或程序打开.*退出"):
        restore_backup(ctx.home, outcome.info.path)
    assert len(matter_numbers(ctx)) == 1


def test_restore_refuses_a_damaged_or_foreign_file(ctx, tmp_path):
    bad = tmp_path / "xfdesk-20261120-090000-manual.db"
    bad.write_bytes(b"SQLite format 3\x00" + b"\x00" * 200)
    home = ctx.home
    ctx.db.dispose()
    with pytest.raises(BackupRefused, match="这份备份不能用.*当前数据库没有任何改动"):
        restore_backup(home, bad)
    other = tmp_path / "other.db"
    sqlite3.connect(other).execute("CREATE TABLE t (x)").connection.commit()
    with pytest.raises(BackupRefused, match="不是信访接待台的数据库"):
        restore_backup(home, other)
    with pytest.raises(BackupRefused, match="找不到备份文件"):
        restore_backup(home, tmp_path / "nothing.db")


def test_restore_migrates_a_copy_from_an_older_version(tmp_path):
    from alembic import command

    from xfdesk.paths import Home
    from xfdesk.storage.db import HEAD_REVISION, Database, _alembic_config

    old_home = Home(tmp_path / "old")
    old_home.ensure()
    db = Database(old_home.database_url(), old_home)
    cfg = _alembic_config(db)
    with db.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0001")
    db.dispose()
    old_copy = copies.copy_database(old_home.database, tmp_path / "usb", "manual", now=NOW)
    assert old_copy.revision == "0001"
    target = Home(tmp_path / "office")
    result = restore_backup(target, old_copy.path)
    assert result.migrated_from == "0001"
    assert copies.verify(target.database).revision == HEAD_REVISION


# -- the commands -------------------------------------------------------------------------------------------------
def cli(home, capsys, *args) -> tuple[int, str, str]:
    capsys.readouterr()
    code = run(["--home", str(home), *args])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_backup_and_restore_commands(tmp_path, capsys):
    home = tmp_path / "home"
    code, out, err = cli(home, capsys, "demo", "--no-tui", "--matters", "12")
    assert code == 0, err
    code, out, err = cli(home, capsys, "backup", "--to", str(tmp_path / "E盘" / "信访 备份"))
    assert code == 0, err
    assert "已备份并校验" in out and "信访事项12" in out
    code, out, err = cli(home, capsys, "backup", "list", "--to", str(tmp_path / "E盘" / "信访 备份"))
    assert code == 0 and "完好" in out and "共1份" in out
    (backup,) = (tmp_path / "E盘" / "信访 备份").glob("*.db")
    code, out, err = cli(home, capsys, "restore", str(backup))
    assert code == 0, err
    assert "已从备份恢复" in out and "信访事项12" in out and "恢复前的数据库已另存为" in out
    code, out, err = cli(home, capsys, "restore", str(tmp_path / "nothing.db"))
    assert code == 1 and err.startswith("错误：找不到备份文件") and "Traceback" not in err


async def test_the_desks_first_start_of_the_day_backs_up(tmp_path):
    from xfdesk.tui.app import XfdeskApp

    home = tmp_path / "home"
    assert run(["--home", str(home), "init"]) == 0
    for old in (home / "backups").glob("*"):
        old.unlink()  # the command's own daily backup: the desk must make today's itself
    app = XfdeskApp(home)
    async with app.run_test(size=(80, 24)) as pilot:
        for _ in range(200):
            await pilot.pause(0.05)
            if copies.last_good(home / "backups") is not None:
                break
    good = copies.last_good(home / "backups")
    assert good is not None and good.reason == "daily" and good.taken_at.date() == dt.date.today()
