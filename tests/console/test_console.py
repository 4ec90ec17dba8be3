"""The console driven with keys through Textual's pilot; assertions on the state and the database."""

import asyncio
import json
import re
from datetime import UTC, timedelta

import pytest
from helpers import Clock, at, db_rows, seed
from helpers.console import act, kinds, last_payload, screen_bindings, settle, together, until

from warroom.console.dialogs import Ask, Choose, Confirm, Help
from warroom.console.fields import Field
from warroom.console.launch import make_app
from warroom.console.start import StartScreen
from warroom.domain import actions
from warroom.domain.model import COMMANDER, COMMUNICATOR, EFFECTIVE, INVESTIGATOR, NO_EFFECT, PULLED, SKIPPED, UNTRIED


@pytest.fixture
def clock():
    return Clock(at(5))


@pytest.fixture
async def console(db_file, clock):
    await seed(db_file)

    async def run(size=(120, 40), **kwargs):
        app = make_app(db_file, clock=clock, actor="alice", **kwargs)
        return app, app.run_test(size=size)

    return run


async def test_opens_the_open_incident_with_the_declarer_as_commander(console):
    app, running = await console()
    async with running as pilot:
        await settle(pilot)
        assert app.code == "INC-1"
        assert app.state.hat_of("alice") == COMMANDER
        assert app.main_screen.query_one("#commander").has_class("active")
        assert not app.main_screen.query_one("#investigator").has_class("active")


@pytest.mark.parametrize("key, hat", [("m", COMMUNICATOR), ("i", INVESTIGATOR)])
async def test_hat_keys_wear_the_hat_and_put_the_switch_on_the_timeline(console, db_file, key, hat):
    app, running = await console()
    async with running as pilot:
        await settle(pilot)
        await act(pilot, key)
        assert app.state.hat_of("alice") == hat
        assert app.main_screen.query_one(f"#{hat}").has_class("active")
    assert db_rows(db_file)[-1][:2] == (hat, "hat worn")


async def test_a_hats_keys_line_drawn_before_comes_back_as_it_was_and_says_the_hat_worn(console):
    """A line of a text that is not wrapped is drawn once for what it says (issue 26): the
    communicator's keys line, worn again, is the strip drawn the first time, and what it
    says is still that hat's keys; another theme draws it anew."""
    from warroom.console.footer import KeysLine

    app, running = await console(size=(80, 24))
    async with running as pilot:
        await settle(pilot)
        keys = app.main_screen.query_one(KeysLine)

        def drawn() -> tuple:
            line = keys.render_line(0)
            return line, line.text

        await act(pilot, "m")
        first, said = drawn()
        assert "t Tick" in said and "y Copy" in said  # the communicator's keys
        await act(pilot, "c")
        _, commander_said = drawn()
        assert commander_said != said and "r Resolve" in commander_said
        await act(pilot, "m")
        again, said_again = drawn()
        assert again is first and said_again == said
        app.theme = next(name for name in app.available_themes if name != app.theme)
        await pilot.pause()
        await act(pilot, "c")
        await act(pilot, "m")
        assert drawn()[0] is not first  # (a span's $accent is the theme's)


async def test_lever_key_pulls_then_asks_the_outcome_and_sets_contained(console, db_file, clock):
    app, running = await console()
    async with running as pilot:
        await settle(pilot)
        await act(pilot, "1")
        assert app.state.lever(1).state == PULLED
        clock.advance(minutes=2)
        await act(pilot, "1")
        assert isinstance(app.screen, Choose)
        await act(pilot, "e")
        assert app.state.lever(1).state == EFFECTIVE
        assert app.state.status == "contained"
        assert app.state.milestone("contained") == at(7)
    assert [json.loads(p)["state"] for _, k, p in db_rows(db_file) if k == "lever changed"] == [PULLED, EFFECTIVE]


async def test_a_lever_out_of_order_asks_for_the_reason_and_keeps_it(console, db_file):
    app, running = await console()
    async with running as pilot:
        await settle(pilot)
        await act(pilot, "3")
        assert isinstance(app.screen, Ask)
        await act(pilot, *"no flag on this path", "enter")
        assert app.state.lever(3).state == PULLED
    assert last_payload(db_file)["reason"] == "no flag on this path"
    assert last_payload(db_file)["out_of_order"] is True


async def test_an_empty_reason_pulls_nothing(console, db_file):
    app, running = await console()
    async with running as pilot:
        await settle(pilot)
        await act(pilot, "2")
        await act(pilot, "enter")
        assert app.state.lever(2).state == UNTRIED
    assert kinds(db_file) == ["declared"]


async def test_another_hats_action_asks_to_switch_and_escape_changes_nothing(console, db_file):
    app, running = await console()
    async with running as pilot:
        await settle(pilot)
        await act(pilot, "i")
        await act(pilot, "1")
        assert isinstance(app.screen, Confirm)
        await act(pilot, "escape")
        assert app.state.lever(1).state == UNTRIED
        assert kinds(db_file) == ["declared", "hat worn"]
        await act(pilot, "1")
        await act(pilot, "enter")
        assert app.state.lever(1).state == PULLED
        assert app.state.hat_of("alice") == COMMANDER
    assert db_rows(db_file)[-2][:2] == (COMMANDER, "hat worn")
    assert db_rows(db_file)[-1][:2] == (COMMANDER, "lever changed")


