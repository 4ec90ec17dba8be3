"""Textual's command palette (ctrl+p, and the theme list it opens), less six
crashes of Textual 8.2.8, each found by random keys into the installed console in a tmux pane,
each of which closed it:
- its list takes new commands and shows itself in one step, and is laid out only at the next
  refresh: a page key typed ahead into that moment (its options in, the list still without a
  size) raised KeyError in `OptionList._move_page` (160×48);
- ctrl+p (a priority key) with the palette open under another screen (a question a command
  asked) opened a second palette with the same id: DuplicateIds (60×20);
- Enter twice (both in one read of the terminal) chose the command twice: the first closed the
  palette and ran it, and the second's choice, already on its way, closed the screen beneath
  (ScreenStackError with nothing else open; the command's own question otherwise) and ran the
  command again (80×24);
- its "no matches" and "busy" timers fired after it had closed (Esc, or a command chosen, within
  half a second of typing), and their look for its list raised NoMatches (80×24, a drill);
- its search (a worker) started as it closed, and its look for its list raised NoMatches
  (80×24, a database of several incidents);
- ctrl+p as it closed (Esc, then ctrl+p in one read) opened another with the same id while the
  first was off the stack but not yet removed: DuplicateIds (100×30, the start screen)."""

from __future__ import annotations

from inspect import unwrap

from textual import on, work
from textual.app import App
from textual.command import CommandList, CommandPalette
from textual.css.query import NoMatches
from textual.theme import ThemeProvider
from textual.timer import Timer, TimerCallback
from textual.widgets import Input, OptionList


class Palette(CommandPalette):
    @on(Input.Submitted)
    @on(OptionList.OptionSelected)
    def _once(self, event: Input.Submitted | OptionList.OptionSelected) -> None:
        """Runs before CommandPalette's own handlers (a subclass's come first), and stops them
        once the palette has closed (it is off the stack at once): a second Enter chooses nothing."""
        if not self.is_active:
            event.stop()
            event.prevent_default()

    def set_timer(self, delay: float, callback: TimerCallback | None = None, *, name: str | None = None,
                  pause: bool = False) -> Timer:
        """Textual's, for a callback that runs only while the palette is open (on the stack)."""
        if callback is not None:
            later = callback

            def callback() -> object:
                return later() if self in self.app.screen_stack else None

        return super().set_timer(delay, callback, name=name, pause=pause)

    @work(exclusive=True, group=CommandPalette._GATHER_COMMANDS_GROUP)
    async def _gather_commands(self, search_value: str) -> None:
        """Textual's search, which may find the palette closed (its list gone) once it runs."""
        try:
            await unwrap(CommandPalette._gather_commands)(self, search_value)
        except NoMatches:
            if self in self.app.screen_stack:
                raise  # (open, and its list missing: that is no race)

    def _action_command_list(self, action: str) -> None:
        if action in ("page_up", "page_down") and not self.query_one(CommandList).scrollable_content_region:
            return  # (not laid out yet: a page has no height to move by; the next key finds it drawn)
        super()._action_command_list(action)


class Palettes(App[str | None]):
    """An app whose palettes are all `Palette`: ctrl+p's, and the lists Textual opens from it
    (its "Theme" command's), which it builds as CommandPalette by name. (`search_commands`
    would too; nothing here calls it.)"""

    def action_command_palette(self) -> None:
        """Textual's, and only when no palette is open anywhere in the stack (Textual looks only
        at the screen on top). With no id: Textual's id for it ("--command-palette", which
        nothing looks for) made a palette opened as the last one closed (off the stack, not
        yet removed from the app) a DuplicateIds."""
        if self.use_command_palette and not any(screen.has_class("--textual-command-palette") for screen in self.screen_stack):
            self.push_screen(Palette())

    def search_themes(self) -> None:
        self.push_screen(Palette(providers=[ThemeProvider], placeholder="Search for themes…"))
