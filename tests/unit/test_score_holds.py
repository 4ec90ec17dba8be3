"""A drill's score that holds (issue 29): each breach a resolution could quietly skip is
deducted and said, a missed target reads missed, and the clock paused by the players costs
past two minutes. Each test here fails on the main before this change."""

from datetime import timedelta

import pytest
from helpers import Book, at

from warroom.domain import actions, followups, practice
from warroom.domain.model import EFFECTIVE, PULLED, STEP_DEPLOYED, STEP_FLAG_REENABLED, STEP_ROOT_CAUSE, STEP_SOAK, STEP_STAGING
from warroom.domain.policy import CLIENT_NOTICE, RESOLUTION_NOTICE
from warroom.domain.schema import Published, event
from warroom.domain.scoring import COST, score


def played_well(book: Book, *, finding: bool = True, fix: bool = True, notice: bool = True, published: bool = True,
                path: bool = True) -> Book:
    """A P1 drill played by the rules, less what is asked to be left out."""
    book.do(actions.set_lever, "alice", at(1), 1, PULLED)
    book.do(actions.set_lever, "alice", at(2), 1, EFFECTIVE)
    book.do(actions.notify, "alice", at(3), "manager", "Dana", switch=True)
    book.do(actions.communicate, "alice", at(4), CLIENT_NOTICE, "We know.", sent=True, switch=True)
    if published:
        book._add([event(book.state.code, at(4.5), "alice", "communicator", Published(how="by hand"))])
    if finding:
        book.do(actions.report_finding, "bob", at(5), "the deploy changed the token format", switch=True)
        book.do(actions.acknowledge, "alice", at(5.5), book.state.findings[0].id, switch=True)
    book.do(actions.resolution_step, "alice", at(6), STEP_ROOT_CAUSE, note_text="the token format", switch=True)
    if path:
        book.do(actions.resolution_step, "alice", at(7), STEP_STAGING)
        if fix:
            book.do(actions.resolution_step, "alice", at(8), STEP_DEPLOYED)
            book.do(actions.resolution_step, "alice", at(9), STEP_FLAG_REENABLED)
        book.do(actions.resolution_step, "alice", at(20), STEP_SOAK)
    book.do(followups.add, "alice", at(21), "a smoke test", "bob")
    book.do(actions.resolve, "alice", at(22), override="" if path and fix else "resolving for the test")
    if notice:
        book.do(actions.communicate, "alice", at(23), RESOLUTION_NOTICE, "It is over.", sent=True, switch=True)
    return book


def drill() -> Book:
    return Book(severity="P1", drill="jwt-outage")


def costs(book: Book, **targets) -> dict[str, int]:
    card = score(book.state, at(30), {name: timedelta(minutes=m) for name, m in targets.items()})
    return {line.rule: line.cost for line in card.lines if line.cost}


def test_played_by_the_rules_nothing_is_deducted():
    assert costs(played_well(drill())) == {}


@pytest.mark.parametrize("left_out, rule, cost", [
    ({"path": False}, "the resolution path followed", COST["path"]),
    ({"fix": False}, "a fix deployed", COST["no fix"]),
    ({"notice": False}, "the client told it is over", COST["resolution notice"]),
    ({"published": False}, "the status page published", COST["status page"]),
    ({"finding": False}, "a root cause from evidence", COST["guessed"]),
])
def test_each_breach_a_resolution_could_skip_is_deducted(left_out, rule, cost):
    found = costs(played_well(drill(), **left_out))
    assert found.get(rule) == cost, found


def test_a_finding_never_acknowledged_costs_and_says_so():
    book = played_well(drill())
    book.do(actions.report_finding, "bob", at(24), "and the cache held old keys", switch=True)
    card = score(book.state, at(30))
    assert [(line.what, line.cost) for line in card.lines if line.rule == "every finding taken in"] == [("1 never acknowledged", 5)]


def test_a_missed_target_reads_missed_not_held():
    text = score(played_well(drill()).state, at(30), {"identify": timedelta(minutes=2)}).text()
    assert "   ✘  target: identify: missed: 06:00 against 02:00" in text
    assert "✔  target" not in text


def test_the_players_pauses_cost_past_two_minutes_and_a_facilitators_are_free():
    book = played_well(drill())
    book.do(practice.pause, "alice", at(24))
    book.do(practice.resume, "alice", at(24), timedelta(minutes=5, seconds=30))
    assert costs(book) == {"the clock kept running": 3}  # 5:30 paused, 2 free: 3 whole minutes past them
    book.do(practice.pause, "dana", at(25), "facilitator")
    book.do(practice.resume, "dana", at(25), timedelta(minutes=30), "facilitator")
    assert costs(book) == {"the clock kept running": 3}
    book.do(practice.pause, "alice", at(26))
    book.do(practice.resume, "alice", at(26), timedelta(minutes=60))
    assert costs(book) == {"the clock kept running": 10}  # at most 10
    with pytest.raises(actions.RuleBroken, match="not paused"):
        practice.resume(book.state, "alice", at(27), timedelta(minutes=1))


