"""The three role panes. Each shows one hat's work; the worn hat's pane is the active one."""

from __future__ import annotations

from datetime import datetime
from functools import cache
from typing import cast

from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.geometry import Region

from warroom.console import views
from warroom.console.live import LiveText, Parts, Repaints
from warroom.console.protocol import Drawn
from warroom.console.timeline import Fetch, Timeline
from warroom.domain.incident import IncidentState
from warroom.domain.model import COMMANDER, COMMUNICATOR, INVESTIGATOR, Event


@cache  # three at most: made once each, not parsed on every hat key
def _worn_title(hat: str) -> Content:
    return Content.from_markup("[bold reverse $accent]$hat", hat=hat.upper())


class RolePane(Parts, Repaints, Vertical):
    """A bordered pane titled with its hat; `.active` while that hat is worn."""

    HAT = ""
    KEYS = ""

    def on_mount(self) -> None:
        self.border_title = self.HAT.upper()
        self.border_subtitle = self.KEYS

    def show(self, state: IncidentState, now: datetime) -> None:
        """Redraw what depends on the state and the time."""

    def wear(self, worn: bool) -> None:
        """`.active` while this pane's hat is worn. Only the pane's own style follows: no rule of
        the stylesheet looks at `.active` below a pane, and restyling its every descendant (what
        a class change does) was most of a hat key's cost (7 ms a pane at 80x24). Its title's
        colour is in the title itself, not a `border-title-color` rule: a colour rule redraws
        every widget inside the pane (Textual refreshes the children of a colour change), which
        was a third of a hat key's cost (3.7 ms at 80x24); the border's colour redraws the border."""
        if self.has_class("active") == worn:
            return
        self.set_class(worn, "active", update=False)
        # a pane with only a top border (a short terminal) changes on its first line alone: it
        # repaints that line, not the whole pane (13 of the 20 lines a hat key sent at 80x24)
        top_only = self._top_border_only()
        offset = self.content_offset
        with self.repainting_only([Region(-offset.x, -offset.y, self.outer_size.width, 1)] if top_only else []):
            self.border_title = _worn_title(self.HAT) if worn else self.HAT.upper()
            self.app.stylesheet.apply(self)
        if top_only and not self._top_border_only():  # (the stylesheet gave it other edges after all: all of it, then)
            self.refresh()

    def _top_border_only(self) -> bool:
        """Only a top border: the title and the border's colour are on the pane's first line."""
        styles = self.styles
        return bool(styles.border_top[0]) and not any(edge[0] for edge in (styles.border_left, styles.border_right, styles.border_bottom))


class CommanderPane(RolePane):
    HAT, KEYS = COMMANDER, "1-4 levers · l cmd · a ack · r resolve · s severity · ↑↓⏎ a row"

    def compose(self) -> ComposeResult:
        yield LiveText(id="figures", markup=False)
        yield LiveText(id="waiting", markup=False)
        yield LiveText(id="followups", markup=False)
        yield Timeline(id="timeline")

    def show(self, state: IncidentState, now: datetime) -> None:
        self.part("#figures", LiveText).show(views.figures(state))
        waiting = self.part("#waiting", LiveText)
        waiting.show(views.unacknowledged(state))
        waiting.set_class(bool(state.unacknowledged), "some")
        codes = cast(Drawn, self.app).followup_codes
        followups = self.part("#followups", LiveText)
        followups.show(views.followups(state, codes, now))
        followups.set_class(bool(state.followups), "some")
        self.part("#timeline", Timeline).name_followups(codes)

    def add_events(self, events: list[Event], origin: datetime | None) -> None:
        """New events only: the timeline is appended to, never rebuilt."""
        self.part("#timeline", Timeline).add(events, origin)

    def on_mount(self) -> None:
        super().on_mount()
        # the newest events stay in view as they come, until the person scrolls up to read
        self.part("#timeline", Timeline).anchor()

    def show_timeline(self, total: int, newest: list[Event], origin: datetime | None, fetch: Fetch) -> None:
        """Another incident: `total` events, `newest` the last of them; `fetch` reads the rest."""
        self.part("#timeline", Timeline).show(total, newest, origin, fetch)


class CommunicatorPane(RolePane):
    HAT, KEYS = COMMUNICATOR, "t tick · y copy · P publish"

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield LiveText(id="asked", markup=False)
            yield LiveText(id="deadlines", markup=False)
            yield LiveText(id="ledger", markup=False)
            yield LiveText(id="template", markup=False)
            yield LiveText(id="page", markup=False)

    def show(self, state: IncidentState, now: datetime) -> None:
        console = cast(Drawn, self.app)
        book = console.book
        due, message = views.due_message(state, now, book, console.actor)
        asked = self.part("#asked", LiveText)
        waiting = views.waiting_questions(state)
        asked.display = bool(waiting)
        if waiting:
            asked.show(views.asked_lines(waiting))
        self.part("#deadlines", LiveText).show(views.deadline_lines(state, now, book, due, console.roster))
        self.part("#template", LiveText).show(message)
        ledger = self.part("#ledger", LiveText)
        ledger.display = bool(state.pages)
        if state.pages:
            ledger.show(views.ledger_lines(state, console.roster, now))
        self.part("#page", LiveText).show(views.page_lines(state, book, console.delivery))


class InvestigatorPane(RolePane):
    HAT, KEYS = INVESTIGATOR, "n hypothesis · f finding"

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield LiveText(id="alerts", markup=False)
            yield LiveText(id="investigation", markup=False)

    def show(self, state: IncidentState, now: datetime) -> None:
        paged = self.part("#alerts", LiveText)
        paged.show(views.alerts(state))
        paged.display = bool(state.alerts)
        self.part("#investigation", LiveText).show(views.investigation(state, cast(Drawn, self.app).investigation))
