"""`warroom import FILE`: an incident that `export --format json` wrote, read and checked whole
before the database is touched; importing it again adds nothing."""

from __future__ import annotations

import asyncio

from warroom.cli.common import read_file, service_for
from warroom.config.environment import system_clock
from warroom.domain.text import counted
from warroom.moving.exports import read_export


def run(args, config, out) -> int:
    now = system_clock()
    incoming = read_export(*read_file(args.file), now=now)

    async def bring_in() -> int:
        async with service_for(args, config, now, existing=False) as service:
            code, added = await service.import_incident(incoming.code, incoming.events)
        moved = f" (as {code}: {incoming.code} here is another incident)" if code != incoming.code else ""
        if added == 0:
            print(f"{code} is here already with all {counted(len(incoming.events), 'event')}: nothing imported", file=out)
        elif added < len(incoming.events):
            print(f"{code}: {counted(added, 'newer event')} added to the {len(incoming.events) - added:,} already here", file=out)
        else:
            print(f"{code} imported{moved}: {counted(added, 'event')}", file=out)
        return 0

    return asyncio.run(bring_in())
