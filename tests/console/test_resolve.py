"""Resolve and learn: the staging gate, the JWT replay's figures, corrections, follow-ups, export."""

import json
from pathlib import Path

import pytest
from helpers import T0, Book, Clock, at, db_rows, run_cli, seed
from helpers.console import act, settle
from textual.widgets import Static

from warroom.console.dialogs import Ask, Choose, Confirm, PickIncident
from warroom.console.launch import make_app
from warroom.domain import actions
from warroom.domain.model import (
    RULE_CONTAINED_FIRST,
    RULE_FLAG_AFTER_FIX,
    RULE_PATH_DONE,
    STEP_DEPLOYED,
    STEP_FLAG_REENABLED,
    STEP_ROOT_CAUSE,
    STEP_SOAK,
    STEP_STAGING,
)
from warroom.drills.demo import write_demo
from warroom.reports.postmortem import cell, markdown
from warroom.service import Service
from warroom.store import Store

GOLDEN = Path(__file__).parent / "golden" / "postmortem.md"


async def test_the_jwt_replay_takes_4_8_5_and_44_minutes(db_file):
    store = await Store.open(db_file)
    code = await write_demo(Service(store, None, lambda: at(60)), at(60))
    state = await store.load(code)
    await store.close()
    fig = state.figures()
    minutes = [span.total_seconds() / 60 for span in (fig.to_detect, fig.to_identify, fig.to_fix, fig.total)]
    assert minutes == [4, 8, 5, 44]
    assert state.resolved and [f.text for f in state.followups] == [
        "add a token-compatibility smoke test to the deploy pipeline"]


def test_demo_from_the_command_line_writes_through_the_event_log(db_file):
    done = run_cli("demo", "--no-console", now=at(60))
    assert done.returncode == 0 and done.stdout == "INC-1 written: the JWT outage replay\n"
    shown = run_cli("show", now=at(61)).stdout
    assert "figures: detect 4 min, contain 13 min, identify 8 min, fix 5 min, resolve 40 min, total 44 min" in shown
    assert len(db_rows(db_file)) > 20


def test_export_md_matches_the_golden_postmortem(db_file):
    run_cli("demo", "--no-console", now=T0)
    done = run_cli("export", "--format", "md")
    assert done.returncode == 0
    assert done.stdout == GOLDEN.read_text(), "postmortem changed: review it, then rewrite tests/console/golden/postmortem.md"


def test_hostile_text_cannot_break_the_markdown():
    book = Book(title="a | b\n# heading <script>alert(1)</script> `x` \x1b[31mred [link](http://x)")
    book.do(actions.note, "alice", at(1), "pipe | in a note\nsecond line")
    text = markdown(book.state)
    assert "# Postmortem draft: INC-1 a \\| b ⏎ \\# heading \\<script\\>" in text
    assert "\x1b" not in text and "␛" in text
    timeline = text.split("## Timeline")[1].split("\n## ")[0]
    rows = [line for line in timeline.splitlines() if line.startswith("| ") and "T+" in line]
    assert rows and all(line.count(" | ") == 4 for line in rows)  # five cells, whatever the text held
    assert "pipe \\| in a note ⏎ second line" in text
    assert cell("[x](y)") == "\\[x\\](y)"


def test_a_multi_day_incident_shows_dates_in_the_timeline():
    book = Book()
    book.do(actions.note, "alice", at(60 * 25), "next day")
    assert "| 2026-11-28 04:00:00 UTC |" in markdown(book.state)


def test_followup_from_the_command_line(db_file):
    run_cli("declare", "x", "--severity", "P2", now=T0)
    done = run_cli("followup", "INC-1", "add a smoke test", "--owner", "bob", "--due", "2026-12-04", now=at(5))
    assert done.returncode == 0, done.stderr
    assert json.loads(db_rows(db_file)[-1][2]) == {"text": "add a smoke test", "owner": "bob", "due": "2026-12-04"}
    for args in (["followup", "INC-1"], ["followup", "INC-9", "x", "--owner", "b"], ["followup", "INC-1", "", "--owner", "b"],
                 ["followup", "INC-1", "x", "--due", "Friday"], ["followup", "INC-1", "x", "--done"]):
        bad = run_cli(*args)
        assert bad.returncode == 2 and bad.stderr.count("\n") == 1
    assert len(db_rows(db_file)) == 2