def test_a_pause_is_charged_to_whoever_took_it_whoever_lets_the_drill_go_on():
    book = played_well(drill())
    book.do(practice.pause, "alice", at(24))  # the players pause; the facilitator lets it go on
    book.do(practice.resume, "dana", at(24), timedelta(minutes=6), "facilitator")
    assert book.state.paused_by_players == 360 and costs(book) == {"the clock kept running": 4}
    book.do(practice.pause, "dana", at(25), "facilitator")  # the facilitator pauses; a player goes on
    book.do(practice.resume, "alice", at(25), timedelta(minutes=30))
    assert book.state.paused_by_players == 360 and book.state.paused_in_all == 360 + 1800
    assert book.state.paused_by == "" and book.state.paused_at is None


def test_how_long_a_pause_stood_is_read_from_the_drill_clock_and_the_timeline():
    """The facilitator's console did not take the players' pause, so it cannot have timed it: the
    pause's drill time, turned back to real time by the declaration's clock, times it."""
    from warroom.drills.clock import stood

    real_start = at(100)  # (the real time the drill began; its own time starts at its detection, T0)
    book = Book(severity="P1", drill="jwt-outage", drill_clock=(10.0, real_start))
    assert stood(book.state, real_start + timedelta(minutes=5)) == timedelta(0)  # not paused
    book.do(practice.pause, "alice", at(5))  # 30 real seconds in, at speed 10
    assert stood(book.state, real_start + timedelta(seconds=90)) == timedelta(minutes=10)  # a real minute later
    book.do(practice.resume, "dana", at(5), timedelta(minutes=10), "facilitator")
    book.do(practice.pause, "alice", at(7))  # 102 real seconds in: 42 running at speed 10, 60 standing
    assert stood(book.state, real_start + timedelta(seconds=162)) == timedelta(minutes=10)
    assert stood(book.state, real_start) == timedelta(0)  # (a clock behind the pause: never negative)


def test_a_customer_report_must_be_answered_by_a_message_to_the_client_in_time():
    from warroom.domain.scoring import Asks

    book = played_well(drill())  # the client notice at T+4, the resolution notice at T+23
    asks = Asks(reports=(at(3),), answer_within=timedelta(minutes=10))
    card = score(book.state, at(30), asks=asks)
    assert [(line.what, line.cost) for line in card.lines if line.rule == "customer report #1 answered"] == [
        ("answered 01:00 after it", 0)]
    waiting = score(drill().state, at(8), asks=Asks(reports=(at(5),), answer_within=timedelta(minutes=10)))
    assert [(line.what, line.cost) for line in waiting.lines if line.rule == "customer report #1 answered"] == [
        ("not answered yet, still in time", 0)]
    late = score(book.state, at(30), asks=Asks(reports=(at(5),), answer_within=timedelta(minutes=10)))  # next: T+23
    assert [(line.what, line.cost) for line in late.lines if line.rule == "customer report #1 answered"] == [
        ("answered only 18:00 after it (within 10 min asked)", COST["unanswered"])]


def test_a_lever_the_scenario_needs_must_be_run():
    from warroom.domain.scoring import Asks

    book = played_well(drill())
    card = score(book.state, at(30), asks=Asks(levers=(4,)))
    assert [(line.rule, line.cost) for line in card.lines if line.cost] == [("lever 4 (data correction) run", COST["lever needed"])]
    book.do(actions.set_lever, "alice", at(24), 4, PULLED, reason="orders since 09:00 are wrong", switch=True)
    book.do(actions.set_lever, "alice", at(25), 4, EFFECTIVE)
    ran = score(book.state, at(30), asks=Asks(levers=(4,)))
    assert [(line.what, line.cost) for line in ran.lines if line.rule == "lever 4 (data correction) run"] == [("run and effective", 0)]


def test_bad_migration_needs_its_data_correction_and_a_quick_answer_to_the_customer():
    from warroom.drills import asks
    from warroom.drills.scenario import find

    scenario = find("bad-migration")
    assert scenario.needs_levers == (4,) and scenario.answer_within == timedelta(minutes=10)
    book = played_well(Book(severity="P1", drill="bad-migration"))
    found = asks(scenario, book.state, at(30))
    assert found.reports == (at(14),) and found.levers == (4,)
