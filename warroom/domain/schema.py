"""One schema for every kind of event: field names, types, limits and allowed values.

Each kind's payload is one Struct here, its only definition: the actions build it (`event`
gives the Event, its kind following from the Struct's class), the store writes it as JSON
(`stored`: times as ISO text, defaults left out), the fold and every reader get it back typed
(`typed`, `read`), and an import is checked against it. The same check runs when an event is written (the store), when it is folded (a bad event in an
older database is skipped and shown as unreadable, never crashes), and when an export is
imported; so the store can never hold an event the fold cannot read, and whatever warroom
writes it can import again. msgspec decodes strictly: a wrong type, an unknown field, a
value out of its limits or a time without its UTC offset is refused with the field's path.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Annotated, Any, Literal

import msgspec
from msgspec import Meta, Struct, field

from warroom.domain.errors import WarroomError
from warroom.domain.model import (
    COMPONENT_STATES,
    HATS,
    KINDS,
    LEVER_STATES,
    MILESTONES,
    RESOLUTION_STEPS,
    RULE_CONTAIN_FIRST,
    RULE_CONTAINED_FIRST,
    RULE_FINDINGS_TAKEN,
    RULE_FLAG_AFTER_FIX,
    RULE_LEVER_ORDER,
    RULE_NO_SURPRISES,
    RULE_PATH_DONE,
    RULE_SOAK_FULL,
    RULE_STAGING_FIRST,
    SEVERITIES,
    Event,
    JsonPayload,
    Kind,
)
from warroom.domain.text import MAX_TEXT

MAX_TITLE = 10_000
MAX_SERVICE = 80
MAX_IMPACT = 1_000
MAX_PUBLIC_TITLE = 200  # a heading a customer reads
MAX_NAME = 200  # an actor, a hat's holder
MAX_WHO = 500  # who was notified, a follow-up's owner

_ONE_LINE = r"^[^\n\r]*$"
Title = Annotated[str, Meta(min_length=1, max_length=MAX_TITLE)]
Text = Annotated[str, Meta(min_length=1, max_length=MAX_TEXT)]
MaybeText = Annotated[str, Meta(max_length=MAX_TEXT)]
Service = Annotated[str, Meta(max_length=MAX_SERVICE, pattern=_ONE_LINE)]
Impact = Annotated[str, Meta(max_length=MAX_IMPACT, pattern=_ONE_LINE)]
PublicTitle = Annotated[str, Meta(max_length=MAX_PUBLIC_TITLE, pattern=_ONE_LINE)]
Name = Annotated[str, Meta(max_length=MAX_NAME, pattern=_ONE_LINE)]
Who = Annotated[str, Meta(min_length=1, max_length=MAX_WHO)]
Due = Annotated[str, Meta(max_length=100, pattern=_ONE_LINE)]
DeadlineId = Annotated[str, Meta(pattern=r"^[a-z0-9][a-z0-9-]{0,39}$")]
Time = Annotated[datetime, Meta(tz=True)]  # always with its UTC offset
Severity = Literal[SEVERITIES]  # type: ignore[valid-type]  # (a Literal of the model's tuple: msgspec reads it; mypy wants the values written out)
Hat = Literal[HATS]  # type: ignore[valid-type]  # (a Literal of the model's tuple: msgspec reads it; mypy wants the values written out)
LeverState = Literal[LEVER_STATES]  # type: ignore[valid-type]  # (a Literal of the model's tuple: msgspec reads it; mypy wants the values written out)
Milestone = Literal[MILESTONES]  # type: ignore[valid-type]  # (a Literal of the model's tuple: msgspec reads it; mypy wants the values written out)
Step = Literal[RESOLUTION_STEPS]  # type: ignore[valid-type]  # (a Literal of the model's tuple: msgspec reads it; mypy wants the values written out)
Template = Literal["client notice", "status update", "internal note", "resolution notice"]
Rule = Literal[RULE_LEVER_ORDER, RULE_CONTAIN_FIRST, RULE_STAGING_FIRST, RULE_FLAG_AFTER_FIX, RULE_PATH_DONE,  # type: ignore[valid-type]  # (a Literal of the model's tuple: msgspec reads it; mypy wants the values written out)
               RULE_NO_SURPRISES, RULE_CONTAINED_FIRST, RULE_FINDINGS_TAKEN, RULE_SOAK_FULL]


MAX_COMPONENT = 80  # a component's name, as [status_page] components gives it
MAX_AFFECTED = 50  # components one incident affects (the config's limit on components)
ComponentName = Annotated[str, Meta(min_length=1, max_length=MAX_COMPONENT, pattern=_ONE_LINE)]
Components = Annotated[tuple[ComponentName, ...], Meta(max_length=MAX_AFFECTED)]
ComponentState = Literal[COMPONENT_STATES]  # type: ignore[valid-type]  # (a Literal of the model's tuple: msgspec reads it; mypy wants the values written out)


PageSource = Literal["alertmanager", "pagerduty"]  # the alerting a page came from
AlertStatus = Literal["firing", "resolved", "still firing", "acknowledged"]


PublishedHow = Literal["automatic", "by hand"]  # the matrix's own (a P0) or a person's


class Payload(Struct, forbid_unknown_fields=True, kw_only=True, omit_defaults=True):
    """What one event says, by kind; a field left at its default is not written."""


class Declared(Payload):
    title: Title
    severity: Severity
    detected: Time
    impact_started: Time | None = None
    service: Service = ""
    impact: Impact = ""
    paged_by: PageSource | Literal[""] = ""  # opened by a page, not a person
    drill: Annotated[str, Meta(max_length=60, pattern=_ONE_LINE)] = ""  # a practice incident: its scenario
    drill_speed: Annotated[float, Meta(ge=0, le=120)] = 0.0  # its clock's speed (0: not a drill's)
    drill_real_start: Time | None = None  # the real time its clock started at `detected` (a facilitator's console follows it)
    public_title: PublicTitle = ""  # what customers read (the title stays internal); "": from the impact
    components: Components = ()  # the status page's components it affects; (): its service's, as the config maps them


MAX_LABELS = 64
Label = Annotated[str, Meta(max_length=200)]
LabelValue = Annotated[str, Meta(max_length=MAX_TEXT)]
Labels = Annotated[dict[Label, LabelValue], Meta(max_length=MAX_LABELS)]


class Alert(Payload):
    """One alert of a page as it arrived: untrusted text, bounded here like every other."""
    source: PageSource
    group: Annotated[str, Meta(min_length=1, max_length=2000)]  # Alertmanager's groupKey; PagerDuty's incident id
    status: AlertStatus
    name: Annotated[str, Meta(max_length=MAX_TITLE)] = ""
    fingerprint: Annotated[str, Meta(max_length=200)] = ""
    labels: Labels = {}
    annotations: Labels = {}
    starts_at: Time | None = None
    url: Annotated[str, Meta(max_length=2000)] = ""


class SeverityChanged(Payload):
    severity: Severity
    was: Severity


class ServiceNamed(Payload):
    service: Annotated[str, Meta(min_length=1, max_length=MAX_SERVICE, pattern=_ONE_LINE)]
    was: Service = ""


class ImpactSet(Payload):
    impact: Annotated[str, Meta(min_length=1, max_length=MAX_IMPACT, pattern=_ONE_LINE)]
    was: Impact = ""


class PublicTitleSet(Payload):
    public_title: Annotated[str, Meta(min_length=1, max_length=MAX_PUBLIC_TITLE, pattern=_ONE_LINE)]
    was: PublicTitle = ""


class ComponentsSet(Payload):
    """The status page's components an incident affects, and (`state`) the state the page gives
    them when the communicator overrides the one derived from severity and state."""
    components: Components = ()  # (): its service's, as the config maps them
    state: ComponentState | Literal[""] = ""  # "": derived
    was: Components = ()
    was_state: ComponentState | Literal[""] = ""


class HatWorn(Payload):
    hat: Hat
    taken_from: Name = field(default="", name="from")


class Note(Payload):
    text: Text


class FindingReported(Payload):
    text: Text


class FindingAcknowledged(Payload):
    finding: Annotated[int, Meta(ge=1)]
    number: Annotated[int, Meta(ge=1)] | None = None


class LeverChanged(Payload):
    lever: Annotated[int, Meta(ge=1, le=4)]
    name: Annotated[str, Meta(max_length=MAX_NAME)]
    state: LeverState
    was: LeverState
    reason: MaybeText = ""
    out_of_order: bool = False
    runbook: MaybeText = ""
    correction: bool = False


class EscalationNotified(Payload):
    deadline: DeadlineId
    whom: Who
    note: MaybeText = ""


class Communication(Payload):
    template: Template
    text: Text
    next_update: Time | None = None  # the "next update by" a sent message promised


class CommunicationCopied(Communication):
    """A message copied to send, with its exact text."""


class CommunicationSent(Communication):
    """A message sent (or marked sent), with its exact text."""


class MilestoneSet(Payload):
    milestone: Milestone
    at: Time
    reason: MaybeText = ""


class ResolutionStep(Payload):
    step: Step
    note: MaybeText = ""


class FollowupAdded(Payload):
    text: Text
    owner: Who
    due: Due = ""


FollowupNumber = Annotated[int, Meta(ge=1, le=100_000)]  # the n-th follow-up of its incident (the store gives it its F-n)
MAX_LINK = 2000
Link = Annotated[str, Meta(max_length=MAX_LINK, pattern=_ONE_LINE)]  # the pull request or ticket


class FollowupDone(Payload):
    followup: FollowupNumber
    note: MaybeText = ""
    link: Link = ""


class FollowupReopened(Payload):
    followup: FollowupNumber
    reason: MaybeText = ""


class FollowupChanged(Payload):
    """What changed of a follow-up; a field left out did not (a due of "" is a due date taken away)."""
    followup: FollowupNumber
    owner: Annotated[str, Meta(max_length=MAX_WHO)] = ""
    due: Due | None = None
    link: Link = ""


PausedBy = Literal["player", "facilitator"]


class DrillPaused(Payload):
    by: PausedBy = "player"


class DrillResumed(Payload):
    by: PausedBy = "player"
    paused_seconds: Annotated[float, Meta(ge=0, le=10_000_000)] = 0.0  # how long it stood, on the drill's clock


class HatFreed(Payload):
    hat: Hat
    who: Who  # who wore it, called away
    reason: MaybeText = ""


class Resolved(Payload):
    pass


class Reopened(Payload):
    reason: MaybeText = ""


class RuleOverridden(Payload):
    rule: Rule
    reason: Text


class Published(Payload):
    """The status page was written with this incident on it: automatically (P0, the matrix
    says so) or by the communicator's key (P1) or `warroom publish`."""
    how: PublishedHow
    folder: Annotated[str, Meta(max_length=4096)] = ""


