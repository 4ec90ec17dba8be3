"""`warroom components`: each component's state as the status page shows it, or (with names,
--state or --of-service) which components an incident affects and their state, as the
communicator says it. The page is published again by the service when it should be."""

from __future__ import annotations

import asyncio

from warroom.cli.common import incident_code, service_for
from warroom.config.environment import actor_name, system_clock
from warroom.domain.components import set_components
from warroom.domain.text import one_line


def run(args, config, out) -> int:
    from warroom.domain.actions import RuleBroken

    now, actor, known = system_clock(), actor_name(config.name), config.status_page.components
    changing = bool(args.names or args.state is not None or args.of_service)
    if not known:
        raise RuleBroken("the config names no components: add [status_page] components = [...] to it")
    if args.names and args.of_service:
        raise RuleBroken("name components, or --of-service for its service's: not both")

    async def change() -> int:
        async with service_for(args, config, now) as service:
            code = await incident_code(service.store, args.incident)
            state = (await service.store.opening(code, config.book.levers)).state
            names = () if args.of_service else (args.names or state.components)
            wanted = state.component_state if args.state is None else args.state
            written = await service.append(set_components(state, actor, now, names, wanted, known, switch=True), state.severity)
            said = written[-1].payload
            print(f"{code} affects {', '.join(said.get('components', ())) or 'its service’s components'}; "
                  f"their state is {said.get('state') or 'derived'}", file=out)
        return 0

    async def show() -> int:
        from warroom.integrations.statuspage import board_now

        async with service_for(args, config, now) as service:
            page = config.status_page
            found = await board_now(service.store, page.components, page.services, await service.store.maintenances(since=now), now)
            for component in found:
                print(f"{one_line(component.name, 40):<24} {component.words}"
                      + (f"  ({', '.join(component.codes)})" if component.codes else ""), file=out)
        return 0

    return asyncio.run(change() if changing else show())
