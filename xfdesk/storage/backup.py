"""Copies of the SQLite database file: made with SQLite's online backup API (consistent while desks keep working),
verified (``integrity_check``, schema revision, row counts) and described by a small JSON manifest beside each copy.

A backup is ``xfdesk-YYYYMMDD-HHMMSS-<reason>.db`` with ``….json`` next to it. Only a copy whose manifest says it was
verified counts as a good backup; older copies are pruned only after a new one has been verified.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import sqlite3
from dataclasses import asdict, dataclass, field
from pathlib import Path

from xfdesk.domain.backups import Retention, to_keep

BACKUP_NAME = re.compile(r"^xfdesk-(\d{8}-\d{6})(?:-\d+)?-([a-z-]+)\.db$")
# what a restore reports and a verification compares: the records an office would miss
COUNTED_TABLES = {"matter": "信访事项", "petitioner": "信访人", "contact": "来访记录", "event": "办理记录",
                  "document": "文书"}
HEADER = b"SQLite format 3\x00"


class BackupFailed(Exception):
    """The copy could not be made or did not verify; the message is Chinese."""


@dataclass
class BackupInfo:
    path: Path
    taken_at: dt.datetime
    reason: str
    verified: bool = False
    problem: str = ""
    revision: str | None = None
    counts: dict[str, int] = field(default_factory=dict)
    newest_matter: str | None = None
    newest_matter_on: str | None = None
    size: int = 0

    @property
    def manifest(self) -> Path:
        return self.path.with_suffix(".json")

    def as_json(self) -> dict:
        data = asdict(self)
        data["path"] = str(self.path)
        data["taken_at"] = self.taken_at.isoformat(timespec="seconds")
        return data


def file_problem(path: Path) -> str | None:
    """A cheap look at the file itself (no SQL): not a SQLite file, or shorter than its header says (truncated)."""
    try:
        size = path.stat().st_size
        if size == 0:
            return None  # SQLite treats an empty file as an empty database
        with path.open("rb") as f:
            header = f.read(100)
    except OSError as exc:
        return f"无法读取（{exc.strerror or exc}）"
    if len(header) < 100 or not header.startswith(HEADER):
        return "文件头已损坏，不是有效的数据库文件"
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    pages = int.from_bytes(header[28:32], "big")
    valid_for = int.from_bytes(header[92:96], "big")
    change_counter = int.from_bytes(header[24:28], "big")
    if page_size < 512 or page_size & (page_size - 1):
        return "文件头已损坏（页大小不正确）"
    if pages and valid_for == change_counter and size < pages * page_size:
        return f"文件不完整，只有应有大小的{size * 100 // (pages * page_size)}%，可能复制中断或磁盘损坏"
    return None


def verify(path: Path) -> BackupInfo:
    """Open a copy read-only and check it: integrity, schema revision, counts, newest matter."""
    taken_at, reason = _name_parts(path)
    info = BackupInfo(path=path, taken_at=taken_at, reason=reason)
    if not path.exists():
        info.problem = "文件不存在"
        return info
    info.size = path.stat().st_size
    problem = file_problem(path)
    if problem:
        info.problem = problem
        return info
    try:
        con = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=5)
    except sqlite3.Error as exc:
        info.problem = f"无法打开：{exc}"
        return info
    try:
        result = [r[0] for r in con.execute("PRAGMA integrity_check(20)")]
        if result != ["ok"]:
            info.problem = "完整性检查未通过：" + "；".join(result[:3])
            return info
        tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if "alembic_version" not in tables or "matter" not in tables:
            info.problem = "不是信访接待台的数据库（缺少事项表或版本表）"
            return info
        info.revision = con.execute("SELECT version_num FROM alembic_version").fetchone()[0]
        info.counts = {t: int(con.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0])  # noqa: S608 (fixed names)
                       for t in COUNTED_TABLES if t in tables}
        newest = con.execute("SELECT number, received_on FROM matter ORDER BY id DESC LIMIT 1").fetchone()
        if newest:
            info.newest_matter, info.newest_matter_on = newest[0], str(newest[1])[:10]
    except sqlite3.DatabaseError as exc:
        info.problem = f"读取时出错：{exc}"
        return info
    finally:
        con.close()
    info.verified = True
    return info


def copy_database(source: Path, folder: Path, reason: str, *, now: dt.datetime | None = None) -> BackupInfo:
    """Copy ``source`` into ``folder`` through the backup API, verify the copy and write its manifest.

    The copy is written under a temporary name and renamed only when complete, so a cut-off copy never looks like
    a backup. A copy that does not verify is kept for inspection but marked bad (and never counted as good)."""
    now = now or dt.datetime.now()
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise BackupFailed(f"无法创建备份文件夹 {folder}：{exc.strerror or exc}") from None
    target = _free_name(folder, now, reason)
    partial = target.with_name(target.name + ".partial")
    try:
        src = sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True, timeout=15)
        try:
            dst = sqlite3.connect(partial)
            try:
                # one step, one read snapshot: in WAL mode other desks keep writing meanwhile (a copy in steps would
                # start over after each of their writes and might never finish on a busy day)
                src.backup(dst)
                # a copy is one self-contained file (no -wal/-shm beside it); the office database goes back to WAL
                # when it is opened again after a restore
                dst.execute("PRAGMA journal_mode = DELETE")
            finally:
                dst.close()
        finally:
            src.close()
        os.replace(partial, target)
    except (sqlite3.Error, OSError) as exc:
        partial.unlink(missing_ok=True)
        raise BackupFailed(f"备份到 {folder} 失败：{_reason(exc)}") from None
    info = verify(target)
    info.taken_at = now.replace(microsecond=0)
    write_manifest(info)
    if not info.verified:
        raise BackupFailed(f"备份 {target.name} 校验未通过：{info.problem}。旧的备份没有删除")
    return info


def write_manifest(info: BackupInfo) -> None:
    tmp = info.manifest.with_name(info.manifest.name + ".tmp")
    tmp.write_text(json.dumps(info.as_json(), ensure_ascii=False, indent=1), encoding="utf-8")
    os.replace(tmp, info.manifest)


def read_manifest(path: Path) -> BackupInfo | None:
    try:
        data = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
        info = BackupInfo(path=path, taken_at=dt.datetime.fromisoformat(data["taken_at"]), reason=data["reason"],
                          verified=bool(data.get("verified")), problem=data.get("problem", ""),
                          revision=data.get("revision"), counts=dict(data.get("counts", {})),
                          newest_matter=data.get("newest_matter"), newest_matter_on=data.get("newest_matter_on"),
                          size=int(data.get("size", 0)))
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return info


def list_backups(folder: Path) -> list[BackupInfo]:
    """Every backup in ``folder``, oldest first; a copy without manifest (older program, or copied by hand) is
    listed as not verified."""
    if not folder.is_dir():
        return []
    out = []
    for path in folder.glob("xfdesk-*.db"):
        if not BACKUP_NAME.match(path.name):
            continue
        info = read_manifest(path)
        if info is None:
            taken_at, reason = _name_parts(path)
            info = BackupInfo(path=path, taken_at=taken_at, reason=reason, problem="未校验", size=path.stat().st_size)
        elif info.size and path.stat().st_size != info.size:
            info.verified, info.problem = False, "文件大小与校验时不符，可能已被改动"
        out.append(info)
    return sorted(out, key=lambda b: (b.taken_at, b.path.name))


def last_good(folder: Path) -> BackupInfo | None:
    good = [b for b in list_backups(folder) if b.verified]
    return good[-1] if good else None


def prune(folder: Path, retention: Retention) -> list[Path]:
    """Delete the verified backups the retention does not keep. Unverified copies are left alone (someone may want
    to look at them) and never count towards what is kept."""
    good = [b for b in list_backups(folder) if b.verified]
    keep = to_keep([b.taken_at for b in good], retention)
    removed = []
    for b in good:
        if b.taken_at not in keep:
            for leftover in (b.path, b.manifest, Path(f"{b.path}-wal"), Path(f"{b.path}-shm")):
                leftover.unlink(missing_ok=True)
            removed.append(b.path)
    return removed


def sole_user(database: Path) -> bool:
    """Is no other connection open on this file? SQLite leaves WAL mode only for the one connection to a file, so
    switching the journal mode is the test (an open desk keeps a connection in its pool, even when idle). The file
    is left in rollback mode; the program puts it back into WAL when it opens it. A damaged file counts as unused:
    nobody can be working on it."""
    try:
        con = sqlite3.connect(database, timeout=1)
    except sqlite3.Error:
        return True
    try:
        mode = con.execute("PRAGMA journal_mode = DELETE").fetchone()[0]
    except sqlite3.OperationalError as exc:
        return not ("locked" in str(exc) or "busy" in str(exc))
    except sqlite3.DatabaseError:
        return True
    finally:
        con.close()
    return str(mode).lower() == "delete"


def _free_name(folder: Path, now: dt.datetime, reason: str) -> Path:
    stamp = now.strftime("%Y%m%d-%H%M%S")
    target = folder / f"xfdesk-{stamp}-{reason}.db"
    n = 1
    while target.exists():
        n += 1
        target = folder / f"xfdesk-{stamp}-{n}-{reason}.db"
    return target


def _name_parts(path: Path) -> tuple[dt.datetime, str]:
    m = BACKUP_NAME.match(path.name)
    if not m:
        return dt.datetime.fromtimestamp(path.stat().st_mtime) if path.exists() else dt.datetime.min, "外来"
    return dt.datetime.strptime(m.group(1), "%Y%m%d-%H%M%S"), m.group(2)


def _reason(exc: BaseException) -> str:
    if isinstance(exc, OSError):
        import errno

        return {errno.ENOSPC: "磁盘空间不足", errno.EACCES: "没有写入权限", errno.EROFS: "磁盘是只读的",
                errno.ENOENT: "文件夹不存在"}.get(exc.errno or 0, exc.strerror or str(exc))
    text = str(exc)
    if "locked" in text:
        return "数据库正忙，请稍后再试"
    if "not a database" in text or "malformed" in text:
        return "数据库文件已损坏"
    return text
