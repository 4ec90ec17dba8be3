"""Text that is redrawn only when it changed, and moves the rest of the screen only when its
shape did."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Self, TypeVar, cast

from rich.segment import Segment
from textual.content import Content
from textual.dom import DOMNode
from textual.geometry import Region
from textual.strip import Strip
from textual.widget import Widget, _RenderCache
from textual.widgets import Static

_DIGITS = re.compile(r"\d")


if TYPE_CHECKING:
    _WidgetMixin = Widget
else:
    _WidgetMixin = object  # a mixin, not a widget: another DOM class in the chain would change the CSS it takes


class Repaints(_WidgetMixin):
    """A widget whose refresh of itself can be narrowed, for a moment, to the rows that changed:
    Textual writes every line of a region it repaints, changed or not (a hat key rewrote both
    role panes and the strip whole for a line or two of each; issue 26)."""

    _only: tuple[Region, ...] = ()

    @contextmanager
    def repainting_only(self, regions: Iterable[Region]) -> Iterator[None]:
        """While in it, a refresh of the whole widget repaints `regions` alone (in the widget's
        content coordinates, as Textual's `refresh` takes them); none given: all of it."""
        self._only = tuple(regions)
        try:
            yield
        finally:
            self._only = ()

    def refresh(self, *regions: Region, repaint: bool = True, layout: bool = False, recompose: bool = False) -> Self:
        if self._only and not regions and repaint and not layout and not recompose and self.is_mounted:
            regions = self._only
        return super().refresh(*regions, repaint=repaint, layout=layout, recompose=recompose)


class LiveText(Repaints, Static):
    """A Static for what is redrawn on every key and every second (the strip, the countdown, the
    levers, the panes' texts). The same text as last time is not drawn again; a new text of the
    same shape (only its digits moved: T+12:04 → T+12:05), or any text in a box of fixed size, is
    redrawn in place; only a new shape asks the screen for a layout. A layout of the whole screen costs 10–60 ms here: asking for
    one on every key put a key's p99 past a frame."""

    _last: Content | None = None
    _shape: str | None = None
    _drawn: dict[tuple, Strip] | None = None  # its lines as drawn before, by what they say (`_render_content`)
    _rows: dict[int, tuple[tuple, Strip]] = {}  # the line last drawn on each row, with what it said (`_digits_moved`)
    LINES_KEPT = 32  # (the strip's first line is new every second: the lines kept are forgotten now and then)

    def show(self, content: Content) -> None:
        if self._last is not None and self._last.is_same(content):
            return
        last, self._last = self._last, content
        shape = _DIGITS.sub("0", content.plain)
        same = shape == self._shape
        self._shape = shape
        layout = not same and not self._fixed_size
        # a text that is not wrapped and kept its lines repaints the lines that changed (a hat key
        # changes the strip's second line, a tick its first)
        changed = _changed_lines(last, content) if not layout and last is not None and self.styles.text_wrap == "nowrap" else None
        with self.repainting_only(Region(0, y, self.size.width, 1) for y in changed or ()):
            self.update(content, layout=layout)

    def _render_content(self) -> None:
        """Textual draws the whole text anew after any change (a rich Style made for every span of
        every line). A text that is not wrapped keeps the lines it drew, by what each says and
        where: when every line says what it said when drawn (the keys of a hat worn before, the
        strip's line of the hats), they come back as they were, and nothing is drawn (a hat key
        spent 1.1 of its 2.9 ms of drawing on those two; issue 26). Otherwise Textual draws the
        text whole, as it would. Its own method, pinned exactly in pyproject.toml."""
        visual = self._render()
        width, height = self.size
        if not isinstance(visual, Content) or self.styles.text_wrap != "nowrap" or self.text_selection is not None \
                or self.styles.content_align != ("left", "top") or self.screen._selecting:
            super()._render_content()
            return
        lines = visual.split("\n", allow_blank=True)
        # what else a line is drawn with: its style and any change of its own styles, its
        # inherited background (visual_style), the theme (a span's $accent is the theme's)
        drawn_with = (width, self.styles._cache_key, self.visual_style, self.app.theme)
        said = [(line.plain, tuple(line.spans), y, drawn_with) for y, line in enumerate(lines)]
        drawn = self._drawn if self._drawn is not None and len(self._drawn) < self.LINES_KEPT else {}
        self._drawn = drawn
        try:
            strips = [self._digits_moved(key) if (found := drawn.get(key)) is None else found for key in said]
        except TypeError:  # a style that cannot be a key: drawn as Textual draws it, always
            super()._render_content()
            return
        if len(lines) != height or None in strips:
            super()._render_content()
            if len(lines) == height == len(self._render_cache.lines):
                drawn.update(zip(said, self._render_cache.lines, strict=True))
                self._rows = dict(enumerate(zip(said, self._render_cache.lines, strict=True)))
            return
        self._rows = dict(enumerate(zip(said, cast(list[Strip], strips), strict=True)))
        self._render_cache = _RenderCache(self.size, cast(list[Strip], strips))
        self._dirty_regions.clear()

    def _digits_moved(self, key: tuple) -> Strip | None:
        """A line whose digits alone moved since its row was drawn (T+12:04 → T+12:05, a
        countdown's seconds), its spans and everything it is drawn with the same: the line drawn
        before with the new digits in it, each piece keeping its style. A digit takes one cell,
        so every piece keeps its length. Drawing the line anew was most of an idle second (two
        such lines a second; issue 26). None when that does not hold, or a link could be in it
        (a link's address is in its style, not its text)."""
        plain, spans, y, drawn_with = key
        before = self._rows.get(y)
        if before is None or "://" in plain:
            return None
        (was, spans_were, _, drawn_with_was), strip = before
        if spans != spans_were or drawn_with != drawn_with_was or len(plain) != len(was) \
                or _DIGITS.sub("0", plain) != _DIGITS.sub("0", was):
            return None
        text = strip.text
        if not text.startswith(was):
            return None
        text = plain + text[len(was):]
        pieces, at = [], 0
        for piece in strip:
            size = len(piece.text)
            pieces.append(Segment(text[at:at + size], piece.style, piece.control) if size else piece)
            at += size
        return Strip(pieces, strip.cell_length)

    @property
    def _fixed_size(self) -> bool:
        """A height set in cells and a width that is not the text's: no text moves anything."""
        height, width = self.styles.height, self.styles.width
        return height is not None and height.is_cells and (width is None or not width.is_auto)


def _changed_lines(before: Content, after: Content) -> list[int] | None:
    """The lines of `after` that differ from `before`'s; None when the lines are not the same
    in number, or none differs (then the whole text is repainted, as Textual would)."""
    old, new = before.split("\n", allow_blank=True), after.split("\n", allow_blank=True)
    if len(old) != len(new):
        return None
    changed = [y for y, (was, now) in enumerate(zip(old, new, strict=True)) if not was.is_same(now)]
    return changed or None


W = TypeVar("W", bound=Widget)


class Parts:
    """For a widget (or screen) whose parts are composed once and stay for its life: each part
    is looked up once, not on every key and every second (a query walks the tree: 0.2–0.7 ms
    here, and a key asked for a dozen)."""

    _found: dict[str, Widget] | None = None

    def part(self, selector: str, kind: type[W]) -> W:
        found = self._found
        if found is None:
            found = self._found = {}
        try:
            return cast(W, found[selector])
        except KeyError:
            widget = found[selector] = cast(DOMNode, self).query_one(selector, kind)
            return widget
