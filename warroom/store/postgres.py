"""The event log on a PostgreSQL server a team shares, through psycopg 3's async API.

The same tables as on SQLite, with the same text columns (times as ISO text, payloads as JSON
text), so what is copied between the two is the same, byte for byte. Writers take one advisory
lock per transaction: one writer at a time, as SQLite's write lock gives, so codes are allocated
without races and the summaries move with their events in one commit.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

import psycopg

from warroom.domain.model import LEVERS
from warroom.store import followups, reading, statuspage, summary
from warroom.store.address import hidden, shown
from warroom.store.base import EventStore
from warroom.store.files import CommitUnknown, StoreError
from warroom.store.reading import Opening

WRITER_LOCK = 0x57A6_800E  # pg_advisory_xact_lock key: the one writer at a time
CHANNEL = "warroom"  # every commit notifies it (delivered when the commit is), with the incidents written

# Forward migrations, as on SQLite (warroom_schema holds the version). Version 1 is SQLite's 3.
MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE incident (
        id bigint PRIMARY KEY,
        code text NOT NULL UNIQUE,
        created_at text NOT NULL
    );
    CREATE TABLE event (
        id bigserial PRIMARY KEY,
        incident_id bigint NOT NULL REFERENCES incident(id),
        at text NOT NULL,
        actor text NOT NULL,
        role text NOT NULL,
        kind text NOT NULL,
        payload text NOT NULL
    );
    CREATE INDEX event_by_incident ON event(incident_id, id);
    CREATE INDEX event_investigation ON event(incident_id, id)
        WHERE (kind = 'finding reported' OR (kind = 'note' AND role = 'investigator'));
    CREATE TABLE summary (
        incident_id bigint PRIMARY KEY REFERENCES incident(id),
        fold_version integer NOT NULL,
        last_id bigint NOT NULL,
        title text NOT NULL,
        severity text NOT NULL,
        status text NOT NULL,
        service text NOT NULL,
        impact text NOT NULL,
        detected text,
        resolved text,
        state bytea NOT NULL,
        searched text NOT NULL DEFAULT ''
    );
    CREATE INDEX summary_fold ON summary(fold_version, last_id)
    """,
    summary.PAGE_GROUP,  # 2: as SQLite's 4
    summary.OUTBOX.replace("INTEGER PRIMARY KEY AUTOINCREMENT", "bigserial PRIMARY KEY"),  # 3: as SQLite's 5
    summary.META.format(random_id="substr(md5(random()::text || clock_timestamp()::text), 1, 16)"),  # 4: as SQLite's 6
    summary.DECLARED,  # 5: as SQLite's 7
    followups.table(sqlite=False),  # 6: as SQLite's 8
    statuspage.tables(sqlite=False),  # 7: as SQLite's 9
)

# SQLite's words in the shared queries, and PostgreSQL's for them.
_DIALECT = [
    (re.compile(r"\binstr\(([^,]+), \?\)"), r"strpos(\1, ?)"),
    (re.compile(r"\bjulianday\(([\w.]+)\)"), r"(\1)::timestamptz"),
    (re.compile(r"json_extract\((\w+)\.payload, '\$\.(\w+)'\)"), r"(\1.payload::jsonb ->> '\2')"),
    (re.compile(r"\?"), "%s"),
]


_PLAIN_INSERT = re.compile(r"INSERT INTO (?P<table>\w+) \((?P<columns>[\w, ]+)\) VALUES \(\?(?:, \?)*\)")


@lru_cache(maxsize=256)  # the queries are a few constant strings: each is translated once
def _postgres(sql: str) -> str:
    for pattern, replacement in _DIALECT:
        sql = pattern.sub(replacement, sql)
    return sql


# TCP keepalives: a server cut off (not shut down) is noticed within about 20 s, not hours.
# (Ignored on a Unix socket, where the kernel says at once.)
_KEEPALIVE: dict[str, Any] = {"keepalives": 1, "keepalives_idle": 10, "keepalives_interval": 3, "keepalives_count": 3}
CONNECT_SECONDS = 10  # the first connection: the person is waiting for the console or the command
RECONNECT_SECONDS = 3  # later ones: a console asks again every few seconds while the server is away


async def _connect(url: str, timeout: int = CONNECT_SECONDS):
    return await psycopg.AsyncConnection.connect(url, autocommit=True, connect_timeout=timeout, **_KEEPALIVE)


def _why(error: BaseException) -> str:
    return (str(error).strip().splitlines() or [type(error).__name__])[0]


