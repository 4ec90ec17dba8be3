"""Starting the console from the command line: the database is checked before the screen opens."""

from __future__ import annotations

import asyncio
from pathlib import Path

from warroom.cli import fail
from warroom.settings import actor_name, system_clock
from warroom.store import Store, StoreError


def make_app(db_path: Path, clock=system_clock, actor: str | None = None, code: str | None = None, **options):
    """The one way to build the console, for the CLI, the tests and the screenshot script."""
    from warroom.console.app import WarroomApp

    return WarroomApp(db_path, clock, actor or actor_name(), code, **options)


async def _check(path: Path, read_only: bool) -> None:
    store = await Store.open(path, read_only=read_only)
    await store.close()


def run_console(path: Path, code: str | None = None, **options) -> int:
    try:
        asyncio.run(_check(path, options.get("read_only", False)))
    except StoreError as error:
        return fail(str(error))
    problem = make_app(path, code=code, **options).run()
    return fail(problem) if problem else 0
