"""The facilitator's console (issue 29): `warroom drill --facilitate DRILL-4`, a second console on
the drill's database (another tmux pane, or another machine on PostgreSQL) for whoever runs the
exercise: the script with each inject's time, condition and state; keys to fire an inject now,
to play an executive or a customer or report a finding as it goes, to pause the clock for
everyone, and to note observations for the review. It keeps the players' time from the drill's
declaration (its clock's speed and start) and the pauses on its timeline. Every write goes
through the service, as every door's does."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Footer, Static

from warroom import styles  # type: ignore[attr-defined]  # (the top-level styles/ folder, mapped in by the build)
from warroom.console.palette import Palettes
from warroom.domain.text import one_line
from warroom.domain.timefmt import clock_text, t_plus

REFRESH_SECONDS = 0.5
ASKED = {"e": ("exec", "The executive asks (as VP Engineering):"), "c": ("customer", "The customer writes:"),
         "i": ("finding", "A finding reported to the commander:"), "o": ("observation", "Your observation, for the review:")}


class FacilitatorApp(Palettes):
    """The script and its keys. `real`: the real clock (a test moves it)."""

    TITLE = "warroom facilitator"
    CSS_PATH = str(Path(styles.__file__).with_name("warroom.tcss"))  # the console's dialogs look the same here
    CSS = """
    #top { height: 2; background: $panel; padding: 0 1; }
    #script { height: auto; padding: 0 1; }
    #recent { height: 1fr; padding: 0 1; color: $text-muted; }
    #top, #script, #recent { text-wrap: nowrap; text-overflow: ellipsis; }  /* a line each, cut with … (at 80×24 they wrapped into the next) */
    """
    BINDINGS = [
        Binding("space", "pause", "Pause / go on", tooltip="Pause the drill's clock for everyone, or let it go on"),
        Binding("f", "fire", "Fire inject", tooltip="Fire one of the script's injects now, whatever its time"),
        Binding("e", "ask('e')", "Executive", tooltip="Play an executive: a question for the communicator"),
        Binding("c", "ask('c')", "Customer", tooltip="Play a customer: a report that must be answered"),
        Binding("i", "ask('i')", "Finding", tooltip="Report a finding to the commander"),
        Binding("o", "ask('o')", "Observe", tooltip="An observation for the scorecard and the review"),
        Binding("ctrl+q", "quit", "Quit", priority=True),
    ]

    def __init__(self, db_path: Path | str, code: str, scenario: Any, actor: str, real: Callable[[], datetime],
                 config: Any = None) -> None:
        super().__init__()
        self.db_path, self.code, self.scenario, self.actor, self.real, self.config = db_path, code, scenario, actor, real, config
        self.store: Any = None
        self.service: Any = None
        self.state: Any = None

    def compose(self) -> ComposeResult:
        yield Static("opening the drill…", id="top", markup=False)
        with VerticalScroll():
            yield Static("", id="script", markup=False)
            yield Static("", id="recent", markup=False)
        yield Footer()

    async def on_mount(self) -> None:
        from warroom.service import Service
        from warroom.store import StoreError, open_store

        try:
            self.store = await open_store(self.db_path)
        except StoreError as error:
            self.exit(str(error))
            return
        self.service = Service(self.store, self.config, self.drill_now)
        await self.look()
        self.set_interval(REFRESH_SECONDS, self.look, name="look")

    async def on_unmount(self) -> None:
        if self.store is not None:
            await self.store.close()

    def drill_now(self) -> datetime:
        """The drill's time as the players' console has it (the real time where it cannot be known)."""
        from warroom.drills.clock import drill_now

        real = self.real()
        return (drill_now(self.state, real) if self.state is not None else None) or real

    async def look(self) -> None:
        """Read the drill as it stands (its summary and newest events) and draw it. A database
        that cannot be read now is said on the top line; the next look tries again."""
        from warroom.store import StoreError

        if self.store is None or not self.screen_stack:
            return
        try:
            opened = await self.store.opening(self.code)
        except StoreError as error:
            self.query_one("#top", Static).update(f"cannot read the drill now: {one_line(str(error), 200)}")
            return
        self.state = opened.state
        self.draw()

    def draw(self) -> None:
        state, now = self.state, self.drill_now()
        self.query_one("#top", Static).update(_top_line(state, now, self.scenario))
        self.query_one("#script", Static).update(_script_lines(self.scenario, state, now))
        self.query_one("#recent", Static).update(_recent_lines(state))

    # -- the keys ---------------------------------------------------------------------------
    async def action_pause(self) -> None:
        from warroom.domain import practice
        from warroom.drills.clock import stood

        state, now = self.state, self.drill_now()
        if state is None:
            return
        if state.paused_at is None:
            drafts = practice.pause(state, self.actor, now, "facilitator")
        else:  # (its own pause, or the players': how long it stood is on the timeline either way)
            drafts = practice.resume(state, self.actor, now, stood(state, self.real()), "facilitator")
        await self.write(drafts)

    def action_fire(self) -> None:
        self.run_worker(self._fire(), group="ask", exclusive=True, exit_on_error=False)

    def action_ask(self, key: str) -> None:
        self.run_worker(self._ask(key), group="ask", exclusive=True, exit_on_error=False)

    async def _fire(self) -> None:
        from warroom.console.dialogs import Ask

        answer = await self.push_screen_wait(Ask(f"Fire which inject now? (1 to {len(self.scenario.injects)})", placeholder="a number"))
        if not answer or not answer.strip().isdigit():
            return
        from warroom.drills import injects

        written = injects.fire(self.scenario, self.state, int(answer.strip()), self.drill_now())
        if not written:
            self.notify(f"inject #{one_line(answer, 6)} is written already, waits for its lever, or is not in the script",
                        severity="warning")
            return
        await self.write(written)

    async def _ask(self, key: str) -> None:
        from warroom.console.dialogs import Ask
        from warroom.drills import injects

        kind, question = ASKED[key]
        text = await self.push_screen_wait(Ask(question, placeholder="in their words"))
        if text and text.strip():
            await self.write(injects.ad_hoc(self.state, kind, one_line(text, 2000), self.drill_now()))

    async def write(self, drafts: list) -> None:
        from warroom.domain.errors import WarroomError

        try:
            await self.service.append(drafts, self.state.severity)
        except WarroomError as error:
            self.notify(one_line(str(error), 200), severity="error")
        await self.look()


def _script_lines(scenario: Any, state: Any, now: datetime) -> str:
    """Each inject: its number, time, kind, condition, and how it stands."""
    from warroom.drills import injects

    written = injects.done(state, state.events)
    skipped = injects.skipped(state.events)
    lines = [f"the script of {scenario.name}: {len(scenario.injects)} injects (f fires one now)"]
    for number, inject in enumerate(scenario.injects, 1):
        due = (state.detected + inject.at) if state.detected else None
        if number in skipped:
            where = "skipped (its condition did not hold)"
        elif number in written:
            where = "fired"
        elif inject.kind == "lever":
            where = f"once lever {inject.lever} is pulled"
        elif due is not None and due > now:
            where = f"in {clock_text(due - now)}"
        else:
            where = "due now"
        when = f"  when {inject.when.text}" if inject.when else ""
        what = one_line(inject.text or f"{inject.outcome}", 40)
        lines.append(f"  #{number:<2} T+{clock_text(inject.at):<8} {inject.kind:<8} {where:<24}{when}  {what}")
    return "\n".join(lines)


def _recent_lines(state: Any) -> str:
    from warroom.domain.describe import describe

    origin = state.detected
    lines = ["the timeline, newest last:"]
    for event in state.events[-12:]:
        lines.append(f"  {t_plus(event.at, origin) if origin else '':>9} {one_line(event.actor, 24):<24} {one_line(describe(event), 120)}")
    return "\n".join(lines)


def _top_line(state: Any, now: datetime, scenario: Any) -> str:
    paused = "  ⏸ PAUSED (space goes on)" if state.paused_at is not None else ""
    elapsed = t_plus(now, state.detected) if state.detected else ""
    return (f"FACILITATING {state.code}: {scenario.name}  {elapsed}  {state.status.upper()}{paused}\n"
            f"players' pauses: {clock_text(timedelta(seconds=state.paused_by_players))}  ·  "
            f"hats: " + ", ".join(f"{hat} {state.holders.get(hat, '—')}" for hat in ("commander", "communicator", "investigator")))