def peek(url: str, code: str | None = None, preferred: str | None = None,
         levers: tuple[str, ...] = LEVERS) -> Opening | None:
    """The synchronous read before the console's loop starts (see glance.peek), on a server."""
    try:
        connection = psycopg.connect(url, autocommit=True, connect_timeout=CONNECT_SECONDS, **_KEEPALIVE)
    except psycopg.Error as error:
        raise StoreError(f"{shown(url)}: cannot connect ({hidden(_why(error), url)})") from None

    class Translated:  # what reading.run asks of a connection, in PostgreSQL's words
        @staticmethod
        def execute(sql: str, args: tuple = ()):
            return connection.execute(_postgres(sql), args)

    try:
        with connection:
            if not (connection.execute("SELECT to_regclass('warroom_schema') IS NOT NULL").fetchone() or [False])[0]:
                return None  # nothing declared there yet
            if code is None:
                codes = reading.run(Translated, reading.open_codes())
                code = reading.current(codes, preferred)
            return reading.run(Translated, reading.opening(code, levers)) if code else None
    except psycopg.Error as error:
        raise StoreError(f"{shown(url)}: {hidden(_why(error), url)}") from None


def overdue(url: str, today) -> int:
    """The status line's count of follow-ups open past their due day (see glance.overdue)."""
    try:
        connection = psycopg.connect(url, autocommit=True, connect_timeout=CONNECT_SECONDS, **_KEEPALIVE)
    except psycopg.Error as error:
        raise StoreError(f"{shown(url)}: cannot connect ({hidden(_why(error), url)})") from None
    try:
        with connection:
            if not (connection.execute("SELECT to_regclass('warroom_schema') IS NOT NULL").fetchone() or [False])[0]:
                return 0  # nothing declared there yet
            version = (connection.execute("SELECT version FROM warroom_schema").fetchone() or [0])[0]
            if version < len(MIGRATIONS):
                return 0  # from before follow-up codes: the first warroom that writes to it upgrades it
            return int((connection.execute(_postgres(followups.OVERDUE), (today.isoformat(),)).fetchone() or [0])[0])
    except psycopg.Error as error:
        raise StoreError(f"{shown(url)}: {hidden(_why(error), url)}") from None


