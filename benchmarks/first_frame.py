"""Time to first frame: the installed `warroom` on an open incident against a bare Textual app
with a header and a footer, each started in a fresh tmux pane and timed until its text shows.
The two alternate, RUNS times each (each first in half the pairs); prints both medians and the
median ratio (budget: 1.15). The first frame is the strip, the countdown and the levers (what
is due); the role panes are mounted and drawn right after it, and the time until they show is
printed too.

Run:  .venv/bin/python benchmarks/first_frame.py [RUNS]   (default 7)
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from _tmux import Pane, warroom_exe

HERE = Path(__file__).resolve().parent


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 7
    with tempfile.TemporaryDirectory(ignore_cleanup_errors=True) as folder:
        env = {"WARROOM_DB": str(Path(folder) / "frame.db"), "WARROOM_NAME": "bench"}
        subprocess.run([warroom_exe(), "declare", "First frame benchmark", "--severity", "P1"],
                       env={**env, "PATH": "/usr/bin:/bin"}, check=True, capture_output=True)
        bare, console, panes, ratios = [], [], [], []
        def bare_app() -> None:
            pane = Pane([sys.executable, str(HERE / "bare_app.py")], {})
            bare.append(pane.wait_for("bare textual app ready"))
            pane.close()

        def warroom() -> None:
            pane = Pane([warroom_exe()], env)
            console.append(pane.wait_for("investigator —"))  # the strip's last word: the frame is drawn
            panes.append(pane.wait_for("COMMUNICATOR"))  # a pane's title: the panes are drawn
            pane.close()

        for run in range(runs):
            for start in (bare_app, warroom) if run % 2 == 0 else (warroom, bare_app):  # each goes first half the time
                start()
            ratios.append(console[-1] / bare[-1])
    print("| first frame | median | runs |")
    print("|---|---|---|")
    print(f"| bare Textual app (header + footer) | {statistics.median(bare) * 1000:.0f} ms | {runs} |")
    print(f"| warroom, open incident | {statistics.median(console) * 1000:.0f} ms | {runs} |")
    print(f"| ratio (median of per-pair ratios; budget 1.15) | {statistics.median(ratios):.2f} | |")
    print(f"| warroom, the role panes drawn too | {statistics.median(panes) * 1000:.0f} ms | {runs} |")


if __name__ == "__main__":
    main()
