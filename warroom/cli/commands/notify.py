"""`warroom notify [CODE] ROLE... [--message TEXT] [--test]`: page the people of roles of the
matrix from a shell, as the communicator's `t` does in the console, through the service; the
pages go out through the outbox before the command exits (bounded), and what is left waits
for a console, `warroom receive` or `warroom deliver`."""

from __future__ import annotations

import asyncio
import re
from typing import cast

from warroom.cli.common import incident_code, service_for
from warroom.config.environment import actor_name, system_clock
from warroom.domain import escalation
from warroom.domain.actions import RuleBroken
from warroom.domain.model import INCIDENT_CODE
from warroom.domain.policy import notify_deadline_for
from warroom.domain.schema import Paged, read
from warroom.domain.templates import page_text

_CODE = re.compile(f"^{INCIDENT_CODE}$")


def run(args, config, out) -> int:
    now, actor = system_clock(), actor_name(config.name)
    roster = config.roster
    words = list(args.words)
    given = words.pop(0) if len(words) > 1 and _CODE.match(words[0]) else None
    if not roster.people:
        raise RuleBroken("no one to page: the config has no [people] (see 'warroom config --default')")

    async def write() -> int:
        async with service_for(args, config, now) as service:
            if args.test:
                code = await incident_code(service.store, given, resolved_too=True)
            else:
                code = await incident_code(service.store, given)
            state = (await service.store.opening(code, config.book.levers)).state
            deadline = "" if args.test else notify_deadline_for(state, words, config.book.policy)
            text = page_text(state, now, actor, config.book.policy, config.book.templates, args.message)
            drafts = escalation.page(state, actor, now, roster, words, text, deadline=deadline, test=args.test)
            written = await service.append(drafts, state.severity)
            for said in (cast(Paged, read(e)) for e in written):
                print(f"{state.code} paged {said.person} ({said.role}) by {', '.join(said.channels)}"
                      + (" [TEST]" if args.test else "") + (f", for the deadline {deadline!r}" if deadline else ""), file=out)
            if args.test:
                await _report(service, written, out)
        return 0

    return asyncio.run(write())


async def _report(service, written, out) -> None:
    """--test: send now and say, per channel, whether it was accepted."""
    await service.deliver_queued(30.0)
    database = service.store.database_id or "db"
    pages = [(e, cast(Paged, read(e))) for e in written]
    sent = {f"warroom-{database}-{e.incident}-{e.id}-{channel}": (said.person, channel)
            for e, said in pages for channel in said.channels}
    for _id, _channel, _topic, key, _tries, delivered_at, _given_up, error in await service.store.deliveries():
        if key in sent:
            person, channel = sent[key]
            how = "accepted" if delivered_at else f"NOT accepted: {error or 'no answer in time'}"
            print(f"  {person} by {channel}: {how}", file=out)
