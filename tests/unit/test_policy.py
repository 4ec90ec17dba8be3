"""The escalation matrix and deadlines for each severity, at chosen times."""

from datetime import timedelta

import pytest
from helpers import Book, at

from warroom.domain import actions
from warroom.domain.model import COMMUNICATOR
from warroom.domain.policy import (
    CLIENT_NOTICE,
    LATE,
    MET,
    MISSED,
    OPEN,
    OVERDUE,
    STATUS_UPDATE,
    WAIVED,
    deadlines,
    next_deadline,
    surprise_warning,
)


def states(book, minutes):
    return {d.id: d.status for d in deadlines(book.state, at(minutes))}


def as_communicator(book, minute=0.5):
    book.do(actions.wear_hat, "carol", at(minute), COMMUNICATOR)


@pytest.mark.parametrize("severity, ids", [
    ("P0", ["leadership", "client-notice", "war-room", "client-contact", "update"]),
    ("P1", ["manager", "client-notice", "team", "update"]),
    ("P2", ["pm", "update"]),
    ("P3", ["team-lead"]),
])
def test_each_severity_has_its_deadlines(severity, ids):
    assert [d.id for d in deadlines(Book(severity=severity).state, at(0))] == ids


def test_p1_at_the_15_and_30_minute_marks():
    book = Book(severity="P1")
    assert states(book, 14.9) == {"manager": OPEN, "client-notice": OPEN, "team": OPEN, "update": OPEN}
    assert states(book, 15) == {"manager": OVERDUE, "client-notice": OVERDUE, "team": OPEN, "update": OPEN}
    assert states(book, 30) == {"manager": OVERDUE, "client-notice": OVERDUE, "team": OVERDUE, "update": OVERDUE}


def test_p0_client_contact_is_due_within_the_hour():
    book = Book(severity="P0")
    found = {d.id: d for d in deadlines(book.state, at(59))}
    assert found["client-contact"].due == at(60)
    assert found["client-contact"].status == OPEN
    assert found["war-room"].status == OVERDUE
    assert {d.id: d.status for d in deadlines(book.state, at(60))}["client-contact"] == OVERDUE


def test_notifying_late_meets_a_deadline_and_says_by_how_much():
    book = Book(severity="P1")
    as_communicator(book)
    book.do(actions.notify, "carol", at(20), "manager", "Dana (EM), Sam (PM)")
    found = {d.id: d for d in deadlines(book.state, at(21))}
    assert found["manager"].status == LATE
    assert found["manager"].met_at == at(20)
    assert found["manager"].late_by == timedelta(minutes=5)
    book.do(actions.notify, "carol", at(22), "team", "alice, bob")
    on_time = {d.id: d for d in deadlines(book.state, at(23))}["team"]
    assert on_time.status == MET and on_time.late_by is None


def test_the_cadence_restarts_after_an_update_is_sent():
    book = Book(severity="P1")
    as_communicator(book)
    book.do(actions.communicate, "carol", at(12), CLIENT_NOTICE, "We are investigating", sent=True)
    found = {d.id: d for d in deadlines(book.state, at(13))}
    assert found["client-notice"].status == MET
    assert found["update"].due == at(42)
    book.do(actions.communicate, "carol", at(40), STATUS_UPDATE, "Still on it", sent=True)
    found = {d.id: d for d in deadlines(book.state, at(41))}
    assert found["update"].due == at(70)
    assert found["update"].status == OPEN
    assert {d.id: d.status for d in deadlines(book.state, at(70))}["update"] == OVERDUE


def test_a_copied_but_unsent_message_meets_nothing():
    book = Book(severity="P1")
    as_communicator(book)
    book.do(actions.communicate, "carol", at(5), CLIENT_NOTICE, "draft", sent=False)
    assert states(book, 16)["client-notice"] == OVERDUE


def test_a_severity_change_recomputes_from_detection():
    book = Book(severity="P2")
    assert states(book, 20) == {"pm": OVERDUE, "update": OPEN}
    book.do(actions.change_severity, "alice", at(20), "P0")
    now = states(book, 20)
    assert now["leadership"] == OVERDUE and now["client-notice"] == OVERDUE
    assert now["war-room"] == OPEN and now["update"] == OPEN
    assert {d.id: d.due for d in deadlines(book.state, at(20))}["war-room"] == at(30)


def test_the_p2_cadence_is_daily_and_p3_has_no_clock():
    p2 = {d.id: d for d in deadlines(Book(severity="P2").state, at(0))}
    assert p2["update"].due == at(24 * 60)
    [lead] = deadlines(Book(severity="P3").state, at(600))
    assert lead.due is None and lead.status == OPEN
    assert next_deadline([lead]) is None


def test_after_resolution_later_deadlines_are_waived_and_passed_ones_are_missed():
    book = Book(severity="P1")
    book.do(actions.resolve, "alice", at(20), override="a false alarm: the monitor was wrong")
    found = states(book, 45)
    assert found["manager"] == MISSED and found["client-notice"] == MISSED
    assert found["team"] == WAIVED and found["update"] == WAIVED


def test_the_countdown_shows_the_nearest_open_or_overdue_deadline():
    book = Book(severity="P1")
    assert next_deadline(deadlines(book.state, at(1))).id == "manager"
    as_communicator(book)
    book.do(actions.notify, "carol", at(2), "manager", "Dana")
    assert next_deadline(deadlines(book.state, at(3))).id == "client-notice"
    book.do(actions.communicate, "carol", at(4), CLIENT_NOTICE, "hello", sent=True)
    assert next_deadline(deadlines(book.state, at(5))).id == "team"
    assert next_deadline(deadlines(book.state, at(31))).id == "team"  # overdue, counting up


def test_no_surprises_warns_until_leadership_or_the_manager_heard():
    p0 = Book(severity="P0")
    assert "leadership" in surprise_warning(p0.state)
    as_communicator(p0)
    p0.do(actions.notify, "carol", at(3), "leadership", "VP Eng")
    assert surprise_warning(p0.state) is None
    p1 = Book(severity="P1")
    assert "engineering manager" in surprise_warning(p1.state)
    assert surprise_warning(Book(severity="P2").state) is None
