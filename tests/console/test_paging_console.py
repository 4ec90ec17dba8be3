"""The communicator's t with a roster (issue 27): it says who is paged and by what, pages on
Enter (the console's deliverer sends them to a real HTTP server on loopback), the pane keeps
the ledger; h ticks it by hand as before; without a roster t is what it always was."""

import pytest
from helpers import Clock, at, db_rows, seed
from helpers.chat import Chat
from helpers.console import act, settle, until

from warroom.config import parse
from warroom.console.dialogs import Ask, Choose
from warroom.console.launch import make_app
from warroom.domain.model import COMMUNICATOR


@pytest.fixture
def ntfy():
    server = Chat()
    yield server
    server.stop()


def roster(tmp_path, ntfy):
    text = f"""
[people.bob]
ntfy = "http://127.0.0.1:{ntfy.port}/bob-pager"
[people.dave]
ntfy = "http://127.0.0.1:{ntfy.port}/dave-pager"
[roles]
"engineering manager" = ["bob"]
PM = ["dave"]
"""
    return parse(text.encode(), tmp_path / "team.toml")


async def a_p1_console(db_file, config):
    """The console on a P1 declared at T0, at T+5, for alice, with `config`'s roster."""
    await seed(db_file, severity="P1")
    return console_for(db_file, config)


def console_for(db_file, config):
    return make_app(db_file, clock=Clock(at(5)), actor="alice", clipboard=[], config=config)


def ledger_text(app) -> str:
    return str(app.main_screen.query_one("#communicator").query_one("#ledger").content)


def pane_text(app) -> str:
    return str(app.main_screen.query_one("#communicator").query_one("#page").content)


async def test_t_shows_who_is_paged_and_enter_pages_them_as_the_communicator(db_file, tmp_path, ntfy):
    app = await a_p1_console(db_file, roster(tmp_path, ntfy))
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        await act(pilot, "t")
        assert isinstance(app.screen, Choose)
        assert "bob (engineering manager) by ntfy" in app.screen.question and "dave (PM) by ntfy" in app.screen.question
        await act(pilot, "enter")
        assert [(p.role, p.person) for p in app.state.pages] == [("engineering manager", "bob"), ("PM", "dave")]
        assert app.state.hat_of("alice") == COMMUNICATOR  # the communicator's action: the hat came with it
        await until(pilot, lambda: len(ntfy.received) == 2, "the console's deliverer to send both")
        await until(pilot, lambda: "bob · engineering manager · ntfy" in ledger_text(app) and "delivered" in ledger_text(app), "the ledger", seconds=15)
        assert {r["body"]["topic"] for r in ntfy.received} == {"bob-pager", "dave-pager"}
    kinds = [k for (k,) in db_rows(db_file, "SELECT kind FROM event ORDER BY id")]
    assert kinds.count("paged") == 2 and "escalation notified" not in kinds


async def test_h_ticks_it_by_hand_and_esc_does_nothing(db_file, tmp_path, ntfy):
    app = await a_p1_console(db_file, roster(tmp_path, ntfy))
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        await act(pilot, "t", "escape")
        assert not isinstance(app.screen, Choose) and app.state.pages == []
        await act(pilot, "t", "h")
        assert isinstance(app.screen, Ask)
        await act(pilot, *"Dana by phone", "enter")
        assert "manager" in app.state.notified and app.state.pages == []
    assert ntfy.received == []


async def test_a_role_the_roster_cannot_reach_is_named_and_t_ticks_by_hand(db_file, tmp_path, ntfy):
    config = parse(b'[people.bob]\n[roles]\n"engineering manager" = ["bob"]\nPM = ["bob"]\n', tmp_path / "team.toml")
    app = await a_p1_console(db_file, config)
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        await act(pilot, "t")
        assert isinstance(app.screen, Ask)  # straight to who was told
        assert any("cannot page: engineering manager: bob has no channel" in n.message for n in app._notifications)


async def test_the_start_screen_names_the_roles_that_cannot_be_paged(db_file, tmp_path, ntfy):
    from warroom.console.start import StartScreen

    app = console_for(db_file, roster(tmp_path, ntfy))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, StartScreen)
        said = str(app.screen.query_one("#unreachable").content)
        assert said == "⚠ cannot page: leadership, on-call, team lead (warroom config says why)"


