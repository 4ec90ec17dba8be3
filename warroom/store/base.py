"""What every store does, whichever database holds the log: the one way in and out of it.
Callers get domain objects, never rows. A backend (`sqlite`, `postgres`) gives the connection,
its transactions and its dialect through the hooks at the end; everything else is here, once.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from warroom.domain import paging
from warroom.domain.incident import FOLD_VERSION, IncidentState, fold
from warroom.domain.model import DRILL_PREFIX, LEVERS, Event, JsonPayload, Kind, followup_code
from warroom.domain.paging import Page
from warroom.domain.schema import Alert, Declared, HatWorn, Paged, SchemaError, read, typed
from warroom.store import followups as followup_table
from warroom.store import reading, summary
from warroom.store.files import Conflict, StoreError
from warroom.store.outbox import Message, OutboxStore
from warroom.store.reading import SELECT as _SELECT
from warroom.store.reading import Opening, Progress
from warroom.store.reading import row_event as _row_event
from warroom.store.statuspage import StatusPageStore, Subscriber
from warroom.store.tables import SCHEMA_VERSION

_PAGE_GROUP_VERSION = 4  # the SQLite schema that has page_group (PostgreSQL's own version 2 is reported as it)
_FOLLOWUP_KINDS = frozenset((Kind.FOLLOWUP_ADDED, Kind.FOLLOWUP_DONE, Kind.FOLLOWUP_REOPENED, Kind.FOLLOWUP_CHANGED))


@dataclass(frozen=True)
class IncidentRow:
    code: str
    created_at: datetime


@dataclass(frozen=True)
class PageTaken:
    """What a page did: the incident it opened or joined (None: its group has no open incident
    and it opens none, a late "resolved" say), and the events written."""
    code: str | None
    opened: bool = False
    events: list[Event] = field(default_factory=list)
    replay: str = ""  # a PagerDuty incident seen before and resolved since: the code it was (nothing opened)
    held: int = 0  # the maintenance that held it back: it would have opened an incident (its timeline has it)


def _canonical(event: Event) -> str:
    """The payload as every store writes it: JSON, keys sorted, not ASCII-escaped."""
    return json.dumps(dict(event.payload), ensure_ascii=False, sort_keys=True)


def _identity_key(event: Event) -> tuple:
    """What makes two events the same action, wherever they were stored (not the id or code)."""
    return event.at, event.actor, event.role, event.kind, _canonical(event)


def _payload_text(event: Event) -> str:
    """The payload as a store keeps it (`_canonical`). One read from a store is that text
    already (every write made it so) and is kept as it is, not decoded and encoded again: a
    copy of 200,000 events spent a fifth of its time there (issue 26)."""
    payload = event.payload
    return payload.raw if isinstance(payload, JsonPayload) else _canonical(event)


def _same_action(ours: Event, theirs: Event) -> bool:
    """`_identity_key`'s test, its texts compared first (the same text is the same payload)."""
    if (ours.at, ours.actor, ours.role, ours.kind) != (theirs.at, theirs.actor, theirs.role, theirs.kind):
        return False
    return _payload_text(ours) == _payload_text(theirs) or _identity_key(ours) == _identity_key(theirs)


def _recoded(event: Event, code: str) -> Event:
    return Event(code, event.at, event.actor, event.role, event.kind, event.payload)


def _still_so(state: IncidentState, event: Event) -> None:
    """What the event's writer saw is still so, in the incident as it is under the writers'
    lock; else the commit is refused, not silently made over what another wrote meanwhile."""
    said = read(event)
    if isinstance(said, HatWorn):
        _hat_still_free(state, said, event.actor)
    else:
        from warroom.domain.escalation import still_new

        still_new(state, event, said)  # a page acknowledged or escalated once, however many try at once


def _hat_still_free(state: IncidentState, worn: HatWorn, actor: str) -> None:
    """Each hat has one holder, held by the database: a hat is taken from whoever the taker saw
    wearing it (its "from", or nobody). If someone else took it in between, the taker's commit
    is refused (two people pressing `c` at the same moment)."""
    holder = state.holders.get(worn.hat)
    if holder not in (worn.taken_from or None, actor):
        raise Conflict(f"{holder} took the {worn.hat} hat a moment before you; nothing was written")


