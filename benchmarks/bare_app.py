"""A bare Textual app with a header and a footer: the yardstick for first frame and idle cost."""

from textual.app import App, ComposeResult
from textual.widgets import Footer, Header, Static


class Bare(App):
    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("bare textual app ready")
        yield Footer()


if __name__ == "__main__":
    Bare().run()
