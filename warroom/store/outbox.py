"""The outbox: each webhook message written in the same transaction as the event it tells of,
then delivered at least once, in order per incident and webhook, by whoever delivers (the
console, `warroom receive`, `warroom deliver`). A message is claimed for a while before it is
sent (so two deliverers do not both send it), and a claim that is never settled (the process
was killed mid-send) runs out and the message is sent again, with the same idempotency key.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from warroom.domain.incident import IncidentState

from warroom.domain.model import COMMUNICATOR, SYSTEM, Event
from warroom.domain.schema import DeliveryGivenUp, event
from warroom.store.times import stamp

PAGE, PAGE_RESOLVED = "page", "page resolved"  # the topics of pages to people (a webhook's are its news)
PAGE_TOPICS = (PAGE, PAGE_RESOLVED)
SUBSCRIBER = "public update"  # a status page update mailed to a subscriber (its key: one per subscriber and update)
# A subscriber's mail goes in line of its own ("subscriber 12": one failing address holds up no
# other, and its updates still arrive in order); the screen counts them together.
_LINE = f"CASE WHEN topic = '{SUBSCRIBER}' THEN 'subscribers' ELSE webhook END"
CLAIM = timedelta(seconds=60)  # a message claimed and neither delivered nor failed in this long is free again

_HEADS = ("SELECT o.id, o.incident_id, o.event_id, o.webhook, o.url, o.topic, o.idempotency_key, o.body, o.tries, "
          "coalesce(i.code, ''), o.maintenance_id FROM outbox o LEFT JOIN incident i ON i.id = o.incident_id "
          "WHERE o.delivered_at IS NULL AND o.given_up_at IS NULL AND o.next_at <= ? AND NOT EXISTS ("
          "SELECT 1 FROM outbox b WHERE b.webhook = o.webhook AND b.incident_id = o.incident_id AND b.id < o.id "
          "AND b.delivered_at IS NULL AND b.given_up_at IS NULL) ORDER BY o.id LIMIT ?")


@dataclass(frozen=True)
class Message:
    """A webhook message, as `announce` makes it: where to, what, and its idempotency key."""
    webhook: str
    url: str
    topic: str
    key: str
    body: str


@dataclass(frozen=True)
class Delivery:
    """A message claimed for delivery now: of an incident, or (a subscriber's mail of a
    maintenance) of a maintenance."""
    id: int
    incident_id: int | None
    event_id: int
    webhook: str
    url: str
    topic: str
    key: str
    body: str
    tries: int
    code: str  # the incident's ("" for a maintenance's)
    maintenance_id: int | None = None


@dataclass(frozen=True)
class Waiting:
    """How one webhook stands: messages not yet delivered, how many of them failed at least
    once, and when the next try is."""
    webhook: str
    waiting: int
    failing: int
    next_at: datetime | None
    given_up: int


class OutboxStore:
    """The outbox half of the store (mixed into EventStore). What it uses of the store is
    declared for the type checker below; EventStore and its backends give them."""

    if TYPE_CHECKING:
        async def _fetch(self, sql: str, *args: object) -> list[tuple]: ...

        async def _transaction(self, write: Callable[[], Awaitable[list[Event]]], announce: bool = True) -> list[Event]: ...

        async def _insert(self, incident_id: int, event: Event) -> Event: ...

        async def _state_now(self, incident_id: int) -> IncidentState: ...

        async def _maintenance_line(self, number: int, at: datetime, actor: str, text: str) -> None: ...

    async def _queue(self, incident_id: int, event: Event, messages: list[Message], now: datetime, once: bool = False) -> None:
        """`once`: a message whose key was queued before is left out (a subscriber's mail of an
        update, however many times the page is published)."""
        skip = " ON CONFLICT (idempotency_key) DO NOTHING" if once else ""
        for message in messages:
            await self._fetch("INSERT INTO outbox (incident_id, event_id, webhook, url, topic, idempotency_key, body, "
                              f"created_at, next_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?){skip}", incident_id, event.id,
                              message.webhook, message.url, message.topic, message.key, message.body, stamp(now), stamp(now))

    async def _queue_maintenance(self, number: int, messages: list[Message], now: datetime) -> None:
        """A maintenance's messages (its subscribers' mail), each key once."""
        for message in messages:
            await self._fetch("INSERT INTO outbox (incident_id, maintenance_id, event_id, webhook, url, topic, idempotency_key, "
                              "body, created_at, next_at) VALUES (NULL, ?, 0, ?, ?, ?, ?, ?, ?, ?) "
                              "ON CONFLICT (idempotency_key) DO NOTHING", number, message.webhook, message.url,
                              message.topic, message.key, message.body, stamp(now), stamp(now))

    async def claim(self, now: datetime, limit: int = 50) -> list[Delivery]:
        """The messages due now that are first in line for their incident and webhook, claimed
        for CLAIM (a deliverer elsewhere leaves them alone meanwhile)."""
        found: list[Delivery] = []

        async def write() -> list[Event]:
            rows = await self._fetch(_HEADS, stamp(now), limit)
            for row in rows:
                await self._fetch("UPDATE outbox SET next_at = ? WHERE id = ?", stamp(now + CLAIM), row[0])
                found.append(Delivery(*row))
            return []

        await self._transaction(write)
        return found

    async def delivered(self, delivery: Delivery, now: datetime) -> None:
        """Sent. A page's channel that accepted it goes on the incident's timeline in the same
        commit (a notify deadline is met once each of its roles' pages is delivered)."""
        async def write() -> list[Event]:
            await self._fetch("UPDATE outbox SET delivered_at = ?, tries = ?, error = '' WHERE id = ?",
                              stamp(now), delivery.tries + 1, delivery.id)
            if delivery.topic != PAGE:
                return []
            from warroom.domain.escalation import delivered

            assert delivery.incident_id is not None  # (a page is an incident's)
            state = await self._state_now(delivery.incident_id)
            made = delivered(state, now, str(json.loads(delivery.body).get("ticket", "")), delivery.webhook)
            return [await self._insert(delivery.incident_id, made)] if made is not None else []

        await self._transaction(write, announce=False)

    async def failed(self, delivery: Delivery, now: datetime, error: str, retry_at: datetime | None) -> None:
        """A try that did not deliver: again at `retry_at`, or (None) given up, which goes on the
        incident's timeline."""
        async def write() -> list[Event]:
            if retry_at is not None:
                await self._fetch("UPDATE outbox SET tries = ?, next_at = ?, error = ? WHERE id = ?",
                                  delivery.tries + 1, stamp(retry_at), error[:1000], delivery.id)
                return []
            await self._fetch("UPDATE outbox SET tries = ?, given_up_at = ?, error = ? WHERE id = ?",
                              delivery.tries + 1, stamp(now), error[:1000], delivery.id)
            if delivery.incident_id is None:  # a maintenance's mail: its own timeline says so
                assert delivery.maintenance_id is not None  # (a message is an incident's or a maintenance's)
                await self._maintenance_line(delivery.maintenance_id, now, SYSTEM,
                                             f"a mail to {delivery.webhook} given up after {delivery.tries + 1} tries: {error[:300]}")
                return []
            given_up = event(delivery.code, now, SYSTEM, COMMUNICATOR, DeliveryGivenUp(
                webhook=delivery.webhook, topic=delivery.topic, tries=delivery.tries + 1, error=error[:1000], key=delivery.key))
            return [await self._insert(delivery.incident_id, given_up)]

        await self._transaction(write, announce=False)

    async def waiting(self, now: datetime) -> list[Waiting]:
        """Each webhook's messages not yet delivered (and those given up), for the screen."""
        rows = await self._fetch(
            f"SELECT {_LINE}, sum(CASE WHEN given_up_at IS NULL THEN 1 ELSE 0 END), "
            "sum(CASE WHEN given_up_at IS NULL AND tries > 0 THEN 1 ELSE 0 END), "
            "coalesce(min(CASE WHEN given_up_at IS NULL AND tries > 0 THEN next_at END), "  # the next try of one that failed,
            "min(CASE WHEN given_up_at IS NULL THEN next_at END)), "  # not of one waiting in line behind it
            "sum(CASE WHEN given_up_at IS NULL THEN 0 ELSE 1 END) "
            f"FROM outbox WHERE delivered_at IS NULL GROUP BY {_LINE} ORDER BY {_LINE}")
        return [Waiting(name, int(waiting or 0), int(failing or 0), datetime.fromisoformat(next_at) if next_at else None,
                        int(given_up or 0)) for name, waiting, failing, next_at, given_up in rows]

    async def deliveries(self) -> list[tuple]:
        """Every message (for tests and `warroom deliver --list`): id, webhook, topic, key,
        tries, delivered_at, given_up_at, error."""
        return await self._fetch("SELECT id, webhook, topic, idempotency_key, tries, delivered_at, given_up_at, error "
                                 "FROM outbox ORDER BY id")
