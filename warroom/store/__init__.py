"""The event log and everything kept beside it; the one way in and out of a database.

`base` is what every store does (the log, the summaries, the reads); one module per backend
gives the connection and dialect: `sqlite` (one file, the default) and `postgres` (a server a
team shares). `reading` holds the reads that never need a whole log; `glance` the one read
before any loop starts (the status line, the first frame); `summary` the summary beside each
incident; `tables` the schema and its migrations; `files` the SQLite file itself.

The store proper (`base`, `sqlite`, and the outbox with them) is imported when first named:
`warroom status --tmux` runs every few seconds and needs only `peek` (issue 26).
"""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import TYPE_CHECKING, Any

from warroom.store.address import is_server, shown
from warroom.store.files import CommitUnknown, Conflict, StoreError

if TYPE_CHECKING:
    from warroom.store.base import EventStore, IncidentRow
    from warroom.store.reading import NeedsUpgrade, Opening, Progress
    from warroom.store.sqlite import SqliteStore
    from warroom.store.tables import MIGRATIONS, SCHEMA_VERSION

    Store = SqliteStore

# each name imported when first asked for: the module that holds it, and its name there
_LAZY = {
    "EventStore": ("base", "EventStore"), "IncidentRow": ("base", "IncidentRow"),
    "NeedsUpgrade": ("reading", "NeedsUpgrade"), "Opening": ("reading", "Opening"), "Progress": ("reading", "Progress"),
    "SqliteStore": ("sqlite", "SqliteStore"), "Store": ("sqlite", "SqliteStore"),  # the default backend
    "MIGRATIONS": ("tables", "MIGRATIONS"), "SCHEMA_VERSION": ("tables", "SCHEMA_VERSION"),
}

__all__ = ["CommitUnknown", "Conflict", "MIGRATIONS", "SCHEMA_VERSION", "EventStore", "IncidentRow", "NeedsUpgrade", "Opening",
           "Progress", "SqliteStore", "Store",
           "StoreError", "is_server", "open_store", "overdue_followups", "peek", "shown"]


def __getattr__(name: str) -> Any:
    if name not in _LAZY:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    module, attribute = _LAZY[name]
    value = getattr(importlib.import_module(f"{__name__}.{module}"), attribute)
    globals()[name] = value
    return value


def peek(target: str | Path, code: str | None = None, preferred: str | None = None, levers: tuple[str, ...] | None = None,
         rebuild: bool = True) -> Opening | None:
    """The incident to show before the console's loop starts (None if none): see glance.peek.
    Without `rebuild`, a file an older warroom wrote raises NeedsUpgrade (a server's summaries
    are upgraded by whichever warroom opens it for writing first; they are folded as before)."""
    from warroom.domain.model import LEVERS

    if is_server(target):
        from warroom.store.postgres import peek as peek_server

        return peek_server(str(target), code, preferred, levers or LEVERS)
    from warroom.store.glance import peek as peek_file

    return peek_file(Path(target), code, preferred, levers or LEVERS, rebuild)


def overdue_followups(target: str | Path, today) -> int:
    """How many follow-ups of real incidents are open past their due day: one quick read."""
    if is_server(target):
        from warroom.store.postgres import overdue

        return overdue(str(target), today)
    from warroom.store.glance import overdue as overdue_in_file

    return overdue_in_file(Path(target), today)


async def open_store(target: str | Path, read_only: bool = False, progress: Progress | None = None) -> EventStore:
    """The store for a database file or a PostgreSQL address. `progress`: told how a summary
    rebuilt from a whole log (an upgrade) goes."""
    if is_server(target):
        from warroom.store.postgres import PostgresStore  # psycopg only when a server is used

        store = await PostgresStore.open(str(target), read_only=read_only)
        store.progress = progress
        return store
    from warroom.store.sqlite import SqliteStore

    return await SqliteStore.open(target, read_only=read_only, progress=progress)
