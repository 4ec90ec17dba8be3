"""The practice held, not just shown (issue 12): each test is one thing a new user saw go wrong
playing the JWT outage by hand at 80×24 as a lone P1 on-call."""

import json
import re
import time
from datetime import timedelta

import pytest
from helpers import T0, Book, Clock, at, db_rows, run_cli, seed
from helpers.console import act, settle
from rich.cells import cell_len
from textual.widgets import Static

from warroom.console.dialogs import Ask, Confirm, Help, ShowText
from warroom.console.launch import make_app
from warroom.domain import actions
from warroom.domain.actions import NeedsReason
from warroom.domain.model import (
    RULE_CONTAIN_FIRST,
    RULE_CONTAINED_FIRST,
    RULE_FLAG_AFTER_FIX,
    RULE_PATH_DONE,
    STEP_DEPLOYED,
    STEP_FLAG_REENABLED,
    STEP_ROOT_CAUSE,
    STEP_SOAK,
    STEP_STAGING,
)
from warroom.domain.policy import CLIENT_NOTICE, INTERNAL_NOTE, RESOLUTION_NOTICE, STATUS_UPDATE, deadlines
from warroom.domain.templates import TEMPLATES, message
from warroom.drills.demo import write_demo
from warroom.service import Service
from warroom.store import Store


def as_communicator(book, minute=1):
    book.do(actions.wear_hat, "carol", at(minute), "communicator")


# -- messages that can be sent as they are -------------------------------------------------
def test_impact_declared_fills_every_message_and_w_changes_it():
    book = Book(impact="logins for every user")
    for name in TEMPLATES:
        found = message(book.state, at(5), name, actor="carol")
        # the resolution notice says when it was resolved: before that, those are asked for
        assert found.missing == (("resolved", "duration") if name == RESOLUTION_NOTICE else ())
        assert "{" not in found.text or name == RESOLUTION_NOTICE
    book.do(actions.set_impact, "alice", at(6), "logins for users with old tokens")
    notice = message(book.state, at(7), CLIENT_NOTICE, actor="carol").text
    assert "an issue affecting logins for users with old tokens since" in notice
    assert book.events[-1].payload == {"impact": "logins for users with old tokens", "was": "logins for every user"}
    with pytest.raises(actions.RuleBroken, match="one line"):
        book.do(actions.set_impact, "alice", at(8), "a\nb")


def test_a_missing_value_is_named_so_the_console_can_ask_for_it():
    book = Book()
    found = message(book.state, at(5), CLIENT_NOTICE, actor="carol")
    assert found.missing == ("impact",)
    given = message(book.state, at(5), CLIENT_NOTICE, actor="carol", given={"impact": "checkout {title}"})
    assert given.missing == () and "affecting checkout {title} since" in given.text  # a value is never re-read


def test_the_message_is_signed_by_whoever_copies_it():
    book = Book(impact="logins")
    assert message(book.state, at(5), CLIENT_NOTICE, actor="dana").text.endswith("— dana")


def test_each_time_appears_once_when_local_time_is_utc():
    notice = message(Book(impact="logins").state, at(5), CLIENT_NOTICE, actor="carol").text
    assert "since 03:00 UTC. We are investigating" in notice
    assert "(03:00 UTC)" not in notice


def test_local_and_utc_both_show_when_they_differ(monkeypatch):
    monkeypatch.setenv("TZ", "Europe/Paris")
    time.tzset()
    notice = message(Book(impact="logins").state, at(5), CLIENT_NOTICE, actor="carol").text
    assert "since 04:00 CET (03:00 UTC)." in notice and "update you by 04:35 CET (03:35 UTC)." in notice
    # an older template that names both itself says the time once when they agree
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    from warroom.domain.templates import fill, values
    assert fill("since {detected_local} ({detected_utc}).", values(Book().state, at(5))) == "since 03:00 UTC."


