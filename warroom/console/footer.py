"""The console's footer: `?` and the hats always, then the keys of the hat worn, so it fits
80 columns. The other hats' keys still work (they ask to switch hats first); `?` lists every
key and the command palette offers every action.

One line of text in a box of fixed size (a `LiveText`), not Textual's footer of widgets: a hat
switch only redraws the line, where rebuilding a footer's widgets cost a layout of the screen
on the key that needs to be fastest (a hat key's frame went from 38 to 66 ms)."""

from __future__ import annotations

from functools import cache

from textual.binding import Binding
from textual.content import Content

from warroom.console.keys import FOOTER_OF_HAT, HATS_GROUP, KEYS
from warroom.console.live import LiveText

SHORT_WORDS = {"finding.ack": "Ack"}  # the footer's word where the palette's is too long for 60 columns
PALETTE = Content.assemble(("^p", "bold reverse"), " palette")


@cache  # a few lines at most: built once each, not on every key
def keys_line(hat: str | None, finding_waiting: bool, width: int = 80) -> Content:
    """`? Keys c m i Hats <the hat's keys> ^p palette`; the ack key only when a finding waits;
    the palette's key only when it fits `width` (? and every key of the hat always do at 60)."""
    ids = FOOTER_OF_HAT.get(hat, ())
    parts: list = [" "]
    hats_shown = False
    for binding in KEYS:
        if not isinstance(binding, Binding):
            continue
        if binding.group is HATS_GROUP:
            if not hats_shown:
                hats_shown = True
                keys = " ".join(b.key for b in KEYS if isinstance(b, Binding) and b.group is HATS_GROUP)
                parts += [(keys, "bold reverse"), f" {HATS_GROUP.description} "]
            continue
        if binding.id != "help" and binding.id not in ids:
            continue
        if binding.id == "finding.ack" and not finding_waiting:
            continue
        shown = binding.key_display or binding.key
        parts += [(shown, "bold reverse"), f" {SHORT_WORDS.get(binding.id or '', binding.description)} "]
    line = Content.assemble(*parts)
    with_palette = line + PALETTE
    return with_palette if with_palette.cell_length <= width else line


class KeysLine(LiveText):
    _worn: tuple[str | None, bool] = (None, False)

    def wear(self, hat: str | None, finding_waiting: bool) -> None:
        """The hat worn now: its keys (redrawn only when the line changes)."""
        self._worn = (hat, finding_waiting)
        self.show(keys_line(hat, finding_waiting, self.size.width or 80))

    def on_resize(self) -> None:
        self.wear(*self._worn)
