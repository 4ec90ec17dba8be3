"""A bare Textual app (a header, one line, a footer) whose line says the hat of the key pressed
(m, c, i): the floor for key_in_tmux.py, in the same kind of pane."""

from textual.app import App, ComposeResult
from textual.widgets import Footer, Header, Static

HATS = {"m": "COMMUNICATOR", "c": "COMMANDER", "i": "INVESTIGATOR"}


class BareKeys(App):
    BINDINGS = [(key, f"wear('{hat}')", hat.title()) for key, hat in HATS.items()]

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("bare ▸ COMMANDER", id="line")
        yield Footer()

    def action_wear(self, hat: str) -> None:
        self.query_one("#line", Static).update(f"bare ▸ {hat}")


if __name__ == "__main__":
    BareKeys().run()
