"""A bare Textual app (a header, one line, a footer) whose line says the hat of the key pressed
(m, c, i): the floor for key_in_tmux.py, in the same kind of pane. `n` asks for a note in a
modal screen with one input, as warroom's note does; Enter closes it and the line shows the
note: the floor for a note's Enter."""

from textual.app import App, ComposeResult
from textual.screen import ModalScreen
from textual.widgets import Footer, Header, Input, Static

HATS = {"m": "COMMUNICATOR", "c": "COMMANDER", "i": "INVESTIGATOR"}


class Note(ModalScreen[str]):
    def compose(self) -> ComposeResult:
        yield Static("Note as the bare app")
        yield Input(id="text")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.dismiss(event.value)


class BareKeys(App):
    BINDINGS = [*[(key, f"wear('{hat}')", hat.title()) for key, hat in HATS.items()], ("n", "note", "Note")]

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("bare ▸ COMMANDER", id="line")
        yield Footer()

    def action_wear(self, hat: str) -> None:
        self.query_one("#line", Static).update(f"bare ▸ {hat}")

    def action_note(self) -> None:
        self.push_screen(Note(), lambda text: self.query_one("#line", Static).update(f"bare: {text}"))


if __name__ == "__main__":
    BareKeys().run()
