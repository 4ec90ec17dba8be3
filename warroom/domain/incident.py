"""The incident's state: a pure fold of its events, applied one event at a time."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from msgspec import Struct, field

from warroom.domain import schema
from warroom.domain.model import (
    CONTAINED,
    DECLARED,
    DETECTED,
    EFFECTIVE,
    FIX_DEPLOYED,
    HATS,
    IMPACT_STARTED,
    LEVERS,
    MILESTONES,
    RESOLVED,
    ROOT_CAUSE,
    RULE_LEVER_ORDER,
    STEP_MILESTONE,
    STEP_ROOT_CAUSE,
    UNTRIED,
    Event,
    Kind,
)

# The fold's version: bump it whenever a change to the fold would give a stored state (a summary,
# a snapshot) a different value for the same events; stored states of another version are rebuilt.
FOLD_VERSION = 7  # 2: the state counts its events (`count`); 3: and the hats worn (`hats_worn`); 4: every alert's status;
# 5: the public title, and who wore each hat when (`hat_spans`); 6: `hats_worn` while open only; 7: a drill's
# pause is charged to whoever paused it (`paused_by`), whoever let it go on


class Lever(Struct):
    number: int
    name: str
    state: str = UNTRIED
    changed_at: datetime | None = None
    reason: str = ""
    effective_at: datetime | None = None


class Finding(Struct):
    id: int  # the id of the event that reported it (what an acknowledgement names)
    text: str
    actor: str
    at: datetime
    acknowledged_at: datetime | None = None
    acknowledged_by: str = ""
    number: int = 0  # #1, #2, … in the order the incident's findings came


class Communication(Struct):
    at: datetime
    template: str
    text: str
    actor: str
    next_update: datetime | None = None  # the "next update by" the message promised, if it said


class Override(Struct):
    """A rule of the practice set aside on purpose: which, why, by whom and when."""

    at: datetime
    actor: str
    role: str
    rule: str
    reason: str


class FollowUp(Struct):
    """A prevention gap or corrective action, tracked to done (issue 28). Its number is its
    place among the incident's follow-ups (1, 2, …); the store gives each its F-n code."""
    text: str
    owner: str
    due: str = ""  # a date, 2026-12-04 (older ones may hold any text a person typed)
    at: datetime | None = None  # when it was added
    done_at: datetime | None = None  # when it was closed (None: open)
    done_by: str = ""
    note: str = ""  # what was done, said when it was closed
    link: str = ""  # the pull request or ticket
    reopened: int = 0  # how many times it was reopened

    @property
    def done(self) -> bool:
        return self.done_at is not None


class Figures(Struct):
    """The derived times the seed measures; None until both ends are known."""

    to_detect: timedelta | None
    to_contain: timedelta | None
    to_identify: timedelta | None
    to_fix: timedelta | None
    to_resolve: timedelta | None
    total: timedelta | None

    def labelled(self) -> list[tuple[str, timedelta | None]]:
        """Each figure with the word the screen and the reports use for it, in order."""
        return [("detect", self.to_detect), ("contain", self.to_contain), ("identify", self.to_identify),
                ("fix", self.to_fix), ("resolve", self.to_resolve), ("total", self.total)]


def pages_met_at(state: IncidentState, deadline: str, roles: tuple[str, ...]) -> datetime | None:
    """When a notify deadline was met by its pages: once the first page to each of its roles
    was delivered (None while one is not)."""
    if not roles:
        return None
    times = []
    for role in roles:
        found = [p.delivered_at for p in state.pages if p.role == role and p.deadline == deadline and not p.test
                 and p.delivered_at is not None]
        if not found:
            return None
        times.append(min(found))
    return max(times)


def _span(start: datetime | None, end: datetime | None) -> timedelta | None:
    return end - start if start is not None and end is not None else None


class AlertSeen(Struct):
    """An alert as the incident last heard of it (by its fingerprint)."""
    name: str
    status: str  # firing, resolved, acknowledged
    since: datetime  # when that was heard
    source: str = ""
    group: str = ""
    labels: str = ""  # its labels, short, on one line: what tells this alert from the others


class HatSpan(Struct):
    """One person wearing one hat, from when to when (None: still)."""
    hat: str
    who: str
    start: datetime
    end: datetime | None = None


MAX_ALERTS = 200  # alerts kept in the state, the most recently heard: a storm is on the timeline


