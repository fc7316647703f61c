"""The ``xfdesk`` command line (typer). Thin: parses, calls services, prints; errors are one Chinese line."""

from __future__ import annotations

import sys

from xfdesk.cli.app import app


def main() -> None:
    from xfdesk.cli.app import run

    sys.exit(run())


__all__ = ["app", "main"]
