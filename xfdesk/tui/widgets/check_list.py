"""A list of tick boxes whose unticked boxes are empty.

Why: Textual's SelectionList draws the same ``X`` in every box and tells ticked from unticked by colour alone. On
an old monitor, in the high-contrast theme or in what ``capture-pane`` shows, every unit of a 批示 looked chosen.
Here an unticked box is blank; a ticked one keeps its ``X`` (and its colour).
"""

from __future__ import annotations

from rich.segment import Segment
from textual.strip import Strip
from textual.widgets import SelectionList
from textual.widgets.option_list import OptionDoesNotExist


class CheckList(SelectionList):
    def render_line(self, y: int) -> Strip:
        strip = super().render_line(y)
        try:
            option = self.get_option_at_index(self.scroll_offset.y + y)
        except OptionDoesNotExist:
            return strip
        segments = list(strip)
        # SelectionList's line: box left edge, box inside, box right edge, a space, the prompt
        if option.value in self.selected or len(segments) < 4:
            return strip
        inside = segments[1]
        segments[1] = Segment(" " * len(inside.text), inside.style, inside.control)
        return Strip(segments, strip.cell_length)
