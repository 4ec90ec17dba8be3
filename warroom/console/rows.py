"""A frame that draws the rows that changed, not the whole screen (issue 26).

Textual's compositor, for an update of part of the screen, asks every widget whose *clip*
crosses the rows to change for all of its lines. A child of the screen is clipped by the whole
screen, so each second's countdown line had the screen, the strip, the levers, the path, the
three panes' row (17 lines) and the keys line all asked again, cache hit by cache hit, for one
line of text (a frame's compositing: 2.46 ms before, 2.10 ms after). Here a widget is asked only when what it
shows crosses those rows, and only for those rows (`Widget.render_lines` takes any part of a
widget; Textual asks a scrolled widget for part of itself the same way).

`Compositor._get_renders` is Textual's own method, not its public API: pyproject.toml pins
Textual exactly, and tests/console/test_rows.py compares what this draws with what Textual's
own draws, row by row, on the console's screen.
"""

from __future__ import annotations

from collections.abc import Iterable

from textual._compositor import Compositor
from textual.geometry import Region
from textual.strip import Strip


class RowsCompositor(Compositor):
    """Textual's compositor, asking each widget only for the rows of an update it shows."""

    def _get_renders(self, crop: Region | None = None) -> Iterable[tuple[Region, Region, list[Strip]]]:
        if crop is None or crop.contains_region(self.size.region):
            yield from super()._get_renders(crop)  # (the whole screen: as Textual draws it)
            return
        top, bottom = crop.y, crop.bottom
        for widget, (region, clip) in self.visible_widgets.items():
            shown = region.intersection(clip)
            first, last = max(shown.y, top), min(shown.bottom, bottom)
            if last <= first or not shown.width:
                continue  # (nothing of it is on those rows)
            # the columns stay the widget's own (the compositor cuts each row where widgets
            # meet, from where the widget's row starts); only the rows are narrowed
            rows = Region(shown.x, first, shown.width, last - first)
            yield region, rows, widget.render_lines(Region(rows.x - region.x, rows.y - region.y, rows.width, rows.height))
