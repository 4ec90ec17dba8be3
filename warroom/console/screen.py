"""The console screen: the strip, the countdown, the levers, three role panes, and the keys.

It reads the console (`protocol.Drawn`) to draw, and tells the app what the person asked for
by posting messages up (`FlowAsked`, `PauseAsked`, `Ready`): it never calls the app, and it
imports neither the app nor the flows."""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from time import monotonic
from typing import cast

from textual import events
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.css.query import NoMatches
from textual.message import Message
from textual.screen import Screen

from warroom.console import views
from warroom.console.footer import KeysLine
from warroom.console.keys import KEYS, READING_FLOWS, help_text
from warroom.console.live import LiveText, Parts
from warroom.console.panes import CommanderPane, CommunicatorPane, InvestigatorPane, RolePane
from warroom.console.protocol import Drawn
from warroom.console.rows import RowsCompositor
from warroom.domain.model import Event

NARROW, MEDIUM = 70, 120  # below these many columns the panes rearrange (see warroom.tcss)
SHORT = 26  # at most these many rows (a 24-row tmux pane, a status bar or two) under MEDIUM columns: the short arrangement

def size_classes(width: int, height: int) -> str:
    """The screen's classes for a terminal of this size (see `on_resize`), given when the screen is
    made: set only at its first resize, they restyled every widget before the first frame (27 ms)."""
    classes = ["narrow"] if width < NARROW else ["medium"] if width < MEDIUM else []
    if height <= SHORT and width < MEDIUM:
        classes.append("short")
    return " ".join(classes)


