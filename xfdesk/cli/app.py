"""The typer application: global options, error handling, and the command groups of each area."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Optional

import typer

from xfdesk.cli import help as chinese_help
from xfdesk.cli.base import ENV_PASSWORD, ENV_USER, CliError, context, home, state
from xfdesk.domain.errors import Refused
from xfdesk.paths import ENV_HOME, Home

__all__ = ["CliError", "app", "context", "home", "run", "state"]

chinese_help.install()  # every command's --help in Chinese, including commands added later by any module

app = typer.Typer(
    help="信访接待台 xfdesk：乡镇信访接待登记、甄别、办理、领导接访与文书打印。不带子命令时打开界面。",
    no_args_is_help=False,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


@app.callback(invoke_without_command=True)
def _root(
    ctx: typer.Context,
    home_dir: Optional[Path] = typer.Option(
        None, "--home", help=f"数据文件夹（数据库、文书、备份）；也可用环境变量 {ENV_HOME}；默认为用户目录下的 xfdesk"),
    user: Optional[str] = typer.Option(
        None, "--user", help=f"以哪个账号操作（随后输入密码）；也可用环境变量 {ENV_USER}，定时任务可用 {ENV_PASSWORD} "
                             "提供密码（见 docs/accounts.md）"),
) -> None:
    state.user = user
    state.operator = None
    if home_dir is not None:
        os.environ[ENV_HOME] = str(home_dir)
    state.home = Home(home_dir) if home_dir else Home()
    if ctx.invoked_subcommand is None:
        from xfdesk.tui.launch import launch

        launch(state.home)


def _register_areas() -> None:
    # Each area adds its own commands; one module per area keeps them out of each other's way. The command
    # modules import only ``cli.base`` (never this module), so there is no import cycle.
    from xfdesk.cli import (backup_cmd, calendar_cmd, core_cmd, demo_cmd, doc_cmd, exchange_cmd, ledger_cmd,
                            matter_cmd, migrate_cmd, query_cmd, report_cmd, schedule_cmd, search_cmd, serve_cmd,
                            stats_cmd, user_cmd)

    for module in (core_cmd, demo_cmd, matter_cmd, search_cmd, calendar_cmd, exchange_cmd, doc_cmd, schedule_cmd,
                   stats_cmd, report_cmd, ledger_cmd, query_cmd, backup_cmd, migrate_cmd, serve_cmd, user_cmd):
        module.register(app)


_register_areas()


def run(argv: list[str] | None = None) -> int:
    """Run the CLI; any error becomes one Chinese line on stderr and a non-zero exit code."""
    try:
        return _run(argv)
    finally:
        state.operator = None  # a sign-in is for one command (tests run many in one process)
        while state.opened:
            state.opened.pop().db.dispose()


def _run(argv: list[str] | None) -> int:
    from typer import Abort, Exit, TyperException

    try:
        result = app(args=argv, prog_name="xfdesk", standalone_mode=False)
        return int(result or 0) if isinstance(result, int) else 0
    except CliError as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return exc.code
    except Refused as exc:  # any refusal a service raised and a command did not catch: its message is for the user
        print(f"错误：{exc}", file=sys.stderr)
        return 1
    except Exit as exc:
        return exc.exit_code
    except TyperException as exc:  # usage errors of the vendored click inside typer
        message = chinese_help.usage_error_message(exc)
        if message is None:  # a group called without a command: its help is already on screen
            return 0
        print(f"错误：{message}", file=sys.stderr)
        return getattr(exc, "exit_code", 2)
    except (KeyboardInterrupt, Abort):
        print("已取消", file=sys.stderr)
        return 130
    except Exception as exc:  # never a traceback for the user; the message still says what failed
        print(f"错误：{describe_error(exc)}", file=sys.stderr)
        return 1


def describe_error(exc: Exception) -> str:
    """An unexpected error in words for the user: a damaged database with its restore advice, else the message."""
    from xfdesk.services.backup import damage_report

    return damage_report(exc, home()) or _friendly(exc)


def _friendly(exc: Exception) -> str:
    if isinstance(exc, Refused):  # every refusal (a busy database included) is its own Chinese message
        return str(exc)
    if isinstance(exc, (FileNotFoundError, PermissionError, ValueError)):
        return str(exc)
    return f"{type(exc).__name__}: {exc}"