class DeliveryGivenUp(Payload):
    """A webhook message about this incident that was never delivered, after every retry."""
    webhook: Annotated[str, Meta(min_length=1, max_length=200)]
    topic: Annotated[str, Meta(max_length=80)]
    tries: Annotated[int, Meta(ge=1)]
    error: Annotated[str, Meta(max_length=1000)] = ""
    key: Annotated[str, Meta(max_length=200)] = ""


Channel = Literal["email", "ntfy", "pagerduty", "slack"]  # (domain.roster.CHANNELS)
Ticket = Annotated[str, Meta(pattern=r"^[0-9a-f]{32}$")]  # a page's own random id (its acknowledgement link is signed)
AcknowledgedVia = Literal["link", "pagerduty", "console"]


class Paged(Payload):
    """A person of a role paged through their channels, with the message they get. `deadline`:
    the notify deadline it is for ("" : paged from the shell for no deadline); `escalated_from`:
    the person before them in the role, who did not acknowledge in time; `test`: a page marked
    TEST (`warroom notify --test`), which meets no deadline."""
    role: Name
    person: Name
    channels: Annotated[tuple[Channel, ...], Meta(min_length=1)]
    ticket: Ticket
    text: Text
    deadline: DeadlineId | Literal[""] = ""
    escalated_from: Name = ""
    test: bool = False


