"""A scripted stand-in of the console (`protocol.Console`): a flow runs against it with no
Textual app, its questions answered from a script, its commits kept in a Book."""

from __future__ import annotations

from helpers import Book, at
from warroom.domain.playbook import DEFAULT
from warroom.domain.roster import Roster


class Scripted:
    """The console as a flow sees it: the answers to its questions are given in order."""

    def __init__(self, book: Book, answers: list) -> None:
        self.book_of_events, self.answers = book, list(answers)
        self.actor, self.book, self.code = "alice", DEFAULT, "INC-1"
        self.roster = Roster()
        self.page_components: tuple[str, ...] = ()
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

    async def maintenance_now(self) -> str:
        return ""

    async def open_incident(self, code: str) -> None:
        self.code = code

    async def publish_page(self) -> None:
        self.said.append("published")
