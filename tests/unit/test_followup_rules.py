"""Follow-ups' rules (issue 28): due dates, overdue, closing, reopening, changing, and the hat."""

import time
from datetime import timedelta

import pytest
from helpers import Book, at

from warroom.domain import actions, followups
from warroom.domain.actions import RuleBroken, WrongHat
from warroom.domain.followups import code_number, overdue, parse_due


@pytest.mark.parametrize("typed, due", [
    ("2026-12-04", "2026-12-04"), (" 7d ", "2026-12-04"), ("2w", "2026-12-11"), ("0d", "2026-11-27"), ("", ""),
])
def test_a_due_date_is_a_day(typed, due):
    assert parse_due(typed, at(0)) == due  # (the clock: 2026-11-27 03:00 UTC)


@pytest.mark.parametrize("typed", ["Friday", "2026-13-01", "2026-2-3", "12/04/2026", "7 days", "99999d", "2026-12-04T10:00"])
def test_anything_else_is_refused_in_words(typed):
    with pytest.raises(RuleBroken, match="is not a date"):
        parse_due(typed, at(0))


def test_codes_as_people_type_them():
    assert [code_number(t) for t in ("F-12", "f-3", " F-7 ", "F-", "INC-1", "F-1x", "F--1")] == [12, 3, 7, None, None, None, None]


def test_overdue_once_its_day_is_over_and_never_once_done_or_without_a_date():
    book = Book()
    book.do(followups.add, "alice", at(1), "a smoke test", "bob", due="2026-11-28")
    book.do(followups.add, "alice", at(1), "words", "bob")
    dated, undated = book.state.followups
    assert not overdue(dated, at(0) + timedelta(days=1, hours=20))  # the 28th, 23:00: still its day
    assert overdue(dated, at(0) + timedelta(days=2))
    assert not overdue(undated, at(0) + timedelta(days=400))
    book.do(followups.close, "alice", at(2), 1)
    assert not overdue(book.state.followups[0], at(0) + timedelta(days=2))


def test_a_due_day_is_a_day_on_the_local_calendar(monkeypatch):
    """For a team in UTC−8 a follow-up due on the 28th is overdue from their midnight, not from
    4 p.m. on the 28th (Greenwich's midnight); "7d" counts from their today."""
    monkeypatch.setenv("TZ", "America/Los_Angeles")
    time.tzset()
    book = Book()
    book.do(followups.add, "alice", at(1), "a smoke test", "bob", due="2026-11-28")
    [item] = book.state.followups
    assert not overdue(item, at(0) + timedelta(days=1, hours=23))  # the 29th 02:00 UTC: 18:00 on the 28th there
    assert not overdue(item, at(0) + timedelta(days=2, hours=4, minutes=59))  # 23:59 on the 28th there
    assert overdue(item, at(0) + timedelta(days=2, hours=5))  # their midnight
    assert parse_due("7d", at(0)) == "2026-12-03"  # at(0) is 2026-11-27 03:00 UTC: the 26th, 19:00 there


def test_closed_once_reopened_once_and_only_what_differs_is_changed():
    book = Book()
    book.do(followups.add, "alice", at(1), "a smoke test", "bob")
    with pytest.raises(RuleBroken, match="is open"):
        followups.reopen(book.state, "alice", at(2), 1)
    book.do(followups.close, "alice", at(2), 1, link="https://git.example/pr/1")
    with pytest.raises(RuleBroken, match="closed already, by alice"):
        followups.close(book.state, "alice", at(3), 1)
    with pytest.raises(RuleBroken, match="has no follow-up 2"):
        followups.close(book.state, "alice", at(3), 2)
    with pytest.raises(RuleBroken, match="nothing to change"):
        followups.change(book.state, "alice", at(3), 1, owner="bob", link="https://git.example/pr/1")
    [changed] = followups.change(book.state, "alice", at(3), 1, owner="bob", due="2026-12-01")
    assert dict(changed.payload) == {"followup": 1, "due": "2026-12-01"}
    book._add([changed])
    book.do(followups.change, "alice", at(4), 1, due="")  # the date taken away
    assert book.state.followups[0].due == ""


def test_while_open_it_is_the_commanders_and_once_resolved_nobodys():
    book = Book()
    book.do(followups.add, "alice", at(1), "a smoke test", "bob")
    book.do(actions.wear_hat, "bob", at(2), "investigator")
    with pytest.raises(WrongHat):
        followups.close(book.state, "bob", at(3), 1)
    book.do(actions.resolve, "alice", at(4), override="resolved for this test")
    [done] = book.do(followups.close, "bob", at(60 * 24 * 5), 1, note="added to CI")
    assert (done.actor, done.role) == ("bob", "commander")  # no hat taken: the war room is over
    assert book.state.holders.get("commander") == "alice"
    assert followups.number_of(book.state, book.events[1]) == 1


@pytest.mark.parametrize("typed", ["2026-11-26", "2025-12-04"])
def test_a_day_already_past_is_refused_today_is_not(typed):
    with pytest.raises(RuleBroken, match=f"the due date {typed} is past \\(today is 2026-11-27\\)"):
        parse_due(typed, at(0))
    assert parse_due("2026-11-27", at(0)) == "2026-11-27"
    book = Book()
    book.do(followups.add, "alice", at(1), "a smoke test", "bob")
    with pytest.raises(RuleBroken, match="is past"):
        book.do(followups.change, "alice", at(2), 1, due=typed)