class PostgresStore(EventStore):
    """The log on a PostgreSQL server."""

    def __init__(self, url: str, connection, read_only: bool = False) -> None:  # connection: psycopg.AsyncConnection
        super().__init__(shown(url), read_only)
        self._conn, self._url = connection, url  # (the address with its password: never shown)
        self._in_transaction = False  # a broken connection is replaced only between transactions

    listens = True  # consoles wake on `notifications()` instead of asking twice a second
    server = True  # it can go away and come back: the console says so and reconnects

    async def notifications(self):
        """Yield once LISTEN is in place (catch up then on what came before it), then once for
        every commit anyone makes (on a connection of its own), until the server goes away:
        then StoreError."""
        try:
            listener = await _connect(self._url, RECONNECT_SECONDS)
        except psycopg.Error as error:
            raise self._told(error) from None
        try:
            await listener.execute(f"LISTEN {CHANNEL}")
            yield
            async for _ in listener.notifies():
                yield
        except psycopg.Error as error:
            raise self._told(error) from None
        finally:
            await listener.close()

    @classmethod
    async def open(cls, url: str, read_only: bool = False) -> PostgresStore:
        try:
            connection = await _connect(url)
        except psycopg.Error as error:
            raise StoreError(f"{shown(url)}: cannot connect ({hidden(_why(error), url)})") from None
        store = cls(url, connection, read_only)
        try:
            await store._setup()
        except BaseException as error:
            await connection.close()
            raise store._told(error) from None
        return store

    async def _setup(self) -> None:
        if self.read_only:
            await self._conn.execute("SET default_transaction_read_only = on")
            found = await self._fetch("SELECT to_regclass('warroom_schema') IS NOT NULL")
            if not found[0][0]:
                raise StoreError(f"{self.where}: no warroom database here to read")
            version = (await self._fetch("SELECT version FROM warroom_schema"))[0][0]
        else:
            version = await self._migrate()
        if version > len(MIGRATIONS):
            raise StoreError(f"{self.where}: made by a newer warroom (schema {version}, this one knows {len(MIGRATIONS)}); "
                             "upgrade warroom")
        if not self.read_only:
            await self._refresh_stale()
            await self._read_database_id()

    async def _migrate(self) -> int:
        async with self._conn.transaction():
            await self._conn.execute("SELECT pg_advisory_xact_lock(%s)", (WRITER_LOCK,))
            await self._conn.execute("CREATE TABLE IF NOT EXISTS warroom_schema (version integer NOT NULL)")
            rows = await (await self._conn.execute("SELECT version FROM warroom_schema")).fetchall()
            if not rows:
                tables = await (await self._conn.execute(
                    "SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema() "
                    "AND table_name IN ('incident', 'event', 'summary')")).fetchone()
                if tables[0]:
                    raise StoreError(f"{self.where}: has tables named like warroom's, but is not a warroom database")
                await self._conn.execute("INSERT INTO warroom_schema VALUES (0)")
            version = rows[0][0] if rows else 0
            for step in range(version, len(MIGRATIONS)):
                for statement in filter(str.strip, MIGRATIONS[step].split(";")):
                    await self._conn.execute(statement)
            if version < len(MIGRATIONS):
                await self._conn.execute("UPDATE warroom_schema SET version = %s", (len(MIGRATIONS),))
            return max(version, len(MIGRATIONS))

    async def close(self) -> None:
        await self._conn.close()

    async def _fetch(self, sql: str, *args: object) -> list[tuple]:
        """Run a query. Between transactions, a connection the server dropped (it restarted, or
        went away and came back) is replaced and the query asked again, once: nothing was
        under way on it. Inside a transaction the transaction is lost, and that is said."""
        if self._conn.closed and not self._in_transaction:
            await self._reconnect()
        try:
            return await self._ask(sql, args)
        except psycopg.OperationalError as error:
            if self._in_transaction or not self._conn.closed:
                raise self._told(error) from None
        except psycopg.Error as error:
            raise self._told(error) from None
        await self._reconnect()
        try:
            return await self._ask(sql, args)
        except psycopg.Error as error:
            raise self._told(error) from None

    async def _ask(self, sql: str, args: tuple) -> list[tuple]:
        cursor = await self._conn.execute(_postgres(sql), args)
        return await cursor.fetchall() if cursor.description else []

    async def _reconnect(self) -> None:
        try:
            connection = await _connect(self._url, RECONNECT_SECONDS)
            if self.read_only:
                await connection.execute("SET default_transaction_read_only = on")
        except psycopg.Error as error:
            raise self._told(psycopg.OperationalError(_why(error))) from None
        self._conn = connection

    async def _insert_row(self, incident_id: int, at: str, actor: str, role: str, kind: str, payload: str) -> int:
        rows = await self._fetch("INSERT INTO event (incident_id, at, actor, role, kind, payload) VALUES (?, ?, ?, ?, ?, ?) "
                                 "RETURNING id", incident_id, at, actor, role, kind, payload)
        return rows[0][0]

    async def _many(self, sql: str, rows: list[tuple]) -> None:
        """Rows in bulk. A plain INSERT goes by COPY, one stream (a copy's 200,000 events sent
        each as its own statement took most of its time: issue 26); others row by row."""
        if not rows:
            return
        plain = _PLAIN_INSERT.fullmatch(sql)
        async with self._conn.cursor() as cursor:
            if plain is None:
                await cursor.executemany(_postgres(sql), rows)
                return
            async with cursor.copy(f"COPY {plain['table']} ({plain['columns']}) FROM STDIN") as copy:
                for row in rows:
                    await copy.write_row(row)

    async def _put_summary(self, incident_id: int, columns: tuple) -> None:
        names = ("fold_version", "last_id", "title", "severity", "status", "service", "impact", "detected", "resolved",
                 "state", "searched")
        updates = ", ".join(f"{name} = excluded.{name}" for name in names)
        await self._fetch(f"INSERT INTO summary (incident_id, {', '.join(names)}) VALUES ({', '.join('?' * 12)}) "
                          f"ON CONFLICT (incident_id) DO UPDATE SET {updates}", incident_id, *columns)

    async def _begin(self) -> None:
        await self._fetch("BEGIN")
        self._in_transaction = True
        await self._fetch("SELECT pg_advisory_xact_lock(?)", WRITER_LOCK)  # writers one at a time

    async def _commit(self) -> None:
        touched = ",".join(str(incident_id) for incident_id in sorted(self._touched))
        await self._fetch("SELECT pg_notify(?, ?)", CHANNEL, touched)  # sent when the commit is made
        try:
            await self._ask("COMMIT", ())
        except psycopg.OperationalError as error:  # sent, but no answer came: it may have been made
            raise CommitUnknown(f"{self.where}: the server went away as the commit was sent ({hidden(_why(error), self._url)}); "
                                "it may have been saved: the timeline shows it once the server is back") from None
        except psycopg.Error as error:
            raise self._told(error) from None
        finally:
            self._in_transaction = False

    async def _rollback(self) -> None:
        self._in_transaction = False
        try:
            await self._conn.execute("ROLLBACK")
        except psycopg.Error:
            pass

    def _told(self, error: BaseException) -> BaseException:
        if isinstance(error, psycopg.OperationalError):
            return StoreError(f"{self.where}: the server cannot be reached ({hidden(_why(error), self._url)})")
        if isinstance(error, psycopg.errors.ReadOnlySqlTransaction):
            return StoreError(f"{self.where}: opened read-only: nothing can be written")
        if isinstance(error, psycopg.Error):
            return StoreError(f"{self.where}: {hidden(_why(error), self._url)}")
        return error