class PageSeen(Struct):
    """One page to one person (issue 27): what the ledger shows of it."""
    ticket: str
    role: str
    person: str
    channels: tuple[str, ...]
    at: datetime
    deadline: str = ""
    escalated_from: str = ""
    test: bool = False
    delivered: dict[str, datetime] = field(default_factory=dict)  # channel -> when it accepted the page
    acknowledged_at: datetime | None = None
    acknowledged_via: str = ""
    text: str = ""  # what the page said (an escalation says it again to the next person)

    @property
    def delivered_at(self) -> datetime | None:
        """When the first of its channels accepted it."""
        return min(self.delivered.values(), default=None)


class IncidentState(Struct):
    code: str = ""
    title: str = ""
    severity: str = ""
    service: str = ""
    impact: str = ""
    public_title: str = ""  # what customers read, when one was given (domain.public.customer_title says it)
    components: tuple[str, ...] = ()  # the status page's components it affects, if named (else its service's)
    component_state: str = ""  # the state the communicator gave them, overriding the derived one ("": derived)
    component_states: list[tuple[datetime, str]] = field(default_factory=list)  # each override as it was set, in order
    # the events folded in; a state opened from a snapshot holds only the newest of them (the
    # console reads the rest of the timeline in windows), and `count` says how many there are
    events: list[Event] = field(default_factory=list)
    count: int = 0
    levers: list[Lever] = field(default_factory=lambda: [Lever(n + 1, name) for n, name in enumerate(LEVERS)])
    holders: dict[str, str] = field(default_factory=dict)  # hat -> who wears it
    findings: list[Finding] = field(default_factory=list)
    communications: list[Communication] = field(default_factory=list)
    notified: dict[str, datetime] = field(default_factory=dict)  # deadline id -> when met
    followups: list[FollowUp] = field(default_factory=list)
    steps: dict[str, datetime] = field(default_factory=dict)  # resolution step -> when done
    overrides: list[Override] = field(default_factory=list)
    unreadable: set[int] = field(default_factory=set)  # ids of events that fit no schema: skipped
    root_cause: str = ""  # what the commander said it is, when the step was done
    corrections: dict[str, datetime] = field(default_factory=dict)  # milestone -> corrected time
    base: dict[str, datetime] = field(default_factory=dict)  # milestones the events set directly
    last_id: int = 0
    paged_by: str = ""  # the alerting that opened the incident, if it was not a person
    drill: str = ""  # a practice incident: the scenario it plays
    hats_worn: int = 0  # hat switches made while open (a drill's scorecard counts them; the resolution notice's is not juggling)
    hat_spans: list[HatSpan] = field(default_factory=list)  # who wore each hat, when: the postmortem's roles
    alerts: dict[str, AlertSeen] = field(default_factory=dict)  # fingerprint -> as last heard
    heard: dict[str, datetime] = field(default_factory=dict)  # a page's group -> when last heard from
    # every alert's status as last heard (fingerprint -> status), however many: what a re-sent
    # page adds is judged on all of them, while `alerts` keeps the newest MAX_ALERTS to show
    alert_status: dict[str, str] = field(default_factory=dict)
    published: datetime | None = None  # when the public status page was last written with it
    undelivered: int = 0  # webhook messages given up on
    pages: list[PageSeen] = field(default_factory=list)  # every page to a person, in the order sent
    drill_clock: tuple[float, datetime] | None = None  # a drill's clock: its speed, and the real time it started at detection
    paused_at: datetime | None = None  # a drill's clock standing still since then (its own time)
    paused_by: str = ""  # and who stopped it: "player" or "facilitator" (the pause is theirs, whoever ends it)
    paused_by_players: float = 0.0  # seconds of the drill's time its players paused it, in all (a facilitator's are free)
    pauses: int = 0
    paused_in_all: float = 0.0  # seconds of the drill's time it stood, anyone's pauses

    # -- reading -------------------------------------------------------------------------
    @property
    def declared(self) -> bool:
        return bool(self.code)

    def page(self, ticket: str) -> PageSeen | None:
        return next((p for p in self.pages if p.ticket == ticket), None)

    def followup(self, number: int) -> FollowUp | None:
        """The incident's n-th follow-up (1 is the first added), if there is one."""
        return self.followups[number - 1] if 0 < number <= len(self.followups) else None

    def milestone(self, name: str) -> datetime | None:
        if name in self.corrections:
            return self.corrections[name]
        if name == CONTAINED:
            times = [lever.effective_at for lever in self.levers if lever.state == EFFECTIVE]
            return min((t for t in times if t is not None), default=None)
        return self.base.get(name)

    @property
    def milestones(self) -> dict[str, datetime | None]:
        return {name: self.milestone(name) for name in MILESTONES}

    @property
    def detected(self) -> datetime | None:
        return self.milestone(DETECTED)

    @property
    def resolved(self) -> bool:
        return self.milestone(RESOLVED) is not None

    @property
    def resolved_at(self) -> datetime | None:
        return self.milestone(RESOLVED)

    @property
    def status(self) -> str:
        """investigating, contained, monitoring or resolved: the words templates and lists use."""
        if self.resolved:
            return "resolved"
        if self.milestone(FIX_DEPLOYED) is not None:
            return "monitoring"
        if self.milestone(CONTAINED) is not None:
            return "contained"
        return "investigating"

    def clock_end(self, now: datetime) -> datetime:
        """Where the incident's clock stops: at resolution, else now."""
        resolved = self.milestone(RESOLVED)
        return resolved if resolved is not None and resolved <= now else now

    @property
    def latest_acknowledged(self) -> Finding | None:
        """The finding the commander took in last: most often what the root cause is."""
        done = [f for f in self.findings if f.acknowledged_at is not None]
        return max(done, key=lambda f: f.acknowledged_at, default=None)  # type: ignore[arg-type, return-value]  # (only acknowledged findings: acknowledged_at is set)

    def hat_of(self, actor: str) -> str | None:
        for hat in HATS:
            if self.holders.get(hat) == actor:
                return hat
        return None

    def lever(self, number: int) -> Lever:
        return self.levers[number - 1]

    def finding(self, finding_id: int) -> Finding | None:
        return next((f for f in self.findings if f.id == finding_id), None)

    @property
    def unacknowledged(self) -> list[Finding]:
        return [f for f in self.findings if f.acknowledged_at is None]

    def figures(self) -> Figures:
        m = self.milestone
        start = m(IMPACT_STARTED) or m(DETECTED)
        return Figures(
            to_detect=_span(m(IMPACT_STARTED), m(DETECTED)),
            to_contain=_span(m(DETECTED), m(CONTAINED)),
            to_identify=_span(m(DETECTED), m(ROOT_CAUSE)),
            to_fix=_span(m(ROOT_CAUSE), m(FIX_DEPLOYED)),
            to_resolve=_span(m(DETECTED), m(RESOLVED)),
            total=_span(start, m(RESOLVED)),
        )

    # -- folding -------------------------------------------------------------------------
    def apply(self, event: Event) -> None:
        """Fold one more event in. Events are applied in the order the log holds them."""
        self.events.append(event)
        self.count += 1
        if event.id is not None:
            self.last_id = max(self.last_id, event.id)
        handler = _HANDLERS.get(event.kind)
        if handler is None:
            return  # a note: nothing to fold (its text is checked when it is shown)
        payload = schema.read(event)
        if payload is None:  # written by an older warroom, or by hand: skipped, never a crash
            self.unreadable.add(event.id or 0)
            if event.kind == Kind.DECLARED and not self.code:  # still an incident, that says what is wrong
                self.code, self.title = event.incident, f"(unreadable declaration, event #{event.id})"
            return
        handler(self, event, payload)


