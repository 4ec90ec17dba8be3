"""Layers go one way: the domain and the store never import Textual (a fresh interpreter proves it)."""

import subprocess
import sys

import pytest

PURE = ["warroom.domain.model", "warroom.domain.incident", "warroom.domain.actions", "warroom.domain.policy",
        "warroom.domain.describe", "warroom.domain.timefmt", "warroom.domain.text", "warroom.domain.templates",
        "warroom.domain.playbook", "warroom.domain.schema", "warroom.domain.paging", "warroom.domain.public",
        "warroom.domain.announce"]


@pytest.mark.parametrize("module, forbidden", [
    *[(m, ("textual", "aiosqlite", "sqlite3", "rich")) for m in PURE],
    ("warroom.store", ("textual", "rich", "psycopg")),  # psycopg only when a server is opened
    ("warroom.report", ("textual",)),
    ("warroom.cli", ("textual", "aiohttp")),  # aiohttp only for `warroom receive`
    ("warroom.integrations.alerts", ("textual", "aiohttp", "aiosqlite")),
    ("warroom.integrations.webhooks", ("textual", "aiohttp")),  # aiohttp only once it delivers
    ("warroom.integrations.statuspage", ("textual", "aiohttp")),
    ("warroom.console.app", ("aiohttp", "psycopg")),  # the console pays for neither until it needs them
    ("warroom.config", ("textual", "aiosqlite", "tomllib")),  # tomllib only once there is a file to read
    ("warroom.config_text", ("textual", "aiosqlite")),
    ("warroom.transfer", ("textual", "aiosqlite")),
])

def test_module_does_not_pull_in(module, forbidden):
    code = f"import sys, {module}; print(','.join(m for m in {forbidden!r} if m in sys.modules))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "", f"{module} imported {done.stdout.strip()}"


def test_every_domain_module_is_checked():
    from pathlib import Path

    import warroom.domain

    found = {f"warroom.domain.{p.stem}" for p in Path(warroom.domain.__file__).parent.glob("*.py") if p.stem != "__init__"}
    assert found == set(PURE)