async def test_skip_and_correct_a_lever(console, db_file):
    app, running = await console()
    async with running as pilot:
        await settle(pilot)
        await act(pilot, "u")  # nothing pressed yet: says so, and what to press
        assert any(n.message.startswith("no lever to correct: none has been pressed yet") for n in app._notifications)
        await act(pilot, "x", "1")
        await act(pilot, *"no flag exists", "enter")
        assert app.state.lever(1).state == SKIPPED
        await act(pilot, "2")
        assert app.state.lever(2).state == PULLED  # in order now: 1 was skipped
        await act(pilot, "2", "x")
        assert app.state.lever(2).state == NO_EFFECT
        await act(pilot, "u", "2", "e")
        await act(pilot, *"misread the graph", "enter")
        assert app.state.lever(2).state == EFFECTIVE
    payload = last_payload(db_file)
    assert payload["correction"] is True and payload["was"] == NO_EFFECT and payload["reason"] == "misread the graph"


async def test_note_is_written_as_the_worn_hat_literally(console, db_file):
    hostile = "[red]x[/red] [0] [/ 🔥"
    app, running = await console()
    async with running as pilot:
        await settle(pilot)
        await act(pilot, "m", "n")
        await act(pilot, *hostile, "enter")
        timeline = app.main_screen.query_one("#timeline")
        assert any(hostile in line for line in timeline.lines)
    role, kind, payload = db_rows(db_file)[-1]
    assert (role, kind, json.loads(payload)["text"]) == (COMMUNICATOR, "note", hostile)


async def test_escape_on_a_note_writes_nothing(console, db_file):
    app, running = await console()
    async with running as pilot:
        await settle(pilot)
        await act(pilot, "n", "a", "b", "escape")
    assert kinds(db_file) == ["declared"]


async def test_a_finding_goes_to_the_commander_who_acknowledges_it(console, db_file):
    app, running = await console()
    async with running as pilot:
        await settle(pilot)
        await act(pilot, "i", "f")
        await act(pilot, *"401s began with deploy 142", "enter")
        assert [f.text for f in app.state.unacknowledged] == ["401s began with deploy 142"]
        assert app.main_screen.query_one("#waiting").has_class("some")
        await act(pilot, "a")
        await pilot.press("enter")  # switch to the commander hat
        await settle(pilot)
        assert app.state.unacknowledged == []
    assert kinds(db_file)[-3:] == ["finding reported", "hat worn", "finding acknowledged"]


async def test_severity_change_asks_to_confirm_and_recomputes(console, db_file):
    app, running = await console()
    async with running as pilot:
        await settle(pilot)
        await act(pilot, "s", "0")
        assert isinstance(app.screen, Confirm)
        await act(pilot, "enter")
        assert app.state.severity == "P0"
        countdown = str(app.main_screen.query_one("#countdown").render())
        assert "notify leadership + on-call" in countdown
        await until(pilot, lambda: app.state.published is not None, "a P0's status page to publish itself")
    assert kinds(db_file)[-2:] == ["severity changed", "status page published"]
    assert json.loads(db_rows(db_file)[-2][2]) == {"severity": "P0", "was": "P1"}


async def test_the_countdown_counts_down_then_up_with_words(console, clock):
    app, running = await console()
    async with running as pilot:
        await settle(pilot)
        countdown = app.main_screen.query_one("#countdown")
        assert "in 10:00" in str(countdown.render()) and countdown.has_class("open")
        clock.advance(minutes=8)
        app.tick()
        assert "in 02:00" in str(countdown.render()) and countdown.has_class("near")
        clock.advance(minutes=3)
        app.tick()
        text = str(countdown.render())
        assert "OVERDUE" in text and "+01:00" in text and countdown.has_class("overdue")


async def test_a_restart_shows_the_same_state_hat_included(console, db_file):
    app, running = await console()
    async with running as pilot:
        await settle(pilot)
        await act(pilot, "1", "i")
        before = (app.state.lever(1).state, app.state.hat_of("alice"), len(app.state.events))
    again, running = await console()
    async with running as pilot:
        await settle(pilot)
        assert (again.state.lever(1).state, again.state.hat_of("alice"), len(again.state.events)) == before
        assert again.main_screen.query_one("#investigator").has_class("active")
        assert len(again.main_screen.query_one("#timeline").lines) == before[2]


async def test_events_from_another_process_appear_without_a_key(console, db_file):
    from warroom.store import Store

    app, running = await console()
    async with running as pilot:
        await settle(pilot)
        other = await Store.open(db_file)
        state = await other.load("INC-1")
        await other.append(actions.note(state, "alice", at(6), "from a script"))
        await other.close()
        await until(pilot, lambda: app.state.events[-1].payload.get("text") == "from a script", "the console to follow")
        await settle(pilot)
        assert "from a script" in app.main_screen.query_one("#timeline").lines[-1]


async def test_help_lists_every_key(console):
    app, running = await console()
    async with running as pilot:
        await settle(pilot)
        await act(pilot, "question_mark")
        assert isinstance(app.screen, Help)
        bound = screen_bindings(app)  # the bindings the console really has, not the table the help is made from
        shown = {"?" if b.key == "question_mark" else b.key for b in bound}
        assert len(shown) == len(bound) >= 25
        for key in [*sorted(shown), "^q"]:
            assert f"\n  {key:<4} " in app.screen.text, key
        await act(pilot, "escape")
        assert not isinstance(app.screen, Help)


async def test_with_no_open_incident_the_start_screen_declares_one(db_file, clock):
    app = make_app(db_file, clock=clock, actor="bob")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, StartScreen)
        await pilot.press(*"Checkout 500s", "tab")
        await pilot.press(*"every shopper at checkout", "tab", "tab", "tab")  # past when the impact began and the public title
        await pilot.press("backspace", "backspace", *"P0", "tab")
        await pilot.press(*["backspace"] * 3, *"3m", "tab")
        await act(pilot, *"checkout", "enter")
        assert app.code == "INC-1" and app.state.severity == "P0"
        assert app.state.detected == at(2) and app.state.service == "checkout"
        assert app.state.impact == "every shopper at checkout"
        assert app.state.hat_of("bob") == COMMANDER


