"""How an incident is read without its whole log: the state from its summary (the fold's
snapshot) plus the events after it, the newest events for the first screen, and windows of the
timeline by event id as the person scrolls.

Each read is a plan: a generator that yields (sql, parameters) and is sent the rows back, so the
synchronous peek before the first frame and the asynchronous store run the very same reads.
"""

from __future__ import annotations

from collections.abc import Callable, Generator
from datetime import datetime
from typing import TypeVar

from msgspec import Struct, field

from warroom.domain.incident import FOLD_VERSION, IncidentState, fold
from warroom.domain.model import LEVERS, Event, JsonPayload, is_drill
from warroom.store import summary

RECENT = 200  # the newest events read with an incident: the timeline's first screens
INVESTIGATION_SHOWN = 100  # the newest findings and hypotheses the investigator's pane holds
CHUNK = 5000  # events folded at a time when a summary is rebuilt from a long log

SELECT = "SELECT e.id, i.code, e.at, e.actor, e.role, e.kind, e.payload FROM event e JOIN incident i ON i.id = e.incident_id"

Result = TypeVar("Result")
Plan = Generator[tuple[str, tuple], list, Result]  # yields (query, arguments), is sent the rows, returns the result


def row_event(row: tuple) -> Event:
    event_id, code, at, actor, role, kind, payload = row
    return Event(code, datetime.fromisoformat(at), actor, role, kind, JsonPayload(payload), event_id)


class Opening(Struct):
    """An incident as the console opens it: its folded state (whose `events` are only the newest
    RECENT, `count` says how many there are) and the newest findings and hypotheses."""

    state: IncidentState
    investigation: list[Event] = field(default_factory=list)

    @property
    def code(self) -> str:
        return self.state.code


Progress = Callable[[str, int, int], None]  # (incident code, events folded so far, events in its log)


class NeedsUpgrade(Exception):
    """Reading this incident would fold its whole log: its summary is missing or of another fold
    (a database an older warroom wrote). `warroom` upgrades the summaries first, saying so."""


def tail_fold(incident_id: int, raw: bytes | None, version: int | None, last_id: int,
              levers: tuple[str, ...] = LEVERS, progress: Callable[[int], None] | None = None) -> Plan[IncidentState]:
    """The state after every event: the stored one (when it is of this fold) plus what came after
    it, read CHUNK events at a time and not kept (a rebuild of a long log stays small).
    `progress` is told how many events were folded so far, after each chunk."""
    usable = raw is not None and version == FOLD_VERSION
    state = summary.decode(raw, levers) if raw is not None and usable else fold([], levers)
    after, done = (last_id if usable else 0), 0
    while True:
        rows = yield (f"{SELECT} WHERE e.incident_id = ? AND e.id > ? ORDER BY e.id LIMIT ?", (incident_id, after, CHUNK))
        for row in rows:
            state.apply(row_event(row))
        state.events.clear()
        done += len(rows)
        if progress is not None:
            progress(done)
        if len(rows) < CHUNK:
            return state
        after = rows[-1][0]


def opening(code: str, levers: tuple[str, ...] = LEVERS, summaries: bool = True, rebuild: bool = True) -> Plan[Opening | None]:
    """An incident to show: None when there is no such incident. `summaries` is False for a
    database from before them (read-only): its log is folded whole. Without `rebuild`, an
    incident whose summary would have to be rebuilt from its whole log raises NeedsUpgrade."""
    found = yield ("SELECT id FROM incident WHERE code = ?", (code,))
    if not found:
        return None
    incident_id = found[0][0]
    stored = (yield ("SELECT fold_version, last_id, state FROM summary WHERE incident_id = ?", (incident_id,))) if summaries else []
    version, last_id, raw = stored[0] if stored else (None, 0, None)
    if not rebuild and version != FOLD_VERSION:
        raise NeedsUpgrade(code)
    state = yield from tail_fold(incident_id, raw, version, last_id, levers)
    if not state.count:
        return None  # an incident row with no events: nothing to show
    # up to the last event folded: one written meanwhile is the console's to catch up on, not
    # a row the state has not seen (the reads are not one transaction)
    newest = yield (f"{SELECT} WHERE e.incident_id = ? AND e.id <= ? ORDER BY e.id DESC LIMIT ?",
                    (incident_id, state.last_id, RECENT))
    state.events = [row_event(row) for row in reversed(newest)]
    picked = yield (f"{SELECT} WHERE e.incident_id = ? AND e.id <= ? AND {summary.INVESTIGATION.format(e='e.')} "
                    "ORDER BY e.id DESC LIMIT ?", (incident_id, state.last_id, INVESTIGATION_SHOWN))
    return Opening(state, [row_event(row) for row in reversed(picked)])


