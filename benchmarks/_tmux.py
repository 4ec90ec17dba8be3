"""Shared by the benchmarks: the installed warroom in a fresh tmux pane, and its process."""

from __future__ import annotations

import atexit
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path


def _scratch_state() -> None:
    """A console remembers the incident each database last worked in a `worked-*` file of the
    state folder. The benchmarks' consoles (each on a scratch database) keep theirs in a folder
    of their own, removed at exit unless a crash log is there, not in ~/.local/state/warroom,
    where they piled up at one a run. A state folder the caller chose is used as it is."""
    if os.environ.get("XDG_STATE_HOME"):
        return
    folder = Path(tempfile.mkdtemp(prefix="warroom-bench-state-"))
    os.environ["XDG_STATE_HOME"] = str(folder)  # (the tmux servers, and so the panes, start with it)

    def tidy() -> None:
        crashes = list(folder.glob("*/crash-*"))
        if crashes:
            print(f"crash logs kept: {', '.join(map(str, crashes))}", file=sys.stderr)
        else:
            shutil.rmtree(folder, ignore_errors=True)

    atexit.register(tidy)


_scratch_state()


def warroom_exe() -> str:
    """The installed `warroom` beside this Python, or WARROOM_EXE (another build to compare with:
    a script that runs a worktree of an earlier commit, say)."""
    if os.environ.get("WARROOM_EXE"):
        return os.environ["WARROOM_EXE"]
    beside = Path(sys.executable).with_name("warroom")
    return str(beside) if beside.exists() else (shutil.which("warroom") or sys.exit("install warroom first"))


class Pane:
    def __init__(self, command: list[str], env: dict[str, str], size=(120, 40)) -> None:
        self.socket = f"warroom-bench-{uuid.uuid4().hex[:8]}"
        exports = " ".join(f"{k}={shlex.quote(v)}" for k, v in env.items())
        line = f"env -u COLUMNS -u LINES {exports} {' '.join(map(shlex.quote, command))}"  # a stale COLUMNS would win
        self.started = time.perf_counter()
        subprocess.run(["tmux", "-L", self.socket, "new-session", "-d", "-s", "b", "-x", str(size[0]), "-y", str(size[1]), line],
                       check=True)

    def screen(self) -> str:
        return subprocess.run(["tmux", "-L", self.socket, "capture-pane", "-p", "-t", "b"],
                              capture_output=True, text=True).stdout

    def wait_for(self, text: str, timeout: float = 30.0) -> float:
        """Seconds from start until `text` is on the pane."""
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if text in self.screen():
                return time.perf_counter() - self.started
            time.sleep(0.005)
        raise SystemExit(f"{text!r} never showed:\n{self.screen()}")

    def pid(self) -> int:
        shell = subprocess.run(["tmux", "-L", self.socket, "display-message", "-p", "-t", "b", "#{pane_pid}"],
                               capture_output=True, text=True).stdout.strip()
        children = subprocess.run(["pgrep", "-P", shell], capture_output=True, text=True).stdout.split()
        return int(children[0]) if children else int(shell)

    def keys(self, *keys: str) -> None:
        subprocess.run(["tmux", "-L", self.socket, "send-keys", "-t", "b", *keys], check=True)

    def close(self) -> None:
        """Stop the pane's tmux server and remove its socket (a killed server leaves the file)."""
        subprocess.run(["tmux", "-L", self.socket, "kill-server"], capture_output=True)
        Path(f"/tmp/tmux-{os.getuid()}/{self.socket}").unlink(missing_ok=True)


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0
