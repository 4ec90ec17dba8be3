"""Headless Chromium (Debian's), as a reader of the status page: the DOM after the page has
loaded (and any script in it would have run), and a screenshot."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from helpers import missing

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-default-apps", "--mute-audio", "--hide-scrollbars"]


def chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if not found:
        missing("Chromium", "Debian's chromium")
    return found


def _run(*args: str) -> str:
    with tempfile.TemporaryDirectory(prefix="warroom-chromium-") as profile:
        done = subprocess.run([chromium(), *FLAGS, f"--user-data-dir={profile}", *args],
                              capture_output=True, text=True, timeout=120)
    if done.returncode != 0:
        raise AssertionError(f"chromium failed ({done.returncode}): {done.stderr[-2000:]}")
    return done.stdout


def dom(page: Path, size: tuple[int, int] | None = None) -> str:
    """The document as the browser holds it once loaded (in a window of `size`, when given)."""
    window = [f"--window-size={size[0]},{size[1]}"] if size else []
    return _run("--virtual-time-budget=2000", *window, "--dump-dom", page.resolve().as_uri())


def screenshot(page: Path, out: Path, size: tuple[int, int] = (412, 915)) -> None:
    """A PNG of the page at a phone's size."""
    _run(f"--screenshot={out}", f"--window-size={size[0]},{size[1]}", page.resolve().as_uri())
