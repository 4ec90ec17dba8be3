"""Textual's command palette (ctrl+p), less one crash of Textual 8.2.8: its list takes new
commands and shows itself in one step, and is laid out only at the next refresh. A page key
typed ahead into that moment (its options in, the list still without a size) raised KeyError in
`OptionList._move_page` and closed the console. Found by random keys in a 160×48 tmux pane."""

from __future__ import annotations

from textual.app import App
from textual.command import CommandList, CommandPalette


class Palette(CommandPalette):
    def _action_command_list(self, action: str) -> None:
        if action in ("page_up", "page_down") and not self.query_one(CommandList).scrollable_content_region:
            return  # (not laid out yet: a page has no height to move by; the next key finds it drawn)
        super()._action_command_list(action)


def open_palette(app: App) -> None:
    """What App.action_command_palette does, with this palette."""
    if app.use_command_palette and not Palette.is_open(app):
        app.push_screen(Palette(id="--command-palette"))
