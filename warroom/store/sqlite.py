"""The event log on one SQLite file, through aiosqlite. Appends only; nothing is updated.

Durability: WAL with synchronous=FULL, so an event is on disk when `append` returns: a
`kill -9` loses nothing the caller was told about, and a power loss loses nothing either
(FULL syncs the WAL on every commit).
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from warroom.domain.incident import FOLD_VERSION, IncidentState, fold
from warroom.domain.model import LEVERS, Event
from warroom.domain.schema import check
from warroom.store import reading, summary
from warroom.store.files import (
    BUSY_TIMEOUT_MS, SQLITE_HEADER, StoreError, describe_sqlite_error, identity, prepare_file, read_uri, writable,
)
from warroom.store.reading import SELECT as _SELECT, Opening, row_event as _row_event
from warroom.store.tables import MIGRATIONS, SCHEMA_VERSION, TABLE_COLUMNS, check_version


@dataclass(frozen=True)
class IncidentRow:
    code: str
    created_at: datetime


def peek(path: Path, code: str | None = None, preferred: str | None = None,
         levers: tuple[str, ...] = LEVERS) -> Opening | None:
    """A quick synchronous read before the console's event loop starts, so its first frame
    already shows the incident: the one asked for, else `preferred` if it is open, else the
    newest open one; None when there is none. Reads the incident's summary and what came after
    it, never the whole log. Writes nothing and creates nothing (a file not there gives None)."""
    path = Path(path).expanduser()
    try:
        if not path.is_file() or path.stat().st_size == 0:
            return None
        with path.open("rb") as handle:
            if handle.read(16) != SQLITE_HEADER:
                raise StoreError(f"{path}: not a warroom database (the file is not SQLite)")
    except OSError as error:
        raise StoreError(f"{path}: cannot read the database ({error.strerror or error})") from None
    try:
        db = sqlite3.connect(read_uri(path), uri=True, timeout=BUSY_TIMEOUT_MS / 1000)
        try:
            version = db.execute("PRAGMA user_version").fetchone()[0]
            check_version(path, version, db.execute("SELECT count(*) FROM sqlite_master").fetchone()[0],
                          db.execute(TABLE_COLUMNS).fetchall())
            if version < 1:
                return None  # Store.open makes it first
            if code is None:
                codes = reading.run(db, reading.open_codes(summaries=version >= 2))
                code = preferred if preferred in codes else (codes[0] if codes else None)
            if code is None:
                return None
            return reading.run(db, reading.opening(code, levers, summaries=version >= 2))
        finally:
            db.close()
    except sqlite3.Error as error:
        raise describe_sqlite_error(path, error) from None


def _aiosqlite():
    """aiosqlite (and asyncio with it) is imported when a store opens, not before: the
    status line reads synchronously with `peek` and starts faster without them."""
    import aiosqlite

    return aiosqlite


def _identity_key(event: Event) -> tuple:
    """What makes two events the same action, wherever they were stored (not the id or code)."""
    return event.at, event.actor, event.role, event.kind, json.dumps(dict(event.payload), ensure_ascii=False, sort_keys=True)


def _recoded(event: Event, code: str) -> Event:
    return Event(code, event.at, event.actor, event.role, event.kind, event.payload)


def _fresh(row: tuple) -> bool:
    """A summary.SELECT row whose summary is of this fold and has seen the incident's last event."""
    return row[2] == FOLD_VERSION and row[3] == (row[11] or 0)


