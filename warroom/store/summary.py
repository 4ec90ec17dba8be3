"""An incident's summary beside the log: its folded state (without the events) and the columns
a list needs, kept in the same transaction as the events it sums up.

The log stays the truth. A summary records the id of the last event it has folded and the
fold's version: new events are folded onto it (never the whole log again), and a summary of
another fold version, or none at all, is rebuilt from the log. `list`, the picker and the start
screen read summaries, so years of incidents stay one quick query.
"""

from __future__ import annotations

from datetime import datetime

import msgspec
from msgspec import Struct

from warroom.domain.incident import FOLD_VERSION, IncidentState, fold
from warroom.domain.model import LEVERS, RESOLVED, Event

# Migration 2 (see store.MIGRATIONS): the table; the rows are written by `Summaries.refresh`.
TABLE = """
    CREATE TABLE summary (
        incident_id INTEGER PRIMARY KEY REFERENCES incident(id),
        fold_version INTEGER NOT NULL,
        last_id INTEGER NOT NULL,
        title TEXT NOT NULL,
        severity TEXT NOT NULL,
        status TEXT NOT NULL,
        service TEXT NOT NULL,
        impact TEXT NOT NULL,
        detected TEXT,
        resolved TEXT,
        state BLOB NOT NULL
    );
"""

# An incident's declaration found by its time and who declared it (an import or a copy asks
# whether it is here already), without a look at every event (migration 7; PostgreSQL's 5).
DECLARED = "CREATE INDEX event_declared ON event(at, actor) WHERE kind = 'declared'"
# Its columns, named (a new incident's summary is written with its events by a copy).
COLUMNS = ("incident_id", "fold_version", "last_id", "title", "severity", "status", "service", "impact", "detected",
           "resolved", "state", "searched")

# The events the investigator's pane shows (the condition of a partial index, migration 3)
INVESTIGATION = "({e}kind = 'finding reported' OR ({e}kind = 'note' AND {e}role = 'investigator'))"

# Every incident with its summary, if it has a fresh one, and its newest event's id.
SELECT = """
SELECT i.id, i.code, s.fold_version, s.last_id, s.title, s.severity, s.status, s.service, s.impact,
       s.detected, s.resolved, (SELECT max(e.id) FROM event e WHERE e.incident_id = i.id)
FROM incident i LEFT JOIN summary s ON s.incident_id = i.id
ORDER BY i.id DESC
"""

# The same when every summary is known to be fresh: no look at the log at all.
SELECT_FRESH = """
SELECT i.code, s.title, s.severity, s.status, s.service, s.impact, s.detected, s.resolved
FROM incident i JOIN summary s ON s.incident_id = i.id
ORDER BY i.id DESC
"""

# Migration 3 adds what a search looks in: the code, title and service, case-folded by Python
# (SQLite's lower() folds ASCII letters only), so the filter stays in C; an index in the order
# the picker lists (so the first 50 are read without sorting every summary), and one on the
# search column alone (so a count does not read every summary's stored state), and one on the
# fold version and last id (so `reading.FRESHNESS` does not either).
ORDER = "(resolved IS NOT NULL), julianday(detected) DESC, incident_id DESC"
SEARCHED = f"""
ALTER TABLE summary ADD COLUMN searched TEXT NOT NULL DEFAULT '';
CREATE INDEX summary_order ON summary({ORDER});
CREATE INDEX summary_search ON summary(searched);
CREATE INDEX summary_fold ON summary(fold_version, last_id)
"""

# Incidents whose code, title or service holds a (folded) text, open ones first, then by
# detection, newest first; only when every summary is fresh.
FIND = f"""
SELECT i.code, s.title, s.severity, s.status, s.service, s.impact, s.detected, s.resolved
FROM summary s JOIN incident i ON i.id = s.incident_id
WHERE instr(s.searched, ?) > 0
ORDER BY {ORDER.replace("resolved", "s.resolved").replace("detected", "s.detected").replace("incident_id", "s.incident_id")}
LIMIT ?
"""
FIND_COUNT = "SELECT count(*) FROM summary WHERE instr(searched, ?) > 0"


def searched(summary: Summary | IncidentState) -> str:
    """What a search looks in: the code, title and service, case-folded."""
    return f"{summary.code} {summary.title} {summary.service}".casefold()


