"""The checks every part of the config goes through: each problem is a `_Bad` naming the key
and what was expected, which `parse` turns into one `ConfigError` line."""

from __future__ import annotations

import re
from typing import Any

from warroom.domain.text import is_email

MAX_TEXT = 4000
MAX_NAMES = 1000  # in one list of names

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


class _Bad(Exception):
    def __init__(self, key: str, expected: str) -> None:
        self.key, self.expected = key, expected


def _short(text: str, limit: int = 40) -> str:
    return _CONTROL.sub("?", text[:limit] + ("…" if len(text) > limit else ""))


def _got(value: Any) -> str:
    shown = '"' + _short(value) + '"' if isinstance(value, str) else _short(repr(value), 60)
    return f"got {type(value).__name__} {shown}"


def _table(value: Any, key: str, allowed: tuple[str, ...] | dict | None = None) -> dict:
    if not isinstance(value, dict):
        raise _Bad(key, f"expected a table, {_got(value)}")
    if allowed is not None:
        for name in value:
            if name not in allowed:
                known = ", ".join(allowed) or "none"
                raise _Bad(f"{key}.{_short(name)}" if key else _short(name), f"unknown key; expected one of: {known}")
    return value


def _text(value: Any, key: str, *, empty: bool = False, limit: int = MAX_TEXT, lines: bool = False) -> str:
    if not isinstance(value, str):
        raise _Bad(key, f"expected a string, {_got(value)}")
    if not empty and not value.strip():
        raise _Bad(key, "expected some text, got an empty string")
    if len(value) > limit:
        raise _Bad(key, f"expected at most {limit:,} characters, got {len(value):,}")
    if _CONTROL.search(value) or (not lines and "\n" in value):
        raise _Bad(key, "expected text without control characters" + ("" if lines else " or line breaks"))
    return value


def _bool(value: Any, key: str) -> bool:
    if not isinstance(value, bool):
        raise _Bad(key, f"expected true or false, {_got(value)}")
    return value


def _minutes(value: Any, key: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0 or value > 60 * 24 * 30:
        raise _Bad(key, f"expected a whole number of minutes from 0 to 43200, {_got(value)}")
    return value


def _choice(value: Any, key: str, choices: tuple[str, ...]) -> str:
    if not isinstance(value, str) or value not in choices:
        raise _Bad(key, f"expected one of: {', '.join(choices)}; {_got(value)}")
    return value


def _names(value: Any, key: str, limit: int = MAX_NAMES) -> tuple[str, ...]:
    """A list of distinct names (roles, or people)."""
    if not isinstance(value, list):
        raise _Bad(key, f"expected a list of names, {_got(value)}")
    if len(value) > limit:
        raise _Bad(key, f"{len(value):,} names; at most {limit:,}")
    names = tuple(_text(item, f"{key}[{n}]", limit=80).strip() for n, item in enumerate(value))
    for n, name in enumerate(names):
        if name in names[:n]:
            raise _Bad(f"{key}[{n}]", f"expected each name once; \"{_short(name)}\" is there twice")
    return names


def _url(value: Any, key: str, schemes: tuple[str, ...]) -> str:
    text = _text(value, key, limit=2000).strip()
    scheme, _, rest = text.partition("://")
    if scheme.lower() not in schemes or not rest or " " in rest:
        raise _Bad(key, f"expected a {' or '.join(s + '://' for s in schemes)} address, got \"{_short(text)}\"")
    return text


def _email(value: Any, key: str) -> str:
    text = _text(value, key, limit=320).strip()
    if not is_email(text):
        raise _Bad(key, f"expected an email address, got \"{_short(text)}\"")
    return text
