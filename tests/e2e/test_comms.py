"""Templates, the clipboard chain, and the communicator's keys (y, t) with the bell."""

import json
import subprocess
import uuid

import pytest
from helpers import Book, Clock, at, db_rows, seed
from helpers.console import act, settle

from warroom.console import clipboard
from warroom.console.dialogs import Ask, Confirm, ShowText
from warroom.console.launch import make_app
from warroom.domain import actions
from warroom.domain.policy import CLIENT_NOTICE, RESOLUTION_NOTICE, STATUS_UPDATE
from warroom.domain.templates import TEMPLATES, due_template, fill, filled


def test_fill_leaves_missing_placeholders_visible_and_never_rescans_values():
    text = fill("{title} — {impact} — {unknown}", {"title": "{impact} [red]x[/red] 🔥\nline", "impact": ""})
    assert text == "{impact} [red]x[/red] 🔥\nline — {impact} — {unknown}"


def test_every_template_fills_from_an_incident():
    book = Book(title="Login fails (internal)", severity="P1", public_title="Login fails [0] [/")
    book.do(actions.wear_hat, "carol", at(1), "communicator")
    for name in TEMPLATES:
        _, text = filled(book.state, at(5), name)
        assert "{code}" not in text and "{title}" not in text
    _, notice = filled(book.state, at(5), CLIENT_NOTICE)
    assert "Login fails [0] [/" in notice and "carol" in notice and "03:35 UTC" in notice  # a cadence from now
    assert "(internal)" not in notice  # the internal title stays internal
    assert "{impact}" in notice  # nobody said what the impact is: the person sees the gap


def test_the_due_template_follows_the_incident():
    book = Book(severity="P1")
    assert due_template(book.state, at(1)) == CLIENT_NOTICE
    book.do(actions.communicate, "alice", at(2), CLIENT_NOTICE, "sent", sent=True, switch=True)
    assert due_template(book.state, at(3)) == STATUS_UPDATE
    book.do(actions.resolve, "alice", at(9), switch=True, override="false alarm")
    assert due_template(book.state, at(10)) == RESOLUTION_NOTICE


def test_the_chain_tries_each_way_in_order_and_names_the_one_that_took_it():
    tried = []

    def way(name, result):
        def attempt(text):
            tried.append(name)
            if result == "raise":
                raise RuntimeError("broken")
            return result
        return (name, attempt)

    assert clipboard.copy("x", [way("a", False), way("b", "raise"), way("c", True), way("d", True)]) == "c"
    assert tried == ["a", "b", "c"]
    assert clipboard.copy("x", [way("a", False), way("b", "raise")]) is None


def test_no_tmux_means_the_tmux_way_declines(monkeypatch):
    monkeypatch.delenv("TMUX", raising=False)
    assert clipboard.tmux_buffer("x") is False


def test_a_real_tmux_server_buffer_takes_the_text(monkeypatch):
    socket = f"warroom-clip-{uuid.uuid4().hex[:8]}"
    subprocess.run(["tmux", "-L", socket, "new-session", "-d", "-s", "c"], check=True)
    try:
        path = subprocess.run(["tmux", "-L", socket, "display", "-p", "#{socket_path}"],
                              capture_output=True, text=True, check=True).stdout.strip()
        monkeypatch.setenv("TMUX", f"{path},0,0")
        text = "Login fails [red]x[/red] 🔥\nsecond line"
        assert clipboard.tmux_buffer(text) is True
        shown = subprocess.run(["tmux", "-L", socket, "show-buffer"], capture_output=True, text=True, check=True)
        assert shown.stdout == text
    finally:
        from helpers.tmux import kill_server

        kill_server(socket)


@pytest.fixture
def copied():
    return []


@pytest.fixture
async def console(db_file, copied):
    clock = Clock(at(5))

    def fake(text):
        copied.append(text)
        return True

    async def run(ways=None, steps=(), severity="P1"):
        await seed(db_file, *steps, severity=severity)
        app = make_app(db_file, clock=clock, actor="carol", clipboard=ways if ways is not None else [("the test board", fake)])
        return app, app.run_test(size=(120, 40))

    run.clock = clock
    return run


async def test_y_copies_the_due_message_and_enter_records_it_sent(console, db_file, copied):
    app, running = await console(steps=[(actions.wear_hat, "carol", 1, "communicator"),
                                        (actions.notify, "carol", 2, "manager", "Dana")])
    async with running as pilot:
        await settle(pilot)
        await act(pilot, "y")
        assert isinstance(app.screen, Confirm)
        await act(pilot, "enter")
        assert [c.template for c in app.state.communications] == [CLIENT_NOTICE]
    [text] = copied
    rows = [(k, json.loads(p)) for _, k, p in db_rows(db_file)]
    assert rows[-2] == ("communication copied", {"template": CLIENT_NOTICE, "text": text})
    # the promise "we will update you by 03:35" is the deadline the countdown now tracks
    assert rows[-1] == ("communication sent", {"template": CLIENT_NOTICE, "text": text, "next_update": at(35).isoformat()})
    assert "We will update you by 03:35 UTC." in text
    assert {d.id: d for d in app.book.deadlines(app.state, at(6))}["update"].due == at(35)


