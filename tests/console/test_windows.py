"""Huge timelines (issue 14): an incident opens from its summary (the fold's snapshot) plus the
events after it, equal to a fold of the whole log; the timeline holds a window of the log, read
by event id as the person scrolls, right at its first event, its last, and while new events come."""

import asyncio

import msgspec
from helpers import Clock, at, raw_sqlite
from helpers.console import settle, until
from helpers.incidents import incidents
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from warroom.console import timeline as timeline_module
from warroom.console.launch import make_app
from warroom.console.views import timeline_row
from warroom.domain import actions
from warroom.domain.incident import fold
from warroom.domain.model import Event
from warroom.drills.demo import write_demo
from warroom.service import Service
from warroom.store import Store, peek, summary
from warroom.store.reading import RECENT

BIG = 3000  # events in the big test incident: three times what the timeline may hold


def whole(state):
    return msgspec.structs.replace(state, events=[])


def snapshot_at(db_file, code: str, events: list[Event], cut: int) -> None:
    """Put the summary back to what it was after the first `cut` events (an older snapshot)."""
    state = fold(events[:cut])
    with raw_sqlite(db_file) as raw:
        incident_id = raw.execute("SELECT id FROM incident WHERE code = ?", (code,)).fetchone()[0]
        raw.execute("UPDATE summary SET last_id = ?, state = ? WHERE incident_id = ?",
                    (state.last_id, summary.encode(state), incident_id))


async def stored_events(db_file, code: str) -> list[Event]:
    store = await Store.open(db_file, read_only=True)
    try:
        return await store.events(code)
    finally:
        await store.close()


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(book=incidents(), cut=st.floats(0, 1))
def test_a_snapshot_plus_its_tail_is_the_fold_of_the_whole_log(tmp_path, book, cut):
    db = tmp_path / f"s{abs(hash(str(book.events)))}.db"

    async def check():
        store = await Store.open(db)
        await store.import_incident("INC-1", book.events)
        await store.close()
        events = await stored_events(db, "INC-1")
        snapshot_at(db, "INC-1", events, int(cut * len(events)))
        opened = peek(db, "INC-1")  # before the console's loop: the same read the store makes
        store = await Store.open(db, read_only=True)
        again = await store.opening("INC-1")
        await store.close()
        full = fold(events)
        for state in (opened.state, again.state):
            assert whole(state) == whole(full) and state.count == len(events)
            assert state.events == events[-RECENT:]

    asyncio.run(check())
    db.unlink()


async def test_the_demo_incident_opens_the_same_from_a_snapshot_at_every_event(db_file):
    store = await Store.open(db_file)
    code = await write_demo(Service(store, None, lambda: at(60)), at(60))
    await store.close()
    events = await stored_events(db_file, code)
    full = whole(fold(events))
    for cut in range(len(events) + 1):
        snapshot_at(db_file, code, events, cut)
        assert whole(peek(db_file, code).state) == full, cut


async def big_incident(db_file, count: int = BIG) -> list[Event]:
    """An incident of `count` notes, with another incident's events in between (so its ids are
    not one run of numbers), written in a few transactions."""
    store = await Store.open(db_file)
    await store.declare(actions.declare("alice", at(0), "big", "P1", impact="everyone"))
    await store.declare(actions.declare("bob", at(0), "other", "P2", impact="some"))
    for start in range(1, count, 500):
        batch = []
        for n in range(start, min(start + 500, count)):
            batch.append(Event("INC-1", at(0, n), "alice", "commander", "note", {"text": f"note {n}"}))
            if n % 7 == 0:
                batch.append(Event("INC-2", at(0, n), "bob", "commander", "note", {"text": f"other {n}"}))
        await store.append(batch)
    await store.close()
    return await stored_events(db_file, "INC-1")