def test_next_update_by_is_exactly_what_the_countdown_then_tracks():
    book = Book(impact="logins")
    as_communicator(book)
    book.do(actions.notify, "carol", at(2), "manager", "Dana")
    book.do(actions.communicate, "carol", at(10), CLIENT_NOTICE, "notice", sent=True, next_update=at(40))
    copied_at = at(30, 42)  # 03:30:42
    found = message(book.state, copied_at, actor="carol")
    assert found.name == STATUS_UPDATE and "update you again by 04:00 UTC." in found.text
    book.do(actions.communicate, "carol", at(31, 10), STATUS_UPDATE, found.text, sent=True, next_update=found.next_update)
    update = {d.id: d for d in deadlines(book.state, at(32))}["update"]
    assert update.due == at(60)  # 04:00:00, what the message promised, not 04:01:10


def test_containment_text_follows_the_levers_as_they_stand_now():
    """The internal note (the team's) says how each lever stands; the status update (the
    customers') says the impact is contained, never a lever's name."""
    book = Book(impact="logins")
    book.do(actions.set_lever, "alice", at(2), 1, "pulled")
    book.do(actions.set_lever, "alice", at(3), 1, "effective")
    assert "Levers: feature flag off (effective)." in message(book.state, at(4), INTERNAL_NOTE).text
    update = message(book.state, at(4), STATUS_UPDATE).text
    assert "The impact is contained" in update and "feature flag" not in update
    for minute, step in ((8, STEP_ROOT_CAUSE), (10, STEP_STAGING), (12, STEP_DEPLOYED), (13, STEP_FLAG_REENABLED)):
        book.do(actions.resolution_step, "alice", at(minute), step)
    text = message(book.state, at(14), INTERNAL_NOTE).text
    assert "feature flag off (effective, flag back on after the fix)" in text


# -- lateness, honestly ------------------------------------------------------------------
def test_a_late_client_notice_reads_late_in_the_pane_show_and_export(db_file):
    asyncio_run(seed(db_file, (actions.wear_hat, "carol", 1, "communicator"), (actions.notify, "carol", 2, "manager", "Dana"),
                     (actions.communicate, "carol", 20, CLIENT_NOTICE, "late notice", {"sent": True})))
    shown = run_cli("show", now=at(21)).stdout
    assert re.search(r"client notice\s+due 03:15:00\s+late \+05:00 \(met 03:20:00\)", shown), shown
    assert "notify engineering manager + PM" in shown and "met 03:02:00" in shown
    md = run_cli("export", now=at(21)).stdout
    assert "| client notice | 03:15:00 UTC (T+15:00) | 03:20:00 UTC | late by 05:00 |" in md
    assert run_cli("status", now=at(21)).stdout.endswith(" · late: client notice +05:00\n")
    from warroom.console.views import deadline_lines
    from warroom.store import peek
    pane = deadline_lines(peek(db_file).state, at(21)).plain
    assert "✔ late +05:00 (met 03:20:00)  client notice" in pane and "✔ met" not in pane.split("client notice")[0][-30:]


def test_the_message_line_says_when_it_is_due_and_that_the_resolution_notice_went():
    """The line over the deadlines names the message y copies and when it is due, in the
    deadlines' own words: not "due" for an update half an hour away, nor for a resolution
    notice already sent (a tired communicator would send it twice)."""
    from warroom.console.views import deadline_lines

    first = lambda book, minute: deadline_lines(book.state, at(minute), due=message(book.state, at(minute)).name).plain.splitlines()[0]  # noqa: E731
    book = Book(impact="logins")
    as_communicator(book)
    assert first(book, 3) == "due in 12 min: client notice (y copies it)"
    assert first(book, 16) == "OVERDUE +1 min: client notice (y copies it)"
    book.do(actions.notify, "carol", at(16), "manager", "Dana")
    book.do(actions.communicate, "carol", at(17), CLIENT_NOTICE, "the notice", sent=True)
    assert first(book, 18) == "due in 29 min: status update (y copies it)"  # the next round, 30 min after the notice
    book.do(actions.resolve, "alice", at(20), override="false alarm")
    assert first(book, 20) == "due now: resolution notice (y copies it)"
    book.do(actions.communicate, "carol", at(21), RESOLUTION_NOTICE, "it is over", sent=True)
    assert first(book, 22) == "sent 03:21:00: resolution notice (y copies it again)"


