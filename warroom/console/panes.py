"""The three role panes. Each shows one hat's work; the worn hat's pane is the active one."""

from __future__ import annotations

from datetime import datetime

from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Log, Static

from warroom.console import views
from warroom.domain.incident import IncidentState
from warroom.domain.model import COMMANDER, COMMUNICATOR, INVESTIGATOR, Event


class RolePane(Vertical):
    """A bordered pane titled with its hat; `.active` while that hat is worn."""

    HAT = ""
    KEYS = ""

    def on_mount(self) -> None:
        self.border_title = self.HAT.upper()
        self.border_subtitle = self.KEYS

    def show(self, state: IncidentState, now: datetime) -> None:
        """Redraw what depends on the state and the time."""


class CommanderPane(RolePane):
    HAT, KEYS = COMMANDER, "1-4 levers · a ack · r resolve · o follow-up · s severity"

    def compose(self) -> ComposeResult:
        yield Static(id="figures", markup=False)
        yield Static(id="waiting", markup=False)
        yield Static(id="followups", markup=False)
        yield Log(id="timeline", highlight=False, auto_scroll=True)

    def show(self, state: IncidentState, now: datetime) -> None:
        self.query_one("#figures", Static).update(views.figures(state))
        waiting = self.query_one("#waiting", Static)
        waiting.update(views.unacknowledged(state))
        waiting.set_class(bool(state.unacknowledged), "some")
        followups = self.query_one("#followups", Static)
        followups.update(views.followups(state))
        followups.set_class(bool(state.followups), "some")

    def add_events(self, events: list[Event], origin: datetime | None) -> None:
        """Timeline rows for new events only: the log is appended, never redrawn whole."""
        timeline = self.query_one("#timeline", Log)
        timeline.write_lines([views.timeline_row(e, origin) for e in events], scroll_end=True)
        # the panes above the timeline may grow in the same refresh: scroll again once laid out
        timeline.call_after_refresh(timeline.scroll_end, animate=False)

    def reset_timeline(self) -> None:
        self.query_one("#timeline", Log).clear()


class CommunicatorPane(RolePane):
    HAT, KEYS = COMMUNICATOR, "t tick · y copy"

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Static(id="deadlines", markup=False)
            yield Static(id="template", markup=False)

    def show(self, state: IncidentState, now: datetime) -> None:
        self.query_one("#deadlines", Static).update(views.deadline_lines(state, now))
        self.query_one("#template", Static).update(views.due_message(state, now))


class InvestigatorPane(RolePane):
    HAT, KEYS = INVESTIGATOR, "n hypothesis · f finding"

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Static(id="investigation", markup=False)

    def show(self, state: IncidentState, now: datetime) -> None:
        self.query_one("#investigation", Static).update(views.investigation(state))
