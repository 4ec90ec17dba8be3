"""How an incident is read without its whole log: the state from its summary (the fold's
snapshot) plus the events after it, the newest events for the first screen, and windows of the
timeline by event id as the person scrolls.

Each read is a plan: a generator that yields (sql, parameters) and is sent the rows back, so the
synchronous peek before the first frame and the asynchronous store run the very same reads.
"""

from __future__ import annotations

from collections.abc import Generator
from dataclasses import dataclass, field
from datetime import datetime

from warroom.domain.incident import FOLD_VERSION, IncidentState, fold
from warroom.domain.model import LEVERS, Event, JsonPayload
from warroom.store import summary

RECENT = 200  # the newest events read with an incident: the timeline's first screens
INVESTIGATION_SHOWN = 100  # the newest findings and hypotheses the investigator's pane holds
CHUNK = 5000  # events folded at a time when a summary is rebuilt from a long log

SELECT = "SELECT e.id, i.code, e.at, e.actor, e.role, e.kind, e.payload FROM event e JOIN incident i ON i.id = e.incident_id"

Plan = Generator[tuple[str, tuple], list, object]


def row_event(row: tuple) -> Event:
    event_id, code, at, actor, role, kind, payload = row
    return Event(code, datetime.fromisoformat(at), actor, role, kind, JsonPayload(payload), event_id)


@dataclass
class Opening:
    """An incident as the console opens it: its folded state (whose `events` are only the newest
    RECENT, `count` says how many there are) and the newest findings and hypotheses."""

    state: IncidentState
    investigation: list[Event] = field(default_factory=list)

    @property
    def code(self) -> str:
        return self.state.code


def tail_fold(incident_id: int, raw: bytes | None, version: int | None, last_id: int,
              levers: tuple[str, ...] = LEVERS) -> Plan:
    """The state after every event: the stored one (when it is of this fold) plus what came after
    it, read CHUNK events at a time and not kept (a rebuild of a long log stays small)."""
    usable = raw is not None and version == FOLD_VERSION
    state = summary.decode(raw, levers) if usable else fold([], levers)
    after = last_id if usable else 0
    while True:
        rows = yield (f"{SELECT} WHERE e.incident_id = ? AND e.id > ? ORDER BY e.id LIMIT ?", (incident_id, after, CHUNK))
        for row in rows:
            state.apply(row_event(row))
        state.events.clear()
        if len(rows) < CHUNK:
            return state
        after = rows[-1][0]


def opening(code: str, levers: tuple[str, ...] = LEVERS, summaries: bool = True) -> Plan:
    """An incident to show: None when there is no such incident. `summaries` is False for a
    database from before them (read-only): its log is folded whole."""
    found = yield ("SELECT id FROM incident WHERE code = ?", (code,))
    if not found:
        return None
    incident_id = found[0][0]
    stored = (yield ("SELECT fold_version, last_id, state FROM summary WHERE incident_id = ?", (incident_id,))) if summaries else []
    version, last_id, raw = stored[0] if stored else (None, 0, None)
    state = yield from tail_fold(incident_id, raw, version, last_id, levers)
    if not state.count:
        return None  # an incident row with no events: nothing to show
    newest = yield (f"{SELECT} WHERE e.incident_id = ? ORDER BY e.id DESC LIMIT ?", (incident_id, RECENT))
    state.events = [row_event(row) for row in reversed(newest)]
    picked = yield (f"{SELECT} WHERE e.incident_id = ? AND {summary.INVESTIGATION.format(e='e.')} "
                    "ORDER BY e.id DESC LIMIT ?", (incident_id, INVESTIGATION_SHOWN))
    return Opening(state, [row_event(row) for row in reversed(picked)])


def page(code: str, *, after: int | None = None, before: int | None = None, index: int | None = None,
         upto: int = 0, total: int = 0, limit: int = RECENT) -> Plan:
    """A window of the timeline, in log order: the events after an id or before one (keyset, as
    the person scrolls on), or from a position (a jump: home, end, the scroll bar), counted from
    whichever end is nearer among the `total` events up to id `upto`."""
    where = f"{SELECT} WHERE i.code = ?"
    if after is not None:
        rows = yield (f"{where} AND e.id > ? ORDER BY e.id LIMIT ?", (code, after, limit))
        return [row_event(row) for row in rows]
    if before is not None:
        rows = yield (f"{where} AND e.id < ? ORDER BY e.id DESC LIMIT ?", (code, before, limit))
        return [row_event(row) for row in reversed(rows)]
    assert index is not None
    from_end = total - index - limit
    if index <= from_end:
        rows = yield (f"{where} AND e.id <= ? ORDER BY e.id LIMIT ? OFFSET ?", (code, upto, limit, index))
        return [row_event(row) for row in rows]
    rows = yield (f"{where} AND e.id <= ? ORDER BY e.id DESC LIMIT ? OFFSET ?",
                  (code, upto, limit + min(0, from_end), max(0, from_end)))
    return [row_event(row) for row in reversed(rows)]


def run(db, plan: Plan):
    """Carry a plan out on a sqlite3 connection."""
    try:
        query = next(plan)
        while True:
            query = plan.send(db.execute(*query).fetchall())
    except StopIteration as done:
        return done.value
