"""Follow-ups beside the log (issue 28): each one's code in the database (F-n) and what a list
of them shows, kept in the same transaction as the events that add or change them.

The log stays the truth: a follow-up is its incident's n-th "follow-up added" event and the
changes after it. This table gives each (incident, n) a number of its own in this database,
in the order they were written, so people can type F-12; an incident copied or imported into
another database gets that database's next numbers, as its incident code may change. The
list's columns (text, owner, due, done) follow the incident's fold, so `warroom followups` and
the status line's overdue count are one query, never a fold of every log.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from msgspec import Struct

from warroom.domain.model import DRILL_PREFIX, followup_code

if TYPE_CHECKING:
    from warroom.domain.incident import FollowUp

VERSION = 8  # the SQLite schema that has the table (PostgreSQL's 6)

# Migration 8 (PostgreSQL's 6): the table, and the follow-ups already in the log numbered in the
# order they were written. {key} is the dialect's integer key; {json} reads a payload's field.
_TABLE = """
    CREATE TABLE followup (
        id {key},
        incident_id {integer} NOT NULL REFERENCES incident(id),
        number integer NOT NULL,
        text text NOT NULL,
        owner text NOT NULL,
        due text NOT NULL,
        due_date text,
        added_at text NOT NULL,
        done_at text,
        link text NOT NULL DEFAULT '',
        UNIQUE (incident_id, number)
    );
    CREATE INDEX followup_open ON followup(done_at, due_date);
    INSERT INTO followup (incident_id, number, text, owner, due, due_date, added_at)
    SELECT incident_id, row_number() OVER (PARTITION BY incident_id ORDER BY id), {text}, {owner}, coalesce({due}, ''),
           CASE WHEN length({due}) = 10 AND substr({due}, 5, 1) = '-' AND substr({due}, 8, 1) = '-' THEN {due} END, at
    FROM event WHERE kind = 'follow-up added' ORDER BY id
"""


def table(sqlite: bool) -> str:
    if sqlite:
        field = lambda name: f"json_extract(payload, '$.{name}')"  # noqa: E731
        key, integer = "INTEGER PRIMARY KEY", "INTEGER"
    else:
        field = lambda name: f"(payload::jsonb ->> '{name}')"  # noqa: E731
        key, integer = "bigserial PRIMARY KEY", "bigint"
    return _TABLE.format(key=key, integer=integer, text=field("text"), owner=field("owner"), due=field("due"))


COLUMNS = ("text", "owner", "due", "due_date", "added_at", "done_at", "link")
NUMBERS = "SELECT number FROM followup WHERE incident_id = ?"
INSERT = f"INSERT INTO followup (incident_id, number, {', '.join(COLUMNS)}) VALUES (?, ?, {', '.join('?' * len(COLUMNS))})"
UPDATE = f"UPDATE followup SET {', '.join(f'{c} = ?' for c in COLUMNS)} WHERE incident_id = ? AND number = ?"


def columns(item: FollowUp) -> tuple:
    """A follow-up's list columns, as COLUMNS names them."""
    from warroom.domain.followups import due_day

    day = due_day(item)
    when = lambda moment: moment.isoformat() if moment else None  # noqa: E731
    return (item.text, item.owner, item.due, day.isoformat() if day else None, when(item.at) or "", when(item.done_at), item.link)


class Row(Struct, frozen=True):
    """One follow-up as a list shows it."""
    code: str  # F-n
    incident: str  # its incident's code
    number: int  # its place among the incident's follow-ups
    text: str
    owner: str
    due: str
    added_at: datetime | None
    done_at: datetime | None
    link: str
    title: str  # its incident's title
    overdue: bool = False

    @property
    def done(self) -> bool:
        return self.done_at is not None


_REAL = f"substr(i.code, 1, {len(DRILL_PREFIX) + 1}) <> '{DRILL_PREFIX}-'"  # a drill's follow-ups are practice: listed apart, never counted
_DRILLS = _REAL.replace("<>", "=")
_SELECT = """
SELECT f.id, i.code, f.number, f.text, f.owner, f.due, f.due_date, f.added_at, f.done_at, f.link, s.title
FROM followup f JOIN incident i ON i.id = f.incident_id LEFT JOIN summary s ON s.incident_id = f.incident_id
WHERE {which}
ORDER BY (f.done_at IS NOT NULL), f.incident_id DESC, f.number
"""
SELECT = _SELECT.format(which=_REAL)
SELECT_DRILLS = _SELECT.format(which=_DRILLS)  # a drill's improvement plan (warroom drill --followups)
BY_ID = """
SELECT f.id, i.code, f.number, f.text, f.owner, f.due, f.due_date, f.added_at, f.done_at, f.link, s.title
FROM followup f JOIN incident i ON i.id = f.incident_id LEFT JOIN summary s ON s.incident_id = f.incident_id
WHERE f.id = ?
"""
OF_INCIDENT = "SELECT f.number, f.id FROM followup f JOIN incident i ON i.id = f.incident_id WHERE i.code = ?"
# the status line's count: open, with a due day before today
OVERDUE = f"""
SELECT count(*) FROM followup f JOIN incident i ON i.id = f.incident_id
WHERE f.done_at IS NULL AND f.due_date IS NOT NULL AND f.due_date < ? AND {_REAL}
"""


def row(found: tuple, today: date) -> Row:
    number, incident, place, text, owner, due, due_date, added, done, link, title = found
    when = lambda text: datetime.fromisoformat(text) if text else None  # noqa: E731
    return Row(followup_code(number), incident, place, text, owner, due, when(added), when(done), link, title or "",
               overdue=done is None and due_date is not None and due_date < today.isoformat())
