"""Shared fixtures: a fixed clock, a real database in a temp folder, and the installed CLI.

Autouse: the developer's own database, config, name and clipboard never reach a test.
"""

from __future__ import annotations

import gc
import time
from pathlib import Path

import pytest


def pytest_configure(config) -> None:
    """The pilot waits for the console to go idle after each key it presses: a sleep of
    Textual's granularity (20 ms), twice a key, whatever the key cost. Typing a finding of 50
    characters waited 2 s. The idle test stays the same (its CPU share, not less than a twentieth
    of the sleep); only the sleep is 5 ms, so a key the console has finished with is followed
    by the next sooner. (textual._wait is private: Textual is pinned exactly.)"""
    import textual._wait as wait

    wait.SLEEP_GRANULARITY = 1 / 200
    wait.SLEEP_IDLE = wait.SLEEP_GRANULARITY / 20.0


@pytest.fixture(autouse=True)
def _isolated(tmp_path, monkeypatch):
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))
    monkeypatch.setenv("XDG_STATE_HOME", str(home / "state"))
    monkeypatch.setenv("WARROOM_DB", str(tmp_path / "warroom.db"))
    monkeypatch.setenv("WARROOM_NAME", "alice")
    monkeypatch.setenv("TZ", "UTC")
    monkeypatch.delenv("WARROOM_NOW", raising=False)
    monkeypatch.delenv("WARROOM_NOW_FILE", raising=False)
    monkeypatch.delenv("WARROOM_CONFIG", raising=False)
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.delenv("TMUX", raising=False)
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    time.tzset()  # local time is UTC in every test, so times on screen are fixed
    yield
    time.tzset()
    gc.unfreeze()  # a console frozen out of the collector (app._settle_memory) can be collected again
    gc.enable()


@pytest.fixture
def db_file(tmp_path) -> Path:
    return tmp_path / "warroom.db"


@pytest.fixture(scope="session")
def postgres_cluster():
    """One throwaway PostgreSQL cluster for the whole run (tests/helpers/postgres.py), stopped at the end."""
    from helpers.postgres import Cluster

    cluster = Cluster()
    yield cluster
    cluster.stop()


@pytest.fixture(params=["sqlite", "postgres"])
def backend(request, tmp_path):
    """Where a store lives, once per backend: a file, or a new database on the test cluster."""
    if request.param == "sqlite":
        return tmp_path / "contract.db"
    return request.getfixturevalue("postgres_cluster").url()
