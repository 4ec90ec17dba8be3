"""The commander's follow-ups in the console (issue 28): the pane lists them with their codes
and state, O closes an open one (what was done, a link) or reopens a closed one, and one
closed elsewhere shows closed at once."""

import json

from helpers import Clock, at, db_rows, run_cli, seed
from helpers.console import act, settle, together, until

from warroom.console.dialogs import Ask, Choose, Form
from warroom.console.launch import make_app
from warroom.domain import actions, followups

DAY = 24 * 60


def followups_text(app) -> str:
    return str(app.main_screen.query_one("#commander").query_one("#followups").content)


async def with_two_followups(db_file, *more):
    await seed(db_file, (followups.add, "alice", 2, "add a token-compatibility smoke test", "bob", {"due": "2026-11-28"}),
               (followups.add, "alice", 3, "document the rollback", "carol"), *more)


async def test_the_pane_lists_them_with_codes_and_O_closes_the_one_picked(db_file):
    await with_two_followups(db_file)
    app = make_app(db_file, clock=Clock(at(2 * DAY)), actor="alice", clipboard=[])
    async with app.run_test(size=(100, 36)) as pilot:
        await settle(pilot)
        await until(pilot, lambda: "F-1" in followups_text(app), "the codes shown")
        shown = followups_text(app)
        assert "follow-ups: 2 open, 0 done" in shown
        assert "F-1 ⚠ OVERDUE bob: add a token-compatibility smoke test (due 2026-11-28)" in shown
        assert "F-2 ○ carol: document the rollback" in shown
        await act(pilot, "O")
        assert isinstance(app.screen, Choose)
        assert [label for _, label, _ in app.screen.choices] == [
            "F-1 OVERDUE · bob: add a token-compatibility smoke test", "F-2 open · carol: document the rollback"]
        await act(pilot, "1")
        assert isinstance(app.screen, Choose) and [key for key, _, _ in app.screen.choices] == ["c", "o", "d"]
        await act(pilot, "c")
        assert isinstance(app.screen, Form)
        await pilot.press(*"test added", "tab", *"https://git.example/pr/9", "enter")
        await settle(pilot)
        assert json.loads(db_rows(db_file)[-1][2]) == {"followup": 1, "note": "test added", "link": "https://git.example/pr/9"}
        assert db_rows(db_file)[-1][:2] == ("commander", "follow-up done")
        await until(pilot, lambda: "F-1 ✔ bob" in followups_text(app), "F-1 shown closed")
        assert "follow-ups: 1 open, 1 done" in followups_text(app)

        await act(pilot, "O")  # the open one first, then the closed: 2 is F-1 now
        assert [label.split(" · ")[0] for _, label, _ in app.screen.choices] == ["F-2 open", "F-1 ✔ done"]
        await act(pilot, "2")
        assert [key for key, _, _ in app.screen.choices] == ["r", "o", "d"]
        await act(pilot, "r")
        assert isinstance(app.screen, Ask)
        await pilot.press(*"flaky", "enter")
        await settle(pilot)
        assert db_rows(db_file)[-1][1:] == ("follow-up reopened", json.dumps({"followup": 1, "reason": "flaky"}))
        await act(pilot, "O", "escape")  # Esc: nothing
        assert db_rows(db_file)[-1][1] == "follow-up reopened"


async def test_O_with_none_says_how_to_add_one_and_writes_nothing(db_file):
    await seed(db_file)
    app = make_app(db_file, clock=Clock(at(5)), actor="alice", clipboard=[])
    async with app.run_test(size=(100, 36)) as pilot:
        await settle(pilot)
        await act(pilot, "O")
        assert app.screen is app.main_screen
        assert [kind for _, kind, _ in db_rows(db_file)] == ["declared"]


async def test_O_with_one_follow_up_goes_straight_to_what_to_do_with_it(db_file):
    """With one follow-up there is nothing to pick: O asked "Which follow-up?" with one choice."""
    await seed(db_file, (followups.add, "alice", 2, "document the rollback", "carol"))
    app = make_app(db_file, clock=Clock(at(5)), actor="alice", clipboard=[])
    async with app.run_test(size=(100, 36)) as pilot:
        await settle(pilot)
        await act(pilot, "O")
        assert isinstance(app.screen, Choose) and "document the rollback" in app.screen.question
        assert [key for key, _, _ in app.screen.choices] == ["c", "o", "d"]
        await act(pilot, "c")
        assert isinstance(app.screen, Form)
        await pilot.press(*"written", "enter")
        await settle(pilot)
        assert db_rows(db_file)[-1][1:] == ("follow-up done", json.dumps({"followup": 1, "note": "written"}))


