"""The incident's vocabulary: hats, severities, levers, milestones and event kinds."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from msgspec import Struct, field

COMMANDER = "commander"
COMMUNICATOR = "communicator"
INVESTIGATOR = "investigator"
HATS = (COMMANDER, COMMUNICATOR, INVESTIGATOR)

SEVERITIES = ("P0", "P1", "P2", "P3")
# a page's own words as a severity, unless the config maps them otherwise (kept here, not in
# `paging`, so the config and the status line need not import paging)
DEFAULT_SEVERITY = "P2"
DEFAULT_MAPPING = {"critical": "P1", "error": "P2", "warning": "P2", "info": "P3"}  # Alertmanager's severity label
DEFAULT_URGENCY = {"high": "P1", "low": "P3"}  # PagerDuty's urgency

# Containment levers, in the order the seed gives them.
LEVERS = ("feature flag off", "deploy rollback", "migration rollback", "data correction")
UNTRIED, PULLED, EFFECTIVE, NO_EFFECT, SKIPPED = "untried", "pulled", "effective", "no effect", "skipped"
LEVER_STATES = (UNTRIED, PULLED, EFFECTIVE, NO_EFFECT, SKIPPED)

# Milestones, in the order an incident meets them.
IMPACT_STARTED = "impact started"
DETECTED = "detected"
DECLARED = "declared"
CONTAINED = "contained"
ROOT_CAUSE = "root cause identified"
FIX_DEPLOYED = "fix deployed"
RESOLVED = "resolved"
MILESTONES = (IMPACT_STARTED, DETECTED, DECLARED, CONTAINED, ROOT_CAUSE, FIX_DEPLOYED, RESOLVED)

# The resolution path; each step is done once, in any order but for the staging gate.
STEP_ROOT_CAUSE = "root cause identified"
STEP_STAGING = "fix tested in staging"
STEP_DEPLOYED = "deployed through the pipeline"
STEP_FLAG_REENABLED = "flag re-enabled"
STEP_SOAK = "soak and verification"
RESOLUTION_STEPS = (STEP_ROOT_CAUSE, STEP_STAGING, STEP_DEPLOYED, STEP_FLAG_REENABLED, STEP_SOAK)
STEP_MILESTONE = {STEP_ROOT_CAUSE: ROOT_CAUSE, STEP_DEPLOYED: FIX_DEPLOYED}

# The rules of the practice that a person may set aside, with a reason kept on the timeline.
RULE_LEVER_ORDER = "levers in order"
RULE_CONTAIN_FIRST = "contain before you diagnose"
RULE_STAGING_FIRST = "deploy after staging confirms"
RULE_FLAG_AFTER_FIX = "flag back on only after the fix is deployed"
RULE_PATH_DONE = "resolve after the resolution path"
RULE_NO_SURPRISES = "no surprises"
RULE_CONTAINED_FIRST = "resolve once contained"  # a lever marked effective before the incident is closed
RULE_FINDINGS_TAKEN = "every finding acknowledged"  # the commander took in what the investigator found
RULE_SOAK_FULL = "soak its full length"  # the soak step waits until the fix has run its minimum (issue 29)


class Kind:
    """Every kind of event the log holds."""

    DECLARED = "declared"
    SEVERITY_CHANGED = "severity changed"
    SERVICE_NAMED = "service named"
    IMPACT_SET = "impact set"
    HAT_WORN = "hat worn"
    NOTE = "note"
    FINDING_REPORTED = "finding reported"
    FINDING_ACKNOWLEDGED = "finding acknowledged"
    LEVER_CHANGED = "lever changed"
    ESCALATION_NOTIFIED = "escalation notified"
    COMMUNICATION_COPIED = "communication copied"
    COMMUNICATION_SENT = "communication sent"
    MILESTONE_SET = "milestone set"
    RESOLUTION_STEP = "resolution step"
    FOLLOWUP_ADDED = "follow-up added"
    FOLLOWUP_DONE = "follow-up done"  # a follow-up closed: what was done, the pull request or ticket (issue 28)
    FOLLOWUP_REOPENED = "follow-up reopened"
    FOLLOWUP_CHANGED = "follow-up changed"  # its owner, its due date or its link changed
    RESOLVED = "resolved"
    REOPENED = "reopened"
    RULE_OVERRIDDEN = "rule overridden"  # a rule of the practice set aside, with the reason
    ALERT = "alert"  # a page from the alerting (Alertmanager, PagerDuty): firing, resolved, …
    PUBLISHED = "status page published"  # the public status page written with this incident on it
    DELIVERY_GIVEN_UP = "delivery given up"  # a webhook message that could not be delivered, after every retry
    PUBLIC_TITLE_SET = "public title set"  # what customers read as the incident's title (the title stays internal)
    PAGED = "paged"  # a person of a role of the matrix paged, through their channels (issue 27)
    PAGE_DELIVERED = "page delivered"  # a page accepted by a channel (the mail server, a 2xx answer)
    PAGE_ACKNOWLEDGED = "page acknowledged"  # the person paged said they have it
    DRILL_PAUSED = "drill paused"  # a drill's clock stopped, by a player or the facilitator (issue 29)
    DRILL_RESUMED = "drill resumed"  # and started again: how long it stood, in the drill's time
    HAT_FREED = "hat freed"  # its wearer called away (a drill's "unavailable" inject): nobody wears it now
    COMPONENTS_SET = "components set"  # which of the status page's components it affects, and their state if not derived (issue 30)


KINDS = tuple(v for k, v in vars(Kind).items() if k.isupper())

INCIDENT_CODE = r"[A-Za-z][A-Za-z0-9]{0,9}-[0-9]{1,9}"  # an incident's code, as the store gives it and an import takes it
DRILL_PREFIX = "DRILL"  # a drill's incident is DRILL-n, never INC-n: marked as practice wherever its code shows
SYSTEM = "warroom"  # the actor of what warroom writes by itself: a page sent, an escalation, a publish the matrix asked for
INJECT = "drill #"  # how a drill inject's actor begins: "drill #3: investigator" is inject 3, played as the investigator


# A status page component's state, worst last (domain.public says them in words).
COMPONENT_STATES = ("operational", "degraded", "partial outage", "major outage")


def followup_code(number: int) -> str:
    """A follow-up's code in its database, from the number the store gave it: F-12."""
    return f"F-{number}"