async def test_the_start_screen_takes_the_public_title_and_when_the_impact_began(db_file, clock):
    app = make_app(db_file, clock=clock, actor="bob")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        # the impact began right after the impact: 4m before the detection (now); severity P1
        await act(pilot, *"Login fails with 401", "tab", *"logins for every user", "tab", *"4m", "tab", *"Login problems", "enter")
        assert app.code == "INC-1" and app.state.public_title == "Login problems"
        assert app.state.milestone("impact started") == app.state.detected - timedelta(minutes=4)
    payload = json.loads(db_rows(db_file)[0][2])
    assert payload["public_title"] == "Login problems" and payload["impact_started"] == (clock() - timedelta(minutes=4)).isoformat()


async def test_a_bad_declaration_writes_nothing_and_says_why(db_file, clock):
    app = make_app(db_file, clock=clock, actor="bob")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await act(pilot, *"x", "tab", "tab", "tab", "tab", "backspace", "backspace", *"P9", "enter")
        assert isinstance(app.screen, StartScreen)
        problem = app.screen.query_one("#problem")
        assert problem.display and str(problem.render()) == "✗ unknown severity 'P9': use one of P0, P1, P2, P3"
        assert db_rows(db_file, "SELECT count(*) FROM event") == [(0,)]
        await act(pilot, "backspace", *"2", "enter")  # mended: declared, and nothing of the refusal stays on
        assert app.screen is app.main_screen and app.state.severity == "P2"
        assert not [n for n in app._notifications if "severity" in n.message]
    assert db_rows(db_file, "SELECT count(*) FROM event") == [(1,)]


@pytest.mark.parametrize("size", [(60, 20), (80, 24)])
async def test_why_a_declaration_was_refused_is_on_the_screen_of_a_small_pane(db_file, clock, size):
    """At 60×20 the form filled the pane and the line saying why sat below its edge: Enter did
    nothing a person could see. It comes right under the fields."""
    from textual.widgets import Footer

    app = make_app(db_file, clock=clock, actor="bob")
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await act(pilot, "tab", "tab", *"yesterday", "enter")
        problem = app.screen.query_one("#problem")
        assert problem.display and "cannot read the time 'yesterday'" in str(problem.render())
        footer = app.screen.query_one(Footer).region
        assert problem.region.height >= 1 and problem.region.bottom <= footer.y, (problem.region, footer)
        assert problem.region.y > app.screen.query_one("#service").region.y  # under the fields
    assert db_rows(db_file, "SELECT count(*) FROM event") == [(0,)]


@pytest.mark.parametrize("size", [(60, 20), (80, 24)])
async def test_a_small_pane_shows_the_past_incidents_under_the_form(db_file, clock, size):
    """Under 26 rows the fields are a row each (marked at their left), so the past incidents are
    on screen to pick: at 60×20 the form filled the pane and the list was under its edge, and
    at 80×24 it showed one row."""
    from textual.widgets import Footer, OptionList

    await seed(db_file, (actions.resolve, "alice", 30, {"override": "false alarm"}))
    app = make_app(db_file, clock=clock, actor="bob")
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, StartScreen) and app.screen.has_class("-low")
        past, footer = app.screen.query_one("#past", OptionList), app.screen.query_one(Footer).region
        assert past.option_count == 1 and past.region.y + 3 <= footer.y, (past.region, footer)  # its first row shows
        assert past.region.height >= 5, past.region
        await act(pilot, "shift+tab", "enter")  # the list is the field before the title
        assert app.screen is app.main_screen and app.code == "INC-1"


@pytest.mark.parametrize("size", [(80, 24), (60, 20), (160, 48)])
async def test_no_crash_at_any_size_or_when_resized(console, size):
    app, running = await console(size=size)
    async with running as pilot:
        await settle(pilot)
        await pilot.resize_terminal(61, 19)
        await settle(pilot)
        await pilot.resize_terminal(*size)
        await settle(pilot)
        await act(pilot, "1")
        assert app.state.lever(1).state == PULLED


async def test_ten_thousand_characters_and_escapes_in_a_title_do_not_crash(db_file, clock):
    await seed(db_file, title="\x1b]0;pwned\x07" + "[b]" * 3000 + "🔥" * 500)
    app = make_app(db_file, clock=clock, actor="alice")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        strip = str(app.main_screen.query_one("#strip").render())
        assert "\x1b" not in strip and "␛]0;pwned␇[b][b]" in strip


async def test_the_start_screen_opens_a_past_incident(db_file, clock):
    await seed(db_file, (actions.resolve, "alice", 30, {"override": "false alarm"}))
    app = make_app(db_file, clock=clock, actor="alice")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, StartScreen)
        await pilot.press(*["tab"] * 7, "down", "enter")  # title, impact, public title, severity, detected, impact began, service, the list
        await settle(pilot)
        assert app.code == "INC-1" and app.state.resolved
    assert db_rows(db_file, "SELECT count(*) FROM event") == [(4,)]  # declared, two rules set aside, resolved