async def test_a_follow_up_closed_from_the_command_line_shows_closed_at_once(db_file):
    await with_two_followups(db_file)
    app = make_app(db_file, clock=Clock(at(10)), actor="bob", clipboard=[])
    async with app.run_test(size=(100, 36)) as pilot:
        await settle(pilot)
        await until(pilot, lambda: "F-2 ○ carol" in followups_text(app), "the codes shown")
        # the incident is open: alice, its commander, closes it from her shell
        done = run_cli("followup", "F-2", "--done", "--link", "https://wiki.example/rollback", now=at(11))
        assert done.returncode == 0, done.stderr
        await until(pilot, lambda: "F-2 ✔ carol" in followups_text(app), "F-2 shown closed")
        added = run_cli("followup", "INC-1", "rotate the signing keys", "--owner", "dave", now=at(12))
        assert added.stdout.startswith("F-3 ")
        await until(pilot, lambda: "F-3 ○ dave: rotate the signing keys" in followups_text(app), "F-3 shown with its code")


async def test_closing_one_on_an_open_incident_is_the_commanders_and_asks_to_switch_hats(db_file):
    await with_two_followups(db_file, (actions.wear_hat, "alice", 4, "communicator"))
    app = make_app(db_file, clock=Clock(at(10)), actor="alice", clipboard=[])
    async with app.run_test(size=(100, 36)) as pilot:
        await settle(pilot)
        await act(pilot, "O", "2", "c")
        assert isinstance(app.screen, Form) and "As the commander" in app.screen.hint
        await pilot.press("enter")  # nothing typed: both are optional
        await settle(pilot)
        rows = db_rows(db_file)
        assert [(role, kind) for role, kind, _ in rows[-2:]] == [("commander", "hat worn"), ("commander", "follow-up done")]
        assert json.loads(rows[-1][2]) == {"followup": 2}


async def test_O_gives_a_follow_up_to_another_owner_and_another_due_date(db_file):
    await with_two_followups(db_file)
    app = make_app(db_file, clock=Clock(at(10)), actor="alice", clipboard=[])
    async with app.run_test(size=(100, 36)) as pilot:
        await settle(pilot)
        await act(pilot, "O", "2", "o")
        assert isinstance(app.screen, Ask)
        await pilot.press(*"dave", "enter")
        await settle(pilot)
        assert json.loads(db_rows(db_file)[-1][2]) == {"followup": 2, "owner": "dave"}
        await act(pilot, "O", "1", "d")
        assert isinstance(app.screen, Ask) and app.screen.value == "2026-11-28"
        await pilot.press("ctrl+u", *"7d", "enter")
        await settle(pilot)
        assert json.loads(db_rows(db_file)[-1][2]) == {"followup": 1, "due": "2026-12-04"}
        await act(pilot, "O", "1", "d", "ctrl+u", "enter")  # empty: the date taken away
        assert json.loads(db_rows(db_file)[-1][2]) == {"followup": 1, "due": ""}
        await until(pilot, lambda: "F-2 ○ dave: document the rollback" in followups_text(app), "the new owner shown")
        await act(pilot, "O", "1", "d")
        await pilot.press(*"Friday", "enter")  # not a date: asked again at once, nothing written
        await settle(pilot)
        assert isinstance(app.screen, Ask) and "✗ the due date 'Friday' is not a date" in app.screen.question
        assert app.screen.first_field().value == "Friday"
        await act(pilot, "escape")
        assert json.loads(db_rows(db_file)[-1][2]) == {"followup": 1, "due": ""}


async def test_a_follow_up_with_a_due_date_that_is_no_date_comes_back_as_typed(db_file):
    """o: a long text, an owner, then 'next Friday' as its date: the form comes back with all of
    it and why, the cursor in the date; before, it closed and everything typed was lost."""
    await seed(db_file)
    app = make_app(db_file, clock=Clock(at(10)), actor="alice", clipboard=[])
    async with app.run_test(size=(100, 36)) as pilot:
        await settle(pilot)
        await act(pilot, "o")
        await pilot.press(*"add a token-compatibility smoke test to the pipeline", "tab", "ctrl+u", *"bob", "tab",
                          *"next Friday", "enter")
        await settle(pilot)
        assert isinstance(app.screen, Form) and "✗ the due date 'next Friday' is not a date" in app.screen.question
        fields = {name: app.screen.query_one(f"#field-{name}").value for name in ("text", "owner", "due")}
        assert fields == {"text": "add a token-compatibility smoke test to the pipeline", "owner": "bob", "due": "next Friday"}
        assert app.screen.focused is app.screen.query_one("#field-due")
        await pilot.press(*["backspace"] * len("next Friday"), *"7d", "enter")
        await settle(pilot)
        assert app.screen is app.main_screen
    added = [json.loads(payload) for _, kind, payload in db_rows(db_file) if kind == "follow-up added"]
    assert added == [{"text": "add a token-compatibility smoke test to the pipeline", "owner": "bob", "due": "2026-12-04"}]