def test_the_countdown_says_the_day_of_a_deadline_that_is_not_today():
    """A P2's daily update is due at this time tomorrow: "(due 03:00:00)" read as now, or as
    an hour already gone; its day is said, as a message's time says it."""
    from warroom.console.views import countdown

    book = Book(impact="logins", severity="P2")
    book.do(actions.notify, "alice", at(2), "pm", "Priya", switch=True)
    line = countdown(book.state, at(3))[0].plain
    assert "internal note" in line and line.endswith("(due tomorrow 03:00:00)"), line
    assert cell_len(line) <= 78, line  # whole at 80 columns (the bar's padding is 1 each side)
    overdue = countdown(book.state, at(60 * 24 + 5))[0].plain
    assert overdue.endswith("(was due 03:00:00)"), overdue  # today's: the time alone
    late = countdown(book.state, at(60 * 24 - 2))[0].plain  # 02:58 on the day after: due today
    assert late.endswith("(due 03:00:00)"), late
    gone = countdown(book.state, at(60 * 48 + 5))[0].plain  # a day and more overdue
    assert gone.endswith("(was due yesterday 03:00:00)"), gone
    assert countdown(book.state, at(-60 * 24))[0].plain.endswith("(due Sat 28 Nov 03:00:00)")  # two days ahead
    assert countdown(Book(impact="logins").state, at(3))[0].plain.endswith("(due 03:15:00)")
    from warroom.reports.terminal import show

    rows = [line for line in show(book.state, at(3)).splitlines() if "due 0" in line]
    assert any("internal note (every day)" in row and "due 03:00:00 on Sat 28 Nov" in row for row in rows), rows
    assert any(re.search(r"notify PM\s+due 03:15:00\s+met 03:02:00", row) for row in rows), rows  # today's: the time alone


def test_a_severity_without_an_update_clock_promises_the_next_standup():
    """A P3's internal note said "Next update by {next_update}" in the pane, and y asked what to
    put there: a P3 has no update clock, its one rule is the team lead at the next standup."""
    book = Book(impact="a typo on the pricing page", severity="P3")
    found = message(book.state, at(3), actor="carol")
    assert found.name == INTERNAL_NOTE and found.missing == () and "{" not in found.text, found
    assert "Next update by the next standup." in found.text
    assert "Next update by 03:03 UTC on Sat 28 Nov." in message(Book(impact="x", severity="P2").state, at(3), actor="carol").text
    from warroom.console.views import deadline_lines

    first = lambda minute: deadline_lines(book.state, at(minute), due=INTERNAL_NOTE).plain.splitlines()[0]  # noqa: E731
    assert first(3) == "to send: internal note (y copies it)"
    book.do(actions.communicate, "carol", at(4), INTERNAL_NOTE, found.text, sent=True, switch=True)
    assert first(5) == "sent 03:04:00: internal note (y copies it again)"  # not still "to send"


def test_a_severity_that_owes_no_client_a_notice_does_not_push_the_resolution_notice(db_file):
    """Resolving a P3 (no client notice, no status page) opened the customer's resolution notice
    and asked for its {impact}: a message nobody owed. It is not copied by itself; the pane says
    it is not owed, and y still copies it if one is wanted."""
    from warroom.console.views import deadline_lines

    book = Book(impact="", severity="P3")
    book.do(actions.resolve, "alice", at(4), override="typo fixed in the CMS")
    line = deadline_lines(book.state, at(5), due=RESOLUTION_NOTICE).plain.splitlines()[0]
    assert line == "not owed at P3: resolution notice (y copies it if wanted)", line
    asyncio_run(seed(db_file, severity="P3", impact=""))
    app = make_app(db_file, clock=Clock(at(4)), actor="alice", clipboard=[("the test board", lambda t: True)])

    async def resolve():
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            await act(pilot, "r", "z", *"typo fixed", "enter")
            assert app.state.resolved and app.screen is app.main_screen, app.screen  # no question about {impact}
            assert any("owes no client" in n.message for n in app._notifications)

    asyncio_run(resolve())
    assert [kind for _, kind, _ in db_rows(db_file)][-1] == "resolved"  # nothing copied after it


