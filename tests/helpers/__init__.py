"""Building incidents in tests through the same domain actions the app uses."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from warroom.domain import actions
from warroom.domain.incident import IncidentState, fold
from warroom.domain.model import Event

T0 = datetime(2026, 11, 27, 3, 0, 0, tzinfo=UTC)  # the page arrives at 03:00 UTC


def at(minutes: float = 0, seconds: float = 0) -> datetime:
    """A moment measured from T0, the detection time of the test incidents."""
    return T0 + timedelta(minutes=minutes, seconds=seconds)


def warroom_exe() -> str:
    """The installed console script beside this interpreter, as a user runs it."""
    found = Path(sys.executable).with_name("warroom")
    if found.exists():
        return str(found)
    return shutil.which("warroom") or pytest.fail("the warroom command is not installed")


# Run as root (as CI does) but without root's way past file permissions: the bounding set loses
# the capabilities that let root read and write any file, so modes are enforced as for a user.
UNPRIVILEGED = ["setpriv", "--bounding-set=-dac_override,-dac_read_search,-fowner",
                "--inh-caps=-dac_override,-dac_read_search,-fowner"]


def run_cli(*args: str, now: datetime | None = None, stdin: str | None = None, env: dict | None = None,
            unprivileged: bool = False) -> subprocess.CompletedProcess:
    """The installed warroom as a user runs it; `unprivileged`: with file permissions enforced
    even when the tests run as root."""
    environment = dict(os.environ)
    if now is not None:
        environment["WARROOM_NOW"] = now.isoformat()
    environment.update(env or {})
    prefix = UNPRIVILEGED if unprivileged and os.geteuid() == 0 else []
    return subprocess.run(
        [*prefix, warroom_exe(), *args], capture_output=True, text=True, env=environment, input=stdin, timeout=60,
        errors="surrogateescape",
    )


class Book:
    """An incident kept in memory: actions become events with ids, folded as they come."""

    def __init__(self, title: str = "Login fails", severity: str = "P1", at: datetime | None = None, **kwargs) -> None:
        draft = actions.declare("alice", at or T0, title, severity, **kwargs)
        self.events: list[Event] = []
        self._add([Event("INC-1", draft.at, draft.actor, draft.role, draft.kind, draft.payload)])

    def _add(self, drafts: list[Event]) -> list[Event]:
        for draft in drafts:
            self.events.append(Event(draft.incident, draft.at, draft.actor, draft.role, draft.kind, draft.payload, len(self.events) + 1))
        return self.events[-len(drafts):] if drafts else []

    @property
    def state(self) -> IncidentState:
        return fold(self.events)

    def do(self, action, *args, **kwargs) -> list[Event]:
        """Run a domain action against the current state and keep what it returns."""
        return self._add(action(self.state, *args, **kwargs))


class Clock:
    """A clock tests move by hand; every component of the app reads it."""

    def __init__(self, start: datetime = T0) -> None:
        self.moment = start

    def __call__(self) -> datetime:
        return self.moment

    def advance(self, **delta: float) -> None:
        self.moment += timedelta(**delta)


IMPACT = "logins for every user"


async def seed(path: Path, *steps, title: str = "Login fails with 401", severity: str = "P1", detected: datetime = T0,
               service: str = "", impact: str = IMPACT) -> None:
    """Write a declared incident and then each (action, actor, minute, *args) step through the store."""
    from warroom.store import Store

    store = await Store.open(path)
    try:
        await store.declare(actions.declare("alice", detected, title, severity, detected=detected, service=service, impact=impact))
        for action, actor, minute, *args in steps:
            state = await store.load("INC-1")
            options = args.pop() if args and isinstance(args[-1], dict) else {}
            await store.append(action(state, actor, at(minute), *args, **options))
    finally:
        await store.close()


def everything(target) -> dict:
    """Every incident of a database (a file or a server), as warroom reads it: code → its events
    without their ids."""
    import asyncio

    from warroom.store import open_store

    async def read() -> dict:
        store = await open_store(target, read_only=True)
        try:
            return {row.code: [(e.at, e.actor, e.role, e.kind, dict(e.payload)) for e in await store.events(row.code)]
                    for row in await store.incidents()}
        finally:
            await store.close()

    return asyncio.run(read())


def as_the_first_schema_wrote_it(path: Path) -> None:
    """Take a database file back to the first schema (no summaries, none of the later tables or
    indexes), as a warroom from before them left it."""
    with raw_sqlite(path) as raw:
        raw.execute("DROP TABLE summary")  # (its indexes with it)
        raw.execute("DROP INDEX event_investigation")
        raw.execute("DROP INDEX IF EXISTS event_declared")
        raw.execute("DROP TABLE page_group")
        raw.execute("DROP TABLE outbox")
        raw.execute("DROP TABLE warroom_meta")
        raw.execute("DROP TABLE followup")
        for table in ("maintenance_log", "maintenance", "subscriber"):  # (migration 9)
            raw.execute(f"DROP TABLE {table}")  # (its index with it)
        raw.execute("PRAGMA user_version = 1")


@contextmanager
def raw_sqlite(path: Path | str, **options) -> Iterator:
    """A plain sqlite3 connection to a database file, committed and CLOSED on leaving. sqlite3's
    own `with` only commits: the connection stays open until the garbage collector finds it
    (Python 3.11's statement cache makes a cycle), and a connection left open in this process
    while another opens and closes the file (a store's checks) reads from a WAL index that
    other processes no longer write: CI once read 3 subscribers where 2 were committed."""
    import sqlite3

    raw = sqlite3.connect(path, **options)
    try:
        with raw:
            yield raw
    finally:
        raw.close()


def db_rows(path: Path, sql: str = "SELECT role, kind, payload FROM event ORDER BY id") -> list[tuple]:
    with raw_sqlite(path) as raw:
        return raw.execute(sql).fetchall()


class MovingTime:
    """The time an installed console runs on, moved by the test (`WARROOM_NOW_FILE`), so a
    test never waits on the real clock for a deadline or an inject."""

    def __init__(self, folder: Path, start: datetime | None = None) -> None:
        self.path = folder / "now"
        self.moment = start or datetime.now(UTC)
        self._write()

    def env(self) -> dict[str, str]:
        return {"WARROOM_NOW_FILE": str(self.path)}

    def advance(self, **delta: float) -> None:
        self.moment += timedelta(**delta)
        self._write()

    def _write(self) -> None:
        beside = self.path.with_suffix(".new")
        beside.write_text(self.moment.isoformat())
        beside.replace(self.path)  # whole or not at all: the console never reads half a time


def missing(program: str, how: str) -> None:
    """A system program a test needs is not installed: on a developer's machine the test is
    skipped with the reason; under CI (CI=true) the run fails, since .ci/run installs it."""
    why = f"{program} is not installed: {how} (.ci/run installs it)"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(why)
    pytest.skip(why)
