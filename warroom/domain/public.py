"""What the public may read about an incident, and when the matrix says to tell them (pure).

The status page shows, for P0 and P1 incidents open or resolved lately, the title, the
severity in plain words, the state, the impact and the client-facing messages recorded as
sent, with their times: never notes, findings, names of the people working it, alerts or
runbooks. P2 and P3 stay internal (their internal note goes to the chat channel). For P0 the
page is republished by itself on every change of state and every message sent; for P1 it is
the communicator's key.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

from msgspec import Struct

from warroom.domain import schema
from warroom.domain.incident import IncidentState
from warroom.domain.model import COMPONENT_STATES, CONTAINED, EFFECTIVE, IMPACT_STARTED, ROOT_CAUSE, Event, Kind
from warroom.domain.policy import CLIENT_NOTICE, RESOLUTION_NOTICE, STATUS_UPDATE

PUBLIC_SEVERITIES = ("P0", "P1")
AUTOMATIC = "P0"  # the matrix: automatic for P0, manual for P1, an internal note for P2
RECENT = timedelta(days=7)  # a resolved incident stays on the page this long
PUBLIC_TEMPLATES = (CLIENT_NOTICE, STATUS_UPDATE, RESOLUTION_NOTICE)
SEVERITY_WORDS = {"P0": "Critical outage", "P1": "Major incident"}
# The page's state, as status pages say it: Investigating → Identified (the cause is known) →
# Monitoring (a fix is deployed) → Resolved; contained before the cause is known is still
# investigating, with the impact stopped.
STATE_WORDS = {"investigating": "Investigating", "contained": "Investigating: the impact is contained",
               "identified": "Identified: the cause is known and a fix is under way",
               "monitoring": "Monitoring: a fix is deployed", "resolved": "Resolved"}


def public_state(state: IncidentState) -> str:
    """investigating, contained, identified, monitoring or resolved: how far the public's
    trouble has come (a root cause named after containment is "identified")."""
    if state.status in ("investigating", "contained") and state.milestone(ROOT_CAUSE) is not None:
        return "identified"
    return state.status


def customer_title(state: IncidentState) -> str:
    """The title customers read: the one given, else the impact in plain words; never the
    internal title, the code or the severity."""
    if state.public_title:
        return state.public_title
    if state.impact:
        return f"Issue affecting {state.impact}"
    return f"{state.service} disruption".capitalize() if state.service else "Service disruption"


def impact_began(state: IncidentState) -> datetime | None:
    """Since when the public has had trouble: the recorded impact start, else the detection."""
    return state.milestone(IMPACT_STARTED) or state.detected


class Update(Struct, frozen=True):
    at: datetime
    kind: str  # client notice, status update, resolution notice
    text: str


class PublicIncident(Struct, frozen=True):
    code: str
    title: str
    severity: str
    severity_words: str
    state: str
    state_words: str
    impact: str
    started: datetime | None  # when the public's trouble began: the impact start, else the detection
    resolved: datetime | None
    updates: tuple[Update, ...]  # newest first
    service: str = ""  # which service it touched: the components it affects follow from it (issue 30)
    contained_at: datetime | None = None  # when the impact was contained (a lever worked): its components degraded, not down
    components: tuple[str, ...] = ()  # the components named for it (else its service's)
    override: str = ""  # the component state the communicator gave, over the derived one ("": derived)
    overrides: tuple[tuple[datetime, str], ...] = ()  # each override (or "": back to derived) from when it was set

    @property
    def contained(self) -> bool:
        return self.contained_at is not None

    @property
    def latest(self) -> Update | None:
        return self.updates[0] if self.updates else None

    @property
    def anchor(self) -> str:
        """What names it on the page, its feed and its JSON: stable, and not the internal code
        (customers never read INC-7, nor count incidents by it)."""
        import hashlib  # (OpenSSL: 3 ms the status line need not pay)

        return "incident-" + hashlib.sha256(self.code.encode()).hexdigest()[:12]


def signed_by(text: str, person: str, organisation: str) -> str:
    """A message as the public reads it: signed by the organisation, not by the person who sent
    it (the client's copy, on the timeline, keeps their name)."""
    if not person.strip() or not organisation.strip():
        return text
    return re.sub(rf"(?<![\w.-]){re.escape(person)}(?![\w-]|\.\w)", lambda _: organisation, text)


def public(state: IncidentState, organisation: str = "") -> PublicIncident | None:
    """The incident as the status page tells it, or None when it is not for the public. Each
    message is signed by `organisation` (the page's title) instead of its sender."""
    if not state.declared or state.severity not in PUBLIC_SEVERITIES:
        return None
    updates = tuple(Update(c.at, c.template, signed_by(c.text, c.actor, organisation))
                    for c in reversed(state.communications) if c.template in PUBLIC_TEMPLATES)
    stage = public_state(state)
    return PublicIncident(state.code, customer_title(state), state.severity, SEVERITY_WORDS[state.severity], stage,
                          STATE_WORDS.get(stage, stage), state.impact, impact_began(state), state.resolved_at, updates,
                          state.service, state.milestone(CONTAINED), state.components, state.component_state,
                          tuple(state.component_states))


def on_page(states: list[IncidentState], now: datetime, organisation: str = "") -> list[PublicIncident]:
    """The incidents the page shows: open ones first, then those resolved in the last week,
    newest first; their messages signed by `organisation`."""
    shown = [p for p in (public(state, organisation) for state in states) if p is not None and (p.resolved is None or now - p.resolved <= RECENT)]
    return sorted(shown, key=lambda p: (p.resolved is not None, -(p.started or now).timestamp()))


# A component's state (COMPONENT_STATES, worst last), with the words the page shows (never colour alone).
COMPONENT_WORDS = {"operational": "Operational", "degraded": "Degraded performance", "partial outage": "Partial outage",
                   "major outage": "Major outage", "under maintenance": "Under maintenance"}


def component_state(incident: PublicIncident) -> str:
    """What an incident does to the components it affects: a P0 not yet contained is a major
    outage, a P1 a partial one; once contained (monitoring) either is degraded performance;
    resolved, operational. The communicator's override, while it is open, wins."""
    if incident.resolved is not None:
        return "operational"
    if incident.override:
        return incident.override
    if incident.contained:
        return "degraded"
    return "major outage" if incident.severity == AUTOMATIC else "partial outage"


class Component(Struct, frozen=True):
    name: str
    state: str  # one of COMPONENT_STATES
    incidents: tuple[str, ...] = ()  # the anchors of the open incidents that affect it

    @property
    def words(self) -> str:
        return COMPONENT_WORDS[self.state]


def affected(incident: PublicIncident, names: tuple[str, ...], services: dict[str, tuple[str, ...]]) -> tuple[str, ...]:
    """The components an incident affects: those named for it, else its service's as the config
    maps them, else the component named as its service is (any case)."""
    if incident.components:
        return tuple(name for name in incident.components if name in names)
    if incident.service in services:
        return services[incident.service]
    return tuple(name for name in names if name.casefold() == incident.service.casefold())


def components(shown: list[PublicIncident], names: tuple[str, ...], services: dict[str, tuple[str, ...]]) -> list[Component]:
    """Each component's state now: the worst its open incidents give it, operational without one."""
    found = []
    for name in names:
        touching = [p for p in shown if p.resolved is None and name in affected(p, names, services)]
        worst = max((component_state(p) for p in touching), key=COMPONENT_STATES.index, default="operational")
        found.append(Component(name, worst, tuple(p.anchor for p in touching)))
    return found


HISTORY_DAYS = 90


class ComponentHistory(Struct, frozen=True):
    """A component's last days: each day's worst state, and the share of the time in each state."""
    name: str
    days: tuple[tuple[date, str], ...]  # oldest first
    shares: dict[str, float]  # state -> share of the window's time (0 to 1); the four add up to 1


def windows(incident: PublicIncident, now: datetime) -> list[tuple[datetime, datetime, str]]:
    """When an incident held its components in which state: from the impact's start to its
    containment the outage its severity makes, then degraded until it was resolved (or now);
    where the communicator overrode the state, the state they gave, from when they gave it."""
    start = incident.started
    if start is None:
        return []
    end = min(incident.resolved or now, now)
    down = "major outage" if incident.severity == AUTOMATIC else "partial outage"
    turn = min(max(incident.contained_at, start), end) if incident.contained_at is not None else end
    derived = [(a, b, state) for a, b, state in ((start, turn, down), (turn, end, "degraded")) if b > a]
    if not incident.overrides:
        return derived
    # the communicator's overrides win from when each was set until the next (or the end)
    marks = [(max(at, start), state) for at, state in incident.overrides if at < end]
    cuts = sorted({start, end, turn, *(at for at, _ in marks)})
    found = []
    for a, b in zip(cuts, cuts[1:], strict=False):
        given = next((state for at, state in reversed(marks) if at <= a), "")  # "": derived again
        state = given or next(state for x, y, state in derived if x <= a < y)
        if state != "operational":
            found.append((a, b, state))
    return found


def history(incidents: list[PublicIncident], names: tuple[str, ...], services: dict[str, tuple[str, ...]],
            now: datetime, days: int = HISTORY_DAYS) -> list[ComponentHistory]:
    """Each component's last `days` UTC days, today included: the worst state each day saw, and
    the share of the time (from the first day's start to now) spent in each state, the worst
    state winning where incidents overlap."""
    now = now.astimezone(UTC)
    first = now.date() - timedelta(days=days - 1)
    origin = datetime(first.year, first.month, first.day, tzinfo=UTC)
    found = []
    for name in names:
        spans = [(max(a, origin), b, state) for p in incidents if name in affected(p, names, services)
                 for a, b, state in windows(p, now) if b > origin]
        cuts = sorted({origin, now, *(a for a, _, _ in spans), *(b for _, b, _ in spans)}
                      | {origin + timedelta(days=n) for n in range(1, days)})
        time_in = dict.fromkeys(COMPONENT_STATES, 0.0)
        worst_of_day: dict[date, str] = {}
        for a, b in zip(cuts, cuts[1:], strict=False):
            if b <= a or a >= now:
                continue
            there = [state for start, end, state in spans if start < b and end > a]
            state = max(there, key=COMPONENT_STATES.index, default="operational")
            time_in[state] += (b - a).total_seconds()
            day = a.date()
            worst_of_day[day] = max(worst_of_day.get(day, "operational"), state, key=COMPONENT_STATES.index)
        total = (now - origin).total_seconds() or 1.0
        found.append(ComponentHistory(name, tuple((first + timedelta(days=n), worst_of_day.get(first + timedelta(days=n), "operational"))
                                                  for n in range(days)),
                                      {state: seconds / total for state, seconds in time_in.items()}))
    return found


def republish_due(state: IncidentState, events: list[Event]) -> bool:
    """For a P0, whether these events just committed change what the page says: declared,
    contained, resolved or reopened, its severity, or a public message recorded as sent."""
    if state.severity != AUTOMATIC:
        return False
    for event in events:
        if event.kind in (Kind.DECLARED, Kind.RESOLVED, Kind.REOPENED, Kind.SEVERITY_CHANGED, Kind.IMPACT_SET,
                          Kind.PUBLIC_TITLE_SET, Kind.MILESTONE_SET, Kind.COMPONENTS_SET):
            return True
        said = schema.read(event)
        if isinstance(said, schema.CommunicationSent) and said.template in PUBLIC_TEMPLATES:
            return True
        if isinstance(said, schema.LeverChanged) and said.state == EFFECTIVE and state.milestone(CONTAINED) == event.at:
            return True
    return False
