"""What the two paths that must be quick import (issue 26): `warroom status --tmux`, which a
tmux status bar runs every few seconds, and the console up to its first frame. Each has a list
of heavy modules it must not need; a change that pulls one in fails here. Add to the lists as
packages are added (aiosmtplib for mail, plotext for plots)."""

import asyncio
import json
import subprocess
import sys
from datetime import timedelta

from helpers import T0, run_cli, seed

from warroom.domain import actions, followups

# never for the status line: it reads one summary synchronously (peek) and prints a line
HEAVY_FOR_STATUS = {"textual", "rich", "asyncio", "aiosqlite", "aiohttp", "psycopg", "aiosmtplib", "plotext", "textual_plotext",
                    # what it shed in stop 35 (3.8x -> 2.6x a bare Python): making dataclasses, platformdirs'
                    # tempfile and shutil, OpenSSL's hashlib, humanize; and the store proper, the outbox and paging
                    "dataclasses", "platformdirs", "hashlib", "humanize", "warroom.store.base", "warroom.store.sqlite",
                    "warroom.store.outbox", "warroom.domain.paging"}
# never before the console's first frame on a file: servers, mail, web and plots come later, if at all
HEAVY_FOR_FIRST_FRAME = {"aiohttp", "psycopg", "aiosmtplib", "plotext", "textual_plotext"}

STATUS = """
import json, sys
from warroom.cli import main
main(["status", "--tmux"])
print(json.dumps(sorted(sys.modules)))
"""

FIRST_FRAME = """
import asyncio, json, sys
from warroom.console.launch import make_app

async def first_frame():
    app = make_app(sys.argv[1], actor="alice")
    seen = []
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        seen = sorted(sys.modules)
    print(json.dumps(seen))

asyncio.run(first_frame())
"""


def _modules(code: str, db_file, *args: str) -> set[str]:
    """Every module the code imported, and every top-level package of them."""
    # run beside the database, not in the checkout: `python -c` puts its folder first on the path,
    # and the source tree's `warroom` is not the installed package (its styles are packaged apart)
    done = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=120, cwd=db_file.parent,
                          env={"WARROOM_DB": str(db_file), "WARROOM_NOW": T0.isoformat(), "PATH": "/usr/bin:/bin", "HOME": "/tmp"})
    assert done.returncode == 0, done.stderr
    names = set(json.loads(done.stdout.strip().splitlines()[-1]))
    return names | {name.split(".")[0] for name in names}


def test_the_status_line_imports_none_of_the_heavy_modules(db_file):
    assert run_cli("declare", "Login fails", "--impact", "logins", now=T0).returncode == 0
    loaded = _modules(STATUS, db_file)
    assert "warroom" in loaded and "sqlite3" in loaded  # (it did read the database)
    assert not loaded & HEAVY_FOR_STATUS, sorted(loaded & HEAVY_FOR_STATUS)


def test_the_console_imports_none_of_the_heavy_modules_before_its_first_frame(db_file):
    assert run_cli("declare", "Login fails", "--impact", "logins", now=T0).returncode == 0
    loaded = _modules(FIRST_FRAME, db_file, str(db_file))
    assert "textual" in loaded
    assert not loaded & HEAVY_FOR_FIRST_FRAME, sorted(loaded & HEAVY_FOR_FIRST_FRAME)


def test_the_status_line_with_no_incident_open_counts_follow_ups_without_the_heavy_modules(db_file):
    asyncio.run(seed(db_file, (followups.add, "alice", 1, "a smoke test", "bob", {"due": "2026-11-28"}),
                     (actions.resolve, "alice", 2, {"override": "resolved for this test", "switch": True})))
    assert run_cli("status", "--tmux", now=T0 + timedelta(days=3)).stdout.startswith("#[fg=yellow]1 follow-up overdue")
    loaded = _modules(STATUS, db_file)
    assert "warroom.store.glance" in loaded
    assert not loaded & HEAVY_FOR_STATUS, sorted(loaded & HEAVY_FOR_STATUS)