def test_the_postmortems_people_are_people():
    """"People: alice, warroom" listed warroom itself (a status page it published, a page it
    sent); a drill's injects and the alerting are not people either."""
    from warroom.domain import schema
    from warroom.domain.model import COMMUNICATOR, INVESTIGATOR
    from warroom.reports.postmortem import markdown

    book = Book(impact="logins")
    book._add([schema.event("INC-1", at(1), "warroom", COMMUNICATOR, schema.Note(text="published")),
               schema.event("INC-1", at(2), "drill #1: dashboards", INVESTIGATOR, schema.Note(text="errors fell"))])
    book.do(actions.wear_hat, "carol", at(3), "communicator")
    assert "- People: alice, carol\n" in markdown(book.state, at(4))


def test_a_deadline_never_met_reads_missed_once_resolved():
    book = Book(impact="logins")
    book.do(actions.resolve, "alice", at(20), override="false alarm")
    from warroom.reports.postmortem import markdown
    md = markdown(book.state, at(21))
    assert "| notify engineering manager + PM | 03:15:00 UTC (T+15:00) | — | missed |" in md
    assert "| team assembled if unresolved | 03:30:00 UTC (T+30:00) | — | not needed (resolved before it) |" in md


def asyncio_run(coro):
    import asyncio
    return asyncio.run(coro)


async def test_the_strip_stops_its_clock_at_resolution(db_file):
    store = await Store.open(db_file)
    code = await write_demo(Service(store, None, lambda: at(60)), at(60))
    await store.close()
    app = make_app(db_file, clock=Clock(at(60 + 36)), actor="alice", code=code, clipboard=[])
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        strip = str(app.main_screen.query_one("#strip").render())
        assert "T+40:00" in strip and "RESOLVED" in strip


def test_the_clock_stops_at_resolution(db_file):
    assert run_cli("demo", "--no-console", now=at(60)).returncode == 0
    later = at(60 + 36)  # the replay resolved at T+40:00, 36 minutes further on
    shown = run_cli("show", now=later).stdout
    assert "resolved at T+40:00" in shown and "T+1:16" not in shown
    assert "lasted 40 minutes" in run_cli("list", now=later).stdout


# -- rules that cannot be broken silently ---------------------------------------------------
def test_root_cause_before_any_lever_needs_a_reason_and_keeps_it():
    book = Book()
    with pytest.raises(NeedsReason, match="contain before you diagnose"):
        book.do(actions.resolution_step, "alice", at(5), STEP_ROOT_CAUSE)
    assert len(book.events) == 1
    book.do(actions.resolution_step, "alice", at(5), STEP_ROOT_CAUSE, override="the cause is plain: a bad config push")
    assert book.state.overrides[0].rule == RULE_CONTAIN_FIRST
    assert [e.kind for e in book.events[1:]] == ["rule overridden", "resolution step"]


def test_flag_back_on_needs_lever_1_tried_and_the_fix_deployed():
    book = Book()
    book.do(actions.resolution_step, "alice", at(3), STEP_ROOT_CAUSE, override="the cause was plain at once")
    book.do(actions.resolution_step, "alice", at(4), STEP_STAGING)
    with pytest.raises(NeedsReason) as needs:
        book.do(actions.resolution_step, "alice", at(5), STEP_FLAG_REENABLED)
    assert needs.value.rule == RULE_FLAG_AFTER_FIX
    assert "lever 1 feature flag off was never pulled or skipped" in str(needs.value) and "not deployed" in str(needs.value)
    book.do(actions.set_lever, "alice", at(6), 1, "pulled")
    book.do(actions.resolution_step, "alice", at(7), STEP_DEPLOYED)
    book.do(actions.resolution_step, "alice", at(8), STEP_FLAG_REENABLED)  # now it holds: no reason asked
    assert [o.rule for o in book.state.overrides] == [RULE_CONTAIN_FIRST]