async def test_every_key_is_in_the_command_palette_and_runs_a_flow_that_exists(console):
    from warroom.console.flows import FLOWS

    app, running = await console()
    async with running as pilot:
        await settle(pilot)
        commands = {command.title: command.help for command in app.get_system_commands(app.main_screen)}
        bound = screen_bindings(app)
        assert len(bound) >= 25 and {binding.description for binding in bound} <= set(commands)
        assert commands["Close follow-up"].startswith("O · Close a follow-up") and commands["Levers"].startswith("1-4 · ")
        for binding in bound:
            if binding.action.startswith("flow("):
                assert binding.action.split("'")[1] in FLOWS, binding.action


async def test_a_page_key_typed_ahead_into_the_palette_as_its_list_fills_does_not_close_the_console(console):
    """Textual's palette takes new commands and shows its list in one step, and lays it out
    only at the next refresh: a page key in between raised KeyError (found by random keys in a
    160×48 tmux pane, which closed the console with exit 1)."""
    from textual.command import CommandList

    app, running = await console(size=(160, 48))
    async with running as pilot:
        await settle(pilot)
        await act(pilot, "ctrl+p")
        await until(pilot, lambda: app.screen.query_one(CommandList).option_count > 0, "the palette's commands")
        palette, listed = app.screen, app.screen.query_one(CommandList)
        commands = [listed.get_option_at_index(n) for n in range(listed.option_count)]
        palette._list_visible = False  # (as while it searches)
        await settle(pilot)
        palette._refresh_command_list(listed, commands, True)  # the search's commands come in ...
        await palette.run_action("command_list('page_down')")  # ... and the page key typed ahead runs before a refresh
        await settle(pilot)
        assert app.is_running and app.screen is palette
        await act(pilot, "pagedown")  # laid out now: it pages
        assert listed.highlighted and listed.highlighted > 0


async def test_ctrl_p_with_the_palette_open_under_a_question_opens_no_second_palette(console):
    """ctrl+p is a priority key, so it reaches the app with a question on top of an open
    palette; Textual looked only at the top screen and opened a second palette with the same id
    (DuplicateIds: found by random keys in a 60×20 tmux pane, which closed the console)."""
    app, running = await console(size=(60, 20))
    async with running as pilot:
        await settle(pilot)
        await act(pilot, "ctrl+p")
        palette = app.screen
        app.push_screen(Help("a question over the palette"))
        await settle(pilot)
        await act(pilot, "ctrl+p")
        assert app.is_running
        assert [s for s in app.screen_stack if s.has_class("--textual-command-palette")] == [palette]


async def test_ctrl_p_again_as_the_palette_closes_opens_a_new_one(console):
    """Esc closed the palette (off the stack at once, removed a moment later) and ctrl+p, in the
    same read of the terminal, opened another with the same id while the first was still there:
    DuplicateIds, exit 1 (found by random keys in a 100×30 tmux pane on the start screen)."""
    app, running = await console(size=(100, 30))
    async with running as pilot:
        await settle(pilot)
        await act(pilot, "ctrl+p")
        closing = app.screen
        app.pop_screen()  # as Esc closes it: off the stack now, removed from the app soon after
        assert closing not in app.screen_stack and closing.is_attached
        app.action_command_palette()  # ctrl+p, before it is removed
        await settle(pilot)
        assert app.is_running
        assert len([s for s in app.screen_stack if s.has_class("--textual-command-palette")]) == 1


async def test_enter_twice_in_the_palette_runs_its_command_once_and_closes_nothing_else(console):
    """Both Enters in one read of the terminal: the first chose the command, closed the palette
    and ran it; the second's choice, already on its way, closed the screen beneath (the
    console's last: ScreenStackError, exit 1) and ran the command again. Found by random keys
    in an 80×24 tmux pane."""

    app, running = await console(size=(80, 24))
    async with running as pilot:
        await settle(pilot)
        await act(pilot, "ctrl+p", *"severity")
        await until(pilot, lambda: "Severity" in str(app.screen.query_one("CommandList").get_option_at_index(0).prompt),
                    "the severity command found")
        await act(pilot, "down")
        together(app, "enter", "enter")
        await settle(pilot)
        assert app.is_running
        assert [type(screen) for screen in app.screen_stack] == [type(app.main_screen), Choose]  # asked once


async def test_the_palettes_no_matches_timer_after_it_closed_does_not_close_the_console(console):
    """Typed text that matches no command starts Textual's half-second 'no matches' countdown;
    Esc before it ends closed the palette, and the countdown's look for its list raised NoMatches
    (found by random keys in an 80×24 tmux pane, in a drill). Its timer is run here by hand."""
    app, running = await console(size=(80, 24))
    async with running as pilot:
        await settle(pilot)
        await act(pilot, "ctrl+p", *"zzzq")
        palette = app.screen
        searching = lambda: [w for w in app.workers if w.group == palette._GATHER_COMMANDS_GROUP and w.is_running]  # noqa: E731
        await until(pilot, lambda: palette._no_matches_timer is not None and not searching(),
                    "the no-matches countdown of the search for zzzq")
        countdown = palette._no_matches_timer._callback.args[0]  # (what the timer hands the palette's call_next)
        await act(pilot, "escape")
        assert len(app.screen_stack) == 1 and not palette.query("CommandList")
        countdown()  # run as the palette's queue ran it in the crash, after its list had gone
        await settle(pilot)
        assert app.is_running


