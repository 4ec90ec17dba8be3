"""`warroom list`, `warroom show [CODE]`, `warroom export [CODE]`: reading, never writing (and
never creating a database)."""

from __future__ import annotations

import asyncio
import json

from warroom.cli.common import incident_code, service_for
from warroom.config.environment import system_clock
from warroom.domain.model import is_drill
from warroom.domain.timefmt import parse_when
from warroom.reports import terminal as report


def run(args, config, out) -> int:
    now = system_clock()
    book = config.book

    async def read() -> int:
        async with service_for(args, config, now) as service:
            store = service.store
            if args.command == "list":
                return _list(args, await store.summaries(book.levers), now, out)
            code = await incident_code(store, args.code, resolved_too=True)
            state = await store.load(code, book.levers)  # every event
            codes = await store.followup_codes(code) if state.followups else {}
            if args.command == "show":
                print(report.show(state, now, book, codes), file=out)
            elif args.format == "json":
                json.dump(report.export_json(state), out, ensure_ascii=True, indent=2)
                print(file=out)
            else:
                from warroom.reports.postmortem import markdown

                out.write(markdown(state, now, book, codes))
        return 0

    return asyncio.run(read())


def _list(args, states, now, out) -> int:
    """Open incidents first, then by detection, newest first; filtered, then cut at --limit."""
    from warroom.store.summary import ordered

    since = parse_when(args.since, now) if args.since else None
    drills = [s for s in states if is_drill(s.code)]
    states = drills if args.drills else [s for s in states if not is_drill(s.code)]
    chosen = ordered([s for s in states if (not args.open or not s.resolved) and (since is None or (s.detected and s.detected >= since))])
    shown, more = chosen[: args.limit], len(chosen) - args.limit
    if args.format == "json":
        json.dump([report.list_json(s) for s in shown], out, ensure_ascii=True, indent=2)
        print(file=out)
        return 0
    if not shown:
        print(("no drills" if args.drills else "no incidents") + (" match" if args.open or since else " yet"), file=out)
    for state in shown:
        print(report.list_row(state, now), file=out)
    if more > 0:
        print(f"… and {more:,} more (--limit {len(chosen)} shows them all)", file=out)
    if drills and not args.drills:
        print(f"({len(drills)} drill{'s' if len(drills) != 1 else ''} not listed: warroom list --drills)", file=out)
    return 0
