"""Pre-written messages with named placeholders, filled from the incident.

A placeholder with no value stays visible as {name}, so the person sees what to fill in;
values are put in once and never read as placeholders themselves.
"""

from __future__ import annotations

import re
from datetime import datetime

from warroom.domain.incident import IncidentState
from warroom.domain.model import EFFECTIVE, NO_EFFECT, PULLED
from warroom.domain.policy import (
    CLIENT_NOTICE, INTERNAL_NOTE, MET, POLICY, RESOLUTION_NOTICE, SEND, STATUS_UPDATE, Policy, deadlines,
)
from warroom.domain.timefmt import t_plus

TEMPLATES: dict[str, str] = {
    CLIENT_NOTICE: (
        "[{severity}] {title}\n"
        "We are aware of an issue affecting {impact} since {detected_local} ({detected_utc}). "
        "Current status: {state}. We will update you by {next_update}.\n"
        "— {communicator}, incident {code}"
    ),
    STATUS_UPDATE: (
        "Update on {code} [{severity}] {title}. Status: {state}, {elapsed} since detection. "
        "Containment so far: {levers_pulled}. Next update by {next_update}.\n— {communicator}"
    ),
    INTERNAL_NOTE: (
        "{code} [{severity}] {title} — {state}, {elapsed} since detection ({detected_utc}). "
        "Levers: {levers_pulled}. Next update by {next_update}. Comms: {communicator}."
    ),
    RESOLUTION_NOTICE: (
        "Resolved: {title} ({code}). The issue affecting {impact} is resolved; we will share what "
        "we learned and what we are changing.\n— {communicator}"
    ),
}

_PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")

# Every placeholder a template may use (what `values` fills), with what it stands for.
PLACEHOLDERS = {
    "title": "the incident's title",
    "code": "the incident's code, e.g. INC-7",
    "severity": "P0 to P3",
    "service": "the service affected, as declared",
    "impact": "who or what is affected, as declared",
    "state": "investigating, contained, monitoring or resolved",
    "detected_local": "when it was detected, local time",
    "detected_utc": "when it was detected, UTC",
    "elapsed": "T+mm:ss since detection",
    "levers_pulled": "the levers pulled so far and how they went",
    "next_update": "when the next update is due, local time",
    "communicator": "who wears the communicator hat",
}


def placeholders(template: str) -> set[str]:
    """The {names} a template uses."""
    return set(_PLACEHOLDER.findall(template))


def fill(template: str, values: dict[str, str]) -> str:
    """Replace each {name} that has a non-empty value; leave the others visible."""
    return _PLACEHOLDER.sub(lambda m: values.get(m.group(1)) or m.group(0), template)


def values(state: IncidentState, now: datetime, policy: Policy = POLICY) -> dict[str, str]:
    detected = state.detected
    pulled = [f"{lev.name} ({lev.state})" for lev in state.levers if lev.state in (PULLED, EFFECTIVE, NO_EFFECT)]
    update = next((d for d in deadlines(state, now, policy) if d.id == "update" and d.due), None)
    return {
        "title": state.title,
        "code": state.code,
        "severity": state.severity,
        "service": state.service,
        "impact": state.impact,
        "state": state.status,
        "detected_local": detected.astimezone().strftime("%H:%M %Z") if detected else "",
        "detected_utc": detected.strftime("%H:%M UTC") if detected else "",
        "elapsed": t_plus(now, detected) if detected else "",
        "levers_pulled": ", ".join(pulled) or "none yet",
        "next_update": update.due.astimezone().strftime("%H:%M %Z") if update and update.due else "",
        "communicator": state.holders.get("communicator", ""),
    }


def due_template(state: IncidentState, now: datetime, policy: Policy = POLICY) -> str:
    """The message to send next: a message a deadline asks for until it is sent (the client
    notice), then the update the severity asks for."""
    if state.resolved:
        return RESOLUTION_NOTICE
    for deadline in deadlines(state, now, policy):
        if deadline.met_by == SEND and deadline.id != "update" and deadline.status != MET:
            return deadline.template
    rules = policy.get(state.severity)
    return rules.update_template if rules else INTERNAL_NOTE


def filled(state: IncidentState, now: datetime, name: str | None = None,
           policy: Policy = POLICY, templates: dict[str, str] = TEMPLATES) -> tuple[str, str]:
    """(template name, filled text) for the named template or the one that is due."""
    name = name or due_template(state, now, policy)
    return name, fill(templates[name], values(state, now, policy))
