"""Key to disk and screen: from a key press to its event committed in the SQLite file (seen by
another connection) and the frame that shows it written out. In-process, the real store on a
real file. The key is posted as the terminal driver posts it (Pilot.press also waits for the
screen to go idle, which adds ~45 ms of harness time). Each key is a hat key: the worst case, as
the worn hat's pane changes its border and two panes are repainted.

Two figures: until the console's text says it (the strip reads the new hat), and until the
frame with it has been written to the terminal (the app's `_display`, timed here from outside).

Beside it, in the same run, a bare Textual app (a header, one line, a footer) that changes its
line on the same keys, timed the same way: the floor a Textual app has on this machine.

Run:  .venv/bin/python benchmarks/key_to_disk.py [PRESSES] [--80x24]   (default 300 at 120x40)
Budget (issue 26): the frame written within 2x the bare app's, median (moonshot 1.2x).
"""

from __future__ import annotations

import asyncio
import sqlite3
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import _tmux  # noqa: F401  (the console's state folder: a scratch one, as for the other benchmarks)
from textual import events

from warroom.console.launch import make_app
from warroom.domain import actions
from warroom.store import Store

KEYS = [("m", "COMMUNICATOR"), ("i", "INVESTIGATOR"), ("c", "COMMANDER")]


def _timing(app) -> list[float]:
    """Every frame the app writes to the terminal, timed (its `_display`)."""
    displays: list[float] = []
    display = app._display

    def timed_display(*args, **kwargs):
        result = display(*args, **kwargs)
        displays.append(time.perf_counter())
        return result

    app._display = timed_display
    return displays


async def _framed(displays: list[float], start: float, shown_after: float) -> float:
    while not displays or displays[-1] < shown_after:  # the frame drawn after the text changed
        await asyncio.sleep(0.0005)
    return (next(moment for moment in displays if moment >= shown_after) - start) * 1000


async def bare(presses: int, size: tuple[int, int]) -> tuple[list[float], list[float]]:
    """The bare Textual app on the same keys: its line says the hat."""
    from bare_keys import BareKeys

    app = BareKeys()
    displays = _timing(app)
    texts, frames = [], []
    async with app.run_test(size=size) as pilot:
        await pilot.pause(0.2)
        line = app.query_one("#line")
        for n in range(presses):
            key, hat = KEYS[n % 3]
            start = shown_after = time.perf_counter()
            app.post_message(events.Key(key, key))
            while f"▸ {hat}" not in str(line.render()):
                shown_after = time.perf_counter()
                await asyncio.sleep(0.0005)
            texts.append((time.perf_counter() - start) * 1000)
            frames.append(await _framed(displays, start, shown_after))
    return texts, frames


async def main() -> None:
    numbers = [a for a in sys.argv[1:] if a.isdigit()]
    presses = int(numbers[0]) if numbers else 300
    size = (80, 24) if "--80x24" in sys.argv else (120, 40)
    with tempfile.TemporaryDirectory(ignore_cleanup_errors=True) as folder:
        path = Path(folder) / "keys.db"
        store = await Store.open(path)
        await store.declare(actions.declare("bench", datetime.now(UTC), "Key benchmark", "P1"))
        await store.close()
        reader = sqlite3.connect(path)
        app = make_app(path, actor="bench", clipboard=[])
        times, framed = [], []
        displays = _timing(app)
        async with app.run_test(size=size) as pilot:
            await app.store_ready()
            await pilot.pause(0.2)
            strip = app.main_screen.query_one("#strip")
            for n in range(presses):
                key, hat = KEYS[n % 3]
                rows = reader.execute("SELECT count(*) FROM event").fetchone()[0]
                start = time.perf_counter()
                app.post_message(events.Key(key, key))  # as the terminal driver delivers a key
                shown_after = start
                while True:
                    on_disk = reader.execute("SELECT count(*) FROM event").fetchone()[0] > rows
                    on_screen = f"▸ {hat}" in str(strip.render())
                    if on_disk and on_screen:
                        break
                    shown_after = time.perf_counter()  # the text did not say it yet
                    await asyncio.sleep(0.0005)
                times.append((time.perf_counter() - start) * 1000)
                framed.append(await _framed(displays, start, shown_after))
        reader.close()
    bare_texts, bare_frames = await bare(presses, size)
    if "-v" in sys.argv:
        print("slowest presses (index, ms):", sorted(enumerate(times), key=lambda x: -x[1])[:8])
    print(f"| hat key at {size[0]}x{size[1]}, WAL + synchronous=FULL | median | p99 | max | presses |")
    print("|---|---|---|---|---|")
    for what, values in (("committed, and the console's text says it", times), ("committed, and the frame written", framed),
                         ("bare Textual: its line says it", bare_texts), ("bare Textual: the frame written", bare_frames)):
        values.sort()
        p99 = values[min(len(values) - 1, int(len(values) * 0.99))]
        print(f"| {what} | {statistics.median(values):.1f} ms | {p99:.1f} ms | {values[-1]:.1f} ms | {presses} |")
    print(f"\nthe frame written, median: warroom {statistics.median(framed) / statistics.median(bare_frames):.1f}x the bare app "
          "(budget 2x, moonshot 1.2x)")


if __name__ == "__main__":
    asyncio.run(main())
