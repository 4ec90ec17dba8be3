"""One truth (issue 25): `warroom show`, the export, the postmortem and the console's pane read
the deadlines from one function and agree row for row; the postmortem says who wore each hat
and when, and charts every phase that happened."""

import re
from datetime import timedelta

from helpers import Book, at
from helpers.incidents import incidents
from hypothesis import HealthCheck, given, settings

from warroom.console.views import deadline_lines
from warroom.domain import actions
from warroom.domain.model import EFFECTIVE, PULLED, STEP_DEPLOYED, STEP_ROOT_CAUSE, STEP_STAGING
from warroom.domain.playbook import DEFAULT
from warroom.domain.policy import CLIENT_NOTICE, record
from warroom.domain.timefmt import local_time
from warroom.reports.postmortem import markdown
from warroom.reports.terminal import show


def _show_rows(text: str) -> list[tuple[str, str]]:
    """(label, due) of each deadline `warroom show` prints (the time: another day's says which
    day after it)."""
    part = text.split("\ndeadlines:\n", 1)[1].split("\n\n", 1)[0]
    rows = [(line[2:42].strip(), line[47:]) for line in part.splitlines()]
    return [(label, "next standup" if due.startswith("next standup") else due.split(" ")[0]) for label, due in rows]


def _table(text: str, heading: str) -> list[str]:
    """The rows of the Markdown table under a heading (its header and rule left out)."""
    lines = text.split(f"{heading}\n\n", 1)[1].splitlines()
    table = lines[: lines.index("")] if "" in lines else lines
    return table[2:]


def _postmortem_rows(text: str) -> list[tuple[str, str]]:
    rows = [[c.strip() for c in line.strip("|").split("|")] for line in _table(text, "## Deadlines")]
    return [(label, due.split(" ")[0] if due != "—" else "next standup") for label, due, *_ in rows if label != "—"]


def _pane_rows(state, now) -> list[str]:
    """The deadline lines of the communicator's pane (each begins with its mark)."""
    return [line for line in deadline_lines(state, now, DEFAULT).plain.splitlines() if line[:1] in "○✔⚠✘–"]


def _agree(state, now) -> None:
    expected = [(d.label, local_time(d.due) if d.due else "next standup") for d in record(state, now)]
    assert _show_rows(show(state, now)) == expected
    assert _postmortem_rows(markdown(state, now)) == expected
    pane = _pane_rows(state, now)  # open ones first, then those done: the same rows
    assert sorted(line.split("  ", 1)[1] for line in pane) == sorted(label for label, _ in expected)


def test_the_status_update_met_by_the_client_notice_is_one_row_everywhere():
    book = Book(title="Login fails", severity="P1", impact="logins")
    book.do(actions.communicate, "alice", at(10), CLIENT_NOTICE, "We know.", sent=True, switch=True)
    book.do(actions.resolve, "alice", at(20), override="a false alarm, nothing broke", switch=True)
    state = book.state
    rows = record(state, at(25))
    updates = [d for d in rows if d.id == "update"]
    assert [(d.status, d.met_at) for d in updates] == [("met", at(10))]  # the notice met it; no waived round after
    _agree(state, at(25))


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(incidents())
def test_show_the_postmortem_and_the_pane_agree_on_every_incident(book):
    state = book.state
    _agree(state, at(90))


def test_the_postmortem_says_who_wore_each_hat_and_when():
    book = Book(title="JWT", severity="P1", impact="logins")
    book.do(actions.wear_hat, "bob", at(4), "investigator")
    book.do(actions.wear_hat, "carol", at(5), "communicator")
    book.do(actions.wear_hat, "alice", at(9), "communicator", take_over=True)  # alice takes it from carol
    book.do(actions.wear_hat, "alice", at(12), "commander")
    text = markdown(book.state, at(30))
    assert "- Roles: commander alice; communicator carol, then alice; investigator bob" in text
    assert _table(text, "## Who wore each hat") == [
        "| commander | alice | 03:00:00 UTC | 03:09:00 UTC |",
        "| commander | alice | 03:12:00 UTC | now |",
        "| communicator | carol | 03:05:00 UTC | 03:09:00 UTC |",
        "| communicator | alice | 03:09:00 UTC | 03:12:00 UTC |",
        "| investigator | bob | 03:04:00 UTC | now |",
    ]


def test_the_chart_shows_every_phase_that_happened_the_fix_included():
    book = Book(title="JWT", severity="P1", impact_started=at(-4))
    book.do(actions.set_lever, "alice", at(2), 1, PULLED)
    book.do(actions.set_lever, "alice", at(3), 1, EFFECTIVE)
    for minute, step in ((8, STEP_ROOT_CAUSE), (10, STEP_STAGING), (13, STEP_DEPLOYED)):
        book.do(actions.resolution_step, "alice", at(minute), step)
    book.do(actions.resolve, "alice", at(40), override="soak skipped: verified by hand")
    chart = markdown(book.state, at(41)).split("```mermaid", 1)[1].split("```", 1)[0]
    assert re.findall(r"^    (\w+) :", chart, re.M) == ["detect", "contain", "identify", "fix", "resolve"]
    assert "fix : 2026-11-27T03:08:00, 300s" in chart


def test_the_chart_and_the_figures_give_a_phase_the_same_seconds():
    """Contained 38.6 s after detection: the figures say 39 s, and so does the chart (it cut the
    span to 38 s)."""
    book = Book(title="JWT", severity="P1")
    book.do(actions.set_lever, "alice", at(0) + timedelta(seconds=20), 1, PULLED)
    book.do(actions.set_lever, "alice", at(0) + timedelta(seconds=38.6), 1, EFFECTIVE)
    text = markdown(book.state, at(1))
    assert "| time to contain | 39 s |" in text
    assert re.search(r"^    contain : \S+, 39s$", text, re.M)
