"""Starting the console from the command line: the database is checked before the screen opens."""

from __future__ import annotations

import gc
from pathlib import Path

from warroom.config import Config
from warroom.config.environment import UsageError, actor_name, fail, needs_terminal, system_clock, worked_incident
from warroom.store import StoreError, peek


def make_app(db_path: Path | str, clock=system_clock, actor: str | None = None, code: str | None = None,
             config: Config | None = None, **options):
    """The one way to build the console, for the CLI, the tests and the screenshot script."""
    from warroom.console.app import WarroomApp

    config = config or Config(Path("defaults"), found=False)
    opened = peek(db_path, code, worked_incident(db_path), config.book.levers)  # before the loop: the first frame shows it
    return WarroomApp(db_path, clock, actor or actor_name(config.name), opened.code if opened else code, opened=opened,
                      book=config.book, theme_name=config.theme, config=config, **options)


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
