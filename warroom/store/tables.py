"""The tables of a warroom database, their migrations, and the check that a file is ours."""

from __future__ import annotations

from pathlib import Path

from warroom.store import followups, statuspage, summary
from warroom.store.files import StoreError

# Forward migrations: MIGRATIONS[n] takes a database from version n to n + 1. Never edit one
# that has shipped; add the next. `PRAGMA user_version` holds the version a file is at.
MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE incident (
        id INTEGER PRIMARY KEY,
        code TEXT NOT NULL UNIQUE,
        created_at TEXT NOT NULL
    );
    CREATE TABLE event (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        incident_id INTEGER NOT NULL REFERENCES incident(id),
        at TEXT NOT NULL,
        actor TEXT NOT NULL,
        role TEXT NOT NULL,
        kind TEXT NOT NULL,
        payload TEXT NOT NULL
    );
    CREATE INDEX event_by_incident ON event(incident_id, id);
    """,
    summary.TABLE,  # 2: each incident's summary beside its log (filled from the log on open)
    # 3: the investigator's pane reads the newest findings and hypotheses without a scan of the log,
    f"CREATE INDEX event_investigation ON event(incident_id, id) WHERE {summary.INVESTIGATION.format(e='')}; "
    f"{summary.SEARCHED}",  # and a search column in the summary (filled as fold version 2 rebuilds them)
    summary.PAGE_GROUP,  # 4: which incident each group of alerts opened or joined (written with its alerts)
    summary.OUTBOX,  # 5: the webhooks' messages, written with their events, until delivered
    summary.META.format(random_id="lower(hex(randomblob(8)))"),  # 6: the database's own random id
    summary.DECLARED,  # 7: each incident's declaration found by its time (an import, a copy: is it here already?)
    followups.table(sqlite=True),  # 8: each follow-up's code (F-n) and what a list of them shows
    statuspage.tables(sqlite=True),  # 9: maintenance windows and their timelines, the page's subscribers
)
SCHEMA_VERSION = len(MIGRATIONS)


# The columns each of warroom's tables has, to know a file is ours before anything is changed in it.
COLUMNS = {"incident": {"id", "code", "created_at"}, "event": {"id", "incident_id", "at", "actor", "role", "kind", "payload"}}
TABLE_COLUMNS = ("SELECT m.name, p.name FROM sqlite_master m JOIN pragma_table_info(m.name) p "
                 "WHERE m.type = 'table' AND m.name IN ('incident', 'event')")


def check_version(path: Path, version: int, tables: int, columns: list[tuple[str, str]] | tuple[()] = ()) -> None:
    """Refuse, before anything is changed in it, a file that is not a warroom database of a
    version this warroom knows (another program's tables, even named like ours, included)."""
    if version > SCHEMA_VERSION:
        raise StoreError(f"{path}: made by a newer warroom (schema {version}, this one knows {SCHEMA_VERSION}); upgrade warroom")
    if version == 0 and tables:
        raise StoreError(f"{path}: a SQLite file, but not a warroom database")
    if version:
        found: dict[str, set[str]] = {}
        for table, column in columns:
            found.setdefault(table, set()).add(column)
        if found != COLUMNS:
            raise StoreError(f"{path}: a SQLite file, but not a warroom database (its tables are not warroom's)")
