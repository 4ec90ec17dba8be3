"""The warroom console app: holds the store, the clock and the incident state; screens draw it.

Every action goes through `commit`: the store appends and commits the events, and only then
does the state take them in and the screen show them. `catch_up` also takes in what other
processes wrote, so two consoles on one database agree.
"""

from __future__ import annotations

import asyncio
import gc
from collections.abc import Callable, Coroutine
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from textual.app import SystemCommand
from textual.binding import Binding
from textual.driver import Driver
from textual.timer import Timer

from warroom import styles  # type: ignore[attr-defined]  # (the top-level styles/ folder, mapped in by the build)
from warroom.config import Config
from warroom.config.environment import remember_worked
from warroom.console.clipboard import copy, default_ways
from warroom.console.keys import KEYS
from warroom.console.palette import Palettes
from warroom.console.screen import ConsoleScreen, size_classes
from warroom.console.themes import HIGH_CONTRAST_THEME
from warroom.domain import schema
from warroom.domain.incident import fold
from warroom.domain.model import INVESTIGATOR, Event, Kind
from warroom.domain.playbook import DEFAULT, Playbook
from warroom.domain.policy import OVERDUE
from warroom.domain.roster import Roster
from warroom.domain.schema import SchemaError
from warroom.domain.text import counted, one_line
from warroom.store import CommitUnknown, Conflict, Opening, StoreError, open_store
from warroom.store.reading import INVESTIGATION_SHOWN, RECENT

if TYPE_CHECKING:  # (the store proper and the service are imported behind the first frame)
    from warroom.service import Service
    from warroom.store import EventStore

FOLLOW_SECONDS = 0.5  # how often a console looks for events other processes wrote
RECONNECT_SECONDS = 1.0  # while a server is away, how often the console tries it again


def _settle_memory() -> None:
    """Once the first frame or an incident is on screen, move everything alive now (Textual's
    widgets, the incident's events) out of the cyclic garbage collector's sight, and make sure
    the collector runs (`run_console` keeps it off until the first frame). Its full collections
    otherwise walk all of it every few hundred milliseconds of use, a 25 ms pause that a key
    press lands on now and then (benchmarks/key_to_disk.py: p99 55 → 35 ms)."""
    gc.freeze()
    gc.enable()


NOT_USED = "a key typed as a question opened was not used: press it again"  # (two lines of a toast at 60×20)