def is_drill(code: str) -> bool:
    """A practice incident's code: never listed, published or counted with real ones."""
    return code.startswith(f"{DRILL_PREFIX}-")


def played_by(actor: str) -> str:
    """Who an actor is as a person reads it: an inject ("drill #3: investigator") by who plays
    it (its number finds the inject again, in the database); anyone else as they are."""
    return actor.split(": ", 1)[1] if actor.startswith(INJECT) and ": " in actor else actor


# The hat each kind of action belongs to. Notes belong to whichever hat wrote them, and a rule
# overridden to the hat of the action that overrode it.
ROLE_OF_KIND: dict[str, str] = {
    Kind.DECLARED: COMMANDER,
    Kind.SEVERITY_CHANGED: COMMANDER,
    Kind.SERVICE_NAMED: COMMANDER,
    Kind.IMPACT_SET: COMMANDER,
    Kind.FINDING_REPORTED: INVESTIGATOR,
    Kind.FINDING_ACKNOWLEDGED: COMMANDER,
    Kind.LEVER_CHANGED: COMMANDER,
    Kind.ESCALATION_NOTIFIED: COMMUNICATOR,
    Kind.COMMUNICATION_COPIED: COMMUNICATOR,
    Kind.COMMUNICATION_SENT: COMMUNICATOR,
    Kind.MILESTONE_SET: COMMANDER,
    Kind.RESOLUTION_STEP: COMMANDER,
    Kind.FOLLOWUP_ADDED: COMMANDER,
    Kind.FOLLOWUP_DONE: COMMANDER,  # (after the incident is resolved, anyone, with no hat: see domain.followups)
    Kind.FOLLOWUP_REOPENED: COMMANDER,
    Kind.FOLLOWUP_CHANGED: COMMANDER,
    Kind.RESOLVED: COMMANDER,
    Kind.REOPENED: COMMANDER,
    Kind.ALERT: INVESTIGATOR,  # what the monitoring says is evidence, for the investigator
    Kind.PUBLISHED: COMMUNICATOR,
    Kind.DELIVERY_GIVEN_UP: COMMUNICATOR,
    Kind.PUBLIC_TITLE_SET: COMMANDER,  # declared with the title, the impact and the service
    Kind.PAGED: COMMUNICATOR,  # the matrix's notifications are the communicator's
    Kind.PAGE_DELIVERED: COMMUNICATOR,
    Kind.PAGE_ACKNOWLEDGED: COMMUNICATOR,
    Kind.DRILL_PAUSED: COMMANDER,  # (the drill's, not a hat's: whoever pauses, whatever they wear)
    Kind.DRILL_RESUMED: COMMANDER,
    Kind.HAT_FREED: COMMANDER,  # (the drill's doing, whichever hat it frees)
    Kind.COMPONENTS_SET: COMMUNICATOR,  # what the status page says is the communicator's
}


class JsonPayload(Mapping):
    """An event's payload as the store keeps it, decoded on first use: an incident of 100,000
    notes opens without decoding a note nobody looks at."""

    __slots__ = ("raw", "_data")

    def __init__(self, raw: str) -> None:
        self.raw: str = raw  # the JSON text as stored (the schema decodes it straight to its Struct)
        self._data = None

    def _decoded(self) -> dict[str, Any]:
        if self._data is None:
            self._data = json.loads(self.raw)
        return self._data  # type: ignore[return-value]  # (set just above when it was not)

    def __getitem__(self, key: str) -> Any:
        return self._decoded()[key]

    def __iter__(self):
        return iter(self._decoded())

    def __len__(self) -> int:
        return len(self._decoded())

    def __repr__(self) -> str:
        return repr(self._decoded())


class Event(Struct):
    """One action on one incident. `id` is None until the store has committed it. Treated as
    immutable (not frozen only because frozen dataclasses build 10x slower, and a large
    incident builds 100,000s of them)."""

    incident: str
    at: datetime
    actor: str
    role: str
    kind: str
    payload: Mapping[str, Any] = field(default_factory=dict)
    id: int | None = None