async def test_the_timeline_names_a_follow_up_by_its_code_not_its_place(db_file):
    """F-4 is INC-1's third follow-up (F-3 went to another incident): its rows say F-4, as the
    pane and every command do, and not "#3", which names nothing a person can type."""
    await with_two_followups(db_file)
    assert run_cli("declare", "Search is slow", "--severity", "P3", now=at(5)).returncode == 0
    assert run_cli("followup", "INC-2", "add an index", now=at(6)).stdout.startswith("F-3 ")
    assert run_cli("followup", "INC-1", "alert on 401s", now=at(7)).stdout.startswith("F-4 ")
    app = make_app(db_file, clock=Clock(at(10)), actor="alice", code="INC-1", clipboard=[])
    async with app.run_test(size=(100, 36)) as pilot:
        await settle(pilot)
        await until(pilot, lambda: "F-4 ○ alice: alert on 401s" in followups_text(app), "the codes shown")
        await act(pilot, "O", "3", "o")  # INC-1's third follow-up, F-4: to dave
        await pilot.press(*"dave", "enter")
        await settle(pilot)
        assert json.loads(db_rows(db_file)[-1][2]) == {"followup": 3, "owner": "dave"}
        timeline = app.main_screen.query_one("#timeline")
        await until(pilot, lambda: timeline.lines[-1].endswith("follow-up F-4: owner dave"), "the row names F-4")
        done = run_cli("followup", "F-2", "--done", "--note", "written up", now=at(11))
        assert done.returncode == 0, done.stderr
        await until(pilot, lambda: timeline.lines[-1].endswith("follow-up F-2 done — written up"), "F-2 closed elsewhere, named")


async def test_a_choice_too_long_for_the_line_wraps_under_its_own_words_not_under_its_key(db_file):
    """At 80×24 a follow-up's words went on under the key column, reading as another choice."""
    from textual.widgets import Static

    await seed(db_file, (followups.add, "alice", 2, "alert on checkout p99 before the customers notice it, by region", "bob"),
               (followups.add, "alice", 2, "document the rollback", "carol"))
    app = make_app(db_file, clock=Clock(at(3)), actor="alice", clipboard=[])
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await act(pilot, "O")
        assert isinstance(app.screen, Choose)
        keys, labels = list(app.screen.query(".choice .key").results(Static)), list(app.screen.query(".choice .label").results(Static))
        assert len(keys) == len(labels) == 2
        assert labels[0].region.height == 2 and labels[0].region.x >= keys[0].region.right, (keys[0].region, labels[0].region)
        await act(pilot, "1")
        assert isinstance(app.screen, Choose) and "close it" in str(app.screen.query(".choice .label").first(Static).render())


async def test_a_follow_up_typed_in_one_read_keeps_each_field(db_file, monkeypatch):
    """What, Tab, owner, Tab, due and Enter arriving at once: each field keeps its own text,
    however slowly the long first field takes its keys (a Tab waits for the field it leaves)."""
    import asyncio

    from warroom.console.fields import Field

    await with_two_followups(db_file)
    app = make_app(db_file, clock=Clock(at(2 * DAY)), actor="alice", clipboard=[])
    async with app.run_test(size=(100, 36)) as pilot:
        await settle(pilot)
        await act(pilot, "o")
        assert isinstance(app.screen, Form)
        typing = Field._on_key
        first = app.screen.first_field()

        async def slowly(field, event):  # a loaded machine: the first field's task yields at each key
            if field is first:
                await asyncio.sleep(0.002)
            await typing(field, event)

        monkeypatch.setattr(Field, "_on_key", slowly)
        text = "add a token-compatibility smoke test to the pipeline"
        together(app, *text, "tab", *"bob", "tab", *"7d", "enter")
        await until(pilot, lambda: len(app.state.followups) == 3, "the follow-up to be written")
        added = app.state.followups[-1]
        assert (added.text, added.owner) == (text, "bob") and added.due is not None