@pytest.fixture
async def console(db_file):
    clock = Clock(at(20))
    copied: list[str] = []

    async def run(*steps):
        await seed(db_file, *steps)
        app = make_app(db_file, clock=clock, actor="alice", clipboard=[("the test board", lambda t: copied.append(t) or True)])
        return app, app.run_test(size=(120, 40))

    run.copied = copied  # type: ignore[attr-defined]
    return run


PULLED_1 = (actions.set_lever, "alice", 2, 1, "pulled")
FULL_PATH = (PULLED_1, (actions.set_lever, "alice", 3, 1, "effective"), (actions.resolution_step, "alice", 4, STEP_ROOT_CAUSE), (actions.resolution_step, "alice", 5, STEP_STAGING),
             (actions.resolution_step, "alice", 6, STEP_DEPLOYED), (actions.resolution_step, "alice", 7, STEP_FLAG_REENABLED),
             (actions.resolution_step, "alice", 18, STEP_SOAK))  # (the soak: at least 10 minutes after the flag came back)


async def test_the_flag_stays_off_until_staging_confirms_and_the_screen_says_why(console, db_file):
    app, running = await console(PULLED_1)
    async with running as pilot:
        await act(pilot, "r", "4")
        assert "flag re-enabled" not in app.state.steps
        assert any("the flag stays off until the fix is tested in staging" in n.message for n in app._notifications)
        assert isinstance(app.screen, Choose)  # the path stays open across steps
        await act(pilot, "2", "3", "4")
        assert set(app.state.steps) == {STEP_STAGING, STEP_DEPLOYED, "flag re-enabled"}
        assert "✔ flag re-enabled" in [label.render().plain for label in app.screen.query(".choice .label").results(Static)]
        await act(pilot, "escape")
        assert app.screen is app.main_screen
    assert [json.loads(p)["step"] for _, k, p in db_rows(db_file) if k == "resolution step"] == [
        STEP_STAGING, STEP_DEPLOYED, "flag re-enabled"]


async def test_flag_back_on_without_lever_1_or_a_deploy_needs_a_reason_kept_as_an_override(console, db_file):
    app, running = await console((actions.resolution_step, "alice", 9, STEP_STAGING))
    async with running as pilot:
        await act(pilot, "r", "4")
        assert isinstance(app.screen, Ask)
        assert "lever 1 feature flag off was never pulled or skipped" in app.screen.question
        assert "the fix is not deployed yet" in app.screen.question
        await act(pilot, "escape")
        assert "flag re-enabled" not in app.state.steps
        await act(pilot, "4", *"flag guards a different path; product asked", "enter")
        assert "flag re-enabled" in app.state.steps
    rows = [(k, json.loads(p)) for _, k, p in db_rows(db_file)]
    assert rows[-2] == ("rule overridden", {"rule": RULE_FLAG_AFTER_FIX, "reason": "flag guards a different path; product asked"})
    assert rows[-1] == ("resolution step", {"step": "flag re-enabled"})


async def test_root_cause_before_any_lever_says_contain_before_you_diagnose(console, db_file):
    app, running = await console()
    async with running as pilot:
        await act(pilot, "r", "1", *"token format changed", "enter")
        assert isinstance(app.screen, Ask) and "contain before you diagnose" in app.screen.question
        await act(pilot, "escape")
        assert app.state.milestone("root cause identified") is None
        assert any("not done: contain before you diagnose" in n.message for n in app._notifications)
    assert "resolution step" not in [k for _, k, _ in db_rows(db_file)]


