"""What a scenario adds to the drill's timeline as its clock runs (pure). Each inject is
written once: the events it wrote name it (their actor says `drill #n`, an alert's group
`drill-n`), so a drill reopened after a quit does not inject twice."""

from __future__ import annotations

from datetime import datetime, timedelta

from warroom.domain import schema
from warroom.domain.incident import IncidentState
from warroom.domain.model import COMMANDER, COMMUNICATOR, INJECT, INVESTIGATOR, PULLED, Event, Kind
from warroom.domain.paging import Alert, Page, alert_events
from warroom.drills.scenario import Inject, Scenario

LEVER_SETTLES = timedelta(minutes=1)  # a lever's outcome shows this long after it is pulled
WHO = {"finding": "investigator", "exec": "VP Engineering", "customer": "customer report", "lever": "dashboards",
       "skipped": "skipped", "unavailable": "called away"}


def actor(number: int, kind: str) -> str:
    return f"{INJECT}{number}: {WHO.get(kind, kind)}"


def _number(written_by: str) -> int:
    """The inject an event's actor names ("drill #3: investigator" is inject 3; 0: the facilitator's own)."""
    return int(written_by.removeprefix(INJECT).split(":")[0])


def skipped(events: list[Event]) -> dict[int, str]:
    """The injects skipped because their condition did not hold, as the timeline says: each
    one's number and what was said (the scorecard lists them, the facilitator's script marks them)."""
    found = {}
    for event in events:
        said = schema.read(event) if event.kind == Kind.NOTE and event.actor.endswith(f": {WHO['skipped']}") else None
        if isinstance(said, schema.Note):
            found[_number(event.actor)] = said.text
    return found


def done(state: IncidentState, events: list[Event]) -> set[int]:
    """The injects already on the timeline (their numbers)."""
    found = set()
    for event in events:
        if event.actor.startswith(INJECT):
            found.add(_number(event.actor))
        said = schema.read(event) if event.kind == Kind.ALERT else None
        if isinstance(said, schema.Alert) and said.group.startswith("drill-"):
            found.add(int(said.group[6:]))
    return found


def due(scenario: Scenario, state: IncidentState, now: datetime, already: set[int]) -> list[Event]:
    """The events of every inject due at `now` and not yet written, each at its own time after
    detection (a lever's outcome: now, a minute after the pull)."""
    detected = state.detected
    if detected is None or state.resolved:
        return []
    events: list[Event] = []
    for number, inject in enumerate(scenario.injects, 1):
        if number in already or detected + inject.at > now:
            continue
        when = detected + inject.at  # each at its own time on the drill's clock, however late the look (a lever's: now)
        if inject.when is not None and not inject.when.holds(state) and inject.kind != "lever":
            events.append(schema.event(state.code, when, actor(number, "skipped"), COMMANDER, schema.Note(
                text=f"inject #{number} ({inject.kind}) skipped: \"{inject.when.text}\" did not hold at its time")))
            continue
        events += _written(scenario, state, number, inject, when, now)
    return events


def _written(scenario: Scenario, state: IncidentState, number: int, inject: Inject, when: datetime, now: datetime) -> list[Event]:
    """What one inject writes, at `when` (a lever's outcome: `now`, once it has settled)."""
    detected = state.detected or when
    events: list[Event] = []
    if inject.kind == "alert":
        alert = Alert(f"drill-{number}", inject.name, "firing", {"alertname": inject.name, "service": scenario.service},
                      {"summary": inject.text}, detected - scenario.impact_before)
        page = Page("alertmanager", f"drill-{number}", True, inject.text, scenario.severity, scenario.service, when, (alert,))
        events += alert_events(state, page)
    elif inject.kind == "finding":
        events.append(schema.event(state.code, when, actor(number, "finding"), INVESTIGATOR, schema.FindingReported(text=inject.text)))
    elif inject.kind in ("exec", "customer"):
        words = "asks" if inject.kind == "exec" else "arrives"
        events.append(schema.event(state.code, when, actor(number, inject.kind), COMMUNICATOR,
                                   schema.Note(text=f"{WHO[inject.kind]} {words}: {inject.text}")))
    elif inject.kind == "unavailable":
        holder = state.holders.get(inject.hat)
        said = inject.text or "called away to another emergency"
        if holder:
            events.append(schema.event(state.code, when, actor(number, "unavailable"), COMMANDER,
                                       schema.HatFreed(hat=inject.hat, who=holder, reason=said)))
        else:
            events.append(schema.event(state.code, when, actor(number, "unavailable"), COMMANDER, schema.Note(
                text=f"nobody wore the {inject.hat} hat to be called away ({said})")))
    elif inject.kind == "lever":
        lever = state.lever(inject.lever)
        if lever.state != PULLED or lever.changed_at is None or lever.changed_at + LEVER_SETTLES > now:
            return []  # its outcome shows once it is pulled and has had a minute
        said = inject.text or (f"since lever {inject.lever} ({lever.name}) was pulled: "
                               + ("the error rate is falling back to its baseline" if inject.outcome == "effective"
                                  else "no change: the error rate is where it was"))
        events.append(schema.event(state.code, now, actor(number, "lever"), INVESTIGATOR, schema.Note(text=said)))
    return events


def fire(scenario: Scenario, state: IncidentState, number: int, now: datetime) -> list[Event]:
    """A facilitator fires inject `number` now, whatever its time and condition (a lever's
    outcome still waits for its pull). Nothing for one written already or unknown."""
    if not 1 <= number <= len(scenario.injects) or number in done(state, state.events):
        return []
    return _written(scenario, state, number, scenario.injects[number - 1], now, now)


def ad_hoc(state: IncidentState, kind: str, text: str, now: datetime) -> list[Event]:
    """An inject the facilitator writes as it goes (inject #0): an executive's question, a
    customer's report, a finding; or the facilitator's own observation for the review."""
    if kind == "finding":
        return [schema.event(state.code, now, actor(0, "finding"), INVESTIGATOR, schema.FindingReported(text=text))]
    if kind == "observation":
        return [schema.event(state.code, now, actor(0, "facilitator"), COMMANDER, schema.Note(text=f"observation: {text}"))]
    words = "asks" if kind == "exec" else "arrives"
    return [schema.event(state.code, now, actor(0, kind), COMMUNICATOR, schema.Note(text=f"{WHO[kind]} {words}: {text}"))]


def observations(events: list[Event]) -> list[str]:
    """The facilitator's observations on the timeline (the scorecard and the review carry them)."""
    found = []
    for event in events:
        said = schema.read(event) if event.kind == Kind.NOTE and event.actor == actor(0, "facilitator") else None
        if isinstance(said, schema.Note):
            found.append(said.text.removeprefix("observation: "))
    return found
