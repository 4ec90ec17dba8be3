"""Years of incidents in one database: `list` and `status` against an empty database, and the
picker opened and filtered, with 10,000 incidents of 20 events each.

The incidents are written as a store would (events, then their summaries built from the log on
the first open), all resolved but the newest ten. Figures are medians of 7 runs, side by side.

Run:  .venv/bin/python benchmarks/many_incidents.py [INCIDENTS]   (default 10000)
Budgets (DESIGN.md): list within 2x an empty database, status within 1.2x, the picker open and
filtered in under 200 ms.
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

from _tmux import warroom_exe

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
RUNS = 9  # picker opens and filters timed


def build(path: Path, incidents: int) -> None:
    """Declare one incident with the CLI (the schema), then copy its shape with plain SQL."""
    env = {**os.environ, "WARROOM_DB": str(path), "WARROOM_NAME": "bench", "WARROOM_NOW": NOW.isoformat()}
    subprocess.run([warroom_exe(), "declare", "seed", "--detected", "1m"], env=env, check=True, capture_output=True)
    with closing(sqlite3.connect(path)) as raw, raw:  # (closed, not left to the garbage collector)
        raw.execute("DELETE FROM summary")
        raw.execute("DELETE FROM event")
        raw.execute("DELETE FROM incident")
        events = []
        for n in range(1, incidents + 1):
            start = NOW - timedelta(hours=incidents - n)
            raw.execute("INSERT INTO incident (id, code, created_at) VALUES (?, ?, ?)", (n, f"INC-{n}", start.isoformat()))
            declared = {"title": f"incident {n}: checkout errors" if n % 7 else f"incident {n}: login fails",
                        "severity": "P2", "detected": start.isoformat(), "service": "checkout" if n % 7 else "auth"}
            events.append((n, start, "declared", declared))
            for k in range(18):
                events.append((n, start + timedelta(seconds=k + 1), "note", {"text": f"note {k} on incident {n}"}))
            if n <= incidents - 10:
                events.append((n, start + timedelta(minutes=30), "resolved", {}))
            else:
                events.append((n, start + timedelta(minutes=30), "note", {"text": "still open"}))
        raw.executemany("INSERT INTO event (incident_id, at, actor, role, kind, payload) VALUES (?, ?, 'bench', 'commander', ?, ?)",
                        [(n, at.isoformat(), kind, json.dumps(p)) for n, at, kind, p in events])
    subprocess.run([warroom_exe(), "list", "--limit", "1"], env=env, check=True, capture_output=True)  # builds summaries


def timed(args: list[str], db: Path) -> float:
    env = {**os.environ, "WARROOM_DB": str(db), "WARROOM_NOW": NOW.isoformat()}
    start = time.perf_counter()
    subprocess.run([warroom_exe(), *args], env=env, check=True, capture_output=True)
    return time.perf_counter() - start


def median_pair(args: list[str], empty: Path, full: Path) -> tuple[float, float]:
    for db in (empty, full):
        timed(args, db)  # warm the file cache
    pairs = [(timed(args, empty), timed(args, full)) for _ in range(7)]
    return statistics.median(e for e, _ in pairs) * 1000, statistics.median(f for _, f in pairs) * 1000


async def picker(db: Path) -> tuple[float, float, float, float]:
    """Time from `p` to the picker listing the incidents, and from the filter's keys to the
    narrowed list, in the real console (in-process, headless). Keys are posted as the terminal
    driver posts them (Pilot.press would add its own wait for the screen to go idle)."""
    from textual import events
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
    from warroom.console.dialogs import PickIncident
    from warroom.console.launch import make_app

    app = make_app(db, clock=lambda: NOW, actor="bench", clipboard=[])
    opens, filters = [], []
    async with app.run_test(size=(120, 40)) as pilot:
        await app.store_ready()
        await pilot.pause(0.3)
        for _ in range(RUNS):
            start = time.perf_counter()
            app.post_message(events.Key("p", "p"))
            while not (isinstance(app.screen, PickIncident) and app.screen.query("#found")
                       and app.screen.query_one("#found").option_count):
                await asyncio.sleep(0.001)
            opens.append(time.perf_counter() - start)
            start = time.perf_counter()
            for key in "login":
                app.post_message(events.Key(key, key))
            found = app.screen.query_one("#found")
            while app.screen.query_one("#filter").value != "login" or found.option_count == 0 \
                    or "login" not in str(found.get_option_at_index(0).prompt):
                await asyncio.sleep(0.001)
            filters.append(time.perf_counter() - start)
            await pilot.press("escape")
            await pilot.pause(0.2)
    return statistics.median(opens) * 1000, max(opens) * 1000, statistics.median(filters) * 1000, max(filters) * 1000


def main() -> None:
    numbers = [a for a in sys.argv[1:] if a.isdigit()]
    incidents = int(numbers[0]) if numbers else 10_000
    with tempfile.TemporaryDirectory(ignore_cleanup_errors=True) as folder:
        empty, full = Path(folder) / "empty.db", Path(folder) / "full.db"
        env = {**os.environ, "WARROOM_DB": str(empty), "WARROOM_NAME": "bench", "WARROOM_NOW": NOW.isoformat()}
        subprocess.run([warroom_exe(), "declare", "only one", "--detected", "1m"], env=env, check=True, capture_output=True)
        started = time.perf_counter()
        build(full, incidents)
        built = time.perf_counter() - started
        print(f"built {incidents:,} incidents x 20 events in {built:.1f} s "
              f"({full.stat().st_size / 1e6:.0f} MB)\n")
        print("| what | one incident | " + f"{incidents:,} incidents | ratio | budget |")
        print("|---|---|---|---|---|")
        for args, budget in ((["list"], "2x"), (["status"], "1.2x"), (["status", "--tmux"], "1.2x")):
            small, big = median_pair(args, empty, full)
            print(f"| `warroom {' '.join(args)}` | {small:.0f} ms | {big:.0f} ms | {big / small:.2f}x | {budget} |")
        opened, opened_max, filtered, filtered_max = asyncio.run(picker(full))
        print(f"| picker: `p` to every incident listed (median / max of {RUNS}) | | {opened:.0f} / {opened_max:.0f} ms | | |")
        print(f"| picker: typing `login` to the narrowed list (median / max) | | {filtered:.0f} / {filtered_max:.0f} ms | | "
              "200 ms with the open |")


if __name__ == "__main__":
    main()
