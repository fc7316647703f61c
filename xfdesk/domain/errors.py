"""The one exception family for refusals a user sees: ``str(error)`` is the Chinese message shown at the field, in
the status line or on stderr. Screens and commands catch ``Refused``; anything else is a bug and is logged as one.
"""

from __future__ import annotations


class Refused(Exception):
    """An action that cannot be done as asked; the message says why, in Chinese, and changes nothing."""


class DatabaseBusy(Refused):
    """Another desk or program holds the database's write lock past the wait (recognised by the driver's error
    code, never by its message text); nothing was written, the user may simply try again."""

    def __init__(self, message: str = "数据库正被其他电脑或程序占用，请稍候再试（本次没有保存任何内容）"):
        super().__init__(message)