async def test_the_palettes_search_finding_it_closed_does_not_close_the_console(console):
    """Textual's palette searches in a worker; one that ran as the palette closed looked for its
    list and raised NoMatches, and a worker's failure closes the app (found by random keys in an
    80×24 tmux pane). The search still finds commands while the palette is open."""
    from inspect import unwrap

    from textual.command import CommandList

    from warroom.console.palette import Palette

    app, running = await console(size=(80, 24))
    async with running as pilot:
        await settle(pilot)
        await act(pilot, "ctrl+p", *"sev")
        palette = app.screen
        await until(pilot, lambda: palette.query_one(CommandList).option_count > 0, "the search's commands")
        await act(pilot, "escape")
        assert len(app.screen_stack) == 1 and not palette.query("CommandList")
        await unwrap(Palette._gather_commands)(palette, "sev")  # the worker's body, on the palette closed
        await settle(pilot)
        assert app.is_running


async def test_page_keys_in_the_picker_of_a_short_pane_do_not_close_the_console(console):
    """At 80×8 the picker gives its list no height; a filter typed refills it, and its lines are
    counted only once it has some: Tab into it and PageUp raised KeyError (found by random keys
    in a tmux pane made smaller; at 80×14 too, before the picker kept its list some rows)."""
    from warroom.console.dialogs import PickIncident as Picker

    app, running = await console(size=(80, 8))
    async with running as pilot:
        await settle(pilot)
        await act(pilot, "p")
        await until(pilot, lambda: isinstance(app.screen, Picker) and app.screen._found.option_count > 0, "the picker's list")
        await act(pilot, "i")
        await until(pilot, lambda: app.screen._found.option_count > 0, "the list for the filter")
        await act(pilot, "tab", "pageup", "pagedown")
        assert app.is_running and isinstance(app.screen, Picker)


@pytest.mark.parametrize("rows, listed", [(14, 5), (9, 2)])
async def test_the_picker_in_a_short_pane_shows_the_incidents(console, rows, listed):
    """At 80×14 the padded dialog left its list no row: the picker showed no incident at all.
    Under 20 rows it drops its padding and margins, and its field's and list's borders (at 80×9
    those still left no row); back at 24 rows it has them again."""
    from warroom.console.dialogs import PickIncident

    app, running = await console(size=(80, rows))
    async with running as pilot:
        await settle(pilot)
        await act(pilot, "p")
        await until(pilot, lambda: isinstance(app.screen, PickIncident) and app.screen._found.option_count > 0, "the picker's list")
        found = app.screen._found
        assert found.scrollable_content_region.height >= listed
        assert "INC-1" in "".join(strip.text for strip in found.render_lines(found.scrollable_content_region.reset_offset))
        await pilot.resize_terminal(80, 24)
        await settle(pilot)
        assert not app.screen.query_one(".dialog").has_class("tiny")


async def test_the_theme_list_the_palette_opens_is_the_guarded_palette_too(console):
    """Textual builds its "Theme" command's list as a CommandPalette by name: a page key typed
    ahead into it raised the KeyError the console's own palette no longer does (found by random
    keys in an 80×24 tmux pane, after the ctrl+p palette was mended)."""
    from warroom.console.palette import Palette

    app, running = await console(size=(80, 24))
    async with running as pilot:
        await settle(pilot)
        await act(pilot, "ctrl+p")
        assert type(app.screen) is Palette
        app.search_themes()  # (what the palette's Theme command runs)
        await settle(pilot)
        assert type(app.screen) is Palette and app.screen.query_one("#--input Input").placeholder == "Search for themes…"


async def test_the_ack_key_shows_only_when_a_finding_waits(console):
    app, running = await console()
    async with running as pilot:
        await settle(pilot)
        assert app.main_screen.check_action("flow", ("acknowledge",)) is False
        await act(pilot, "i", "f", *"x", "enter")
        assert app.main_screen.check_action("flow", ("acknowledge",)) is True


async def test_a_key_typed_ahead_of_a_question_is_not_taken_as_a_console_key(console, db_file):
    app, running = await console()
    async with running as pilot:
        await settle(pilot)
        app.main_screen.action_flow("severity")  # two keys, the second before the question opens
        app.main_screen.action_flow("advance_lever", 1)
        await settle(pilot)
        await act(pilot, "escape")
        assert app.state.lever(1).state == UNTRIED
        assert any("was not used" in n.message for n in app._notifications)
        await act(pilot, "1")
        assert app.state.lever(1).state == PULLED
    assert kinds(db_file) == ["declared", "lever changed"]


def typed(text: str) -> list[str]:
    return ["space" if char == " " else char for char in text]


async def test_text_typed_with_its_key_in_one_read_goes_into_the_question(console, db_file):
    """f, the finding and Enter in one read (a fast typist over SSH, tmux send-keys): the text's
    letters reached the console before the question opened. c put on the commander's hat or was
    dropped, space said "this is not a drill", and the question opened empty. They are held
    until the question opens, and typed into it; Enter reports it."""
    app, running = await console(size=(80, 24))
    async with running as pilot:
        await settle(pilot)
        await act(pilot, "i")
        together(app, "f", *typed("cache key rotated at 19:40"), "enter")
        await settle(pilot)
        assert isinstance(app.screen, Confirm)  # reported; alone, acknowledging it is offered
        await act(pilot, "escape")
        assert app.screen is app.main_screen and app.state.hat_of(app.actor) == INVESTIGATOR
        together(app, "n", *typed("a hunch"))  # held, then into the note's field: no Enter yet
        await settle(pilot)
        assert isinstance(app.screen, Ask) and app.screen.query_one("Input").value == "a hunch"
        await act(pilot, "enter")
        together(app, "c", "1")  # a flow with no question: the key after it is the console's, in turn
        await settle(pilot)
        assert app.state.lever(1).state == PULLED
    assert [(kind, json.loads(payload).get("text")) for _, kind, payload in db_rows(db_file)][-5:] == [
        ("hat worn", None), ("finding reported", "cache key rotated at 19:40"), ("note", "a hunch"), ("hat worn", None),
        ("lever changed", None)]