class ConsoleScreen(Parts, Screen):
    BINDINGS = KEYS
    _ack_shown = False
    _hat: str | None = None  # the hat worn, as the panes were last arranged for it
    _one: str | None = None  # in a short terminal, the pane above the communicator's (None: all three shown)
    _rows: str | None = None  # the medium layout's grid rows, as last set

    class Ready(Message):
        """The screen is composed: the app shows the incident read before start-up."""

    @dataclass
    class FlowAsked(Message):
        """A key asked for a flow (`flows.FLOWS[name]`). `questions_before`: how many questions
        the console had asked when the key was pressed (a key typed while one was opening was
        meant for it, not the console)."""
        name: str
        args: tuple
        questions_before: int

    class PauseAsked(Message):
        """Space: pause a drill's clock, or go on."""

    def __init__(self, name: str | None = None, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._compositor = RowsCompositor()  # a frame draws the rows that changed (rows.py)

    @property
    def console(self) -> Drawn:
        """The console this screen draws, as the protocol says it may read it."""
        return cast(Drawn, self.app)

    def compose(self) -> ComposeResult:
        yield LiveText("opening the incident…", id="strip", markup=False)
        yield LiveText(id="countdown", markup=False)
        yield LiveText(id="levers", markup=False)
        yield LiveText(id="path", markup=False)
        yield Horizontal(id="panes")  # the three panes come right after the first frame (`_mount_panes`)
        yield KeysLine(id="keysline", markup=False)

    def on_mount(self) -> None:
        if self.console.state.declared:  # the incident read before start-up: its top in the first frame
            self.show([], reset=True, panes=False)
        self.call_after_refresh(self._mount_panes)
        self.post_message(self.Ready())  # the app does the rest (the timers, the store) right after

    async def _mount_panes(self) -> None:
        """The role panes, once the first frame (the strip, the countdown, the levers: what is
        due) is on screen: composing, styling and laying them out was a fifth of the time to
        the first frame (issue 26). Until they are here, what would draw them waits for them;
        then they are drawn from the state as it is by then."""
        try:
            panes = self.part("#panes", Horizontal)
        except NoMatches:  # the console closed before its first frame was followed: nothing to mount
            return
        await panes.mount(CommanderPane(id="commander", classes="pane"), CommunicatorPane(id="communicator", classes="pane"),
                          InvestigatorPane(id="investigator", classes="pane"))
        self.panes_ready = True
        if self.focused is None and self.app.screen is self:  # as Textual focuses on a screen's first showing
            for widget in self.query(self.app.AUTO_FOCUS or "*"):
                if widget.focusable:
                    self.set_focus(widget)
                    break
        self._arrange()
        if self.console.state.declared:
            self.show_panes([], reset=True)

    def on_resize(self, event) -> None:
        wanted = size_classes(*event.size).split()
        self.set_class("narrow" in wanted, "narrow")  # (no-ops when the class is as it was)
        self.set_class("medium" in wanted, "medium")
        short = "short" in wanted
        if short != self.has_class("short"):
            self.set_class(short, "short")
            if self.console.state.declared:
                self._draw_levers()
        self._arrange()

    panes_ready = False  # the role panes are mounted (right after the first frame)

    def _draw_levers(self) -> None:
        app = self.console
        self.part("#levers", LiveText).show(views.levers(app.state, app.book, compact=self.has_class("short")))

    def _arrange(self) -> None:
        """Where the panes go, for the hat worn; set only when it changes (it costs a layout).
        Medium (80 columns, tall): the timeline spans the top, the other two below, and wearing
        one of those hats gives their row the room. Short (a 24-row tmux pane, or 60×20): the
        communicator's pane is always there, under the worn hat's (the commander's when the
        communicator or no hat is worn), sized to what it says: the message due, every deadline
        and the message's text; the third pane is left out."""
        if not self.panes_ready:
            return
        short = self.has_class("short")
        rows = None
        if self.has_class("medium") and not short:
            rows = "2fr 3fr" if self._hat in ("communicator", "investigator") else "3fr 2fr"
        if rows is not None and rows != self._rows:
            self._rows = rows
            self.part("#panes", Horizontal).styles.grid_rows = rows
        upper = "investigator" if self._hat == "investigator" else "commander"
        arrangement = upper if short else None
        if arrangement == self._one:
            return  # as they are: no query on a key's path
        self._one = arrangement
        commander, communicator, investigator = self._panes
        for pane in self._panes:
            wanted = not short or pane.HAT in (upper, "communicator")
            if pane.display != wanted:
                pane.display = wanted
        panes = self.part("#panes", Horizontal)
        if short:  # the worn hat's pane above the communicator's
            panes.move_child(investigator if upper == "investigator" else commander, before=communicator)
        elif investigator in panes.children[:2]:
            panes.move_child(investigator, after=communicator)

    @property
    def _panes(self) -> tuple[RolePane, ...]:
        return (self.part("#commander", CommanderPane), self.part("#communicator", CommunicatorPane),
                self.part("#investigator", InvestigatorPane))

    # -- drawing ---------------------------------------------------------------------------
    def show(self, new_events: list[Event], reset: bool = False, panes: bool = True) -> None:
        """Redraw after the state changed; the timeline only gets the new rows (all anew with
        `reset`: another incident). With
        `panes=False` only the top (strip, countdown, levers) is drawn: the first frame."""
        app = self.console
        state = app.state
        self._draw_levers()
        self.part("#path", LiveText).show(views.resolution_path(state))
        self.part("#keysline", KeysLine).wear(state.hat_of(app.actor), bool(state.unacknowledged))
        self.tick(communicator=not panes)  # (show_panes draws the communicator's pane with the others)
        if panes:
            self.show_panes(new_events, reset)

    def show_panes(self, new_events: list[Event], reset: bool = False) -> None:
        if not self.panes_ready:
            return  # drawn whole when they come (`_mount_panes`)
        app = self.console
        state, now = app.state, app.now()
        commander = self.part("#commander", CommanderPane)
        if reset:  # the newest events read with the state; the rest is read as the person scrolls
            commander.show_timeline(state.count, state.events, state.detected, partial(app.page, state.code))
        else:
            commander.add_events(new_events, state.detected)
        wearing = state.hat_of(app.actor)
        # the communicator's and investigator's panes sit below the timeline under 120 columns:
        # wearing one of those hats gives that row the room (the due message, the findings)
        # (set on the panes alone: a class on the screen would restyle every widget, a key's cost x2)
        self._hat = wearing
        self._arrange()
        for pane in self._panes:
            pane.wear(pane.HAT == wearing)
            pane.show(state, now)
        waiting = bool(state.unacknowledged)  # (the footer's line was drawn by `show`, which comes first)
        if waiting != self._ack_shown:  # the palette's bindings change only when a key comes or goes
            self._ack_shown = waiting
            self.refresh_bindings()

    def show_followups(self) -> None:
        """The commander's pane again, once the follow-ups' codes are known."""
        if self.panes_ready and self.console.state.declared:
            self.part("#commander", CommanderPane).show(self.console.state, self.console.now())

    def tick(self, communicator: bool = True) -> None:
        """Once a second: what depends on the time alone (the communicator's pane too, unless
        its caller draws it)."""
        app = self.console
        if not app.state.declared:
            return
        try:
            strip, countdown = self.part("#strip", LiveText), self.part("#countdown", LiveText)
        except NoMatches:  # the app is closing and the screen's parts are gone: nothing to draw
            return
        if not strip.is_attached:
            return
        now = app.now()
        strip.show(views.strip(app.state, now, app.actor, app.read_only, app.trouble, bool(app.away)))
        text, tone = views.countdown(app.state, now, app.book, countdown.content_size.width)
        countdown.show(text)
        for name in ("clear", "open", "near", "overdue"):
            countdown.set_class(name == tone, name)
        if communicator and self.panes_ready:
            self.part("#communicator", CommunicatorPane).show(app.state, now)

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        if action == "flow" and parameters[:1] == ("acknowledge",):
            return bool(self.console.state.unacknowledged)
        return True

    # -- actions: each key asks the app for a flow, which asks what it must and then commits --
    def action_flow(self, name: str, *args: object) -> None:
        console = self.console
        if console.read_only and name not in READING_FLOWS:
            console.warn("read-only: this database can be read, not changed (it was opened read-only)")
            return
        if console.away and name not in READING_FLOWS:
            console.warn("the server cannot be reached (reconnecting): nothing can be saved until it is back")
            return
        if self._held is None:  # what is typed next was meant for the flow's question, until it opens
            self._held, self._held_since = [], monotonic()
        self.post_message(self.FlowAsked(name, args, console.questions_asked))

    # -- keys typed ahead of a question -------------------------------------------------------
    # A flow's key and what follows it in one read of the terminal (f, a finding, Enter: a fast
    # typist over SSH, a paste) all reach the console before the flow has opened its question:
    # the finding's letters were console keys (c put on a hat, space paused no drill) and the
    # question opened empty. From a flow's key until its flow opens a question or ends, the
    # keys that come are held here (the app's `_on_key` asks `holds`), then handed to the app.
    # A flow that has opened nothing after HOLD_AT_MOST seconds (a commit waiting on a locked
    # database) holds no more: what it held is dropped, with a word, and keys are the console's.
    HOLD_AT_MOST = 3.0
    _held: list[events.Key] | None = None
    _held_since = 0.0

    def holds(self, key: events.Key) -> bool:
        """Hold `key` if a flow's question may be opening (True: it is held)."""
        if self._held is None:
            return False
        if monotonic() - self._held_since > self.HOLD_AT_MOST:
            if self.let_go():
                self.console.warn("keys typed as a question opened were not used: type them again")
            return False
        self._held.append(key)
        return True

    def let_go(self) -> list[events.Key]:
        """The keys held since the last flow's key (and no more held)."""
        held, self._held = self._held or [], None
        return held

    def action_pause_drill(self) -> None:
        self.post_message(self.PauseAsked())

    def action_help(self) -> None:
        from warroom.console.dialogs import Help

        self.app.push_screen(Help(help_text()))

