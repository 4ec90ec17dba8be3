"""Copying text where the person can paste it: system clipboard, tmux buffer, then OSC 52.

Each way is tried in order; the first that takes the text is named to the person. None of
them may raise: a failure is just the next way.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Callable, Sequence

Way = tuple[str, Callable[[str], bool]]


def system_clipboard(text: str) -> bool:
    try:
        import pyperclip

        pyperclip.copy(text)
        return True
    except Exception:  # pyperclip raises its own errors, or OSError, where there is no clipboard
        return False


def tmux_buffer(text: str) -> bool:
    if not os.environ.get("TMUX") or shutil.which("tmux") is None:
        return False
    try:
        done = subprocess.run(["tmux", "load-buffer", "-"], input=text.encode("utf-8", "replace"),
                              capture_output=True, timeout=5)
    except (OSError, subprocess.SubprocessError):
        return False
    return done.returncode == 0


def copy(text: str, ways: Sequence[Way]) -> str | None:
    """The name of the first way that took the text, or None when none could."""
    for name, way in ways:
        try:
            if way(text):
                return name
        except Exception:
            continue
    return None


def default_ways(osc52: Callable[[str], bool]) -> list[Way]:
    return [("the system clipboard", system_clipboard), ("the tmux paste buffer", tmux_buffer),
            ("the terminal clipboard (OSC 52)", osc52)]