async def test_keys_are_held_for_a_question_only_so_long(console, db_file, monkeypatch):
    """A flow that opens nothing for HOLD_AT_MOST seconds (a commit waiting on a locked
    database) holds no more keys: the console must not stop answering them."""
    from warroom.console.screen import ConsoleScreen

    monkeypatch.setattr(ConsoleScreen, "HOLD_AT_MOST", 0.0)
    app, running = await console(size=(80, 24))
    async with running as pilot:
        await settle(pilot)
        together(app, "n", "x", "y")  # past the limit at once: not held, so not in the note
        await settle(pilot)
        assert isinstance(app.screen, Ask) and app.screen.query_one("Input").value == ""
        await act(pilot, "escape")
        assert app.screen is app.main_screen and app.is_running


async def test_keys_typed_fast_without_questions_all_count_in_order(console, db_file):
    app, running = await console()
    async with running as pilot:
        await settle(pilot)
        await pilot.press("i", "m", "c", "1")
        await settle(pilot)
        for _ in range(20):
            await settle(pilot)
        assert app.state.lever(1).state == PULLED
    assert kinds(db_file) == ["declared", "hat worn", "hat worn", "hat worn", "lever changed"]


async def test_a_long_timeline_opens_on_its_newest_events(db_file, clock):
    await seed(db_file, *[(actions.note, "alice", 1, f"note {n}") for n in range(200)])
    app = make_app(db_file, clock=clock, actor="alice")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.pause(0.1)
        timeline = app.main_screen.query_one("#timeline")
        assert timeline.line_count == 201 and timeline.is_vertical_scroll_end


async def test_the_garbage_collector_is_back_on_after_the_first_frame(console):
    """run_console keeps the cyclic collector off through start-up; the app must turn it back on."""
    import gc

    app, running = await console()
    gc.disable()
    try:
        async with running as pilot:
            await settle(pilot)
            assert gc.isenabled()
    finally:
        gc.enable()
        gc.unfreeze()


async def test_the_countdown_ticks_on_its_own_in_real_time(db_file):
    """No clock moved by hand: the console's own 1 s timer and the real clock."""
    from datetime import datetime, timedelta

    await seed(db_file, detected=datetime.now(UTC) - timedelta(minutes=1))
    app = make_app(db_file, actor="alice", clipboard=[])  # the system clock
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        countdown = app.main_screen.query_one("#countdown")
        left = lambda: re.search(r"in (\d\d):(\d\d)", str(countdown.render())).groups()  # noqa: E731
        first = left()
        await until(pilot, lambda: left() != first, "the countdown to tick by itself", 5)
        seconds = lambda mm_ss: int(mm_ss[0]) * 60 + int(mm_ss[1])  # noqa: E731
        assert 0 < seconds(first) - seconds(left()) <= 3 and seconds(first) <= 14 * 60


async def test_an_event_arriving_before_the_panes_are_drawn_stays_on_the_timeline(db_file):
    """The first frame draws the top and leaves the panes to just after; an event taken in
    between (a key pressed at once, another console's note) once vanished from the timeline
    when the panes were drawn from the events read before start-up."""
    from warroom.domain.model import Event

    await seed(db_file)
    app = make_app(db_file, clock=Clock(at(5)), actor="alice", clipboard=[])
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await app._show_incident(await app.store.opening("INC-1"), first_frame=True)  # the first frame again
        between = Event("INC-1", at(6), "bob", "investigator", "note", {"text": "arrived in between"}, 999)
        app.state.apply(between)  # as catch_up takes it in, before the panes' turn comes
        app.main_screen.show([between])
        await pilot.pause()
        await pilot.pause()
        lines = app.main_screen.query_one("#timeline").lines
        assert len(lines) == 2 and "arrived in between" in lines[-1]


def _footer(app) -> str:
    from warroom.console.footer import KeysLine

    return str(app.main_screen.query_one(KeysLine).render())


def _fits(app) -> bool:
    from warroom.console.footer import KeysLine

    line = app.main_screen.query_one(KeysLine)
    return len(_footer(app)) <= line.region.width  # every key shown whole, the palette's too


@pytest.mark.parametrize("key, hat, shown, hidden", [
    (None, "commander", ["1-4 Levers", "r Resolve", "s Severity"], ["y Copy message", "f Finding", "n Note"]),
    ("m", "communicator", ["y Copy message", "t Tick notified", "P Publish"], ["1-4 Levers", "f Finding"]),
    ("i", "investigator", ["n Note", "f Finding"], ["1-4 Levers", "y Copy message"]),
])
async def test_the_footer_at_80x24_shows_help_the_hats_and_the_keys_of_the_hat_worn(console, key, hat, shown, hidden):
    app, running = await console(size=(80, 24))
    async with running as pilot:
        await settle(pilot)
        if key:
            await act(pilot, key)
        assert app.state.hat_of("alice") == hat
        footer = _footer(app)
        assert footer.strip().startswith("? Keys") and "c m i Hats" in footer and footer.endswith("^p palette")
        for part in shown:
            assert part in footer, (part, footer)
        for part in hidden:
            assert part not in footer, (part, footer)
        assert _fits(app)  # every key shown whole, none under the palette's key
        if key:
            await act(pilot, "1")  # another hat's key still works: it asks to switch first
            assert isinstance(app.screen, Confirm)


