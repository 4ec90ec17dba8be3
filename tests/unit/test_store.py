"""The store against a real SQLite file in a temp folder."""

import sqlite3
import stat
from pathlib import Path

import pytest
from helpers import T0, at, db_rows

from warroom.domain import actions
from warroom.store import MIGRATIONS, SCHEMA_VERSION, Store, StoreError


async def declared(path, title="Login fails"):
    store = await Store.open(path)
    event = await store.declare(actions.declare("alice", T0, title, "P1"))
    return store, event


async def test_a_new_database_is_private_wal_and_current(tmp_path):
    path = tmp_path / "deep" / "er" / "warroom.db"
    store, event = await declared(path)
    await store.close()
    assert event.incident == "INC-1" and event.id == 1
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    raw = sqlite3.connect(path)
    assert raw.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    raw.close()


async def test_appended_events_are_committed_and_read_back_exactly(db_file):
    store, _ = await declared(db_file, title="[red]x[/red] 🔥 \x1b]0;pwned\x07")
    state = await store.load("INC-1")
    written = await store.append(actions.note(state, "alice", at(1), "note\nwith newline \x00 nul"))
    await store.close()
    # a different connection, as another process would see it
    store = await Store.open(db_file)
    events = await store.events("INC-1")
    assert [e.id for e in events] == [1, written[0].id]
    assert events[0].payload["title"] == "[red]x[/red] 🔥 \x1b]0;pwned\x07"
    assert events[1].payload["text"] == "note\nwith newline \x00 nul"
    assert events[1].at == at(1)
    await store.close()


async def test_events_after_an_id_follow_every_incident(db_file):
    store, _ = await declared(db_file)
    await store.declare(actions.declare("bob", at(1), "Second", "P2"))
    first = await store.load("INC-1")
    await store.append(actions.note(first, "alice", at(2), "one"))
    after = await store.events_after(1)
    assert [(e.incident, e.kind) for e in after] == [("INC-2", "declared"), ("INC-1", "note")]
    assert [e.kind for e in await store.events("INC-1", after_id=1)] == ["note"]
    assert [r.code for r in await store.incidents()] == ["INC-2", "INC-1"]
    await store.close()


async def test_a_batch_is_one_transaction(db_file):
    store, _ = await declared(db_file)
    state = await store.load("INC-1")
    good = actions.note(state, "alice", at(1), "kept?")[0]
    bad = good.__class__("INC-404", at(1), "alice", "commander", "note", {"text": "x"})
    with pytest.raises(StoreError, match="no incident INC-404"):
        await store.append([good, bad])
    assert [e.kind for e in await store.events("INC-1")] == ["declared"]
    await store.close()


async def test_a_commit_is_one_trip_to_the_connections_thread_and_reads_between_wait_for_it(db_file):
    """A hat key's commit (begin, the incident, its state under the lock, the event, the
    summary, commit) goes to aiosqlite's thread once, not once a statement; a read asked
    while it runs is answered after it, never from the middle of it."""
    import asyncio

    store, _ = await declared(db_file)
    state = await store.load("INC-1")
    trips = []
    execute = store._db._execute

    async def counted(fn, *args, **kwargs):
        trips.append(getattr(fn, "__name__", repr(fn)))
        return await execute(fn, *args, **kwargs)

    store._db._execute = counted
    commit = asyncio.ensure_future(store.append(actions.wear_hat(state, "alice", at(1), "communicator")))
    await asyncio.sleep(0)  # (the commit is on its way)
    read = await store._fetch("SELECT count(*) FROM event")
    written = await commit
    assert trips[0] == "_run_here" and len([t for t in trips if t == "_run_here"]) == 1
    assert read == [(2,)]  # after the commit, whole
    assert [e.kind for e in written] == ["hat worn"]
    await store.close()


async def test_a_transaction_that_waits_on_the_loop_is_rolled_back_with_a_clear_error(db_file):
    import asyncio

    store, _ = await declared(db_file)

    async def write():
        await store._fetch("INSERT INTO incident (id, code, created_at) VALUES (9, 'INC-9', '2026-01-01')")
        await asyncio.sleep(0)  # not a statement: the loop's
        return []

    with pytest.raises(RuntimeError, match="waited on something other than its own statements"):
        await store._transaction(write)
    assert [r.code for r in await store.incidents()] == ["INC-1"]  # the insert rolled back
    await store.append(actions.note(await store.load("INC-1"), "alice", at(1), "still writable"))
    await store.close()


async def test_an_open_cancelled_as_it_sets_up_leaves_no_thread_behind(db_file, monkeypatch):
    """A console quit while its store opened cancels the open. aiosqlite's thread is no daemon:
    left running, Python waited for it at exit, and ctrl+q pressed at the first frame took 32 to
    43 s to give the pane back (two quits in six, in tmux)."""
    import asyncio
    import threading

    from warroom.store.sqlite import SqliteStore

    started = asyncio.Event()

    async def a_long_setup(self) -> None:  # (a migration, a summary rebuilt: anything that takes a while)
        await self._db.execute("SELECT 1")
        started.set()
        await asyncio.Event().wait()

    monkeypatch.setattr(SqliteStore, "_setup", a_long_setup)
    before = set(threading.enumerate())
    opening = asyncio.ensure_future(SqliteStore.open(db_file))
    await started.wait()
    [thread] = [t for t in threading.enumerate() if t not in before]
    opening.cancel()
    with pytest.raises(asyncio.CancelledError):
        await opening
    thread.join(timeout=10)  # (stopped at once; the bound only keeps a failure from hanging the run)
    assert not thread.is_alive()


