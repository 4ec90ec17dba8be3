"""The console screen: the strip, the countdown, the levers, three role panes, and the keys."""

from __future__ import annotations

from functools import partial

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.css.query import NoMatches
from textual.screen import Screen
from textual.widgets import Footer

from warroom.console import views
from warroom.console.live import LiveText
from warroom.console.panes import CommanderPane, CommunicatorPane, InvestigatorPane, RolePane
from warroom.domain.model import Event

READING_FLOWS = {"switch_incident", "copy_runbook", "read_message"}  # what a read-only console may still do
NARROW, MEDIUM = 70, 120  # below these many columns the panes rearrange (see warroom.tcss)

KEYS = [  # the footer shows them in this order: ? first, so it is there at any width
    Binding("question_mark", "help", "Keys", key_display="?", tooltip="Show every key", id="help"),
    Binding("c", "flow('wear', 'commander')", "Commander", tooltip="Wear the commander hat: decide, hold the timeline", id="hat.commander"),
    Binding("m", "flow('wear', 'communicator')", "Communicator", tooltip="Wear the communicator hat: status page, client and internal comms", id="hat.communicator"),
    Binding("i", "flow('wear', 'investigator')", "Investigator", tooltip="Wear the investigator hat: look at the data, report findings", id="hat.investigator"),
    Binding("1", "flow('advance_lever', 1)", "Levers", key_display="1-4", tooltip="Advance lever 1, feature flag off: untried → pulled → effective / no effect", id="lever.1"),
    Binding("2", "flow('advance_lever', 2)", "Lever 2", show=False, tooltip="Advance lever 2, deploy rollback", id="lever.2"),
    Binding("3", "flow('advance_lever', 3)", "Lever 3", show=False, tooltip="Advance lever 3, migration rollback", id="lever.3"),
    Binding("4", "flow('advance_lever', 4)", "Lever 4", show=False, tooltip="Advance lever 4, data correction", id="lever.4"),
    Binding("x", "flow('skip_lever')", "Skip lever", show=False, tooltip="Skip a lever, with the reason", id="lever.skip"),
    Binding("l", "flow('copy_runbook')", "Copy lever cmd", show=False, tooltip="Copy the command behind a lever, from the service's runbook in the config", id="lever.runbook"),
    Binding("w", "flow('set_impact')", "Impact", show=False, tooltip="Say who or what is affected (commander); messages say it as {impact}", id="impact"),
    Binding("v", "flow('name_service')", "Service", show=False, tooltip="Name the affected service (commander); its runbook shows beside the levers", id="service"),
    Binding("u", "flow('correct_lever')", "Correct lever", show=False, tooltip="Put a mistaken lever press right (a new event; the old stays)", id="lever.correct"),
    Binding("n", "flow('note')", "Note", tooltip="Write a note on the timeline as the hat you wear", id="note"),
    Binding("f", "flow('finding')", "Finding", tooltip="Report a finding to the commander (investigator)", id="finding"),
    Binding("a", "flow('acknowledge')", "Ack finding", tooltip="Acknowledge the oldest finding waiting (commander)", id="finding.ack"),
    Binding("y", "flow('copy_template')", "Copy due message", tooltip="Copy the message that is due, then record it as sent (communicator)", id="comms.copy"),
    Binding("d", "flow('read_message')", "Read due message", show=False, tooltip="Read the due message whole, as y would copy it now (any hat)", id="comms.read"),
    Binding("e", "flow('edit_template')", "Edit message", show=False, tooltip="Edit the due message before copying it; the edited text is recorded (communicator)", id="comms.edit"),
    Binding("z", "pause_drill", "Pause drill", show=False, tooltip="Pause a drill's clock, or go on (warroom drill)", id="drill.pause"),
    Binding("P", "flow('publish')", "Publish page", show=False, key_display="P", tooltip="Publish the status page now (communicator): by hand for a P1; a P0's publishes by itself", id="comms.publish"),
    Binding("t", "flow('tick_notification')", "Tick notified", tooltip="Tick a notification as done, with who was told (communicator)", id="comms.tick"),
    Binding("r", "flow('resolution')", "Resolve", tooltip="The resolution path: root cause, staging, deploy, flag back on, soak, resolve (or reopen)", id="resolve"),
    Binding("k", "flow('correct_milestone')", "Correct time", show=False, tooltip="Correct a milestone afterwards, as a new event (e.g. a back-dated impact start)", id="milestone"),
    Binding("o", "flow('followup')", "Follow-up", show=False, tooltip="Add a follow-up with an owner (commander)", id="followup"),
    Binding("p", "flow('switch_incident')", "Incidents", show=False, tooltip="Pick another incident to work", id="incidents"),
    Binding("s", "flow('severity')", "Severity", tooltip="Change the severity (commander); deadlines are recomputed", id="severity"),
]


