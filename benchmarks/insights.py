"""`warroom insights` over years of incidents: the installed command, wall time per call, on a
generated history (tests/helpers/history.py: figures planted, two years) of 10,000 incidents.

Each format is timed RUNS times; the median and the slowest are printed, beside a bare Python
that starts and exits (what any command pays before it does anything), in the same run.

Run:  .venv/bin/python benchmarks/insights.py [INCIDENTS]   (default 10000)
Budget (issue 28): an answer in under 1 s on this machine, on 10,000 incidents.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from _tmux import warroom_exe
from helpers.history import NOW, generate, write

RUNS = 7


def timed(command: list[str], env: dict) -> list[float]:
    spans = []
    for _ in range(RUNS):
        start = time.perf_counter()
        done = subprocess.run(command, env=env, capture_output=True, text=True)
        spans.append(time.perf_counter() - start)
        assert done.returncode == 0, done.stderr
    return spans


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "history.db"
        start = time.perf_counter()
        planted = generate(count)
        write(path, planted)
        print(f"history: {count:,} incidents, {sum(len(p.events) for p in planted):,} events, written in "
              f"{time.perf_counter() - start:.1f} s")
        env = {**os.environ, "WARROOM_DB": str(path), "WARROOM_NOW": NOW.isoformat(), "NO_COLOR": "1"}
        bare = timed([sys.executable, "-c", "pass"], env)
        print(f"bare python start:           median {statistics.median(bare) * 1000:6.0f} ms")
        for label, args in (("text (with plots), 2 years", ["--since", "2y", "--by", "quarter"]),
                            ("json, 2 years", ["--since", "2y", "--format", "json"]),
                            ("csv, 2 years by month", ["--since", "2y", "--format", "csv"]),
                            ("text, 90 days (default)", [])):
            spans = timed([warroom_exe(), "insights", *args], env)
            print(f"insights {label:<28} median {statistics.median(spans) * 1000:6.0f} ms, slowest {max(spans) * 1000:6.0f} ms "
                  f"(budget 1000 ms)")


if __name__ == "__main__":
    main()
