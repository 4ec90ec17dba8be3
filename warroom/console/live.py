"""Text that changes every second without moving anything else on the screen."""

from __future__ import annotations

import re

from textual.content import Content
from textual.widgets import Static

_DIGITS = re.compile(r"\d")


class LiveText(Static):
    """A Static for the 1 Hz redraw (the strip, the countdown, the deadlines). A new text of
    the same shape as the last (only its digits moved: T+12:04 → T+12:05) is redrawn in place;
    only a new shape asks the screen for a layout, which costs ~15 ms a second otherwise and
    delays the key that lands on it."""

    _shape: str | None = None

    def show(self, content: Content) -> None:
        shape = _DIGITS.sub("0", content.plain)
        same = shape == self._shape
        self._shape = shape
        self.update(content, layout=not same)
