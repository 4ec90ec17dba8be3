"""`warroom copy` in batches (issue 26): many incidents a transaction, rows in bulk, each
incident whole or not at all, its summary written with it and equal to a fold of its log."""

import asyncio
import json

import msgspec
from helpers import at, everything, raw_sqlite

from warroom.domain import actions
from warroom.domain.incident import FOLD_VERSION
from warroom.moving import copying
from warroom.store import Store
from warroom.store.summary import decode


async def _incidents(path, count: int, first_minute: int = 0) -> None:
    store = await Store.open(path)
    try:
        for n in range(count):
            declared = await store.declare(actions.declare("alice", at(first_minute + n), f"incident {n}", "P2", detected=at(first_minute + n),
                                                           impact="checkout"))
            state = await store.load(declared.incident)
            await store.append(actions.note(state, "alice", at(first_minute + n, 30), f"note on {n} [b]🔥[/b]"))
    finally:
        await store.close()


def _summaries_are_folds_of_their_logs(path) -> None:
    with raw_sqlite(path) as raw:
        rows = raw.execute("SELECT i.code, s.fold_version, s.last_id, s.state FROM summary s JOIN incident i ON i.id = s.incident_id").fetchall()
        incidents = raw.execute("SELECT count(*) FROM incident").fetchone()[0]
    assert len(rows) == incidents

    async def folded() -> dict:
        store = await Store.open(path, read_only=True)
        try:
            return {code: msgspec.structs.replace(await store.load(code), events=[]) for code, *_ in rows}
        finally:
            await store.close()

    logs = asyncio.run(folded())
    for code, version, last_id, state in rows:
        assert version == FOLD_VERSION and last_id == logs[code].last_id
        assert decode(state) == logs[code], code


def test_a_copy_goes_in_batches_whole_incidents_each_with_its_summary(tmp_path, monkeypatch):
    source, target = tmp_path / "source.db", tmp_path / "target.db"
    asyncio.run(_incidents(source, 7))
    monkeypatch.setattr(copying, "BATCH_INCIDENTS", 3)  # 7 incidents: batches of 3, 3 and 1
    told: list[tuple] = []
    said: list[str] = []
    done = asyncio.run(copying.copy_all(source, target, said.append, lambda *numbers: told.append(numbers)))
    assert (done.incidents, done.events, done.there, done.refused) == (7, 14, 0, [])
    assert told == [(3, 7, 6, 14), (6, 7, 12, 14), (7, 7, 14, 14)]  # after each batch: incidents and events so far
    assert said == []  # nothing to say of an incident simply new there
    assert everything(target) == everything(source)
    _summaries_are_folds_of_their_logs(target)
    again = asyncio.run(copying.copy_all(source, target, said.append))
    assert (again.incidents, again.events, again.there) == (0, 0, 7) and everything(target) == everything(source)


def test_in_one_batch_an_incident_that_went_another_way_is_refused_and_the_others_are_copied(tmp_path):
    source, target = tmp_path / "source.db", tmp_path / "target.db"
    asyncio.run(_incidents(source, 4))
    asyncio.run(copying.copy_all(source, target, lambda line: None))

    async def diverge() -> None:
        for path, text in ((source, "only in the source"), (target, "only in the target")):
            store = await Store.open(path)
            try:
                await store.append(actions.note(await store.load("INC-2"), "alice", at(10), text))
            finally:
                await store.close()
        store = await Store.open(source)  # and one more incident, and a newer note on INC-3
        try:
            await store.append(actions.note(await store.load("INC-3"), "alice", at(11), "newer on 3"))
            await store.declare(actions.declare("bob", at(12), "a fifth", "P1", impact="logins"))
        finally:
            await store.close()

    asyncio.run(diverge())
    said: list[str] = []
    done = asyncio.run(copying.copy_all(source, target, said.append))
    assert done.refused == [f"INC-2: INC-2 in {target} and INC-2 in {source} went different ways; nothing imported"]
    assert said == [f"INC-2: not copied: {done.refused[0].removeprefix('INC-2: ')}", "INC-3: 1 event copied (the newer 1 of 3)"]
    assert (done.incidents, done.events, done.there) == (2, 2, 2)  # INC-3's newer note and INC-5 whole; INC-1 and INC-4 there
    copied, original = everything(target), everything(source)
    assert copied["INC-5"] == original["INC-5"] and copied["INC-3"] == original["INC-3"]
    assert [e[4] for e in copied["INC-2"]][-1] == {"text": "only in the target"}  # refused: nothing of it written
    _summaries_are_folds_of_their_logs(target)


def test_a_code_held_by_another_incident_there_is_copied_under_the_next_free_one(tmp_path):
    source, target = tmp_path / "source.db", tmp_path / "target.db"
    asyncio.run(_incidents(source, 2))
    asyncio.run(_incidents(target, 1, first_minute=100))  # INC-1 there is another incident
    said: list[str] = []
    done = asyncio.run(copying.copy_all(source, target, said.append))
    assert done.incidents == 2 and said == ["INC-1: 2 events copied as INC-2 (INC-1 there is another incident)",
                                            "INC-2: 2 events copied as INC-3 (INC-2 there is another incident)"]
    copied, original = everything(target), everything(source)
    assert (copied["INC-2"], copied["INC-3"]) == (original["INC-1"], original["INC-2"])
    _summaries_are_folds_of_their_logs(target)