def _declared(s: IncidentState, e: Event, p: schema.Declared) -> None:
    s.code, s.title, s.severity, s.service, s.impact = e.incident, p.title, p.severity, p.service, p.impact
    s.public_title, s.components = p.public_title, tuple(p.components)
    s.base[DECLARED] = e.at
    s.base[DETECTED] = p.detected
    if p.impact_started is not None:
        s.base[IMPACT_STARTED] = p.impact_started
    s.paged_by, s.drill = p.paged_by, p.drill
    if p.drill_speed and p.drill_real_start is not None:
        s.drill_clock = (p.drill_speed, p.drill_real_start)
    if not s.paged_by:  # a page opens the incident with every hat free: the on-call takes them
        s.holders[e.role] = e.actor
        s.hat_spans.append(HatSpan(e.role, e.actor, e.at))


def _hat_worn(s: IncidentState, e: Event, p: schema.HatWorn) -> None:
    if not s.resolved:
        s.hats_worn += 1
    for hat in HATS:
        if s.holders.get(hat) == e.actor:
            del s.holders[hat]
    s.holders[p.hat] = e.actor
    for span in s.hat_spans:  # the hat the wearer took off, and the one taken from someone
        if span.end is None and (span.who == e.actor or span.hat == p.hat):
            span.end = e.at
    s.hat_spans.append(HatSpan(p.hat, e.actor, e.at))