def test_with_lever_1_skipped_there_is_no_flag_to_bring_back_and_the_path_says_so():
    book = Book()
    book.do(actions.set_lever, "alice", at(1), 1, "skipped", reason="no flag guards the order totals")
    book.do(actions.set_lever, "alice", at(2), 2, "pulled")
    book.do(actions.set_lever, "alice", at(3), 2, "effective")
    for minute, step in ((4, STEP_ROOT_CAUSE), (5, STEP_STAGING), (6, STEP_DEPLOYED)):
        book.do(actions.resolution_step, "alice", at(minute), step)
    with pytest.raises(actions.RuleBroken, match="flag re-enabled does not apply: lever 1 was skipped"):
        book.do(actions.resolution_step, "alice", at(7), STEP_FLAG_REENABLED)
    book.do(actions.resolution_step, "alice", at(16), STEP_SOAK)
    book.do(actions.resolve, "alice", at(17))  # the path is done without the flag: no reason asked
    assert book.state.resolved and book.state.overrides == []
    from warroom.console.views import resolution_path

    assert "– flag on n/a" in str(resolution_path(book.state))


def test_the_soak_waits_for_its_minimum_unless_a_reason_is_given():
    from warroom.domain.model import RULE_SOAK_FULL

    book = Book()
    book.do(actions.set_lever, "alice", at(1), 1, "pulled")
    for minute, step in ((2, STEP_ROOT_CAUSE), (3, STEP_STAGING), (4, STEP_DEPLOYED), (5, STEP_FLAG_REENABLED)):
        book.do(actions.resolution_step, "alice", at(minute), step)
    with pytest.raises(NeedsReason) as needs:
        book.do(actions.resolution_step, "alice", at(9), STEP_SOAK)  # 4 minutes after the flag came back
    assert needs.value.rule == RULE_SOAK_FULL and "the fix has run 4 of the soak's 10 minutes" in str(needs.value)
    book.do(actions.resolution_step, "alice", at(6), STEP_SOAK, soak=timedelta(minutes=1))  # a team's shorter soak
    assert [o.rule for o in book.state.overrides] == []
    other = Book()
    other.do(actions.set_lever, "alice", at(1), 1, "pulled")
    for minute, step in ((2, STEP_ROOT_CAUSE), (3, STEP_STAGING), (4, STEP_DEPLOYED), (5, STEP_FLAG_REENABLED)):
        other.do(actions.resolution_step, "alice", at(minute), step)
    other.do(actions.resolution_step, "alice", at(7), STEP_SOAK, override="the canary ran for an hour already")
    assert [(o.rule, o.reason) for o in other.state.overrides] == [(RULE_SOAK_FULL, "the canary ran for an hour already")]


def test_resolving_needs_the_path_done_or_a_reason():
    book = Book()
    with pytest.raises(NeedsReason, match="not done yet: root cause identified, fix tested in staging"):
        book.do(actions.resolve, "alice", at(5))
    book.do(actions.resolve, "alice", at(5), override="false alarm")
    assert book.state.resolved and [o.rule for o in book.state.overrides] == [RULE_PATH_DONE, RULE_CONTAINED_FIRST]


def test_overrides_are_listed_in_show_and_the_postmortem(db_file):
    run_cli("declare", "x", "--impact", "y", now=T0)
    store = asyncio_run(Store.open(db_file))
    state = asyncio_run(store.load("INC-1"))
    asyncio_run(store.append(actions.resolution_step(state, "alice", at(3), STEP_ROOT_CAUSE, override="obvious | cause")))
    asyncio_run(store.close())
    assert "contain before you diagnose: obvious | cause" in run_cli("show", now=at(4)).stdout
    md = run_cli("export", now=at(4)).stdout
    assert "| contain before you diagnose | obvious \\| cause |" in md.split("## Rules overridden")[1]


