"""Webhooks to chat: what each `[[webhooks]]` entry is told (queued in the outbox by the store,
in the same transaction as the event), and the deliverer that sends the outbox: at least once,
with an idempotency key, retried with backoff, in order per incident, never on a key's path.
aiohttp is imported by the deliverer alone."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from warroom.config import Config, Webhook
from warroom.domain.announce import line, topic
from warroom.domain.incident import IncidentState
from warroom.domain.model import Event
from warroom.domain.roster import Paging
from warroom.domain.text import one_line
from warroom.integrations.posting import post
from warroom.store import EventStore, StoreError
from warroom.store.outbox import PAGE_TOPICS, SUBSCRIBER, Delivery, Message

FIRST_RETRY = timedelta(seconds=5)
LONGEST_WAIT = timedelta(minutes=10)
MAX_TRIES = 12  # 5 s, 10 s, … then every 10 minutes: given up after about an hour
LOOK_EVERY = 5.0  # seconds: a deliverer looks at the outbox at least this often


def paging_of(config: Config) -> Paging | None:
    """How pages are sent, where the config names people to page."""
    return config.roster.paging if config.roster.people else None


async def arm(store: EventStore, config: Config) -> None:
    """Each write through `store` queues, in the same commit, what `config` sends of it: the
    webhooks' messages and the pages to people."""
    pages = None
    if config.roster.people:
        from warroom.integrations.pager import announcer as pager

        pages = pager(config.roster, await store.page_secret(), store.database_id)
    store.announcer = announcer(config.webhooks, store.database_id, pages)
    if config.mailing.smtp:
        from warroom.integrations.subscribers import mailer, maintenance_mailer

        page = config.status_page
        store.mailer = mailer(config.mailing, page.title, page.components, page.services, store.database_id)
        store.maintenance_mailer = maintenance_mailer(config.mailing, page.title, store.database_id)


def announcer(webhooks: tuple[Webhook, ...], database_id: str = "",
              pages: Callable[[Event, IncidentState], list[Message]] | None = None) -> Callable[[Event, IncidentState], list[Message]]:
    """What the store queues for an event: one message per webhook that wants its news (and
    `pages`' messages: a page's channels). Its idempotency key names the database (its own
    random id), so the same incident code and event number in another database is never taken
    for a message sent twice."""

    def messages(event: Event, state: IncidentState) -> list[Message]:
        found = pages(event, state) if pages is not None else []
        return found + chat(event, state)

    def chat(event: Event, state: IncidentState) -> list[Message]:
        news = topic(event, state)
        if news is None or state.drill:  # a drill is practice: nothing leaves for the chat
            return []
        found = []
        for hook in webhooks:
            if news in hook.topics:
                key = f"warroom-{database_id or 'db'}-{state.code}-{event.id}-{hook.name}"
                found.append(Message(hook.name, hook.url, news, key, body(hook, event, state, news, key)))
        return found

    return messages


def body(hook: Webhook, event: Event, state: IncidentState, news: str, key: str) -> str:
    if hook.format == "slack":
        return json.dumps({"text": line(event, state, news)}, ensure_ascii=False)
    return json.dumps({
        "warroom": 1, "topic": news, "idempotency_key": key,
        "incident": {"code": state.code, "title": state.title, "severity": state.severity, "status": state.status,
                     "impact": state.impact, "service": state.service},
        "event": {"id": event.id, "at": event.at.isoformat(), "actor": event.actor, "role": event.role,
                  "kind": event.kind, "payload": dict(event.payload)},
    }, ensure_ascii=False)


def signature(secret: str, raw: bytes) -> str:
    """X-Warroom-Signature: `sha256=` HMAC-SHA256 of the body, hex, with the webhook's secret."""
    return "sha256=" + hmac.new(secret.encode(), raw, hashlib.sha256).hexdigest()


def retry_at(delivery: Delivery, now: datetime) -> datetime | None:
    """When to try again after a failed try, or None: given up."""
    if delivery.tries + 1 >= MAX_TRIES:
        return None
    return now + min(FIRST_RETRY * (2 ** delivery.tries), LONGEST_WAIT)


@dataclass
class Tally:
    delivered: int = 0
    failed: int = 0
    given_up: int = 0


async def deliver_due(store: EventStore, webhooks: tuple[Webhook, ...], clock: Callable[[], datetime], session,
                      paging: Paging | None = None) -> Tally:
    """Send every message due now (and those its delivery makes next in line), once each:
    the webhooks' and (`paging`: how to) the pages to people."""
    secrets = {hook.name: hook.secret for hook in webhooks}
    tally = Tally()
    while True:
        batch = await store.claim(clock())
        if not batch:
            return tally
        results = await asyncio.gather(*(_send(session, d, secrets, paging) for d in batch))
        for delivery, error in zip(batch, results, strict=False):
            now = clock()
            if error is None:
                await store.delivered(delivery, now)
                tally.delivered += 1
            else:
                again = retry_at(delivery, now)
                await store.failed(delivery, now, error, again)
                tally.failed += 1
                tally.given_up += again is None


async def _send(session, delivery: Delivery, secrets: dict[str, str], paging: Paging | None = None) -> str | None:
    """One try; None when delivered, else what went wrong in one line."""
    if delivery.topic == SUBSCRIBER:
        import os

        from warroom.integrations.subscribers import send as mail

        return await mail(delivery, dict(os.environ))
    if delivery.topic in PAGE_TOPICS:
        if paging is None:
            return "pages are sent where the config has [people] and [paging]"
        import os

        from warroom.integrations.pager import send

        return await send(session, delivery, paging, dict(os.environ))

    raw = delivery.body.encode()
    headers = {"Content-Type": "application/json", "Idempotency-Key": delivery.key, "X-Warroom-Topic": delivery.topic,
               "User-Agent": "warroom"}
    secret = secrets.get(delivery.webhook, "")
    if secret:
        headers["X-Warroom-Signature"] = signature(secret, raw)
    return await post(session, delivery.url, raw, headers)


async def deliver_forever(store: EventStore, webhooks: tuple[Webhook, ...], clock: Callable[[], datetime],
                          wake: asyncio.Event, told: Callable[[str], None] = lambda line: None,
                          paging: Paging | None = None, escalate: Callable[[], Awaitable[object]] | None = None) -> None:
    """The background deliverer (console, `warroom receive`): a pass when woken (a commit) and
    at least every few seconds; `told` gets the line the communicator's pane shows. `escalate`:
    pages the next people due (nobody acknowledged in time), first in each pass."""
    import aiohttp

    async with aiohttp.ClientSession() as session:
        while True:
            try:
                if escalate is not None:
                    await escalate()
                await deliver_due(store, webhooks, clock, session, paging)
                told(standing(await store.waiting(clock()), clock()))
            except StoreError as error:
                told(f"webhooks: {one_line(str(error), 200)}")
            wake.clear()
            try:
                await asyncio.wait_for(wake.wait(), LOOK_EVERY)
            except TimeoutError:
                pass


def standing(waiting, now: datetime) -> str:
    """One line for the communicator's pane: "chat: 3 failed, next try in 40 s"; "" when all is sent."""
    parts = []
    for hook in waiting:
        if hook.failing:
            wait = max(0, int((hook.next_at - now).total_seconds())) if hook.next_at else 0
            parts.append(f"{hook.webhook}: {hook.failing} failed, next try in {wait} s")
        elif hook.waiting:
            parts.append(f"{hook.webhook}: {hook.waiting} sending")
        if hook.given_up:
            parts.append(f"{hook.webhook}: {hook.given_up} given up (on the timeline)")
    return "; ".join(parts)