class Store:
    """The one way in and out of the database. Callers get domain objects, never SQL rows."""

    def __init__(self, path: Path, db, read_only: bool = False) -> None:  # db: an aiosqlite.Connection
        self.path, self._db, self.read_only = path, db, read_only
        self.version = SCHEMA_VERSION
        self._touched: set[int] = set()  # incidents a transaction wrote to: their summaries follow
        self._identity = identity(path)
        self._signature: list | None = None
        self._known_fresh = False  # every summary known to be fresh (see _all_fresh)

    @classmethod
    async def open(cls, path: Path | str, read_only: bool = False) -> "Store":
        """Open (creating it if need be) the database. Read-only when asked, or when the file
        cannot be written: then it can be read and reviewed, and every append is refused."""
        path = Path(path).expanduser()
        if not read_only:
            prepare_file(path)
            read_only = not writable(path)
        elif not path.is_file():
            raise StoreError(f"{path}: no database here to read")
        try:
            if read_only:
                uri = read_uri(path)
                db = await _aiosqlite().connect(uri, uri=True, isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000)
            else:
                db = await _aiosqlite().connect(str(path), isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000)
        except sqlite3.Error as error:
            raise describe_sqlite_error(path, error) from None
        store = cls(path, db, read_only)
        try:
            await store._setup()
        except sqlite3.Error as error:
            await db.close()
            raise describe_sqlite_error(path, error) from None
        except StoreError:
            await db.close()
            raise
        return store

    async def _setup(self) -> None:
        db = self._db
        await db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        version = await self._scalar("PRAGMA user_version")
        check_version(self.path, version, await self._scalar("SELECT count(*) FROM sqlite_master"),
                       await self._fetch(TABLE_COLUMNS))
        self.version = version
        if self.read_only:
            return  # an older version is read as it is (its log is all that is needed)
        await db.execute("PRAGMA journal_mode = WAL")
        await db.execute("PRAGMA synchronous = FULL")
        await db.execute("PRAGMA foreign_keys = ON")
        if version < SCHEMA_VERSION:
            await self._migrate(version)
        await self._refresh_stale()

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

    async def _refresh(self, incident_id: int) -> None:
        """Fold the events a summary has not seen onto it (all of them, for a missing or stale one)."""
        found = await self._fetch("SELECT fold_version, last_id, state FROM summary WHERE incident_id = ?", incident_id)
        version, last_id, raw = found[0] if found else (None, 0, None)
        state = await self._run(reading.tail_fold(incident_id, raw, version, last_id))
        await self._db.execute("INSERT OR REPLACE INTO summary VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                               (incident_id, *summary.row(state)))

    async def _run(self, plan: reading.Plan):
        """Carry out one of `reading`'s plans."""
        try:
            query = next(plan)
            while True:
                query = plan.send(await self._fetch(query[0], *query[1]))
        except StopIteration as done:
            return done.value

    async def _migrate(self, version: int) -> None:
        await self._db.execute("BEGIN IMMEDIATE")
        try:
            current = await self._scalar("PRAGMA user_version")  # another process may have done it
            for step in range(current, SCHEMA_VERSION):
                for statement in filter(str.strip, MIGRATIONS[step].split(";")):
                    await self._db.execute(statement)
            await self._db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            await self._db.execute("COMMIT")
        except BaseException:
            await self._db.execute("ROLLBACK")
            raise

    async def _scalar(self, sql: str, *args: object) -> int:
        async with self._db.execute(sql, args) as cursor:
            row = await cursor.fetchone()
        return row[0] if row else 0

    async def close(self) -> None:
        await self._db.close()

    # -- writing -------------------------------------------------------------------------
    async def declare(self, draft: Event) -> Event:
        """Give a declared event its incident and code (INC-n), and commit both together."""

        async def write() -> list[Event]:
            number, code = await self._new_incident(None, draft.at)
            event = Event(code, draft.at, draft.actor, draft.role, draft.kind, draft.payload)
            return [await self._insert(number, event)]

        return (await self._transaction(write))[0]

    async def _new_incident(self, wanted: str | None, at: datetime) -> tuple[int, str]:
        """A new incident row: the code wanted if it is free, else the next free INC-n."""
        number = await self._scalar("SELECT coalesce(max(id), 0) + 1 FROM incident")
        taken = {code for (code,) in await self._fetch("SELECT code FROM incident")}
        code = wanted if wanted and wanted not in taken else f"INC-{number}"
        while code in taken:  # an imported incident may hold INC-n already
            number += 1
            code = f"INC-{number}"
        await self._db.execute("INSERT INTO incident (id, code, created_at) VALUES (?, ?, ?)", (number, code, at.isoformat()))
        return number, code

    async def import_incident(self, code: str, events: list[Event]) -> tuple[str, int]:
        """Bring in an incident exported elsewhere: (its code here, how many events were added).
        The same incident (the same declaration) is not duplicated: only events it lacks are
        added, and an incident that went another way here is refused. A different incident
        holding the code gets the import a new code."""

        async def write() -> list[Event]:
            nonlocal here
            mine = await self._same_incident(events[0])
            if mine is None:
                number, here = await self._new_incident(code, events[0].at)
                return [await self._insert(number, _recoded(e, here)) for e in events]
            number, here = mine
            have = [_identity_key(e) for e in await self.events(here)]
            if [_identity_key(e) for e in events[: len(have)]] != have[: len(events)]:
                raise StoreError(f"{here} here and {code} in the file went different ways; nothing imported")
            return [await self._insert(number, _recoded(e, here)) for e in events[len(have):]]

        here = code
        added = await self._transaction(write)
        return here, len(added)

    async def _same_incident(self, declared: Event) -> tuple[int, str] | None:
        rows = await self._fetch(
            "SELECT i.id, i.code FROM incident i JOIN event e ON e.incident_id = i.id "
            "WHERE e.kind = ? AND e.at = ? AND e.actor = ?", declared.kind, declared.at.isoformat(), declared.actor)
        for number, code in rows:
            first = await self.events(code)
            if first and _identity_key(first[0]) == _identity_key(declared):
                return number, code
        return None

    async def append(self, events: list[Event]) -> list[Event]:
        """Commit events in one transaction; they come back with their ids once on disk."""
        if not events:
            return []

        async def write() -> list[Event]:
            written, ids = [], {}
            for event in events:
                if event.incident not in ids:
                    ids[event.incident] = await self._scalar("SELECT id FROM incident WHERE code = ?", event.incident)
                if not ids[event.incident]:
                    raise StoreError(f"there is no incident {event.incident}")
                written.append(await self._insert(ids[event.incident], event))
            return written

        return await self._transaction(write)

    async def _insert(self, incident_id: int, event: Event) -> Event:
        check(event)  # the store never holds an event the fold cannot read (SchemaError rolls back)
        self._touched.add(incident_id)
        payload = json.dumps(dict(event.payload), ensure_ascii=False, sort_keys=True)
        cursor = await self._db.execute(
            "INSERT INTO event (incident_id, at, actor, role, kind, payload) VALUES (?, ?, ?, ?, ?, ?)",
            (incident_id, event.at.isoformat(), event.actor, event.role, event.kind, payload),
        )
        return Event(event.incident, event.at, event.actor, event.role, event.kind, event.payload, cursor.lastrowid)

    def changed(self) -> bool:
        """Cheap change detection for followers: has any process committed since the last call?
        A commit in WAL mode always touches the -wal file (or the file itself after a
        checkpoint), so two stat calls answer without a query or a thread hop."""
        signature = []
        for suffix in ("", "-wal"):
            try:
                found = Path(f"{self.path}{suffix}").stat()
                signature += [found.st_mtime_ns, found.st_size, found.st_ino]
            except OSError:
                signature += [None, None, None]
        if signature == self._signature:
            return False
        self._signature = signature
        return True

    def check_file(self) -> None:
        """Refuse to go on when the file was deleted or replaced under us: writes to the old
        file would look saved and be lost."""
        if self._identity is not None and identity(self.path) != self._identity:
            state = "removed" if not self.path.exists() else "replaced by another file"
            raise StoreError(f"{self.path}: the database file was {state} while open; nothing more is saved "
                             "(restart warroom to open what is there now)")

    async def _transaction(self, write) -> list[Event]:
        if self.read_only:
            raise StoreError(f"{self.path}: opened read-only: nothing can be written")
        self.check_file()
        try:
            await self._db.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as error:
            raise describe_sqlite_error(self.path, error) from None
        self._touched.clear()
        try:
            written = await write()
            for incident_id in sorted(self._touched):
                await self._refresh(incident_id)  # the summary moves with its events, in one commit
            await self._db.execute("COMMIT")
        except BaseException as error:
            try:
                await self._db.execute("ROLLBACK")
            except sqlite3.Error:
                pass
            if isinstance(error, sqlite3.Error):
                raise describe_sqlite_error(self.path, error) from None
            raise
        return written

    # -- reading -------------------------------------------------------------------------
    async def incidents(self) -> list[IncidentRow]:
        """Every incident, newest first."""
        rows = await self._fetch("SELECT code, created_at FROM incident ORDER BY id DESC")
        return [IncidentRow(code, datetime.fromisoformat(created)) for code, created in rows]

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
        codes = await self.open_codes()
        if preferred in codes:
            return preferred
        return codes[0] if codes else None

    async def _fetch(self, sql: str, *args: object) -> list[tuple]:
        try:
            async with self._db.execute(sql, args) as cursor:
                return list(await cursor.fetchall())
        except sqlite3.Error as error:
            raise describe_sqlite_error(self.path, error) from None