def test_findings_are_numbered_within_the_incident():
    book = Book()
    book.do(actions.note, "alice", at(1), "a note first")
    book.do(actions.report_finding, "alice", at(2), "first", switch=True)
    book.do(actions.report_finding, "alice", at(3), "second")
    assert [(f.number, f.id) for f in book.state.findings] == [(1, 4), (2, 5)]
    book.do(actions.acknowledge, "alice", at(4), 5, switch=True)
    from warroom.domain.describe import describe
    assert describe(book.events[-1]) == "acknowledged finding #2"
    assert book.state.latest_acknowledged.text == "second"


def test_the_demo_obeys_the_rules_and_its_export_has_deadlines_and_the_root_cause(db_file):
    store = asyncio_run(Store.open(db_file))
    code = asyncio_run(write_demo(Service(store, None, lambda: at(60)), at(60)))
    state = asyncio_run(store.load(code))
    asyncio_run(store.close())
    assert state.overrides == [] and STEP_SOAK in state.steps
    md = run_cli("export", now=at(61)).stdout
    assert "## Deadlines" in md and "| client notice | 03:34:00 UTC (T+15:00) | 03:29:00 UTC | on time |" in md
    assert "## Root cause\n\nauth-service 142 changed the JWT claim format" in md


# -- the console --------------------------------------------------------------------------
@pytest.fixture
async def console(db_file):
    clock = Clock(at(5))
    copied = []

    async def run(*steps, actor="carol", size=(120, 40), impact="logins for every user"):
        await seed(db_file, *steps, impact=impact)
        app = make_app(db_file, clock=clock, actor=actor, clipboard=[("the test board", lambda t: copied.append(t) or True)])
        return app, app.run_test(size=size)

    run.copied = copied
    return run


async def test_y_asks_for_a_missing_value_before_copying(console, db_file):
    app, running = await console((actions.wear_hat, "carol", 1, "communicator"), (actions.notify, "carol", 2, "manager", "Dana"),
                                 impact="")
    async with running as pilot:
        await settle(pilot)
        await act(pilot, "y")
        assert isinstance(app.screen, Ask) and "{impact}" in app.screen.question
        assert console.copied == []
        await act(pilot, *"checkout for every shopper", "enter")
        assert isinstance(app.screen, Confirm)
        await act(pilot, "enter")
    [text] = console.copied
    assert "affecting checkout for every shopper since" in text and not re.search(r"\{[a-z_]+\}", text)
    assert json.loads(db_rows(db_file)[-1][2])["text"] == text


async def test_escape_at_a_missing_value_copies_nothing(console, db_file):
    app, running = await console((actions.wear_hat, "carol", 1, "communicator"), impact="")
    async with running as pilot:
        await act(pilot, "y", "escape")
        assert any("{impact} unfilled" in n.message for n in app._notifications)
    assert console.copied == [] and db_rows(db_file)[-1][1] == "hat worn"


async def test_commander_y_then_switch_signs_with_the_copiers_name(console, db_file):
    app, running = await console((actions.notify, "alice", 2, "manager", "Dana", {"switch": True}),
                                 (actions.wear_hat, "alice", 3, "commander"), actor="alice")
    async with running as pilot:
        await settle(pilot)
        await act(pilot, "y")
        assert isinstance(app.screen, Confirm) and "Switch to the communicator hat" in app.screen.question
        await act(pilot, "enter", "enter")
    [text] = console.copied
    assert text.endswith("— alice") and "{communicator}" not in text


async def test_w_sets_the_impact_as_the_commander(console, db_file):
    app, running = await console(actor="alice")
    async with running as pilot:
        await act(pilot, "w")
        await act(pilot, "ctrl+u", *"logins for old tokens", "enter")
        assert app.state.impact == "logins for old tokens"
        assert isinstance(app.screen, Ask) and app.screen.value == "Issue affecting logins for old tokens"
        await act(pilot, "enter")  # the public title as shown: nothing more is written
    assert db_rows(db_file)[-1][:2] == ("commander", "impact set")


