"""The status page's own tables beside the log (issue 30): maintenance windows with their
timelines, and the page's email subscribers. A maintenance is no incident: it has no hats and
no deadlines, only what was announced, what arrived during it (an alert it held back) and
whether it was cancelled. A subscriber is an address, the components it asked for (none: all)
and the random secret its one-link unsubscribe carries.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import TYPE_CHECKING

from msgspec import Struct

from warroom.domain.maintenance import Maintenance
from warroom.store.times import stamp

if TYPE_CHECKING:
    from warroom.domain.model import Event
    from warroom.store.outbox import Message

VERSION = 9  # the SQLite schema that has the tables (PostgreSQL's 7)

_TABLES = """
    CREATE TABLE maintenance (
        id {key},
        title text NOT NULL,
        starts_at text NOT NULL,
        ends_at text NOT NULL,
        components text NOT NULL,
        notice text NOT NULL DEFAULT '',
        created_at text NOT NULL,
        created_by text NOT NULL,
        cancelled_at text,
        cancelled_by text NOT NULL DEFAULT ''
    );
    CREATE INDEX maintenance_ends ON maintenance(ends_at);
    CREATE TABLE maintenance_log (
        id {key},
        maintenance_id {integer} NOT NULL REFERENCES maintenance(id),
        at text NOT NULL,
        actor text NOT NULL,
        text text NOT NULL
    );
    CREATE INDEX maintenance_log_by ON maintenance_log(maintenance_id, id);
    CREATE TABLE subscriber (
        id {serial},
        address text NOT NULL UNIQUE,
        components text NOT NULL DEFAULT '[]',
        secret text NOT NULL,
        added_at text NOT NULL,
        added_by text NOT NULL DEFAULT ''
    )
"""


# The outbox takes a maintenance's mail too (announced, cancelled), which is no incident's: its
# incident becomes optional, and a message may name a maintenance instead. SQLite cannot drop a
# NOT NULL in place: the table is made again with its rows (ids kept, so the order holds).
_OUTBOX_COLUMNS = ("id, incident_id, event_id, webhook, url, topic, idempotency_key, body, created_at, tries, next_at, "
                   "delivered_at, given_up_at, error")
_SQLITE_OUTBOX = f"""
    CREATE TABLE outbox_new (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        incident_id INTEGER REFERENCES incident(id),
        event_id INTEGER NOT NULL,
        webhook TEXT NOT NULL,
        url TEXT NOT NULL,
        topic TEXT NOT NULL,
        idempotency_key TEXT NOT NULL UNIQUE,
        body TEXT NOT NULL,
        created_at TEXT NOT NULL,
        tries INTEGER NOT NULL DEFAULT 0,
        next_at TEXT NOT NULL,
        delivered_at TEXT,
        given_up_at TEXT,
        error TEXT NOT NULL DEFAULT '',
        maintenance_id INTEGER REFERENCES maintenance(id)
    );
    INSERT INTO outbox_new ({_OUTBOX_COLUMNS}) SELECT {_OUTBOX_COLUMNS} FROM outbox;
    DROP TABLE outbox;
    ALTER TABLE outbox_new RENAME TO outbox;
    CREATE INDEX outbox_waiting ON outbox(webhook, incident_id, id) WHERE delivered_at IS NULL AND given_up_at IS NULL
"""
_POSTGRES_OUTBOX = """
    ALTER TABLE outbox ALTER COLUMN incident_id DROP NOT NULL;
    ALTER TABLE outbox ADD COLUMN maintenance_id bigint REFERENCES maintenance(id)