def _hat_freed(s: IncidentState, e: Event, p: schema.HatFreed) -> None:
    if s.holders.get(p.hat) == p.who:
        del s.holders[p.hat]
    for span in s.hat_spans:
        if span.end is None and span.hat == p.hat and span.who == p.who:
            span.end = e.at


def _alert(s: IncidentState, e: Event, p: schema.Alert) -> None:
    s.heard[p.group] = e.at
    if p.status == "still firing":
        return  # nothing new about any alert: the timeline holds the repeat
    key = p.fingerprint or f"{p.source}:{p.group}"
    s.alerts.pop(key, None)
    s.alert_status[key] = p.status
    labels = " ".join(f"{k}={v}" for k, v in sorted(p.labels.items()) if k != "alertname")
    s.alerts[key] = AlertSeen(p.name, p.status, e.at, p.source, p.group, labels[:200])
    while len(s.alerts) > MAX_ALERTS:
        del s.alerts[next(iter(s.alerts))]


def _lever(s: IncidentState, e: Event, p: schema.LeverChanged) -> None:
    if p.lever > len(s.levers):
        return
    lever = s.levers[p.lever - 1]
    lever.state, lever.changed_at, lever.reason = p.state, e.at, p.reason
    lever.effective_at = e.at if lever.state == EFFECTIVE else None
    if p.out_of_order:
        s.overrides.append(Override(e.at, e.actor, e.role, RULE_LEVER_ORDER, f"lever {p.lever} first: {lever.reason}"))


def _finding(s: IncidentState, e: Event, p: schema.FindingReported) -> None:
    s.findings.append(Finding(e.id or 0, p.text, e.actor, e.at, number=len(s.findings) + 1))


def _acknowledged(s: IncidentState, e: Event, p: schema.FindingAcknowledged) -> None:
    found = s.finding(p.finding)
    if found is not None and found.acknowledged_at is None:
        found.acknowledged_at, found.acknowledged_by = e.at, e.actor


def _step(s: IncidentState, e: Event, p: schema.ResolutionStep) -> None:
    if p.step == STEP_ROOT_CAUSE and p.step not in s.steps:
        s.root_cause = p.note
    s.steps.setdefault(p.step, e.at)
    if p.step in STEP_MILESTONE:
        s.base.setdefault(STEP_MILESTONE[p.step], e.at)


def _milestone(s: IncidentState, e: Event, p: schema.MilestoneSet) -> None:
    s.corrections[p.milestone] = p.at


def _resolved(s: IncidentState, e: Event, p: schema.Resolved) -> None:
    s.base[RESOLVED] = e.at
    s.corrections.pop(RESOLVED, None)


def _reopened(s: IncidentState, e: Event, p: schema.Reopened) -> None:
    s.base.pop(RESOLVED, None)
    s.corrections.pop(RESOLVED, None)


def _sent(s: IncidentState, e: Event, p: schema.CommunicationSent) -> None:
    s.communications.append(Communication(e.at, p.template, p.text, e.actor, p.next_update))


def _overridden(s: IncidentState, e: Event, p: schema.RuleOverridden) -> None:
    s.overrides.append(Override(e.at, e.actor, e.role, p.rule, p.reason))


def _severity(s: IncidentState, e: Event, p: schema.SeverityChanged) -> None:
    s.severity = p.severity


def _service(s: IncidentState, e: Event, p: schema.ServiceNamed) -> None:
    s.service = p.service


def _impact(s: IncidentState, e: Event, p: schema.ImpactSet) -> None:
    s.impact = p.impact


def _public_title(s: IncidentState, e: Event, p: schema.PublicTitleSet) -> None:
    s.public_title = p.public_title


def _components(s: IncidentState, e: Event, p: schema.ComponentsSet) -> None:
    s.components, s.component_state = tuple(p.components), p.state
    if p.state != p.was_state:
        s.component_states.append((e.at, p.state))


def _published(s: IncidentState, e: Event, p: schema.Published) -> None:
    s.published = e.at


def _given_up(s: IncidentState, e: Event, p: schema.DeliveryGivenUp) -> None:
    s.undelivered += 1


def _notified(s: IncidentState, e: Event, p: schema.EscalationNotified) -> None:
    s.notified.setdefault(p.deadline, e.at)