def help_text() -> str:
    rows = [f"  {'?' if b.key == 'question_mark' else b.key:<4} {b.tooltip}" for b in KEYS]
    return "\n".join(["warroom keys", "", *rows, "  ^q   Quit (every action is already saved)",
                      "", "  ctrl+p opens the command palette: every action is there too."])


class ConsoleScreen(Screen):
    BINDINGS = KEYS
    _ack_shown = False
    _lower_hat = False
    _rows: str | None = None  # the medium layout's grid rows, as last set

    def compose(self) -> ComposeResult:
        yield LiveText("opening the incident…", id="strip", markup=False)
        yield LiveText(id="countdown", markup=False)
        yield LiveText(id="levers", markup=False)
        yield LiveText(id="path", markup=False)
        with Horizontal(id="panes"):
            yield CommanderPane(id="commander", classes="pane")
            yield CommunicatorPane(id="communicator", classes="pane")
            yield InvestigatorPane(id="investigator", classes="pane")
        yield Footer()

    async def on_mount(self) -> None:
        await self.app.console_mounted()

    def on_resize(self, event) -> None:
        self.set_class(event.size.width < NARROW, "narrow")
        self.set_class(NARROW <= event.size.width < MEDIUM, "medium")
        self._arrange_rows()

    def _arrange_rows(self) -> None:
        """In the medium layout, give the lower row the room when its hat is worn (only there:
        the rows mean nothing in the others, and setting them costs a layout of the screen)."""
        rows = ("2fr 3fr" if self._lower_hat else "3fr 2fr") if self.has_class("medium") else None
        if rows is not None and rows != self._rows:
            self._rows = rows
            self.query_one("#panes").styles.grid_rows = rows

    # -- drawing ---------------------------------------------------------------------------
    def show(self, new_events: list[Event], reset: bool = False, panes: bool = True) -> None:
        """Redraw after the state changed; the timeline only gets the new rows (all anew with
        `reset`: another incident). With
        `panes=False` only the top (strip, countdown, levers) is drawn: the first frame."""
        app = self.app
        state = app.state
        self.query_one("#levers", LiveText).show(views.levers(state, app.book))
        self.query_one("#path", LiveText).show(views.resolution_path(state))
        self.tick()
        if panes:
            self.show_panes(new_events, reset)

    def show_panes(self, new_events: list[Event], reset: bool = False) -> None:
        app = self.app
        state, now = app.state, app.now()
        commander = self.query_one(CommanderPane)
        if reset:  # the newest events read with the state; the rest is read as the person scrolls
            commander.show_timeline(state.count, state.events, state.detected, partial(app.page, state.code))
        else:
            commander.add_events(new_events, state.detected)
        wearing = state.hat_of(app.actor)
        # the communicator's and investigator's panes sit below the timeline under 120 columns:
        # wearing one of those hats gives that row the room (the due message, the findings)
        # (set on the panes alone: a class on the screen would restyle every widget, a key's cost x2)
        self._lower_hat = wearing in ("communicator", "investigator")
        self._arrange_rows()
        for pane in self.query(RolePane):
            pane.set_class(pane.HAT == wearing, "active")
            pane.show(state, now)
        waiting = bool(state.unacknowledged)
        if waiting != self._ack_shown:  # the footer is rebuilt only when a key comes or goes
            self._ack_shown = waiting
            self.refresh_bindings()

    def tick(self) -> None:
        """Once a second: what depends on the time alone."""
        app = self.app
        if not app.state.declared:
            return
        try:
            strip, countdown = self.query_one("#strip", LiveText), self.query_one("#countdown", LiveText)
        except NoMatches:  # the app is closing and the screen's parts are gone: nothing to draw
            return
        now = app.now()
        strip.show(views.strip(app.state, now, app.actor, app.read_only, app.trouble, bool(app.away)))
        text, tone = views.countdown(app.state, now, app.book)
        countdown.show(text)
        for name in ("clear", "open", "near", "overdue"):
            countdown.set_class(name == tone, name)
        self.query_one(CommunicatorPane).show(app.state, now)
        app.alert_overdue()

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        if action == "flow" and parameters[:1] == ("acknowledge",):
            return bool(self.app.state.unacknowledged)
        return True

    # -- actions: each key starts a flow, which asks what it must and then commits -----------
    def action_flow(self, name: str, *args: object) -> None:
        if self.app.read_only and name not in READING_FLOWS:
            self.app.warn("read-only: this database can be read, not changed (it was opened read-only)")
            return
        if self.app.away and name not in READING_FLOWS:
            self.app.warn("the server cannot be reached (reconnecting): nothing can be saved until it is back")
            return
        from warroom.console import flows  # not needed for the first frame

        self.app.start(getattr(flows, name)(self.app, *args))

    def action_pause_drill(self) -> None:
        self.app.pause_drill()

    def action_help(self) -> None:
        from warroom.console.dialogs import Help

        self.app.push_screen(Help(help_text()))

