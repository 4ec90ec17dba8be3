"""Live sync: from `warroom log` committing in another process to the note on a running console's
screen (the installed console in a tmux pane), and four parallel writers of 50 notes each.

With `--postgres`, the same on a throwaway PostgreSQL cluster (tests/helpers/postgres.py: initdb in a
temporary folder, a socket there, stopped at the end): the console is woken by LISTEN/NOTIFY.

Run:  .venv/bin/python benchmarks/sync_delay.py [RUNS] [--postgres]   (default 10)
Budgets (DESIGN.md): within 1 s on SQLite; within 200 ms on PostgreSQL (p99 over 100 runs).
"""

from __future__ import annotations

import asyncio
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from _tmux import Pane, warroom_exe


def main() -> None:
    numbers = [a for a in sys.argv[1:] if a.isdigit()]
    runs = int(numbers[0]) if numbers else 10
    cluster = None
    if "--postgres" in sys.argv:
        sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
        from helpers.postgres import Cluster

        cluster = Cluster()
    try:
        measure(runs, cluster.url() if cluster else None)
    finally:
        if cluster is not None:
            cluster.stop()


async def notes_seen(target: str, pane: Pane, runs: int) -> list[float]:
    """Each note appended here, timed from its commit (when append returns) to the console's
    screen showing it. (Timing a `warroom log` process from its exit would miss the part of the
    wait that happens while it shuts down: a notified console shows the note before that.)"""
    from warroom.domain.model import Event
    from warroom.store import open_store

    store = await open_store(target)
    delays = []
    try:
        for n in range(runs):
            await store.append([Event("INC-1", datetime.now(UTC), "bench", "commander", "note",
                                      {"text": f"marker {n} from a script"})])
            committed = time.perf_counter()
            end = committed + 10
            while f"marker {n} from a script" not in pane.screen() and time.perf_counter() < end:
                time.sleep(0.002)
            delays.append(time.perf_counter() - committed)
    finally:
        await store.close()
    return delays


def measure(runs: int, server: str | None) -> None:
    with tempfile.TemporaryDirectory(ignore_cleanup_errors=True) as folder:
        env = {"WARROOM_DB": server or str(Path(folder) / "sync.db"), "WARROOM_NAME": "bench", "PATH": "/usr/bin:/bin"}
        subprocess.run([warroom_exe(), "declare", "Sync benchmark", "--severity", "P1"], env=env, check=True, capture_output=True)
        pane = Pane([warroom_exe()], env)
        delays = []
        try:
            pane.wait_for("Sync benchmark")
            delays = asyncio.run(notes_seen(env["WARROOM_DB"], pane, runs))
        finally:
            pane.close()
        script = "import subprocess,sys\nfor n in range(50): subprocess.run([sys.argv[1],'log',f'w{sys.argv[2]} {n}'],check=True,capture_output=True)"
        start = time.perf_counter()
        writers = [subprocess.Popen([sys.executable, "-c", script, warroom_exe(), str(w)], env=env) for w in range(4)]
        failures = sum(w.wait() != 0 for w in writers)
        spent = time.perf_counter() - start
        kept = subprocess.run([warroom_exe(), "export", "--format", "json"], env=env, capture_output=True, text=True).stdout.count('"kind": "note"')
    delays.sort()
    p99 = delays[min(len(delays) - 1, int(len(delays) * 0.99))]
    where = "PostgreSQL (LISTEN/NOTIFY)" if server else "SQLite (told of file changes by inotify; else asking twice a second)"
    print(f"| live sync on {where} | median | p99 | max | runs |")
    print("|---|---|---|---|---|")
    print(f"| a note committed in another process → on a console's screen | {statistics.median(delays) * 1000:.0f} ms | "
          f"{p99 * 1000:.0f} ms | {delays[-1] * 1000:.0f} ms | {runs} |")
    print(f"| 4 parallel writers × 50 `warroom log` | {spent:.1f} s, {failures} failed, {kept - runs} of 200 notes kept | | | |")


if __name__ == "__main__":
    main()