def _checked_under_lock(event: Event) -> bool:
    """A hat worn, a page acknowledged, a page to the next person of a role: each is checked
    against the incident as it is under the writers' lock (`_still_so`)."""
    if event.kind == Kind.PAGED:
        said = read(event)
        return isinstance(said, Paged) and bool(said.escalated_from)
    return event.kind in (Kind.HAT_WORN, Kind.PAGE_ACKNOWLEDGED)


def _drill(draft: Event) -> bool:
    """Whether a declaration opens a practice incident (a drill's), checked as any event is."""
    said = typed(draft)
    return isinstance(said, Declared) and bool(said.drill)


def _fresh(row: tuple) -> bool:
    """A summary.SELECT row whose summary is of this fold and has seen the incident's last event."""
    return row[2] == FOLD_VERSION and row[3] == (row[11] or 0)


class EventStore(OutboxStore, StatusPageStore):
    """The log and the summaries beside it. `where` names the database in messages (a file, or
    a server's address without its password)."""

    def __init__(self, where: str, read_only: bool = False) -> None:
        self.where, self.read_only = where, read_only
        self.version = SCHEMA_VERSION  # the schema the database is at (an older one is read as it is)
        self._touched: set[int] = set()  # incidents a transaction wrote to: their summaries follow
        self._known_fresh = False  # every summary known to be fresh (see _all_fresh)
        import asyncio  # here, not at the top: `warroom status` reads with `peek` and never loads asyncio

        self._one_transaction = asyncio.Lock()  # tasks sharing this store (a receiver's) take turns
        self._inserted: list[tuple[int, Event]] = []  # (incident, event) a transaction wrote
        self._summarised: set[int] = set()  # incidents a transaction wrote whole, with their summaries (a copy)
        self._folded: dict[int, IncidentState] = {}  # incidents a transaction read whole and folded its events onto
        self._followed_up: set[int] = set()  # incidents a transaction added or changed follow-ups of
        # what the webhooks are told of an event, given the incident after its commit (set by
        # whoever opened the store with webhooks in its config): queued in the same transaction
        self.announcer: Callable[[Event, IncidentState], list[Message]] | None = None
        # what the status page's subscribers are mailed of a publication (its incident's public
        # updates each has not had): queued in the same transaction as the publication
        self.mailer: Callable[[Event, IncidentState, list[Subscriber]], list[Message]] | None = None
        self.progress: Progress | None = None  # told how a summary rebuilt from a whole log goes

    database_id = ""  # the database's own random id (warroom_meta), once opened for writing

    async def page_secret(self) -> str:
        """The database's own secret, which signs its pages' acknowledgement links: made the
        first time it is asked for, then the same for every process that opens the database."""
        sql = "SELECT value FROM warroom_meta WHERE key = 'page_secret'"
        found = await self._fetch(sql)
        if not found:
            import secrets

            async def write() -> list[Event]:
                await self._fetch("INSERT INTO warroom_meta (key, value) VALUES ('page_secret', ?) ON CONFLICT (key) DO NOTHING",
                                  secrets.token_hex(32))
                return []

            await self._transaction(write, announce=False)
            found = await self._fetch(sql)
        return str(found[0][0])

    async def _read_database_id(self) -> None:
        found = await self._fetch("SELECT value FROM warroom_meta WHERE key = 'database_id'")
        self.database_id = found[0][0] if found else ""

    async def _refresh_stale(self) -> None:
        """Summaries missing, behind their log or of another fold version (a database written
        before summaries, or by an older warroom) are rebuilt from the log, once."""
        if await self._all_fresh():
            return
        stale = [row[0] for row in await self._fetch(summary.SELECT) if not _fresh(row)]
        if stale:
            async def write() -> list[Event]:
                for incident_id in stale:
                    await self._refresh(incident_id)
                return []

            await self._transaction(write)

    async def _all_fresh(self) -> bool:
        """Every summary of this fold and caught up with the log (see `reading.FRESHNESS`). Once
        true it stays so while this store is open: every write, this process's or another's,
        keeps its summaries (only a hand-made event or an older warroom would not)."""
        if not self._known_fresh:
            self._known_fresh = reading.all_fresh(await self._fetch(reading.FRESHNESS, FOLD_VERSION))
        return self._known_fresh

    async def _refresh(self, incident_id: int, folded: IncidentState | None = None) -> IncidentState:
        """Fold the events a summary has not seen onto it (all of them, for a missing or stale one);
        `folded`: the incident as this transaction already read it and folded what it wrote."""
        state = folded if folded is not None else await self._state_now(incident_id)
        await self._put_summary(incident_id, summary.row(state))
        return state

    async def _state_now(self, incident_id: int) -> IncidentState:
        """The incident as its log holds it now: its summary and the events after it (the whole
        log for a summary missing or of another fold: `progress` is told how that goes)."""
        found = await self._fetch("SELECT fold_version, last_id, state FROM summary WHERE incident_id = ?", incident_id)
        version, last_id, raw = found[0] if found else (None, 0, None)
        told = None
        if self.progress is not None and version != FOLD_VERSION:
            [(code, total)] = await self._fetch("SELECT (SELECT code FROM incident WHERE id = ?), "
                                                "(SELECT count(*) FROM event WHERE incident_id = ?)", incident_id, incident_id)
            progress = self.progress
            progress(code, 0, total)
            told = lambda done: progress(code, done, total)  # noqa: E731
        return await self._run(reading.tail_fold(incident_id, raw, version, last_id, progress=told))

    async def _run(self, plan: reading.Plan[reading.Result]) -> reading.Result:
        """Carry out one of `reading`'s plans."""
        try:
            query = next(plan)
            while True:
                query = plan.send(await self._fetch(query[0], *query[1]))
        except StopIteration as done:
            return done.value

    async def _scalar(self, sql: str, *args: object) -> int:
        rows = await self._fetch(sql, *args)
        return rows[0][0] if rows else 0

    # -- writing -------------------------------------------------------------------------
    async def declare(self, draft: Event) -> Event:
        """Give a declared event its incident and code (INC-n; DRILL-n for a drill), and commit
        both together."""

        async def write() -> list[Event]:
            number, code = await self._new_incident(None, draft.at, DRILL_PREFIX if _drill(draft) else "INC")
            event = Event(code, draft.at, draft.actor, draft.role, draft.kind, draft.payload)
            return [await self._insert(number, event)]

        return (await self._transaction(write))[0]

    async def _new_incident(self, wanted: str | None, at: datetime, prefix: str = "INC") -> tuple[int, str]:
        """A new incident row: the code wanted if it is free, else the next free INC-n."""
        number = await self._scalar("SELECT coalesce(max(id), 0) + 1 FROM incident")
        taken = {code for (code,) in await self._fetch("SELECT code FROM incident")}
        code = wanted if wanted and wanted not in taken else f"{prefix}-{number}"
        while code in taken:  # an imported incident may hold INC-n already
            number += 1
            code = f"{prefix}-{number}"
        await self._fetch("INSERT INTO incident (id, code, created_at) VALUES (?, ?, ?)", number, code, at.isoformat())
        return number, code

    async def import_incident(self, code: str, events: list[Event], source: str = "the file") -> tuple[str, int]:
        """Bring in an incident exported elsewhere: (its code here, how many events were added).
        The same incident (the same declaration) is not duplicated: only events it lacks are
        added, and an incident that went another way here is refused. A different incident
        holding the code gets the import a new code."""
        placed = (code, 0)

        async def write() -> list[Event]:
            nonlocal placed
            mine = await self._same_incident(events[0])
            if mine is None:
                number, here = await self._new_incident(code, events[0].at)
                placed = here, len([await self._insert(number, _recoded(e, here)) for e in events])
            else:
                number, here = mine
                placed = await self._import_into(number, here, code, events, await self.events(here), source)
            return []

        await self._transaction(write, announce=False)  # old news: no chat message for an import
        return placed

    async def _same_incident(self, declared: Event) -> tuple[int, str] | None:
        return (await self._declared_here([declared])).get(_identity_key(declared))

    async def _declared_here(self, declarations: list[Event]) -> dict[tuple, tuple[int, str]]:
        """Which of these declarations are here already: (number, code) by identity, in one
        query on the declarations' index (never a look at every event)."""
        wanted = [e for e in declarations if e.kind == Kind.DECLARED]
        if not wanted:
            return {}
        marks = ", ".join("?" * len(wanted))
        rows = await self._fetch(f"SELECT i.id, e.id, i.code, e.at, e.actor, e.role, e.kind, e.payload FROM event e "
                                 f"JOIN incident i ON i.id = e.incident_id WHERE e.kind = 'declared' AND e.at IN ({marks})",
                                 *[e.at.isoformat() for e in wanted])
        found: dict[tuple, tuple[int, str]] = {}
        for number, *row in rows:
            event = _row_event(tuple(row))
            found.setdefault(_identity_key(event), (number, event.incident))
        return found

    async def import_many(self, incidents: list[tuple[str, list[Event]]], source: str = "the file") -> list[tuple[str, int] | Exception]:
        """Many incidents in one transaction (a copy of a whole database): for each, (its code
        here, events added), or the error that refused it. Each is checked before anything of it
        is written (one it holds already gets only what it lacks; one that went another way, or
        an event the fold cannot read, is refused and the others go on); the new ones are written
        together, rows in bulk, each with its summary. One commit: if it fails none is kept,
        and never part of one."""
        results: list[tuple[str, int] | Exception] = [StoreError("not copied")] * len(incidents)

        async def write() -> list[Event]:
            here = await self._declared_here([events[0] for _, events in incidents if events])
            new: list[tuple[int, str, list[Event], list]] = []
            held: list[tuple[int, str, list[Event], tuple[int, str]]] = []
            for n, (code, events) in enumerate(incidents):
                try:
                    if not events:
                        raise StoreError(f"{code}: no events to copy")
                    mine = here.get(_identity_key(events[0]))
                    if mine is None:
                        new.append((n, code, events, [typed(event) for event in events]))  # (SchemaError: refused before anything of it is written)
                    else:
                        held.append((n, code, events, mine))
                except (StoreError, SchemaError) as error:
                    results[n] = error
            have = await self.events_of(sorted({there for *_, (_, there) in held}))  # one read, not one an incident
            done: set[str] = set()
            for n, code, events, (number, there) in held:
                try:
                    kept = have[there] if there not in done else await self.events(there)  # (two of the source's as one here)
                    done.add(there)
                    results[n] = await self._import_into(number, there, code, events, kept, source)
                except (StoreError, SchemaError) as error:
                    results[n] = error
            for n, placed in await self._write_new(new):
                results[n] = placed
            return []

        await self._transaction(write, announce=False)  # old news: no chat message for a copy
        return results

    async def _import_into(self, number: int, here: str, code: str, events: list[Event], have: list[Event],
                           source: str) -> tuple[str, int]:
        """An incident held here already (`have`: its events here): the events it lacks (none,
        when it has them all), each checked before any is written."""
        if not all(map(_same_action, have, events)):  # (the shorter's length: one may have gone on)
            raise StoreError(f"{here} in {self.where} and {code} in {source} went different ways; nothing imported")
        lacking = events[len(have):]
        for event in lacking:
            typed(event)  # (SchemaError: refused before anything of it is written)
        return here, len([await self._insert(number, _recoded(e, here)) for e in lacking])

    async def _write_new(self, new: list[tuple[int, str, list[Event], list]]) -> list[tuple[int, tuple[str, int]]]:
        """Incidents new here, in bulk: their rows, their events, their summaries (folded from
        the events in hand, not read back) and the alert groups they opened. Each comes with its
        events' payloads as checked (`typed`), so the alerts among them are not decoded again."""
        if not new:
            return []
        taken = {code for (code,) in await self._fetch("SELECT code FROM incident")}
        number = first = await self._scalar("SELECT coalesce(max(id), 0) + 1 FROM incident")
        incidents, rows, placed = [], [], []
        for n, code, events, said in new:
            here = code
            if here in taken:  # another incident holds the code here: the next free INC-n
                while f"INC-{number}" in taken:
                    number += 1
                here = f"INC-{number}"
            taken.add(here)
            incidents.append((number, here, events[0].at.isoformat()))
            rows += [(number, e.at.isoformat(), e.actor, e.role, e.kind, _payload_text(e)) for e in events]
            placed.append((n, number, here, events, said))
            number += 1
        await self._many("INSERT INTO incident (id, code, created_at) VALUES (?, ?, ?)", incidents)
        await self._many("INSERT INTO event (incident_id, at, actor, role, kind, payload) VALUES (?, ?, ?, ?, ?, ?)", rows)
        ids: dict[int, list[int]] = {}
        for incident_id, event_id in await self._fetch("SELECT incident_id, id FROM event WHERE incident_id >= ? AND incident_id < ? "
                                                       "ORDER BY id", first, number):
            ids.setdefault(incident_id, []).append(event_id)
        summaries, groups, done = [], [], []
        for n, incident_id, here, events, said in placed:
            written = [Event(here, e.at, e.actor, e.role, e.kind, e.payload, event_id) for e, event_id in zip(events, ids[incident_id], strict=True)]
            state = fold(written)
            summaries.append((incident_id, *summary.row(state)))
            if state.followups:
                await self._list_followups(incident_id, state)
            if self.version >= _PAGE_GROUP_VERSION:
                groups += [(alert.source, alert.group, incident_id) for alert in said if isinstance(alert, Alert)]
            self._summarised.add(incident_id)
            self._touched.add(incident_id)  # (a server's consoles are told of it)
            done.append((n, (here, len(events))))
        await self._many(f"INSERT INTO summary ({', '.join(summary.COLUMNS)}) VALUES ({', '.join('?' * len(summary.COLUMNS))})", summaries)
        await self._many("INSERT INTO page_group (source, grp, incident_id) VALUES (?, ?, ?) ON CONFLICT DO NOTHING", groups)
        return done

    async def _list_followups(self, incident_id: int, state: IncidentState) -> None:
        """The incident's follow-ups in the list beside the log: a new one gets the next F-n."""
        if self.version < followup_table.VERSION:
            return
        listed = {number for (number,) in await self._fetch(followup_table.NUMBERS, incident_id)}
        for number, item in enumerate(state.followups, 1):
            if number in listed:
                await self._fetch(followup_table.UPDATE, *followup_table.columns(item), incident_id, number)
            else:
                await self._fetch(followup_table.INSERT, incident_id, number, *followup_table.columns(item))

    async def take_page(self, page: Page, hold: int = 0) -> PageTaken:
        """A page from the alerting, in one transaction under the writers' lock: it joins the
        open incident of its group or, when none is open and it fires, opens one; then what is
        new in it is appended (see `paging`). A hundred pages at once open one incident a group.
        `hold`: a maintenance running over the page's components: a page that would open an
        incident opens none, and goes on that maintenance's timeline instead."""
        taken = PageTaken(None)

        async def write() -> list[Event]:
            nonlocal taken
            found = await self._fetch("SELECT p.incident_id, i.code FROM page_group p JOIN incident i ON i.id = p.incident_id "
                                      "WHERE p.source = ? AND p.grp = ? ORDER BY p.incident_id DESC", page.source, page.group)
            incident_id: int | None = None
            code: str = ""
            state: IncidentState | None = None
            for number, its_code in found:
                state = await self._state_now(number)
                if not state.resolved:
                    incident_id, code = number, its_code
                    break
            written = []
            if incident_id is None and found and page.source == "pagerduty":
                # PagerDuty never fires a resolved incident again (a new one has a new id): the
                # same body sent again is a replay, recorded as such by the receiver, opening nothing
                taken = PageTaken(None, replay=found[0][1])
                return []
            if incident_id is None:
                if not page.firing:
                    return []
                if hold:
                    from warroom.domain.maintenance import HELD_BACK
                    from warroom.domain.text import counted, one_line

                    await self._maintenance_line(hold, page.received, page.source,
                                                 one_line(f"{HELD_BACK}: {page.severity} {page.title}"
                                                          + (f" (service {page.service})" if page.service else "")
                                                          + f" · {counted(len(page.alerts), 'alert')}, group {page.group}", 2000))
                    taken = PageTaken(None, held=hold)
                    return []
                incident_id, code = await self._new_incident(None, page.received)
                written.append(await self._insert(incident_id, _recoded(paging.declaration(page), code)))
                state = fold(written)
            assert state is not None  # (the open incident's, or the new one's)
            for draft in paging.alert_events(state, page):
                written.append(await self._insert(incident_id, _recoded(draft, code)))
            taken = PageTaken(code, len(written) > 0 and written[0].kind == Kind.DECLARED, written)
            return written

        await self._transaction(write)
        return taken

    async def append(self, events: list[Event]) -> list[Event]:
        """Commit events in one transaction; they come back with their ids once on disk."""
        if not events:
            return []

        async def write() -> list[Event]:
            written, ids, states = [], {}, {}
            for event in events:
                if event.incident not in ids:
                    ids[event.incident] = await self._scalar("SELECT id FROM incident WHERE code = ?", event.incident)
                incident_id = ids[event.incident]
                if not incident_id:
                    raise StoreError(f"there is no incident {event.incident}")
                if _checked_under_lock(event) and incident_id not in states:
                    states[incident_id] = await self._state_now(incident_id)  # under the writers' lock
                if incident_id in states:
                    _still_so(states[incident_id], event)
                written.append(await self._insert(incident_id, event))
                if incident_id in states:
                    states[incident_id].apply(written[-1])
            self._folded.update(states)  # the summaries are these states: not read and folded again
            return written

        return await self._transaction(write)

    async def _insert(self, incident_id: int, event: Event) -> Event:
        said = typed(event)  # the store never holds an event the fold cannot read (SchemaError rolls back)
        self._touched.add(incident_id)
        if event.kind in _FOLLOWUP_KINDS:
            self._followed_up.add(incident_id)
        event_id = await self._insert_row(incident_id, event.at.isoformat(), event.actor, event.role, event.kind,
                                          _payload_text(event))
        written = Event(event.incident, event.at, event.actor, event.role, event.kind, event.payload, event_id)
        self._inserted.append((incident_id, written))
        if isinstance(said, Alert) and self.version >= _PAGE_GROUP_VERSION:  # (also when imported or copied)
            await self._fetch("INSERT INTO page_group (source, grp, incident_id) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
                              said.source, said.group, incident_id)
        return written

    async def _transaction(self, write, announce: bool = True) -> list[Event]:
        """Run `write` as one transaction, writers one at a time; the summaries of the incidents
        it wrote to are brought up to date in the same commit, and (`announce`) the webhooks'
        messages about its events are queued in it too."""
        if self.read_only:
            raise StoreError(f"{self.where}: opened read-only: nothing can be written")
        async with self._one_transaction:
            return await self._in_one_go(self._transact(write, announce))

    async def _in_one_go(self, transaction: Coroutine[Any, Any, list[Event]]) -> list[Event]:
        """Run a transaction (`_transact`): here, each statement awaited in turn (a server's
        store); SQLite's runs it whole in its connection's thread."""
        return await transaction

    async def _transact(self, write, announce: bool) -> list[Event]:
        self.check_file()
        await self._begin()
        self._touched.clear()
        self._inserted.clear()
        self._summarised.clear()
        self._folded.clear()
        self._followed_up.clear()
        try:
            written = await write()
            states = {}
            for incident_id in sorted(self._touched - self._summarised):  # the summary moves with its events
                states[incident_id] = await self._refresh(incident_id, self._folded.get(incident_id))
            for incident_id in sorted(self._followed_up - self._summarised):  # and the follow-ups' list
                await self._list_followups(incident_id, states[incident_id])
            if announce and self.announcer is not None:
                for incident_id, event in self._inserted:
                    await self._queue(incident_id, event, self.announcer(event, states[incident_id]), event.at)
            if announce and self.mailer is not None and any(e.kind == Kind.PUBLISHED for _, e in self._inserted):
                subscribers = await self.subscribers()
                for incident_id, event in self._inserted:
                    if event.kind == Kind.PUBLISHED and subscribers:
                        await self._queue(incident_id, event, self.mailer(event, states[incident_id], subscribers),
                                          event.at, once=True)
            await self._commit()
        except BaseException as error:
            await self._rollback()
            told = self._told(error)
            if told is not error:
                raise told from None
            raise
        return written

    # -- reading -------------------------------------------------------------------------
    async def incidents(self) -> list[IncidentRow]:
        """Every incident, newest first."""
        rows = await self._fetch("SELECT code, created_at FROM incident ORDER BY id DESC")
        return [IncidentRow(code, datetime.fromisoformat(created)) for code, created in rows]

    async def incidents_after(self, after_id: int) -> list[tuple[int, str]]:
        """(number, code) of the incidents declared after incident number `after_id`, oldest
        first: how a console hears of a new one (a page) without reading the others."""
        return [(number, code) for number, code in
                await self._fetch("SELECT id, code FROM incident WHERE id > ? ORDER BY id", after_id)]

    async def paging_incidents(self) -> list[str]:
        """The codes of the incidents not resolved that paged someone: where an escalation may be due."""
        rows = await self._fetch(
            "SELECT i.code FROM incident i JOIN summary s ON s.incident_id = i.id WHERE s.resolved IS NULL "
            "AND EXISTS (SELECT 1 FROM event e WHERE e.incident_id = i.id AND e.kind = 'paged') ORDER BY i.id")
        return [code for (code,) in rows]

    async def followups(self, today: date, drills: bool = False) -> list[followup_table.Row]:
        """Every real incident's follow-ups (the drills' instead, with `drills`): open ones
        first, newest incident first (`today` says which are overdue)."""
        self._has_followups()
        sql = followup_table.SELECT_DRILLS if drills else followup_table.SELECT
        return [followup_table.row(found, today) for found in await self._fetch(sql)]

    async def followup(self, number: int, today: date) -> followup_table.Row | None:
        """The follow-up F-`number`, if there is one."""
        self._has_followups()
        found = await self._fetch(followup_table.BY_ID, number)
        return followup_table.row(found[0], today) if found else None

    async def followup_codes(self, code: str) -> dict[int, str]:
        """An incident's follow-ups' codes here, by their number in the incident."""
        if self.version < followup_table.VERSION:
            return {}
        return {number: followup_code(key) for number, key in await self._fetch(followup_table.OF_INCIDENT, code)}

    async def overdue_followups(self, today: date) -> int:
        """How many follow-ups of real incidents are open past their due day."""
        self._has_followups()
        return await self._scalar(followup_table.OVERDUE, today.isoformat())

    def _has_followups(self) -> None:
        if self.version < followup_table.VERSION:
            raise StoreError(f"{self.where}: written by an older warroom, and opened read-only: its follow-ups "
                             "are not listed until a warroom that can write to it opens it once")

    async def event_count(self) -> int:
        """How many events the database holds, every incident's."""
        return await self._scalar("SELECT count(*) FROM event")

    async def events_of(self, codes: list[str]) -> dict[str, list[Event]]:
        """Several incidents' events, each in log order, in one read (a copy reads a batch)."""
        found: dict[str, list[Event]] = {code: [] for code in codes}
        if codes:
            rows = await self._fetch(f"{_SELECT} WHERE i.code IN ({', '.join('?' * len(codes))}) ORDER BY e.incident_id, e.id", *codes)
            for row in rows:
                event = _row_event(row)
                found[event.incident].append(event)
        return found

    async def events(self, code: str, after_id: int = 0) -> list[Event]:
        """One incident's events in log order, optionally only those after an id."""
        rows = await self._fetch(f"{_SELECT} WHERE i.code = ? AND e.id > ? ORDER BY e.id", code, after_id)
        return [_row_event(row) for row in rows]

    async def opening(self, code: str, levers: tuple[str, ...] = LEVERS) -> Opening:
        """An incident to show, from its summary and what came after it (see `reading.opening`)."""
        opened = await self._run(reading.opening(code, levers, summaries=self.version >= 2))
        if opened is None:
            raise StoreError(f"there is no incident {code}")
        return opened

    async def page(self, code: str, **where) -> list[Event]:
        """A window of an incident's timeline (see `reading.page` for the ways to ask)."""
        return await self._run(reading.page(code, **where))

    async def events_after(self, after_id: int) -> list[Event]:
        """Every incident's events after an id: how one console follows what others wrote."""
        rows = await self._fetch(f"{_SELECT} WHERE e.id > ? ORDER BY e.id", after_id)
        return [_row_event(row) for row in rows]

    async def load(self, code: str, levers: tuple[str, ...] = LEVERS) -> IncidentState:
        events = await self.events(code)
        if not events:
            raise StoreError(f"there is no incident {code}")
        return fold(events, levers)

    async def summaries(self, levers: tuple[str, ...] = LEVERS) -> list[summary.Summary]:
        """Every incident's summary, newest first, read from the summaries beside the log (a
        read-only database whose summaries are behind folds those incidents instead)."""
        if self.version < 2:  # read-only, from before summaries: fold the logs
            return [summary.Summary.of(state) for state in await self.states(levers)]
        if await self._all_fresh():
            rows = await self._fetch(summary.SELECT_FRESH)
            return [summary.from_columns(*row) for row in rows]
        found = []
        for row in await self._fetch(summary.SELECT):
            if _fresh(row):
                found.append(summary.from_columns(row[1], *row[4:11]))
            else:
                found.append(summary.Summary.of(await self.load(row[1], levers)))
        return found

    async def states_since(self, since: datetime, drills: bool = False, levers: tuple[str, ...] = LEVERS) -> list[IncidentState]:
        """The real incidents (or the drills) detected from about `since` on, each as its summary
        holds it (its folded state without the events): what insights are drawn from, one query
        and no log read. (Detection times are compared as text, a day early: callers filter exactly.)"""
        from datetime import UTC, timedelta

        early = (since.astimezone(UTC) - timedelta(days=1)).isoformat()
        drill = f"substr(i.code, 1, {len(DRILL_PREFIX) + 1}) {'=' if drills else '<>'} '{DRILL_PREFIX}-'"
        if self.version >= 2 and await self._all_fresh():
            rows = await self._fetch(f"SELECT s.state FROM summary s JOIN incident i ON i.id = s.incident_id "
                                     f"WHERE s.detected >= ? AND {drill}", early)
            return [summary.decode(bytes(raw), levers) for (raw,) in rows]
        return [state for state in await self.states(levers) if bool(state.drill) == drills]

    async def find(self, text: str = "", limit: int = 50, levers: tuple[str, ...] = LEVERS) -> tuple[list[summary.Summary], int]:
        """The incidents whose code, title or service holds `text` (any case), open ones first,
        then newest first: (at most `limit` of them, how many there are in all). One query on
        the summaries; the picker asks again on each key typed."""
        wanted = text.strip().casefold()
        if self.version >= 3 and await self._all_fresh():
            rows = await self._fetch(summary.FIND, wanted, limit)
            count = await self._scalar(summary.FIND_COUNT if wanted else "SELECT count(*) FROM incident", *([wanted] if wanted else []))
            return [summary.from_columns(*row) for row in rows], count
        found = [s for s in summary.ordered(await self.summaries(levers)) if wanted in summary.searched(s)]
        return found[:limit], len(found)

    async def states(self, levers: tuple[str, ...] = LEVERS) -> list[IncidentState]:
        """Every incident folded, newest first."""
        return [await self.load(row.code, levers) for row in await self.incidents()]

    async def open_codes(self) -> list[str]:
        """The open incidents, newest first, found in SQL without folding any of them."""
        return await self._run(reading.open_codes(summaries=self.version >= 2))

    async def current_code(self, preferred: str | None = None) -> str | None:
        """`preferred` if it is an open incident, else the most recent open incident, or None."""
        return reading.current(await self.open_codes(), preferred)

    # -- what each backend gives ---------------------------------------------------------------
    async def close(self) -> None:
        raise NotImplementedError

    async def _fetch(self, sql: str, *args: object) -> list[tuple]:
        """Rows of a query written with `?` for its parameters."""
        raise NotImplementedError

    async def _insert_row(self, incident_id: int, at: str, actor: str, role: str, kind: str, payload: str) -> int:
        """Insert one event row; its id."""
        raise NotImplementedError

    async def _put_summary(self, incident_id: int, columns: tuple) -> None:
        """Write (or replace) an incident's summary row: summary.row's columns."""
        raise NotImplementedError

    async def _many(self, sql: str, rows: list[tuple]) -> None:
        """One statement for many rows, in bulk (nothing when there are none)."""
        raise NotImplementedError

    async def _begin(self) -> None:
        """Begin a write transaction, writers one at a time."""
        raise NotImplementedError

    async def _commit(self) -> None:
        raise NotImplementedError

    async def _rollback(self) -> None:
        """Roll back, quietly (the error that caused it is the one to tell)."""
        raise NotImplementedError

    def _told(self, error: BaseException) -> BaseException:
        """The error to raise for one from the database (a StoreError saying what it means)."""
        return error

    def changed(self) -> bool:
        """Might another process have committed since the last call? (Cheap: twice a second.)"""
        return True

    listens = False  # True: `notifications()` wakes a follower on each commit, no asking needed
    server = False  # True: a database server, which can be away for a while and come back

    async def notifications(self):
        """Yield once listening, then once for each commit anyone makes (a backend that `listens`)."""
        raise NotImplementedError
        yield  # (an async generator)

    def check_file(self) -> None:
        """Refuse to go on when what was opened is no longer what is there."""
