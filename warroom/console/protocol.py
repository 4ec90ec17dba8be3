"""What the console's parts may ask of the console, as types (no Textual app is imported here).

`Console` is all a flow uses: the incident's state, who is at the keys, the team's playbook,
the time, a commit, a question, a line to say or warn, the clipboard, another incident, the
status page. A flow can be run against a scripted stand-in of it, without a Textual app.
`Drawn` adds what the screen reads to draw (never to change: the screen tells the app by
posting messages). The app (`console.app.WarroomApp`) is both.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any, Protocol

from warroom.domain.incident import IncidentState
from warroom.domain.model import Event
from warroom.domain.playbook import Playbook
from warroom.domain.roster import Roster


class Console(Protocol):
    state: IncidentState
    actor: str
    book: Playbook
    roster: Roster  # who is paged for what (the config's [people], [roles], [paging])
    page_components: tuple[str, ...]  # the status page's components ([status_page] components)
    code: str | None
    now: Callable[[], datetime]

    async def commit(self, drafts: list[Event]) -> bool:
        """Commit events; True once they are on disk and on the screen."""
        ...

    async def ask(self, question: Any) -> Any:
        """Show a question (a modal screen) and wait for its answer."""
        ...

    def say(self, message: str) -> None: ...

    def warn(self, message: str) -> None: ...

    def copy_text(self, text: str) -> str | None:
        """Copy through the clipboard chain: the name of the way that took it, or None."""
        ...

    async def find(self, text: str, limit: int) -> tuple[list[Any], int]:
        """Incidents whose code, title or service holds `text`: (the first `limit`, how many)."""
        ...

    async def open_incident(self, code: str) -> None: ...

    async def maintenance_now(self) -> str:
        """One line on the maintenance running now ("" when none)."""
        ...

    async def declare(self, draft: Event) -> str:
        """Declare an incident (the start screen): its code."""
        ...

    async def publish_page(self) -> None: ...


class Drawn(Console, Protocol):
    read_only: bool
    away: str
    trouble: str
    delivery: str
    investigation: list[Event]
    questions_asked: int  # questions the flows have asked so far (a key typed as one opens was meant for it)
    followup_codes: dict[int, str]  # the incident's follow-ups' codes in the database (F-n), by number

    def page(self, code: str, **where: Any) -> Awaitable[list[Event]]:
        """A window of an incident's timeline, read as it scrolls."""
        ...
