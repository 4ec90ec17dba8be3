"""`warroom subscribers add|list|remove`: who is mailed the status page's public updates. An
address is never shown on the page or in its feeds; each mail carries a one-link unsubscribe."""

from __future__ import annotations

import asyncio

from warroom.cli.common import service_for
from warroom.config.environment import actor_name, system_clock
from warroom.domain.actions import RuleBroken
from warroom.domain.components import check_components
from warroom.domain.text import is_email, one_line


def check_address(text: str) -> str:
    address = text.strip()
    if not is_email(address):
        raise RuleBroken(f"{one_line(text, 60)!r} is not an email address")
    return address


def run(args, config, out) -> int:
    now, actor = system_clock(), actor_name(config.name)
    if args.action in ("add", "remove") and not args.address:
        raise RuleBroken(f"give the address: warroom subscribers {args.action} ADDRESS")
    if args.action != "add" and args.component:
        raise RuleBroken("--component goes with add")
    if args.action == "list" and args.address:
        raise RuleBroken("warroom subscribers list takes no address")
    if args.action == "add" and not config.mailing.smtp:
        raise RuleBroken("subscribers are mailed: set [status_page] smtp (or [paging] smtp) in the config first")
    if args.action == "add" and not config.mailing.answer_url:
        raise RuleBroken("each mail has an unsubscribe link: set [status_page] answer_url (where warroom receive answers) first")
    address = check_address(args.address) if args.address else ""
    components = check_components(args.component, config.status_page.components)

    async def go() -> int:
        async with service_for(args, config, now, existing=args.action != "add") as service:
            store = service.store
            if args.action == "add":
                found, new = await store.subscribe(address, components, now, actor)
                what = ", ".join(found.components) or "every component"
                print(f"{'subscribed' if new else 'already subscribed; now for'} {found.address}: {what}", file=out)
            elif args.action == "remove":
                if not await store.unsubscribe(address=address):
                    raise RuleBroken(f"{one_line(address, 60)} is not subscribed")
                print(f"removed {address.lower()}", file=out)
            else:
                every = await store.subscribers()
                for s in every:
                    print(f"{one_line(s.address, 80):<40} {one_line(', '.join(s.components) or 'every component', 80)}  "
                          f"since {s.added_at:%Y-%m-%d}", file=out)
                if not every:
                    print("no subscribers", file=out)
        return 0

    return asyncio.run(go())
