"""The incident's vocabulary: hats, severities, levers, milestones and event kinds."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

COMMANDER = "commander"
COMMUNICATOR = "communicator"
INVESTIGATOR = "investigator"
HATS = (COMMANDER, COMMUNICATOR, INVESTIGATOR)

SEVERITIES = ("P0", "P1", "P2", "P3")

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


class Kind:
    """Every kind of event the log holds."""

    DECLARED = "declared"
    SEVERITY_CHANGED = "severity changed"
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
    RESOLVED = "resolved"
    REOPENED = "reopened"


KINDS = tuple(v for k, v in vars(Kind).items() if k.isupper())

# The hat each kind of action belongs to. Notes belong to whichever hat wrote them.
ROLE_OF_KIND: dict[str, str] = {
    Kind.DECLARED: COMMANDER,
    Kind.SEVERITY_CHANGED: COMMANDER,
    Kind.FINDING_REPORTED: INVESTIGATOR,
    Kind.FINDING_ACKNOWLEDGED: COMMANDER,
    Kind.LEVER_CHANGED: COMMANDER,
    Kind.ESCALATION_NOTIFIED: COMMUNICATOR,
    Kind.COMMUNICATION_COPIED: COMMUNICATOR,
    Kind.COMMUNICATION_SENT: COMMUNICATOR,
    Kind.MILESTONE_SET: COMMANDER,
    Kind.RESOLUTION_STEP: COMMANDER,
    Kind.FOLLOWUP_ADDED: COMMANDER,
    Kind.RESOLVED: COMMANDER,
    Kind.REOPENED: COMMANDER,
}


@dataclass(frozen=True)
class Event:
    """One action on one incident. `id` is None until the store has committed it."""

    incident: str
    at: datetime
    actor: str
    role: str
    kind: str
    payload: dict[str, Any] = field(default_factory=dict)
    id: int | None = None
