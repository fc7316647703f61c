"""迁移到 PostgreSQL: move an office that outgrew one PC from its SQLite file to a PostgreSQL database, whole.

The user action behind ``xfdesk migrate-to URL``. The SQLite file is left as it was (it is the fallback and the
record of the day of the move); the office's desks use the new database once ``XFDESK_DATABASE_URL`` names it.
The move itself is recorded as an event in the target (who, when, from where, how many rows).
"""

from __future__ import annotations

from xfdesk.domain.errors import Refused
from xfdesk.services.events import record_event
from xfdesk.storage.db import Database
from xfdesk.storage.transfer import Progress, TransferRefused, TransferReport, copy_database

__all__ = ["TransferRefused", "TransferReport", "masked_url", "migrate_office", "normalise_url"]


def normalise_url(url: str) -> str:
    """``postgresql://user@host/db`` (as an IT person writes it) → the driver the program ships (psycopg 3)."""
    url = (url or "").strip()
    for plain in ("postgres://", "postgresql://"):
        if url.startswith(plain):
            return "postgresql+psycopg://" + url[len(plain):]
    if not url.startswith(("postgresql+", "sqlite:")):
        raise TransferRefused("目标数据库地址应当形如 postgresql://用户名:密码@服务器/数据库名")
    return url


def migrate_office(ctx, operator, url: str, *, progress: Progress | None = None) -> TransferReport:  # noqa: ANN001
    """Copy every table of the office's database (counters included) into the empty database at ``url``, verify
    row counts and id sums table by table, and record the move there."""
    target_url = normalise_url(url)
    try:
        target = Database(target_url)
    except Exception as exc:  # noqa: BLE001  (a malformed URL, a missing driver)
        raise TransferRefused(f"无法使用目标数据库地址：{exc}") from exc
    try:
        try:
            with target.engine.connect():
                pass
        except Exception as exc:  # noqa: BLE001
            raise TransferRefused(f"连接不上目标数据库：{_first_line(exc)}") from exc
        report = copy_database(ctx.db, target, progress=progress)
        with target.write() as session:
            record_event(session, operator, "migrate_database",
                         note=f"自 {ctx.db.url.split('///')[-1]} 迁入，共 {report.rows} 行，逐表核对一致",
                         data={"tables": {t.table: t.target_rows for t in report.tables}})
        return report
    except Refused:
        raise
    finally:
        target.dispose()


def _first_line(exc: Exception) -> str:
    text = str(getattr(exc, "orig", None) or exc)
    return text.strip().splitlines()[0] if text.strip() else type(exc).__name__


def masked_url(url: str) -> str:
    """The URL without its password (it goes to the screen and to logs)."""
    from sqlalchemy.engine import make_url

    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # noqa: BLE001
        return url