class PageDelivered(Payload):
    """A page accepted by one of its channels (the role and person: the page's, to read alone)."""
    ticket: Ticket
    channel: Channel
    role: Name = ""
    person: Name = ""


class PageAcknowledged(Payload):
    """The person paged has it: by the page's link, a PagerDuty acknowledgement, or in a console."""
    ticket: Ticket
    via: AcknowledgedVia
    role: Name = ""
    person: Name = ""
    after_seconds: Annotated[int, Meta(ge=0)] = 0  # since the page was sent


PAYLOADS: dict[str, type[Payload]] = {
    Kind.DECLARED: Declared,
    Kind.SEVERITY_CHANGED: SeverityChanged,
    Kind.SERVICE_NAMED: ServiceNamed,
    Kind.IMPACT_SET: ImpactSet,
    Kind.HAT_WORN: HatWorn,
    Kind.NOTE: Note,
    Kind.FINDING_REPORTED: FindingReported,
    Kind.FINDING_ACKNOWLEDGED: FindingAcknowledged,
    Kind.LEVER_CHANGED: LeverChanged,
    Kind.ESCALATION_NOTIFIED: EscalationNotified,
    Kind.COMMUNICATION_COPIED: CommunicationCopied,
    Kind.COMMUNICATION_SENT: CommunicationSent,
    Kind.MILESTONE_SET: MilestoneSet,
    Kind.RESOLUTION_STEP: ResolutionStep,
    Kind.FOLLOWUP_ADDED: FollowupAdded,
    Kind.FOLLOWUP_DONE: FollowupDone,
    Kind.FOLLOWUP_REOPENED: FollowupReopened,
    Kind.FOLLOWUP_CHANGED: FollowupChanged,
    Kind.RESOLVED: Resolved,
    Kind.REOPENED: Reopened,
    Kind.RULE_OVERRIDDEN: RuleOverridden,
    Kind.ALERT: Alert,
    Kind.PUBLISHED: Published,
    Kind.DELIVERY_GIVEN_UP: DeliveryGivenUp,
    Kind.PUBLIC_TITLE_SET: PublicTitleSet,
    Kind.PAGED: Paged,
    Kind.PAGE_DELIVERED: PageDelivered,
    Kind.PAGE_ACKNOWLEDGED: PageAcknowledged,
    Kind.DRILL_PAUSED: DrillPaused,
    Kind.DRILL_RESUMED: DrillResumed,
    Kind.HAT_FREED: HatFreed,
    Kind.COMPONENTS_SET: ComponentsSet,
}
assert set(PAYLOADS) == set(KINDS), "every kind of event has its schema"
KIND_OF: dict[type[Payload], str] = {payload: kind for kind, payload in PAYLOADS.items()}
assert len(KIND_OF) == len(PAYLOADS), "each schema is one kind's"

