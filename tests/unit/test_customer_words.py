"""Customer words (issue 25): what goes to customers (the client notice, status updates, the
resolution notice, the public page) uses the public title and plain words: never the internal
title, the incident code, the severity code, T+ or a lever's name; "since" is the impact's start."""

import asyncio
import re

import pytest
from helpers import Book, at
from helpers.scripted import Scripted

from warroom.console import flows
from warroom.domain import actions
from warroom.domain.describe import describe
from warroom.domain.model import (
    EFFECTIVE,
    NO_EFFECT,
    PULLED,
    STEP_DEPLOYED,
    STEP_FLAG_REENABLED,
    STEP_ROOT_CAUSE,
    STEP_SOAK,
    STEP_STAGING,
    Kind,
)
from warroom.domain.policy import CLIENT_NOTICE, INTERNAL_NOTE, RESOLUTION_NOTICE, STATUS_UPDATE
from warroom.domain.public import customer_title, public
from warroom.domain.templates import filled, message

INTERNAL = "Login fails with 401 after auth deploy 142"
IMPACT = "logins for every user"
LEAKS = re.compile(r"INC-\d|\[P\d\]|\bP[0-3]\b|T\+|T-\d|feature flag off|deploy rollback|auth deploy 142")


def _jwt(public_title: str = "") -> Book:
    """The seed's JWT outage: detected at 03:00, the impact began 4 minutes before."""
    return Book(title=INTERNAL, severity="P1", detected=at(0), impact_started=at(-4), impact=IMPACT,
                service="auth", public_title=public_title)


def _text(book: Book, name: str, minutes: float) -> str:
    return filled(book.state, at(minutes), name, actor="carol")[1]


def test_the_client_notice_speaks_the_customers_words_since_the_impact_began():
    book = _jwt()
    text = _text(book, CLIENT_NOTICE, 5)
    assert not LEAKS.search(text), text
    assert text.startswith(f"Issue affecting {IMPACT}\n")  # the public title, from the impact
    assert "since 02:56 UTC" in text  # the impact's start, not the detection (03:00)
    assert "We will update you by 03:35 UTC" in text and text.endswith("— carol")


def test_a_time_on_another_day_says_its_day():
    """A P2's update is daily: "Next update by 03:05 UTC" read as five minutes ago. An impact that
    began before midnight says so too; the same day says the time alone (above)."""
    daily = Book(title="Search is slow", severity="P2", detected=at(0))
    assert "Next update by 03:05 UTC on Sat 28 Nov." in _text(daily, INTERNAL_NOTE, 5)
    overnight = Book(title=INTERNAL, severity="P1", detected=at(0), impact_started=at(-240), impact=IMPACT)
    text = _text(overnight, CLIENT_NOTICE, 5)
    assert "since 23:00 UTC on Thu 26 Nov." in text and "We will update you by 03:35 UTC.\n" in text


def test_a_given_public_title_is_what_customers_read():
    book = _jwt(public_title="Login problems")
    for name in (CLIENT_NOTICE, STATUS_UPDATE):
        assert "Login problems" in _text(book, name, 5) and INTERNAL not in _text(book, name, 5)
    assert public(book.state).title == "Login problems"


def test_status_updates_say_in_plain_words_what_changed():
    book = _jwt()
    assert "We are investigating and working to restore service." in _text(book, STATUS_UPDATE, 5)
    book.do(actions.set_lever, "alice", at(6), 1, PULLED)
    book.do(actions.set_lever, "alice", at(7), 1, NO_EFFECT)
    book.do(actions.set_lever, "alice", at(8), 2, PULLED)
    book.do(actions.set_lever, "alice", at(9), 2, EFFECTIVE)
    contained = _text(book, STATUS_UPDATE, 10)
    assert "The impact is contained" in contained and not LEAKS.search(contained), contained
    book.do(actions.resolution_step, "alice", at(12), STEP_ROOT_CAUSE, note_text="claims")
    assert "have found the cause; a fix is under way" in _text(book, STATUS_UPDATE, 13)
    book.do(actions.resolution_step, "alice", at(14), STEP_STAGING)
    book.do(actions.resolution_step, "alice", at(15), STEP_DEPLOYED)
    book.do(actions.resolution_step, "alice", at(16), STEP_FLAG_REENABLED, override="the flag was never the cause")
    deployed = _text(book, STATUS_UPDATE, 17)
    assert "A fix is deployed and we are monitoring." in deployed and not LEAKS.search(deployed), deployed


