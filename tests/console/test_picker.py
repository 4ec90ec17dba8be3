"""The incident picker (`p`) with keys faster than its searches: a paste, keys typed ahead of
it, a team's PostgreSQL a few milliseconds away. Enter opens the incident the text typed finds,
never a row of a list that was for an older text. And a question's own keys (Esc) typed ahead
of it."""

import asyncio
from types import SimpleNamespace

from helpers import Clock, at, seed
from helpers.console import settle, together
from textual.app import App

from warroom.console.dialogs import PickIncident
from warroom.console.launch import make_app
from warroom.domain import actions
from warroom.store import Store

CODES = ["INC-3", "INC-2", "INC-1"]  # as the store lists them: newest first


class Host(App):
    """The picker alone, over a search that answers when the test lets it."""

    def __init__(self) -> None:
        super().__init__()
        self.open = asyncio.Event()
        self.open.set()
        self.searched: list[str] = []
        self.picked: list[str | None] = []

    async def search(self, text: str, limit: int):
        self.searched.append(text)
        await self.open.wait()
        found = [SimpleNamespace(code=code) for code in CODES if text.strip().upper() in code]
        return found, len(found)

    def pick(self) -> None:
        """(Not from on_mount: the pilot's start waits for the screen, which waits for its search.)"""
        self.push_screen(PickIncident(self.search, lambda s: s.code), callback=self.picked.append)


async def until(pilot, condition) -> None:
    """A bounded wait that asks nothing of the screen (the pilot's waits wait for the picker,
    which may be held in a search the test has not let go)."""
    for _ in range(500):
        if condition():
            return
        await asyncio.sleep(0.01)
    raise AssertionError("not reached")


async def test_enter_while_the_search_is_out_opens_what_the_text_finds():
    """Enter picked the first row of the list on screen, the one for the text before: a paste
    of INC-1 and Enter opened INC-3."""
    app = Host()
    async with app.run_test() as pilot:
        app.pick()
        await until(pilot, lambda: isinstance(app.screen, PickIncident) and app.screen._found.option_count == 3)
        app.open.clear()
        together(app, *"inc-1", "enter")
        await until(pilot, lambda: len(app.searched) > 1)
        await asyncio.sleep(0.2)
        assert app.picked == []  # not yet: its list is not there
        app.open.set()
        await until(pilot, lambda: app.picked)
        assert app.picked == ["INC-1"]


async def test_enter_for_a_text_that_finds_nothing_opens_nothing():
    app = Host()
    async with app.run_test() as pilot:
        app.pick()
        await until(pilot, lambda: isinstance(app.screen, PickIncident) and app.screen._found.option_count == 3)
        together(app, *"nope", "enter")
        await until(pilot, lambda: app.searched[-1:] == ["nope"])
        await asyncio.sleep(0.2)
        assert app.picked == [] and isinstance(app.screen, PickIncident)


async def test_p_and_a_code_and_enter_in_one_read_open_that_incident(db_file):
    """`p`, INC-1 and Enter pasted in one read: the text was dropped ("a key typed as a question
    opened was not used") and the picker sat open on every incident."""
    await seed(db_file)
    store = await Store.open(db_file)
    await store.declare(actions.declare("alice", at(2), "Checkout slow", "P2"))
    await store.close()
    app = make_app(db_file, clock=Clock(at(3)), actor="alice")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert app.code == "INC-2"
        together(app, "p", *"INC-1", "enter")
        await until(pilot, lambda: app.code == "INC-1")
        await settle(pilot)
        assert app.screen is app.main_screen and app.state.title == "Login fails with 401"
        assert not [n for n in app._notifications if "not used" in n.message]


async def test_escape_typed_ahead_of_a_question_closes_it(db_file):
    """n and Esc in one read: the note's question opened and stayed open, the Esc typed into it
    lost (its binding is looked up once the key comes back to the app, and a key typed again
    by the question itself never did)."""
    from warroom.console.dialogs import Ask

    await seed(db_file)
    app = make_app(db_file, clock=Clock(at(3)), actor="alice")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        together(app, "n", *"half a no", "escape")
        await until(pilot, lambda: app.questions_asked == 1 and not isinstance(app.screen, Ask))
        await settle(pilot)
        assert app.screen is app.main_screen and app.is_running
