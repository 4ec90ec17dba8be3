"""With no open incident: declare one (title, severity, when detected) or open a past one."""

from __future__ import annotations

from functools import partial
from typing import cast

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, Input, OptionList, Static
from textual.widgets.option_list import Option

from warroom.console.dialogs import AnsweredOnce
from warroom.console.fields import AnsweredByEnter, Field, InTurn
from warroom.console.options import Options
from warroom.console.protocol import Console
from warroom.domain import actions
from warroom.domain.actions import RuleBroken
from warroom.domain.model import is_drill
from warroom.domain.policy import paged_roles
from warroom.domain.text import one_line
from warroom.domain.timefmt import TimeError, parse_when
from warroom.store import StoreError


class StartScreen(AnsweredOnce, AnsweredByEnter, InTurn, Screen[str | None]):
    """Dismisses with the code of the incident to open, or None to quit."""

    VERTICAL_BREAKPOINTS = [(0, "-low"), (26, "-tall")]  # -low: a field a row (the stylesheet)

    BINDINGS = [
        # Esc does what the app's ctrl+q does here (the footer shows that one: "Quit" once)
        Binding("escape", "leave", "Quit", tooltip="Leave without declaring (asks first when a field holds text)", id="start.quit",
                show=False),
        Binding("ctrl+t", "app.show_insights", "Insights", tooltip="What the team's incidents say: times, deadlines, levers, follow-ups",
                id="start.insights"),
        *InTurn.TAB_KEYS,
    ]
    FIELDS = ("title", "impact", "impact_began", "public_title", "severity", "detected", "service")
    TYPED_DEFAULTS = {"severity": "P1", "detected": "now"}  # what the fields hold before anything is typed

    def compose(self) -> ComposeResult:
        with Vertical(id="start"):
            yield Static("No incident is open. Declare one:", classes="question", markup=False)
            yield Static("Title (internal: the team's words)", classes="label", markup=False)
            yield Field(placeholder="what is broken, as the page said it", id="title")
            with Horizontal(classes="fields"):
                with Vertical():
                    yield Static("Impact: who or what is affected", classes="label", markup=False)
                    yield Field(placeholder="e.g. logins for every user", id="impact")
                with Vertical(classes="began"):
                    yield Static("Impact began", classes="label", markup=False)
                    yield Field(placeholder="4m before, or a time", id="impact_began")
            with Horizontal(classes="fields"):
                with Vertical():
                    yield Static("Public title (customers)", classes="label", markup=False)
                    yield Field(placeholder="empty: from the impact", id="public_title")
                with Vertical(classes="narrow"):
                    yield Static("Severity", classes="label", markup=False)
                    yield Field(value="P1", placeholder="P0 to P3", id="severity")
                with Vertical(classes="narrow"):
                    yield Static("Detected", classes="label", markup=False)
                    yield Field(value="now", placeholder="now, or 5m ago", id="detected")
                with Vertical():
                    yield Static("Service", classes="label", markup=False)
                    yield Field(placeholder=self._services(), id="service")
            yield Static("", markup=False, id="problem")  # why a declaration was refused: under the fields, on screen at 60×20
            yield Static("Enter declares · Tab: next field · Impact began 4m: 4 min before detection\n"
                         "or pick a past incident below", classes="hint", markup=False)
            unreachable = self._unreachable()
            if unreachable:
                yield Static(unreachable, classes="hint", markup=False, id="unreachable")
            yield Options(id="past")
        yield Footer()

    @property
    def console(self) -> Console:
        return cast(Console, self.app)

    def _unreachable(self) -> str:
        """With a roster: the roles of the matrix that cannot be paged, in one line ("" : all can)."""
        roster = self.console.roster
        if not roster.people:
            return ""
        gaps = [role for role in paged_roles(self.console.book.policy) if roster.gaps(role)]
        return one_line(f"⚠ cannot page: {', '.join(gaps)} (warroom config says why)", 200) if gaps else ""

    def _services(self) -> str:
        known = sorted(self.console.book.runbooks)
        return ("e.g. " + ", ".join(known[:5])) if known else "e.g. checkout"

    SHOWN = 50  # past incidents listed: the newest real ones (drills apart); typing a title narrows them

    MAINTENANCE_SECONDS = 15.0  # how often the maintenance line is read again while the screen waits

    async def on_mount(self) -> None:
        self.query_one("#title", Input).focus()
        await self._list_past("")
        await self.show_maintenance()
        self.set_interval(self.MAINTENANCE_SECONDS, self.show_maintenance, name="maintenance")

    async def show_maintenance(self) -> None:
        """The maintenance running now, if any: its alerts open no incident, so whoever is on
        call must see why nothing opened. Read again now and then: one that starts or ends
        while the screen waits is said, or taken away (its "running until" is not left up)."""
        running = await self.console.maintenance_now()
        if not self.is_attached or self._answered:
            return  # (declared or left meanwhile: the screen is going)
        shown = self.query("#maintenance")
        if shown and running:
            shown.first(Static).update(running)
        elif shown:
            await shown.remove()
        elif running:
            await self.query_one("#start", Vertical).mount(Static(running, classes="hint", markup=False, id="maintenance"),
                                                           before=self.query_one("#past", OptionList))

    async def _list_past(self, text: str) -> None:
        """The newest real incidents whose code, title or service holds `text`: one bounded,
        indexed query (the picker's), never every summary."""
        found, _ = await self.console.find(text, self.SHOWN + 20)
        if self.query_one("#title", Input).value != text:
            return  # typed on meanwhile: that text's list comes next
        real = [s for s in found if not is_drill(s.code)][: self.SHOWN]
        past = self.query_one("#past", OptionList)
        past.clear_options()
        if not real:
            past.add_option(Option("no past incidents like this" if text.strip() else "no past incidents in this database",
                                   disabled=True))
        for state in real:
            label = one_line(f"{state.code}  {state.severity}  {state.status:<13}  {state.title}", 200)
            past.add_option(Option(Content(label), id=state.code))  # Content: a title is never markup

    @on(Input.Changed, "#title")
    def _title_typed(self, event: Input.Changed) -> None:
        # a partial, not a coroutine: one cancelled before it started (the next key) leaves nothing unawaited
        self.run_worker(partial(self._list_past, event.value), group="past", exclusive=True,  # type: ignore[arg-type]  # (Textual runs a partial of a coroutine function; its stub says otherwise)
                        exit_on_error=False)

    def answer(self) -> None:
        """Enter in a field: declare with what the fields hold now. What is typed while it is
        declared waits (a second Enter declared a second incident): for the console it opens,
        or for the fields again when the declaration is refused."""
        value = {name: self.query_one(f"#{name}", Input).value for name in self.FIELDS}
        self.hold_keys()
        self.run_worker(self._declare(value), group="declare", exit_on_error=False)

    async def _declare(self, value: dict[str, str]) -> None:
        app = self.console
        now = app.now()
        try:
            detected = None if value["detected"].strip().lower() in ("", "now") else parse_when(value["detected"], now)
            # the impact's start: a span before the detection (4m), or a time
            began = parse_when(value["impact_began"], detected or now) if value["impact_began"].strip() else None
            draft = actions.declare(app.actor, now, value["title"], value["severity"], detected=detected, impact_started=began,
                                    service=value["service"], impact=value["impact"], public_title=value["public_title"])
            code = await app.declare(draft)  # the one way in: a P0's page publishes by itself
        except (RuleBroken, TimeError, StoreError) as error:
            # said on the form, under what was typed, until the next try: not a notice that
            # stays on over the console once the mended declaration has opened it
            problem = self.query_one("#problem", Static)
            problem.update(f"✗ {one_line(str(error), 300)}")
            problem.add_class("shown")
        else:
            self.dismiss(code)
        finally:
            self.hand_on_keys()

    @on(OptionList.OptionSelected)
    def pick(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_leave(self) -> None:
        """Esc: leave. With something typed, ask first: a half-typed title is not thrown away
        by one key."""
        typed = [name for name in self.FIELDS
                 if self.query_one(f"#{name}", Input).value.strip() not in ("", self.TYPED_DEFAULTS.get(name, ""))]
        if not typed:
            self.dismiss(None)
            return
        from warroom.console.dialogs import Confirm

        def answered(leave: bool | None) -> None:
            if leave:
                self.dismiss(None)

        self.app.push_screen(Confirm(f"Leave without declaring? What you typed ({', '.join(typed)}) is lost.",
                                     yes="Enter/y: leave", no="Esc/n: stay and go on typing"), answered)
