"""The tmux status line's cost: `warroom status --tmux` runs once per `status-interval`.

Prints the wall and CPU time of one call (median of 20) on an open incident, against a bare
Python that opens the same database and reads one row (in the same run, alternating, as a
ratio), and the share of one core that each status-interval would cost. Compiled files are
written and used as an installed warroom's are (PYTHONDONTWRITEBYTECODE is unset for the
calls: with it set, every changed module is compiled again at each call).

Budget (issue 26): the call within 3x the bare Python's CPU.

Run:  .venv/bin/python benchmarks/status_line.py
"""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _tmux import warroom_exe

BARE = "import sqlite3, sys; sqlite3.connect(sys.argv[1]).execute('SELECT * FROM summary LIMIT 1').fetchall()"


def one_call(env: dict, command: list[str] | None = None) -> tuple[float, float]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(command or [warroom_exe(), "status", "--tmux"], env=env, check=True, capture_output=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> None:
    with tempfile.TemporaryDirectory(ignore_cleanup_errors=True) as folder:
        db = Path(folder) / "status.db"
        env = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}
        env.update({"WARROOM_DB": str(db), "WARROOM_NAME": "bench"})
        subprocess.run([warroom_exe(), "declare", "Status benchmark", "--severity", "P1", "--detected", "3m"],
                       env=env, check=True, capture_output=True)
        bare = [sys.executable, "-c", BARE, str(db)]
        for _ in range(3):
            one_call(env)  # warm the file cache (and write the compiled files)
            one_call(env, bare)
        pairs = [(one_call(env), one_call(env, bare)) for _ in range(20)]
    wall = statistics.median(w for (w, _), _ in pairs) * 1000
    cpu = statistics.median(c for (_, c), _ in pairs) * 1000
    bare_cpu = statistics.median(c for _, (_, c) in pairs) * 1000
    ratio = statistics.median(c / b for (_, c), (_, b) in pairs if b)
    print("| what | figure |\n|---|---|")
    print(f"| `warroom status --tmux`, one call (median of 20) | {wall:.0f} ms wall, {cpu:.0f} ms CPU |")
    print(f"| a bare Python opening the database and reading one row | {bare_cpu:.0f} ms CPU: warroom is {ratio:.1f}x (budget 3x) |")
    for interval in (1, 5, 15):
        print(f"| status-interval {interval} | {cpu / (interval * 10):.1f} % of one core |")


if __name__ == "__main__":
    main()
