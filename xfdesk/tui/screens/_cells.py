"""Table cells shared by the matter, handling, screening and supervision screens."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text

OVERDUE_STYLE = "bold #FF5F5F"
DUE_SOON_STYLE = "bold #FFAF00"
IN_TIME_STYLE = "#5FFF5F"


def days_text(days: int | None, due_soon_days: int) -> Text:
    """剩N天 / 超期N天: red when overdue, yellow within the office's due-soon window (设置 due_soon_days)."""
    if days is None:
        return Text("")
    if days < 0:
        return Text(f"超期{-days}天", style=OVERDUE_STYLE)
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
