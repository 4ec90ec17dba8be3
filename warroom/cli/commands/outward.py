"""`warroom publish` (the status page, by hand) and `warroom deliver` (the webhooks' messages
that are due, once: for cron)."""

from __future__ import annotations

import asyncio

from msgspec.structs import replace

from warroom.cli.common import service_for
from warroom.config.environment import actor_name, system_clock
from warroom.domain.text import counted, one_line


def publish(args, config, out) -> int:
    from warroom.integrations.outward import folder

    if args.dir:
        config = replace(config, status_page=replace(config.status_page, folder=args.dir))
    now = system_clock()

    async def write() -> int:
        async with service_for(args, config, now) as service:
            on_page = await service.publish(actor_name(config.name), "by hand", await service.store.open_codes())
            print(f"published {counted(len(on_page), 'incident')} to {one_line(str(folder(config) / 'index.html'))}", file=out)
        return 0

    return asyncio.run(write())


def deliver(args, config, out) -> int:
    async def send() -> int:
        import aiohttp

        from warroom.integrations.webhooks import deliver_due, paging_of, standing

        async with service_for(args, config, system_clock()) as service:
            store = service.store
            escalated = await service.escalate()  # a page unacknowledged in time: the next person of its role
            async with aiohttp.ClientSession() as session:
                tally = await deliver_due(store, config.webhooks, system_clock, session, paging_of(config))
            left = standing(await store.waiting(system_clock()), system_clock())
        if not args.quiet or tally.failed or left:
            print(f"delivered {tally.delivered}, failed {tally.failed} (given up {tally.given_up})"
                  + (f", escalated {escalated}" if escalated else "")
                  + (f"; {left}" if left else ""), file=out)
        return 0

    return asyncio.run(send())
