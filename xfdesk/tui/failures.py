"""A save that fails for a reason other than the clerk's input (the database locked by another desk, a disk or
network share error, a bug): the form keeps every character, one Chinese line says what happened, the app goes on."""

from __future__ import annotations

from xfdesk.domain.errors import DatabaseBusy, Refused


def save_failure(exc: Exception) -> str:
    """A Chinese reason for a failed save that the clerk can act on."""
    if isinstance(exc, DatabaseBusy):
        return "数据库正被其他电脑或程序占用，请稍候再按 Ctrl+S"
    if isinstance(exc, Refused):
        return str(exc)
    if "database is locked" in str(exc) or "database is busy" in str(exc):
        return "数据库正被其他电脑或程序占用，请稍候再按 Ctrl+S"
    if isinstance(exc, OSError):
        return f"磁盘或网络共享出错（{exc}）"
    return f"{type(exc).__name__}: {exc}"


def failed_message(exc: Exception) -> str:
    return f"保存失败，未保存任何内容，已填内容保留：{save_failure(exc)}"
