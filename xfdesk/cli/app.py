"""The typer application: global options, error handling, and the command groups of each area."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Optional

import typer

from xfdesk.paths import ENV_HOME, Home

app = typer.Typer(
    help="信访接待台 xfdesk：乡镇信访接待登记、甄别、办理、领导接访与文书打印。不带子命令时打开界面。",
    no_args_is_help=False,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


class CliError(Exception):
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


@app.callback(invoke_without_command=True)
def _root(
    ctx: typer.Context,
    home_dir: Optional[Path] = typer.Option(
        None, "--home", help=f"数据文件夹（数据库、文书、备份）；也可用环境变量 {ENV_HOME}；默认为用户目录下的 xfdesk"),
) -> None:
    if home_dir is not None:
        os.environ[ENV_HOME] = str(home_dir)
    state.home = Home(home_dir) if home_dir else Home()
    if ctx.invoked_subcommand is None:
        from xfdesk.tui.launch import launch

        launch(state.home)


def _register_areas() -> None:
    # Each area adds its own commands; one module per area keeps them out of each other's way.
    from xfdesk.cli import (calendar_cmd, core_cmd, demo_cmd, doc_cmd, exchange_cmd, matter_cmd, migrate_cmd,
                            schedule_cmd, search_cmd, serve_cmd, stats_cmd)

    for module in (core_cmd, demo_cmd, matter_cmd, search_cmd, calendar_cmd, exchange_cmd, doc_cmd, schedule_cmd,
                   stats_cmd, migrate_cmd, serve_cmd):
        module.register(app)


_register_areas()


def run(argv: list[str] | None = None) -> int:
    """Run the CLI; any error becomes one Chinese line on stderr and a non-zero exit code."""
    from typer import Abort, Exit, TyperException

    try:
        result = app(args=argv, standalone_mode=False)
        return int(result or 0) if isinstance(result, int) else 0
    except CliError as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return exc.code
    except Exit as exc:
        return exc.exit_code
    except TyperException as exc:  # usage errors of the vendored click inside typer
        print(f"错误：{_usage_message(exc)}", file=sys.stderr)
        return getattr(exc, "exit_code", 2)
    except (KeyboardInterrupt, Abort):
        print("已取消", file=sys.stderr)
        return 130
    except Exception as exc:  # never a traceback for the user; the message still says what failed
        print(f"错误：{_friendly(exc)}", file=sys.stderr)
        return 1


def _usage_message(exc) -> str:  # noqa: ANN001
    msg = exc.format_message()
    kind = type(exc).__name__
    if kind == "NoSuchOption":
        return f"没有这个选项：{getattr(exc, 'option_name', msg)}（用 --help 查看用法）"
    if kind == "MissingParameter":
        param = getattr(exc, "param", None)
        # typer's own argument class has no human_readable_name: fall back to the parameter's name
        name = getattr(param, "human_readable_name", None) or str(getattr(param, "name", "") or "").upper()
        return f"缺少参数：{name or msg}（用 --help 查看用法）"
    if kind == "BadParameter":
        return f"参数不正确：{msg}"
    if kind in ("UsageError", "NoArgsIsHelpError", "BadOptionUsage", "BadArgumentUsage"):
        if "No such command" in msg:
            return f"没有这个命令：{msg.split(chr(39))[1] if chr(39) in msg else msg}（用 --help 查看全部命令）"
        return f"用法不正确：{msg}（用 --help 查看用法）"
    return msg


def _friendly(exc: Exception) -> str:
    from sqlalchemy.exc import OperationalError

    from xfdesk.domain.errors import Refused

    if isinstance(exc, Refused):
        return str(exc)
    if isinstance(exc, OperationalError) and "locked" in str(exc):
        return "数据库正被其他程序占用，请稍后再试"
    if isinstance(exc, (FileNotFoundError, PermissionError, ValueError)):
        return str(exc)
    return f"{type(exc).__name__}: {exc}"