async def test_the_strip_names_the_service_before_the_title(db_file, clock):
    await seed(db_file, title="Login fails with 401 after auth deploy 142 " + "and more words " * 10, service="auth")
    app = make_app(db_file, clock=clock, actor="alice")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        first = str(app.main_screen.query_one("#strip").render()).splitlines()[0]
        assert first.index("auth · ") < first.index("Login fails") and "INVESTIGATING" in first


def _screen_text(app) -> str:
    """What the terminal shows, row by row (read off the app's own screenshot)."""
    import html

    cell = 12.2  # a cell's width in Textual's SVG: each run of text is put back at its column
    rows: dict[float, dict[int, str]] = {}
    for match in re.finditer(r'<text class="[^"]*" x="([\d.]+)" y="([\d.]+)"[^>]*>(.*?)</text>', app.export_screenshot()):
        row = rows.setdefault(float(match.group(2)), {})
        for offset, char in enumerate(html.unescape(match.group(3)).replace("\xa0", " ")):
            row[round(float(match.group(1)) / cell) + offset] = char
    width = app.size.width
    return "\n".join("".join(row.get(x, " ") for x in range(width)).rstrip() for _, row in sorted(rows.items()))


async def _screen_in_hat(db_file, size: tuple[int, int], key: str | None) -> str:
    """The screen of an incident 16 minutes in (two deadlines overdue), after the hat key."""
    await seed(db_file, title="Login fails with 401 after auth deploy 142", service="auth")
    app = make_app(db_file, clock=Clock(at(16)), actor="alice")
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        if key:
            await act(pilot, key)
        return _screen_text(app)


@pytest.mark.parametrize("size", [(80, 24), (60, 20)])
@pytest.mark.parametrize("key, upper", [(None, "COMMANDER"), ("c", "COMMANDER"), ("m", "COMMANDER"), ("i", "INVESTIGATOR")])
async def test_a_short_screen_shows_in_every_hat_the_due_message_every_deadline_the_strip_and_the_keys(db_file, size, key, upper):
    """80×24 (and 60×20): whatever the hat, the strip whole, the message due and its text, every
    deadline a line each (two of them overdue), and the footer from `?`; the worn hat's pane
    (the commander's for the communicator) above the communicator's, the third left out."""
    screen = await _screen_in_hat(db_file, size, key)
    lines = screen.splitlines()
    width, _ = size
    strip = lines[0]
    assert all(part in strip for part in ("INC-1", "P1", "T+16:00", "INVESTIGATING", "auth · Login fails")), strip
    assert "OVERDUE" in lines[2]  # the countdown names what is due
    assert "OVERDUE +1 min: client notice (y copies it)" in screen  # the message y copies, and how it stands
    for deadline in ("OVERDUE +1 min  notify engineering manager + PM", "OVERDUE +1 min  client notice",
                     "in 14 min  team assembled if unresolved", "in 14 min  status update (every 30 min)"):
        assert deadline in screen, (deadline, screen)
    assert "▌ Issue affecting logins for every user" in screen  # the message's text (set apart): its public title first
    if width == 80:  # at 80×24 the whole message, down to its signature, and the status page under it
        assert "▌ — alice" in screen and "status page: manual" in screen, screen
    titles = {name: re.search(f"[═─]{name}[═─]", screen) for name in ("COMMANDER", "COMMUNICATOR", "INVESTIGATOR")}
    panes = sorted((found.start(), name) for name, found in titles.items() if found)
    assert [name for _, name in panes] == [upper, "COMMUNICATOR"], screen  # top to bottom
    assert lines[-1].startswith(" ? Keys c m i Hats") and not lines[-1].endswith("…")  # the hat's keys, whole
    assert all(len(line) <= width for line in lines)
    # no text cut mid-word without a mark: a line that fills the width ends with … (or a border),
    # unless it is the message, which wraps at words
    cut = [line for line in lines if len(line) == width and line[-1].isalnum() and not line.startswith("▌")]
    assert not cut, cut


async def _a_note_held_at_its_commit(app, pilot):
    """A question whose answer is done (`then`) only once the test opens the gate: (the gate,
    the texts done, the answers given)."""
    import asyncio

    gate, done, answered = asyncio.Event(), [], []

    async def then(text: str) -> None:
        done.append(text)
        await gate.wait()

    async def asking() -> None:
        answered.append(await app.ask(Ask("Note?", then=then)))

    app.run_worker(asking())
    await until(pilot, lambda: isinstance(app.screen, Ask) and app.screen.focused is not None, "the question")
    return gate, done, answered


async def test_a_question_with_something_to_do_closes_only_once_it_is_done(console):
    """A note's Enter: the note is committed while the question is still open, so the screen
    it uncovers already shows it (one frame). Meanwhile Escape cancels nothing and a second
    Enter does it no second time; then the question closes with the answer."""
    app, running = await console(size=(80, 24), clipboard=[])
    async with running as pilot:
        await settle(pilot)
        gate, done, answered = await _a_note_held_at_its_commit(app, pilot)
        await pilot.press(*"hello", "enter", "enter", "escape")
        await pilot.pause()
        assert done == ["hello"] and isinstance(app.screen, Ask) and answered == []
        gate.set()
        await until(pilot, lambda: answered == ["hello"] and not isinstance(app.screen, Ask), "the question to close")
        assert done == ["hello"]


async def test_a_note_is_on_the_timeline_when_its_question_closes(console, db_file):
    app, running = await console(size=(80, 24), clipboard=[])
    async with running as pilot:
        await settle(pilot)
        await act(pilot, "n")
        assert isinstance(app.screen, Ask)
        await pilot.press(*"rollback started", "enter")
        await until(pilot, lambda: not isinstance(app.screen, Ask), "the question to close")
        assert "rollback started" in app.main_screen.query_one("#timeline").lines[-1]  # drawn before it closed
        assert db_rows(db_file)[-1][1] == "note" and last_payload(db_file) == {"text": "rollback started"}


