"""A drill in the console (issue 29): an executive's or a customer's question is shown whole
where the communicator looks, until a message answers it; a pause is on the timeline and the
strip says PAUSED."""

import json
from datetime import timedelta

from helpers import Book, Clock, at, db_rows
from helpers.console import act, settle, together, until

from warroom.console.launch import make_app
from warroom.domain import actions, schema
from warroom.domain.model import COMMUNICATOR
from warroom.drills.clock import DrillClock
from warroom.drills.scenario import find
from warroom.store import Store

QUESTION = ("VP Engineering asks: are logins down for everyone? Sales has a demo at the top of the hour and the "
            "customer on the call is our largest account, so we need to know what to tell them before then")


async def a_drill(db_file, hat: str = "") -> None:
    store = await Store.open(db_file)
    try:
        declared = await store.declare(actions.declare("alice", at(0), "Logins rejected", "P1", drill="jwt-outage",
                                                       impact="logins for every user"))
        if hat:  # the communicator, who told the engineering manager already (no surprises)
            await store.append(actions.wear_hat(await store.load(declared.incident), "alice", at(1), hat))
            await store.append(actions.notify(await store.load(declared.incident), "alice", at(2), "manager", "Dana"))
        await store.append([schema.event(declared.incident, at(3), "drill #5: VP Engineering", COMMUNICATOR,
                                         schema.Note(text=QUESTION))])
    finally:
        await store.close()


def players(db_file, speed: float = 10):
    """The players' console on the drill `a_drill` wrote, its clock at `speed` on a real clock
    the test moves: (the app, the real clock, the drill's clock)."""
    real = Clock(at(4))
    clock = DrillClock(speed, real=real, start=at(4))
    return make_app(db_file, clock=clock, actor="alice", clipboard=[], drill=find("jwt-outage")), real, clock


def asked_text(app) -> str:
    part = app.main_screen.query_one("#communicator").query_one("#asked")
    return str(part.content) if part.display else ""


async def test_a_question_is_shown_whole_for_the_communicator_until_a_message_answers_it(db_file):
    await a_drill(db_file, hat=COMMUNICATOR)
    app = make_app(db_file, clock=Clock(at(4)), actor="alice", clipboard=[("board", lambda text: True)])
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await until(pilot, lambda: QUESTION in asked_text(app), "the question shown whole")
        await act(pilot, "y")  # the client notice, copied and recorded as sent
        await act(pilot, "enter")
        await until(pilot, lambda: asked_text(app) == "", "the question answered")
    assert "communication sent" in [kind for _, kind, _ in db_rows(db_file)]


async def test_space_pauses_the_drill_on_the_timeline_and_the_strip_says_so(db_file):
    await a_drill(db_file)
    app, real, clock = players(db_file)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await act(pilot, "space")
        await until(pilot, lambda: app.state.paused_at is not None, "the pause committed")
        assert "⏸ PAUSED" in str(app.main_screen.query_one("#strip").render())
        real.advance(minutes=1)  # a real minute: ten on the drill's clock, standing still
        await act(pilot, "space")
        await until(pilot, lambda: app.state.paused_at is None, "the drill going on")
        assert app.state.paused_by_players == timedelta(minutes=10).total_seconds()
    kinds = [kind for _, kind, _ in db_rows(db_file) if kind.startswith("drill ")]
    assert kinds == ["drill paused", "drill resumed"]


async def test_an_inject_the_facilitator_fired_early_is_not_fired_again_at_its_time(db_file):
    from warroom.drills import injects

    await a_drill(db_file)
    app, real, _ = players(db_file, speed=1)
    scenario = app.drill
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        store = await Store.open(db_file)  # the facilitator's console, another writer
        try:
            await store.append(injects.fire(scenario, await store.load("DRILL-1"), 5, at(5)))  # #5: the executive, due at T+12
        finally:
            await store.close()
        await until(pilot, lambda: any("Sales has a demo" in str(e.payload) for e in app.state.events), "the early inject seen")
        real.advance(minutes=10)  # past T+12 on the drill's clock
        await app._run_drill()  # the drill's look at its script (four times a second), once now
        await settle(pilot)
    asked = [payload for _, kind, payload in db_rows(db_file) if kind == "note" and "Sales has a demo" in payload]
    assert len(asked) == 1


