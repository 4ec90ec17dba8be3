"""The timeline: every event of the incident, drawn a screen at a time.

A line-API scroll view over the events themselves: a row is formatted only when it comes into
view (and kept in a small cache), so 100,000 events open as fast as 100 and scroll without
stalls. Nothing here interprets user text as markup; rows are plain, control-safe text.
"""

from __future__ import annotations

from datetime import datetime

from rich.segment import Segment
from textual.cache import LRUCache
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip

from warroom.console import views
from warroom.domain.model import Event

WIDTH = 1  # no sideways scrolling: a row wider than the pane is cut at its edge (`warroom show` has it whole)


class Timeline(ScrollView, can_focus=True):
    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self._events: list[Event] = []
        self._origin: datetime | None = None
        self._rows: LRUCache[int, str] = LRUCache(1024)

    @property
    def line_count(self) -> int:
        return len(self._events)

    @property
    def lines(self) -> list[str]:
        """Every row as text (for tests and exports; the screen never needs them all)."""
        return [self.row(index) for index in range(len(self._events))]

    def row(self, index: int) -> str:
        text = self._rows.get(index)
        if text is None:
            text = views.timeline_row(self._events[index], self._origin)
            self._rows[index] = text
        return text

    def clear(self) -> None:
        self._events, self._rows = [], LRUCache(1024)
        self.virtual_size = Size(WIDTH, 0)
        self.refresh()

    def add(self, events: list[Event], origin: datetime | None) -> None:
        if origin != self._origin:
            self._origin, self._rows = origin, LRUCache(1024)
        self._events.extend(events)
        self.virtual_size = Size(WIDTH, len(self._events))
        self.refresh()

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        index = scroll_y + y
        width = self.scrollable_content_region.width
        if index >= len(self._events):
            return Strip.blank(width, self.rich_style)
        strip = Strip([Segment(self.row(index), self.rich_style)])
        return strip.crop_extend(scroll_x, scroll_x + width, self.rich_style)
