"""`warroom maintenance`: schedule a maintenance window (announced on the status page, and its
alerts open no incident), list them, show one's timeline, or cancel one."""

from __future__ import annotations

import asyncio

from warroom.cli.common import service_for
from warroom.config.environment import actor_name, system_clock
from warroom.domain.actions import RuleBroken
from warroom.domain.maintenance import Maintenance, code_number, plan
from warroom.domain.text import one_line


def _when(m: Maintenance) -> str:
    return f"{m.starts:%Y-%m-%d %H:%M}–{m.ends:%Y-%m-%d %H:%M} UTC"


def _line(m: Maintenance, now) -> str:
    state = ("cancelled" if m.cancelled_at else "running" if m.running(now) else "over" if m.ends <= now else "scheduled")
    return f"{m.code:<6} {state:<9} {_when(m)}  {one_line(m.title, 80)} · {one_line(', '.join(m.components), 80)}"


def _number(text: str) -> int:
    number = code_number(text)
    if number is None:
        raise RuleBroken(f"{one_line(text, 40)!r} is not a maintenance's code: give MW-1")
    return number


def run(args, config, out) -> int:
    now, actor = system_clock(), actor_name(config.name)
    picked = [flag for flag in ("list", "show", "cancel") if getattr(args, flag)]
    if len(picked) > 1 or picked and args.title:
        raise RuleBroken("give a title to schedule one, or one of --list, --show, --cancel")
    if args.show or args.cancel:
        number = _number(args.show or args.cancel)
    if args.list or args.show:
        return asyncio.run(_read(args, config, out, now))
    if args.cancel:
        reason = one_line(args.reason.strip(), None)
        if len(reason) > 1000:
            raise RuleBroken(f"the reason is {len(reason):,} characters; at most 1,000")

        async def cancel() -> int:
            async with service_for(args, config, now) as service:
                if not await service.cancel_maintenance(number, actor, reason):
                    raise RuleBroken(f"there is no maintenance MW-{number} to cancel (or it is cancelled already)")
            print(f"MW-{number} cancelled: the status page no longer announces it", file=out)
            return 0
        return asyncio.run(cancel())
    if not args.title or not args.starts or not args.ends:
        raise RuleBroken('schedule one with a title, --from and --to: warroom maintenance "Database upgrade" '
                         "--from 2026-12-05T02:00Z --to 04:00Z")
    planned = plan(0, args.title, args.starts, args.ends, args.component, config.status_page.components, now, actor, args.notice)

    async def schedule() -> int:
        async with service_for(args, config, now, existing=False) as service:
            kept = await service.schedule(planned)
        print(f"{kept.code} scheduled: {_when(kept)} · {one_line(', '.join(kept.components), 80)}; "
              "announced on the status page", file=out)
        return 0

    return asyncio.run(schedule())


async def _read(args, config, out, now) -> int:
    async with service_for(args, config, now) as service:
        every = await service.store.maintenances()
        if args.show:
            number = _number(args.show)
            found = next((m for m in every if m.number == number), None)
            if found is None:
                raise RuleBroken(f"there is no maintenance MW-{number}")
            print(_line(found, now), file=out)
            if found.notice:
                print(f"  notice: {one_line(found.notice, 300)}", file=out)
            for line in await service.store.maintenance_log(number):
                print(f"  {line.at:%Y-%m-%d %H:%M:%S} {one_line(line.actor, 40)}: {one_line(line.text, 300)}", file=out)
            return 0
        shown = [m for m in every if args.all or (m.cancelled_at is None and m.ends > now)]
        for m in shown:
            print(_line(m, now), file=out)
        if not shown:
            print("no maintenance scheduled" + ("" if args.all else " (--all lists what is over)"), file=out)
    return 0
