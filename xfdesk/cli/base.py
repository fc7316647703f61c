"""What every command module shares: the error for the user, the data folder chosen, the context to open.

Command modules import this, never ``cli.app`` (which imports them to register their commands).
"""

from __future__ import annotations

from xfdesk.domain.errors import Refused
from xfdesk.paths import Home


class CliError(Refused):
    """An error for the user: printed as one line, exit code 1 (or ``code``)."""

    def __init__(self, message: str, code: int = 1):
        super().__init__(message)
        self.code = code


class State:
    home: Home | None = None


state = State()


def home() -> Home:
    return state.home or Home()


def context(*, clock=None):  # noqa: ANN001, ANN201
    """Open the office database (migrating it if needed) for a command."""
    from xfdesk.services.context import open_context

    return open_context(home(), clock=clock)
