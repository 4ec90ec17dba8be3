"""The one way in for every write.

Every door — the console and its start screen, each command, `warroom receive`, a drill's
injects, `warroom copy` — writes through a `Service`: it commits through the store, and then
runs every after-commit effect in one place, so no door can forget one:

- the outbox's deliverer is woken (the webhooks' messages were queued in the same commit);
- a P0 whose page-worthy state changed republishes the status page by itself (the matrix);
- what happened is told to the person once, in one line (`tell`).

The console runs the effects off the key's path (`later`: a worker); a command awaits them,
and before it exits sends what it queued (`deliver_queued`, bounded in time). Neither the
domain nor the store imports this module; it imports no Textual and no aiohttp at load.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from datetime import datetime
from typing import Any

from warroom.config import Config
from warroom.domain import schema
from warroom.domain.errors import WarroomError
from warroom.domain.model import SYSTEM, Event
from warroom.domain.public import AUTOMATIC
from warroom.domain.schema import PublishedHow
from warroom.domain.text import one_line
from warroom.store import EventStore, StoreError
from warroom.store.base import PageTaken

DELIVER_BEFORE_EXIT = 3.0  # seconds a command may spend sending what it queued before it exits


def _quiet(line: str, warning: bool = False) -> None:
    return None


class Service:
    """Writes through `store` and runs the after-commit effects for `config`'s team."""

    def __init__(self, store: EventStore, config: Config | None, clock: Callable[[], datetime],
                 tell: Callable[..., None] = _quiet, later: Callable[[Coroutine[Any, Any, None]], None] | None = None) -> None:
        """`tell(line, warning=False)`: a line for the person (the console's notification, a
        command's stderr, the receiver's log). `later(effect)`: run an effect off the caller's
        path (the console: a worker); without it, effects are awaited before a write returns."""
        self.store, self.config, self.now = store, config, clock
        self.tell, self.later = tell, later
        self.woken = asyncio.Event()  # set after each commit: the outbox's deliverer waits on it
        self._phases: frozenset | None = None  # the maintenance windows' phases at the last look (maintenance_edges)

    # -- the writes ------------------------------------------------------------------------
    async def declare(self, draft: Event) -> Event:
        """A new incident: its code is given by the store."""
        event = await self.store.declare(draft)
        await self._after([event])
        return event

    async def append(self, drafts: list[Event], severity: str | None = None) -> list[Event]:
        """Actions on incidents, in one transaction. `severity`: the incident's before these
        (when the caller knows it), so the page is looked at only when it may change."""
        written = await self.store.append(drafts)
        await self._after(written, severity)
        return written

    async def take_page(self, page) -> PageTaken:
        """A page from the alerting (see `store.take_page`). During a maintenance of one of its
        components, a page that would open an incident opens none: the maintenance's timeline
        has it."""
        from warroom.domain.maintenance import covering, page_components

        hold = 0
        config = self._config()
        if config.status_page.components:
            touched = page_components(page, config.status_page.components, config.status_page.services)
            running = covering(await self.store.maintenances(since=page.received), touched, page.received)
            hold = running.number if running is not None else 0
        taken = await self.store.take_page(page, hold=hold)
        if taken.held:
            self.tell(f"a page during maintenance MW-{taken.held} opened no incident: {one_line(page.title, 120)}")
        await self._after(taken.events)
        return taken

    async def import_incident(self, code: str, events: list[Event], source: str = "") -> tuple[str, int]:
        """An incident from an export or another database: (its code here, events added). An
        import tells nobody and publishes nothing: it is history, not news."""
        return await self.store.import_incident(code, events, source)

    async def import_many(self, incidents: list[tuple[str, list[Event]]], source: str = "") -> list[tuple[str, int] | Exception]:
        """Many incidents in one commit (a copy of a whole database): for each, (its code here,
        events added) or why it was refused. History, not news, as one import."""
        return await self.store.import_many(incidents, source)

    async def escalate(self) -> int:
        """Page the next person of each role whose page went unacknowledged for the roster's
        `acknowledge_within` (wherever delivery runs: a console, `warroom receive`, `warroom
        deliver`). Once, even with several running: the store checks each under its lock, and
        the one that comes second is refused and skipped. How many were paged."""
        from warroom.domain.escalation import NotPaged, escalations
        from warroom.domain.model import is_drill

        config = self._config()
        if not config.roster.people:
            return 0
        paged = 0
        for code in await self.store.paging_incidents():
            if is_drill(code):
                continue
            state = (await self.store.opening(code, config.book.levers)).state
            due = escalations(state, config.roster, self.now())
            if not due:
                continue
            try:
                await self.append(due, state.severity)
            except NotPaged:
                continue  # another deliverer paged them a moment before
            paged += len(due)
            for said in (schema.read(event) for event in due):
                if isinstance(said, schema.Paged):
                    self.tell(f"{code}: {said.escalated_from} did not acknowledge in time: paged {said.person} ({said.role})",
                              warning=True)
        return paged

    async def publish(self, actor: str, how: PublishedHow, codes: list[str]) -> list[str]:
        """The status page now, and each publication on its incident's timeline (see
        `integrations.outward.publish`); the codes of the incidents the page shows."""
        from warroom.integrations.outward import publish

        shown = await publish(self.store, self._config(), self.now(), actor, how, codes)
        self.woken.set()
        return shown

    # -- the status page's own: maintenance and subscribers ---------------------------------
    async def schedule(self, planned):
        """A maintenance kept and announced: the page is written again at once (its banner)."""
        kept = await self.store.schedule(planned)
        self.woken.set()  # (its subscribers' mail, queued with it)
        await self._republish()
        return kept

    async def cancel_maintenance(self, number: int, actor: str, reason: str = "") -> bool:
        done = await self.store.cancel_maintenance(number, actor, self.now(), reason)
        if done:
            self.woken.set()
            await self._republish()
        return done

    async def maintenance_edges(self) -> bool:
        """Write the page again when a maintenance has started or ended since the last look (a
        static page says "Under maintenance" only once written after the start); the first look
        writes it when one runs or ended lately. True if it wrote. Never raises."""
        from datetime import timedelta

        now = self.now()
        try:
            near = await self.store.maintenances(since=now - timedelta(days=1))
        except StoreError:
            return False
        phases = frozenset((m.number, m.running(now), m.announced(now)) for m in near)
        if self._phases is None:  # the first look: the page may be from before a start or an end
            due = any(m.running(now) or not m.announced(now) for m in near)
        else:
            due = phases != self._phases
        self._phases = phases
        if due:
            await self._republish()
        return due

    async def _republish(self) -> None:
        """The page again, as it is (no incident's timeline is told: nothing of theirs changed)."""
        from warroom.integrations.outward import folder, write_page

        try:
            await write_page(self.store, self._config(), folder(self._config()), self.now())
        except StoreError as error:
            self.tell(f"the status page was not written again: {one_line(str(error), 300)}", warning=True)

    # -- after each commit -----------------------------------------------------------------
    async def _after(self, written: list[Event], severity: str | None = None) -> None:
        if not written:
            return
        self.woken.set()
        if self.config is not None and self.config.followups.create and _new_followups(written):
            if self.later is not None:
                self.later(self._file_followups(_new_followups(written)))
            else:
                await self._file_followups(_new_followups(written))
        if self.config is None or not _may_change_a_p0(written, severity):
            return
        if self.later is not None:
            self.later(self._publish_if_due(written))
        else:
            await self._publish_if_due(written)
        if self.config.roster.people and _made_a_p0(written):
            if self.later is not None:
                self.later(self._page_p0(written))
            else:
                await self._page_p0(written)

    async def _page_p0(self, written: list[Event]) -> None:
        """The matrix's P0 column is automatic: a P0 (declared, or raised to P0) pages the roles
        of its notify deadlines by itself, each role once."""
        from warroom.domain.escalation import NotPaged, page
        from warroom.domain.model import is_drill
        from warroom.domain.policy import NOTIFY
        from warroom.domain.templates import page_text

        config = self._config()
        for code in dict.fromkeys(e.incident for e in written):
            if is_drill(code):
                continue
            state = (await self.store.opening(code, config.book.levers)).state
            rules = config.book.policy.get(state.severity)
            if state.severity != AUTOMATIC or rules is None:
                continue
            now = self.now()
            for rule in rules.rules:
                roles = [r for r in rule.roles if not any(p.role == r and p.deadline == rule.id and not p.test for p in state.pages)]
                if rule.met_by != NOTIFY or not roles:
                    continue
                missing = [r for r in roles if r not in config.roster.roles]
                if missing:
                    self.tell(f"{code} is a P0, and [roles] names nobody for {', '.join(missing)}: tick it by hand", warning=True)
                    roles = [r for r in roles if r not in missing]
                    if not roles:
                        continue
                try:
                    text = page_text(state, now, SYSTEM, config.book.policy, config.book.templates)
                    drafts = page(state, SYSTEM, now, config.roster, roles, text, deadline=rule.id)
                    await self.append(drafts, state.severity)
                except NotPaged as why:
                    self.tell(f"{code} is a P0, and {rule.label.removeprefix('notify ')} could not be paged: {why}", warning=True)
                except StoreError as error:
                    self.tell(f"{code}: the P0's pages were not sent: {one_line(str(error), 300)}", warning=True)
                else:
                    self.tell(f"{code} is a P0: paged {', '.join(roles)} by itself (the matrix)")

    async def _file_followups(self, added: list[Event]) -> None:
        """The team's hook, once for each new follow-up (not a drill's); the URL it prints is
        recorded as the follow-up's link. The follow-up is written already: a hook that fails
        or hangs is one line, and leaves it as it is."""
        from warroom.domain import followups
        from warroom.integrations import filing

        config = self._config()
        for event in added:
            said = schema.read(event)
            state = (await self.store.opening(event.incident, config.book.levers)).state
            number = followups.number_of(state, event)
            if number is None or not isinstance(said, schema.FollowupAdded):
                continue
            code = (await self.store.followup_codes(event.incident)).get(number, f"{event.incident} #{number}")
            values = {"title": said.text, "owner": said.owner, "due": said.due, "code": code, "incident": event.incident,
                      "body": f"{said.text}\n\nA follow-up of {event.incident} ({state.title}), owned by {said.owner}"
                              + (f", due {said.due}" if said.due else "") + f". In warroom: {code}."}
            filed = await filing.run(config.followups.create, values, config.followups.timeout)
            if filed.error:
                self.tell(f"{code} is written; its hook failed: {filed.error}", warning=True)
                continue
            if not filed.link:
                self.tell(f"{code}: the follow-up hook ran, and printed no link")
                continue
            try:
                state = (await self.store.opening(event.incident, config.book.levers)).state
                await self.append(followups.change(state, SYSTEM, self.now(), number, link=filed.link, hat=False),
                                  state.severity)
            except (WarroomError, StoreError) as error:
                self.tell(f"{code}: filed at {filed.link}, but the link was not recorded: {one_line(str(error), 200)}",
                          warning=True)
            else:
                self.tell(f"{code}: filed at {filed.link}")

    async def _publish_if_due(self, written: list[Event]) -> None:
        from warroom.integrations.outward import after_commit

        try:
            if await after_commit(self.store, self._config(), written, self.now()):
                self.tell("status page published by itself (P0)")
        except StoreError as error:
            self.tell(f"the status page was not published: {one_line(str(error), 300)}", warning=True)

    def _config(self) -> Config:
        if self.config is None:
            from pathlib import Path

            return Config(Path("defaults"), found=False)
        return self.config

    async def deliver_queued(self, seconds: float = DELIVER_BEFORE_EXIT) -> int:
        """Send what the writes queued for the webhooks, for at most `seconds` (a command does
        this before it exits, so a script at 3 a.m. tells the team's channel). Never raises;
        the number of messages still waiting, which a later run, a console or `warroom deliver`
        sends."""
        config = self._config()
        if not config.sends or not self.woken.is_set():
            return 0
        try:
            if not any(hook.waiting for hook in await self.store.waiting(self.now())):
                return 0  # the writes wanted no message (a note, say): no HTTP client is loaded
        except StoreError:
            return 0  # the outbox cannot be read now: what it holds waits for the next deliverer
        from warroom.integrations.webhooks import deliver_due, paging_of

        try:
            import aiohttp

            async with asyncio.timeout(seconds):
                async with aiohttp.ClientSession() as session:
                    await deliver_due(self.store, config.webhooks, self.now, session, paging_of(config))
        except (TimeoutError, StoreError, OSError):
            pass
        try:
            return sum(hook.waiting for hook in await self.store.waiting(self.now()))
        except StoreError:
            return 0  # (as above)


def _may_change_a_p0(written: list[Event], severity: str | None) -> bool:
    """Whether these events could change a P0's public page: unknown severity (look), a P0, or
    an event that makes one."""
    if severity is None or severity == AUTOMATIC:
        return True
    return any(isinstance(said := schema.read(e), schema.Declared | schema.SeverityChanged) and said.severity == AUTOMATIC
               for e in written)


def _new_followups(written: list[Event]) -> list[Event]:
    """The follow-ups these events added, of real incidents (a drill's files nothing)."""
    from warroom.domain.model import Kind, is_drill

    return [e for e in written if e.kind == Kind.FOLLOWUP_ADDED and not is_drill(e.incident)]


def _made_a_p0(written: list[Event]) -> bool:
    """Whether these events declared a P0 or raised one to P0 (its pages go out by themselves)."""
    return any(isinstance(said := schema.read(e), schema.Declared | schema.SeverityChanged) and said.severity == AUTOMATIC
               for e in written)