async def test_a_mail_server_that_hangs_slows_no_key_loses_no_page_and_the_pane_says_so(db_file, tmp_path, monkeypatch):
    """The page is committed at Enter; the deliverer waits on the mail server in the background
    (the hat key is answered meanwhile), gives up the try after its timeout (shortened here),
    and the pane says when the next one is."""
    from helpers.mail import Mailbox

    from warroom.integrations import posting

    monkeypatch.setattr(posting, "SEND_TIMEOUT", 0.5)  # (a mail's try, pages' and subscribers' alike)
    mail = Mailbox()
    mail.mode = "hold"
    try:
        config = parse(f'[people.bob]\nemail = "bob@example.com"\n[people.dave]\nemail = "dave@example.com"\n'
                       f'[roles]\n"engineering manager" = ["bob"]\nPM = ["dave"]\n[paging]\nsmtp = "{mail.url}"\n'.encode(),
                       tmp_path / "team.toml")
        app = await a_p1_console(db_file, config)
        async with app.run_test(size=(100, 40)) as pilot:
            await settle(pilot)
            await act(pilot, "t", "enter")
            assert len(app.state.pages) == 2
            await act(pilot, "i")  # a key while the mail server holds the page
            assert app.state.hat_of("alice") == "investigator" and mail.received == []
            # the first in line failed; the second waits behind it (in order, per incident and channel)
            await until(pilot, lambda: "email: 1 failed, next try in 5 s" in pane_text(app), "the pane to say the mail failed",
                        seconds=15)
        kinds = [k for (k,) in db_rows(db_file, "SELECT kind FROM event ORDER BY id")]
        assert kinds.count("paged") == 2 and "page delivered" not in kinds
        waiting = db_rows(db_file, "SELECT webhook, delivered_at, given_up_at FROM outbox")
        assert waiting == [("email", None, None), ("email", None, None)]  # kept, to be tried again
    finally:
        mail.stop()


async def test_an_acknowledgement_written_by_another_process_is_said_at_once(db_file, tmp_path, ntfy):
    from warroom.domain import escalation
    from warroom.store import Store

    app = await a_p1_console(db_file, roster(tmp_path, ntfy))
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        await act(pilot, "t", "enter")
        ticket = app.state.pages[0].ticket
        other = await Store.open(db_file)  # the receiver, answering bob's link
        try:
            await other.append([escalation.acknowledge(await other.load("INC-1"), at(7), ticket, "link")])
        finally:
            await other.close()
        said = "bob acknowledged the page for engineering manager, 2m00s after it was sent"
        await until(pilot, lambda: any(said == n.message for n in app._notifications), "the console to say so")
        assert "✔ acknowledged 03:07:00  bob · engineering manager · ntfy" in ledger_text(app)


def test_the_deadline_and_the_ledger_say_when_nobody_acknowledged():
    from helpers import Book

    from warroom.console import views
    from warroom.domain import escalation
    from warroom.domain.roster import Paging, Person, Roster

    team = Roster({"bob": Person("bob", ntfy="https://ntfy.example.com/bob"), "dave": Person("dave", ntfy="https://n.example.com/d")},
                  {"engineering manager": ("bob",), "PM": ("dave",)}, Paging(acknowledge_within=5))
    book = Book()
    book.do(escalation.page, "alice", at(2), team, ["engineering manager", "PM"], "text", deadline="manager")
    bob = book.state.pages[0].ticket
    book._add([escalation.acknowledge(book.state, at(3), bob, "link")])
    assert "nobody acknowledged" not in str(views.deadline_lines(book.state, at(6), roster=team))
    line = next(x for x in str(views.deadline_lines(book.state, at(7), roster=team)).splitlines() if "engineering manager + PM" in x)
    assert ", ⚠ nobody acknowledged: PM  notify engineering manager + PM" in line
    ledger = str(views.ledger_lines(book.state, team, at(7))).splitlines()
    assert ledger == ["⚠ nobody acknowledged: PM", "✔ acknowledged 03:03:00  bob · engineering manager · ntfy",
                      "sent 03:02:00  dave · PM · ntfy"]
