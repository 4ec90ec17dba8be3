"""Moving history: `warroom copy` of 10,000 incidents × 20 events (the shape many_incidents.py
builds) into a new SQLite file and into PostgreSQL (a throwaway cluster: tests/helpers/postgres.py,
initdb in a temporary folder), timed from the command's start to its exit; then again into the
same target (nothing new: every incident is there already).

Run:  .venv/bin/python benchmarks/copy_history.py [INCIDENTS]   (default 10000)
Budgets (issue 26): into PostgreSQL in 15 s, into a SQLite file in 10 s.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _tmux import warroom_exe
from many_incidents import NOW, build


def timed_copy(source: Path, target: str) -> tuple[float, str]:
    env = {**os.environ, "WARROOM_DB": str(source), "WARROOM_NOW": NOW.isoformat()}
    start = time.perf_counter()
    done = subprocess.run([warroom_exe(), "copy", "--to", target], env=env, check=True, capture_output=True, text=True)
    return time.perf_counter() - start, done.stdout.strip().splitlines()[-1]


def main() -> None:
    numbers = [int(a) for a in sys.argv[1:] if a.isdigit()]
    incidents = numbers[0] if numbers else 10_000
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
    from helpers.postgres import Cluster

    with tempfile.TemporaryDirectory(ignore_cleanup_errors=True) as folder:
        source = Path(folder) / "source.db"
        build(source, incidents)
        print(f"{incidents:,} incidents of 20 events\n\n| copy into | first copy | again (nothing new) | what it said |\n|---|---|---|---|")
        file_target = str(Path(folder) / "copy.db")
        first, said = timed_copy(source, file_target)
        again, _ = timed_copy(source, file_target)
        print(f"| a SQLite file | {first:.1f} s | {again:.1f} s | {said} |")
        cluster = Cluster()
        try:
            url = cluster.url()
            first, said = timed_copy(source, url)
            again, _ = timed_copy(source, url)
            print(f"| PostgreSQL (throwaway cluster) | {first:.1f} s | {again:.1f} s | {said.replace(url, 'postgresql://…')} |")
        finally:
            cluster.stop()


if __name__ == "__main__":
    main()