def ordered(summaries: list[Summary]) -> list[Summary]:
    """Open ones first, then by detection, newest first: FIND's order."""
    return sorted(summaries, key=lambda s: (s.resolved, -(s.detected.timestamp() if s.detected else 0)))


_ENCODER = msgspec.json.Encoder()
_DECODER = msgspec.json.Decoder(IncidentState)


class Summary(Struct):
    """What a list of incidents shows of one: the same names as IncidentState's."""

    code: str
    title: str
    severity: str
    status: str
    service: str
    impact: str
    detected: datetime | None
    resolved_at: datetime | None

    @property
    def resolved(self) -> bool:
        return self.resolved_at is not None

    def clock_end(self, now: datetime) -> datetime:
        return self.resolved_at if self.resolved_at is not None and self.resolved_at <= now else now

    @classmethod
    def of(cls, state: IncidentState) -> Summary:
        return cls(state.code, state.title, state.severity, state.status, state.service, state.impact,
                   state.detected, state.milestone(RESOLVED))


def encode(state: IncidentState) -> bytes:
    """The folded state without its events: what a summary keeps to fold onto."""
    return _ENCODER.encode(msgspec.structs.replace(state, events=[]))


def decode(raw: bytes, levers: tuple[str, ...] = LEVERS) -> IncidentState:
    state = _DECODER.decode(raw)
    for lever, name in zip(state.levers, levers, strict=False):
        lever.name = name  # the team's names for the levers, from its config
    return state


def onto(raw: bytes | None, version: int | None, events: list[Event]) -> IncidentState:
    """The state after `events`, folded onto a stored one when it is of this fold's version."""
    state = decode(raw) if raw is not None and version == FOLD_VERSION else fold([])
    for event in events:
        state.apply(event)
    return state


def row(state: IncidentState) -> tuple:
    """The summary's columns after incident_id: version, last id, the list's facts, the state,
    what a search looks in."""
    when = lambda moment: moment.isoformat() if moment else None  # noqa: E731
    return (FOLD_VERSION, state.last_id, state.title, state.severity, state.status, state.service, state.impact,
            when(state.detected), when(state.milestone(RESOLVED)), encode(state), searched(state))


def from_columns(code: str, title: str, severity: str, status: str, service: str, impact: str,
                 detected: str | None, resolved: str | None) -> Summary:
    when = lambda text: datetime.fromisoformat(text) if text else None  # noqa: E731
    return Summary(code, title, severity, status, service, impact, when(detected), when(resolved))


# Which incident a page's group (Alertmanager's groupKey, PagerDuty's incident id) went to:
# written with each alert event, so a re-sent group joins its open incident in one lookup.
PAGE_GROUP = """
    CREATE TABLE page_group (
        source TEXT NOT NULL,
        grp TEXT NOT NULL,
        incident_id INTEGER NOT NULL REFERENCES incident(id),
        PRIMARY KEY (source, grp, incident_id)
    )
"""


# Messages for the webhooks, written in the same transaction as the event they tell of, and
# delivered (at least once, in order per incident and webhook) by whoever delivers.
OUTBOX = """
    CREATE TABLE outbox (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        incident_id INTEGER NOT NULL REFERENCES incident(id),
        event_id INTEGER NOT NULL,
        webhook TEXT NOT NULL,
        url TEXT NOT NULL,
        topic TEXT NOT NULL,
        idempotency_key TEXT NOT NULL UNIQUE,
        body TEXT NOT NULL,
        created_at TEXT NOT NULL,
        tries INTEGER NOT NULL DEFAULT 0,
        next_at TEXT NOT NULL,
        delivered_at TEXT,
        given_up_at TEXT,
        error TEXT NOT NULL DEFAULT ''
    );
    CREATE INDEX outbox_waiting ON outbox(webhook, incident_id, id) WHERE delivered_at IS NULL AND given_up_at IS NULL
"""


# The database's own random id: it tells this database's webhook messages (their idempotency
# keys) from another's that holds an incident of the same code.
META = """
    CREATE TABLE warroom_meta (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
    );
    INSERT INTO warroom_meta VALUES ('database_id', {random_id})
"""
