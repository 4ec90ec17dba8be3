"""Being told of writes to a database file (inotify), and what is told: the database's own
files, not the folder's others."""

from __future__ import annotations

import sqlite3
import sys

import pytest

from warroom.store.watch import FileWatch

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="inotify is Linux's")


def test_a_commit_to_the_database_is_told_and_another_file_beside_it_is_not(tmp_path):
    path = tmp_path / "warroom.db"
    db = sqlite3.connect(path)
    db.execute("PRAGMA journal_mode = WAL")
    db.execute("CREATE TABLE t (x)")
    db.commit()
    watch = FileWatch.open(path)
    assert watch is not None
    try:
        assert watch.changes() is False  # nothing since it began
        (tmp_path / "notes.txt").write_text("not the database")
        assert watch.changes() is False
        db.execute("INSERT INTO t VALUES (1)")
        db.commit()  # (WAL: the commit writes warroom.db-wal)
        assert watch.changes() is True
        assert watch.changes() is False  # told once
        (tmp_path / "warroom.db-wal").unlink()
        assert watch.changes() is True  # removed under it: told too
    finally:
        watch.close()
        db.close()
    assert watch.fileno() == -1


def test_a_folder_that_cannot_be_watched_gives_no_watch(tmp_path):
    assert FileWatch.open(tmp_path / "no such folder" / "warroom.db") is None


@pytest.fixture
async def two_stores(tmp_path):
    """A follower's store and another process's, on one file with an incident in it."""
    from helpers import at

    from warroom.domain import actions
    from warroom.store import Store

    path = tmp_path / "warroom.db"
    store = await Store.open(path)
    other = await Store.open(path)
    try:
        await store.declare(actions.declare("alice", at(0), "x", "P2"))
        assert store.listens
        yield store, other
    finally:
        await other.close()
        await store.close()


async def _note(store, minute: int, text: str) -> None:
    from helpers import at

    from warroom.domain import actions

    await store.append(actions.note(await store.load("INC-1"), "alice", at(minute), text))


async def test_every_notice_of_a_write_wakes_the_follower_even_when_the_files_look_unchanged(two_stores):
    """Two commits a few milliseconds apart can leave the -wal file the same size (rewritten
    after a checkpoint) with the same coarse mtime: a CI run lost the second of two page
    acknowledgements that way. A notice is looked at even when the files' signature says nothing."""
    import asyncio

    store, other = two_stores
    store.changed = lambda: False  # the files' signature looks the same every time
    notices = store.notifications()
    await asyncio.wait_for(anext(notices), 5)  # watching
    await _note(other, 1, "another process's commit")
    await asyncio.wait_for(anext(notices), 5)  # told, though the signature said nothing changed
    await notices.aclose()


async def test_a_commit_readable_only_after_its_notice_was_looked_at_is_still_seen(two_stores):
    """A commit is told when its pages reach the -wal file and can be read once they are synced:
    under load (a CI run with PostgreSQL and Chromium beside it) the sync outlasted the settling
    time, the catch-up read nothing new, nothing more was told, and the console never showed the
    second of two page acknowledgements. After a notice the store looks again, and a commit by
    anyone else since then (data_version) is told, with no notice of its own."""
    import asyncio

    store, other = two_stores
    notices = store.notifications()
    await asyncio.wait_for(anext(notices), 5)  # watching
    await _note(other, 1, "the first acknowledgement")
    await asyncio.wait_for(anext(notices), 5)  # told, and read
    store._watch.unwake()  # the next commit's notice comes too early to count: here, not at all
    await _note(other, 2, "the second")
    await asyncio.wait_for(anext(notices), 5)  # told all the same
    assert [e.payload.get("text") for e in await store.events("INC-1")][-1] == "the second"
    await notices.aclose()
