"""When an inject fires (issue 29): a fixed vocabulary of conditions, joined by `and`, read
from the scenario and judged on the drill's state at the inject's time; never code."""

from datetime import timedelta

import pytest
from helpers import Book, at

from warroom.domain import actions
from warroom.domain.model import EFFECTIVE, PULLED
from warroom.domain.policy import CLIENT_NOTICE
from warroom.drills import injects
from warroom.drills.conditions import ConditionError, parse
from warroom.drills.scenario import Inject, Scenario


@pytest.mark.parametrize("text", ["", "__import__('os')", "lever 5 pulled", "hat pilot free", "contained or not",
                                  "not contained and", " and ".join(["no root cause"] * 9), "lever 2 pulled; rm -rf"])
def test_anything_outside_the_vocabulary_is_refused_in_words(text):
    with pytest.raises(ConditionError):
        parse(text)


def test_each_condition_judges_the_state():
    book = Book(drill="x")
    fresh = book.state
    assert parse("not contained and no root cause and client notice not sent").holds(fresh)
    assert parse("lever 2 untried and hat investigator free").holds(fresh)
    assert not parse("lever 2 pulled").holds(fresh) and not parse("hat commander free").holds(fresh)
    book.do(actions.set_lever, "alice", at(1), 1, PULLED)
    book.do(actions.set_lever, "alice", at(2), 1, EFFECTIVE)
    book.do(actions.communicate, "alice", at(3), CLIENT_NOTICE, "We know.", sent=True, switch=True)
    assert parse("LEVER 1  pulled").holds(book.state)  # (case and spaces as a person types them)
    assert not parse("not contained").holds(book.state) and not parse("client notice not sent").holds(book.state)


def test_an_inject_whose_condition_fails_is_recorded_as_skipped_once_and_the_scorecard_lists_it():
    scenario = Scenario("x", "t", "P1", "svc", "impact", timedelta(0), injects=(
        Inject(timedelta(minutes=10), "exec", "is it fixed yet?", when=parse("not contained")),
        Inject(timedelta(minutes=10), "customer", "still broken for me", when=parse("lever 2 untried")),
    ))
    book = Book(drill="x")
    book.do(actions.set_lever, "alice", at(1), 1, PULLED)
    book.do(actions.set_lever, "alice", at(2), 1, EFFECTIVE)  # contained before T+10; lever 2 never pulled
    made = injects.due(scenario, book.state, at(10), set())
    assert [(e.actor, dict(e.payload)["text"]) for e in made] == [
        ("drill #1: skipped", 'inject #1 (exec) skipped: "not contained" did not hold at its time'),
        ("drill #2: customer report", "customer report arrives: still broken for me")]
    assert injects.done(book.state, made) == {1, 2}
    book._add(made)
    from warroom.domain.scoring import score
    from warroom.drills import asks

    card = score(book.state, at(20), asks=asks(scenario, book.state, at(20)))
    assert "   ·  an inject skipped: inject #1 (exec) skipped: \"not contained\" did not hold at its time" in card.text()


def test_someone_unavailable_frees_their_hat_and_the_player_must_take_it_again():
    from warroom.domain.model import INVESTIGATOR

    scenario = Scenario("x", "t", "P1", "svc", "impact", timedelta(0), injects=(
        Inject(timedelta(minutes=5), "unavailable", "", hat=INVESTIGATOR),))
    book = Book(drill="x")
    book.do(actions.wear_hat, "bob", at(1), INVESTIGATOR)
    made = injects.due(scenario, book.state, at(5), set())
    assert [(e.kind, dict(e.payload)) for e in made] == [
        ("hat freed", {"hat": "investigator", "who": "bob", "reason": "called away to another emergency"})]
    book._add(made)
    assert INVESTIGATOR not in book.state.holders and book.state.hat_spans[-1].end == at(5)
    book.do(actions.wear_hat, "alice", at(6), INVESTIGATOR)  # the handover: someone else takes it
    assert book.state.holders[INVESTIGATOR] == "alice"
    assert injects.done(book.state, made) == {1}
