"""What the status page's files are made of: the incidents the public may read (this week's on
the front page, a year's on their own pages and the history), the components' states now and
over 90 days, and the maintenance announced. Read once per publish, from the summaries."""

from __future__ import annotations

import hashlib
import re
from datetime import datetime, timedelta
from typing import NamedTuple

from warroom.domain.maintenance import UNDER_MAINTENANCE, Maintenance
from warroom.domain.model import is_drill
from warroom.domain.public import (
    HISTORY_DAYS,
    PUBLIC_SEVERITIES,
    RECENT,
    Component,
    ComponentHistory,
    PublicIncident,
    affected,
    components,
    history,
    on_page,
    public,
)
from warroom.store import EventStore

KEPT = timedelta(days=365)  # an incident's own page stays this long after it is resolved


class Board(NamedTuple):
    """The components' part of the page: each one's state now, and its last 90 days."""
    now: list[Component]
    history: list[ComponentHistory]


class Site(NamedTuple):
    now: datetime
    title: str
    shown: list[PublicIncident]  # the front page's: open, then resolved this week
    kept: list[PublicIncident]  # every public incident of the last year, newest first: a page each, and the history
    board: Board | None  # None when the config names no components
    affects: dict[str, tuple[str, ...]]  # an incident's anchor -> the components it affects
    maintenance: list[Maintenance]  # announced (not over, not cancelled), soonest first

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.board.now) if self.board else ()

    def under_maintenance(self, name: str) -> bool:
        return any(m.covers(name, self.now) for m in self.maintenance)

    def state_of(self, component: Component) -> str:
        """A component's state as the page shows it: under maintenance while one of its windows
        runs and no incident makes it worse."""
        if component.state == "operational" and self.under_maintenance(component.name):
            return UNDER_MAINTENANCE
        return component.state


def slug(name: str, names: tuple[str, ...]) -> str:
    """A component's file name: its name in lower-case letters and hyphens, with a short hash
    when that is empty or another component's is the same."""
    plain = re.sub(r"[^a-z0-9]+", "-", name.casefold()).strip("-")[:40]
    clash = sum(1 for other in names if re.sub(r"[^a-z0-9]+", "-", other.casefold()).strip("-")[:40] == plain) > 1
    return plain if plain and not clash else f"{plain or 'component'}-{hashlib.sha256(name.encode()).hexdigest()[:8]}"


async def gather(store: EventStore, now: datetime, title: str, names: tuple[str, ...] = (),
                 services: dict[str, tuple[str, ...]] | None = None, maintenance: list[Maintenance] | None = None) -> Site:
    """The site as the store says it now: each public incident of the last year opened once."""
    services = services or {}
    back = max(KEPT, timedelta(days=HISTORY_DAYS + 1), RECENT)
    states = []
    for found in await store.summaries():
        within = found.resolved_at is None or now - found.resolved_at <= back
        if found.severity in PUBLIC_SEVERITIES and within and not is_drill(found.code):
            states.append((await store.opening(found.code)).state)
    shown = on_page(states, now, title)  # signed by the organisation, never by a person
    kept = sorted((p for p in (public(state, title) for state in states) if p is not None),
                  key=lambda p: -(p.started or now).timestamp())
    board = Board(components(shown, names, services), history(kept, names, services, now)) if names else None
    affects = {p.anchor: affected(p, names, services) for p in kept}
    return Site(now, title, shown, kept, board, affects, [m for m in maintenance or [] if m.announced(now)])
