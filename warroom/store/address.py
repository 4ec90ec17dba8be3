"""A database named by its address: a file's path, or a PostgreSQL server's URL, and how a
message names it (never with its password). No database driver is imported here."""

from __future__ import annotations

import re
from pathlib import Path


def is_server(target: str | Path) -> bool:
    """A postgresql:// (or postgres://) address rather than a file."""
    return str(target).startswith(("postgresql://", "postgres://"))


_USER_PASSWORD = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*://[^:/?#@]*:)[^@]*@")
_PASSWORD_PARAMETER = re.compile(r"(?i)([?&]password=)[^&#]*")


def shown(target: str | Path) -> str:
    """The database as messages and the screen name it: a file's path, or the address without
    its password, whether given as `user:password@` or `?password=`. Text, not a parse: an
    address too broken to parse (`postgresql://u:secret@[::1/db`) is masked all the same."""
    if not is_server(target):
        return str(target)
    return _PASSWORD_PARAMETER.sub(r"\1***", _USER_PASSWORD.sub(r"\1***@", str(target)))


def hidden(text: str, target: str | Path) -> str:
    """`text` (a driver's error, which may quote the address) with the address's password
    masked wherever it stands."""
    raw = str(target)
    secrets = [m.group(0)[len(m.group(1)):-1] for m in _USER_PASSWORD.finditer(raw)]
    secrets += [m.group(0)[len(m.group(1)):] for m in _PASSWORD_PARAMETER.finditer(raw)]
    text = text.replace(raw, shown(raw))
    for secret in filter(None, secrets):
        text = text.replace(secret, "***")
    return text
