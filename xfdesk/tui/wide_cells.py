"""Keep double-width characters whole where a widget lies over others (toasts, tooltips, drop-downs).

Why: Textual's compositor cuts every screen line at each place a widget starts or ends — including the edges of
the widgets *under* a toast — and divides the topmost widget's line at those cuts as well. A Chinese character
that straddles such a cut is split, and ``Segment.divide`` turns both halves into spaces: the toast reads
``已恢复未  存的登记`` where a field's edge runs under it (Textual issue #6357, open for 8.x; seen on this desk at
80×24 wherever a toast covered a form row or a table column).

The fix is at the one place that cuts: when a widget wins several neighbouring pieces of a line (nothing above
it), its line is divided only where the winner changes, and the pieces it spans are held with empty strips so that
nothing below shows through. The result is the same line, cut fewer times; for lines without wide characters it is
cell for cell what Textual drew before.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from textual._compositor import Compositor
from textual.geometry import Region
from textual.strip import Strip

_EMPTY = Strip([], 0)
TEXTUAL_RENDER_CHOPS = Compositor._render_chops  # Textual's own, kept for the test that compares the two


def _render_chops(self: Compositor, crop: Region,
                  is_rendered_line: Callable[[int], bool]) -> Sequence[Mapping[int, Strip]]:
    """``Compositor._render_chops`` that does not divide a widget's line between pieces it wins itself."""
    cuts = self.cuts
    chops: list[dict[int, Strip | None]] = [dict.fromkeys(cut_set[:-1]) for cut_set in cuts]
    for region, clip, strips in self._get_renders(crop):  # front to back: the first to fill a piece wins it
        render_region = region.intersection(clip)
        render_x = render_region.x
        first_cut, last_cut = render_region.column_span
        for y, strip in zip(render_region.line_range, strips):
            if not is_rendered_line(y):
                continue
            line = chops[y]
            line_cuts = [cut for cut in cuts[y] if last_cut >= cut >= first_cut]
            # runs of neighbouring pieces this widget wins: divide only at the start of each run and after it
            keep: list[int] = []  # cut positions at which this widget's strip is divided
            won: list[bool] = []
            for cut in line_cuts[:-1]:
                free = line.get(cut) is None
                if not keep or not (free and won[-1]):
                    keep.append(cut)
                won.append(free)
            if not keep:
                continue
            pieces = strip.divide([cut - render_x for cut in keep[1:]] + [line_cuts[-1] - render_x])
            starts = dict(zip(keep, pieces))
            drawn = False  # whether the current run's first piece has a strip (a short strip may have none)
            for cut, free in zip(line_cuts[:-1], won):
                if cut in starts or not free:
                    drawn = cut in starts
                    if free:
                        line[cut] = starts[cut]
                elif drawn:
                    line[cut] = _EMPTY  # inside a run: drawn by the run's first piece, held from widgets below
    return chops  # type: ignore[return-value]


def keep_wide_characters_whole() -> None:
    """Install the fix (idempotent); ``tui.app`` calls it when it is imported."""
    Compositor._render_chops = _render_chops  # type: ignore[method-assign]