def page(code: str, *, after: int | None = None, before: int | None = None, index: int | None = None,
         near: tuple[int, int] = (-1, 0), limit: int = RECENT) -> Plan[list[Event]]:
    """A window of the timeline, in log order: the events after an id or before one (keyset, as
    the person scrolls on), or from a position (a jump: home, end, the scroll bar). A jump counts
    from `near`, an event whose position and id are known ((-1, 0): before the first), in the
    index alone, so a jump across a million events costs what the distance to `near` does."""
    where = f"{SELECT} WHERE i.code = ?"
    if after is not None:
        rows = yield (f"{where} AND e.id > ? ORDER BY e.id LIMIT ?", (code, after, limit))
        return [row_event(row) for row in rows]
    if before is not None:
        rows = yield (f"{where} AND e.id < ? ORDER BY e.id DESC LIMIT ?", (code, before, limit))
        return [row_event(row) for row in reversed(rows)]
    assert index is not None
    position, known = near
    incident = "incident_id = (SELECT id FROM incident WHERE code = ?)"
    if index > position:
        found = yield (f"SELECT id FROM event WHERE {incident} AND id > ? ORDER BY id LIMIT 1 OFFSET ?",
                       (code, known, index - position - 1))
    elif index < position:
        found = yield (f"SELECT id FROM event WHERE {incident} AND id < ? ORDER BY id DESC LIMIT 1 OFFSET ?",
                       (code, known, position - index - 1))
    else:
        found = [(known,)]
    if not found:
        return []
    rows = yield (f"{where} AND e.id >= ? ORDER BY e.id LIMIT ?", (code, found[0][0], limit))
    return [row_event(row) for row in rows]


# Are all summaries of this fold and caught up with the log? Three aggregates tell (each write
# keeps its incident's summary, so only a migration, a new fold or a hand-made event leaves one
# behind, and each of those shows here).
FRESHNESS = ("SELECT (SELECT count(*) FROM incident), (SELECT count(*) FROM summary), "
             "(SELECT count(*) FROM summary WHERE fold_version != ?) + "
             "CASE WHEN coalesce((SELECT max(id) FROM event), 0) = coalesce((SELECT max(last_id) FROM summary), 0) "
             "THEN 0 ELSE 1 END")


def all_fresh(rows: list) -> bool:
    incidents, summaries, behind = rows[0]
    return incidents == summaries and not behind


# An incident is open unless its last resolve-or-reopen event resolved it (the fold's rule), read
# from the log when the summaries cannot be trusted.
OPEN_FROM_THE_LOG = """
SELECT i.code FROM incident i
WHERE coalesce((
    SELECT CASE WHEN e.kind = 'reopened' THEN 'open' ELSE 'resolved' END FROM event e
    WHERE e.incident_id = i.id
      AND (e.kind IN ('resolved', 'reopened')
           OR (e.kind = 'milestone set' AND json_extract(e.payload, '$.milestone') = 'resolved'))
    ORDER BY e.id DESC LIMIT 1), 'open') = 'open'
ORDER BY i.id DESC
"""


def open_codes(summaries: bool = True) -> Plan[list[str]]:
    """The open incidents' codes, newest first: from the summaries when they are all fresh (a
    log of a million events is not read to find it has no resolve in it)."""
    if summaries and all_fresh((yield (FRESHNESS, (FOLD_VERSION,)))):
        rows = yield ("SELECT i.code FROM incident i JOIN summary s ON s.incident_id = i.id "
                      "WHERE s.resolved IS NULL ORDER BY i.id DESC", ())
    else:
        rows = yield (OPEN_FROM_THE_LOG, ())
    return [code for (code,) in rows]


def run(db, plan: Plan[Result]) -> Result:
    """Carry a plan out on a sqlite3 connection."""
    try:
        query = next(plan)
        while True:
            query = plan.send(db.execute(*query).fetchall())
    except StopIteration as done:
        return done.value


def current(codes: list[str], preferred: str | None = None) -> str | None:
    """Of the open incidents (newest first): `preferred` if open, else the newest real one,
    else the newest drill (a drill never hides a real incident)."""
    if preferred in codes:
        return preferred
    real = [code for code in codes if not is_drill(code)]
    found = real or codes
    return found[0] if found else None
