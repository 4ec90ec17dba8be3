"""The database file itself: made private, checked to be SQLite, opened to read only, and what
SQLite's errors mean for the person (one line each)."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from warroom.domain.errors import WarroomError

BUSY_TIMEOUT_MS = 5000
SQLITE_HEADER = b"SQLite format 3\x00"

# The database files this process has a store's SQLite connection to, by (device, inode), and
# how many. While one is there the file must never be opened and closed any other way: closing
# any descriptor of a file drops every POSIX lock the process holds on it, SQLite's among them.
# Another process closing its connection would then take itself for the last one and delete
# the WAL, and what this process commits next would go to a file nobody else reads.
_CONNECTED: dict[tuple[int, int], int] = {}


class StoreError(WarroomError):
    """The database cannot be used; the message says why, in one line, for the person."""


class CommitUnknown(StoreError):
    """The commit was sent and the server went away before it answered: it may or may not have
    been made. The log says which, once the server is back (never shown as done before)."""


class Conflict(StoreError):
    """Someone else's commit came first and the write no longer holds (a hat taken a moment
    before): nothing of it was written. Catch up and look again."""


def describe_sqlite_error(path: Path, error: sqlite3.Error) -> StoreError:
    text = str(error)
    if "locked" in text or "busy" in text:
        return StoreError(f"{path}: the database is locked by another process (waited {BUSY_TIMEOUT_MS // 1000} s)")
    if "not a database" in text or "malformed" in text:
        return StoreError(f"{path}: not a warroom database (the file is not SQLite or is damaged)")
    if "readonly" in text or "read-only" in text:
        return StoreError(f"{path}: the database is read-only")
    if "disk" in text and "full" in text:
        return StoreError(f"{path}: the disk is full")
    return StoreError(f"{path}: {text}")


def connected(found: tuple[int, int] | None, by: int) -> None:
    """Count a store's connection to the file of this identity made (`by` 1) or closed (-1)."""
    if found is not None:
        left = _CONNECTED.get(found, 0) + by
        if left > 0:
            _CONNECTED[found] = left
        else:
            _CONNECTED.pop(found, None)


def connected_here(path: Path) -> bool:
    """Has this process a store's connection to this file? (Then it is SQLite, and it must not
    be opened and closed other than through SQLite: see _CONNECTED.)"""
    found = identity(path)
    return found is not None and found in _CONNECTED


def prepare_file(path: Path) -> None:
    """Create the folder and an empty file readable by its owner only; refuse what is not SQLite."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        if path.exists():
            if path.is_dir():
                raise StoreError(f"{path}: is a folder, not a database file")
            if connected_here(path):
                return  # (read as SQLite already; a plain open and close would drop its locks)
            try:
                with path.open("rb") as handle:
                    head = handle.read(16)
            except PermissionError:
                raise StoreError(f"{path}: cannot read the database (permission denied)") from None
            if head and head != SQLITE_HEADER:
                raise StoreError(f"{path}: not a warroom database (the file is not SQLite)")
            return
        os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
    except PermissionError:
        raise StoreError(f"{path}: cannot write here (permission denied)") from None
    except OSError as error:
        raise StoreError(f"{path}: cannot create the database ({error.strerror or error})") from None


def read_uri(path: Path) -> str:
    """How to open a database only to read it. In a folder nobody may write to, SQLite cannot
    make the WAL's shared-memory file: such a file is opened as immutable (nobody can be
    writing to it there without that file)."""
    wal_index = path.with_name(path.name + "-shm")
    folder_writable = os.access(path.parent, os.W_OK)
    immutable = not folder_writable and not wal_index.exists()
    return f"{path.resolve().as_uri()}?{'immutable=1' if immutable else 'mode=ro'}"


def identity(path: Path) -> tuple[int, int] | None:
    try:
        found = path.stat()
    except OSError:
        return None
    return found.st_dev, found.st_ino


def writable(path: Path) -> bool:
    """Can this process write to the file? Asked of the system, not by opening it (see _CONNECTED)."""
    return os.access(path, os.W_OK, effective_ids=os.access in os.supports_effective_ids)
