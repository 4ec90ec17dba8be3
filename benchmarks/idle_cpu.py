"""Idle cost: CPU of a console doing nothing on an open incident, as a share of one core.

Run:  .venv/bin/python benchmarks/idle_cpu.py [SECONDS]   (default 30)
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _tmux import Pane, cpu_seconds, peak_rss_mb, warroom_exe


def main() -> None:
    seconds = float(sys.argv[1]) if len(sys.argv) > 1 else 30.0
    with tempfile.TemporaryDirectory(ignore_cleanup_errors=True) as folder:
        db = str(Path(folder) / "idle.db")
        env = {"WARROOM_DB": db, "WARROOM_NAME": "bench"}
        subprocess.run([warroom_exe(), "declare", "Idle benchmark", "--severity", "P1", "--detected", "3m"],
                       env={**env, "PATH": "/usr/bin:/bin"}, check=True, capture_output=True)
        pane = Pane([warroom_exe()], env)
        try:
            pane.wait_for("Idle benchmark")
            time.sleep(2)  # let start-up settle
            pid = pane.pid()
            before, start = cpu_seconds(pid), time.monotonic()
            time.sleep(seconds)
            used, spent = cpu_seconds(pid) - before, time.monotonic() - start
            print(f"| idle console, {spent:.0f} s | CPU {used:.2f} s = {100 * used / spent:.2f} % of one core "
                  f"| peak RSS {peak_rss_mb(pid):.1f} MB |")
        finally:
            pane.close()


if __name__ == "__main__":
    main()
