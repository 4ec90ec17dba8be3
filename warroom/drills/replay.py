"""A drill from a real incident (issue 29): `warroom drill --from INC-7` writes a scenario a
team plays on what actually happened to it, as Google's "Wheel of Misfortune" replays real
outages.

From the resolved incident: its severity, service, impact and the impact's head start; each
alert, finding and lever outcome as an inject at its original time after detection; the
incident's own figures as the targets to beat. The internal notes, the people's names and
what was said to customers are left out: the players must find and say it themselves.
"""

from __future__ import annotations

import math
import re
from datetime import datetime, timedelta

from warroom.config.text import toml_string
from warroom.domain import schema
from warroom.domain.incident import IncidentState
from warroom.domain.model import EFFECTIVE, NO_EFFECT, Event
from warroom.domain.text import one_line

MAX_AT = timedelta(minutes=999, seconds=59)  # the latest time an inject can be at (mm:ss)
MAX_INJECTS = 200  # of each kind, the first: a page storm is not a script

def name_for(code: str) -> str:
    return f"replay-{code.lower()}"

def _at(moment: datetime, detected: datetime) -> str:
    span = min(max(moment - detected, timedelta(0)), MAX_AT)
    seconds = int(span.total_seconds())
    return f"{seconds // 60:02d}:{seconds % 60:02d}"

def _minutes(span: timedelta | None) -> int | None:
    return None if span is None else max(1, min(1440, math.ceil(span.total_seconds() / 60)))

def _line(text: str, limit: int = 300) -> str:
    return one_line(re.sub(r"[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]", " ", text), limit)

def scenario(state: IncidentState, events: list[Event], name: str) -> str:
    """The scenario file's text for a resolved incident and its whole log."""
    detected = state.detected
    assert detected is not None  # (a declared incident has its detection time)
    start = state.milestone("impact started")
    out = [f"# A replay of {state.code}, written by warroom drill --from {state.code}: its alerts, findings and",
           "# lever outcomes at their original times; its own figures as the targets.",
           f"name = {toml_string(name)}",
           f"title = {toml_string(_line(state.title))}",
           f"summary = {toml_string(_line('a replay of ' + state.code + ': ' + (state.impact or state.title), 200))}",
           f"severity = {toml_string(state.severity)}"]
    if state.service:
        out.append(f"service = {toml_string(_line(state.service, 80))}")
    out.append(f"impact = {toml_string(_line(state.impact or state.title))}")
    if start is not None and start < detected:
        out.append(f"impact_before = {toml_string(_at(detected, start))}")
    targets = [(label, _minutes(value)) for label, value in state.figures().labelled() if label != "detect"]
    targets = [(label, minutes) for label, minutes in targets if minutes is not None]
    if targets:
        out += ["", "[targets]  # the incident's own figures, in minutes"] + [f"{label} = {minutes}" for label, minutes in targets]
    injects: list[tuple[datetime, list[str]]] = []
    alerts = findings = 0
    for event in events:
        said = schema.read(event)
        if isinstance(said, schema.Alert) and said.status == "firing" and alerts < MAX_INJECTS:
            alerts += 1
            text = said.annotations.get("summary") or said.annotations.get("description") or said.name or "an alert"
            injects.append((event.at, ['kind = "alert"', f"name = {toml_string(_line(said.name or 'Alert', 200))}",
                                       f"text = {toml_string(_line(text, 1000))}"]))
        elif isinstance(said, schema.FindingReported) and findings < MAX_INJECTS:
            findings += 1
            injects.append((event.at, ['kind = "finding"', f"text = {toml_string(_line(said.text, 1000))}"]))
    for lever in state.levers:
        if lever.state in (EFFECTIVE, NO_EFFECT):
            injects.append((detected, ['kind = "lever"', f"lever = {lever.number}",
                                       f"outcome = {toml_string('effective' if lever.state == EFFECTIVE else 'no effect')}"]))
    for moment, lines in sorted(injects, key=lambda item: item[0]):
        out += ["", "[[inject]]", f"at = {toml_string(_at(moment, detected))}", *lines]
    return "\n".join(out) + "\n"

def replayable(state: IncidentState) -> None:
    """Only a real incident that is over can be replayed (a drill is a drill already)."""
    from warroom.domain.actions import RuleBroken

    if state.drill:
        raise RuleBroken(f"{state.code} is a drill already: replay the incident it practised")
    if not state.resolved:
        raise RuleBroken(f"{state.code} is not resolved yet: a replay is made from how it ended")
