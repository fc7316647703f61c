"""What every command module shares: the error for the user, the data folder chosen, the context to open.

Command modules import this, never ``cli.app`` (which imports them to register their commands).
"""

from __future__ import annotations

import os
import sys

from xfdesk.domain.errors import Refused
from xfdesk.paths import Home

ENV_USER = "XFDESK_USER"
ENV_PASSWORD = "XFDESK_PASSWORD"  # for scheduled scripts only: anyone who can read the environment has the password


class CliError(Refused):
    """An error for the user: printed as one line, exit code 1 (or ``code``)."""

    def __init__(self, message: str, code: int = 1):
        super().__init__(message)
        self.code = code


class State:
    home: Home | None = None
    user: str | None = None  # --user
    operator = None  # who signed in for this command (services.context.Operator), once per run
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


def ask_secret(prompt: str) -> str:
    """A password typed without echo (tests replace this function)."""
    import getpass

    return getpass.getpass(prompt)


def ask_line(prompt: str) -> str:
    return input(prompt)


def interactive() -> bool:
    return sys.stdin is not None and sys.stdin.isatty()


def given_user() -> str:
    """--user, else XFDESK_USER, else "" (the name is asked for when typing is possible)."""
    return (state.user or os.environ.get(ENV_USER) or "").strip()


def given_password(prompt: str = "密码：") -> str:
    password = os.environ.get(ENV_PASSWORD)
    if password:
        return password
    try:
        return ask_secret(prompt)
    except EOFError:  # no terminal to type into (a scheduled task)
        raise CliError(f"需要密码：请在终端里运行，或为定时任务设置环境变量 {ENV_PASSWORD}（见 docs/accounts.md）") from None


def signed_in(ctx=None):  # noqa: ANN001, ANN201
    """The operator of this command: the account named by --user / XFDESK_USER, signed in with the password from
    XFDESK_PASSWORD or typed (getpass). Once per run; every refusal is one Chinese line."""
    from xfdesk.services.accounts import has_accounts, sign_in

    if state.operator is not None:
        return state.operator
    ctx = ctx or (state.opened[-1] if state.opened else context())
    if not has_accounts(ctx):
        if not (given_user() and os.environ.get(ENV_PASSWORD)):
            raise CliError("本办还没有账号：请先运行 xfdesk init 建立信访办主任账号（或打开接待台按提示建立）")
        first_head_from_environment(ctx)
    name = given_user()
    if not name:
        if not interactive():
            raise CliError(f"请用 --user 姓名 指明由谁操作（或设置环境变量 {ENV_USER}）")
        try:
            name = ask_line("姓名：").strip()
        except EOFError:
            raise CliError(f"请用 --user 姓名 指明由谁操作（或设置环境变量 {ENV_USER}）") from None
    state.operator = sign_in(ctx, name, given_password(f"{name} 的密码："), where="cli")
    return state.operator


def first_head_from_environment(ctx) -> None:  # noqa: ANN001
    """A script on an office that has no account yet (XFDESK_USER and XFDESK_PASSWORD set): that account becomes the
    office head, as ``xfdesk init`` would make it. Nothing is weakened: an office without accounts has no one to
    protect it from, and the first person to run ``init`` becomes the head in the same way. Quietly (the command's
    own output stays what a script expects); the audit log records it, and ``xfdesk user recovery-code`` gives the
    head a recovery code."""
    from xfdesk.services.accounts import create_first_head

    password = os.environ.get(ENV_PASSWORD) or ""
    create_first_head(ctx, given_user(), password, password)