async def test_root_cause_asks_for_the_cause_and_sets_the_milestone(console, db_file):
    app, running = await console(PULLED_1)
    async with running as pilot:
        await act(pilot, "r", "1")
        await act(pilot, *"token format changed", "enter")
        assert app.state.milestone("root cause identified") == at(20)
    assert json.loads(db_rows(db_file)[-1][2]) == {"step": STEP_ROOT_CAUSE, "note": "token format changed"}


async def test_the_root_cause_is_prefilled_from_the_acknowledged_finding(console, db_file):
    app, running = await console(PULLED_1, (actions.report_finding, "alice", 5, "142 changed the claim format", {"switch": True}),
                                 (actions.acknowledge, "alice", 6, 4, {"switch": True}))
    async with running as pilot:
        await act(pilot, "r", "1")
        assert app.screen.query_one("Input").value == "142 changed the claim format"
        await act(pilot, "enter")
        assert app.state.root_cause == "142 changed the claim format"


async def test_resolving_asks_first_and_a_resolved_incident_can_be_reopened(console, db_file):
    app, running = await console(*FULL_PATH)
    async with running as pilot:
        await act(pilot, "r", "z")
        assert isinstance(app.screen, Confirm)
        await act(pilot, "escape")
        assert not app.state.resolved
        await act(pilot, "r", "z", "enter")
        assert app.state.resolved
        # then the resolution notice, copied as the communicator (no one else wears that hat)
        assert isinstance(app.screen, Confirm) and app.screen.question.startswith("Was the resolution notice sent?")
        assert console.copied[-1].startswith("Resolved: ") and " was resolved at " in console.copied[-1]
        await act(pilot, "escape")  # not sent yet: it stays due
        assert "resolved" in str(app.main_screen.query_one("#countdown").render())
        assert "total 20m" in str(app.main_screen.query_one("#figures").render())
        await act(pilot, "r", "enter", "enter")  # the communicator switches back to reopen
        await act(pilot, *"errors are back", "enter")
        assert not app.state.resolved
    kinds = [k for _, k, _ in db_rows(db_file)]
    assert kinds[kinds.index("resolved"):] == ["resolved", "hat worn", "communication copied", "hat worn", "reopened"]


async def test_resolving_before_the_path_is_done_needs_a_reason(console, db_file):
    app, running = await console(PULLED_1)
    async with running as pilot:
        await act(pilot, "r", "z")  # a rule unmet: the question for the reason is the confirmation
        assert isinstance(app.screen, Ask) and "not done yet: root cause identified" in app.screen.question
        await act(pilot, *"false alarm: the monitor misfired", "enter")
        assert app.state.resolved
        await act(pilot, "escape")  # the resolution notice copied, not sent yet
    rows = [(k, json.loads(p)) for _, k, p in db_rows(db_file)]
    rows = rows[:[k for k, _ in rows].index("resolved") + 1]
    assert rows[-3:-1] == [("rule overridden", {"rule": RULE_PATH_DONE, "reason": "false alarm: the monitor misfired"}),
                           ("rule overridden", {"rule": RULE_CONTAINED_FIRST, "reason": "false alarm: the monitor misfired"})]
    md = run_cli("export").stdout
    assert "## Rules overridden" in md and "| resolve after the resolution path | false alarm: the monitor misfired |" in md


async def test_escape_on_the_reason_to_resolve_goes_back_to_the_path_which_stays_open(console, db_file):
    app, running = await console(PULLED_1)
    async with running as pilot:
        await act(pilot, "r", "z")
        assert isinstance(app.screen, Ask) and "no lever was marked effective" in app.screen.question
        await act(pilot, "escape")
        assert isinstance(app.screen, Choose) and not app.state.resolved  # back on the path, as it says
        await act(pilot, "z", *"x", "enter")  # not a reason: asked again, what was typed kept
        assert isinstance(app.screen, Ask) and "a few words" in app.screen.question
        assert app.screen.query_one("Input").value == "x"
        await act(pilot, *" marks a false page")  # to go on from: typing adds to it, and does not replace it
        assert app.screen.query_one("Input").value == "x marks a false page"
        await act(pilot, "escape", "escape")
        assert app.screen is app.main_screen and not app.state.resolved
    assert "resolved" not in [k for _, k, _ in db_rows(db_file)]


