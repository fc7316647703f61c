"""Table cells shared by the matter, handling, screening and supervision screens."""

from __future__ import annotations

from rich.cells import cell_len
from rich.table import Table
from rich.text import Text
from textual.widgets import DataTable

OVERDUE_STYLE = "bold #FF5F5F"
DUE_SOON_STYLE = "bold #FFAF00"
IN_TIME_STYLE = "#5FFF5F"


def days_text(days: int | None, due_soon_days: int) -> Text:
    """剩N天 / 超期N天: red when overdue, yellow within the office's due-soon window (设置 due_soon_days)."""
    if days is None:
        return Text("")
    if days < 0:
        return Text(f"超期{-days}天", style=OVERDUE_STYLE)
    if days == 0:
        return Text("今天到期", style=DUE_SOON_STYLE)
    return Text(f"剩{days}天", style=DUE_SOON_STYLE if days <= due_soon_days else IN_TIME_STYLE)


def labelled_grid(rows: list[tuple[str, object]], label_style: str = "bold", value_style: str = "") -> Table:
    """Label and value side by side; a long or multi-line value wraps under its own first line, not under the
    label. Values are user text: plain ``Text``, never markup."""
    grid = Table.grid(padding=(0, 1, 0, 0))
    grid.add_column(no_wrap=True, style=label_style)
    grid.add_column(ratio=1, overflow="fold", style=value_style)
    for label, value in rows:
        grid.add_row(Text(label), Text(str(value)))
    return grid


def fill_wrapping_table(table: DataTable, titles: tuple[str, ...], last_title: str, rows: list[tuple[str, ...]],
                        screen_width: int, *, edge: int = 4, min_width: int = 16) -> None:
    """Rebuild ``table`` with ``rows`` (plain strings, shown literally). The last column takes what the others
    leave of the screen and wraps there (the row grows) instead of being cut at the right edge of 80 columns.
    ``edge`` is what lies right of the table (the last column's padding, scrollbars, the container's padding)."""
    used = sum(max([cell_len(title)] + [cell_len(r[i]) for r in rows]) + 2 for i, title in enumerate(titles))
    table.clear(columns=True)
    table.add_columns(*titles)
    table.add_column(last_title, width=max(min_width, screen_width - used - edge))
    for *cells, last in rows:
        table.add_row(*(Text(c, no_wrap=True, overflow="ellipsis") for c in cells), Text(last, overflow="fold"),
                      height=None)
