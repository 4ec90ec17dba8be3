"""`warroom declare TITLE`: a new incident, checked whole before the database is touched."""

from __future__ import annotations

import asyncio
from typing import cast

from warroom.cli.common import service_for
from warroom.config.environment import actor_name, system_clock
from warroom.domain import actions
from warroom.domain.components import check_components
from warroom.domain.schema import Declared, typed
from warroom.domain.text import one_line
from warroom.domain.timefmt import parse_when


def run(args, config, out) -> int:
    now = system_clock()
    draft = actions.declare(
        actor_name(config.name), now, args.title, args.severity,
        detected=parse_when(args.detected, now) if args.detected else None,
        impact_started=parse_when(args.impact_started, now) if args.impact_started else None,
        service=args.service, impact=args.impact, public_title=args.public_title,
        components=check_components(args.component, config.status_page.components),
    )

    async def declare() -> int:
        async with service_for(args, config, now, existing=False) as service:
            event = await service.declare(draft)
            said = cast(Declared, typed(event))
            print(f"{event.incident} declared: {said.severity} {one_line(said.title, 200)}", file=out)
        return 0

    return asyncio.run(declare())
