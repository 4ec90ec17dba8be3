"""Made for a tmux pane (issue 25): a timeline row read whole, the footer that fits 60 columns,
and the compact levers of a short terminal."""

from contextlib import asynccontextmanager

import pytest
from helpers import Clock, at, db_rows, seed
from helpers.console import act, settle, together

from warroom.console.dialogs import Ask, Row
from warroom.console.footer import keys_line
from warroom.console.launch import make_app
from warroom.console.timeline import CUT, Timeline
from warroom.domain import actions

LONG = "rolled web back to v141 " + "and watched the error rate fall across every region " * 5 + "END"


async def test_a_row_too_wide_for_the_pane_is_cut_with_a_mark_and_read_whole_with_up_and_enter(db_file):
    await seed(db_file, (actions.note, "alice", 1, "paged the auth team"), (actions.note, "alice", 1.5, "deploy 142 at 02:58"),
               (actions.note, "alice", 2, LONG))
    app = make_app(db_file, clock=Clock(at(3)), actor="alice")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        timeline = app.main_screen.query_one(Timeline)
        newest = timeline.line_count - 1
        on_screen = newest - int(timeline.scroll_offset.y)
        assert timeline.render_line(on_screen).text.endswith(CUT)  # cut at the pane's edge, marked
        await act(pilot, "up")
        assert timeline.selected == newest  # the first ↑ selects the newest row on screen
        await act(pilot, "enter")
        assert isinstance(app.screen, Row)
        assert app.screen.text == timeline.row(newest) and app.screen.text.endswith(LONG.strip())  # whole
        await act(pilot, "escape")
        assert app.screen is app.main_screen
        await act(pilot, "up", "up", "enter")
        assert timeline.selected == newest - 2 and isinstance(app.screen, Row)
        assert app.screen.text == timeline.row(newest - 2)


async def test_a_click_on_a_row_reads_it_whole(db_file):
    await seed(db_file, (actions.note, "alice", 2, LONG))
    app = make_app(db_file, clock=Clock(at(3)), actor="alice")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        timeline = app.main_screen.query_one(Timeline)
        row = timeline.line_count - 1 - int(timeline.scroll_offset.y)
        await pilot.click(Timeline, offset=(3, row))
        await settle(pilot)
        assert isinstance(app.screen, Row) and app.screen.text.endswith(LONG.strip())


@pytest.mark.parametrize("hat, keys", [
    ("commander", ["1-4 Levers", "a Ack", "r Resolve", "s Severity"]),
    ("communicator", ["y Copy message", "t Tick notified", "P Publish"]),
    ("investigator", ["n Note", "f Finding"]),
])
def test_the_footer_shows_help_and_every_key_of_the_hat_within_60_columns_and_the_palette_where_it_fits(hat, keys):
    narrow, wide = keys_line(hat, True, 60).plain, keys_line(hat, True, 80).plain
    assert narrow.startswith(" ? Keys c m i Hats") and len(narrow) <= 60
    assert all(key in narrow for key in keys), narrow
    assert wide.endswith("^p palette") and len(wide) <= 80


async def test_a_short_terminal_shows_the_levers_two_to_a_line(db_file):
    await seed(db_file, (actions.set_lever, "alice", 2, 1, "pulled"))
    app = make_app(db_file, clock=Clock(at(3)), actor="alice")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        levers = app.main_screen.query_one("#levers").render()
        assert str(levers).splitlines() == [" [1] ▶ feature flag off pulled        [2] · deploy rollback",
                                            " [3] · migration rollback             [4] · data correction"]
        await pilot.resize_terminal(120, 40)
        await settle(pilot)
        assert len(str(app.main_screen.query_one("#levers").render()).splitlines()) == 4  # tall: a line each, with times


@pytest.mark.parametrize("key, kind", [("n", "note"), ("o", "follow-up added")])
async def test_keys_typed_before_a_questions_field_has_the_focus_go_into_it(db_file, key, kind):
    """A question (one field, or a form) that opens under fast fingers: the keys that reach it
    before its field has the focus are the field's, Enter included."""
    from helpers import db_rows

    from warroom.console.dialogs import Form

    await seed(db_file)
    app = make_app(db_file, clock=Clock(at(3)), actor="alice")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await act(pilot, key)
        assert isinstance(app.screen, Ask | Form)
        app.screen.set_focus(None)  # as it is for a moment while the question opens
        await act(pilot, *"typed ahead", "enter")
        assert app.screen is app.main_screen
    row = db_rows(db_file)[-1]
    assert row[1] == kind and "typed ahead" in row[2]


