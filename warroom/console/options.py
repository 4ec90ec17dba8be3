"""Textual's OptionList, less a crash of Textual 8.2.8: a list given new options while it has
no height (the picker in a pane of 14 rows or fewer gives its list none) counts its lines only
once it has some, and PageUp/PageDown before then raised KeyError in `OptionList._move_page` and
closed the console. Found by random keys in an 80×24 tmux pane that was made smaller."""

from __future__ import annotations

from textual.widgets import OptionList


class Options(OptionList):
    def on_focus(self) -> None:
        """Tab into the list: its first row is picked out, so Enter opens it (Enter did nothing
        until an arrow key had picked a row)."""
        if self.highlighted is None and self.option_count:
            self.action_first()

    def action_page_up(self) -> None:
        if self.scrollable_content_region:  # (no height: no page to move by)
            super().action_page_up()

    def action_page_down(self) -> None:
        if self.scrollable_content_region:
            super().action_page_down()
