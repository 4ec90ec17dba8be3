"""The timeline: every event of the incident, drawn a screen at a time, read a window at a time.

A line-API scroll view: its height is the incident's event count, but it holds only a window of
the events (what is on screen plus a margin, at most KEEP of them). As the person scrolls, the
rows next to the window are read after or before the window's edge by event id (keyset); a jump
(home, end, the scroll bar) reads the rows at that position. A row not read yet shows "…" for the
moment it takes. New events join the window when it reaches the end; scrolled up, the rows on
screen stay put. Nothing here interprets user text as markup; rows are plain, control-safe text.

A row wider than the pane ends with `…`; ↑↓ select a row (highlighted) and Enter, or a click,
shows it whole (`Row`, wrapped), so every row can be read at 80×24.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime

from rich.segment import Segment
from rich.style import Style
from textual.binding import Binding
from textual.cache import LRUCache
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip

from warroom.console import views
from warroom.domain.model import Event

WIDTH = 1  # no sideways scrolling: a row wider than the pane is cut at its edge (`warroom show` has it whole)
MARGIN = 100  # rows read beyond either edge of the screen
KEEP = 1000  # rows held at most
PENDING = "  …"  # a row being read
CUT = "…"  # the end of a row too wide for the pane

Fetch = Callable[..., Awaitable[list[Event]]]  # reading.page's keywords: after=, before=, index=


class Timeline(ScrollView, can_focus=True):
    BINDINGS = [
        Binding("up", "select(-1)", "Row above", show=False),
        Binding("down", "select(1)", "Row below", show=False),
        Binding("enter", "read_row", "Read the row", show=False),
    ]
    SELECTED = Style(reverse=True)

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.selected: int | None = None  # the position of the row ↑↓ selected, if any
        self._total = 0  # events in the incident (the view's height)
        self._first = 0  # the position of _events[0] in the incident
        self._events: list[Event] = []
        self._last_id = 0  # the newest event known: a jump counts positions up to it
        self._origin: datetime | None = None
        self._fetch: Fetch | None = None
        self._fetching = False
        self._rows: LRUCache[int, str] = LRUCache(1024)
        self._known: dict[int, int] = {}  # position -> event id, for windows read before: where jumps count from
        self._codes: dict[int, str] = {}  # the incident's follow-ups' codes (F-n) by number, once known

    @property
    def line_count(self) -> int:
        return self._total

    @property
    def held(self) -> tuple[int, int]:
        """The positions [start, end) of the rows held now."""
        return self._first, self._first + len(self._events)

    @property
    def lines(self) -> list[str]:
        """The rows held, as text (every row of a small incident; for tests)."""
        return [self.row(index) for index in range(*self.held)]

    @property
    def fetching(self) -> bool:
        """Rows are being read (not Textual's `loading`, which would cover the timeline)."""
        return self._fetching

    def row(self, index: int) -> str:
        text = self._rows.get(index)
        if text is None:
            text = views.timeline_row(self._events[index - self._first], self._origin, self._codes)
            self._rows[index] = text
        return text

    def name_followups(self, codes: dict[int, str]) -> None:
        """The follow-ups' codes (F-n), once the store has given them: rows name them so."""
        if codes != self._codes:
            self._codes, self._rows = dict(codes), LRUCache(1024)
            self.refresh()

    def show(self, total: int, newest: list[Event], origin: datetime | None, fetch: Fetch | None) -> None:
        """A new incident: `total` events, of which `newest` are the last ones."""
        self._total, self._events, self._first = total, list(newest[-KEEP:]), total - min(len(newest), KEEP)
        self._last_id = newest[-1].id or 0 if newest else 0
        self._origin, self._fetch, self._rows = origin, fetch, LRUCache(1024)
        self._known = {}
        self.selected = None
        self._remember()
        self.virtual_size = Size(WIDTH, total)
        self.refresh()

    def add(self, events: list[Event], origin: datetime | None) -> None:
        """Events that came after every one shown: held if the window reaches the end."""
        if not events:
            return
        if origin != self._origin:
            self._origin, self._rows = origin, LRUCache(1024)
        if self._first + len(self._events) == self._total:
            self._events.extend(events)
        self._total += len(events)
        self._last_id = events[-1].id or self._last_id
        self._known[self._total - 1] = self._last_id
        self._trim()
        self._grow()

    def _grow(self) -> None:
        """The view is as tall as the incident. Growing it asks the screen for a layout only when
        the scroll bar comes or goes: a layout of the whole screen on every event (10–60 ms
        here) would put a key's p99 past a frame. At the newest event, it stays there."""
        size, height = Size(WIDTH, self._total), self.scrollable_content_region.height
        bar_changes = (self.virtual_size.height > height) != (self._total > height)
        if bar_changes or not height:
            self.virtual_size = size
            return
        at_end = self.scroll_y >= self.max_scroll_y
        self.set_reactive(Timeline.virtual_size, size)
        self._scroll_update(size)  # the scroll bar's length (Textual's own step after a layout)
        if at_end:  # (scroll_end keeps the anchor a person's scroll releases)
            self.scroll_end(animate=False, immediate=True)
        self.refresh()

    # Home and End jump: gliding across a million rows would read windows all the way there
    def action_scroll_home(self) -> None:
        self.scroll_home(animate=False)

    def action_scroll_end(self) -> None:
        self.scroll_end(animate=False)  # and the newest stay in view again, as they come

    # -- a row read whole -------------------------------------------------------------------
    def action_select(self, step: int) -> None:
        """Move the selected row; the first press selects the newest row on screen (↑) or the
        oldest (↓). The view follows it."""
        if not self._total:
            return
        top, height = int(self.scroll_offset.y), max(1, self.scrollable_content_region.height)
        bottom = min(self._total, top + height) - 1
        if self.selected is None or not top <= self.selected <= bottom:
            self.selected = bottom if step < 0 else top
        else:
            self.selected = max(0, min(self._total - 1, self.selected + step))
        if self.selected < top:
            self.scroll_to(y=self.selected, animate=False, immediate=True)
        elif self.selected >= top + height:
            self.scroll_to(y=self.selected - height + 1, animate=False, immediate=True)
        self.refresh()

    def action_read_row(self) -> None:
        """The selected row whole, wrapped, in a panel (the newest on screen if none is selected)."""
        if self.selected is None:
            self.action_select(-1)
        index = self.selected
        start, end = self.held
        if index is None or not start <= index < end:
            return  # not read yet: a moment later it is
        from warroom.console.dialogs import Row

        self.app.push_screen(Row(f"Timeline: row {index + 1:,} of {self._total:,}", self.row(index)))

    def on_click(self, event) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        index = int(self.scroll_offset.y) + offset.y
        if 0 <= index < self._total:
            self.selected = index
            self.refresh()
            self.action_read_row()

    # -- drawing ---------------------------------------------------------------------------
    _style: Style | None = None  # the rows' style while a frame is drawn (`render_lines`)

    def render_lines(self, crop):
        self._look()
        self._style = self.rich_style  # once a frame, not once a row: it walks every ancestor's styles
        try:
            return super().render_lines(crop)
        finally:
            self._style = None

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        index = scroll_y + y
        width = self.scrollable_content_region.width
        plain = self._style if self._style is not None else self.rich_style
        start, end = self.held
        if start <= index < end:
            text = self.row(index)
        elif index < self._total:
            text = PENDING
        else:
            return Strip.blank(width, plain)
        style = plain + self.SELECTED if index == self.selected else plain
        strip = Strip([Segment(text, style)])
        if strip.cell_length > scroll_x + width > 1:  # cut at the edge: never mid-word without a mark
            return Strip.join([strip.crop(scroll_x, scroll_x + width - 1), Strip([Segment(CUT, style)])])
        return strip.crop_extend(scroll_x, scroll_x + width, style)

    # -- reading windows -------------------------------------------------------------------
    def _wanted(self) -> tuple[int, int]:
        """The positions the screen shows, with a margin either side."""
        top = int(self.scroll_offset.y)
        height = max(1, self.scrollable_content_region.height)
        return max(0, top - MARGIN), min(self._total, top + height + MARGIN)

    def _covered(self) -> bool:
        (want_start, want_end), (start, end) = self._wanted(), self.held
        return want_start >= start and want_end <= end or want_start >= want_end

    def _look(self) -> None:
        """Start reading rows when the screen comes near the window's edge."""
        if not self._fetching and self._fetch is not None and not self._covered():
            self._fetching = True
            self.run_worker(self._load(), group="timeline", exit_on_error=False)

    async def _load(self) -> None:
        try:
            while self._fetch is not None and not self._covered():
                fetch, (want_start, want_end), (start, end) = self._fetch, self._wanted(), self.held
                if self._events and start <= want_end and want_start <= end:  # next to the window: keyset
                    if want_end > end:
                        found = await fetch(after=self._events[-1].id, limit=want_end - end + MARGIN)
                        if fetch is not self._fetch or self.held != (start, end):
                            continue  # another incident, or new rows, came meanwhile: look again
                        self._events.extend(found[: self._total - end])
                    else:
                        found = await fetch(before=self._events[0].id, limit=start - want_start + MARGIN)
                        if fetch is not self._fetch or self.held != (start, end):
                            continue
                        self._events[:0] = found
                        self._first -= len(found)
                else:  # a jump: read the rows at that position, counted from the nearest known one
                    begin = max(0, want_start - MARGIN)
                    near = min(((-1, 0), *self._known.items()), key=lambda known: abs(known[0] - begin))
                    found = await fetch(index=begin, near=near, limit=want_end + MARGIN - begin)
                    if fetch is not self._fetch:
                        continue
                    self._first, self._events = begin, found[: self._total - begin]
                if not found:
                    break  # nothing more to read (never expected: the log only grows)
                self._remember()
                self._trim()
                self.refresh()
        finally:
            self._fetching = False

    def _remember(self) -> None:
        """Note where the held rows' ends are in the log, to count later jumps from."""
        if self._events and len(self._known) < 100_000:
            self._known[self._first] = self._events[0].id or 0
            self._known[self._first + len(self._events) - 1] = self._events[-1].id or 0

    def _trim(self) -> None:
        """Hold at most KEEP rows: those farthest from the screen go."""
        excess = len(self._events) - KEEP
        if excess <= 0:
            return
        want_start, want_end = self._wanted()
        middle = (want_start + want_end) // 2
        keep_start = min(max(self._first, middle - KEEP // 2), self._first + excess)
        drop_front = keep_start - self._first
        self._events = self._events[drop_front: drop_front + KEEP]
        self._first = keep_start
