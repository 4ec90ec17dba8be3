"""The follow-up hook (issue 28): `[followups] create` run once for each new follow-up, so a
team files it where it tracks work (`gh issue create …`), and the URL the command prints is
recorded as the follow-up's link.

The command is the team's own shell line; each placeholder is replaced by the value shell-
quoted, so a follow-up's text (quotes, `$(…)`, semicolons, newlines) is one argument and never
code. It runs in its own process group, with no input, bounded in time: a command that hangs
is stopped (the whole group), and nothing it does can stop the follow-up being written (it
was committed before the command started).
"""

from __future__ import annotations

import asyncio
import os
import re
import shlex
import signal

from msgspec import Struct

from warroom.domain.text import one_line

_URL = re.compile(r"https?://[^\s'\"<>]+")
MAX_OUTPUT = 64 * 1024  # what is read of its output: a link is in the first lines


class Filed(Struct, frozen=True):
    """What the command did: the link it printed ("" for none), or why it failed ("" when it did not)."""
    link: str = ""
    error: str = ""


def command_line(template: str, values: dict[str, str]) -> str:
    """The team's line with each {placeholder} replaced by its value, shell-quoted."""
    return template.format_map({name: shlex.quote(value) for name, value in values.items()})


async def run(template: str, values: dict[str, str], timeout: float) -> Filed:
    """Run the hook's command for one follow-up (see the module's words). Never raises."""
    line = command_line(template, values)
    try:
        process = await asyncio.create_subprocess_shell(
            line, stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
            start_new_session=True)
    except OSError as error:
        return Filed(error=f"could not start it: {error.strerror or error}")
    try:
        async with asyncio.timeout(timeout):
            out, err = await process.communicate()
    except TimeoutError:
        _stop(process)
        await process.wait()
        return Filed(error=f"it did not finish in {timeout:g}s and was stopped")
    except asyncio.CancelledError:
        _stop(process)
        raise
    text = out[:MAX_OUTPUT].decode("utf-8", "replace")
    if process.returncode != 0:
        said = next((one_line(ln, 200) for ln in err[:MAX_OUTPUT].decode("utf-8", "replace").splitlines() if ln.strip()), "")
        return Filed(error=f"it exited with status {process.returncode}" + (f": {said}" if said else ""))
    found = _URL.search(text)
    return Filed(link=found.group(0)[:2000] if found else "")


def _stop(process: asyncio.subprocess.Process) -> None:
    """Stop the command and whatever it started (its process group)."""
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