async def test_the_facilitator_lets_a_drill_the_players_paused_go_on_and_the_pause_is_timed_and_theirs(db_file):
    """The facilitator's console did not take this pause, so it times it from the timeline: a
    pause taken 30 real seconds into a drill at speed 10, ended a real minute later, stood ten
    drill minutes, and the players are charged for it."""
    from warroom.console.facilitator import FacilitatorApp
    from warroom.domain import practice

    real_start = at(100)
    store = await Store.open(db_file)
    try:
        code = (await store.declare(actions.declare("alice", at(0), "Logins rejected", "P1", drill="jwt-outage",
                                                    drill_clock=(10.0, real_start)))).incident
        await store.append(practice.pause(await store.load(code), "alice", at(5)))  # the players' console, at T+5
    finally:
        await store.close()
    real = Clock(real_start + timedelta(seconds=90))
    app = FacilitatorApp(db_file, code, find("jwt-outage"), "dana", real)
    async with app.run_test(size=(120, 36)) as pilot:
        await until(pilot, lambda: app.state is not None and app.state.paused_at is not None, "the players' pause read")
        await act(pilot, "space")
        await until(pilot, lambda: app.state.paused_at is None, "the drill going on")
        assert "players' pauses: 10:00" in str(app.query_one("#top").render())
    resumed = [json.loads(payload) for _, kind, payload in db_rows(db_file) if kind == "drill resumed"]
    assert resumed == [{"by": "facilitator", "paused_seconds": 600.0}]


async def test_the_facilitators_observation_is_not_read_out_on_the_players_timeline(db_file):
    """The players see that an observation was noted, not what it says: it is for the review,
    where the scorecard and the export read it out."""
    from warroom.console.timeline import Timeline
    from warroom.console.views import OBSERVED, OBSERVER
    from warroom.drills import injects

    assert injects.actor(0, "facilitator") == OBSERVER
    await a_drill(db_file)
    store = await Store.open(db_file)
    try:
        await store.append(injects.ad_hoc(await store.load("DRILL-1"), "observation", "the commander forgot lever 2", at(4)))
    finally:
        await store.close()
    app = make_app(db_file, clock=Clock(at(5)), actor="alice", clipboard=[])
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        rows = app.main_screen.query_one(Timeline).lines
    assert rows[-1].endswith(f" CMD facilitator: {OBSERVED}")
    assert not any("forgot lever 2" in row for row in rows)
    assert any("the commander forgot lever 2" in payload for _, kind, payload in db_rows(db_file))  # the record keeps it


async def test_the_players_clock_keeps_the_timelines_time_through_a_facilitators_pause_seen_late(db_file):
    """The players' console sees the facilitator's pause and go-on a moment after they were
    written (it looks twice a second; here a real second, ten drill seconds): its clock stands at
    the pause's time, and goes on at the time the timeline gives, not ten seconds apart."""
    from warroom.console.launch import make_app
    from warroom.domain import practice
    from warroom.drills.clock import drill_now, stood

    real = Clock(at(100))
    clock = DrillClock(10, real=real)
    store = await Store.open(db_file)
    try:
        detected = clock()
        code = (await store.declare(actions.declare("alice", detected, "Logins rejected", "P1", detected=detected,
                                                    drill="jwt-outage", drill_clock=(10.0, clock.real_origin)))).incident
        app = make_app(db_file, clock=clock, actor="alice", clipboard=[], drill=find("jwt-outage"), code=code)
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            real.advance(seconds=30)
            taken = clock()  # the facilitator pauses at T+5 ...
            real.advance(seconds=1)  # ... and the players' console sees it a real second later
            await store.append(practice.pause(await store.load(code), "dana", taken, "facilitator"))
            await until(pilot, lambda: clock.paused, "the pause followed")
            assert clock() == taken == app.state.paused_at
            real.advance(seconds=59)  # the facilitator lets it go on a real minute after pausing ...
            state = await store.load(code)
            await store.append(practice.resume(state, "dana", taken, stood(state, real()), "facilitator"))
            real.advance(seconds=1)  # ... seen a real second later
            await until(pilot, lambda: not clock.paused, "the go-on followed")
            assert clock() == drill_now(app.state, real()) == taken + timedelta(seconds=10)
    finally:
        await store.close()


