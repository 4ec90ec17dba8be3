"""Scheduled maintenance (issue 30): announced on the status page ahead of time, shown as
"Under maintenance" while it runs, and, during its window, an alert for one of its components
opens no incident (it goes on the maintenance's own timeline instead). Pure: the store keeps
them, `warroom maintenance` and the receiver go through the service."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from msgspec import Struct

from warroom.domain.text import MAX_TEXT, one_line

# (the checks' own modules are imported where a maintenance is planned: the store reads these
# windows on paths, the status line's among them, that never plan one)

MAX_TITLE = 200
LONGEST = timedelta(days=14)  # a window longer than this is a mistake (a typo in a date), not maintenance
OVERNIGHT = timedelta(hours=12)  # the longest window a time of day earlier than the start carries into the next day
HELD_BACK = "alert held back, no incident opened"  # how its timeline says it held back an alert
UNDER_MAINTENANCE = "under maintenance"  # a component's state while one of its maintenance windows runs
_SPAN = re.compile(r"\s*\d+\s*[dhms].*")  # 5m, 2h: a span, which `parse_when` reads as that long ago
_TIME_ONLY = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*(Z|UTC)?\s*$", re.I)


def code(number: int) -> str:
    """A maintenance's code, as people type and see it: MW-3."""
    return f"MW-{number}"


def code_number(text: str) -> int | None:
    found = re.match(r"^\s*MW-([0-9]{1,9})\s*$", text, re.I)
    return int(found.group(1)) if found else None


class Maintenance(Struct, frozen=True):
    number: int
    title: str
    starts: datetime
    ends: datetime
    components: tuple[str, ...]  # what it takes down: every component the config names when none were given
    notice: str = ""  # what the page says of it, besides its title and times
    created_by: str = ""
    created_at: datetime | None = None
    cancelled_at: datetime | None = None

    @property
    def code(self) -> str:
        return code(self.number)

    @property
    def anchor(self) -> str:
        """What names it on the public page: not its internal code."""
        import hashlib  # (OpenSSL: the status line reads this module and need not pay)

        return "maintenance-" + hashlib.sha256(f"{self.number}:{self.starts.isoformat()}".encode()).hexdigest()[:12]

    def running(self, now: datetime) -> bool:
        return self.cancelled_at is None and self.starts <= now < self.ends

    def announced(self, now: datetime) -> bool:
        """On the page: scheduled or running, not over nor cancelled."""
        return self.cancelled_at is None and now < self.ends

    def covers(self, component: str, now: datetime) -> bool:
        return self.running(now) and component in self.components


def window(starts: str, ends: str, now: datetime) -> tuple[datetime, datetime]:
    """The window as typed: `--from` an ISO time (2026-12-05T02:00Z), `--to` another or a time
    of day (04:00Z), which is on the start's day (UTC), or the next when it is earlier and the
    window is at most 12 hours (a night's); longer, it is refused, with the full time to type."""
    from warroom.domain.actions import RuleBroken
    from warroom.domain.timefmt import parse_when

    begin = parse_when(starts, now)
    if _SPAN.fullmatch(starts):
        raise RuleBroken(f"the start {one_line(starts, 40)!r} is not a time: give 2026-12-05T02:00Z")
    bare = _TIME_ONLY.match(ends)
    if bare:
        if int(bare.group(1)) > 23 or int(bare.group(2)) > 59:
            raise RuleBroken(f"the end {one_line(ends, 40)!r} is not a time of day")
        day = begin.astimezone(UTC)
        end = day.replace(hour=int(bare.group(1)), minute=int(bare.group(2)), second=0, microsecond=0)
        if end <= begin:
            end += timedelta(days=1)
            if end - begin > OVERNIGHT:  # 04:00 to 02:00: most likely 06:00 mistyped, and pages held back for 22 h
                from warroom.domain.timefmt import minutes_text

                raise RuleBroken(f"the end {one_line(ends, 40)!r} is earlier than the start: on the next day it makes "
                                 f"{minutes_text(end - begin)} of maintenance; if that is meant, give the full time "
                                 f"({end.strftime('%Y-%m-%dT%H:%MZ')})")
    else:
        if _SPAN.fullmatch(ends):
            raise RuleBroken(f"the end {one_line(ends, 40)!r} is not a time: give 04:00Z or 2026-12-05T04:00Z")
        end = parse_when(ends, now)
    if end <= begin:
        raise RuleBroken("the maintenance ends before it starts")
    if end - begin > LONGEST:
        raise RuleBroken(f"the maintenance is {(end - begin).days} days long; at most {LONGEST.days}")
    if end <= now:
        raise RuleBroken("the maintenance would be over already: its end is in the past")
    return begin, end


def plan(number: int, title: str, starts: str, ends: str, names: list[str], known: tuple[str, ...], now: datetime,
         actor: str, notice: str = "") -> Maintenance:
    """A maintenance checked whole (the store gives it its number): one line on what is wrong."""
    from warroom.domain.actions import RuleBroken, _text
    from warroom.domain.components import check_components

    title = _text(title, "maintenance title", MAX_TITLE).strip()
    if "\n" in title or "\r" in title:
        raise RuleBroken("the maintenance title is one line")
    if not known:
        raise RuleBroken("the config names no components: add [status_page] components = [...] first")
    chosen = check_components(names, known) or known
    begin, end = window(starts, ends, now)
    said = _text(notice, "notice", MAX_TEXT).strip() if notice.strip() else ""
    return Maintenance(number, title, begin, end, chosen, said, actor, now)


def covering(maintenances: list[Maintenance], components: tuple[str, ...], now: datetime) -> Maintenance | None:
    """The maintenance running now over any of these components, if one is."""
    return next((m for m in maintenances if any(m.covers(c, now) for c in components)), None)


def page_components(page, names: tuple[str, ...], services: dict[str, tuple[str, ...]]) -> tuple[str, ...]:
    """The components a page from the alerting is about: those its alerts name in a `component`
    label, else its service's as `[status_page.services]` maps them, else the component named as
    its service is (any case)."""
    by_fold = {name.casefold(): name for name in names}
    labelled = {by_fold[value.casefold()] for alert in page.alerts
                for key, value in alert.labels.items() if key == "component" and value.casefold() in by_fold}
    if labelled:
        return tuple(name for name in names if name in labelled)
    if page.service in services:
        return services[page.service]
    return (by_fold[page.service.casefold()],) if page.service.casefold() in by_fold else ()
