"""The page receiver's latency: from a POST to `warroom receive` (the installed command, on a
loopback port, a fresh SQLite file or, with --postgres, a throwaway cluster) to its answer,
which comes once the events are committed.

Three figures: pages one at a time (a new group each, so each opens an incident), the same
group re-sent (joins it, nothing new), and 100 pages at once over 50 groups (as the issue's
test, timed: the p50/p99 of each request while all 100 are in flight).

Run:  .venv/bin/python benchmarks/receive_latency.py [N] [--postgres]   (default 200)
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from helpers.pages import Receiver, alertmanager


def p(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


async def timed(session, url: str, page: dict) -> float:
    started = time.perf_counter()
    async with session.post(url, json=page) as response:
        await response.read()
        assert response.status == 200, response.status
    return 1000 * (time.perf_counter() - started)


async def measure(receiver: Receiver, n: int) -> list[tuple[str, list[float]]]:
    import aiohttp

    url = f"{receiver.url}/alertmanager"
    async with aiohttp.ClientSession() as session:
        for warm in range(5):
            await timed(session, url, alertmanager(f"Warm{warm}"))
        opening = [await timed(session, url, alertmanager(f"Group{k}")) for k in range(n)]
        joining = [await timed(session, url, alertmanager("Group0")) for _ in range(n)]
        burst = await asyncio.gather(*(timed(session, url, alertmanager(f"Burst{k % 50}")) for k in range(100)))
    return [("a page that opens an incident, one at a time", opening),
            ("the same group re-sent (joins it; nothing new)", joining),
            ("100 pages at once over 50 groups (each request)", list(burst))]


def main() -> None:
    numbers = [a for a in sys.argv[1:] if a.isdigit()]
    n = int(numbers[0]) if numbers else 200
    cluster = None
    if "--postgres" in sys.argv:
        from helpers.postgres import Cluster

        cluster = Cluster()
        target = cluster.url()
    else:
        target = str(Path(tempfile.mkdtemp(prefix="warroom-bench-")) / "pages.db")
    receiver = Receiver({"WARROOM_DB": target})
    try:
        rows = asyncio.run(measure(receiver, n))
    finally:
        receiver.stop()
        if cluster is not None:
            cluster.stop()
    where = "PostgreSQL" if cluster else "SQLite"
    print(f"| warroom receive on {where} | p50 | p99 | max | requests |")
    print("|---|---|---|---|---|")
    for name, values in rows:
        print(f"| {name} | {statistics.median(values):.1f} ms | {p(values, 0.99):.1f} ms | {max(values):.1f} ms | {len(values)} |")


if __name__ == "__main__":
    main()