async def test_a_long_prefill_is_shown_whole_and_read_from_its_start(console, db_file):
    cause = "auth-service 142 changed the JWT claim format, so tokens issued before it fail validation on every login"
    app, running = await console(PULLED_1, (actions.report_finding, "alice", 5, cause, {"switch": True}),
                                 (actions.acknowledge, "alice", 6, 4, {"switch": True}))
    async with running as pilot:
        await act(pilot, "r", "1")
        assert str(app.screen.query_one("#prefill").render()) == cause  # the whole text, wrapped
        field = app.screen.query_one("Input")
        assert field.value == cause and field.cursor_position == 0  # the field opens at its start
        await act(pilot, "enter")
        assert app.state.root_cause == cause


async def test_a_milestone_is_corrected_by_a_new_event(console, db_file):
    app, running = await console()
    async with running as pilot:
        await act(pilot, "k", "1")
        await act(pilot, *"yesterday", "enter")  # not a time: asked again at once, what was typed kept to mend
        assert isinstance(app.screen, Ask) and "✗ cannot read the time 'yesterday'" in app.screen.question
        assert app.screen.first_field().value == "yesterday"
        await act(pilot, "ctrl+u", *"24m", "enter")
        assert isinstance(app.screen, Ask) and "Why the correction?" in app.screen.question
        await act(pilot, *"graph shows it", "enter")
        assert app.state.milestone("impact started") == at(-4)
        assert "detect 4m" in str(app.main_screen.query_one("#figures").render())
    assert json.loads(db_rows(db_file)[-1][2])["milestone"] == "impact started"
    assert db_rows(db_file)[0][1] == "declared"  # the old events are untouched


async def test_k_shows_each_milestones_time_and_asks_with_an_example_of_today(console):
    """Which milestone to correct, and to what: each shows the time it has now (or that it has
    none), the question says it again, and its example is a time of today, not a fixed date."""
    app, running = await console()
    async with running as pilot:
        await act(pilot, "k")
        labels = [label.render().plain for label in app.screen.query(".choice .label").results(Static)]
        assert labels[1] == "detected  03:00:00" and labels[6] == "resolved  not yet", labels
        await act(pilot, "2")
        assert isinstance(app.screen, Ask)
        assert "'detected' (now 03:00:00)" in app.screen.question and "or a time (2026-11-27T03:20)" in app.screen.question


async def test_a_followup_from_the_console_is_listed(console, db_file):
    app, running = await console()
    async with running as pilot:
        await act(pilot, "o")
        await act(pilot, *"add a smoke test", "tab", "ctrl+u", *"bob", "tab", *"2026-12-04", "enter")
        assert [(f.text, f.owner, f.due) for f in app.state.followups] == [("add a smoke test", "bob", "2026-12-04")]
        assert "bob: add a smoke test" in str(app.main_screen.query_one("#followups").render())


async def test_p_switches_incident_and_status_follows_the_one_being_worked(console, db_file):
    app, running = await console()
    async with running as pilot:
        await settle(pilot)
        store = app.store
        await store.declare(actions.declare("alice", at(19), "Second fire", "P2"))
        await act(pilot, "p")
        assert isinstance(app.screen, PickIncident)
        await act(pilot, "down", "enter")  # open first, newest first: INC-2, then INC-1
        assert app.code == "INC-1"
        await act(pilot, "p", *"second", "enter")
        assert app.code == "INC-2" and app.state.title == "Second fire"
        assert len(app.main_screen.query_one("#timeline").lines) == 1
    assert run_cli("status", now=at(20)).stdout.startswith("INC-2 P2")
