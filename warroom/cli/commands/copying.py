"""`warroom copy --to TARGET`: every incident into another database, a file or a server."""

from __future__ import annotations

import asyncio
import sys

from warroom.cli.common import database, must_exist
from warroom.config.environment import db_path
from warroom.domain.text import counted
from warroom.store import StoreError, shown


def run(args, config, out) -> int:
    from warroom.moving.copying import copy_all

    source, target = database(args, config), db_path(args.to)
    must_exist(source)
    if not isinstance(target, str) and target.is_dir():
        raise StoreError(f"{target}: is a folder, not a database file")
    with _progress_bar() as progress:  # on a terminal: how far, how fast, how long left; nothing on a pipe
        done = asyncio.run(copy_all(source, target, lambda line: print(line, file=out), progress))
    print(f"copied {counted(done.events, 'event')} of {counted(done.incidents, 'incident')} to {shown(target)}; "
          f"{done.there:,} there already", file=out)
    if done.maintenance or done.subscribers:
        print(f"and the status page's {counted(done.maintenance, 'maintenance window')} and {counted(done.subscribers, 'subscriber')}",
              file=out)
    if done.refused:
        raise StoreError(f"{counted(len(done.refused), 'incident')} not copied (see above); first: {done.refused[0]}")
    return 0


class _progress_bar:
    """rich's progress bar on stderr when it is a terminal (rich comes with Textual); None otherwise."""

    bar = None

    def __enter__(self):
        if not sys.stderr.isatty():
            self.bar = None
            return None
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

        bar = self.bar = Progress(TextColumn("copying"), BarColumn(), MofNCompleteColumn(), TextColumn("incidents ·"),
                                  TextColumn("{task.fields[events]:,} events · {task.fields[rate]:,.0f}/s ·"), TimeRemainingColumn(),
                                  console=Console(file=sys.stderr), transient=True)
        bar.start()
        task = bar.add_task("copy", total=None, events=0, rate=0.0)

        def advance(incidents: int, of: int, events: int, of_events: int) -> None:
            elapsed = bar.tasks[0].elapsed or 0
            bar.update(task, completed=incidents, total=of, events=events, rate=events / elapsed if elapsed else 0.0)

        return advance

    def __exit__(self, *exc) -> None:
        if self.bar is not None:
            self.bar.stop()