async def test_current_code_is_the_most_recent_open_incident(db_file):
    store, _ = await declared(db_file)
    await store.declare(actions.declare("alice", at(1), "Second", "P2"))
    assert await store.current_code() == "INC-2"
    second = await store.load("INC-2")
    await store.append(actions.resolve(second, "alice", at(5), override="false alarm"))
    assert await store.current_code() == "INC-1"
    await store.close()


async def test_an_old_database_is_migrated_forward(db_file):
    raw = sqlite3.connect(db_file)  # a version-0 file: empty, as an older warroom left it
    raw.close()
    store = await Store.open(db_file)
    await store.close()
    assert db_rows(db_file, "PRAGMA user_version") == [(len(MIGRATIONS),)]


async def test_a_database_from_a_newer_warroom_is_refused_and_left_alone(db_file):
    store, _ = await declared(db_file)
    await store.close()
    raw = sqlite3.connect(db_file)
    raw.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    raw.commit()
    raw.close()
    before = db_file.read_bytes()
    with pytest.raises(StoreError, match="newer warroom"):
        await Store.open(db_file)
    assert db_file.read_bytes() == before


async def test_a_file_that_is_not_sqlite_is_refused_and_left_alone(db_file):
    db_file.write_text("these are my notes, not a database\n" * 10)
    with pytest.raises(StoreError, match="not a warroom database"):
        await Store.open(db_file)
    assert db_file.read_text().startswith("these are my notes")


async def test_another_programs_sqlite_file_is_refused(db_file):
    raw = sqlite3.connect(db_file)
    raw.execute("CREATE TABLE photos (id INTEGER)")
    raw.commit()
    raw.close()
    with pytest.raises(StoreError, match="not a warroom database"):
        await Store.open(db_file)


@pytest.mark.parametrize("where", ["file-as-folder", "proc"])
async def test_an_unwritable_path_is_a_clear_error(tmp_path, where):
    if where == "file-as-folder":
        blocker = tmp_path / "blocker"
        blocker.write_text("x")
        path = blocker / "warroom.db"
    else:
        path = Path("/proc/warroom-test/warroom.db")  # root cannot create here either
    with pytest.raises(StoreError, match="cannot"):
        await Store.open(path)


async def test_a_folder_is_not_a_database(tmp_path):
    with pytest.raises(StoreError, match="folder"):
        await Store.open(tmp_path)


async def test_open_codes_in_sql_agree_with_the_fold(db_file):
    store, _ = await declared(db_file)
    for title in ("two", "three", "four"):
        await store.declare(actions.declare("alice", at(1), title, "P2"))
    await store.append(actions.resolve(await store.load("INC-2"), "alice", at(5), override="a duplicate incident"))
    await store.append(actions.resolve(await store.load("INC-3"), "alice", at(5), override="a duplicate incident"))
    await store.append(actions.reopen(await store.load("INC-3"), "alice", at(6)))
    await store.append(actions.correct_milestone(await store.load("INC-4"), "alice", at(7), "resolved", at(6)))
    folded = [s.code for s in await store.states() if not s.resolved]
    assert await store.open_codes() == folded == ["INC-3", "INC-1"]
    assert await store.current_code(preferred="INC-1") == "INC-1"
    assert await store.current_code(preferred="INC-2") == "INC-3"
    await store.close()


def _in_another_process(path, sql: str) -> str:
    """`sql` run on a connection of another process, opened and closed there: its answer."""
    import subprocess
    import sys

    program = (f"import sqlite3; c = sqlite3.connect({str(path)!r}); "
               f"print(c.execute({sql!r}).fetchone()[0]); c.close()")
    return subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, check=True).stdout.strip()


async def test_a_second_store_on_the_same_file_leaves_the_first_ones_commits_seen_by_others(db_file):
    # A plain open and close of the file in this process would drop every lock SQLite holds on
    # it here (POSIX locks are the process's): another process closing its connection would then
    # take itself for the last one and delete the WAL, and what the first store commits next
    # would go to a file nobody else reads (CI once read 3 subscribers where 2 were committed).
    first, _ = await declared(db_file)
    second = await Store.open(db_file)  # (its checks of the file: the header, whether it can write)
    await second.close()
    assert _in_another_process(db_file, "SELECT count(*) FROM incident") == "1"  # (closed there: not the last)
    await first.declare(actions.declare("bob", at(1), "Second", "P2"))
    try:
        assert _in_another_process(db_file, "SELECT count(*) FROM incident") == "2"
    finally:
        await first.close()


async def test_a_store_closed_twice_leaves_another_ones_connection_counted(db_file):
    from warroom.store.files import connected_here

    first, _ = await declared(db_file)
    second = await Store.open(db_file)
    await second.close()
    await second.close()
    assert connected_here(db_file)  # (so the second store's checks never open the file beside the first)
    await first.close()
    assert not connected_here(db_file)
