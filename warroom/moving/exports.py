"""Reading what `warroom export --format json` wrote, so an incident can move to another
machine or database. Everything is checked before anything is written; a file that is not an
export, or one crafted to break the importer, is refused with one line saying where and why.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from warroom.domain.errors import WarroomError
from warroom.domain.model import HATS, INCIDENT_CODE, KINDS, Event, Kind
from warroom.domain.schema import SchemaError, check
from warroom.domain.text import MAX_TEXT, clean_input

FORMAT = 1  # the "warroom" field of an export
MAX_BYTES = 1 << 30
MAX_DEPTH = 6  # a payload nested deeper than any warroom writes
_CODE = re.compile(f"^{INCIDENT_CODE}$")


class ImportRefused(WarroomError):
    """The file cannot be imported; nothing was written."""


@dataclass(frozen=True)
class Incoming:
    code: str
    events: list[Event]


def read_export(raw: bytes, source: str, now: datetime | None = None) -> Incoming:
    """The incident in an export, every event checked against its kind's schema (the same check
    the store makes on every write), and none later than `now`."""
    now = now or datetime.now(UTC)
    if len(raw) > MAX_BYTES:
        raise ImportRefused(f"{source}: {len(raw):,} bytes is more than an export can be")
    try:
        data = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise ImportRefused(f"{source}: not an export (not UTF-8 text)") from None
    except json.JSONDecodeError as error:
        raise ImportRefused(f"{source}: line {error.lineno}, column {error.colno}: not JSON: {error.msg}") from None
    except RecursionError:
        raise ImportRefused(f"{source}: not an export (nested too deeply)") from None
    except ValueError as error:  # e.g. a number of more digits than Python reads
        raise ImportRefused(f"{source}: not JSON: {error}") from None
    if not isinstance(data, dict) or "events" not in data or "warroom" not in data:
        raise ImportRefused(f"{source}: not a warroom export (expected what 'warroom export --format json' writes)")
    if data["warroom"] != FORMAT:
        raise ImportRefused(f"{source}: export format {str(data['warroom'])[:20]}; this warroom reads format {FORMAT}")
    code = data.get("incident")
    if not isinstance(code, str) or not _CODE.match(code):
        raise ImportRefused(f"{source}: \"incident\": expected a code such as INC-7")
    items = data["events"]
    if not isinstance(items, list) or not items:
        raise ImportRefused(f"{source}: \"events\": expected a list of events, and at least the declaration")
    events = [_event(item, n, code.upper(), source, now) for n, item in enumerate(items)]
    if events[0].kind != Kind.DECLARED or any(e.kind == Kind.DECLARED for e in events[1:]):
        raise ImportRefused(f"{source}: expected the incident's declaration first, and only once")
    return Incoming(code.upper(), events)


def _event(item: Any, n: int, code: str, source: str, now: datetime) -> Event:
    where = f"{source}: events[{n}]"
    if not isinstance(item, dict):
        raise ImportRefused(f"{where}: expected an object")
    for key, kind in (("at", str), ("actor", str), ("role", str), ("kind", str), ("payload", dict)):
        if not isinstance(item.get(key), kind):
            raise ImportRefused(f"{where}.{key}: expected {'an object' if kind is dict else 'a string'}")
    try:
        at = datetime.fromisoformat(item["at"])
    except ValueError:
        raise ImportRefused(f"{where}.at: expected an ISO 8601 time") from None
    if at.tzinfo is None:
        raise ImportRefused(f"{where}.at: expected a time with its UTC offset")
    at = at.astimezone(UTC)
    if item["role"] not in HATS:
        raise ImportRefused(f"{where}.role: expected one of: {', '.join(HATS)}")
    if item["kind"] not in KINDS:
        raise ImportRefused(f"{where}.kind: not a kind of event this warroom knows")
    if at > now:
        raise ImportRefused(f"{where}.at: in the future")
    event = Event(code, at, _clean(item["actor"], f"{where}.actor", 0), item["role"], item["kind"],
                  _clean(item["payload"], f"{where}.payload", 0))
    try:
        check(event)
    except SchemaError as error:
        raise ImportRefused(f"{where}.{error}") from None
    return event


def _clean(value: Any, where: str, depth: int) -> Any:
    """The value with lone surrogates made U+FFFD; refused when deeper or longer than warroom writes."""
    if depth > MAX_DEPTH:
        raise ImportRefused(f"{where}: nested too deeply")
    if isinstance(value, str):
        if len(value) > MAX_TEXT:
            raise ImportRefused(f"{where}: {len(value):,} characters; at most {MAX_TEXT:,}")
        return clean_input(value)
    if isinstance(value, dict):
        return {clean_input(str(k)): _clean(v, f"{where}.{str(k)[:40]}", depth + 1) for k, v in value.items()}
    if isinstance(value, list):
        return [_clean(v, f"{where}[{i}]", depth + 1) for i, v in enumerate(value)]
    if value is None or isinstance(value, (bool, int, float)):
        return value
    raise ImportRefused(f"{where}: unexpected value")
