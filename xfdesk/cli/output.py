"""How commands print: aligned tables (CJK characters are two columns wide), user text always literal, and a line
that says what was left out when a list stops early."""

from __future__ import annotations

import sys
from collections.abc import Sequence

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text


def console() -> Console:
    # piped output (a file, another program) is not cut to the terminal's width: long texts stay whole
    return Console(highlight=False, soft_wrap=False, width=None if sys.stdout.isatty() else 240)


def print_table(headers: Sequence[str], rows: Sequence[Sequence[object]], *, title: str | None = None,
                right: Sequence[int] = (), out: Console | None = None) -> None:
    """One aligned table; cells are shown literally (never read as markup); ``right``: columns aligned right."""
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, title=Text(title) if title else None,
                  title_justify="left", title_style="bold")
    for i, header in enumerate(headers):
        table.add_column(Text(header), justify="right" if i in right else "left", overflow="fold")
    for row in rows:
        table.add_row(*(cell if isinstance(cell, Text) else Text("" if cell is None else str(cell)) for cell in row))
    target = out or console()
    with target.capture() as captured:
        target.print(table)
    # no padding at the ends of lines: output that goes to a file or another program stays clean
    print("\n".join(line.rstrip() for line in captured.get().splitlines()))


def print_line(text: str, *, out: Console | None = None) -> None:
    (out or console()).print(Text(text))


def left_out(shown: int, total: int, how: str) -> str | None:
    """``已列出前100件，共307件；……`` when a list stops before the end, else None."""
    if total <= shown:
        return None
    return f"已列出前{shown}件，共{total}件；{how}"
