"""Pre-written messages with named placeholders, filled from the incident.

A placeholder with no value stays visible as {name}, so the person sees what to fill in (and
the console asks for it before anything is copied); values are put in once and never read as
placeholders themselves. A message is signed by whoever copies it.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

from msgspec import Struct

from warroom.domain.incident import IncidentState
from warroom.domain.model import CONTAINED, EFFECTIVE, NO_EFFECT, PULLED, STEP_FLAG_REENABLED
from warroom.domain.policy import (
    CLIENT_NOTICE,
    DONE,
    INTERNAL_NOTE,
    POLICY,
    RESOLUTION_NOTICE,
    SEND,
    STATUS_UPDATE,
    Policy,
    deadlines,
    promised_update,
)
from warroom.domain.public import customer_title, impact_began, public_state
from warroom.domain.timefmt import day_words, duration_words, t_plus

# What goes to customers (the client notice, the status update, the resolution notice) speaks
# their words: the public title, never the internal title, the code, the severity code, T+ or a
# lever's name (a team's own template may still ask for those). The internal note is for the team.
TEMPLATES: dict[str, str] = {
    CLIENT_NOTICE: (
        "{public_title}\n"
        "We are aware of an issue affecting {impact} since {since}. "
        "{progress} We will update you by {next_update}.\n"
        "— {communicator}"
    ),
    STATUS_UPDATE: (
        "Update: {public_title}\n"
        "{progress} We will update you again by {next_update}.\n— {communicator}"
    ),
    INTERNAL_NOTE: (
        "{code} [{severity}] {title} — {state}, {elapsed} since detection ({detected}). "
        "Levers: {levers_pulled}. Next update by {next_update}. Comms: {communicator}."
    ),
    RESOLUTION_NOTICE: (
        "Resolved: {public_title}\n"
        "The issue affecting {impact} was resolved at {resolved}, {duration} after it began. We will share "
        "what we learned and what we are changing.\n— {communicator}"
    ),
}

_PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")

# Every placeholder a template may use (what `values` fills), with what it stands for.
PLACEHOLDERS = {
    "title": "the incident's title (internal: customers read the public title)",
    "public_title": "what customers read as its title: the one given, else the impact in plain words",
    "code": "the incident's code, e.g. INC-7",
    "severity": "P0 to P3",
    "service": "the service affected, as declared",
    "impact": "who or what is affected (declared, or set with w)",
    "state": "investigating, contained, monitoring or resolved",
    "detected": "when it was detected: local time, and UTC when the two differ",
    "detected_local": "when it was detected, local time",
    "detected_utc": "when it was detected, UTC",
    "since": "when the impact began (the recorded start, else the detection): local time, and UTC when they differ",
    "progress": "where the work stands, in plain words: investigating, contained, cause identified, fix deployed",
    "resolved": "when it was resolved: local time, and UTC when they differ",
    "duration": "how long it lasted, from the impact's start to resolution, e.g. 44 minutes",
    "elapsed": "T+mm:ss since detection (stops at resolution)",
    "levers_pulled": "the levers pulled so far and how they stand now",
    "next_update": "when the next update is due once this message is sent (what the countdown then tracks)",
    "communicator": "who copies the message (it is signed by them)",
}
# An older template's way of giving both times; when they are the same it would say one twice.
_BOTH_TIMES = "{detected_local} ({detected_utc})"


class Message(Struct, frozen=True):
    """A template filled from the incident, ready to copy once nothing is missing."""

    name: str
    text: str
    missing: tuple[str, ...]  # placeholders the incident has no value for: ask before copying
    next_update: datetime | None  # what "next update by" promised, kept when it is sent


def placeholders(template: str) -> set[str]:
    """The {names} a template uses."""
    return set(_PLACEHOLDER.findall(template))


def fill(template: str, values: dict[str, str]) -> str:
    """Replace each {name} that has a non-empty value; leave the others visible."""
    template = template.replace(_BOTH_TIMES, "{detected}")
    return _PLACEHOLDER.sub(lambda m: values.get(m.group(1)) or m.group(0), template)


def unfilled(template: str, values: dict[str, str]) -> tuple[str, ...]:
    """The known placeholders of a template that have no value, in the order they appear."""
    found = _PLACEHOLDER.findall(template.replace(_BOTH_TIMES, "{detected}"))
    return tuple(dict.fromkeys(n for n in found if n in PLACEHOLDERS and not values.get(n)))


def moment_text(moment: datetime, now: datetime | None = None) -> str:
    """A time of day as a client reads it: local, with UTC beside it only when they differ; and
    its day when that is not `now`'s (a P2's daily update "by 16:42 UTC" read as now)."""
    local = moment.astimezone()
    in_utc = moment.astimezone(UTC).strftime("%H:%M UTC")
    text = in_utc if local.utcoffset() == moment.astimezone(UTC).utcoffset() else f"{local.strftime('%H:%M %Z')} ({in_utc})"
    return text + (day_words(moment, now) if now is not None else "")


def containment(state: IncidentState) -> str:
    """The levers tried so far, each as it stands now (a flag turned off and later back on
    after the fix says so)."""
    parts = []
    for lever in state.levers:
        if lever.state not in (PULLED, EFFECTIVE, NO_EFFECT):
            continue
        how = lever.state
        if lever.number == 1 and STEP_FLAG_REENABLED in state.steps:
            how += ", flag back on after the fix"
        parts.append(f"{lever.name} ({how})")
    return ", ".join(parts) or "none yet"


def progress(state: IncidentState) -> str:
    """Where the work stands, as a customer reads it: what changed, never a lever's name."""
    stage = public_state(state)
    if stage == "resolved":
        return "The issue is resolved."
    if stage == "monitoring":
        return "A fix is deployed and we are monitoring."
    if stage == "identified":
        contained = "The impact is contained and we" if state.milestone(CONTAINED) is not None else "We"
        return f"{contained} have found the cause; a fix is under way."
    if stage == "contained":
        return "The impact is contained; we are working on the cause."
    return "We are investigating and working to restore service."


