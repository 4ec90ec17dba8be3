"""`warroom followup`: add a follow-up to an incident, or close, reopen or change one by its
code (F-12); `warroom followups`: every incident's, open ones first. Each change is an event on
its incident's timeline, written through the service (which runs the team's hook for a new one)."""

from __future__ import annotations

import asyncio
import csv
import json

from warroom.cli.common import incident_code, service_for, tell_hats
from warroom.config.environment import UsageError, actor_name, system_clock
from warroom.domain import followups
from warroom.domain.actions import RuleBroken
from warroom.domain.text import csv_cell, one_line
from warroom.domain.timefmt import local_day
from warroom.reports import terminal as report

_CHANGES = ("owner", "due", "link")


def change(args, config, out) -> int:
    now, actor = system_clock(), actor_name(config.name)
    number = followups.code_number(args.code)
    _check(args, adding=number is None)

    async def write() -> int:
        async with service_for(args, config, now) as service:
            store = service.store
            if number is None:
                code = await incident_code(store, args.code)
                state = (await store.opening(code, config.book.levers)).state
                drafts = followups.add(state, actor, now, args.text, args.owner or actor, due=args.due or "", switch=True)
                written = await service.append(drafts, state.severity)
                tell_hats(written)
                after = (await store.opening(code, config.book.levers)).state  # (another's may have come first)
                added = followups.number_of(after, written[-1]) or len(after.followups)
                codes = await store.followup_codes(code)
                print(f"{codes.get(added, '?')} {code} {report.timeline_line(written[-1], state.detected)}", file=out)
                return 0
            row = await store.followup(number, local_day(now))
            if row is None:
                raise RuleBroken(f"there is no follow-up {followups.code(number)}")
            state = (await store.opening(row.incident, config.book.levers)).state
            if args.done:
                drafts = followups.close(state, actor, now, row.number, note=args.note, link=args.link or "", switch=True)
            elif args.reopen:
                drafts = followups.reopen(state, actor, now, row.number, reason=args.reason, switch=True)
            else:
                drafts = followups.change(state, actor, now, row.number, owner=args.owner, due=args.due, link=args.link, switch=True)
            written = await service.append(drafts, state.severity)
            tell_hats(written)
            print(f"{row.code} {row.incident} {report.timeline_line(written[-1], state.detected, {row.number: row.code})}", file=out)
        return 0

    return asyncio.run(write())


def _check(args, adding: bool) -> None:
    """What each form takes, said before anything is opened."""
    if adding:
        if not args.text or not args.text.strip():
            raise UsageError(f"what should change? warroom followup {one_line(args.code, 20)} \"add a smoke test\" "
                             "(or a follow-up's code, F-12, to change one)")
        if args.done or args.reopen or args.note or args.reason or args.link:
            raise UsageError("--done, --reopen, --note, --reason and --link change a follow-up: give its code (F-12)")
        return
    if args.text is not None:
        raise UsageError("a follow-up's text stays as it was written; add another one to its incident instead")
    changes = [name for name in _CHANGES if getattr(args, name) is not None]
    if args.done and args.reopen:
        raise UsageError("--done or --reopen, not both")
    if (args.done or args.reopen) and [name for name in changes if not (args.done and name == "link")]:
        raise UsageError("change the owner or due date on its own, not with --done or --reopen")
    if args.note and not args.done:
        raise UsageError("--note goes with --done (what was done)")
    if args.reason and not args.reopen:
        raise UsageError("--reason goes with --reopen")
    if not (args.done or args.reopen or changes):
        raise UsageError("what should happen to it? --done, --reopen, --owner NAME, --due DATE or --link URL")


def listing(args, config, out) -> int:
    now = system_clock()

    async def read():
        async with service_for(args, config, now) as service:
            return await service.store.followups(local_day(now), drills=args.drills)

    rows = asyncio.run(read())
    if args.open or args.overdue:
        rows = [row for row in rows if not row.done and (row.overdue or not args.overdue)]
    if args.owner:
        rows = [row for row in rows if row.owner.casefold() == args.owner.strip().casefold()]
    if args.incident:
        rows = [row for row in rows if row.incident == args.incident.strip().upper()]
    if args.format == "json":
        json.dump([_fields(row) for row in rows], out, ensure_ascii=True, indent=2)
        print(file=out)
    elif args.format == "csv":
        writer = csv.writer(out)
        writer.writerow(_FIELDS)
        writer.writerows([[csv_cell(value) for value in _fields(row).values()] for row in rows])
    elif not rows:
        filtered = args.open or args.overdue or args.owner or args.incident
        print("no follow-ups match" if filtered else "no follow-ups yet (warroom followup INC-3 \"what should change\" --owner NAME)",
              file=out)
    else:
        for row in rows:
            print(_line(row), file=out)
    return 0


_FIELDS = ("code", "incident", "state", "overdue", "text", "owner", "due", "added", "done", "link", "title")


def _fields(row) -> dict:
    when = lambda moment: moment.isoformat() if moment else None  # noqa: E731
    return {"code": row.code, "incident": row.incident, "state": "done" if row.done else "open", "overdue": row.overdue,
            "text": row.text, "owner": row.owner, "due": row.due, "added": when(row.added_at), "done": when(row.done_at),
            "link": row.link, "title": row.title}


def _line(row) -> str:
    state = "OVERDUE" if row.overdue else "done" if row.done else "open"
    due = f"due {one_line(row.due, 12)}" if row.due else ""
    link = f"  {one_line(row.link, 120)}" if row.link else ""
    return (f"{row.code:<6} {state:<7} {due:<14} {one_line(row.owner, 16):<16} {row.incident:<8} "
            f"{one_line(row.text, 200)}{link}")
