"""CLI commands of one area (see xfdesk.cli.app)."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    pass
