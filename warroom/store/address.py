"""A database named by its address: a file's path, or a PostgreSQL server's URL, and how a
message names it (never with its password). No database driver is imported here."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit, urlunsplit


def is_server(target: str | Path) -> bool:
    """A postgresql:// (or postgres://) address rather than a file."""
    return str(target).startswith(("postgresql://", "postgres://"))


def shown(target: str | Path) -> str:
    """The database as messages and the screen name it: a file's path, or the address without
    its password."""
    if not is_server(target):
        return str(target)
    parts = urlsplit(str(target))
    if parts.password is None:
        return str(target)
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
    return urlunsplit(parts._replace(netloc=netloc))
