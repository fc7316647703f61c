"""The ``xfdesk`` command line (typer). Thin: parses, calls services, prints; errors are one Chinese line.

``xfdesk`` alone (or with ``--home`` only) opens the desk without loading typer and the command modules: the
clerk starts the program many times a day on an old PC, and the command machinery cost more before the first paint
than the desk's own code. Every other use goes through the typer application (``cli.app``), loaded on demand.
"""

from __future__ import annotations

import sys


def main() -> None:
    desk_home = _desk_only(sys.argv[1:])
    if desk_home is not False:
        sys.exit(_run_desk(desk_home))
    from xfdesk.cli.app import run

    sys.exit(run())


def _desk_only(args: list[str]) -> str | None | bool:
    """The ``--home`` of a plain ``xfdesk [--home DIR]`` (None: the default folder), False for anything else."""
    if not args:
        return None
    if len(args) == 2 and args[0] == "--home" and args[1] and not args[1].startswith("-"):
        return args[1]
    if len(args) == 1 and args[0].startswith("--home=") and len(args[0]) > len("--home="):
        return args[0][len("--home="):]
    return False


def _run_desk(home_dir: str | None) -> int:
    """What ``cli.app``'s root command does without a subcommand, with the same handling of errors."""
    import os
    from pathlib import Path

    from xfdesk.cli.base import state
    from xfdesk.paths import ENV_HOME, Home

    if home_dir is not None:
        os.environ[ENV_HOME] = str(Path(home_dir))
    state.home = Home(Path(home_dir)) if home_dir is not None else Home()
    try:
        from xfdesk.tui.launch import launch

        launch(state.home)
        return 0
    except SystemExit as exc:
        return int(exc.code or 0) if not isinstance(exc.code, str) else 1
    except KeyboardInterrupt:
        print("已取消", file=sys.stderr)
        return 130
    except Exception as exc:  # never a traceback for the user: the CLI's own wording of the error
        from xfdesk.cli.app import describe_error

        print(f"错误：{describe_error(exc)}", file=sys.stderr)
        return 1


__all__ = ["main"]
