"""Layers go one way: the domain and the store never import Textual (a fresh interpreter proves it)."""

import subprocess
import sys

import pytest

PURE = ["warroom.domain.model", "warroom.domain.incident", "warroom.domain.actions", "warroom.domain.policy",
        "warroom.domain.describe", "warroom.domain.timefmt", "warroom.domain.text"]


@pytest.mark.parametrize("module, forbidden", [
    *[(m, ("textual", "aiosqlite", "sqlite3", "rich")) for m in PURE],
    ("warroom.store", ("textual", "rich")),
    ("warroom.report", ("textual",)),
    ("warroom.cli", ("textual",)),
])
def test_module_does_not_pull_in(module, forbidden):
    code = f"import sys, {module}; print(','.join(m for m in {forbidden!r} if m in sys.modules))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "", f"{module} imported {done.stdout.strip()}"