async def test_o_in_another_hat_asks_its_fields_at_once_and_answering_them_is_the_switch(console, db_file):
    from warroom.console.dialogs import Form

    app, running = await console((actions.wear_hat, "alice", 1, "investigator"), actor="alice")
    async with running as pilot:
        await act(pilot, "o")
        assert isinstance(app.screen, Form) and "As the commander" in app.screen.hint  # no separate hat question
        await act(pilot, *"half typed", "escape")
        assert app.screen is app.main_screen and app.state.hat_of("alice") == "investigator"  # Esc keeps the hat
        await act(pilot, "o", *"add a smoke test", "tab", "ctrl+u", *"bob", "enter")
    rows = db_rows(db_file)
    assert [k for _, k, _ in rows][-2:] == ["hat worn", "follow-up added"]  # one commit: the switch and the follow-up
    added = json.loads(rows[-1][2])
    assert (added["text"], added["owner"]) == ("add a smoke test", "bob") and "due" not in added


async def test_a_followup_is_owned_by_whoever_adds_it_unless_another_name_is_typed(console, db_file):
    app, running = await console(actor="alice")
    async with running as pilot:
        await act(pilot, "o", *"rotate the signing key yearly", "enter")
    added = json.loads(db_rows(db_file)[-1][2])
    assert (added["text"], added["owner"]) == ("rotate the signing key yearly", "alice")


async def test_the_sent_question_shows_the_whole_text_copied(console):
    app, running = await console((actions.wear_hat, "carol", 1, "communicator"), (actions.notify, "carol", 2, "manager", "Dana"),
                                 size=(80, 24))
    async with running as pilot:
        await act(pilot, "y")
        assert isinstance(app.screen, Confirm)
        [text] = console.copied
        assert str(app.screen.query_one("#quoted").render()) == text


async def test_d_reads_the_due_message_whole(console):
    app, running = await console((actions.wear_hat, "carol", 1, "investigator"), size=(80, 24))
    async with running as pilot:
        await act(pilot, "d")
        assert isinstance(app.screen, ShowText)
        shown = app.screen.query_one("#text").text
        assert shown == message(app.state, app.now(), CLIENT_NOTICE, actor="carol").text
        assert app.state.hat_of("carol") == "investigator"  # reading needs no hat


async def test_help_scrolls_at_80x24_and_lists_every_key(console):
    app, running = await console(size=(80, 24))
    async with running as pilot:
        await act(pilot, "question_mark")
        assert isinstance(app.screen, Help)
        keys = app.screen.query_one("#keys")
        assert keys.max_scroll_y > 0  # more than fits: it must scroll
        await act(pilot, "end")
        assert keys.scroll_y == keys.max_scroll_y
        text = " ".join(static.render().plain for static in app.screen.query("#keys Static").results(Static))
        from helpers.console import screen_bindings

        bound = screen_bindings(app)
        assert len(bound) >= 25  # the keys the console really has
        for binding in bound:
            assert binding.tooltip in text
        await pilot.resize_terminal(60, 20)  # a description too long for its line goes on under its own words
        await settle(pilot)
        rows = list(app.screen.query("#keys .choice"))
        assert len(rows) >= 25 and any(row.query_one(".label").region.height > 1 for row in rows)
        assert all(row.query_one(".label").region.x >= row.query_one(".key").region.right for row in rows)


@pytest.mark.parametrize("width", [80, 120, 160])
async def test_the_footer_shows_question_mark_first_at_any_width(console, width):
    app, running = await console(size=(width, 30))
    async with running as pilot:
        await settle(pilot)
        from warroom.console.footer import KeysLine

        line = app.main_screen.query_one(KeysLine)
        assert str(line.render()).strip().startswith("? Keys")
        assert line.region.y == 29 and line.region.width == width  # the bottom row, on screen whole