def _paged(s: IncidentState, e: Event, p: schema.Paged) -> None:
    s.pages.append(PageSeen(p.ticket, p.role, p.person, tuple(p.channels), e.at, p.deadline, p.escalated_from, p.test,
                            text=p.text))


def _page_delivered(s: IncidentState, e: Event, p: schema.PageDelivered) -> None:
    page = s.page(p.ticket)
    if page is not None:
        page.delivered.setdefault(p.channel, e.at)


def _page_acknowledged(s: IncidentState, e: Event, p: schema.PageAcknowledged) -> None:
    page = s.page(p.ticket)
    if page is not None and page.acknowledged_at is None:
        page.acknowledged_at, page.acknowledged_via = e.at, p.via


def _drill_paused(s: IncidentState, e: Event, p: schema.DrillPaused) -> None:
    s.paused_at, s.paused_by = e.at, p.by
    s.pauses += 1


def _drill_resumed(s: IncidentState, e: Event, p: schema.DrillResumed) -> None:
    s.paused_in_all += p.paused_seconds
    if (s.paused_by or p.by) == "player":  # (a players' pause the facilitator ended is still theirs)
        s.paused_by_players += p.paused_seconds
    s.paused_at, s.paused_by = None, ""


def _followup(s: IncidentState, e: Event, p: schema.FollowupAdded) -> None:
    s.followups.append(FollowUp(p.text, p.owner, p.due, e.at))


def _followup_done(s: IncidentState, e: Event, p: schema.FollowupDone) -> None:
    item = s.followup(p.followup)
    if item is not None:
        item.done_at, item.done_by, item.note = e.at, e.actor, p.note
        item.link = p.link or item.link


def _followup_reopened(s: IncidentState, e: Event, p: schema.FollowupReopened) -> None:
    item = s.followup(p.followup)
    if item is not None:
        item.done_at, item.done_by, item.reopened = None, "", item.reopened + 1


def _followup_changed(s: IncidentState, e: Event, p: schema.FollowupChanged) -> None:
    item = s.followup(p.followup)
    if item is not None:
        item.owner = p.owner or item.owner
        item.due = item.due if p.due is None else p.due
        item.link = p.link or item.link


# Each kind's handler reads the kind's own Struct (schema.PAYLOADS); a kind with none (a note, a
# message copied) changes nothing but the count.
_HANDLERS: dict[str, Callable[[IncidentState, Event, Any], None]] = {
    Kind.DECLARED: _declared,
    Kind.SEVERITY_CHANGED: _severity,
    Kind.SERVICE_NAMED: _service,
    Kind.COMPONENTS_SET: _components,
    Kind.IMPACT_SET: _impact,
    Kind.RULE_OVERRIDDEN: _overridden,
    Kind.HAT_WORN: _hat_worn,
    Kind.LEVER_CHANGED: _lever,
    Kind.FINDING_REPORTED: _finding,
    Kind.FINDING_ACKNOWLEDGED: _acknowledged,
    Kind.RESOLUTION_STEP: _step,
    Kind.MILESTONE_SET: _milestone,
    Kind.RESOLVED: _resolved,
    Kind.REOPENED: _reopened,
    Kind.ALERT: _alert,
    Kind.PUBLISHED: _published,
    Kind.PUBLIC_TITLE_SET: _public_title,
    Kind.DELIVERY_GIVEN_UP: _given_up,
    Kind.COMMUNICATION_SENT: _sent,
    Kind.ESCALATION_NOTIFIED: _notified,
    Kind.FOLLOWUP_ADDED: _followup,
    Kind.FOLLOWUP_DONE: _followup_done,
    Kind.FOLLOWUP_REOPENED: _followup_reopened,
    Kind.FOLLOWUP_CHANGED: _followup_changed,
    Kind.PAGED: _paged,
    Kind.PAGE_DELIVERED: _page_delivered,
    Kind.PAGE_ACKNOWLEDGED: _page_acknowledged,
    Kind.DRILL_PAUSED: _drill_paused,
    Kind.DRILL_RESUMED: _drill_resumed,
    Kind.HAT_FREED: _hat_freed,
}


def fold(events: list[Event] | tuple[Event, ...], levers: tuple[str, ...] = LEVERS) -> IncidentState:
    """The state of an incident after all of its events, in log order; `levers` names the
    four containment levers (the team's own words, from the config)."""
    state = IncidentState(levers=[Lever(n + 1, name) for n, name in enumerate(levers)])
    for event in events:
        state.apply(event)
    return state