async def test_pages_by_id_and_by_position_are_the_log_in_order(db_file):
    events = await big_incident(db_file, 1200)
    store = await Store.open(db_file, read_only=True)
    last = events[-1].id
    try:
        for near in ((-1, 0), (len(events) - 1, last), (600, events[600].id)):
            for index in (0, 1, 250, 599, 600, 601, 1000, 1150, 1190, 1199):
                page = await store.page("INC-1", index=index, near=near, limit=40)
                assert page == events[index:index + 40], (near, index)
        assert await store.page("INC-1", after=events[99].id, limit=5) == events[100:105]
        assert await store.page("INC-1", before=events[100].id, limit=5) == events[95:100]
        assert await store.page("INC-1", before=events[2].id, limit=5) == events[:2]
        assert await store.page("INC-1", after=last, limit=5) == []
    finally:
        await store.close()


def shown(timeline) -> list[str]:
    """The rows on screen now, as text."""
    return [timeline.render_line(y).text.rstrip() for y in range(timeline.scrollable_content_region.height)]


async def scrolled(pilot, timeline, *keys: str) -> list[str]:
    for key in keys:
        await pilot.press(key)
    await settle(pilot)
    await until(pilot, lambda: not timeline.fetching and timeline_module.PENDING not in shown(timeline), "the rows to be read")
    return shown(timeline)


async def the_timeline(pilot):
    """The console settled on its incident: its timeline."""
    await settle(pilot)
    return pilot.app.main_screen.query_one("#timeline")


def console_on(db_file):
    return make_app(db_file, clock=Clock(at(60)), actor="alice", clipboard=[], code="INC-1")


def expected(events, detected, start: int, count: int) -> list[str]:
    return [timeline_row(event, detected).rstrip() for event in events[start:start + count]]


