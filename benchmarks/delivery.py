"""Webhook delivery: how many messages, tries, duplicates and losses when the other end fails
a share of requests at random, then is down for a while; and how fast a pass delivers.

10 incidents × (declared + 20 severity changes) = 210 messages to a local HTTP endpoint
(tests/helpers/chat.py), through the outbox of a SQLite file, delivered by `deliver_due` passes on an
injected clock (retries come due without waiting).

Run:  .venv/bin/python benchmarks/delivery.py [FAILURE_SHARE]   (default 0.3)
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from helpers.chat import Chat

from warroom.config import Webhook
from warroom.domain import actions
from warroom.integrations.webhooks import announcer, deliver_due
from warroom.store import Store

T0 = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)


class Clock:
    def __init__(self) -> None:
        self.moment = T0 + timedelta(hours=1)

    def __call__(self) -> datetime:
        return self.moment


async def write(path: Path, hooks) -> int:
    store = await Store.open(path)
    store.announcer = announcer(hooks)
    for n in range(10):
        await store.declare(actions.declare("alice", T0, f"incident {n}", "P1", impact="x"))
    for step in range(20):
        for n in range(10):
            state = (await store.opening(f"INC-{n + 1}")).state
            await store.append(actions.change_severity(state, "alice", T0 + timedelta(seconds=step + 1),
                                                       "P0" if step % 2 == 0 else "P1", switch=True))
    count = len(await store.deliveries())
    await store.close()
    return count


async def main(share: float) -> None:
    import aiohttp

    chat = Chat()
    folder = Path(tempfile.mkdtemp(prefix="warroom-delivery-"))
    hooks = (Webhook("chat", chat.url, ("declared", "severity changed")),)
    messages = await write(folder / "a.db", hooks)
    clock = Clock()
    store = await Store.open(folder / "a.db")
    tries = passes = 0
    chat.mode, chat.flaky = "flaky", share
    started = time.perf_counter()
    async with aiohttp.ClientSession() as session:
        for _ in range(5):  # flaky
            tally = await deliver_due(store, hooks, clock, session)
            tries, passes = tries + tally.delivered + tally.failed, passes + 1
            clock.moment += timedelta(minutes=11)
        chat.stop()  # down for a while
        for _ in range(3):
            tally = await deliver_due(store, hooks, clock, session)
            tries, passes = tries + tally.delivered + tally.failed, passes + 1
            clock.moment += timedelta(minutes=11)
        chat.start()
        chat.mode = "ok"
        while True:
            tally = await deliver_due(store, hooks, clock, session)
            tries, passes = tries + tally.delivered + tally.failed, passes + 1
            if not (await store.waiting(clock())):
                break
            clock.moment += timedelta(minutes=11)
    elapsed = time.perf_counter() - started
    rows = await store.deliveries()
    await store.close()
    keys = chat.keys()
    delivered = {k for k in keys}
    given_up = sum(1 for r in rows if r[6])
    print("| webhook delivery, endpoint failing at random then down, then back | figure |")
    print("|---|---|")
    print(f"| messages queued | {messages} |")
    print(f"| delivered (distinct idempotency keys received) | {len(delivered)} |")
    print(f"| tries in all (retries: tries − messages) | {tries} ({tries - messages} retries) |")
    print(f"| duplicates received | {len(keys) - len(delivered)} |")
    print(f"| given up | {given_up} |")
    print(f"| lost (queued, neither delivered nor given up) | {messages - len(delivered) - given_up} |")
    print(f"| passes / wall time of all passes | {passes} / {elapsed:.1f} s |")
    in_order = all(
        [int(k.split("-")[3]) for k in keys if k.startswith(f"warroom-INC-{n}-")]
        == sorted(int(k.split("-")[3]) for k in keys if k.startswith(f"warroom-INC-{n}-")) for n in range(1, 11))
    print(f"| in order per incident | {'yes' if in_order else 'NO'} |")
    chat.stop()


if __name__ == "__main__":
    asyncio.run(main(float(sys.argv[1]) if len(sys.argv) > 1 else 0.3))