async def test_escape_leaves_the_message_due(console, db_file):
    app, running = await console(steps=[(actions.wear_hat, "carol", 1, "communicator"),
                                        (actions.notify, "carol", 2, "manager", "Dana")])
    async with running as pilot:
        await settle(pilot)
        await act(pilot, "y")
        await act(pilot, "escape")
        assert app.state.communications == []
    assert [k for _, k, _ in db_rows(db_file)][-1] == "communication copied"


async def test_no_surprises_warns_before_anything_is_copied(console, db_file, copied):
    app, running = await console(steps=[(actions.wear_hat, "carol", 1, "communicator")])
    async with running as pilot:
        await settle(pilot)
        await act(pilot, "y")
        assert isinstance(app.screen, Ask) and "no surprises" in app.screen.question
        assert copied == []  # asked before the text reaches any clipboard
        await act(pilot, "escape")
        assert app.state.communications == []
    assert copied == [] and [k for _, k, _ in db_rows(db_file)][-1] == "hat worn"


async def test_a_no_surprises_override_is_recorded_with_its_reason(console, db_file, copied):
    app, running = await console(steps=[(actions.wear_hat, "carol", 1, "communicator")])
    async with running as pilot:
        await settle(pilot)
        await act(pilot, "y")
        await act(pilot, *"EM unreachable, paged twice", "enter")
        assert isinstance(app.screen, Confirm)
        await act(pilot, "enter")
        assert [c.template for c in app.state.communications] == [CLIENT_NOTICE]
    kinds = [(k, json.loads(p)) for _, k, p in db_rows(db_file)]
    assert kinds[-3] == ("rule overridden", {"rule": "no surprises", "reason": "EM unreachable, paged twice"})
    assert [k for k, _ in kinds[-2:]] == ["communication copied", "communication sent"]  # asked once, not twice
    assert len(copied) == 1


async def test_with_no_clipboard_the_text_is_shown_to_copy_by_hand(console):
    app, running = await console(ways=[("nothing", lambda text: False)],
                                 steps=[(actions.wear_hat, "carol", 1, "communicator"), (actions.notify, "carol", 2, "manager", "Dana")])
    async with running as pilot:
        await settle(pilot)
        await act(pilot, "y")
        assert isinstance(app.screen, ShowText)
        assert "Issue affecting logins for every user" in app.screen.query_one("#text").text


async def test_t_ticks_a_notification_with_who_was_told(console, db_file):
    app, running = await console(steps=[(actions.wear_hat, "carol", 1, "communicator")])
    async with running as pilot:
        await settle(pilot)
        await act(pilot, "t")  # the one due first is asked at once
        await act(pilot, *"Dana (EM) by phone", "enter")
        assert "manager" in app.state.notified
    assert json.loads(db_rows(db_file)[-1][2]) == {"deadline": "manager", "whom": "Dana (EM) by phone"}


async def test_a_passing_deadline_rings_once_and_says_so(console, monkeypatch):
    app, running = await console(steps=[(actions.wear_hat, "carol", 1, "communicator")])
    rings = []
    async with running as pilot:
        monkeypatch.setattr(app, "bell", lambda: rings.append(1))
        await settle(pilot)
        console.clock.advance(minutes=11)
        app.tick()
        app.tick()
        await pilot.pause()
        assert len(rings) == 1  # two deadlines passed at 15 minutes: one bell, two notices
        messages = [n.message for n in app._notifications]
        assert "⚠ OVERDUE: notify engineering manager + PM" in messages and "⚠ OVERDUE: client notice" in messages
        console.clock.advance(minutes=15)
        app.tick()
        assert len(rings) == 2


async def test_e_edits_the_message_and_the_edited_text_is_copied_and_recorded(console, db_file, copied):
    from warroom.console.dialogs import EditText

    app, running = await console(steps=[(actions.wear_hat, "carol", 1, "communicator"),
                                        (actions.notify, "carol", 2, "manager", "Dana")])
    async with running as pilot:
        await act(pilot, "e")
        assert isinstance(app.screen, EditText)
        await act(pilot, "pagedown", "pagedown", "end", *" Call us: 555-0100", "ctrl+g")
        await act(pilot, "enter")
    [text] = copied
    assert text.endswith("— carol Call us: 555-0100")
    assert ("communication sent", {"template": CLIENT_NOTICE, "text": text, "next_update": at(35).isoformat()}) == (
        db_rows(db_file)[-1][1], json.loads(db_rows(db_file)[-1][2]))


async def test_escape_in_the_editor_copies_and_records_nothing(console, db_file, copied):
    app, running = await console(steps=[(actions.wear_hat, "carol", 1, "communicator")])
    async with running as pilot:
        await act(pilot, "e", "x", "escape")
    assert copied == [] and [k for _, k, _ in db_rows(db_file)][-1] == "hat worn"


async def test_bell_and_alerts_can_be_turned_off(db_file, monkeypatch):
    await seed(db_file)
    clock = Clock(at(5))
    app = make_app(db_file, clock=clock, actor="carol", clipboard=[], bell=False, alerts=False)
    rings = []
    async with app.run_test(size=(120, 40)) as pilot:
        monkeypatch.setattr(app, "bell", lambda: rings.append(1))
        await settle(pilot)
        clock.advance(minutes=11)
        app.tick()
        await pilot.pause()
        assert rings == [] and not any("OVERDUE" in n.message for n in app._notifications)
        assert "OVERDUE" in str(app.main_screen.query_one("#countdown").render())
