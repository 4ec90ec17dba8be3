"""The seed's rules, enforced by the domain: levers in order, contained, staging gate, hats."""

import pytest
from helpers import Book, at

from warroom.domain import actions
from warroom.domain.actions import OutOfOrder, RoleHeld, RuleBroken, WrongHat
from warroom.domain.model import (
    COMMANDER,
    COMMUNICATOR,
    CONTAINED,
    EFFECTIVE,
    INVESTIGATOR,
    NO_EFFECT,
    PULLED,
    SKIPPED,
    STEP_DEPLOYED,
    STEP_FLAG_REENABLED,
    STEP_ROOT_CAUSE,
    STEP_STAGING,
    UNTRIED,
    Kind,
)


def test_the_declarer_wears_the_commander_hat():
    state = Book().state
    assert state.holders == {COMMANDER: "alice"}
    assert state.hat_of("alice") == COMMANDER


def test_levers_advance_untried_pulled_effective_and_set_contained():
    book = Book()
    book.do(actions.set_lever, "alice", at(2), 1, PULLED)
    assert book.state.lever(1).state == PULLED
    assert book.state.milestone(CONTAINED) is None
    book.do(actions.set_lever, "alice", at(5), 1, EFFECTIVE)
    assert book.state.lever(1).state == EFFECTIVE
    assert book.state.milestone(CONTAINED) == at(5)
    assert book.state.status == "contained"


def test_pulling_out_of_order_needs_a_reason():
    book = Book()
    with pytest.raises(OutOfOrder) as raised:
        book.do(actions.set_lever, "alice", at(1), 2, PULLED)
    assert raised.value.untried == [1]
    assert book.state.lever(2).state == UNTRIED
    [event] = book.do(actions.set_lever, "alice", at(1), 2, PULLED, reason="no flag guards this path")
    assert event.payload["out_of_order"] is True
    assert event.payload["reason"] == "no flag guards this path"


def test_a_skipped_lever_needs_a_reason_and_then_the_next_is_in_order():
    book = Book()
    with pytest.raises(RuleBroken, match="needs a reason"):
        book.do(actions.set_lever, "alice", at(1), 1, SKIPPED)
    book.do(actions.set_lever, "alice", at(1), 1, SKIPPED, reason="no flag exists")
    [event] = book.do(actions.set_lever, "alice", at(2), 2, PULLED)
    assert "out_of_order" not in event.payload


def test_a_lever_cannot_jump_states_but_a_correction_can_undo_a_press():
    book = Book()
    with pytest.raises(RuleBroken, match="cannot become effective"):
        book.do(actions.set_lever, "alice", at(1), 1, EFFECTIVE)
    book.do(actions.set_lever, "alice", at(1), 1, PULLED)
    book.do(actions.set_lever, "alice", at(2), 1, UNTRIED, correction=True)
    assert book.state.lever(1).state == UNTRIED
    assert book.events[-1].payload["correction"] is True
    assert len(book.events) == 3  # the mistaken press stays in the log


def test_contained_is_the_first_effective_lever():
    book = Book()
    book.do(actions.set_lever, "alice", at(1), 1, PULLED)
    book.do(actions.set_lever, "alice", at(3), 1, NO_EFFECT)
    book.do(actions.set_lever, "alice", at(4), 2, PULLED)
    book.do(actions.set_lever, "alice", at(9), 2, EFFECTIVE)
    book.do(actions.set_lever, "alice", at(10), 3, PULLED)
    book.do(actions.set_lever, "alice", at(12), 3, EFFECTIVE)
    assert book.state.milestone(CONTAINED) == at(9)


def test_the_flag_is_not_re_enabled_before_staging_confirms():
    book = Book()
    book.do(actions.set_lever, "alice", at(2), 1, "pulled")
    book.do(actions.resolution_step, "alice", at(8), STEP_ROOT_CAUSE)
    with pytest.raises(RuleBroken, match="tested in staging"):
        book.do(actions.resolution_step, "alice", at(9), STEP_FLAG_REENABLED)
    book.do(actions.resolution_step, "alice", at(12), STEP_STAGING)
    book.do(actions.resolution_step, "alice", at(13), STEP_DEPLOYED)
    book.do(actions.resolution_step, "alice", at(14), STEP_FLAG_REENABLED)
    assert STEP_FLAG_REENABLED in book.state.steps
    assert book.state.status == "monitoring"


def test_an_action_belongs_to_one_role_and_asks_for_a_hat_switch():
    book = Book()
    book.do(actions.wear_hat, "alice", at(1), INVESTIGATOR)
    with pytest.raises(WrongHat) as raised:
        book.do(actions.set_lever, "alice", at(2), 1, PULLED)
    assert (raised.value.needed, raised.value.wearing) == (COMMANDER, INVESTIGATOR)
    with pytest.raises(WrongHat):
        book.do(actions.notify, "alice", at(2), "manager", "Dana (EM)")
    events = book.do(actions.set_lever, "alice", at(2), 1, PULLED, switch=True)
    assert [e.kind for e in events] == [Kind.HAT_WORN, Kind.LEVER_CHANGED]
    assert [e.role for e in events] == [COMMANDER, COMMANDER]
    assert book.state.hat_of("alice") == COMMANDER