"""


def tables(sqlite: bool) -> str:
    made = _TABLES.format(key="INTEGER PRIMARY KEY" if sqlite else "bigserial PRIMARY KEY",
                          integer="INTEGER" if sqlite else "bigint",  # a subscriber's number is never used again:
                          serial="INTEGER PRIMARY KEY AUTOINCREMENT" if sqlite else "bigserial PRIMARY KEY")  # (its mail's keys)
    return made + ";" + (_SQLITE_OUTBOX if sqlite else _POSTGRES_OUTBOX)


def outbox_line(number: int) -> str:
    """A subscriber's own line in the outbox (its mail in order, held up by no other's)."""
    return f"subscriber {number}"


class Subscriber(Struct, frozen=True):
    id: int
    address: str  # as given; compared in lower case
    components: tuple[str, ...]  # (): every component
    secret: str
    added_at: datetime

    def wants(self, touched: tuple[str, ...]) -> bool:
        """Told of an update of an incident that affects these components."""
        return not self.components or not touched or any(name in self.components for name in touched)


class LogLine(Struct, frozen=True):
    at: datetime
    actor: str
    text: str


_MAINTENANCE = ("SELECT id, title, starts_at, ends_at, components, notice, created_by, created_at, cancelled_at "
                "FROM maintenance")


def _maintenance(row: tuple) -> Maintenance:
    number, title, starts, ends, components, notice, by, created, cancelled = row
    return Maintenance(int(number), title, datetime.fromisoformat(starts), datetime.fromisoformat(ends),
                       tuple(json.loads(components)), notice, by, datetime.fromisoformat(created),
                       datetime.fromisoformat(cancelled) if cancelled else None)


class StatusPageStore:
    """The status page's half of the store (mixed into EventStore)."""

    # what the subscribers are mailed of a maintenance ("scheduled", "cancelled"), queued in the
    # same transaction (set by whoever opened the store with a mail server in its config)
    maintenance_mailer: Callable[[Maintenance, str, list[Subscriber]], list[Message]] | None = None

    if TYPE_CHECKING:
        version: int

        async def _queue_maintenance(self, number: int, messages: list[Message], now: datetime) -> None: ...

        async def _fetch(self, sql: str, *args: object) -> list[tuple]: ...

        async def _transaction(self, write: Callable[[], Awaitable[list[Event]]], announce: bool = True) -> list[Event]: ...

    # -- maintenance ----------------------------------------------------------------------
    async def schedule(self, planned: Maintenance) -> Maintenance:
        """Keep a maintenance; it, with the number the store gave it."""
        found: list[Maintenance] = []

        async def write() -> list[Event]:
            rows = await self._fetch(
                "INSERT INTO maintenance (title, starts_at, ends_at, components, notice, created_at, created_by) "
                "VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id", planned.title, stamp(planned.starts), stamp(planned.ends),
                json.dumps(list(planned.components), ensure_ascii=False), planned.notice,
                stamp(planned.created_at or planned.starts), planned.created_by)
            number = int(rows[0][0])
            await self._maintenance_line(number, planned.created_at or planned.starts, planned.created_by,
                                         f"scheduled: {planned.title}")
            kept = Maintenance(number, *(getattr(planned, f) for f in planned.__struct_fields__[1:]))
            found.append(kept)
            await self._tell_subscribers(kept, "scheduled", kept.created_at or kept.starts)
            return []

        await self._transaction(write, announce=False)
        return found[0]

    async def maintenances(self, since: datetime | None = None) -> list[Maintenance]:
        """The maintenance windows ending after `since` (every one when None), soonest first."""
        if self.version < VERSION:
            return []
        if since is None:
            rows = await self._fetch(f"{_MAINTENANCE} ORDER BY starts_at, id")
        else:
            rows = await self._fetch(f"{_MAINTENANCE} WHERE ends_at > ? ORDER BY starts_at, id", stamp(since))
        return [_maintenance(row) for row in rows]

    async def cancel_maintenance(self, number: int, actor: str, now: datetime, reason: str = "") -> bool:
        """Cancel one not cancelled yet; False when there is none such."""
        done: list[bool] = []

        async def write() -> list[Event]:
            rows = await self._fetch("UPDATE maintenance SET cancelled_at = ?, cancelled_by = ? "
                                     "WHERE id = ? AND cancelled_at IS NULL RETURNING id", stamp(now), actor, number)
            if rows:
                await self._maintenance_line(number, now, actor, "cancelled" + (f": {reason}" if reason else ""))
                cancelled = [_maintenance(row) for row in await self._fetch(f"{_MAINTENANCE} WHERE id = ?", number)]
                await self._tell_subscribers(cancelled[0], "cancelled", now)
            done.append(bool(rows))
            return []

        await self._transaction(write, announce=False)
        return done[0]

    async def _tell_subscribers(self, maintenance: Maintenance, what: str, now: datetime) -> None:
        if self.maintenance_mailer is None:
            return
        subscribers = await self._subscribers()
        if subscribers:
            await self._queue_maintenance(maintenance.number, self.maintenance_mailer(maintenance, what, subscribers), now)

    async def take_maintenance(self, kept: Maintenance, lines: list[LogLine]) -> bool:
        """A maintenance copied from another database, with its timeline, under this one's next
        number; False (nothing written) when one of the same title and window is here already."""
        done: list[bool] = []

        async def write() -> list[Event]:
            there = await self._fetch("SELECT id FROM maintenance WHERE title = ? AND starts_at = ? AND ends_at = ?",
                                      kept.title, stamp(kept.starts), stamp(kept.ends))
            if not there:
                rows = await self._fetch(
                    "INSERT INTO maintenance (title, starts_at, ends_at, components, notice, created_at, created_by, "
                    "cancelled_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id", kept.title, stamp(kept.starts),
                    stamp(kept.ends), json.dumps(list(kept.components), ensure_ascii=False), kept.notice,
                    stamp(kept.created_at or kept.starts), kept.created_by,
                    stamp(kept.cancelled_at) if kept.cancelled_at else None)
                for line in lines:
                    await self._maintenance_line(rows[0][0], line.at, line.actor, line.text)
            done.append(not there)
            return []

        await self._transaction(write, announce=False)
        return done[0]

    async def take_subscriber(self, subscriber: Subscriber) -> bool:
        """A subscriber copied from another database (its components and secret kept); False
        (nothing written) when the address is here already."""
        done: list[bool] = []

        async def write() -> list[Event]:
            rows = await self._fetch("INSERT INTO subscriber (address, components, secret, added_at) VALUES (?, ?, ?, ?) "
                                     "ON CONFLICT (address) DO NOTHING RETURNING id", subscriber.address,
                                     json.dumps(list(subscriber.components), ensure_ascii=False), subscriber.secret,
                                     stamp(subscriber.added_at))
            done.append(bool(rows))
            return []

        await self._transaction(write, announce=False)
        return done[0]

    async def _maintenance_line(self, number: int, at: datetime, actor: str, text: str) -> None:
        """A line on a maintenance's timeline, inside the caller's transaction."""
        await self._fetch("INSERT INTO maintenance_log (maintenance_id, at, actor, text) VALUES (?, ?, ?, ?)",
                          number, stamp(at), actor, text)

    async def maintenance_said(self, number: int, at: datetime, actor: str, text: str) -> None:
        """A line on a maintenance's timeline (an alert it held back, say)."""
        async def write() -> list[Event]:
            await self._maintenance_line(number, at, actor, text)
            return []

        await self._transaction(write, announce=False)

    async def maintenance_log(self, number: int) -> list[LogLine]:
        if self.version < VERSION:
            return []
        rows = await self._fetch("SELECT at, actor, text FROM maintenance_log WHERE maintenance_id = ? ORDER BY id", number)
        return [LogLine(datetime.fromisoformat(at), actor, text) for at, actor, text in rows]

    # -- subscribers ----------------------------------------------------------------------
    async def subscribe(self, address: str, components: tuple[str, ...], now: datetime, actor: str) -> tuple[Subscriber, bool]:
        """Add an address (or, when it is there already, give it these components); the
        subscriber, and whether it is new."""
        import secrets

        found: list[tuple[Subscriber, bool]] = []
        folded = address.strip().lower()

        async def write() -> list[Event]:
            rows = await self._fetch("SELECT id FROM subscriber WHERE address = ?", folded)
            new = not rows
            if new:
                await self._fetch("INSERT INTO subscriber (address, components, secret, added_at, added_by) VALUES (?, ?, ?, ?, ?)",
                                  folded, json.dumps(list(components), ensure_ascii=False), secrets.token_hex(16), stamp(now), actor)
            else:
                await self._fetch("UPDATE subscriber SET components = ? WHERE address = ?",
                                  json.dumps(list(components), ensure_ascii=False), folded)
            found.append(((await self._subscribers(folded))[0], new))
            return []

        await self._transaction(write, announce=False)
        return found[0]

    async def _subscribers(self, address: str | None = None) -> list[Subscriber]:
        """Every subscriber, or the one of this address (in lower case)."""
        if self.version < VERSION:
            return []
        sql = "SELECT id, address, components, secret, added_at FROM subscriber"
        rows = await (self._fetch(f"{sql} WHERE address = ?", address) if address is not None else self._fetch(f"{sql} ORDER BY id"))
        return [Subscriber(int(i), a, tuple(json.loads(c)), s, datetime.fromisoformat(t)) for i, a, c, s, t in rows]

    async def subscribers(self) -> list[Subscriber]:
        return await self._subscribers()

    async def unsubscribe(self, address: str = "", number: int = 0, secret: str = "") -> bool:
        """Remove a subscriber by address (the team's command), or by its number and secret (the
        link in its mail, which works once), with its mail not sent yet; False when there was
        none such."""
        import hmac

        done: list[bool] = []

        async def write() -> list[Event]:
            if address:
                rows = await self._fetch("DELETE FROM subscriber WHERE address = ? RETURNING id", address.strip().lower())
            else:
                held = await self._fetch("SELECT secret FROM subscriber WHERE id = ?", number)
                rows = (await self._fetch("DELETE FROM subscriber WHERE id = ? RETURNING id", number)
                        if held and secret and hmac.compare_digest(str(held[0][0]), secret) else [])
            for (gone,) in rows:  # nothing more goes to them, not even what was waiting
                await self._fetch("DELETE FROM outbox WHERE webhook = ? AND delivered_at IS NULL", outbox_line(gone))
            done.append(bool(rows))
            return []

        await self._transaction(write, announce=False)
        return done[0]