# -- finding any incident (issue 14's first step) ---------------------------------------------
async def test_the_picker_finds_any_incident_by_code_title_or_service(console, db_file):
    from warroom.console.dialogs import PickIncident
    from warroom.store import Store

    app, running = await console(actor="alice")
    store = await Store.open(db_file)
    for n in range(2, 15):  # 14 incidents: more than the old picker's 9
        draft = actions.declare("alice", at(n), f"fire number {n}", "P2", service="checkout" if n == 3 else "")
        await store.declare(draft)
    state = await store.load("INC-2")
    await store.append(actions.resolve(state, "alice", at(30), override="a duplicate incident"))
    await store.close()
    async with running as pilot:
        await settle(pilot)
        await act(pilot, "p")
        assert isinstance(app.screen, PickIncident)
        listed = app.screen.query_one("#found")
        assert listed.option_count == 14 and "(14 in this database)" in str(app.screen.query_one("#count").render())
        codes = [listed.get_option_at_index(i).id for i in range(14)]
        assert codes[0] == "INC-14" and codes[-1] == "INC-2"  # open ones first, newest first; resolved last
        await act(pilot, *"CHECKOUT")
        assert [listed.get_option_at_index(i).id for i in range(listed.option_count)] == ["INC-3"]
        assert "(1 of 14 match)" in str(app.screen.query_one("#count").render())
        await act(pilot, "enter")
        assert app.code == "INC-3" and app.state.service == "checkout"
        await act(pilot, "p", *"inc-1", "escape")
        assert app.code == "INC-3"  # Esc: nothing changes


def test_list_flags_open_since_limit_and_json(db_file):
    for n, detected in enumerate(["3d", "2h", "30m", "5m"], start=1):
        assert run_cli("declare", f"fire {n}", "--detected", detected, now=at(600)).returncode == 0
    store = asyncio_run(Store.open(db_file))
    asyncio_run(store.append(actions.resolve(asyncio_run(store.load("INC-4")), "alice", at(600), override="a duplicate of another")))
    asyncio_run(store.close())
    rows = lambda *a: run_cli("list", *a, now=at(601)).stdout.splitlines()  # noqa: E731
    assert [r.split()[0] for r in rows()] == ["INC-3", "INC-2", "INC-1", "INC-4"]  # open first, then newest first
    assert [r.split()[0] for r in rows("--open")] == ["INC-3", "INC-2", "INC-1"]
    assert [r.split()[0] for r in rows("--since", "1d")] == ["INC-3", "INC-2", "INC-4"]
    assert rows("--limit", "2") == rows()[:2] + ["… and 2 more (--limit 4 shows them all)"]
    data = json.loads(run_cli("list", "--format", "json", "--open", "--limit", "1", now=at(601)).stdout)
    assert [(d["code"], d["title"], d["status"], d["resolved"]) for d in data] == [("INC-3", "fire 3", "investigating", None)]
    for bad in (["--limit", "0"], ["--limit", "x"], ["--since", "soon"], ["--format", "xml"]):
        done = run_cli("list", *bad)
        assert done.returncode == 2 and done.stderr.count("\n") == 1, bad
    assert run_cli("list", "--open", "--since", "1m", now=at(601)).stdout == "no incidents match\n"


async def test_t_with_no_name_asks_again_and_a_name_ticks_it(console, db_file):
    """Enter with nothing typed: who was told is asked again at once (it closed with a notice,
    and t had to be pressed again)."""
    app, running = await console((actions.wear_hat, "carol", 1, "communicator"), actor="carol")
    async with running as pilot:
        await settle(pilot)
        await act(pilot, "t", "enter")
        assert isinstance(app.screen, Ask) and "✗ a name is needed: who was told" in app.screen.question
        await act(pilot, *"Dana (EM) by phone", "enter")
        assert app.screen is app.main_screen and "manager" in app.state.notified
    assert db_rows(db_file)[-1][1] == "escalation notified"
    assert json.loads(db_rows(db_file)[-1][2])["whom"] == "Dana (EM) by phone"
