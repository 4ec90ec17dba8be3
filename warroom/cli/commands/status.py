"""`warroom status [--tmux]`, read synchronously: a tmux status bar runs it every few seconds,
so it imports no more than the line needs."""

from __future__ import annotations

import os

from warroom.cli.common import database, must_exist
from warroom.config.environment import system_clock, worked_incident
from warroom.store import StoreError


def run(args, config, out) -> int:
    from warroom.reports import terminal as report
    from warroom.store import peek

    path = database(args, config)

    def bar(words: str) -> None:  # the status bar shows stdout: say it there too, not a quiet bar
        if args.tmux:
            print(f"#[fg=black,bg=yellow]⚠ warroom: {words}#[default]" if os.environ.get("NO_COLOR") in (None, "")
                  else f"⚠ warroom: {words}", file=out)

    try:
        must_exist(path)
    except StoreError:
        bar("no database")
        raise
    try:
        opened = peek(path, None, worked_incident(path), config.book.levers)
    except StoreError:
        bar("database unreadable" if not isinstance(path, str) else "server unreachable")
        raise
    colour = not os.environ.get("NO_COLOR")  # no-color.org: set and not empty
    if opened is None:
        from warroom.domain.text import counted
        from warroom.domain.timefmt import local_day
        from warroom.store import overdue_followups

        late = overdue_followups(path, local_day(system_clock()))
        words = f"{counted(late, 'follow-up')} overdue" if late else ""
        if args.tmux:
            if words:
                print(f"#[fg=yellow]{words} (warroom followups)#[default]" if colour else f"{words} (warroom followups)", file=out)
        else:
            print("no open incident" + (f"; {words}" if words else ""), file=out)
        return 0
    now = system_clock()
    if opened.state.drill_clock is not None:  # a drill's countdown runs on its own clock, as its console's does
        from warroom.drills.clock import drill_now

        now = drill_now(opened.state, now) or now
    print(report.status_line(opened.state, now, tmux=args.tmux, colour=colour, book=config.book), file=out)
    return 0
