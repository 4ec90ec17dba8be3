"""Follow-ups tracked to done (issue 28): closed with what was done and a link, reopened,
given to another owner or another due date. Each change is an event on its incident's
timeline, so it syncs to every console and copies between databases like any other.

The hat: while the incident is open a follow-up is the commander's, as adding one is. Once it
is resolved the war room is over and its hats with it: whoever does the work closes it, with
no hat taken (the event is still the commander's kind of action, recorded as such).

A follow-up is named in its incident by its number (the n-th added); the store gives each a
code of its own in the database, F-n, which is what people type and see.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

from warroom.domain.actions import RuleBroken, _as, _text
from warroom.domain.incident import FollowUp, IncidentState
from warroom.domain.model import COMMANDER, Event, Kind, followup_code
from warroom.domain.schema import MAX_LINK, MAX_WHO, FollowupAdded, FollowupChanged, FollowupDone, FollowupReopened, event
from warroom.domain.text import clean_input, one_line
from warroom.domain.timefmt import local_day

CODE = re.compile(r"^\s*[Ff]-([0-9]{1,9})\s*$")  # F-12, as a person types it
_SPAN = re.compile(r"^\s*(\d{1,4})\s*([dw])\s*$", re.I)  # 7d, 2w: that many days or weeks from today


code = followup_code  # (F-12: what people type and see)


def code_number(text: str) -> int | None:
    """The number of a follow-up's code (F-12 → 12), or None when the text is not one."""
    found = CODE.match(text)
    return int(found.group(1)) if found else None


def parse_due(text: str, now: datetime) -> str:
    """A due date as the person typed it: 2026-12-04, or a span from today (7d, 2w); "" for
    none. Always a day (UTC), as ISO text, so that what is overdue can be known; never a day
    already past."""
    text = clean_input(text).strip()
    if not text:
        return ""
    span = _SPAN.match(text)
    if span:
        amount, unit = int(span.group(1)), span.group(2).lower()
        return (local_day(now) + timedelta(days=amount * (7 if unit == "w" else 1))).isoformat()
    try:
        day = date.fromisoformat(text) if len(text) == 10 else None
    except ValueError:
        day = None
    if day is None:
        return _not_a_date(text)
    today = local_day(now)
    if day < today:  # a slip of the keys (2025 for 2026): a follow-up born overdue nags from its first minute
        raise RuleBroken(f"the due date {day.isoformat()} is past (today is {today.isoformat()}): give today or a later day")
    return day.isoformat()


def _not_a_date(text: str) -> str:
    raise RuleBroken(f"the due date {one_line(text, 40)!r} is not a date: give 2026-12-04, or 7d or 2w from today")


def due_day(item: FollowUp) -> date | None:
    """The day a follow-up is due, when it has a date (an older one may hold other words)."""
    try:
        return date.fromisoformat(item.due) if len(item.due) == 10 else None
    except ValueError:
        return None


def overdue(item: FollowUp, now: datetime) -> bool:
    """Open, and its due day is over on the local calendar."""
    day = due_day(item)
    return not item.done and day is not None and day < local_day(now)


def _hat(state: IncidentState, actor: str, now: datetime, kind: str, switch: bool) -> tuple[list[Event], str]:
    """The commander's while the incident is open (switched to when `switch` allows); nobody's
    hat once it is resolved."""
    return ([], COMMANDER) if state.resolved else _as(state, actor, now, kind, switch)


def _item(state: IncidentState, number: int) -> FollowUp:
    item = state.followup(number)
    if item is None:
        raise RuleBroken(f"{state.code} has no follow-up {number}")
    return item


def _link(link: str) -> str:
    link = clean_input(link).strip()
    if len(link) > MAX_LINK or "\n" in link:
        raise RuleBroken(f"the link is {len(link):,} characters or several lines; one line of at most {MAX_LINK:,}")
    return link


def add(state: IncidentState, actor: str, now: datetime, text: str, owner: str, *, due: str = "",
        switch: bool = False) -> list[Event]:
    """A follow-up: what should change, who owns it, by when (optional)."""
    text = _text(text, "follow-up")
    owner = _text(owner, "owner", MAX_WHO)
    due = parse_due(due, now)
    before, role = _hat(state, actor, now, Kind.FOLLOWUP_ADDED, switch)
    return before + [event(state.code, now, actor, role, FollowupAdded(text=text, owner=owner, due=due))]


def close(state: IncidentState, actor: str, now: datetime, number: int, *, note: str = "", link: str = "",
          switch: bool = False) -> list[Event]:
    """A follow-up done: what was done (optional) and the pull request or ticket (optional)."""
    item = _item(state, number)
    if item.done:
        raise RuleBroken(f"that follow-up was closed already, by {item.done_by} (reopen it to change that)")
    before, role = _hat(state, actor, now, Kind.FOLLOWUP_DONE, switch)
    note = _text(note, "note") if note.strip() else ""
    return before + [event(state.code, now, actor, role, FollowupDone(followup=number, note=note, link=_link(link)))]


def reopen(state: IncidentState, actor: str, now: datetime, number: int, *, reason: str = "",
           switch: bool = False) -> list[Event]:
    item = _item(state, number)
    if not item.done:
        raise RuleBroken("that follow-up is open")
    before, role = _hat(state, actor, now, Kind.FOLLOWUP_REOPENED, switch)
    reason = _text(reason, "reason") if reason.strip() else ""
    return before + [event(state.code, now, actor, role, FollowupReopened(followup=number, reason=reason))]


def change(state: IncidentState, actor: str, now: datetime, number: int, *, owner: str | None = None,
           due: str | None = None, link: str | None = None, switch: bool = False, hat: bool = True) -> list[Event]:
    """Another owner, another due date ("" takes it away), a link (the hook's, or a person's).
    Only what differs is written; nothing differing is refused. Without `hat`: warroom's own
    record (the link the team's hook printed), which wears no hat."""
    item = _item(state, number)
    owner = _text(owner, "owner", MAX_WHO) if owner is not None else None
    due = parse_due(due, now) if due is not None else None
    link = _link(link) if link is not None else None
    change = FollowupChanged(followup=number, owner=owner if owner not in (None, item.owner) else "",
                             due=due if due is not None and due != item.due else None,
                             link=link if link not in (None, "", item.link) else "")
    if not change.owner and change.due is None and not change.link:
        raise RuleBroken("nothing to change: it has that owner, due date and link already")
    before, role = _hat(state, actor, now, Kind.FOLLOWUP_CHANGED, switch) if hat else ([], COMMANDER)
    return before + [event(state.code, now, actor, role, change)]


def number_of(state: IncidentState, added: Event) -> int | None:
    """Which of the incident's follow-ups a "follow-up added" event made (None: not found)."""
    from warroom.domain.schema import read

    said = read(added)
    if not isinstance(said, FollowupAdded):
        return None
    return next((n for n, item in enumerate(state.followups, 1) if item.at == added.at and item.text == said.text
                 and item.owner == said.owner), None)
