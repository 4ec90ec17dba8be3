"""The rules of the practice: each action is checked against the state and becomes events.

Every function takes the state, who acts, and the time (never read here), and returns the
events to append, or raises `RuleBroken` with a sentence for the person.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import cast, get_args

from warroom.domain.errors import WarroomError
from warroom.domain.incident import IncidentState
from warroom.domain.model import (
    EFFECTIVE,
    HATS,
    LEVERS,
    MILESTONES,
    NO_EFFECT,
    PULLED,
    RESOLUTION_STEPS,
    ROLE_OF_KIND,
    RULE_CONTAIN_FIRST,
    RULE_CONTAINED_FIRST,
    RULE_FINDINGS_TAKEN,
    RULE_FLAG_AFTER_FIX,
    RULE_NO_SURPRISES,
    RULE_PATH_DONE,
    RULE_SOAK_FULL,
    RULE_STAGING_FIRST,
    SEVERITIES,
    SKIPPED,
    STEP_DEPLOYED,
    STEP_FLAG_REENABLED,
    STEP_ROOT_CAUSE,
    STEP_SOAK,
    STEP_STAGING,
    UNTRIED,
    Event,
    Kind,
)
from warroom.domain.schema import (
    KIND_OF,
    MAX_IMPACT,
    MAX_PUBLIC_TITLE,
    MAX_SERVICE,
    MAX_TITLE,
    MAX_WHO,
    CommunicationCopied,
    CommunicationSent,
    Declared,
    EscalationNotified,
    FindingAcknowledged,
    FindingReported,
    HatWorn,
    ImpactSet,
    LeverChanged,
    MilestoneSet,
    Note,
    Payload,
    PublicTitleSet,
    Reopened,
    ResolutionStep,
    Resolved,
    RuleOverridden,
    ServiceNamed,
    SeverityChanged,
    Template,
    event,
)
from warroom.domain.text import MAX_TEXT, clean_input


class RuleBroken(WarroomError, ValueError):
    """The action breaks a rule of the practice; the message says which, for the person."""


class WrongHat(RuleBroken):
    """The action belongs to another hat; the person may switch hats first."""

    def __init__(self, needed: str, wearing: str | None) -> None:
        self.needed, self.wearing = needed, wearing
        now = f"you wear the {wearing} hat" if wearing else "you wear no hat"
        super().__init__(f"that is the {needed}'s action and {now}")


class RoleHeld(RuleBroken):
    """In a team each hat has one holder: taking it from someone else is asked first."""

    def __init__(self, hat: str, holder: str) -> None:
        self.hat, self.holder = hat, holder
        super().__init__(f"{holder} holds the {hat} hat")


class OutOfOrder(RuleBroken):
    """A lever pulled before the ones above it were tried needs a reason."""

    def __init__(self, lever: int, untried: list[int], names: tuple[str, ...] = LEVERS) -> None:
        self.lever, self.untried = lever, untried
        before = ", ".join(f"{n} {names[n - 1]}" for n in untried)
        super().__init__(f"lever {lever} before {before}: give the reason for the order")


class NeedsReason(RuleBroken):
    """The action breaks a rule of the practice that may be set aside, but never silently: the
    person gives the reason (`override=`), which goes on the timeline as a rule overridden."""

    def __init__(self, rule: str, why: str, *more: tuple[str, str]) -> None:
        """One rule and why; `more`: the other rules the same action sets aside, each with why
        (one reason is asked for them all)."""
        self.each = [(rule, why), *more]
        self.rule = " and ".join(name for name, _ in self.each)
        super().__init__("; ".join(f"{name}: {because}" for name, because in self.each))


# A reason is a few words the postmortem can read: "." or "x" sets no rule aside.
MIN_REASON = 10  # characters
MIN_REASON_WORDS = 2


def thin_reason(reason: str) -> str | None:
    """What is missing from a reason, in words for the person; None when it is one."""
    reason = clean_input(reason).strip()
    if len(reason) > MAX_TEXT:
        return f"the reason is {len(reason):,} characters; at most {MAX_TEXT:,}"
    if len(reason) < MIN_REASON or len(reason.split()) < MIN_REASON_WORDS:
        return f"a reason is a few words the postmortem can read (at least {MIN_REASON} characters, {MIN_REASON_WORDS} words)"
    return None


def check_reason(reason: str) -> str:
    problem = thin_reason(reason)
    if problem:
        raise RuleBroken(problem)
    return clean_input(reason).strip()


def _overridden(state: IncidentState, actor: str, now: datetime, role: str, rule: str, why: str, reason: str) -> list[Event]:
    """Nothing when the rule holds; else the override event, or NeedsReason when none is given."""
    if not clean_input(reason).strip():
        raise NeedsReason(rule, why)
    return [_event(state, actor, now, role, RuleOverridden(rule=rule, reason=check_reason(reason)))]


def _text(value: str, what: str, limit: int = MAX_TEXT) -> str:
    value = clean_input(value)
    if not value.strip():
        raise RuleBroken(f"the {what} is empty")
    if len(value) > limit:
        raise RuleBroken(f"the {what} is {len(value):,} characters; at most {limit:,}")
    return value


def _event(state: IncidentState, actor: str, now: datetime, role: str, payload: Payload) -> Event:
    return event(state.code, now, actor, role, payload)


def _as(state: IncidentState, actor: str, now: datetime, kind: str, switch: bool) -> tuple[list[Event], str]:
    """The hat the action needs: worn already, or switched to first when `switch` allows it."""
    if not state.declared:
        raise RuleBroken("no incident is declared")
    needed = ROLE_OF_KIND[kind]
    wearing = state.hat_of(actor)
    if wearing == needed:
        return [], needed
    if not switch:
        raise WrongHat(needed, wearing)
    return wear_hat(state, actor, now, needed, take_over=False), needed


def declare(
    actor: str, now: datetime, title: str, severity: str, *,
    detected: datetime | None = None, impact_started: datetime | None = None,
    service: str = "", impact: str = "", drill: str = "", public_title: str = "",
    drill_clock: tuple[float, datetime] | None = None, components: tuple[str, ...] = (),
) -> Event:
    """The first event of an incident; the store gives it its code. The declarer commands.
    `drill`: a practice incident, of that scenario; `drill_clock`: its clock's speed and the real
    time it started (so another console, a facilitator's, keeps the same time); `components`: the
    status page's it affects, as `domain.components.check_components` gave them."""
    title = _text(title, "title", MAX_TITLE)
    severity = check_severity(severity)
    detected = detected or now
    if detected > now:
        raise RuleBroken("the detection time is in the future")
    if impact_started is not None and impact_started > detected:
        raise RuleBroken("impact cannot start after it was detected")
    said = Declared(
        title=title, severity=severity, detected=detected, impact_started=impact_started, drill=drill,
        service=check_service(service) if service.strip() else "", impact=check_impact(impact) if impact.strip() else "",
        public_title=check_public_title(public_title) if public_title.strip() else "", components=components)
    if drill_clock is not None:  # (only then: a declaration's stored shape is what identifies it in a copy)
        said.drill_speed, said.drill_real_start = float(drill_clock[0]), drill_clock[1]
    return event("", now, actor, ROLE_OF_KIND[Kind.DECLARED], said)


def _line(value: str, what: str, limit: int) -> str:
    """A short text on one line, such as a service's name or who is affected."""
    text = _text(value, what, limit).strip()
    if "\n" in text or "\r" in text:
        raise RuleBroken(f"the {what} is one line")
    return text


def _renamed(state: IncidentState, actor: str, now: datetime, said: type[ServiceNamed | ImpactSet | PublicTitleSet], key: str, value: str,
             switch: bool) -> list[Event]:
    """An incident's field said again: the new value, and what it was."""
    before, role = _as(state, actor, now, KIND_OF[said], switch)
    was = getattr(state, key)
    if value == was:
        raise RuleBroken(f"the {key.replace('_', ' ')} is {value} already")
    return before + [_event(state, actor, now, role, said(**{key: value, "was": was}))]


def check_impact(impact: str) -> str:
    """Who or what is affected, as a client notice says it: one line."""
    return _line(impact, "impact", MAX_IMPACT)


def set_impact(state: IncidentState, actor: str, now: datetime, impact: str, *, switch: bool = False) -> list[Event]:
    """Say (or correct) who or what is affected; every message after it says so."""
    return _renamed(state, actor, now, ImpactSet, "impact", check_impact(impact), switch)


def check_public_title(title: str) -> str:
    """What customers read as the incident's title: one line, a heading's length."""
    return _line(title, "public title", MAX_PUBLIC_TITLE)


def set_public_title(state: IncidentState, actor: str, now: datetime, title: str, *, switch: bool = False) -> list[Event]:
    """Say (or correct) the title customers read: the client notice, the updates and the status
    page use it, never the internal title."""
    return _renamed(state, actor, now, PublicTitleSet, "public_title", check_public_title(title), switch)


def check_service(service: str) -> str:
    """A service's name: one line, short, as the config's runbooks name it."""
    return _line(service, "service name", MAX_SERVICE)


def name_service(state: IncidentState, actor: str, now: datetime, service: str, *, switch: bool = False) -> list[Event]:
    """Name (or rename) the affected service; its runbook then shows behind the levers."""
    return _renamed(state, actor, now, ServiceNamed, "service", check_service(service), switch)


def check_severity(severity: str) -> str:
    normal = severity.strip().upper()
    if normal not in SEVERITIES:
        raise RuleBroken(f"unknown severity {severity!r}: use one of {', '.join(SEVERITIES)}")
    return normal


def check_hat(hat: str) -> str:
    normal = hat.strip().lower()
    if normal not in HATS:
        raise RuleBroken(f"unknown hat {hat!r}: use one of {', '.join(HATS)}")
    return normal


def wear_hat(state: IncidentState, actor: str, now: datetime, hat: str, *, take_over: bool = False) -> list[Event]:
    """Put on a hat (taking off the one worn). Taking a hat someone else wears is asked first."""
    hat = check_hat(hat)
    if not state.declared:
        raise RuleBroken("no incident is declared")
    holder = state.holders.get(hat)
    if holder == actor:
        return []
    if holder and not take_over:
        raise RoleHeld(hat, holder)
    return [_event(state, actor, now, hat, HatWorn(hat=hat, taken_from=holder or ""))]


def note(state: IncidentState, actor: str, now: datetime, text: str, *, hat: str | None = None) -> list[Event]:
    """A note belongs to the hat that writes it: the one worn, or `hat`, put on first."""
    text = _text(text, "note")
    if not state.declared:
        raise RuleBroken("no incident is declared")
    wearing = state.hat_of(actor)
    before: list[Event] = []
    if hat is not None and check_hat(hat) != wearing:
        before = wear_hat(state, actor, now, hat)
        wearing = check_hat(hat)
    if wearing is None:
        raise WrongHat("commander, communicator or investigator", None)
    return before + [_event(state, actor, now, wearing, Note(text=text))]


def change_severity(state: IncidentState, actor: str, now: datetime, severity: str, *, switch: bool = False) -> list[Event]:
    severity = check_severity(severity)
    before, role = _as(state, actor, now, Kind.SEVERITY_CHANGED, switch)
    if severity == state.severity:
        raise RuleBroken(f"the severity is {severity} already")
    return before + [_event(state, actor, now, role, SeverityChanged(severity=severity, was=state.severity))]


def report_finding(state: IncidentState, actor: str, now: datetime, text: str, *, switch: bool = False) -> list[Event]:
    text = _text(text, "finding")
    before, role = _as(state, actor, now, Kind.FINDING_REPORTED, switch)
    return before + [_event(state, actor, now, role, FindingReported(text=text))]


def acknowledge(state: IncidentState, actor: str, now: datetime, finding_id: int, *, switch: bool = False) -> list[Event]:
    found = state.finding(finding_id)
    if found is None:
        raise RuleBroken(f"there is no finding {finding_id}")
    if found.acknowledged_at is not None:
        raise RuleBroken("that finding is acknowledged already")
    before, role = _as(state, actor, now, Kind.FINDING_ACKNOWLEDGED, switch)
    return before + [_event(state, actor, now, role, FindingAcknowledged(finding=finding_id, number=found.number))]


# Where a lever may go from each state; the last entry of a list is where `advance` goes.
NEXT_LEVER_STATES = {
    UNTRIED: (PULLED, SKIPPED),
    PULLED: (EFFECTIVE, NO_EFFECT),
    EFFECTIVE: (),
    NO_EFFECT: (),
    SKIPPED: (),
}


def set_lever(
    state: IncidentState, actor: str, now: datetime, number: int, to: str, *,
    reason: str = "", switch: bool = False, correction: bool = False, runbook: str = "",
) -> list[Event]:
    """Move a lever on. Out of order and skipping need a reason; a correction may go anywhere.
    `runbook`: the command (or link) behind the lever, kept with the pull for the postmortem."""
    if not 1 <= number <= len(state.levers):
        raise RuleBroken(f"there is no lever {number}: levers are 1 to {len(state.levers)}")
    lever = state.lever(number)
    reason = clean_input(reason).strip()
    if correction:
        if to == lever.state:
            raise RuleBroken(f"lever {number} is {to} already")
    elif to not in NEXT_LEVER_STATES[lever.state]:
        raise RuleBroken(f"lever {number} {lever.name} is {lever.state}; it cannot become {to}")
    if to == SKIPPED and not reason:
        raise RuleBroken(f"skipping lever {number} needs a reason")
    untried = [lev.number for lev in state.levers[: number - 1] if lev.state == UNTRIED]
    if to == PULLED and untried and not reason and not correction:
        raise OutOfOrder(number, untried, tuple(lev.name for lev in state.levers))
    if not correction and (to == SKIPPED or (to == PULLED and untried)):
        reason = check_reason(reason)  # a rule of the practice set aside: a real reason
    before, role = _as(state, actor, now, Kind.LEVER_CHANGED, switch)
    return before + [_event(state, actor, now, role, LeverChanged(
        lever=number, name=lever.name, state=to, was=lever.state, reason=reason, correction=correction,
        out_of_order=to == PULLED and bool(untried), runbook=clean_input(runbook.strip()) if to == PULLED else ""))]


def notify(state: IncidentState, actor: str, now: datetime, deadline: str, whom: str, *, note_text: str = "", switch: bool = False) -> list[Event]:
    """Tick an escalation as done: who was told, optionally how."""
    whom = _text(whom, "name of who was notified", MAX_WHO)
    if deadline in state.notified:
        raise RuleBroken(f"{deadline} is ticked already")
    before, role = _as(state, actor, now, Kind.ESCALATION_NOTIFIED, switch)
    note = clean_input(note_text) if note_text.strip() else ""
    return before + [_event(state, actor, now, role, EscalationNotified(deadline=deadline, whom=whom, note=note))]


def communicate(state: IncidentState, actor: str, now: datetime, template: str, text: str, *, sent: bool,
                switch: bool = False, surprise: str = "", override: str = "", next_update: datetime | None = None) -> list[Event]:
    """A communication copied (to send) or sent, with the exact text. `surprise`: the no-surprises
    warning that holds for it (the playbook says), set aside only with a reason, once.
    `next_update`: the time the message promised, which the next update is then due by."""
    text = _text(text, "message")
    if template not in get_args(Template):
        raise RuleBroken(f"unknown message {template!r}: one of {', '.join(get_args(Template))}")
    name = cast(Template, template)
    kind = Kind.COMMUNICATION_SENT if sent else Kind.COMMUNICATION_COPIED
    before, role = _as(state, actor, now, kind, switch)
    if surprise and not any(o.rule == RULE_NO_SURPRISES for o in state.overrides):
        before += _overridden(state, actor, now, role, RULE_NO_SURPRISES, surprise, override)
    said = CommunicationSent(template=name, text=text, next_update=next_update) if sent \
        else CommunicationCopied(template=name, text=text)
    return before + [_event(state, actor, now, role, said)]


SOAK = timedelta(minutes=10)  # the soak's minimum length, unless the team's config or a drill's scenario says


def soak_started(state: IncidentState) -> datetime | None:
    """When the soak began: once the fix was deployed (and the flag back on, where it came back)."""
    deployed = state.steps.get(STEP_DEPLOYED)
    flag = state.steps.get(STEP_FLAG_REENABLED)
    return max(deployed, flag) if deployed is not None and flag is not None else deployed


def steps_owed(state: IncidentState) -> tuple[str, ...]:
    """The resolution path's steps this incident owes: the flag comes back only where one was
    turned off (lever 1 skipped: no flag guards it, so that step does not apply)."""
    if state.levers and state.levers[0].state == SKIPPED and STEP_FLAG_REENABLED not in state.steps:
        return tuple(step for step in RESOLUTION_STEPS if step != STEP_FLAG_REENABLED)
    return RESOLUTION_STEPS


def _path_rule(state: IncidentState, step: str, now: datetime | None = None, soak: timedelta = SOAK) -> tuple[str, str] | None:
    """The rule of the practice a step would break now, with why; None when it breaks none."""
    pulled = [lev for lev in state.levers if lev.state in (PULLED, EFFECTIVE, NO_EFFECT)]
    if step == STEP_ROOT_CAUSE and not pulled:
        return RULE_CONTAIN_FIRST, "no lever has been pulled yet"
    if step == STEP_DEPLOYED and STEP_STAGING not in state.steps:
        return RULE_STAGING_FIRST, "the fix is not confirmed in staging yet"
    if step == STEP_FLAG_REENABLED:
        missing = []
        if state.levers[0].state == UNTRIED:
            missing.append(f"lever 1 {state.levers[0].name} was never pulled or skipped")
        if STEP_DEPLOYED not in state.steps:
            missing.append("the fix is not deployed yet")
        if missing:
            return RULE_FLAG_AFTER_FIX, "; ".join(missing)
    started = soak_started(state)
    if step == STEP_SOAK and now is not None and started is not None and now - started < soak:
        ran = max(timedelta(0), now - started)
        return RULE_SOAK_FULL, (f"the fix has run {int(ran.total_seconds() // 60)} of the soak's {int(soak.total_seconds() // 60)} "
                                f"minutes (until {(started + soak).astimezone().strftime('%H:%M')})")
    return None


def resolution_step(state: IncidentState, actor: str, now: datetime, step: str, *, note_text: str = "",
                    switch: bool = False, override: str = "", soak: timedelta = SOAK) -> list[Event]:
    """A step on the resolution path. The flag is re-enabled only after staging confirms (never
    before), and only once lever 1 was tried and the fix deployed; the root cause waits for a
    lever to be pulled; the soak is done once the fix has run `soak`. Those are set aside only
    with a reason (`override`). A step the incident does not owe (the flag, where no flag was
    turned off) is refused, saying so."""
    if step not in RESOLUTION_STEPS:
        raise RuleBroken(f"unknown resolution step {step!r}")
    if step in state.steps:
        raise RuleBroken(f"{step} is done already")
    if step not in steps_owed(state):
        raise RuleBroken(f"{step} does not apply: lever 1 was skipped, so no flag was turned off ({state.levers[0].reason})")
    if step == STEP_FLAG_REENABLED and STEP_STAGING not in state.steps:
        raise RuleBroken("the flag stays off until the fix is tested in staging")
    broken = _path_rule(state, step, now, soak)
    before, role = _as(state, actor, now, Kind.RESOLUTION_STEP, switch)
    if broken:
        before += _overridden(state, actor, now, role, *broken, override)
    note = clean_input(note_text) if note_text.strip() else ""
    return before + [_event(state, actor, now, role, ResolutionStep(step=step, note=note))]


def correct_milestone(state: IncidentState, actor: str, now: datetime, milestone: str, at: datetime, *, reason: str = "", switch: bool = False) -> list[Event]:
    """A milestone put right afterwards, as a new event; the old one stays in the log."""
    if milestone not in MILESTONES:
        raise RuleBroken(f"unknown milestone {milestone!r}: one of {', '.join(MILESTONES)}")
    if at > now:
        raise RuleBroken("a milestone cannot be in the future")
    before, role = _as(state, actor, now, Kind.MILESTONE_SET, switch)
    reason = clean_input(reason) if reason.strip() else ""
    return before + [_event(state, actor, now, role, MilestoneSet(milestone=milestone, at=at, reason=reason))]


def unresolved_rules(state: IncidentState) -> list[tuple[str, str]]:
    """The rules of the practice that resolving now would set aside, each with why."""
    broken = []
    left = [step for step in steps_owed(state) if step not in state.steps]
    if left:
        broken.append((RULE_PATH_DONE, "not done yet: " + ", ".join(left)))
    if not any(lever.state == EFFECTIVE for lever in state.levers):
        broken.append((RULE_CONTAINED_FIRST, "no lever was marked effective: nothing contained the impact"))
    waiting = state.unacknowledged
    if waiting:
        numbers = ", ".join(f"#{f.number}" for f in waiting)
        broken.append((RULE_FINDINGS_TAKEN, f"finding {numbers} not acknowledged by the commander"))
    return broken


def resolve(state: IncidentState, actor: str, now: datetime, *, switch: bool = False, override: str = "") -> list[Event]:
    """Resolved once the resolution path is done, the impact contained and every finding taken
    in; otherwise only with a reason, one for all that is set aside (each goes on the timeline)."""
    if state.resolved:
        raise RuleBroken(f"{state.code} is resolved already")
    before, role = _as(state, actor, now, Kind.RESOLVED, switch)
    broken = unresolved_rules(state)
    if broken and not clean_input(override).strip():
        raise NeedsReason(*broken[0], *broken[1:])
    for rule, why in broken:
        before += _overridden(state, actor, now, role, rule, why, override)
    return before + [_event(state, actor, now, role, Resolved())]


def reopen(state: IncidentState, actor: str, now: datetime, reason: str = "", *, switch: bool = False) -> list[Event]:
    if not state.resolved:
        raise RuleBroken(f"{state.code} is open")
    before, role = _as(state, actor, now, Kind.REOPENED, switch)
    reason = clean_input(reason) if reason.strip() else ""
    return before + [_event(state, actor, now, role, Reopened(reason=reason))]


def publishing(state: IncidentState, actor: str, now: datetime, *, switch: bool = False, surprise: str = "",
               override: str = "") -> list[Event]:
    """Ready to publish the status page by hand (the communicator's; the matrix: P1 by hand, P0
    by itself too). The hat switch it needs, if any; the page itself is written by the caller,
    which records the publication once the files are in place. `surprise`: the no-surprises
    warning that holds (the page is the customers' to read, as a client notice is), set aside
    only with a reason, once."""
    from warroom.domain.public import PUBLIC_SEVERITIES

    if state.declared and state.severity not in PUBLIC_SEVERITIES:
        raise RuleBroken(f"a {state.severity} is internal: the status page shows P0 and P1 only "
                         "(the internal note goes to the team's channel)")
    before, role = _as(state, actor, now, Kind.PUBLISHED, switch)
    if surprise and not any(o.rule == RULE_NO_SURPRISES for o in state.overrides):
        before += _overridden(state, actor, now, role, RULE_NO_SURPRISES, surprise, override)
    return before
