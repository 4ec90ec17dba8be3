"""The tmux status line's cost: `warroom status --tmux` runs once per `status-interval`.

Prints the wall and CPU time of one call (median of 20) on an open incident, and the share
of one core that each status-interval would cost.

Run:  .venv/bin/python benchmarks/status_line.py
"""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

from _tmux import warroom_exe


def one_call(env: dict) -> tuple[float, float]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run([warroom_exe(), "status", "--tmux"], env=env, check=True, capture_output=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> None:
    with tempfile.TemporaryDirectory(ignore_cleanup_errors=True) as folder:
        env = {**os.environ, "WARROOM_DB": str(Path(folder) / "status.db"), "WARROOM_NAME": "bench"}
        subprocess.run([warroom_exe(), "declare", "Status benchmark", "--severity", "P1", "--detected", "3m"],
                       env=env, check=True, capture_output=True)
        for _ in range(3):
            one_call(env)  # warm the file cache
        calls = [one_call(env) for _ in range(20)]
    wall = statistics.median(w for w, _ in calls) * 1000
    cpu = statistics.median(c for _, c in calls) * 1000
    print("| what | figure |\n|---|---|")
    print(f"| `warroom status --tmux`, one call (median of 20) | {wall:.0f} ms wall, {cpu:.0f} ms CPU |")
    for interval in (1, 5, 15):
        print(f"| status-interval {interval} | {cpu / (interval * 10):.1f} % of one core |")


if __name__ == "__main__":
    main()