# the moments a payload names, which cannot come after the event that records them
_MOMENTS = {Kind.DECLARED: ("detected", "impact_started"), Kind.MILESTONE_SET: ("at",)}


class SchemaError(WarroomError, ValueError):
    """An event that does not fit its kind's schema; the message names the field."""


def _one_line_name(actor: Any) -> str | None:
    if not isinstance(actor, str) or not actor.strip():
        return "expected a name"
    if len(actor) > MAX_NAME:
        return f"{len(actor):,} characters; at most {MAX_NAME}"
    if "\n" in actor or "\r" in actor:
        return "expected one line"
    return None


def typed(event: Event) -> Payload:
    """The event's payload as its kind's Struct; SchemaError unless it fits the schema exactly.
    A payload as the store read it is decoded from its JSON text at once, never twice."""
    if event.kind not in PAYLOADS:
        raise SchemaError("kind: not a kind of event this warroom knows")
    if event.role not in HATS:
        raise SchemaError(f"role: expected one of {', '.join(HATS)}")
    if not isinstance(event.at, datetime) or event.at.tzinfo is None:
        raise SchemaError("at: expected a time with its UTC offset")
    problem = _one_line_name(event.actor)
    if problem:
        raise SchemaError(f"actor: {problem}")
    payload = event.payload
    schema = PAYLOADS[event.kind]
    try:
        if isinstance(payload, JsonPayload):
            decoded = msgspec.json.decode(payload.raw, type=schema)
        elif isinstance(payload, Mapping):
            decoded = msgspec.convert(dict(payload), schema)
        else:
            raise SchemaError("payload: expected an object")
    except msgspec.ValidationError as error:
        raise SchemaError(f"payload: {_plain(str(error))}") from None
    except (msgspec.DecodeError, TypeError, ValueError) as error:  # the stored JSON itself is broken
        raise SchemaError(f"payload: not readable ({type(error).__name__})") from None
    for name in _MOMENTS.get(event.kind, ()):
        moment = getattr(decoded, name)
        if moment is not None and moment > event.at:
            raise SchemaError(f"payload.{name}: after the event itself (in the future)")
    return decoded


def check(event: Event) -> None:
    """Raise SchemaError unless the event fits its kind's schema exactly."""
    typed(event)


def read(event: Event) -> Payload | None:
    """The typed payload, or None for an event that fits no schema (written by an older
    warroom, or by hand): its readers skip it and say so, never crash."""
    try:
        return typed(event)
    except SchemaError:
        return None


def stored(payload: Payload) -> dict[str, Any]:
    """The payload as the store keeps it: JSON-shaped, times as ISO text, defaults left out."""
    fields = msgspec.to_builtins(payload, builtin_types=(datetime,))
    return {name: value.isoformat() if isinstance(value, datetime) else value for name, value in fields.items()}


def event(incident: str, at: datetime, actor: str, role: str, payload: Payload) -> Event:
    """An event saying `payload`, of the kind its Struct is (not yet checked: the store checks)."""
    return Event(incident, at, actor, role, KIND_OF[type(payload)], stored(payload))


def _plain(message: str) -> str:
    """msgspec's `Expected ... - at `$.field`` as `field: expected ...`, one short line."""
    text, _, where = message.partition(" - at `$")
    where = where.rstrip("`").lstrip(".")
    text = text[:200]
    return f"{where}: {text[:1].lower()}{text[1:]}" if where else text[:1].lower() + text[1:]
