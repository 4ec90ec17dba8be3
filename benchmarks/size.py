"""Size: incidents of 10,000, 100,000 and 1,000,000 events, written through the store. For each,
the time for the installed console to open on it (in a tmux pane, until its newest event is on
screen) against an empty incident, as a ratio; the time to page the timeline from top to bottom
(in-process); and the console's peak memory. Budget: 100,000 events open within 2x an empty
incident, under 200 MB.

Run:  .venv/bin/python benchmarks/size.py [N ...]   (default 10000 100000 1000000)
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

from _tmux import Pane, peak_rss_mb, warroom_exe

from warroom.domain import actions
from warroom.domain.model import Event
from warroom.store import Store

START = datetime(2026, 11, 27, 3, 0, tzinfo=timezone.utc)


async def generate(path: Path, count: int) -> None:
    """A declared incident and `count` - 1 notes, appended in batches of 1,000."""
    store = await Store.open(path)
    event = await store.declare(actions.declare("bench", START, f"Size benchmark {count:,}", "P1", detected=START))
    done, batch = 1, []
    while done < count:
        moment = START + timedelta(milliseconds=done)
        batch.append(Event(event.incident, moment, "bench", "commander", "note", {"text": f"note {done:,} of the size benchmark"}))
        done += 1
        if len(batch) == 1000 or done == count:
            await store.append(batch)
            batch = []
    await store.close()


def open_time(db: Path, last_text: str, runs: int = 3) -> tuple[float, float]:
    times, peak = [], 0.0
    for _ in range(runs):
        pane = Pane([warroom_exe()], {"WARROOM_DB": str(db), "WARROOM_NAME": "bench", "WARROOM_NOW": "2026-11-27T03:30:00+00:00"})
        try:
            times.append(pane.wait_for(last_text, timeout=600))
            peak = max(peak, peak_rss_mb(pane.pid()))
        finally:
            pane.close()
    return statistics.median(times), peak


async def page_through(db: Path) -> tuple[float, int]:
    from warroom.console.launch import make_app

    app = make_app(db, actor="bench", clipboard=[])
    async with app.run_test(size=(120, 40)) as pilot:
        await app.store_ready()
        await pilot.pause(0.2)
        log = app.main_screen.query_one("#timeline")
        log.scroll_home(animate=False, immediate=True)
        await pilot.pause()
        pages, start = 0, time.perf_counter()
        while not log.is_vertical_scroll_end and pages < 5000:
            log.scroll_page_down(animate=False)
            await pilot.pause(0)
            pages += 1
        spent = time.perf_counter() - start
    return spent, pages


async def main() -> None:
    sizes = [int(a) for a in sys.argv[1:]] or [10_000, 100_000, 1_000_000]
    rows = []
    with tempfile.TemporaryDirectory(ignore_cleanup_errors=True) as folder:
        empty = Path(folder) / "empty.db"
        await generate(empty, 1)
        base, base_mem = open_time(empty, "Size benchmark 1")
        rows.append(("empty incident (1 event)", base, base_mem, "—", "—"))
        for count in sizes:
            db = Path(folder) / f"{count}.db"
            t = time.perf_counter()
            await generate(db, count)
            written = time.perf_counter() - t
            opened, memory = open_time(db, f"note {count - 1:,} of", runs=1 if count >= 1_000_000 else 3)
            paged, pages = await page_through(db) if count <= 100_000 else (float("nan"), 0)
            rows.append((f"{count:,} events (written in {written:.0f} s)", opened, memory,
                         f"{opened / base:.2f}x", f"{paged:.1f} s for {pages} pages" if pages else "not run"))
    print("| incident | open until newest event shown | peak RSS | vs empty | page top→bottom |")
    print("|---|---|---|---|---|")
    for name, opened, memory, ratio, paged in rows:
        print(f"| {name} | {opened * 1000:.0f} ms | {memory:.0f} MB | {ratio} | {paged} |")


if __name__ == "__main__":
    asyncio.run(main())