async def test_the_timeline_holds_a_window_and_reads_the_log_at_both_ends(db_file):
    events = await big_incident(db_file)
    app = console_on(db_file)
    async with app.run_test(size=(100, 30)) as pilot:
        timeline = await the_timeline(pilot)
        height = timeline.scrollable_content_region.height
        detected = app.state.detected
        assert timeline.line_count == BIG and len(app.state.events) == RECENT
        assert timeline.held[1] == BIG and timeline.held[1] - timeline.held[0] <= timeline_module.KEEP
        assert shown(timeline) == expected(events, detected, BIG - height, height)  # the newest, at once
        timeline.focus()
        assert await scrolled(pilot, timeline, "home") == expected(events, detected, 0, height)  # the first event
        assert "declared" in shown(timeline)[0]
        assert timeline.held[1] - timeline.held[0] <= timeline_module.KEEP
        down = await scrolled(pilot, timeline, *["pagedown"] * 12)  # read on by id, past the first window
        top = int(timeline.scroll_offset.y)
        assert top > timeline_module.MARGIN and down == expected(events, detected, top, height)
        assert await scrolled(pilot, timeline, "end") == expected(events, detected, BIG - height, height)  # the last
        up = await scrolled(pilot, timeline, *["pageup"] * 40)
        top = int(timeline.scroll_offset.y)
        assert up == expected(events, detected, top, height) and top < BIG - RECENT - timeline_module.MARGIN
        timeline.scroll_to(y=BIG // 2, animate=False)  # the scroll bar dragged to the middle
        assert await scrolled(pilot, timeline) == expected(events, detected, BIG // 2, height)
        assert timeline.held[1] - timeline.held[0] <= timeline_module.KEEP + 2 * timeline_module.MARGIN


async def test_an_event_arriving_while_scrolled_up_leaves_the_rows_in_place(db_file):
    events = await big_incident(db_file)
    app = console_on(db_file)
    async with app.run_test(size=(100, 30)) as pilot:
        timeline = await the_timeline(pilot)
        timeline.focus()
        timeline.scroll_to(y=40, animate=False)  # straight up there: the held rows are fewer than KEEP
        before = await scrolled(pilot, timeline)
        top = timeline.scroll_offset.y
        assert timeline.held[1] - timeline.held[0] < timeline_module.KEEP
        store = await Store.open(db_file)  # another console writes
        await store.append([Event("INC-1", at(59), "bob", "investigator", "note", {"text": "arrived while scrolled up"})])
        await store.close()
        await app.catch_up()
        await settle(pilot)
        assert timeline.line_count == BIG + 1 and timeline.scroll_offset.y == top and shown(timeline) == before
        start, end = timeline.held
        assert timeline.lines == expected(events, app.state.detected, start, end - start)  # the new one not among them
        edge = timeline.held[1] - 5  # across the held rows' edge: the log's next rows, not the new event
        timeline.scroll_to(y=edge, animate=False)
        height = timeline.scrollable_content_region.height
        assert await scrolled(pilot, timeline) == expected(events, app.state.detected, edge, height)
        last = (await scrolled(pilot, timeline, "end"))[-1]
        assert "arrived while scrolled up" in last and events[-1].payload["text"] in shown(timeline)[-2]
        assert "arrived while scrolled up" in "\n".join(str(w.render()) for w in app.main_screen.query("#investigation"))


async def test_an_event_arriving_at_the_end_shows_at_once_and_the_window_stays_bounded(db_file):
    await big_incident(db_file, 1500)
    app = console_on(db_file)
    async with app.run_test(size=(100, 30)) as pilot:
        timeline = await the_timeline(pilot)
        store = await Store.open(db_file)
        for n in range(3):
            await store.append([Event("INC-1", at(59), "bob", "commander", "note", {"text": f"late {n} " + "x" * 2000})
                                for _ in range(400)])
        await store.close()
        await app.catch_up()
        await settle(pilot)
        assert timeline.line_count == 2700 and timeline.held[1] == 2700
        assert timeline.held[1] - timeline.held[0] <= timeline_module.KEEP
        assert "late 2" in shown(timeline)[-1] and len(app.state.events) == RECENT


async def test_a_summary_rebuilt_from_a_long_log_is_folded_in_chunks_and_equals_the_fold(db_file, monkeypatch):
    from warroom.store import reading

    events = await big_incident(db_file, 1200)
    with raw_sqlite(db_file) as raw:
        raw.execute("DELETE FROM summary")
    monkeypatch.setattr(reading, "CHUNK", 100)
    store = await Store.open(db_file)  # rebuilds the summaries, 100 events at a time
    opened = await store.opening("INC-1")
    await store.close()
    assert whole(opened.state) == whole(fold(events)) and opened.state.count == 1200


def test_the_investigators_pane_is_read_through_its_index(db_file):
    from warroom.store.reading import opening, run

    asyncio.run(big_incident(db_file, 50))
    plans = []
    with raw_sqlite(db_file) as raw:
        def traced(sql, args=()):
            plans.append((sql, raw.execute(f"EXPLAIN QUERY PLAN {sql}", args).fetchall()))
            return raw.execute(sql, args)

        class Traced:
            execute = staticmethod(traced)

        run(Traced, opening("INC-1"))
    investigation = [plan for sql, plan in plans if "finding reported" in sql]
    assert investigation and "event_investigation" in str(investigation[0])


def test_an_event_written_while_an_incident_opens_is_left_for_the_catch_up(db_file):
    """The opening's reads are separate statements: an event committed between the fold and the
    newest rows must not show up in the rows the state has not folded (the timeline would
    count it twice, once now and once when the console catches up)."""
    from warroom.store.reading import opening

    asyncio.run(big_incident(db_file, 30))
    with raw_sqlite(db_file) as raw:
        plan = opening("INC-1")
        query = next(plan)
        while "ORDER BY e.id DESC" not in query[0]:  # the fold is done: now another process writes
            query = plan.send(raw.execute(*query).fetchall())
        raw.execute("INSERT INTO event (incident_id, at, actor, role, kind, payload) VALUES "
                    "(1, ?, 'bob', 'investigator', 'note', '{\"text\": \"meanwhile\"}')", (at(59).isoformat(),))
        raw.commit()
        try:
            while True:
                query = plan.send(raw.execute(*query).fetchall())
        except StopIteration as done:
            opened = done.value
    assert opened.state.count == 30 and opened.state.events[-1].id == opened.state.last_id
    assert all(e.payload.get("text") != "meanwhile" for e in opened.state.events + opened.investigation)
