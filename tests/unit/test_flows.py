"""A flow runs against a scripted stand-in of the console (`protocol.Console`), with no Textual
app: the questions it asks are answered from a script, its commits recorded."""

import asyncio

from helpers import Book, at

from warroom.console import flows
from warroom.console.dialogs import Ask, Choose, Confirm
from warroom.domain.model import COMMUNICATOR, PULLED
from warroom.domain.playbook import DEFAULT


class Scripted:
    """The console as a flow sees it: the answers to its questions are given in order."""

    def __init__(self, book: Book, answers: list) -> None:
        self.book_of_events, self.answers = book, list(answers)
        self.actor, self.book, self.code = "alice", DEFAULT, "INC-1"
        self.now = lambda: at(5)
        self.asked: list = []
        self.said: list[str] = []

    @property
    def state(self):
        return self.book_of_events.state

    async def commit(self, drafts) -> bool:
        self.book_of_events._add(drafts)
        return True

    async def ask(self, question):
        self.asked.append(question)
        return self.answers.pop(0)

    def say(self, message: str) -> None:
        self.said.append(message)

    warn = say

    def copy_text(self, text: str):
        return "a test clipboard"

    async def find(self, text: str, limit: int):
        return [], 0

    async def open_incident(self, code: str) -> None:
        self.code = code

    async def publish_page(self) -> None:
        self.said.append("published")


def test_a_lever_out_of_order_asks_the_reason_and_commits_it_without_an_app():
    console = Scripted(Book(), ["no flag guards this path"])
    asyncio.run(flows.FLOWS["advance_lever"](console, 2))
    assert [type(q) for q in console.asked] == [Ask]
    lever = console.state.lever(2)
    assert lever.state == PULLED and lever.reason == "no flag guards this path"


def test_another_hats_action_asks_to_switch_and_escape_commits_nothing():
    console = Scripted(Book(), [False])
    asyncio.run(flows.FLOWS["tick_notification"](console))
    assert [type(q) for q in console.asked] == [Confirm]
    assert len(console.book_of_events.events) == 1  # the declaration alone


def test_the_switch_and_the_tick_are_one_commit():
    console = Scripted(Book(), [True, None])
    asyncio.run(flows.FLOWS["tick_notification"](console))
    assert [type(q) for q in console.asked] == [Confirm, Choose]
    assert console.state.hat_of("alice") != COMMUNICATOR  # Esc on the choice: nothing written, not even the switch
