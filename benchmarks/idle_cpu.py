"""Idle cost: CPU of a console doing nothing on an open incident (the countdown ticking every
second), as a share of one core, beside three floors measured in the same run and the same
kind of tmux pane:
- a bare Textual app (header, footer) that updates one line every second, as Textual ships it;
- the same app with nothing to update;
- a bare Python asyncio loop that only wakes once a second (what any 1 Hz tick costs here).

CPU is the kernel's own count of time on a core for every thread of the process
(/proc/PID/task/*/schedstat, in nanoseconds), not the 10 ms clock ticks of /proc/PID/stat,
which charge a whole tick to a process that wakes on the timer.

Beside it, how often its threads woke (their context switches a second, /proc/PID/task/*/status)
and the CPU a wake cost. The wakes are the program's own; what a wake costs is the machine's, and
on this virtual machine it moves from day to day (a bare asyncio loop waking once a second has
measured 0.04 % of a core one morning and 0.7-1.1 % that afternoon): read the share beside its
floors, and the wakes to compare programs across days.

Run:  .venv/bin/python benchmarks/idle_cpu.py [SECONDS] [WIDTHxHEIGHT]   (default 30, 80x24)
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _tmux import Pane, warroom_exe

HERE = Path(__file__).resolve().parent
TICKING = """
import time
from textual.app import App
from textual.widgets import Footer, Header, Static

class Ticking(App):
    def compose(self):
        yield Header()
        yield Static("bare textual app ready", id="line")
        yield Footer()

    def on_mount(self):
        self.set_interval(1, lambda: self.query_one("#line", Static).update(f"bare textual app ready {time.time():.0f}"))

Ticking().run()
"""
SLEEPER_1HZ = """
import asyncio
print("bare textual app ready")

async def main():
    while True:
        await asyncio.sleep(1)

asyncio.run(main())
"""


def on_core_seconds(pid: int) -> tuple[float, int]:
    """Time on a core of every thread of `pid`, as the scheduler counted it, and how many times
    its threads were switched in (woken, or put back after being preempted)."""
    total = switches = 0
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            total += int((task / "schedstat").read_text().split()[0])
            for line in (task / "status").read_text().splitlines():
                if line.startswith(("voluntary_ctxt_switches", "nonvoluntary_ctxt_switches")):
                    switches += int(line.split()[1])
        except (OSError, IndexError, ValueError):
            pass  # (a thread that ended meanwhile)
    return total / 1e9, switches


def idle_share(command: list[str], env: dict[str, str], ready: str, seconds: float,
               size: tuple[int, int]) -> tuple[float, float]:
    """(share of one core in %, wakes a second) of the program idle in a pane."""
    pane = Pane(command, env, size=size)
    try:
        pane.wait_for(ready)
        time.sleep(2)  # let start-up settle
        pid = pane.pid()
        (before, woken), start = on_core_seconds(pid), time.monotonic()
        time.sleep(seconds)
        (after, woken_after), spent = on_core_seconds(pid), time.monotonic() - start
        return 100 * (after - before) / spent, (woken_after - woken) / spent
    finally:
        pane.close()


def main() -> None:
    seconds = float(sys.argv[1]) if len(sys.argv) > 1 else 30.0
    width, height = (int(n) for n in sys.argv[2].split("x")) if len(sys.argv) > 2 else (80, 24)
    size = (width, height)
    with tempfile.TemporaryDirectory(ignore_cleanup_errors=True) as folder:
        db = str(Path(folder) / "idle.db")
        env = {"WARROOM_DB": db, "WARROOM_NAME": "bench"}
        subprocess.run([warroom_exe(), "declare", "Idle benchmark", "--severity", "P1", "--detected", "3m"],
                       env={**env, "PATH": "/usr/bin:/bin"}, check=True, capture_output=True)
        ticking = Path(folder) / "ticking.py"
        ticking.write_text(TICKING)
        rows = [
            ("warroom, an open P1 incident", [warroom_exe()], env, "Idle benchmark"),
            ("bare Textual app updating one line a second", [sys.executable, str(ticking)], {}, "bare textual app ready"),
            ("bare Textual app, nothing to update", [sys.executable, str(HERE / "bare_app.py")], {}, "bare textual app ready"),
            ("bare asyncio loop waking once a second", [sys.executable, "-c", SLEEPER_1HZ], {}, "bare textual app ready"),
        ]
        print(f"| idle, {seconds:.0f} s at {size[0]}x{size[1]} | share of one core | wakes a second | CPU a wake |")
        print("|---|---|---|---|")
        for name, command, environment, ready in rows:
            share, wakes = idle_share(command, environment, ready, seconds, size)
            print(f"| {name} | {share:.2f} % | {wakes:.1f} | {share * 10 / max(wakes, 0.1):.2f} ms |", flush=True)
        print("(budget for warroom: 0.5 %)")


if __name__ == "__main__":
    main()
