"""One contract for every store (issue 15): the same behaviour on SQLite and on PostgreSQL, on a
real file and a real server. The console and the CLI do not know which one they have."""

import asyncio
from contextlib import asynccontextmanager

import msgspec
import pytest
from helpers import at

from warroom.domain import actions
from warroom.domain.incident import fold
from warroom.domain.model import Event
from warroom.domain.schema import SchemaError
from warroom.drills.demo import write_demo
from warroom.service import Service
from warroom.store import StoreError, open_store


@asynccontextmanager
async def store_at(target, read_only: bool = False):
    store = await open_store(target, read_only=read_only)
    try:
        yield store
    finally:
        await store.close()


async def test_declared_incidents_get_codes_and_events_come_back_in_order_with_ids(backend):
    async with store_at(backend) as store:
        first = await store.declare(actions.declare("alice", at(0), "Login fails", "P1", impact="everyone"))
        second = await store.declare(actions.declare("bob", at(1), "Checkout slow", "P2", impact="buyers"))
        notes = await store.append([Event("INC-1", at(2), "alice", "commander", "note", {"text": f"n{n}"}) for n in range(3)])
        assert (first.incident, second.incident) == ("INC-1", "INC-2")
        assert [e.id for e in notes] == sorted(e.id for e in notes) and notes[0].id > second.id
        assert [e.payload["text"] for e in (await store.events("INC-1"))[1:]] == ["n0", "n1", "n2"]
        assert [row.code for row in await store.incidents()] == ["INC-2", "INC-1"]
        assert await store.current_code() == "INC-2" and await store.current_code("INC-1") == "INC-1"


async def test_a_bad_event_or_an_unknown_incident_writes_nothing(backend):
    async with store_at(backend) as store:
        await store.declare(actions.declare("alice", at(0), "Login fails", "P1", impact="everyone"))
        good = Event("INC-1", at(1), "alice", "commander", "note", {"text": "kept?"})
        with pytest.raises(SchemaError):
            await store.append([good, Event("INC-1", at(1), "alice", "commander", "lever changed", {"lever": 9})])
        with pytest.raises(StoreError, match="no incident INC-7"):
            await store.append([good, Event("INC-7", at(1), "alice", "commander", "note", {"text": "x"})])
        assert len(await store.events("INC-1")) == 1  # neither transaction left its first event
        await store.append([good])
        assert len(await store.events("INC-1")) == 2  # and the store still writes


async def test_summaries_openings_and_pages_equal_the_fold_of_the_log(backend):
    async with store_at(backend) as store:
        code = await write_demo(Service(store, None, lambda: at(60)), at(60))
        await store.declare(actions.declare("bob", at(61), "Ärger beim Login", "P2", impact="some", service="auth"))
        events = await store.events(code)
        full = fold(events)
        opened = await store.opening(code)
        assert msgspec.structs.replace(opened.state, events=[]) == msgspec.structs.replace(full, events=[])
        assert opened.state.events == events[-200:] and opened.state.count == len(events)
        listed = {s.code: s for s in await store.summaries()}
        assert (listed[code].status, listed[code].title) == (full.status, full.title)
        found, count = await store.find("ärger")
        assert [s.code for s in found] == ["INC-2"] and count == 1
        assert await store.open_codes() == ["INC-2"]  # the demo is resolved
        for index in (0, 3, len(events) - 5):
            assert await store.page(code, index=index, limit=5) == events[index:index + 5]
        assert await store.page(code, after=events[2].id, limit=2) == events[3:5]
        assert await store.page(code, before=events[5].id, limit=2) == events[3:5]


async def test_an_import_twice_adds_nothing_the_second_time(backend):
    async with store_at(backend) as store:
        code = await write_demo(Service(store, None, lambda: at(60)), at(60))
        events = await store.events(code)
        assert await store.import_incident(code, events) == (code, 0)
        assert len(await store.events(code)) == len(events)


