"""Reasons are reasons (issue 25): a rule of the practice is set aside only with a few words the
postmortem can read, and resolving with nothing contained or a finding not taken in is one of
those rules. A tick says what happened (the team assembled), not "notified"."""

import asyncio

import pytest
from helpers import Book, at
from helpers.scripted import Scripted

from warroom.console import flows
from warroom.console.dialogs import Ask
from warroom.domain import actions
from warroom.domain.describe import describe
from warroom.domain.model import (
    EFFECTIVE,
    PULLED,
    RESOLUTION_STEPS,
    RULE_CONTAIN_FIRST,
    RULE_CONTAINED_FIRST,
    RULE_FINDINGS_TAKEN,
    RULE_PATH_DONE,
    SKIPPED,
    STEP_ROOT_CAUSE,
    Kind,
)

THIN = [".", "x", "duplicate", "asdf asdf", "  dup  "]


@pytest.mark.parametrize("reason", THIN)
def test_a_thin_reason_sets_no_rule_aside(reason):
    book = Book()
    with pytest.raises(actions.RuleBroken, match="a few words"):
        book.do(actions.resolution_step, "alice", at(1), STEP_ROOT_CAUSE, override=reason)
    with pytest.raises(actions.RuleBroken, match="a few words"):
        book.do(actions.set_lever, "alice", at(1), 2, PULLED, reason=reason)
    with pytest.raises(actions.RuleBroken, match="a few words"):
        book.do(actions.set_lever, "alice", at(1), 1, SKIPPED, reason=reason)
    with pytest.raises(actions.RuleBroken, match="a few words"):
        book.do(actions.resolve, "alice", at(1), override=reason)
    assert len(book.events) == 1  # nothing written


def test_a_reason_of_a_few_words_is_kept_and_a_correction_needs_none():
    book = Book()
    book.do(actions.set_lever, "alice", at(1), 2, PULLED, reason="no flag guards it")
    book.do(actions.set_lever, "alice", at(2), 2, "untried", correction=True)  # a mistaken press undone
    assert book.state.lever(2).state == "untried"
    book.do(actions.resolution_step, "alice", at(3), STEP_ROOT_CAUSE, override="the cause was plain at once")
    assert [o.reason for o in book.state.overrides][-1] == "the cause was plain at once"


def _path_done(book: Book) -> None:
    book.do(actions.set_lever, "alice", at(1), 1, PULLED)
    for minute, step in enumerate(RESOLUTION_STEPS, start=2):
        book.do(actions.resolution_step, "alice", at(minute), step, override="tested in a drill before")


def test_resolving_with_nothing_contained_asks_for_a_reason():
    book = Book()
    _path_done(book)  # the path done, but no lever ever worked
    with pytest.raises(actions.NeedsReason) as needs:
        book.do(actions.resolve, "alice", at(10))
    assert needs.value.rule == RULE_CONTAINED_FIRST and "no lever was marked effective" in str(needs.value)
    book.do(actions.resolve, "alice", at(10), override="a false alarm, nothing to contain")
    state = book.state
    assert state.resolved and [o.rule for o in state.overrides][-1] == RULE_CONTAINED_FIRST


def test_resolving_with_a_finding_not_acknowledged_asks_for_a_reason():
    book = Book()
    _path_done(book)
    book.do(actions.set_lever, "alice", at(8), 1, EFFECTIVE)
    book.do(actions.report_finding, "bob", at(9), "the cache was cold too", switch=True)
    with pytest.raises(actions.NeedsReason) as needs:
        book.do(actions.resolve, "alice", at(10))
    assert needs.value.rule == RULE_FINDINGS_TAKEN and "#1" in str(needs.value)
    book.do(actions.acknowledge, "alice", at(11), book.state.findings[0].id)
    book.do(actions.resolve, "alice", at(12))  # every rule holds: no question
    assert book.state.resolved


def test_one_reason_covers_every_rule_set_aside_and_each_is_on_the_timeline():
    book = Book()
    with pytest.raises(actions.NeedsReason) as needs:
        book.do(actions.resolve, "alice", at(5))
    assert needs.value.rule == f"{RULE_PATH_DONE} and {RULE_CONTAINED_FIRST}"
    book.do(actions.resolve, "alice", at(5), override="declared by mistake, a duplicate")
    overridden = [e for e in book.events if e.kind == Kind.RULE_OVERRIDDEN]
    assert [describe(e).split(",")[1].split(":")[0].strip() for e in overridden] == [RULE_PATH_DONE, RULE_CONTAINED_FIRST]


def test_the_console_asks_again_while_the_reason_is_thin_keeping_what_was_typed():
    console = Scripted(Book(), ["x", "x because the flag is not wired"])
    asyncio.run(flows.FLOWS["advance_lever"](console, 2))
    assert [type(q) for q in console.asked] == [Ask, Ask]
    again = console.asked[1]
    assert "a few words" in again.question and again.value == "x"
    assert console.state.lever(2).reason == "x because the flag is not wired"


def test_escape_on_a_thin_reason_question_writes_nothing():
    console = Scripted(Book(), ["x", None])
    asyncio.run(flows.FLOWS["advance_lever"](console, 2))
    assert len(console.book_of_events.events) == 1 and "needs a reason" in console.said[-1]


def test_a_tick_says_what_happened():
    book = Book()
    book.do(actions.notify, "alice", at(3), "manager", "Dana (EM) by phone", switch=True)
    book.do(actions.notify, "alice", at(4), "team", "bob, carol in #inc-auth", switch=True)
    words = [describe(e) for e in book.events if e.kind == Kind.ESCALATION_NOTIFIED]
    assert words == ["notified Dana (EM) by phone (manager)", "team assembled: bob, carol in #inc-auth"]


def test_the_team_tick_asks_who_joined_not_who_was_notified():
    from warroom.console.dialogs import OTHER

    console = Scripted(Book(), [OTHER, "team", None])  # Tab on the first (the manager's), then the team's
    asyncio.run(flows.FLOWS["tick_notification"](console))
    asked = console.asked[-1]
    assert isinstance(asked, Ask) and asked.question.startswith("Team assembled") and "notified" not in asked.question


def test_the_question_for_several_rules_says_each_on_its_own_line():
    """It read "⚠ resolve after the resolution path and resolve once contained: not done yet:
    root cause identified, …; no lever was marked effective: …", two rules run into one."""
    from warroom.console import steps

    console = Scripted(Book(), [None])
    assert not asyncio.run(steps.do(console, actions.resolve))
    lines = console.asked[0].question.splitlines()
    assert lines[0] == f"⚠ {RULE_PATH_DONE}: not done yet: " + ", ".join(RESOLUTION_STEPS) + "."
    assert lines[1] == f"⚠ {RULE_CONTAINED_FIRST}: no lever was marked effective: nothing contained the impact."
    assert lines[2].startswith("Not yet, the practice says.")
    assert console.said[-1] == f"not done: {RULE_PATH_DONE} and {RULE_CONTAINED_FIRST}"
    one = Scripted(Book(), [None])
    asyncio.run(steps.do(one, actions.resolution_step, STEP_ROOT_CAUSE))  # before any lever: one rule
    assert one.asked[0].question.splitlines()[0].startswith(f"⚠ {RULE_CONTAIN_FIRST}: ")
    assert one.asked[0].question.splitlines()[1].startswith("Not yet, the practice says.")
