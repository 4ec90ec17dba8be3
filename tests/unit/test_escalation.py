"""Escalation as information flow (issue 27), pure: who is paged, when the next person of a role
is, the roles nobody answered, when a notify deadline is met by pages, and what is refused."""

import pytest
from helpers import Book, at

from warroom.domain import escalation
from warroom.domain.escalation import NotPaged
from warroom.domain.policy import DONE, OPEN, deadlines
from warroom.domain.roster import Paging, Person, Roster

ROSTER = Roster(
    people={"bob": Person("bob", email="bob@example.com", ntfy="https://ntfy.example.com/bob"),
            "carol": Person("carol", email="carol@example.com"), "dave": Person("dave", ntfy="https://ntfy.example.com/dave"),
            "nobody": Person("nobody")},
    roles={"engineering manager": ("bob", "carol"), "PM": ("dave",), "silent": ("nobody",)},
    paging=Paging(acknowledge_within=5, smtp="smtp://mail.example.com:587"))


def tickets():
    numbers = iter(range(1, 1000))
    return lambda: f"{next(numbers):032x}"


def paged(book: Book, minute: float, roles=("engineering manager", "PM"), **kwargs) -> list:
    return book.do(escalation.page, "alice", at(minute), ROSTER, roles, "INC-1 [P1] Login fails", deadline="manager",
                   ticket=tickets(), **kwargs)


def test_each_role_pages_its_first_reachable_person_through_their_channels():
    book = Book()
    events = paged(book, 2)
    said = [(e.payload["role"], e.payload["person"], e.payload["channels"]) for e in events]
    assert said == [("engineering manager", "bob", ("email", "ntfy")), ("PM", "dave", ("ntfy",))]
    assert [p.person for p in book.state.pages] == ["bob", "dave"]


def test_email_needs_a_mail_server_and_a_role_nobody_can_be_reached_by_pages_nobody():
    no_mail = Roster(ROSTER.people, ROSTER.roles, Paging())
    assert escalation.reachable(no_mail.people["carol"], no_mail) == ()
    book = Book()
    with pytest.raises(NotPaged, match="silent: nobody has no channel"):
        book.do(escalation.page, "alice", at(2), ROSTER, ["PM", "silent"], "text")
    with pytest.raises(NotPaged, match="no such role in \\[roles\\]: CFO"):
        book.do(escalation.page, "alice", at(2), ROSTER, ["CFO"], "text")
    assert book.state.pages == []  # all or nothing


def test_a_notify_deadline_is_met_when_the_first_page_to_each_of_its_roles_is_delivered():
    book = Book()
    bob, dave = paged(book, 2)
    manager = lambda: next(d for d in deadlines(book.state, at(20)) if d.id == "manager")  # noqa: E731
    assert manager().status not in DONE
    book._add([escalation.delivered(book.state, at(3), bob.payload["ticket"], "ntfy")])
    assert manager().status not in DONE  # the PM not yet
    assert escalation.delivered(book.state, at(4), bob.payload["ticket"], "ntfy") is None  # known already
    book._add([escalation.delivered(book.state, at(6), dave.payload["ticket"], "ntfy")])
    assert manager().status in DONE and manager().met_at == at(6)


def test_a_test_page_is_marked_and_meets_nothing():
    book = Book()
    [test] = paged(book, 2, roles=("PM",), test=True)
    assert test.payload["text"].startswith("TEST ")
    book._add([escalation.delivered(book.state, at(3), test.payload["ticket"], "ntfy")])
    assert next(d for d in deadlines(book.state, at(3)) if d.id == "manager").status == OPEN
    assert escalation.escalations(book.state, ROSTER, at(30)) == []  # nor is it escalated


def test_the_next_person_is_paged_once_nobody_acknowledged_in_time_and_then_nobody_is_left():
    book = Book()
    paged(book, 2, roles=("engineering manager",))
    assert escalation.escalations(book.state, ROSTER, at(6, 59)) == []
    [carol] = escalation.escalations(book.state, ROSTER, at(7), ticket=tickets())
    assert (carol.payload["person"], carol.payload["escalated_from"], carol.payload["deadline"]) == ("carol", "bob", "manager")
    book._add([carol])
    assert escalation.escalations(book.state, ROSTER, at(8)) == [] and escalation.unanswered(book.state, ROSTER, at(8)) == []
    assert escalation.unanswered(book.state, ROSTER, at(12)) == ["engineering manager"]  # carol did not answer either
    assert escalation.escalations(book.state, ROSTER, at(30)) == []  # nobody left to page


def test_an_acknowledgement_stops_the_escalation_and_says_how_long_it_took():
    book = Book()
    [bob] = paged(book, 2, roles=("engineering manager",))
    [ack] = book.do(lambda s, *a: [escalation.acknowledge(s, at(4, 10), bob.payload["ticket"], "link")])
    assert ack.payload["after_seconds"] == 130 and ack.actor == "bob"
    assert escalation.escalations(book.state, ROSTER, at(30)) == [] and escalation.unanswered(book.state, ROSTER, at(30)) == []
    with pytest.raises(NotPaged, match="acknowledged already"):
        escalation.acknowledge(book.state, at(5), bob.payload["ticket"], "link")
    assert escalation.ledger(book.state) == ["✔ acknowledged 03:04:10  bob · engineering manager · email, ntfy"]


def test_the_store_check_refuses_a_second_escalation_and_a_second_acknowledgement():
    book = Book()
    [bob] = paged(book, 2, roles=("engineering manager",))
    [carol] = escalation.escalations(book.state, ROSTER, at(8), ticket=tickets())
    twin = escalation.escalations(book.state, ROSTER, at(8), ticket=tickets())[0]  # another deliverer, the same moment
    book._add([carol])
    from warroom.domain.schema import read

    with pytest.raises(NotPaged, match="paged already"):
        escalation.still_new(book.state, twin, read(twin))
    ack = escalation.acknowledge(book.state, at(9), bob.payload["ticket"], "link")
    book._add([ack])
    with pytest.raises(NotPaged):
        escalation.still_new(book.state, ack, read(ack))


def test_a_resolved_incident_pages_nobody_and_takes_no_acknowledgement():
    book = Book()
    [bob] = paged(book, 2, roles=("engineering manager",))
    from warroom.domain import actions

    book.do(actions.resolve, "alice", at(9), override="resolved for the unit test")
    with pytest.raises(NotPaged, match="is resolved"):
        escalation.acknowledge(book.state, at(10), bob.payload["ticket"], "link")
    with pytest.raises(NotPaged, match="is resolved"):
        paged(book, 10)
    assert escalation.escalations(book.state, ROSTER, at(30)) == []


def test_a_drill_pages_nobody_unless_its_scenario_says_so_and_then_each_page_says_drill():
    drill = Book(drill="jwt-outage")
    with pytest.raises(NotPaged, match="is a drill"):
        paged(drill, 2)
    [first, _] = paged(drill, 2, drill=True)
    assert first.payload["text"].startswith("DRILL INC-1 [P1]")