async def test_read_only_refuses_every_write_and_reads(backend):
    store = await open_store(backend)
    await store.declare(actions.declare("alice", at(0), "Login fails", "P1", impact="everyone"))
    await store.close()
    async with store_at(backend, read_only=True) as reader:
        with pytest.raises(StoreError, match="read-only"):
            await reader.append([Event("INC-1", at(1), "alice", "commander", "note", {"text": "no"})])
        assert [e.kind for e in await reader.events("INC-1")] == ["declared"]


async def test_writers_at_once_keep_every_event_and_codes_stay_unique(backend):
    first = await open_store(backend)
    await first.declare(actions.declare("alice", at(0), "Login fails", "P1", impact="everyone"))
    await first.close()

    async def writer(n: int) -> None:
        async with store_at(backend) as store:
            for k in range(10):
                await store.append([Event("INC-1", at(1), f"w{n}", "commander", "note", {"text": f"{n}-{k}"})])
            await store.declare(actions.declare(f"w{n}", at(2), f"from writer {n}", "P3", impact="x"))

    await asyncio.gather(*(writer(n) for n in range(4)))
    async with store_at(backend) as store:
        texts = {e.payload["text"] for e in await store.events("INC-1") if e.kind == "note"}
        assert texts == {f"{n}-{k}" for n in range(4) for k in range(10)}
        assert sorted(row.code for row in await store.incidents()) == ["INC-1", "INC-2", "INC-3", "INC-4", "INC-5"]
        assert (await store.opening("INC-1")).state.count == 41  # the summary kept up with every writer


async def test_two_people_taking_the_same_hat_at_once_end_with_one_holder_and_one_refusal(backend):
    """The rule is held by the database, under the writers' lock: both saw the hat free (or worn
    by the same person) and pressed at the same moment; one commit wins, the other is refused
    with a clear message and writes nothing. Raced many times, on two connections."""
    from warroom.store import Conflict

    alice, bob = await open_store(backend), await open_store(backend)
    try:
        for race in range(25):
            declared = await alice.declare(actions.declare("carol", at(0), f"race {race}", "P1", impact="x"))
            code = declared.incident
            if race % 2:  # half the races: both take the commander hat from carol
                hat = "commander"
            else:  # the others: both put on the free communicator hat
                hat = "communicator"
            seen = await alice.load(code)
            drafts = {who: actions.wear_hat(seen, who, at(1), hat, take_over=True) for who in ("alice", "bob")}
            outcome = await asyncio.gather(alice.append(drafts["alice"]), bob.append(drafts["bob"]), return_exceptions=True)
            won = [who for who, done in zip(("alice", "bob"), outcome, strict=False) if not isinstance(done, BaseException)]
            refused = [done for done in outcome if isinstance(done, BaseException)]
            assert len(won) == 1 and len(refused) == 1, (race, outcome)
            assert isinstance(refused[0], Conflict) and f"{won[0]} took the {hat} hat" in str(refused[0])
            state = (await bob.opening(code)).state
            assert state.holders[hat] == won[0]
            worn = [e for e in await bob.events(code) if e.kind == "hat worn"]
            assert [e.actor for e in worn] == won  # the refused one wrote nothing
    finally:
        await alice.close()
        await bob.close()


async def test_a_hat_handed_on_in_order_is_never_refused(backend):
    """The check refuses only a taking that someone else's came before: taking a hat from the
    holder one saw, or putting on one's own again in a batch, goes through."""
    async with store_at(backend) as store:
        declared = await store.declare(actions.declare("alice", at(0), "Login fails", "P1", impact="x"))
        state = await store.load(declared.incident)
        await store.append(actions.wear_hat(state, "bob", at(1), "commander", take_over=True))
        state = await store.load(declared.incident)
        await store.append(actions.wear_hat(state, "alice", at(2), "commander", take_over=True)
                           + [Event(declared.incident, at(2), "alice", "commander", "note", {"text": "back"})])
        assert (await store.opening(declared.incident)).state.holders["commander"] == "alice"