async def test_space_twice_at_once_leaves_the_clock_and_the_timeline_agreeing(db_file):
    """Found by random keys in tmux: two spaces in one read paused the clock and let it go on,
    while the timeline took only the pause; then a go-on of 0 s was written for a drill whose
    clock was standing. The second space now waits for the first's commit."""
    await a_drill(db_file)
    app, real, clock = players(db_file)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        together(app, "space", "space")
        await until(pilot, lambda: app.state.paused_at is not None, "the pause committed")
        await settle(pilot)
        assert clock.paused and app.state.paused_at is not None
        real.advance(minutes=1)
        await act(pilot, "space")
        await until(pilot, lambda: app.state.paused_at is None, "the drill going on")
        assert not clock.paused
    said = [(kind, json.loads(payload)) for _, kind, payload in db_rows(db_file) if kind.startswith("drill ")]
    assert said == [("drill paused", {}), ("drill resumed", {"paused_seconds": 600.0})]


def test_the_timeline_names_an_inject_by_who_plays_it_not_a_cut_drill_number():
    """An inject's actor is "drill #1: dashboards" (the number finds the inject again); in the
    timeline's 12 columns for who, it read "drill #1: d…". It names who plays it instead."""
    from warroom.console.views import timeline_row, unacknowledged
    from warroom.domain.model import INVESTIGATOR

    said = schema.event("DRILL-1", at(6), "drill #1: dashboards", INVESTIGATOR, schema.Note(text="errors fell to zero"))
    assert " INV dashboards: errors fell to zero" in timeline_row(said, at(0))
    asked = schema.event("DRILL-1", at(7), "drill #12: VP Engineering", COMMUNICATOR, schema.Note(text="are we down?"))
    assert " COM VP Engineer…: are we down?" in timeline_row(asked, at(0))
    person = schema.event("DRILL-1", at(8), "alice", COMMUNICATOR, schema.Note(text="on it"))
    assert " COM alice: on it" in timeline_row(person, at(0))
    book = Book()  # the commander's findings waiting name it so too
    book.do(actions.report_finding, "drill #4: investigator", at(6), "401s begin at the 142 deploy", switch=True)
    assert unacknowledged(book.state).plain == "1 finding to acknowledge (a):\n #1 investigator: 401s begin at the 142 deploy"


async def test_the_facilitators_console_at_80x24_keeps_a_line_to_each_inject_and_event_cut_with_a_mark(db_file):
    """At 80×24 the script's lines wrapped into the next inject's (an alert's text began a line
    of its own at the left edge); each inject and event is one line, cut with … at the edge."""
    from warroom.console.facilitator import FacilitatorApp

    store = await Store.open(db_file)
    try:
        code = (await store.declare(actions.declare("alice", at(0), "Logins rejected after auth-service 142 " * 3, "P1",
                                                    drill="jwt-outage", drill_clock=(10.0, at(100))))).incident
    finally:
        await store.close()
    app = FacilitatorApp(db_file, code, find("jwt-outage"), "dana", Clock(at(101)))
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: app.state is not None, "the drill read")
        await settle(pilot)
        for part in ("#top", "#script"):
            widget = app.query_one(part)
            lines = str(widget.render()).splitlines()
            assert widget.size.height == len(lines), (part, widget.size.height, lines)  # not one wrapped
        rows = [app.query_one("#script").render_line(y).text for y in range(app.query_one("#script").size.height)]
        assert any(row.rstrip().endswith("…") for row in rows), rows  # an inject's text cut at the edge, marked
        recent = [app.query_one("#recent").render_line(y).text for y in range(3)]
        assert recent[1].rstrip().endswith("…") and not recent[2].strip(), recent  # the long declaration: one line
