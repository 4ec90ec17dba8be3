"""`warroom log TEXT`: a note on an incident's timeline, through the service."""

from __future__ import annotations

import asyncio

from warroom.cli.common import incident_code, service_for, tell_hats
from warroom.config.environment import actor_name, system_clock
from warroom.domain import actions
from warroom.reports import terminal as report


def run(args, config, out) -> int:
    now, actor = system_clock(), actor_name(config.name)

    async def write() -> int:
        async with service_for(args, config, now) as service:
            code = await incident_code(service.store, getattr(args, "code", None) or getattr(args, "incident", None))
            state = (await service.store.opening(code, config.book.levers)).state  # the state alone, from the summary
            drafts = actions.note(state, actor, now, args.text, hat=args.hat)
            written = await service.append(drafts, state.severity)
            tell_hats(written)
            print(f"{state.code} {report.timeline_line(written[-1], state.detected)}", file=out)
        return 0

    return asyncio.run(write())