def test_an_event_the_fold_cannot_read_refuses_its_incident_alone(tmp_path):
    source, target = tmp_path / "source.db", tmp_path / "target.db"
    asyncio.run(_incidents(source, 3))
    with raw_sqlite(source) as raw:  # a hand-made row in INC-2's log
        raw.execute("INSERT INTO event (incident_id, at, actor, role, kind, payload) VALUES (2, ?, 'x', 'commander', 'note', ?)",
                    (at(50).isoformat(), json.dumps({"text": 42})))
    done = asyncio.run(copying.copy_all(source, target, lambda line: None))
    assert [line.split(":")[0] for line in done.refused] == ["INC-2"] and done.incidents == 2
    assert set(everything(target)) == {"INC-1", "INC-3"}
    _summaries_are_folds_of_their_logs(target)


def test_an_incident_a_page_opened_keeps_its_alert_group_when_copied(tmp_path):
    """The group a page opened goes with its incident: the next page of that group, at the
    copy, joins it rather than opening another."""
    from helpers.pages import alert, alertmanager

    from warroom.integrations.alerts import alertmanager as decode

    source, target = tmp_path / "source.db", tmp_path / "target.db"

    async def page(path, minute: int, instance: str) -> str:
        store = await Store.open(path)
        try:
            body = json.dumps(alertmanager(alerts=[alert("CheckoutErrors", instance=instance)])).encode()
            taken = await store.take_page(decode(body, at(minute)))
            return [row.code for row in await store.incidents()][0] if taken else ""
        finally:
            await store.close()

    asyncio.run(page(source, 0, "web-1"))
    asyncio.run(copying.copy_all(source, target, lambda line: None))
    with raw_sqlite(target) as raw:
        assert raw.execute("SELECT count(*) FROM page_group").fetchone()[0] == 1
    asyncio.run(page(target, 5, "web-2"))  # the same group, at the copy
    with raw_sqlite(target) as raw:
        assert raw.execute("SELECT count(*) FROM incident").fetchone()[0] == 1
        assert raw.execute("SELECT count(*) FROM event WHERE kind = 'alert'").fetchone()[0] == 2


def test_a_payload_written_another_way_is_the_same_action_when_copied_again(tmp_path):
    """Texts compared first, payloads when the texts differ: a log whose payload was written
    with its keys in another order and its letters escaped has not gone another way."""
    source, target = tmp_path / "source.db", tmp_path / "target.db"
    asyncio.run(_incidents(source, 2))
    asyncio.run(copying.copy_all(source, target, lambda line: None))
    with raw_sqlite(source) as raw:
        (payload,) = raw.execute("SELECT payload FROM event WHERE incident_id = 2 AND kind = 'declared'").fetchone()
        written = json.dumps(dict(reversed(json.loads(payload).items())))  # (ensure_ascii: 🔥 escaped)
        assert written != payload
        raw.execute("UPDATE event SET payload = ? WHERE incident_id = 2 AND kind = 'declared'", (written,))
        raw.execute("UPDATE event SET payload = ? WHERE incident_id = 2 AND kind = 'note'",
                    (json.dumps({"text": "note on 1 [b]🔥[/b]"}),))
    said: list[str] = []
    again = asyncio.run(copying.copy_all(source, target, said.append))
    assert (again.incidents, again.there, again.refused, said) == (0, 2, [], [])


def test_newer_events_with_one_the_fold_cannot_read_refuse_that_incident_with_none_written(tmp_path):
    """An incident there already gets its newer events only when every one of them can be
    read: a good note before a bad row is not written alone (each newer event is checked
    before any is written)."""
    source, target = tmp_path / "source.db", tmp_path / "target.db"
    asyncio.run(_incidents(source, 2))
    asyncio.run(copying.copy_all(source, target, lambda line: None))
    before = everything(target)
    with raw_sqlite(source) as raw:
        for payload in ({"text": "a good note"}, {"text": 42}):
            raw.execute("INSERT INTO event (incident_id, at, actor, role, kind, payload) VALUES (2, ?, 'x', 'commander', 'note', ?)",
                        (at(50).isoformat(), json.dumps(payload)))
    done = asyncio.run(copying.copy_all(source, target, lambda line: None))
    assert [line.split(":")[0] for line in done.refused] == ["INC-2"] and done.incidents == 0
    assert everything(target) == before
    _summaries_are_folds_of_their_logs(target)


def test_a_copy_into_the_same_file_under_another_name_is_refused_and_writes_nothing(tmp_path):
    import os

    import pytest

    from warroom.store import StoreError

    source = tmp_path / "warroom.db"
    asyncio.run(_incidents(source, 2))
    linked = tmp_path / "other-name.db"
    os.link(source, linked)  # (a hard link: another path, the same file)
    before = everything(source)
    with pytest.raises(StoreError, match="is the database copied from"):
        asyncio.run(copying.copy_all(source, linked, lambda line: None))
    assert everything(source) == before