def test_the_resolution_notice_says_when_it_was_resolved_and_how_long_it_lasted():
    book = _jwt()
    book.do(actions.set_lever, "alice", at(2), 1, PULLED)
    book.do(actions.set_lever, "alice", at(5), 1, EFFECTIVE)
    for minute, step in ((8, STEP_ROOT_CAUSE), (10, STEP_STAGING), (13, STEP_DEPLOYED), (14, STEP_FLAG_REENABLED),
                         (38, STEP_SOAK)):
        book.do(actions.resolution_step, "alice", at(minute), step)
    book.do(actions.resolve, "alice", at(40))
    text = _text(book, RESOLUTION_NOTICE, 41)
    assert "resolved at 03:40 UTC, 44 minutes after it began" in text and not LEAKS.search(text), text


def test_the_public_page_follows_investigating_identified_monitoring_resolved():
    book = _jwt()
    words = [public(book.state).state_words]
    book.do(actions.set_lever, "alice", at(2), 1, PULLED)
    book.do(actions.set_lever, "alice", at(3), 1, EFFECTIVE)
    words.append(public(book.state).state_words)
    book.do(actions.resolution_step, "alice", at(8), STEP_ROOT_CAUSE)
    words.append(public(book.state).state_words)
    book.do(actions.resolution_step, "alice", at(10), STEP_STAGING)
    book.do(actions.resolution_step, "alice", at(13), STEP_DEPLOYED)
    words.append(public(book.state).state_words)
    book.do(actions.resolve, "alice", at(20), override="soak skipped: the fix is verified")
    words.append(public(book.state).state_words)
    assert [w.split(":")[0] for w in words] == ["Investigating", "Investigating", "Identified", "Monitoring", "Resolved"]
    assert words[1] == "Investigating: the impact is contained"  # contained, and no cause named yet
    shown = public(book.state)
    assert shown.title == f"Issue affecting {IMPACT}" and shown.started == at(-4)


def test_a_public_title_is_set_on_the_timeline_and_checked():
    book = _jwt()
    book.do(actions.set_public_title, "alice", at(3), "Login problems")
    assert book.state.public_title == "Login problems" and customer_title(book.state) == "Login problems"
    assert describe(book.events[-1]) == "public title: Login problems"
    with pytest.raises(actions.RuleBroken, match="one line"):
        book.do(actions.set_public_title, "alice", at(4), "two\nlines")
    with pytest.raises(actions.RuleBroken, match="at most 200"):
        book.do(actions.set_public_title, "alice", at(4), "x" * 201)
    with pytest.raises(actions.RuleBroken, match="already"):
        book.do(actions.set_public_title, "alice", at(4), "Login problems")


def test_the_impact_key_asks_the_public_title_after_the_impact_and_enter_keeps_the_default():
    console = Scripted(Book(title=INTERNAL), [IMPACT, f"Issue affecting {IMPACT}"])
    asyncio.run(flows.FLOWS["set_impact"](console))
    assert console.asked[1].value == f"Issue affecting {IMPACT}"  # shown from the impact just said
    assert [e.kind for e in console.book_of_events.events[1:]] == [Kind.IMPACT_SET]  # Enter on it: nothing more
    console = Scripted(Book(title=INTERNAL, impact=IMPACT), [IMPACT, "Login problems"])
    asyncio.run(flows.FLOWS["set_impact"](console))
    assert [e.kind for e in console.book_of_events.events[1:]] == [Kind.PUBLIC_TITLE_SET]
    assert console.state.public_title == "Login problems"


def test_a_teams_own_template_may_still_ask_for_the_code_and_severity():
    book = _jwt()
    found = message(book.state, at(5), CLIENT_NOTICE, templates={CLIENT_NOTICE: "[{severity}] {code} {title}: {public_title}"})
    assert found.text == f"[P1] INC-1 {INTERNAL}: Issue affecting {IMPACT}" and not found.missing


def test_the_page_names_the_impact_once():
    from warroom.integrations.statuspage import Site
    from warroom.integrations.statuspage.pages import index

    def html(shown):
        return index(Site(at(5), "Acme status", shown, shown, None, {}, []))

    default, given = _jwt(), _jwt(public_title="Login problems")
    page = html([public(default.state)])
    assert page.count(IMPACT) == 1 and "Affected:" not in page  # the title says it already
    page = html([public(given.state)])
    assert f"Affected: {IMPACT}" in page and ">Login problems</a></h2>" in page