def test_alone_one_hat_at_a_time_every_switch_on_the_timeline():
    book = Book()
    book.do(actions.wear_hat, "alice", at(1), COMMUNICATOR)
    book.do(actions.wear_hat, "alice", at(2), INVESTIGATOR)
    state = book.state
    assert state.holders == {INVESTIGATOR: "alice"}
    assert [e.kind for e in state.events].count(Kind.HAT_WORN) == 2


def test_in_a_team_a_hat_has_one_holder_taken_over_only_when_asked():
    book = Book()
    book.do(actions.wear_hat, "bob", at(1), INVESTIGATOR)
    with pytest.raises(RoleHeld) as raised:
        book.do(actions.wear_hat, "carol", at(2), INVESTIGATOR)
    assert raised.value.holder == "bob"
    [event] = book.do(actions.wear_hat, "carol", at(2), INVESTIGATOR, take_over=True)
    assert event.payload["from"] == "bob"
    assert book.state.holders == {COMMANDER: "alice", INVESTIGATOR: "carol"}
    assert book.state.hat_of("bob") is None


def test_findings_are_reported_by_the_investigator_and_acknowledged_by_the_commander():
    book = Book()
    book.do(actions.wear_hat, "bob", at(1), INVESTIGATOR)
    [finding] = book.do(actions.report_finding, "bob", at(3), "401s began with deploy 142")
    assert [f.id for f in book.state.unacknowledged] == [finding.id]
    with pytest.raises(WrongHat):
        book.do(actions.acknowledge, "bob", at(4), finding.id)
    book.do(actions.acknowledge, "alice", at(4), finding.id)
    assert book.state.unacknowledged == []
    assert book.state.finding(finding.id).acknowledged_by == "alice"
    with pytest.raises(RuleBroken, match="already"):
        book.do(actions.acknowledge, "alice", at(5), finding.id)


def test_notes_belong_to_the_hat_that_writes_them():
    book = Book()
    [note] = book.do(actions.note, "alice", at(1), "paged by the SLO alert")
    assert note.role == COMMANDER
    events = book.do(actions.note, "alice", at(2), "p99 latency is fine", hat=INVESTIGATOR)
    assert [(e.kind, e.role) for e in events] == [(Kind.HAT_WORN, INVESTIGATOR), (Kind.NOTE, INVESTIGATOR)]
    with pytest.raises(WrongHat):
        book.do(actions.note, "zed", at(3), "who am I")


@pytest.mark.parametrize("title", ["", "   ", "x" * 10_001])
def test_declaring_refuses_an_empty_or_endless_title(title):
    with pytest.raises(RuleBroken):
        actions.declare("alice", at(0), title, "P1")


def test_declaring_refuses_unknown_severity_and_impossible_times():
    with pytest.raises(RuleBroken, match="unknown severity"):
        actions.declare("alice", at(0), "x", "P5")
    with pytest.raises(RuleBroken, match="future"):
        actions.declare("alice", at(0), "x", "P1", detected=at(1))
    with pytest.raises(RuleBroken, match="after it was detected"):
        actions.declare("alice", at(0), "x", "P1", detected=at(-5), impact_started=at(-1))


def test_resolve_and_reopen():
    book = Book()
    book.do(actions.resolve, "alice", at(40), override="false alarm")
    assert book.state.resolved and book.state.status == "resolved"
    with pytest.raises(RuleBroken, match="resolved already"):
        book.do(actions.resolve, "alice", at(41))
    book.do(actions.reopen, "alice", at(50), "errors are back")
    assert not book.state.resolved
    assert book.state.status == "investigating"


def test_a_corrected_milestone_is_a_new_event_and_the_old_one_stays():
    book = Book()
    book.do(actions.correct_milestone, "alice", at(5), "impact started", at(-4), reason="graph shows it")
    assert book.state.milestone("impact started") == at(-4)
    assert book.state.figures().to_detect.total_seconds() == 240
    with pytest.raises(RuleBroken, match="future"):
        book.do(actions.correct_milestone, "alice", at(5), "detected", at(6))
    with pytest.raises(RuleBroken, match="unknown milestone"):
        book.do(actions.correct_milestone, "alice", at(5), "lunch", at(1))


def test_naming_the_service_is_the_commanders_and_goes_on_the_timeline():
    from warroom.domain.describe import describe

    book = Book()
    book.do(actions.name_service, "alice", at(1), "  checkout ")
    assert book.state.service == "checkout"
    renamed = book.do(actions.name_service, "alice", at(2), "payments")
    assert book.state.service == "payments" and describe(renamed[-1]) == "service: payments (was checkout)"
    with pytest.raises(RuleBroken, match="already"):
        book.do(actions.name_service, "alice", at(3), "payments")
    for bad in ("", "a\nb", "x" * 81):
        with pytest.raises(RuleBroken):
            actions.name_service(book.state, "alice", at(3), bad)
    book.do(actions.wear_hat, "alice", at(4), "investigator")
    with pytest.raises(WrongHat):
        actions.name_service(book.state, "alice", at(5), "auth")
