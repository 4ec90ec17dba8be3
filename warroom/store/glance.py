"""A glance at a SQLite file before any event loop starts: the status line's read, and the
console's first frame. Kept apart from `sqlite` (the store proper, with its base and outbox) so
that `warroom status --tmux`, run every few seconds, imports only what one read needs."""

from __future__ import annotations

import os
import sqlite3
from datetime import date
from pathlib import Path

from warroom.domain.model import LEVERS
from warroom.store import reading
from warroom.store.files import BUSY_TIMEOUT_MS, SQLITE_HEADER, StoreError, connected_here, describe_sqlite_error, read_uri
from warroom.store.reading import Opening
from warroom.store.tables import TABLE_COLUMNS, check_version


def peek(path: Path, code: str | None = None, preferred: str | None = None,
         levers: tuple[str, ...] = LEVERS, rebuild: bool = True) -> Opening | None:
    """A quick synchronous read before the console's event loop starts, so its first frame
    already shows the incident: the one asked for, else `preferred` if it is open, else the
    newest open one; None when there is none. Reads the incident's summary and what came after
    it, never the whole log. Writes nothing and creates nothing (a file not there gives None).
    Without `rebuild`, a database an older warroom wrote (no summary of this fold for the
    incident, or no summaries at all) raises reading.NeedsUpgrade instead of folding a log."""
    path = Path(os.path.expanduser(path))
    try:
        if not path.is_file() or path.stat().st_size == 0:
            return None
        if not connected_here(path):  # (a store of this process has it open: SQLite, and never opened beside it)
            with path.open("rb") as handle:
                if handle.read(16) != SQLITE_HEADER:
                    raise StoreError(f"{path}: not a warroom database (the file is not SQLite)")
    except OSError as error:
        raise StoreError(f"{path}: cannot read the database ({error.strerror or error})") from None
    try:
        db = sqlite3.connect(read_uri(path), uri=True, timeout=BUSY_TIMEOUT_MS / 1000)
        try:
            version = db.execute("PRAGMA user_version").fetchone()[0]
            check_version(path, version, db.execute("SELECT count(*) FROM sqlite_master").fetchone()[0],
                          db.execute(TABLE_COLUMNS).fetchall())
            if version < 1:
                return None  # Store.open makes it first
            if version < 2 and not rebuild:
                raise reading.NeedsUpgrade(code)
            if code is None:
                codes = reading.run(db, reading.open_codes(summaries=version >= 2))
                code = reading.current(codes, preferred)
            if code is None:
                return None
            return reading.run(db, reading.opening(code, levers, summaries=version >= 2, rebuild=rebuild))
        finally:
            db.close()
    except sqlite3.Error as error:
        raise describe_sqlite_error(path, error) from None


def overdue(path: Path, today: date) -> int:
    """How many follow-ups of real incidents are open past their due day (the status line's
    count when no incident is open); 0 for a file not there or from before follow-up codes."""
    from warroom.store import followups

    path = Path(os.path.expanduser(path))
    if not path.is_file() or path.stat().st_size == 0:
        return 0
    try:
        db = sqlite3.connect(read_uri(path), uri=True, timeout=BUSY_TIMEOUT_MS / 1000)
        try:
            if db.execute("PRAGMA user_version").fetchone()[0] < followups.VERSION:
                return 0
            return int(db.execute(followups.OVERDUE, (today.isoformat(),)).fetchone()[0])
        finally:
            db.close()
    except sqlite3.Error as error:
        raise describe_sqlite_error(path, error) from None
