"""`warroom demo`: the seed's JWT outage written through the service, then the console on it
(on the code it wrote: on a shared database the newest incident may be another's)."""

from __future__ import annotations

import asyncio

from warroom.cli.common import alarms, database, service_for
from warroom.config.environment import needs_terminal, system_clock


def run(args, config, out) -> int:
    if not args.no_console:
        needs_terminal()  # before the demo is written
    now = system_clock()

    async def write() -> str:
        from warroom.drills.demo import write_demo

        async with service_for(args, config, now, existing=False) as service:
            code = await write_demo(service, now)
            print(f"{code} written: the JWT outage replay", file=out)
        return code

    code = asyncio.run(write())
    if args.no_console:
        return 0
    from warroom.console.launch import run_console

    return run_console(database(args, config), code=code, config=config, **alarms(args, config))
