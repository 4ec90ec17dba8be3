"""After an upgrade (issue 26): a database an older warroom wrote is brought up to date once,
its summaries stored, saying how far it is; the next open reads the summary, not the log."""

import asyncio
import io
import json
import os

import pytest
from helpers import T0, Clock, as_the_first_schema_wrote_it, at, raw_sqlite

from warroom.console.launch import make_app
from warroom.domain import actions
from warroom.domain.incident import FOLD_VERSION, IncidentState
from warroom.store import Store

EVENTS = 12_000  # more than two of the rebuild's chunks (reading.CHUNK)


async def _a_long_incident(db_file) -> None:
    store = await Store.open(db_file)
    try:
        await store.declare(actions.declare("alice", T0, "Login fails", "P1", detected=T0, impact="logins"))
    finally:
        await store.close()
    with raw_sqlite(db_file) as raw:  # many notes at once (as many appends would take minutes)
        raw.executemany("INSERT INTO event (incident_id, at, actor, role, kind, payload) VALUES (1, ?, 'alice', 'commander', 'note', ?)",
                        [(at(1, n / 1000).isoformat(), json.dumps({"text": f"note {n}"})) for n in range(EVENTS - 1)])


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.fixture
def folds(monkeypatch) -> list[int]:
    """How many events were folded (each IncidentState.apply), counted."""
    counted = [0]
    apply = IncidentState.apply

    def counting(self, event) -> None:
        counted[0] += 1
        apply(self, event)

    monkeypatch.setattr(IncidentState, "apply", counting)
    return counted


def test_the_first_open_after_an_upgrade_stores_the_summary_and_the_second_folds_no_event(db_file, folds, monkeypatch):
    asyncio.run(_a_long_incident(db_file))
    as_the_first_schema_wrote_it(db_file)
    terminal = Terminal()
    monkeypatch.setattr("sys.stderr", terminal)
    first = make_app(db_file, clock=Clock(at(30)), actor="alice")
    assert first.code == "INC-1" and first.state.count == EVENTS
    assert folds[0] >= EVENTS  # the whole log, once (stored), and read back from the summary
    said = terminal.getvalue()
    assert "upgrading INC-1's summary: 0 of 12,000 events" in said and "upgrading INC-1's summary: 5,000 of 12,000 events" in said
    assert said.endswith("upgrading INC-1's summary: 12,000 of 12,000 events\n")
    with raw_sqlite(db_file) as raw:
        assert raw.execute("PRAGMA user_version").fetchone()[0] >= 2
        assert raw.execute("SELECT fold_version, last_id FROM summary").fetchall() == [(FOLD_VERSION, EVENTS)]
    folds[0] = 0
    second = make_app(db_file, clock=Clock(at(30)), actor="alice")
    assert second.code == "INC-1" and second.state.count == EVENTS and second.state.events[-1].id == EVENTS
    assert folds[0] == 0  # read from the stored summary: not one event folded
    assert terminal.getvalue() == said  # and nothing more said


def test_a_database_that_cannot_be_written_is_still_shown_folded_from_its_log(db_file, folds, monkeypatch):
    asyncio.run(_a_long_incident(db_file))
    as_the_first_schema_wrote_it(db_file)
    db_file.chmod(0o444)
    if os.geteuid() == 0:  # root writes whatever the mode says: the store is told what a user would find
        monkeypatch.setattr("warroom.store.sqlite.writable", lambda path: False)
    try:
        app = make_app(db_file, clock=Clock(at(30)), actor="alice")
    finally:
        db_file.chmod(0o644)
    assert app.code == "INC-1" and app.state.count == EVENTS and folds[0] >= EVENTS
    with raw_sqlite(db_file) as raw:
        assert raw.execute("PRAGMA user_version").fetchone()[0] == 1  # nothing written
