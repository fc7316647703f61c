"""Backups and restore of an office: ``xfdesk backup``, the daily backup at the first start of a day, ``xfdesk
restore``.

A backup is a verified copy of the database (``storage/backup.py``) plus the issued documents, mirrored into
``documents/`` next to the copies (documents are never changed once issued, so only new files are copied). Older
copies are pruned by the retention setting only after the new one has been verified. On PostgreSQL the database
is the server's to back up: the commands say how (``pg_dump``) instead of pretending.
"""

from __future__ import annotations

import datetime as dt
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from xfdesk.domain.backups import Retention
from xfdesk.domain.errors import Refused
from xfdesk.paths import Home
from xfdesk.storage import backup as copies
from xfdesk.storage.backup import COUNTED_TABLES, BackupInfo, list_backups, verify
from xfdesk.storage.db import HEAD_REVISION, DatabaseDamaged, damage_message, is_damage, open_database

__all__ = ["COUNTED_TABLES", "BackupInfo", "BackupOutcome", "BackupRefused", "RestoreOutcome", "backup_status",
           "daily_backup", "list_backups", "make_backup", "restore_backup", "retention", "verify"]

DOCUMENTS_FOLDER = "documents"
STALE_AFTER = dt.timedelta(days=2)


class BackupRefused(Refused):
    """A backup or restore that cannot be done as asked (Chinese message)."""


@dataclass
class BackupOutcome:
    info: copies.BackupInfo
    folder: Path
    documents_copied: int = 0
    pruned: list[Path] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def damage_report(exc: BaseException, home: Home) -> str | None:
    """The Chinese message for an error that is SQLite reporting a damaged file (raised mid-command, after the
    database opened), naming the last good backup and the restore command; None for any other error."""
    if isinstance(exc, DatabaseDamaged):
        return str(exc)
    if not is_damage(exc):
        return None
    return damage_message(home, "读取时发现数据页损坏（SQLite 报告 database disk image is malformed）")


def retention(ctx) -> Retention:  # noqa: ANN001
    s = ctx.settings
    return Retention(int(s.backup_keep_daily), int(s.backup_keep_weekly), int(s.backup_keep_monthly))


def pg_dump_guidance(ctx) -> str:  # noqa: ANN001
    url = ctx.db.engine.url
    target = f"xfdesk-{dt.date.today():%Y%m%d}.dump"
    return ("数据库在 PostgreSQL 服务器上，请由服务器备份：pg_dump -Fc "
            f"-h {url.host or 'localhost'} -p {url.port or 5432} -U {url.username or 'postgres'} "
            f"-f {target} {url.database}（恢复用 pg_restore --clean -d {url.database} {target}）。"
            "文书文件夹 output 请另行复制")


def make_backup(ctx, *, to: Path | None = None, reason: str = "manual",  # noqa: ANN001
                now: dt.datetime | None = None) -> BackupOutcome:
    """Back the office up into ``to`` (default: the data folder's ``backups/``): database copy, verified; documents
    mirrored; then older copies pruned by the retention setting."""
    if not ctx.db.is_sqlite:
        raise BackupRefused(pg_dump_guidance(ctx))
    folder = Path(to).expanduser() if to else ctx.home.backups
    if folder.resolve() == ctx.home.root.resolve():
        raise BackupRefused("不能备份到数据文件夹本身，请选择其他文件夹（例如 U 盘）")
    try:
        info = copies.copy_database(ctx.home.database, folder, reason, now=now)
    except copies.BackupFailed as exc:
        raise BackupRefused(str(exc)) from None
    outcome = BackupOutcome(info, folder)
    try:
        outcome.documents_copied = mirror_documents(ctx.home.output, folder / DOCUMENTS_FOLDER)
    except OSError as exc:
        outcome.warnings.append(f"文书文件没有全部复制到 {folder / DOCUMENTS_FOLDER}：{exc.strerror or exc}")
    outcome.pruned = copies.prune(folder, retention(ctx))
    return outcome


def mirror_documents(source: Path, target: Path) -> int:
    """Copy issued documents that the target does not have yet (or has in another size); returns how many."""
    if not source.is_dir():
        return 0
    copied = 0
    for path in source.rglob("*"):
        if not path.is_file():
            continue
        dest = target / path.relative_to(source)
        if dest.exists() and dest.stat().st_size == path.stat().st_size:
            continue
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, dest)
        copied += 1
    return copied


@dataclass
class DailyResult:
    made: list[BackupOutcome] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # for the user: why a place got no backup today


