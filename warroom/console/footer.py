"""The console's footer: `?` and the hats always, then the keys of the hat worn, so they fit
at 80 columns. The other hats' keys still work (they ask to switch hats first); `?` lists
every key and the command palette offers every action."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Footer
from textual.widgets._footer import FooterKey  # (Textual's own footer key, to leave out the other hats' keys)

from warroom.console.keys import ALWAYS_IN_FOOTER, FOOTER_ACTIONS


class HatFooter(Footer):
    hat: str | None = None

    def wear(self, hat: str | None) -> None:
        """The hat worn now: its keys in the footer (rebuilt only when the hat changes)."""
        if hat != self.hat:
            self.hat = hat
            self.refresh(recompose=True)

    def compose(self) -> ComposeResult:
        shown = ALWAYS_IN_FOOTER | FOOTER_ACTIONS[self.hat if self.hat in FOOTER_ACTIONS else None]
        for widget in super().compose():
            if isinstance(widget, FooterKey) and "-command-palette" not in widget.classes and widget.action not in shown:
                continue
            yield widget
