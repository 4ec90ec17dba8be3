"""Starting the console from the command line: the database is checked before the screen opens."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from warroom.domain.text import one_line
from warroom.settings import actor_name, system_clock
from warroom.store import Store, StoreError


def make_app(db_path: Path, clock=system_clock, actor: str | None = None, code: str | None = None, **options):
    """The one way to build the console, for the CLI, the tests and the screenshot script."""
    from warroom.console.app import WarroomApp

    return WarroomApp(db_path, clock, actor or actor_name(), code, **options)


async def _check(path: Path) -> None:
    store = await Store.open(path)
    await store.close()


def run_console(path: Path, code: str | None = None) -> int:
    try:
        asyncio.run(_check(path))
    except StoreError as error:
        print(f"warroom: error: {one_line(str(error))}", file=sys.stderr)
        return 2
    problem = make_app(path, code=code).run()
    if problem:
        print(f"warroom: error: {one_line(problem)}", file=sys.stderr)
        return 2
    return 0