async def test_at_80x24_a_toast_never_covers_the_keys_of_the_question_under_it(db_file):
    """y at 80×24: the toast saying where the message went, and one still up from before, sit
    below the question; its last line (Enter: record it as sent · Esc: not yet) stays readable."""
    from textual.widgets._toast import Toast

    from warroom.console.dialogs import Confirm

    await seed(db_file, (actions.wear_hat, "alice", 1, "communicator"), (actions.notify, "alice", 2, "manager", "Dana"))
    app = make_app(db_file, clock=Clock(at(5)), actor="alice", clipboard=[("the tmux paste buffer", lambda t: True)])
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await settle(pilot)
        app.warn("not done: no surprises, a warning still up from the key before")
        await act(pilot, "y")
        assert isinstance(app.screen, Confirm)
        await settle(pilot)
        toasts = list(app.screen.query(Toast))
        assert len(toasts) == 2  # both kept, not cleared away (three rows show the newest)
        hint, dialog = app.screen.query_one(".hint").region, app.screen.query_one(".dialog").region
        assert hint.bottom <= dialog.bottom and hint.height >= 1
        assert all(not t.region.overlaps(hint) for t in toasts), [(t.region, hint) for t in toasts]
        under = app.main_screen.get_child_by_id("textual-toastrack")
        assert not under.display  # the console's own toasts do not show through: each once, below the question
        await act(pilot, "escape")
        assert app.screen is app.main_screen and under.display and len(under.query(Toast)) == 2


async def test_at_60x20_a_long_question_with_a_toast_keeps_its_keys(db_file):
    """y on a P0 before leadership was told, at 60×20, a toast up: the reason question (seven
    rows of words) lost its last line, 'Esc: hold off', under its edge (seen by hand, a toast
    of two rows up)."""
    from textual.widgets._toast import Toast

    await seed(db_file, (actions.wear_hat, "alice", 1, "communicator"), severity="P0")
    app = make_app(db_file, clock=Clock(at(3)), actor="alice", clipboard=[("the test board", lambda t: True)])
    async with app.run_test(size=(60, 20), notifications=True) as pilot:
        await settle(pilot)
        app.warn("the status page was not written: /srv/status is not writable (warroom config says where)")  # two rows
        await act(pilot, "y")
        assert isinstance(app.screen, Ask) and "no surprises" in app.screen.question
        await settle(pilot)
        assert app.screen.query(Toast)
        hint, dialog = app.screen.query_one(".hint"), app.screen.query_one(".dialog")
        assert "Esc: hold off" in str(hint.render()).replace("\n", " ")
        assert hint.region.bottom <= dialog.content_region.bottom, (hint.region, dialog.content_region)


async def test_at_60x20_a_warning_over_a_question_is_read_whole(db_file):
    """1, then 1 e in one read at 60×20: the e was dropped, and the toast saying so over the
    lever's question showed two of its three lines (half the width, a row of top margin)."""
    from textual.widgets._toast import Toast

    from warroom.console.dialogs import Choose

    await seed(db_file)
    app = make_app(db_file, clock=Clock(at(3)), actor="alice")
    async with app.run_test(size=(60, 20), notifications=True) as pilot:
        await settle(pilot)
        await act(pilot, "1")
        together(app, "1", "e")
        await settle(pilot)
        assert isinstance(app.screen, Choose)
        toast = app.screen.query_one(Toast)
        assert "press it again" in str(toast.render())
        lines = len(toast.render_lines(toast.region.reset_offset))
        assert toast.region.height == lines <= 2, toast.region  # its rack holds three rows: all of it in view


