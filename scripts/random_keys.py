"""Random keys into the installed console in a real tmux pane, until it exits with an error or
the keys run out: what a tired person's fingers do, faster. Keys come one at a time, two or
three in one write (as a terminal's read brings them), as typed text (markup, emoji, an escape
sequence, 300 characters), and now and then the pane is resized. A normal quit (ctrl+q, Esc on
the start screen) starts the console again.

It found seven ways the console closed itself (git log: "found by random keys"). A crash prints
the pane, where the console names its crash log (in the scratch folder's state/warroom), and
exits 1; the scratch folder is kept either way.

Run:  .venv/bin/python scripts/random_keys.py SEED [KEYS] [WIDTHxHEIGHT] [-- WARROOM ARGS...]
e.g.  .venv/bin/python scripts/random_keys.py 7 3000 80x24 -- drill jwt-outage --speed 30
The database is a scratch file with the demo incident and three more; the console is the one
on PATH beside this Python (the venv's `warroom`), or WARROOM_EXE.
"""

from __future__ import annotations

import os
import random
import shlex
import subprocess
import sys
import tempfile
import time
from pathlib import Path

KEYS = [*"cmi1234lvwxunfaydtrkoOpszeCPq?", "space", "Enter", "Escape", "Tab", "BTab", "Up", "Down", "BSpace", "C-u",
        "C-g", "C-p", "C-t", "PageUp", "PageDown", "Home", "End"]
TEXTS = ["[bold]x[/]", "🔥 emoji", "\x1b[31mred", "a" * 300, "the deploy broke tokens", "F-1", "7d", "2026-12-04", "bob", ""]
SIZES = ([40, 60, 80, 100, 160], [10, 20, 24, 30, 48])


def main() -> int:
    args, extra = sys.argv[1:], []
    if "--" in args:
        args, extra = args[:args.index("--")], args[args.index("--") + 1:]
    seed = int(args[0]) if args else 1
    count = int(args[1]) if len(args) > 1 else 2000
    width, height = (args[2] if len(args) > 2 else "80x24").split("x")
    exe = os.environ.get("WARROOM_EXE") or str(Path(sys.executable).with_name("warroom"))
    folder = Path(tempfile.mkdtemp(prefix="warroom-keys-"))
    env = {"WARROOM_DB": str(folder / "keys.db"), "WARROOM_NAME": "alice", "TZ": "UTC",
           "XDG_STATE_HOME": str(folder / "state"), "XDG_CONFIG_HOME": str(folder / "config")}
    exports = " ".join(f"{k}={shlex.quote(v)}" for k, v in env.items())
    for setup in (["demo", "--no-console"], *(["declare", f"Incident {n}", "--severity", "P2"] for n in range(1, 4))):
        done = subprocess.run(["env", *(f"{k}={v}" for k, v in env.items()), exe, *setup], capture_output=True, text=True)
        if done.returncode:  # (the demo once failed here unseen: it opens the console unless told not to)
            print(f"warroom {shlex.join(setup)}: exit {done.returncode}: {done.stderr.strip()}", file=sys.stderr)
            return 1
    command = f"env {exports} {shlex.join([exe, *extra])}; echo EXITED $?; sleep 600"
    tmux = ["tmux", "-L", f"warroom-keys-{os.getpid()}"]
    subprocess.run([*tmux, "new-session", "-d", "-s", "k", "-x", width, "-y", height, command], check=True)
    rng = random.Random(seed)
    time.sleep(3)
    try:
        for step in range(count):
            roll = rng.random()
            if roll < 0.01:
                subprocess.run([*tmux, "resize-window", "-t", "k", "-x", str(rng.choice(SIZES[0])), "-y", str(rng.choice(SIZES[1]))])
            elif roll < 0.13:
                subprocess.run([*tmux, "send-keys", "-t", "k", "Escape"])
            elif roll < 0.22:
                subprocess.run([*tmux, "send-keys", "-t", "k", "-l", rng.choice(TEXTS)])
            elif roll < 0.45:
                key = rng.choice(KEYS)
                burst = [key] * rng.choice([2, 3]) if rng.random() < 0.5 else [key, rng.choice(KEYS)]
                subprocess.run([*tmux, "send-keys", "-t", "k", *burst])
            else:
                subprocess.run([*tmux, "send-keys", "-t", "k", rng.choice(KEYS)])
            time.sleep(rng.choice([0, 0, 0.02, 0.05, 0.2]))
            if step % 20:
                continue
            screen = subprocess.run([*tmux, "capture-pane", "-p", "-t", "k"], capture_output=True, text=True).stdout
            if "EXITED 0" in screen:
                subprocess.run([*tmux, "respawn-pane", "-k", "-t", "k", command])
                time.sleep(2)
            elif "EXITED" in screen:
                print(f"seed {seed}, key {step}: the console exited\n{screen}")
                return 1
        print(f"seed {seed}: {count} keys, the console still running ({folder})")
        return 0
    finally:
        sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
        from helpers.tmux import kill_server

        kill_server(tmux[-1])


if __name__ == "__main__":
    sys.exit(main())
