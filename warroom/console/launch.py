"""Starting the console from the command line: the database is checked before the screen opens."""

from __future__ import annotations

import gc
from pathlib import Path

from warroom.config import Config
from warroom.config.environment import UsageError, actor_name, fail, needs_terminal, system_clock, worked_incident
from warroom.store import NeedsUpgrade, StoreError, peek


def make_app(db_path: Path | str, clock=system_clock, actor: str | None = None, code: str | None = None,
             config: Config | None = None, **options):
    """The one way to build the console, for the CLI, the tests and the screenshot script."""
    from warroom.console.app import WarroomApp

    config = config or Config(Path("defaults"), found=False)
    preferred = worked_incident(db_path)
    try:  # before the loop: the first frame shows it
        opened = peek(db_path, code, preferred, config.book.levers, rebuild=False)
    except NeedsUpgrade:  # a database an older warroom wrote: its summaries are rebuilt and kept, once
        upgrade(db_path)
        opened = peek(db_path, code, preferred, config.book.levers)  # (a file it could not write: folded, as before)
    return WarroomApp(db_path, clock, actor or actor_name(config.name), opened.code if opened else code, opened=opened,
                      book=config.book, theme_name=config.theme, config=config, **options)


def upgrade(db_path: Path | str) -> None:
    """Bring a database an older warroom wrote up to date (its schema, and every summary rebuilt
    from its log and stored), saying on the terminal how far it is: "upgrading INC-1's
    summary: 420,000 of 1,000,000 events". Once: the next open reads the stored summaries. A
    database that cannot be written is left as it is (the console folds what it shows)."""
    import asyncio
    import sys
    from concurrent.futures import ThreadPoolExecutor

    from warroom.store import open_store

    shown = sys.stderr.isatty()

    def say(code: str, done: int, total: int) -> None:
        if shown:
            sys.stderr.write(f"\rupgrading {code}'s summary: {done:,} of {total:,} events" + ("\n" if done >= total else ""))
            sys.stderr.flush()

    async def open_and_close() -> None:
        store = await open_store(db_path, progress=say)  # (opening migrates and rebuilds what is stale)
        await store.close()

    try:  # in a thread of its own: a caller may already run an event loop (the tests do)
        with ThreadPoolExecutor(1) as one:
            one.submit(asyncio.run, open_and_close()).result()
    except StoreError:
        pass  # read-only, or locked: shown as before, folded from the log


def run_console(path: Path | str, code: str | None = None, **options) -> int:
    # Textual's import and the first frame make many objects and no garbage worth chasing: the
    # cyclic collector is off until the first frame is drawn (the app turns it back on).
    gc.disable()
    try:
        app = make_app(path, code=code, **options)  # (a database it cannot use is said first)
        needs_terminal()
    except (StoreError, UsageError) as error:
        return fail(str(error))
    problem = app.run()  # a database the app finds it cannot use ends it with the one-line reason
    if app.crashed:
        import sys

        print(app.crashed, file=sys.stderr)
        return 1
    return fail(problem) if problem else 0