class WarroomApp(Palettes):
    """Returns None on a normal quit, or the one-line reason it could not run."""

    CSS_PATH = str(Path(styles.__file__).with_name("warroom.tcss"))  # inside the installed package
    TITLE = "warroom"
    BINDINGS = [Binding("ctrl+q", "quit", "Quit", tooltip="Quit; every action is already saved", id="quit", priority=True)]

    def __init__(self, db_path: Path | str, clock: Callable[[], datetime], actor: str, code: str | None = None,
                 clipboard: list | None = None, bell: bool = True, alerts: bool = True, read_only: bool = False,
                 opened: Opening | None = None, book: Playbook = DEFAULT, theme_name: str = "textual-dark",
                 config=None, drill=None) -> None:
        super().__init__()
        self.drill = drill  # the scenario of a drill being played (warroom drill), else None
        self._injected: set[int] | None = None  # the drill's injects already on the timeline
        self._scored = False  # the drill's scorecard was shown
        self.config = config or Config(Path("defaults"), found=False)  # the whole config: status page, webhooks
        self.register_theme(HIGH_CONTRAST_THEME)
        self.theme = theme_name
        self.book = book  # the team's matrix, templates, lever names and runbooks
        # who is paged for what; a drill pages nobody (its notifications are ticked by hand, as
        # practice) unless its scenario says `page = true`: then each page says DRILL first
        self.roster = self.config.roster if drill is None or drill.page else Roster()
        self.page_components = self.config.status_page.components
        self.db_path, self.now, self.actor, self.code = db_path, clock, actor, code
        self.clipboard_ways = clipboard if clipboard is not None else default_ways(self._osc52)
        self.bell_on, self.alerts_on = bell, alerts
        self.alerted: set[str] | None = None  # overdue deadlines already announced
        self.store: EventStore | None = None
        self.state = fold([], book.levers)  # nothing yet; the levers carry the team's names
        self._catching_up = asyncio.Lock()
        self._one_flow = asyncio.Lock()
        self.questions_asked = 0  # questions the flows asked: keys typed before one opened are not console keys
        self._following = False
        self.read_only = read_only
        self.trouble = ""  # why nothing more can be saved (file removed or replaced), once known
        self.away = ""  # why the server cannot be reached, while it cannot (the console reconnects)
        self.crashed = ""  # the one line for an unforeseen error, once there was one
        self.opened = opened  # the incident read before start-up, for the first frame
        self.investigation: list[Event] = []  # the newest findings and hypotheses (the investigator's pane)
        self.followup_codes: dict[int, str] = {}  # the incident's follow-ups' codes (F-n), by number, once read
        if opened is not None:  # held from the start, so the screen draws it in its very first frame
            self.code, self.state, self.investigation = opened.code, opened.state, opened.investigation
        self._store_ready = asyncio.Event()
        self._follow_timer: Timer | None = None  # asks the store for news twice a second, where it cannot listen
        self._listening = False  # the store's notifications wake the console
        self._mounted = asyncio.Event()
        self._newest_incident = 0  # the highest incident number seen: a higher one is news (a page)
        self._page_watch: Timer | None = None  # with no incident open, looks for a page once a second
        self.delivery = ""  # how the webhooks stand, for the communicator's pane ("" : all sent)
        self.service: Service | None = None  # every write goes through it, once the store is open
        self._unmounted = False  # the console has quit (a store that opens now is closed at once)
        self._pausing = False  # a drill's pause or go-on is being written (`pause_drill`)

    def get_driver_class(self) -> type[Driver]:
        """Textual's terminal driver with an input thread that does not wake when nothing came
        (`driver.QuietDriver`); any other (Windows, or one named in TEXTUAL_DRIVER) as Textual picks it."""
        chosen = super().get_driver_class()
        if (chosen.__module__, chosen.__qualname__) == ("textual.drivers.linux_driver", "LinuxDriver"):  # (not importable on Windows)
            from warroom.console.driver import QuietDriver

            return QuietDriver
        return chosen

    def get_default_screen(self) -> ConsoleScreen:
        return ConsoleScreen(classes=size_classes(*self.size))  # (its layout's classes from the start)

    @property
    def main_screen(self) -> ConsoleScreen:
        """The console screen is always at the bottom of the stack."""
        return self.screen_stack[0]  # type: ignore[return-value]  # (the default screen, pushed first, is a ConsoleScreen)

    def redraw(self) -> None:
        """The console screen's time-driven parts, now. Not once the app is closing: a timer or
        the deliverer may still call as its screens go (a teardown in CI raised IndexError)."""
        if self.screen_stack:
            self.main_screen.tick()

    async def on_mount(self) -> None:
        """Open the store behind the first frame (the console shows what was read before start-up):
        once it is drawn, so opening it (aiosqlite's thread, the schema check, the file watch) does
        not delay it. A key pressed before then waits for the store (`_store_ready`)."""
        self.call_after_refresh(self._open_store_later)
        self.call_after_refresh(_settle_memory)

    def _open_store_later(self) -> None:
        self.run_worker(self._open_store(), group="store", exit_on_error=False)

    async def on_console_screen_ready(self, _: ConsoleScreen.Ready) -> None:
        """The console screen is composed: show the incident read before start-up, if any."""
        if self.opened is not None:
            await self._show_incident(self.opened, first_frame=True)
            self.opened = None
        self._mounted.set()

    async def _open_store(self) -> None:
        from warroom.service import Service

        try:
            self.store = await open_store(self.db_path, read_only=self.read_only)
            if self._unmounted:  # the console quit while it opened: on_unmount found nothing to close
                await self.store.close()
                return
            self.read_only = self.store.read_only
            self.service = Service(self.store, self.config, self.now, tell=self._told,
                                   later=self._after_commit)
            if self.config.sends and not self.read_only:
                from warroom.integrations.webhooks import arm

                await arm(self.store, self.config)  # queued with each commit: the webhooks' messages, pages
                self.run_worker(self._deliver(), group="deliver", exit_on_error=False)
            self._store_ready.set()
            if self.store.listens:
                self._listening = True
                self._ask_for_news(False)
                self.run_worker(self._listen(), group="listen", exit_on_error=False)
            self._newest_incident = max((n for n, _ in await self.store.incidents_after(0)), default=0)
            await self._mounted.wait()
            if self.state.declared:
                await self.catch_up()  # whatever was written between the peek and now
                self.redraw()
                return
            code = self.code or await self.store.current_code()
        except StoreError as error:
            self.exit(str(error))
            return
        if code is None:
            from warroom.console.start import StartScreen

            self.push_screen(StartScreen(), self._opened)
            self._page_watch = self.set_interval(1.0, self._look_for_pages, name="page watch")
        else:
            await self.open_incident(code)

    async def _opened(self, code: str | None) -> None:
        if self._page_watch is not None:
            self._page_watch.stop()
            self._page_watch = None
        if code is None:
            self.exit()
        else:
            await self.open_incident(code)

    async def open_incident(self, code: str) -> None:
        assert self.store is not None
        try:
            opened = await self.store.opening(code, self.book.levers)
        except StoreError as error:
            self.exit(str(error))
            return
        await self._show_incident(opened)

    async def _show_incident(self, opened: Opening, first_frame: bool = False) -> None:
        """Show an incident. For the first frame the app holds it since start-up and the screen
        drew its top in its own on_mount, and mounts and draws the panes right after that frame."""
        async with self._catching_up:
            screen = self.main_screen
            if not first_frame:  # (for the first frame the screen drew the top, and draws the panes as they come)
                self.code, self.state, self.investigation = opened.code, opened.state, opened.investigation
                screen.show([], reset=True)
            self.alerted = None
            self.followup_codes = {}
            if self.state.followups:
                self._learn_followup_codes()
            self.alert_overdue()  # what is overdue as it opens is the baseline: only deadlines passing from now ring
            self.call_after_refresh(_settle_memory)
        remember_worked(self.db_path, opened.code)
        state = self.state
        if state.drill and self.drill is None and not state.resolved and state.drill_clock is not None:
            self.warn(f"{state.code} is a drill on its own clock; here its times are real time's. "
                      f"To play on: ctrl+q, then warroom drill --resume {state.code}")
        if not self._following:
            self._following = True
            self.set_interval(1, self.tick, name="tick")
            self._ask_for_news(not self._listening)  # a store that listens says when anyone commits: no asking
            if self.drill is not None:
                self.set_interval(0.25, self._run_drill, name="drill")  # injects on time at a fast clock

    def _ask_for_news(self, ask: bool) -> None:
        """Ask the store for others' commits on a timer (`follow`), or stop asking."""
        if ask and self._follow_timer is None:
            self._follow_timer = self.set_interval(FOLLOW_SECONDS, self.follow, name="follow")
        elif not ask and self._follow_timer is not None:
            self._follow_timer.stop()
            self._follow_timer = None

    def tick(self) -> None:
        """Once a second: the screen's time-driven parts, and a bell for a deadline just passed."""
        if not self.screen_stack:
            return  # the app is closing: the timer fired once more as its screens went
        self.redraw()
        self.alert_overdue()

    async def page(self, code: str, **where) -> list[Event]:
        """A window of an incident's timeline, for the timeline as it scrolls."""
        await self.store_ready()
        if self.store is None:
            return []
        try:
            return await self.store.page(code, **where)
        except StoreError as error:
            self.warn(str(error))
            return []

    async def on_unmount(self) -> None:
        self._unmounted = True  # (a store still opening is closed as soon as it is open: `_open_store`)
        if self.store is not None:
            await self.store.close()

    # -- writing and following --------------------------------------------------------------
    async def ask(self, question):
        """Every question a flow asks comes through here (a modal screen, and its answer), so
        `start` can tell type-ahead."""
        self.questions_asked += 1
        self._hand_on_typed_ahead(question)
        return await self.push_screen_wait(question)

    def _hand_on_typed_ahead(self, question: object | None = None) -> None:
        """The keys typed after a flow's key (held by the console's screen, see `holds`): into
        its question when that question takes text (a finding, a note, a name); dropped, and
        the person told, when it is answered by a key (y or n, a choice: a key meant for
        another question must not answer it); the console's own keys when the flow ends
        without a question (c then 1: the hat, then the lever)."""
        screen = self.main_screen if self._screen_stack else None
        held = screen.let_go() if isinstance(screen, ConsoleScreen) else []
        if not held:
            return
        from warroom.console.dialogs import HandedTypeAhead

        if isinstance(question, HandedTypeAhead):
            question.typed_ahead = tuple(held)
        elif question is not None:
            self.warn(NOT_USED)
        else:
            from warroom.console.fields import type_again

            type_again(self, held)

    async def declare(self, draft: Event) -> str:
        """The start screen's declaration, through the service (a P0's page publishes by itself)."""
        await self.store_ready()
        if self.service is None:
            raise StoreError("the database is not open")
        return (await self.service.declare(draft)).incident

    async def history(self, since: datetime) -> list:
        """The real incidents detected since then, as their summaries hold them (the insights)."""
        await self.store_ready()
        if self.store is None:
            return []
        return await self.store.states_since(since, levers=self.book.levers)

    async def action_quit(self) -> None:
        """ctrl+q: quit, since every action is saved already. A declaration typed on the start
        screen is not saved yet: there ctrl+q asks first, as Esc does (twice leaves)."""
        from warroom.console.start import StartScreen

        if isinstance(self.screen, StartScreen):
            self.screen.action_leave()
            return
        await super().action_quit()

    def action_help_quit(self) -> None:
        """ctrl+c closes nothing (Textual's way: in a field it copies); it says how to leave and,
        as a tired person wants to know before leaving, whether anything would be lost."""
        from warroom.console.start import StartScreen

        self.notify("ctrl+q quits (nothing is declared until Enter)" if isinstance(self.screen, StartScreen)
                    else "ctrl+q quits: every action is saved already", title="Do you want to quit?", markup=False)

    def action_show_insights(self) -> None:
        """The insights screen: the start screen's ctrl+t, and the command palette."""
        from warroom.console.insights import InsightsScreen

        self.push_screen(InsightsScreen())

    async def maintenance_now(self) -> str:
        """One line on the maintenance running now, for the start screen ("" when none): an
        alert for its components opens no incident, so the person on call must know."""
        from warroom.domain.maintenance import HELD_BACK

        await self.store_ready()
        if self.store is None:
            return ""
        try:
            now = self.now()
            running = [m for m in await self.store.maintenances(since=now) if m.running(now)]
            held = [sum(line.text.startswith(HELD_BACK) for line in await self.store.maintenance_log(m.number))
                    for m in running]
        except StoreError:
            return ""
        return "  ".join(one_line(f"⚠ maintenance {m.code} running until {m.ends:%H:%M} UTC on {', '.join(m.components)}: its alerts open "
                                  f"no incident ({n} held back; warroom maintenance --show {m.code})", 200)
                         for m, n in zip(running, held, strict=True))

    async def find(self, text: str, limit: int):
        """The picker's search: incidents whose code, title or service holds `text`."""
        await self.store_ready()
        if self.store is None:
            return [], 0
        try:
            return await self.store.find(text, limit, self.book.levers)
        except StoreError as error:
            self.warn(str(error))
            return [], 0

    def on_console_screen_flow_asked(self, asked: ConsoleScreen.FlowAsked) -> None:
        from warroom.console.flows import FLOWS  # not needed for the first frame

        self.start(FLOWS[asked.name](self, *asked.args), asked.questions_before)

    def on_console_screen_pause_asked(self, _: ConsoleScreen.PauseAsked) -> None:
        self.pause_drill()

    async def store_ready(self) -> None:
        """Wait until the store, opened behind the first frame, can be used."""
        await self._store_ready.wait()

    async def commit(self, drafts: list[Event]) -> bool:
        """Append to the store; the screen shows the events only once they are committed."""
        if not drafts:
            return True
        await self.store_ready()
        if self.service is None:
            return False
        try:  # through the service: it commits, then wakes the deliverer and, for a P0, publishes (off this path)
            written = await self.service.append(drafts, self.state.severity if self.state.code == drafts[0].incident else None)
        except (StoreError, SchemaError) as error:
            self.warn(str(error) if isinstance(error, CommitUnknown) else f"NOT SAVED: {error}")
            if isinstance(error, Conflict):
                await self.catch_up()  # show what came first
            return False
        if not await self._take_own(written):
            await self.catch_up()
        return True

    async def _take_own(self, written: list[Event]) -> bool:
        """Show what this console just committed without reading it back, when nothing can have
        come between: in one SQLite file ids follow commit order, so events whose ids follow
        the last one seen leave no one else's event unseen. Otherwise (a server's ids need not
        follow commits; another writer came first) False: the caller reads (`catch_up`).
        The read was a fifth of a hat key's time (issue 26)."""
        if self.store is None or self.store.server or not written:
            return False
        async with self._catching_up:
            first = self.state.last_id + 1
            if any(event.incident != self.code for event in written) or \
                    [event.id for event in written] != list(range(first, first + len(written))):
                return False
            self._take_in(written)
        return True

    def _after_commit(self, effect: Coroutine) -> None:
        """The service's after-commit effects, off a key's path; what they wrote (a P0's
        publication) is on the screen as soon as they are done."""
        async def then_catch_up() -> None:
            await effect
            await self.catch_up()

        self.run_worker(then_catch_up(), group="after", exit_on_error=False)

    def _told(self, line: str, warning: bool = False) -> None:
        """What the service says after a commit (a P0's page published, or not)."""
        (self.warn if warning else self.say)(line)

    async def publish_page(self) -> None:
        """The communicator's key: the status page now, and the publication on the timeline."""
        from warroom.integrations.outward import folder

        config = self.config
        if self.service is None or not self.code:
            return
        try:
            shown = await self.service.publish(self.actor, "by hand", [self.code])
        except StoreError as error:
            self.warn(f"NOT PUBLISHED: {error}")
            return
        await self.catch_up()
        if self.state.drill:
            self.say("drill: publishing practised and recorded; the public page is never written for a drill")
        else:
            self.say(f"status page published: {counted(len(shown), 'incident')} in {folder(config) / 'index.html'}")

    async def _deliver(self) -> None:
        """The webhooks' messages, sent in the background: never on a key's path."""
        from warroom.integrations.webhooks import deliver_forever, paging_of

        def told(line: str) -> None:
            if line != self.delivery:
                self.delivery = line
                self.redraw()

        assert self.store is not None and self.service is not None  # (started once they are)
        paging = paging_of(self.config)
        escalate = self.service.escalate if self.drill is None else None  # (it pages nobody without [people])
        await deliver_forever(self.store, self.config.webhooks, self.now, self.service.woken, told, paging, escalate)

    async def _listen(self) -> None:
        """Catch up each time the store says someone committed (a server's notice, or the system's
        that the file was written). When a server goes away, say so at
        the top (writes are refused until it is back), try again every second, and once it
        answers, catch up on everything missed before saying it is back."""
        while self.store is not None:
            try:
                async for _ in self.store.notifications():
                    if await self.catch_up() and self.away:
                        self._back()
                    await self._look_for_pages()
            except StoreError as error:
                if not self.store.server:  # a file that can no longer be watched: ask on the timer
                    self.warn(str(error))
                    self._listening = False
                    self._ask_for_news(self._following)
                    return
                self._went_away(str(error))
            await asyncio.sleep(RECONNECT_SECONDS)

    def _went_away(self, why: str) -> None:
        if not self.away:
            self.away = why
            self.warn(f"{one_line(why, 300)}: reconnecting; nothing can be saved until it is back")
            self.redraw()

    def _back(self) -> None:
        self.away = ""
        self.say("the server is back: caught up on everything written meanwhile")
        self.redraw()

    async def follow(self) -> None:
        """Twice a second: catch up only when the database files show a commit (or are gone)."""
        if self.store is not None and self.store.changed():
            await self.catch_up()
            await self._look_for_pages()  # (another process's news: not on a key's own path)

    async def catch_up(self) -> bool:
        """Take in every event after the last one seen, whoever wrote it, in log order (False:
        the database could not be read)."""
        if self.store is None or not self.code:
            return True
        async with self._catching_up:
            try:
                self.store.check_file()
            except StoreError as error:
                if not self.trouble:
                    self.trouble = str(error)
                    self.notify(one_line(self.trouble, 500), severity="error", markup=False, timeout=30)
                    self.redraw()
                return False
            try:
                new = await self.store.events(self.code, after_id=self.state.last_id)
            except StoreError as error:
                if self.store.server:
                    self._went_away(str(error))
                else:
                    self.warn(str(error))
                return False
            if new:
                self._take_in(new)
        return True

    def _learn_followup_codes(self) -> None:
        """Read the incident's follow-ups' codes (the store gives them as they are committed),
        then show them: off the key's path."""
        async def learn() -> None:
            await self.store_ready()
            code = self.code
            if self.store is None or code is None:
                return
            codes = await self.store.followup_codes(code)
            if code == self.code and self.screen_stack:
                self.followup_codes = codes
                self.main_screen.show_followups()

        self.run_worker(learn(), group="followups", exclusive=True, exit_on_error=False)

    def _take_in(self, new: list[Event]) -> None:
        """Fold events that follow the state's onto it, and show them."""
        if any(event.kind == Kind.FOLLOWUP_ADDED for event in new):
            self._learn_followup_codes()
        if self.drill is not None and self._injected is not None:  # an inject a facilitator fired is not fired again
            from warroom.drills import injects

            self._injected |= injects.done(self.state, new)
        for event in new:
            self.state.apply(event)
            self._follow_facilitator(event)
            self._tell_handoff(event)
            self._tell_alert(event)
            self._tell_page(event)
            if event.kind == Kind.FINDING_REPORTED or (event.kind == Kind.NOTE and event.role == INVESTIGATOR):
                self.investigation.append(event)
        del self.state.events[:-RECENT], self.investigation[:-INVESTIGATION_SHOWN]  # the rest is read when shown
        if self.screen_stack:  # (not while the app closes: its screens are gone)
            self.main_screen.show(new)

    async def _look_for_pages(self) -> None:
        """An incident a page opened since the last look rings the bell and says so (the picker,
        `p`, offers it); with no incident on screen, it is opened as the page."""
        if self.store is None:
            return
        try:
            found = await self.store.incidents_after(self._newest_incident)
            for number, code in found:
                self._newest_incident = max(self._newest_incident, number)
                opened = await self.store.opening(code, self.book.levers)
                if not opened.state.paged_by or opened.state.resolved:
                    continue
                if self.bell_on:
                    self.bell()
                state = opened.state
                if not self.code:  # nothing on screen: this is what the person is here for
                    self.warn(f"PAGED by {state.paged_by}: {code} {state.severity} {state.title}: opened")
                    start = next((s for s in self.screen_stack if type(s).__name__ == "StartScreen"), None)
                    if start is not None:
                        start.dismiss(code)  # (which opens it)
                    else:
                        await self.open_incident(code)
                    return
                self.warn(f"PAGED by {state.paged_by}: {code} {state.severity} {state.title} (p switches to it)")
        except StoreError as error:
            self.warn(str(error))

    def _tell_page(self, event: Event) -> None:
        """A page acknowledged, or passed on to the next person of its role, by another process
        (the link, PagerDuty, a deliverer): said at once, as the ledger changes."""
        if event.kind not in (Kind.PAGE_ACKNOWLEDGED, Kind.PAGED) or event.actor == self.actor:
            return
        said = schema.read(event)
        if isinstance(said, schema.PageAcknowledged):
            from warroom.domain.describe import describe

            self.say(describe(event))
        elif isinstance(said, schema.Paged) and said.escalated_from:
            self.warn(f"{said.escalated_from} did not acknowledge: paged {said.person} ({said.role})")

    def _tell_alert(self, event: Event) -> None:
        """News from the monitoring about this incident: a new alert firing, or one resolved
        (which never resolves the incident: the commander does)."""
        alert = schema.read(event)
        if not isinstance(alert, schema.Alert):
            return
        status, name = alert.status, alert.name
        if status == "resolved":
            self.say(f"alert resolved: {name} (the incident stays open until the commander resolves it)")
        elif status == "firing":
            self.warn(f"alert firing: {name}")

    async def _run_drill(self) -> None:
        """Once a second of a drill: what the scenario injects now, and the scorecard once the
        incident is resolved."""
        from warroom.drills import injects

        state = self.state
        if not state.drill or self.store is None:
            return
        if state.resolved:
            if not self._scored and not self._one_flow.locked() and len(self.screen_stack) == 1:
                self._scored = True  # (once the resolution's flow is done: its resolution notice counts)
                self.show_scorecard()
            return
        if getattr(self.now, "paused", False):
            return
        if self._injected is None:
            self._injected = injects.done(state, state.events)  # (then each one taken in: `_take_in`)
        due = injects.due(self.drill, state, self.now(), self._injected)
        if due:
            self._injected |= injects.done(state, due)
            await self.commit(due)

    def show_scorecard(self) -> None:
        from warroom.console.dialogs import Help
        from warroom.drills import scorecard

        card = scorecard(self.state, self.now(), self.book.policy, self.config.path.parent, scenario=self.drill)
        self.push_screen(Help(f"DRILL {self.state.code}: {self.state.drill}\n\n{card.text()}\n\n"
                              f"(again later: warroom drill --score {self.state.code})"))

    def pause_drill(self) -> None:
        """Space: the drill's clock stands still, or goes on; each on the timeline (the
        scorecard counts the players' pauses past two minutes)."""
        from warroom.domain import practice

        clock = self.now
        pause = getattr(clock, "pause", None)
        if not self.state.drill or pause is None:
            self.warn("space pauses a drill's clock; this is not a drill")
            return
        if self._pausing:  # (space twice: the clock and the timeline must not go apart)
            self.say("a moment: the last pause or go-on is still being written; space again then")
            return
        paused = pause()
        now, state = clock(), self.state
        if paused:
            drafts = practice.pause(state, self.actor, now) if state.paused_at is None else []
        else:
            drafts = practice.resume(state, self.actor, now, getattr(clock, "last_pause", None) or timedelta()) \
                if state.paused_at is not None else []
        self.say("drill paused: its clock stands still (space goes on)" if paused else "the drill goes on")
        if drafts:
            self._pausing = True
            self.run_worker(self._write_pause(drafts), group="pause", exit_on_error=False)
        self.redraw()

    async def _write_pause(self, drafts: list[Event]) -> None:
        """A pause or a go-on committed; not saved, the clock goes back to what the timeline says."""
        try:
            if not await self.commit(drafts):
                getattr(self.now, "pause", lambda: None)()
                self.redraw()
        finally:
            self._pausing = False

    def _follow_facilitator(self, event: Event) -> None:
        """A drill's facilitator paused it, or let it go on: this console's clock does the same."""
        if event.kind not in (Kind.DRILL_PAUSED, Kind.DRILL_RESUMED) or event.actor == self.actor:
            return
        said = schema.read(event)
        pause = getattr(self.now, "pause", None)
        if pause is None or not isinstance(said, schema.DrillPaused | schema.DrillResumed) or said.by != "facilitator":
            return
        if isinstance(said, schema.DrillPaused) != bool(getattr(self.now, "paused", False)):
            pause()
            getattr(self.now, "agree", lambda state: None)(self.state)  # (to the timeline's time, not the moment seen)
            self.say(f"the facilitator {'paused the drill: its clock stands still' if self.now.paused else 'let the drill go on'}")  # type: ignore[attr-defined]  # (a drill's clock)

    def _tell_handoff(self, event: Event) -> None:
        """In a team, a hat taken from someone is news for both of them; a hat freed (its wearer
        called away, in a drill) is news for everyone."""
        worn = schema.read(event)
        if isinstance(worn, schema.HatFreed):
            who = "You are" if worn.who == self.actor else f"{worn.who} is"
            self.warn(f"{who} called away: the {worn.hat} hat is free. Take it ({worn.hat[0]}) or hand it over")
            return
        if not isinstance(worn, schema.HatWorn) or not worn.taken_from:
            return
        hat, given_by = worn.hat, worn.taken_from
        if event.actor == self.actor:
            self.say(f"You are now the {hat} (handed over from {given_by})")
        elif given_by == self.actor:
            self.warn(f"{event.actor} is now the {hat}: you no longer wear that hat")

    def start(self, flow: Coroutine, questions_before: int | None = None) -> None:
        """Run a key's flow as a worker, so it can wait on questions without blocking the screen.

        Flows run one at a time, in the order of their keys, so a fast `i` `f` reports the
        finding as the investigator. The keys typed after a flow's key are held for its
        question (`_hand_on_typed_ahead`); a flow asked for some other way (the palette, two
        at once) while the one before opened a question was meant for that question, not the
        console (`t` `1` would pull a lever nobody meant to pull): it is dropped, and the
        person is told."""
        if questions_before is None:
            questions_before = self.questions_asked

        async def in_turn() -> None:
            try:
                async with self._one_flow:
                    if self.questions_asked != questions_before:
                        self.warn(NOT_USED)
                        return
                    await flow
            finally:
                flow.close()  # a flow never started (dropped, or the console closing) is closed, not left
                self._hand_on_typed_ahead()  # (none held once it asked a question)

        self.run_worker(in_turn(), group="flow", exit_on_error=False)

    async def _on_key(self, event) -> None:
        """A key that no screen took. While the console closes there is no screen left to ask
        about it: it is dropped, not an error. While a flow's question may be opening, the
        console's screen holds it for that question (`_hand_on_typed_ahead`)."""
        if not self._screen_stack:
            event.prevent_default()  # (Textual's own handler, next in line, would ask for a screen)
        elif isinstance(self.screen, ConsoleScreen) and self.screen.holds(event):  # (the console's screen is the bottom one: on top, no question is up)
            event.prevent_default()  # (not a console key: no binding)

    def _handle_exception(self, error: Exception) -> None:
        """An error nobody foresaw ends the console as Textual would, but the traceback (with its
        local variables: incident text, names) goes to a crash log only its owner can read, and
        the person gets one line naming it (`run_console` prints it; exit status 1)."""
        from warroom.config.environment import crash_line

        self._return_code = 1
        if self._exception is None:  # the test pilot re-raises it, so tests still see it
            self._exception = error
            self._exception_event.set()
        self.crashed = crash_line(error)
        self._close_messages_no_wait()

    def on_worker_state_changed(self, event) -> None:
        from textual.worker import WorkerState

        if event.state == WorkerState.ERROR:
            self.warn(f"that did not work: {one_line(str(event.worker.error), 200)}")

    # -- copying and alerting ----------------------------------------------------------------
    def _osc52(self, text: str) -> bool:
        if self.is_headless:
            return False
        self.copy_to_clipboard(text)
        return True

    def copy_text(self, text: str) -> str | None:
        """Copy through the clipboard chain; the name of the way that took it, or None."""
        return copy(text, self.clipboard_ways)

    def alert_overdue(self) -> None:
        """One bell and one notification per deadline as it passes (not again after a restart).
        Either can be turned off; the countdown turns to OVERDUE regardless."""
        now = self.now()
        overdue = {d.id: f"OVERDUE: {d.label}" for d in self.book.deadlines(self.state, now) if d.status == OVERDUE}
        if self.state.pages and self.roster.people:  # a role whose every person was paged, and nobody answered
            from warroom.domain.escalation import unanswered

            overdue.update({f"unanswered:{role}": f"nobody acknowledged: {role}" for role in unanswered(self.state, self.roster, now)})
        if self.alerted is None:
            self.alerted = set(overdue)
            return
        passed = [(key, said) for key, said in overdue.items() if key not in self.alerted]
        if passed and self.bell_on:
            self.bell()  # one bell, however many deadlines passed in the same second
        for key, said in passed:
            self.alerted.add(key)
            if self.alerts_on:
                self.warn(f"⚠ {said}")

    # -- telling the person -----------------------------------------------------------------
    def say(self, message: str) -> None:
        self.notify(one_line(message, 500), markup=False)

    def warn(self, message: str) -> None:
        self.notify(one_line(message, 500), severity="warning", markup=False, timeout=8)

    def get_system_commands(self, screen):
        yield from super().get_system_commands(screen)
        yield SystemCommand("Insights", "What the team's incidents say: times, deadlines, levers, follow-ups", self.action_show_insights)
        if isinstance(screen, ConsoleScreen):
            for binding in KEYS:  # each says its key, so the palette teaches the keys
                yield SystemCommand(binding.description, f"{binding.key_display or binding.key} · {binding.tooltip}",
                                    lambda action=binding.action: screen.run_action(action))