@pytest.mark.parametrize("size", [(60, 20), (80, 24)])
async def test_in_a_short_pane_the_consoles_toasts_leave_the_message_due_readable(db_file, size):
    """A toast on the console sat at the bottom right, three rows tall, over the communicator's
    message (the text y copies) for 5 to 8 seconds. In the short arrangement toasts sit at the top
    right of the worn hat's pane, one row a line."""
    from textual.widgets._toast import Toast

    await seed(db_file, (actions.wear_hat, "alice", 1, "communicator"), (actions.notify, "alice", 2, "manager", "Dana"))
    app = make_app(db_file, clock=Clock(at(5)), actor="alice", clipboard=[("the tmux paste buffer", lambda t: True)])
    async with app.run_test(size=size, notifications=True) as pilot:
        await settle(pilot)
        app.warn("not done: no surprises")
        app.say("copied the client notice to the tmux paste buffer, every word of it")
        await settle(pilot)
        toasts = list(app.main_screen.query(Toast))
        assert len(toasts) == 2
        message, deadlines = app.main_screen.query_one("#template"), app.main_screen.query_one("#deadlines")
        upper = app.main_screen.query_one("#commander")
        for toast in toasts:
            assert not toast.region.overlaps(message.region), (toast.region, message.region)
            assert not toast.region.overlaps(deadlines.region), (toast.region, deadlines.region)
            assert upper.region.contains_region(toast.region), (toast.region, upper.region)
            assert toast.region.y > upper.region.y  # under the pane's title (its hat's name)
        lines = len(toasts[0].render_lines(toasts[0].region.reset_offset))
        assert toasts[0].region.height == lines  # no padding rows


@pytest.mark.parametrize("size", [(60, 20), (80, 24)])
async def test_editing_a_message_in_a_short_pane_keeps_the_keys_on_screen(db_file, size):
    """e at 60×20: the editor was 12 rows whatever the text, and the dialog's last line (Esc:
    cancel) fell under the pane's edge; it is as tall as the text, at most half the pane."""
    from textual.widgets import TextArea

    from warroom.console.dialogs import EditText

    await seed(db_file, (actions.wear_hat, "alice", 1, "communicator"), (actions.notify, "alice", 2, "manager", "Dana"))
    app = make_app(db_file, clock=Clock(at(5)), actor="alice", clipboard=[("the test board", lambda t: True)])
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await act(pilot, "e")
        assert isinstance(app.screen, EditText)
        editor = app.screen.query_one(TextArea)
        editor.insert("\n".join(f"line {n}" for n in range(20)) + "\n")
        await settle(pilot)
        hint, dialog = app.screen.query_one(".hint"), app.screen.query_one(".dialog")
        assert "Esc: cancel" in str(hint.render())
        assert hint.region.bottom <= dialog.content_region.bottom, (hint.region, dialog.content_region)  # none of it under the edge


@asynccontextmanager
async def sent_question(db_file, size: tuple[int, int], impact: str):
    """The communicator's y at `size` on a notice whose impact is `impact`: its question (was it
    sent?) up, with the toast saying where the text went."""
    from warroom.console.dialogs import Confirm

    await seed(db_file, (actions.wear_hat, "alice", 1, "communicator"), (actions.notify, "alice", 2, "manager", "Dana"),
               impact=impact)
    app = make_app(db_file, clock=Clock(at(5)), actor="alice", clipboard=[("the tmux paste buffer", lambda t: True)])
    async with app.run_test(size=size, notifications=True) as pilot:
        await settle(pilot)
        await act(pilot, "y")
        assert isinstance(app.screen, Confirm)
        await settle(pilot)
        yield app, pilot


async def test_the_sent_question_at_60x20_with_a_toast_keeps_its_keys_and_scrolls_its_text_by_keys(db_file):
    """y at 60×20: the text copied took 8 rows, the toast saying where it went 3 more, and the
    question's keys (Esc: not yet, leave it due) fell off its bottom. In a pane under 22 rows the
    text shows 6 rows at most, and ↓ ↑ scroll it."""
    from textual.widgets._toast import Toast

    impact = "card payments, refunds and payouts for every merchant in Europe and in North America"
    async with sent_question(db_file, (60, 20), impact) as (app, pilot):
        assert app.screen.query(Toast)
        hint, dialog = app.screen.query_one(".hint"), app.screen.query_one(".dialog")
        assert "leave it due" in str(hint.render())
        assert hint.region.bottom <= dialog.content_region.bottom, (hint.region, dialog.content_region)
        quoted = app.screen.query_one(".quoted")
        assert quoted.max_scroll_y > 0 and quoted.scroll_y == 0  # the text is longer than its box here
        await act(pilot, "down")
        assert quoted.scroll_y == 1
        await act(pilot, "up")
        assert quoted.scroll_y == 0
        await act(pilot, "enter")
        assert app.screen is app.main_screen
    assert [kind for _, kind, _ in db_rows(db_file)][-1] == "communication sent"


