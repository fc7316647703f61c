"""What every command module shares: the error for the user, the data folder chosen, the context to open.

Command modules import this, never ``cli.app`` (which imports them to register their commands).
"""

from __future__ import annotations

import sys

from xfdesk.domain.errors import Refused
from xfdesk.paths import Home


class CliError(Refused):
    """An error for the user: printed as one line, exit code 1 (or ``code``)."""

    def __init__(self, message: str, code: int = 1):
        super().__init__(message)
        self.code = code


class State:
    home: Home | None = None
    opened: list = []  # contexts a command opened: closed when it ends (a restore must see no connection left)


state = State()


def home() -> Home:
    return state.home or Home()


def context(*, clock=None, daily_backup: bool = True):  # noqa: ANN001, ANN201
    """Open the office database (migrating it if needed) for a command; the first command of a day also backs the
    database up (services/backup.daily_backup: never fails the command, says so on stderr when it could not)."""
    from xfdesk.services.context import open_context

    ctx = open_context(home(), clock=clock)
    state.opened.append(ctx)
    if daily_backup:
        from xfdesk.services.backup import daily_backup as backup_if_due

        for line in backup_if_due(ctx).problems:
            print(f"提示：{line}", file=sys.stderr)
    return ctx
