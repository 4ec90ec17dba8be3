"""Text that is redrawn only when it changed, and moves the rest of the screen only when its
shape did."""

from __future__ import annotations

import re
from typing import TypeVar, cast

from textual.content import Content
from textual.dom import DOMNode
from textual.widget import Widget
from textual.widgets import Static

_DIGITS = re.compile(r"\d")


class LiveText(Static):
    """A Static for what is redrawn on every key and every second (the strip, the countdown, the
    levers, the panes' texts). The same text as last time is not drawn again; a new text of the
    same shape (only its digits moved: T+12:04 → T+12:05), or any text in a box of fixed size, is
    redrawn in place; only a new shape asks the screen for a layout. A layout of the whole screen costs 10–60 ms here: asking for
    one on every key put a key's p99 past a frame."""

    _last: Content | None = None
    _shape: str | None = None

    def show(self, content: Content) -> None:
        if self._last is not None and self._last.is_same(content):
            return
        self._last = content
        shape = _DIGITS.sub("0", content.plain)
        same = shape == self._shape
        self._shape = shape
        self.update(content, layout=not same and not self._fixed_size)

    @property
    def _fixed_size(self) -> bool:
        """A height set in cells and a width that is not the text's: no text moves anything."""
        height, width = self.styles.height, self.styles.width
        return height is not None and height.is_cells and (width is None or not width.is_auto)


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