async def test_the_sent_question_at_60x20_keeps_its_keys_with_two_toasts_up(db_file):
    """y, Esc (not yet), y again at 60×20: two toasts up at once took five rows from the question
    and its keys fell off its bottom (seen by hand). A question's toasts take three rows at most:
    the newest shows."""
    from textual.widgets._toast import Toast

    from warroom.console.dialogs import Confirm

    await seed(db_file, (actions.wear_hat, "alice", 1, "communicator"), (actions.notify, "alice", 2, "manager", "Dana"))
    app = make_app(db_file, clock=Clock(at(5)), actor="alice", clipboard=[("the tmux paste buffer", lambda t: True)])
    async with app.run_test(size=(60, 20), notifications=True) as pilot:
        await settle(pilot)
        await act(pilot, "y", "escape", "y")
        assert isinstance(app.screen, Confirm)
        await settle(pilot)
        assert len(app.screen.query(Toast)) == 2
        hint, dialog = app.screen.query_one(".hint"), app.screen.query_one(".dialog")
        assert "leave it due" in str(hint.render())
        assert hint.region.bottom <= dialog.content_region.bottom, (hint.region, dialog.content_region)


async def test_the_sent_question_at_80x24_shows_a_long_notice_whole(db_file):
    """At 80×24 there is room for the whole notice (seven rows, the README's picture): only a
    pane under 22 rows shortens it."""
    long = "logins for users holding tokens issued before deploy 142 on web, mobile and the partner API"
    async with sent_question(db_file, (80, 24), long) as (app, _):
        quoted = app.screen.query_one(".quoted")
        assert quoted.virtual_size.height > 6 and quoted.max_scroll_y == 0  # longer than six rows, and whole
        hint, dialog = app.screen.query_one(".hint"), app.screen.query_one(".dialog")
        assert hint.region.bottom <= dialog.content_region.bottom, (hint.region, dialog.content_region)


@pytest.mark.parametrize("size, due", [((60, 20), False), ((80, 24), True)])
async def test_the_countdown_leaves_out_its_wall_clock_time_where_it_would_be_cut(db_file, size, due):
    """A P2's daily update at 60 columns read "in 23:57:00   (due tom…": the time left is whole,
    and the day and time after it are said whole or not at all."""
    await seed(db_file, (actions.notify, "alice", 2, "pm", "Priya", {"switch": True}), severity="P2")
    app = make_app(db_file, clock=Clock(at(3)), actor="alice")
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        app.main_screen.tick()  # (a tick draws it for the line's width, known once laid out)
        await settle(pilot)
        line = app.main_screen.query_one("#countdown").render_line(0).text.rstrip()
        assert "internal note (every day)  in 23:57:00" in line and "…" not in line, line
        assert line.endswith("(due tomorrow 03:00:00)") is due, line


async def test_a_reason_asked_for_three_rules_at_60x20_keeps_its_keys_under_a_toast(db_file):
    """z (resolve) with the path not done, nothing contained and a finding waiting: the three
    rules, the field and a toast (the Esc before: "not done: …") left "Enter: go ahead with this
    reason · Esc: hold off" under the pane's edge. Under 22 rows the question and its keys sit
    with no blank row between them and the field."""
    from textual.widgets._toast import Toast

    await seed(db_file, (actions.report_finding, "bob", 1, "the cache was cold", {"switch": True}))
    app = make_app(db_file, clock=Clock(at(5)), actor="alice")
    async with app.run_test(size=(60, 20), notifications=True) as pilot:
        await settle(pilot)
        await act(pilot, "r", "z", "escape", "z")
        await settle(pilot)
        assert isinstance(app.screen, Ask) and app.screen.question.count("⚠") == 3
        assert app.screen.query(Toast)
        hint, dialog = app.screen.query_one(".hint"), app.screen.query_one(".dialog")
        assert "Esc: hold off" in str(hint.render())
        assert hint.region.bottom <= dialog.content_region.bottom <= 20, (hint.region, dialog.content_region)
