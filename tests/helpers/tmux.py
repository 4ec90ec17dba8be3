"""Driving the installed `warroom` in a real tmux pane: send-keys in, capture-pane out."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import time
import uuid
from pathlib import Path

from helpers import missing, warroom_exe


def kill_server(socket: str) -> None:
    """Stop a test's tmux server and remove its socket (a killed server can leave the file behind)."""
    subprocess.run(["tmux", "-L", socket, "kill-server"], capture_output=True, timeout=20)
    Path(f"/tmp/tmux-{os.getuid()}/{socket}").unlink(missing_ok=True)


class Pane:
    def __init__(self, env: dict[str, str], size: tuple[int, int] = (100, 30), unset: tuple[str, ...] = ()) -> None:
        if shutil.which("tmux") is None:
            missing("tmux", "Debian's tmux")
        self.socket = f"warroom-test-{uuid.uuid4().hex[:8]}"
        self.env = env
        self.size = size
        self.unset = " ".join(f"-u {name}" for name in unset)  # variables the program must not see (TMUX, say)
        self.session = "w"
        self.started = False

    def tmux(self, *args: str, check: bool = True) -> str:
        done = subprocess.run(["tmux", "-L", self.socket, *args], capture_output=True, text=True, timeout=20)
        if check and done.returncode != 0:
            raise AssertionError(f"tmux {' '.join(args)}: {done.stderr}")
        return done.stdout

    def start(self, *args: str) -> None:
        self.start_command(warroom_exe(), *args)

    def start_command(self, program: str, *args: str) -> None:
        exports = " ".join(f"{k}={shlex.quote(v)}" for k, v in self.env.items())
        # a shell may export the COLUMNS and LINES it saw first, which Textual would believe
        command = f"env -u COLUMNS -u LINES {self.unset} {exports} {shlex.quote(program)} {' '.join(map(shlex.quote, args))}; echo EXITED $?; sleep 30"
        width, height = self.size
        if not self.started:
            self.tmux("new-session", "-d", "-s", self.session, "-x", str(width), "-y", str(height), command)
            self.tmux("set-option", "-g", "remain-on-exit", "on")
            self.started = True
        else:
            self.tmux("respawn-pane", "-k", "-t", self.session, command)

    def keys(self, *keys: str) -> None:
        self.tmux("send-keys", "-t", self.session, *keys)

    def type(self, text: str) -> None:
        self.tmux("send-keys", "-t", self.session, "-l", text)

    def screen(self) -> str:
        return self.tmux("capture-pane", "-p", "-J", "-t", self.session)

    def colours(self) -> set[tuple[int, int, int]]:
        """Every 24-bit colour (foreground or background) on the pane now."""
        import re

        styled = self.tmux("capture-pane", "-p", "-e", "-t", self.session)
        return {tuple(map(int, m)) for m in re.findall(r"[34]8;2;(\d+);(\d+);(\d+)", styled)}  # type: ignore[misc]

    def wait_for(self, text: str, timeout: float = 15.0) -> str:
        """Poll the pane until `text` shows (a bounded wait for the screen, not for a deadline)."""
        end = time.monotonic() + timeout
        screen = ""
        while time.monotonic() < end:
            screen = self.screen()
            if text in screen:
                return screen
            time.sleep(0.1)
        raise AssertionError(f"{text!r} never showed; the pane shows:\n{screen}")

    def buffer(self) -> str:
        return self.tmux("show-buffer", check=False)

    def close(self) -> None:
        kill_server(self.socket)

    def app_pid(self) -> int:
        """The warroom process running in the pane (the pane's shell's child)."""
        shell = self.tmux("display-message", "-p", "-t", self.session, "#{pane_pid}").strip()
        children = subprocess.run(["pgrep", "-P", shell], capture_output=True, text=True).stdout.split()
        if not children:
            raise AssertionError("warroom is not running in the pane")
        return int(children[0])


def two_consoles_see_each_other(database: str, now: str) -> tuple[Pane, Pane]:
    """alice's and bob's installed consoles on one database (a file or a server), each in its
    own tmux server: a lever, a hat and a script's note seen by the other. The panes are left
    open for more (the caller closes them)."""
    from helpers import run_cli

    env = {"WARROOM_DB": database, "WARROOM_NOW": now, "TZ": "UTC"}
    alice, bob = Pane({**env, "WARROOM_NAME": "alice"}), Pane({**env, "WARROOM_NAME": "bob"})
    try:
        alice.start()
        bob.start()
        alice.wait_for("INC-1")
        bob.wait_for("INC-1")
        alice.keys("1")
        bob.wait_for("[1] ▶ feature flag off   pulled")
        bob.keys("i")
        alice.wait_for("investigator bob")
        # alice's own script, from her shell: it writes as her, in the hat she wears
        assert run_cli("log", "deploy 143 is out", env={"WARROOM_DB": database, "WARROOM_NAME": "alice"}).returncode == 0
        alice.wait_for("CMD alice: deploy 143 is out")
        bob.wait_for("CMD alice: deploy 143 is out")
    except BaseException:
        alice.close()
        bob.close()
        raise
    return alice, bob