async def _asking(app, pilot, question) -> list:
    """`question` asked as a flow asks it (in a worker), and up with its field focused: the
    answer is put in the list returned once it is given."""
    answered: list = []

    async def asking() -> None:
        answered.append(await app.ask(question))

    app.run_worker(asking())
    await until(pilot, lambda: isinstance(app.screen, Ask) and app.screen.focused is not None, "the question")
    return answered


@pytest.mark.parametrize("before, answer", [((), "the claim format changed"), (("x", "y"), "xy")])
async def test_keys_typed_after_a_questions_enter_are_the_consoles_and_the_answer_is_the_fields(console, db_file, before, answer):
    """Keys, Enter and the next key arriving together (a person typing ahead): the answer is
    what the field held at Enter, the keys before it typed in (an e2e run recorded a root cause
    as "t", the next key, typed over the prefilled text), and the next key acts on the console
    the question uncovered."""
    app, running = await console(size=(80, 24), clipboard=[])
    async with running as pilot:
        await settle(pilot)
        answered = await _asking(app, pilot, Ask("Root cause identified: what is it?", value="the claim format changed"))
        together(app, *before, "enter", "m")
        await until(pilot, lambda: answered and app.state.hat_of("alice") == COMMUNICATOR, "the answer and the hat key")
        assert answered == [answer]
    assert db_rows(db_file)[-1][:2] == (COMMUNICATOR, "hat worn")


@pytest.mark.parametrize("keys, answer", [
    (("ctrl+u", *"Public title 02", "enter"), "Public title 02"),  # a paste after ctrl+u: was "ic title 02" in tmux
    ((*"Logni", "ctrl+u", *"Login problems", "enter"), "Login problems"),
    (("end", *"abcd", "backspace", "e", "enter"), "Public title 01abce"),
    (("end", "left", "left", "backspace", "X", "enter"), "Public titleX01"),
])
async def test_a_fields_editing_keys_typed_in_a_burst_act_in_the_order_they_came(console, keys, answer):
    """ctrl+u, backspace and the arrows are the field's bindings, which Textual does once the key
    has bubbled up to the app: keys typed right after them (a paste, tmux send-keys) went into
    the field first, so "ctrl+u, then a title" kept only the title's end. The field does them
    at the key."""
    app, running = await console(size=(80, 24), clipboard=[])
    async with running as pilot:
        await settle(pilot)
        answered = await _asking(app, pilot, Ask("The public title?", value="Public title 01"))
        together(app, *keys)
        await until(pilot, lambda: answered, "the answer")
        assert answered == [answer]


async def test_keys_typed_while_an_answer_is_done_reach_the_console_once_it_closes(console):

    app, running = await console(size=(80, 24), clipboard=[])
    async with running as pilot:
        await settle(pilot)
        gate, done, answered = await _a_note_held_at_its_commit(app, pilot)
        await pilot.press(*"hi")
        together(app, "enter", "i")
        await until(pilot, lambda: done == ["hi"], "the answer to be done")
        await pilot.pause()
        assert isinstance(app.screen, Ask) and app.screen.first_field().value == "hi"  # the i is not the note's
        assert app.state.hat_of("alice") != INVESTIGATOR
        gate.set()
        await until(pilot, lambda: answered == ["hi"] and app.state.hat_of("alice") == INVESTIGATOR, "the i key, handed on")


async def test_enter_pressed_twice_on_the_start_screen_declares_one_incident_with_what_was_typed(db_file, clock):
    """Two Enters and a lever key arriving together: one incident (two were declared), and its
    impact is what the field held at the Enter (the "1" went into it)."""

    app = make_app(db_file, clock=clock, actor="bob")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press(*"Checkout 500s", "tab", *"shoppers")
        together(app, "enter", "enter", "1")
        await until(pilot, lambda: app.code == "INC-1", "the incident to open")
        await pilot.pause()
        assert app.state.impact == "shoppers"
    assert db_rows(db_file, "SELECT code FROM incident") == [("INC-1",)]
    assert [kind for (kind,) in db_rows(db_file, "SELECT kind FROM event")].count("declared") == 1


async def test_a_declaration_typed_in_one_read_keeps_every_field(db_file, clock, monkeypatch):
    """Title, Tab, impact, Tab, when it began and Enter arriving at once (tmux send-keys, a
    paste): each field keeps its own text. Each field handles its keys in its own queue, so the
    short last field's Enter declared while the long impact was still being typed: the impact
    was lost and its letters went to the console as keys (an "o" opened a follow-up; CI, 1 Dec)."""
    app = make_app(db_file, clock=clock, actor="bob")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        impact = "logins for users with tokens issued before 142"
        typing = Field._on_key

        async def slowly(field, event):  # a loaded machine: the impact's task yields at each key
            if field.id == "impact":
                await asyncio.sleep(0.002)
            await typing(field, event)

        monkeypatch.setattr(Field, "_on_key", slowly)
        together(app, *"JWT outage", "tab", *impact, "tab", *"4m", "enter")
        await until(pilot, lambda: app.code == "INC-1", "the incident to open")
        await settle(pilot)
        assert (app.state.title, app.state.impact) == ("JWT outage", impact)
        assert app.state.milestone("impact started") == app.state.detected - timedelta(minutes=4)
        assert app.screen is app.main_screen  # no question opened by a letter of the impact
    assert [kind for (kind,) in db_rows(db_file, "SELECT kind FROM event")] == ["declared"]
