"""An incident of 1,000,000 events: the installed `warroom` opened on it in a fresh tmux pane
against the same on a one-event incident (time to first frame, as a ratio, and peak memory),
then the timeline scrolled from its first event to its last.

The big incident is declared with the CLI and its notes copied in with plain SQL (as an alert
storm would write them); the first `warroom list` then builds its summary from the log.

Run:  .venv/bin/python benchmarks/size.py [EVENTS] [RUNS]   (default 1000000 and 5)
Budgets (DESIGN.md): opens within 1.5x a one-event incident, under 150 MB peak; scrolling from
top to bottom never stalls (every page and jump drawn in well under a frame's worth of waiting).
"""

from __future__ import annotations

import asyncio
import json
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import closing
from datetime import UTC, datetime, timedelta
from pathlib import Path

from _tmux import Pane, peak_rss_mb, warroom_exe

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)


def env_for(db: Path) -> dict[str, str]:
    return {"WARROOM_DB": str(db), "WARROOM_NAME": "bench", "WARROOM_NOW": NOW.isoformat()}


def build(db: Path, events: int) -> float:
    """The incident with `events` events; returns the seconds the summary took to build."""
    env = {**os.environ, **env_for(db)}
    subprocess.run([warroom_exe(), "declare", "alert storm", "--detected", "30m", "--impact", "checkout"],
                   env=env, check=True, capture_output=True)
    start = NOW - timedelta(minutes=29)
    with closing(sqlite3.connect(db)) as raw, raw:  # (closed, not left to the garbage collector)
        for first in range(1, events, 100_000):
            raw.executemany(
                "INSERT INTO event (incident_id, at, actor, role, kind, payload) VALUES (1, ?, 'bench', 'commander', 'note', ?)",
                ((( start + timedelta(milliseconds=n)).isoformat(), json.dumps({"text": f"alert {n} fired on checkout-{n % 50}"}))
                 for n in range(first, min(first + 100_000, events))))
        raw.execute("DELETE FROM summary")
    began = time.perf_counter()
    subprocess.run([warroom_exe(), "list"], env=env, check=True, capture_output=True)  # the summary, from the log
    return time.perf_counter() - began


def first_frame(db: Path) -> tuple[float, float]:
    """Seconds to the first whole frame, and the process's peak memory in MB once drawn."""
    pane = Pane([warroom_exe()], env_for(db))
    try:
        seconds = pane.wait_for("investigator —")
        pane.wait_for("no findings or hypotheses")  # the panes too, after the first frame
        time.sleep(0.5)
        return seconds, peak_rss_mb(pane.pid())
    finally:
        pane.close()


async def scroll(db: Path) -> tuple[list[float], list[float], int]:
    """In the real console (in-process, headless): each page down from the first event, and
    jumps across the whole timeline, timed from the key (or scroll) until its rows are drawn."""
    from textual import events

    from warroom.console import timeline as timeline_module
    from warroom.console.launch import make_app

    app = make_app(db, clock=lambda: NOW, actor="bench", clipboard=[])
    pages, jumps, held = [], [], 0
    async with app.run_test(size=(120, 40)) as pilot:
        await app.store_ready()
        await pilot.pause(0.3)
        timeline = app.main_screen.query_one("#timeline")
        timeline.focus()
        total = timeline.line_count

        async def drawn() -> None:
            await pilot.pause(0)
            height = timeline.scrollable_content_region.height
            while timeline.fetching or any(timeline.render_line(y).text.startswith(timeline_module.PENDING)
                                          for y in range(height)):
                await asyncio.sleep(0.0005)

        timeline.scroll_to(y=0, animate=False)
        await drawn()
        for _ in range(300):  # 300 pages down from the top, read by id as they come
            start = time.perf_counter()
            app.post_message(events.Key("pagedown", None))
            await drawn()
            pages.append(time.perf_counter() - start)
        for step in range(21):  # the scroll bar dragged from the top to the bottom
            start = time.perf_counter()
            timeline.scroll_to(y=total * step // 20, animate=False)
            await drawn()
            jumps.append(time.perf_counter() - start)
            held = max(held, timeline.held[1] - timeline.held[0])
    return pages, jumps, held


def main() -> None:
    numbers = [int(a) for a in sys.argv[1:] if a.isdigit()]
    count = numbers[0] if numbers else 1_000_000
    runs = numbers[1] if len(numbers) > 1 else 5
    with tempfile.TemporaryDirectory(ignore_cleanup_errors=True) as folder:
        small, big = Path(folder) / "small.db", Path(folder) / "big.db"
        build(small, 1)
        summary_seconds = build(big, count)
        print(f"built an incident of {count:,} events ({big.stat().st_size / 1e6:.0f} MB); "
              f"its summary from the log took {summary_seconds:.1f} s\n")
        pairs = []
        for _ in range(runs):
            pairs.append((first_frame(small), first_frame(big)))
        small_s = statistics.median(s for (s, _), _ in pairs)
        big_s = statistics.median(b for _, (b, _) in pairs)
        ratio = statistics.median(b / s for (s, _), (b, _) in pairs)
        print("| what | one event | " + f"{count:,} events | ratio | budget |")
        print("|---|---|---|---|---|")
        print(f"| first frame (median of {runs}) | {small_s * 1000:.0f} ms | {big_s * 1000:.0f} ms | {ratio:.2f}x | 1.5x |")
        print(f"| peak memory | {max(m for (_, m), _ in pairs):.0f} MB | {max(m for _, (_, m) in pairs):.0f} MB | | 150 MB |")
        pages, jumps, held = asyncio.run(scroll(big))
        q = lambda values, p: sorted(values)[min(len(values) - 1, int(len(values) * p))] * 1000  # noqa: E731
        print(f"| page down, 300 pages from the top: median / p99 / max | | {q(pages, .5):.1f} / {q(pages, .99):.1f} / "
              f"{max(pages) * 1000:.1f} ms | | no stall |")
        print(f"| scroll bar, 21 jumps top to bottom: median / max | | {q(jumps, .5):.1f} / {max(jumps) * 1000:.1f} ms | | no stall |")
        print(f"| rows held at most | | {held:,} | | |")


if __name__ == "__main__":
    main()