def values(state: IncidentState, now: datetime, policy: Policy = POLICY, actor: str = "") -> dict[str, str]:
    """What each placeholder says now. `actor`: who copies the message, who signs it."""
    detected, began, resolved = state.detected, impact_began(state), state.resolved_at
    promised = promised_update(state, now, policy)
    return {
        "public_title": customer_title(state),
        "since": moment_text(began, now) if began else "",
        "progress": progress(state),
        "resolved": moment_text(resolved, now) if resolved else "",
        "duration": duration_words(resolved - began) if resolved and began else "",
        "title": state.title,
        "code": state.code,
        "severity": state.severity,
        "service": state.service,
        "impact": state.impact,
        "state": state.status,
        "detected": moment_text(detected, now) if detected else "",
        "detected_local": detected.astimezone().strftime("%H:%M %Z") if detected else "",
        "detected_utc": detected.strftime("%H:%M UTC") if detected else "",
        "elapsed": t_plus(state.clock_end(now), detected) if detected else "",
        "levers_pulled": containment(state),
        "next_update": moment_text(promised, now) if promised else _no_clock(state, policy),
        "communicator": actor or state.holders.get("communicator", ""),
    }


NEXT_STANDUP = "the next standup"


def _no_clock(state: IncidentState, policy: Policy) -> str:
    """What "next update by" says at a severity without an update clock (a P3, whose one rule
    is the team lead at the next standup); nothing once resolved, or at a severity not known."""
    rules = policy.get(state.severity)
    return NEXT_STANDUP if rules is not None and rules.cadence is None and not state.resolved else ""


def due_template(state: IncidentState, now: datetime, policy: Policy = POLICY) -> str:
    """The message to send next: a message a deadline asks for until it is sent (the client
    notice), then the update the severity asks for."""
    if state.resolved:
        return RESOLUTION_NOTICE
    for deadline in deadlines(state, now, policy):
        if deadline.met_by == SEND and deadline.id != "update" and deadline.status not in DONE:
            return deadline.template
    rules = policy.get(state.severity)
    return rules.update_template if rules else INTERNAL_NOTE


def message(state: IncidentState, now: datetime, name: str | None = None, policy: Policy = POLICY,
            templates: dict[str, str] = TEMPLATES, actor: str = "", given: dict[str, str] | None = None) -> Message:
    """The named template, or the one that is due, filled for `actor` to send now. `given`:
    values the person typed for placeholders the incident had none for."""
    name = name or due_template(state, now, policy)
    known = values(state, now, policy, actor)
    known.update({k: v for k, v in (given or {}).items() if v.strip()})
    template = templates[name]
    promised = promised_update(state, now, policy) if "{next_update}" in template else None
    return Message(name, fill(template, known), unfilled(template, known), promised)


def filled(state: IncidentState, now: datetime, name: str | None = None,
           policy: Policy = POLICY, templates: dict[str, str] = TEMPLATES, actor: str = "") -> tuple[str, str]:
    """(template name, filled text) for the named template or the one that is due."""
    found = message(state, now, name, policy, templates, actor)
    return found.name, found.text


def page_text(state: IncidentState, now: datetime, actor: str, policy: Policy = POLICY,
              templates: dict[str, str] = TEMPLATES, extra: str = "") -> str:
    """What a page to a person says (issue 27): the internal note, filled in, with the impact
    and a line of the pager's own (`extra`), signed."""
    from warroom.domain.text import clean_input

    lines = [message(state, now, INTERNAL_NOTE, policy, templates, actor).text]
    if state.impact:
        lines.append(f"Impact: {state.impact}")
    if extra.strip():
        lines.append(clean_input(extra.strip()))
    lines.append(f"— {actor}")
    return "\n".join(lines)
