"""The event log on one SQLite file, through aiosqlite. Appends only; nothing is updated.

Durability: WAL with synchronous=FULL, so an event is on disk when `append` returns: a
`kill -9` loses nothing the caller was told about, and a power loss loses nothing either
(FULL syncs the WAL on every commit).
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Coroutine
from pathlib import Path
from typing import TYPE_CHECKING, Any

from warroom.store.base import EventStore
from warroom.store.files import (
    BUSY_TIMEOUT_MS,
    StoreError,
    connected,
    describe_sqlite_error,
    identity,
    prepare_file,
    read_uri,
    writable,
)
from warroom.store.reading import Progress
from warroom.store.tables import MIGRATIONS, SCHEMA_VERSION, TABLE_COLUMNS, check_version

if TYPE_CHECKING:
    from warroom.domain.model import Event
    from warroom.store.watch import FileWatch  # (ctypes: imported only by a console that follows)


WAITED = "a transaction waited on something other than its own statements"
SETTLE_SECONDS = 0.02  # after a change to the file is told, how long its other writes may take to come
LATE_COMMIT_PAUSES = (0.1, 0.4, 1.5)  # then how long to wait before each look for a commit told before it could be read


def _aiosqlite():
    """aiosqlite (and asyncio with it) is imported when a store opens, not before: the
    status line reads synchronously with `peek` and starts faster without them."""
    import aiosqlite

    return aiosqlite


class SqliteStore(EventStore):
    """The log on one SQLite file (the default: nothing to set up)."""

    def __init__(self, path: Path, db, read_only: bool = False) -> None:  # db: an aiosqlite.Connection
        super().__init__(str(path), read_only)
        self.path, self._db = path, db
        self._identity = identity(path)
        self._signature: list[int | None] | None = None
        self._files = (str(path), f"{path}-wal")  # what a commit touches (see `changed`)
        self._watch: FileWatch | None = None  # (see `listens`)
        self._watch_tried = False
        self._counted = False  # (see `_count`)
        self._in_thread: int | None = None  # aiosqlite's thread, while it runs a whole transaction (`_in_one_go`)

    @classmethod
    async def open(cls, path: Path | str, read_only: bool = False, progress: Progress | None = None) -> SqliteStore:
        """Open (creating it if need be) the database. Read-only when asked, or when the file
        cannot be written: then it can be read and reviewed, and every append is refused.
        `progress` is told how a summary rebuilt from a whole log (an upgrade) goes."""
        path = Path(os.path.expanduser(path))
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
        store.progress = progress
        store._count(1)  # (from now on this process never opens the file beside SQLite)
        try:
            await store._setup()
        except sqlite3.Error as error:
            await store._let_go()
            raise describe_sqlite_error(path, error) from None
        except StoreError:
            await store._let_go()
            raise
        except BaseException:  # cancelled (a console quit as it opened): aiosqlite's thread must not outlive it,
            db.stop()  # (it is no daemon: Python would wait for it at exit); nothing is awaited once cancelled
            store._count(-1)
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
            self.version = SCHEMA_VERSION
        await self._refresh_stale()
        await self._read_database_id()


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


    async def close(self) -> None:
        if self._watch is not None:
            self._watch.close()
        await self._let_go()

    async def _let_go(self) -> None:
        try:
            await self._db.close()
        finally:
            self._count(-1)

    def _count(self, by: int) -> None:
        """This store's connection counted among the process's to its file (files._CONNECTED), once."""
        if self._counted != (by > 0):
            self._counted = by > 0
            connected(self._identity, by)

    # -- following: what other processes committed ----------------------------------------
    @property
    def listens(self) -> bool:  # type: ignore[override]
        """True where the system tells of writes to the file (inotify): a console then waits to
        be told instead of asking twice a second, and sees another's commit at once."""
        if not self._watch_tried:
            from warroom.store.watch import FileWatch

            self._watch_tried = True
            self._watch = FileWatch.open(self.path)
        return self._watch is not None

    async def notifications(self):
        """Yield once watching, then once for each notice that the files changed (the writes of
        one commit, a few milliseconds apart, are taken together)."""
        import asyncio

        watch = self._watch if self.listens else None
        if watch is None:
            raise StoreError(f"{self.path}: this system cannot watch the file for changes")
        woken = asyncio.Event()
        watch.wake(asyncio.get_running_loop(), woken)
        try:
            yield
            while True:
                await woken.wait()
                await asyncio.sleep(SETTLE_SECONDS)
                woken.clear()
                self.changed()  # (the signature moves on, for a follower that asks instead)
                # every notice is looked at: two commits a few milliseconds apart can leave the
                # -wal file with the same size (rewritten after a checkpoint) and the same
                # coarse mtime, and a signature that looks unchanged would lose the second one
                seen = await self._scalar("PRAGMA data_version")
                yield
                # A commit is told when its pages are written to the -wal file, and can be read
                # once they are synced (synchronous=FULL): a busy disk can hold that back past
                # the settling time, and nothing more is written to tell of it. So look again a
                # few times (others' commits move data_version; this store's own do not), until
                # the next notice.
                for pause in LATE_COMMIT_PAUSES:
                    try:
                        await asyncio.wait_for(woken.wait(), pause)
                        break  # (a new notice: the loop takes it)
                    except TimeoutError:
                        pass
                    now = await self._scalar("PRAGMA data_version")
                    if now != seen:
                        seen = now
                        yield
        finally:
            watch.unwake()

    def changed(self) -> bool:
        """Cheap change detection for followers: has any process committed since the last call?
        A commit in WAL mode always touches the -wal file (or the file itself after a
        checkpoint), so two stat calls answer without a query or a thread hop."""
        signature: list[int | None] = []
        for name in self._files:
            try:
                found = os.stat(name)
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

    # -- the statements the shared log (base.EventStore) is written in ---------------------
    async def _in_one_go(self, transaction: Coroutine[Any, Any, list[Event]]) -> list[Event]:
        """The whole transaction in aiosqlite's thread, in one trip: its statements are called
        there on the connection itself (`_here`), not each sent to the thread and awaited (seven
        trips for a hat key, each a wake of two threads: a third of its commit; issue 26).
        aiosqlite's `_execute` (queue a function for its thread) and `_conn` are not its public
        API: pyproject.toml keeps aiosqlite below its next release."""
        return await self._db._execute(self._run_here, transaction)

    def _run_here(self, transaction: Coroutine[Any, Any, list[Event]]) -> list[Event]:
        """Drive the transaction's coroutine to its end in this thread. It awaits only its own
        statements, which do not suspend here; one that would (waiting on the event loop) is a
        mistake: the error is thrown into it, so it rolls back, and comes out to the caller."""
        self._in_thread = threading.get_ident()
        try:
            try:
                transaction.send(None)
            except StopIteration as done:
                return done.value
            transaction.throw(RuntimeError(WAITED))  # (raises it, once rolled back)
            transaction.close()
            raise RuntimeError(WAITED)
        finally:
            self._in_thread = None

    def _here(self) -> sqlite3.Connection | None:
        """The connection itself, when called in its own thread during `_in_one_go`."""
        return self._db._conn if self._in_thread == threading.get_ident() else None

    async def _insert_row(self, incident_id: int, at: str, actor: str, role: str, kind: str, payload: str) -> int:
        cursor = await self._statement("INSERT INTO event (incident_id, at, actor, role, kind, payload) VALUES (?, ?, ?, ?, ?, ?)",
                                       (incident_id, at, actor, role, kind, payload))
        assert cursor.lastrowid is not None  # (an INSERT's row)
        return cursor.lastrowid

    async def _many(self, sql: str, rows: list[tuple]) -> None:
        if rows:
            try:
                await self._statement(sql, rows, many=True)
            except sqlite3.Error as error:
                raise describe_sqlite_error(self.path, error) from None

    async def _put_summary(self, incident_id: int, columns: tuple) -> None:
        await self._statement("INSERT OR REPLACE INTO summary VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", (incident_id, *columns))

    async def _statement(self, sql: str, args: tuple | list[tuple] = (), many: bool = False) -> Any:
        """One statement (`many`: once for each row of `args`) on the connection itself inside
        `_in_one_go`, else sent to aiosqlite's thread; its cursor."""
        here = self._here()
        if here is not None:
            return here.executemany(sql, args) if many else here.execute(sql, args)
        return await (self._db.executemany(sql, args) if many else self._db.execute(sql, args))

    async def _begin(self) -> None:
        try:
            await self._statement("BEGIN IMMEDIATE")  # the write lock now: writers one at a time
        except sqlite3.Error as error:
            raise describe_sqlite_error(self.path, error) from None

    async def _commit(self) -> None:
        await self._statement("COMMIT")

    async def _rollback(self) -> None:
        try:
            await self._statement("ROLLBACK")
        except sqlite3.Error:
            pass

    def _told(self, error: BaseException) -> BaseException:
        return describe_sqlite_error(self.path, error) if isinstance(error, sqlite3.Error) else error

    async def _fetch(self, sql: str, *args: object) -> list[tuple]:
        try:
            here = self._here()
            if here is not None:
                return here.execute(sql, args).fetchall()
            return list(await self._db.execute_fetchall(sql, args))  # one trip to aiosqlite's thread, not three
        except sqlite3.Error as error:
            raise describe_sqlite_error(self.path, error) from None