def daily_backup(ctx, *, now: dt.datetime | None = None) -> DailyResult:  # noqa: ANN001
    """The first start of each day backs up into ``backups/`` and, when configured, the second folder.

    Never raises: a failed backup must not keep a desk from working (its problem is returned for the user, and the
    doctor and the next start say it again)."""
    result = DailyResult()
    if not ctx.db.is_sqlite or not ctx.settings.backup_daily or not ctx.home.database.exists():
        return result
    now = now or dt.datetime.now()
    folders = [ctx.home.backups]
    if str(ctx.settings.backup_folder or "").strip():
        folders.append(Path(str(ctx.settings.backup_folder).strip()))
    for folder in folders:
        try:
            last = copies.last_good(folder)
            if last is not None and last.taken_at.date() == now.date():
                continue
            if folder != ctx.home.backups and not folder.exists() and not folder.parent.exists():
                result.problems.append(f"今天没有备份到 {folder}：找不到这个位置（U 盘没有插上？）")
                continue
            result.made.append(make_backup(ctx, to=folder, reason="daily", now=now))
        except (BackupRefused, OSError) as exc:
            result.problems.append(f"今天的自动备份没有完成（{folder}）：{exc}")
    return result


def backup_status(ctx, *, now: dt.datetime | None = None) -> tuple[copies.BackupInfo | None, bool]:  # noqa: ANN001
    """The newest good backup over both places, and whether it is too old (more than two days)."""
    now = now or dt.datetime.now()
    found = [copies.last_good(ctx.home.backups)]
    if str(ctx.settings.backup_folder or "").strip():
        found.append(copies.last_good(Path(str(ctx.settings.backup_folder).strip())))
    good = [b for b in found if b is not None]
    newest = max(good, key=lambda b: b.taken_at) if good else None
    return newest, newest is None or now - newest.taken_at > STALE_AFTER


# -- restore --------------------------------------------------------------------------------------------------------

@dataclass
class RestoreOutcome:
    restored: copies.BackupInfo
    kept_copy: Path | None
    counts: dict[str, int]
    newest_matter: str | None
    newest_matter_on: str | None
    migrated_from: str | None


def restore_backup(home: Home, file: Path, *, now: dt.datetime | None = None) -> RestoreOutcome:
    """Put a backup in place of the office database.

    Verifies the backup; refuses while any program has the database open; keeps the current database as a copy in
    ``backups/`` (even a damaged one, for inspection); migrates the restored copy if it comes from an older
    version; reports what is now in the database."""
    if not home.database_url().startswith("sqlite"):
        raise BackupRefused("数据库在 PostgreSQL 服务器上，请用 pg_restore 恢复（xfdesk backup 会显示完整命令）")
    file = Path(file).expanduser()
    if not file.exists():
        raise BackupRefused(f"找不到备份文件：{file}")
    if file.resolve() == home.database.resolve():
        raise BackupRefused("这是正在使用的数据库本身，不是备份；请选择 backups 文件夹里的备份文件")
    info = copies.verify(file)
    if not info.verified:
        raise BackupRefused(f"这份备份不能用：{info.problem}。当前数据库没有任何改动")
    if info.revision is not None and info.revision > HEAD_REVISION:
        raise BackupRefused(f"这份备份来自更新版本的程序（数据库版本 {info.revision}，本程序为 {HEAD_REVISION}），"
                            "请先升级程序再恢复")
    now = now or dt.datetime.now()
    home.ensure()
    kept = None
    if home.database.exists():
        _require_nobody_else(home.database)
        kept = _keep_current(home, now)
    staged = home.database.with_name(home.database.name + ".restoring")
    shutil.copyfile(file, staged)
    for suffix in ("-wal", "-shm", "-journal"):
        Path(str(home.database) + suffix).unlink(missing_ok=True)
    staged.replace(home.database)
    db = open_database(home)  # migrates an older copy (after its own before-migrate backup)
    db.dispose()
    after = copies.verify(home.database)
    return RestoreOutcome(restored=info, kept_copy=kept, counts=after.counts, newest_matter=after.newest_matter,
                          newest_matter_on=after.newest_matter_on,
                          migrated_from=info.revision if info.revision != after.revision else None)


def _require_nobody_else(database: Path) -> None:
    if not copies.sole_user(database):
        raise BackupRefused(_IN_USE)


_IN_USE = ("数据库正被其他接待台或程序打开，不能恢复。请先在每台接待电脑上退出信访接待台（Ctrl+Q），"
           "并关闭正在运行的 xfdesk 命令，再运行 xfdesk restore")


def _keep_current(home: Home, now: dt.datetime) -> Path:
    home.backups.mkdir(parents=True, exist_ok=True)
    target = copies._free_name(home.backups, now, "before-restore")  # noqa: SLF001 (same naming as every copy)
    shutil.copy2(home.database, target)
    info = copies.verify(target)
    info.taken_at = now.replace(microsecond=0)
    copies.write_manifest(info)
    return target
