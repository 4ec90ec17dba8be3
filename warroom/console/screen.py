"""The console screen: the strip, the countdown, the levers, three role panes, and the keys."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import Footer, Static

from warroom.console import flows, views
from warroom.console.panes import CommanderPane, CommunicatorPane, InvestigatorPane, RolePane
from warroom.domain.model import COMMANDER, COMMUNICATOR, INVESTIGATOR, Event

NARROW, MEDIUM = 70, 120  # below these many columns the panes rearrange (see warroom.tcss)

KEYS = [
    Binding("c", "wear('commander')", "Commander", tooltip="Wear the commander hat: decide, hold the timeline", id="hat.commander"),
    Binding("m", "wear('communicator')", "Communicator", tooltip="Wear the communicator hat: status page, client and internal comms", id="hat.communicator"),
    Binding("i", "wear('investigator')", "Investigator", tooltip="Wear the investigator hat: look at the data, report findings", id="hat.investigator"),
    Binding("1", "lever(1)", "Levers", key_display="1-4", tooltip="Advance lever 1, feature flag off: untried → pulled → effective / no effect", id="lever.1"),
    Binding("2", "lever(2)", "Lever 2", show=False, tooltip="Advance lever 2, deploy rollback", id="lever.2"),
    Binding("3", "lever(3)", "Lever 3", show=False, tooltip="Advance lever 3, migration rollback", id="lever.3"),
    Binding("4", "lever(4)", "Lever 4", show=False, tooltip="Advance lever 4, data correction", id="lever.4"),
    Binding("x", "skip", "Skip lever", show=False, tooltip="Skip a lever, with the reason", id="lever.skip"),
    Binding("u", "correct", "Correct lever", show=False, tooltip="Put a mistaken lever press right (a new event; the old stays)", id="lever.correct"),
    Binding("n", "note", "Note", tooltip="Write a note on the timeline as the hat you wear", id="note"),
    Binding("f", "finding", "Finding", tooltip="Report a finding to the commander (investigator)", id="finding"),
    Binding("a", "acknowledge", "Ack finding", tooltip="Acknowledge the oldest finding waiting (commander)", id="finding.ack"),
    Binding("y", "copy", "Copy due message", tooltip="Copy the message that is due, then record it as sent (communicator)", id="comms.copy"),
    Binding("t", "tick", "Tick notified", tooltip="Tick a notification as done, with who was told (communicator)", id="comms.tick"),
    Binding("s", "severity", "Severity", tooltip="Change the severity (commander); deadlines are recomputed", id="severity"),
    Binding("question_mark", "help", "Keys", key_display="?", tooltip="Show every key", id="help"),
]


def help_text() -> str:
    rows = [f"  {'?' if b.key == 'question_mark' else b.key:<4} {b.tooltip}" for b in KEYS]
    return "\n".join(["warroom keys", "", *rows, "  ^q   Quit (every action is already saved)",
                      "", "  ctrl+p opens the command palette: every action is there too."])


class ConsoleScreen(Screen):
    BINDINGS = KEYS

    def compose(self) -> ComposeResult:
        yield Static("opening the incident…", id="strip", markup=False)
        yield Static(id="countdown", markup=False)
        yield Static(id="levers", markup=False)
        with Horizontal(id="panes"):
            yield CommanderPane(id="commander", classes="pane")
            yield CommunicatorPane(id="communicator", classes="pane")
            yield InvestigatorPane(id="investigator", classes="pane")
        yield Footer()

    def on_resize(self, event) -> None:
        self.set_class(event.size.width < NARROW, "narrow")
        self.set_class(NARROW <= event.size.width < MEDIUM, "medium")

    # -- drawing ---------------------------------------------------------------------------
    def show(self, new_events: list[Event], reset: bool = False) -> None:
        """Redraw after the state changed; the timeline only gets the new rows."""
        app = self.app
        state, now = app.state, app.now()
        commander = self.query_one(CommanderPane)
        if reset:
            commander.reset_timeline()
        commander.add_events(new_events, state.detected)
        self.query_one("#levers", Static).update(views.levers(state))
        wearing = state.hat_of(app.actor)
        for pane in self.query(RolePane):
            pane.set_class(pane.HAT == wearing, "active")
            pane.show(state, now)
        self.tick()
        self.refresh_bindings()

    def tick(self) -> None:
        """Once a second: what depends on the time alone."""
        app = self.app
        if not app.state.declared:
            return
        now = app.now()
        self.query_one("#strip", Static).update(views.strip(app.state, now, app.actor))
        text, tone = views.countdown(app.state, now)
        countdown = self.query_one("#countdown", Static)
        countdown.update(text)
        for name in ("clear", "open", "near", "overdue"):
            countdown.set_class(name == tone, name)
        self.query_one(CommunicatorPane).show(app.state, now)
        app.alert_overdue()

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        if action == "acknowledge":
            return bool(self.app.state.unacknowledged)
        return True

    # -- actions: each starts a flow, which asks what it must and then commits ---------------
    def action_wear(self, hat: str) -> None:
        self.app.start(flows.wear(self.app, hat))

    def action_lever(self, number: int) -> None:
        self.app.start(flows.advance_lever(self.app, number))

    def action_skip(self) -> None:
        self.app.start(flows.skip_lever(self.app))

    def action_correct(self) -> None:
        self.app.start(flows.correct_lever(self.app))

    def action_note(self) -> None:
        self.app.start(flows.note(self.app))

    def action_finding(self) -> None:
        self.app.start(flows.finding(self.app))

    def action_acknowledge(self) -> None:
        self.app.start(flows.acknowledge(self.app))

    def action_copy(self) -> None:
        self.app.start(flows.copy_template(self.app))

    def action_tick(self) -> None:
        self.app.start(flows.tick_notification(self.app))

    def action_severity(self) -> None:
        self.app.start(flows.severity(self.app))

    def action_help(self) -> None:
        from warroom.console.dialogs import Help

        self.app.push_screen(Help(help_text()))


HATS_BY_KEY = {"c": COMMANDER, "m": COMMUNICATOR, "i": INVESTIGATOR}
