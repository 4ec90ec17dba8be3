"""The escalation matrix and communication deadlines of DESIGN.md, as data, and their states.

`deadlines(state, now)` answers, for the incident's current severity, every deadline with its
due time and whether it is met (on time), late (met after its time), open, overdue, missed
(never met, and the incident is resolved) or waived (not yet due when it was resolved).
All deadlines are measured from detection, so a severity change recomputes them at once.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from msgspec import Struct

from warroom.domain.incident import IncidentState, pages_met_at
from warroom.domain.model import RESOLVED
from warroom.domain.roster import DEFAULT_ROLES

MET, LATE, OPEN, OVERDUE, MISSED, WAIVED = "met", "late", "open", "overdue", "missed", "waived"
DONE = (MET, LATE)  # a deadline in one of these needs nothing more
NEAR = timedelta(minutes=5)  # an open deadline this close is shown as a warning (screen and status bar)

# How a deadline is met: an escalation ticked, or a communication sent with that template.
NOTIFY, SEND = "notify", "send"
CLIENT_NOTICE, STATUS_UPDATE, INTERNAL_NOTE, RESOLUTION_NOTICE = (
    "client notice", "status update", "internal note", "resolution notice",
)
UPDATE_TEMPLATES = (CLIENT_NOTICE, STATUS_UPDATE, INTERNAL_NOTE)


class Rule(Struct, frozen=True):
    id: str
    label: str
    minutes: int | None  # from detection; None: no clock ("at the next standup")
    met_by: str = NOTIFY
    template: str = ""
    roles: tuple[str, ...] = ()  # a notify deadline: the roster's roles it pages (see domain.roster)


class SeverityPolicy(Struct, frozen=True):
    severity: str
    rules: tuple[Rule, ...]
    status_page: str
    cadence: timedelta | None
    update_template: str = STATUS_UPDATE
    no_surprises: str = ""  # the rule that must be met before a client notice goes out

    @property
    def tells_clients(self) -> bool:
        """Whether a client notice is owed at this severity, and so the resolution notice too
        (a P2's and a P3's are internal)."""
        return any(rule.template == CLIENT_NOTICE for rule in self.rules)


LEADERSHIP = "notify leadership + on-call"
MANAGER = "notify engineering manager + PM"

POLICY: dict[str, SeverityPolicy] = {
    "P0": SeverityPolicy("P0", (
        Rule("leadership", LEADERSHIP, 15, roles=DEFAULT_ROLES["leadership"]),
        Rule("client-notice", CLIENT_NOTICE, 15, SEND, CLIENT_NOTICE),
        Rule("war-room", "war room open", 30),
        Rule("client-contact", "client contacted", 60),
    ), "automatic", timedelta(minutes=30), no_surprises="leadership"),
    "P1": SeverityPolicy("P1", (
        Rule("manager", MANAGER, 15, roles=DEFAULT_ROLES["manager"]),
        Rule("client-notice", CLIENT_NOTICE, 15, SEND, CLIENT_NOTICE),
        Rule("team", "team assembled if unresolved", 30),
    ), "manual", timedelta(minutes=30), no_surprises="manager"),
    "P2": SeverityPolicy("P2", (
        Rule("pm", "notify PM", 15, roles=DEFAULT_ROLES["pm"]),
    ), "internal note", timedelta(days=1), INTERNAL_NOTE),
    "P3": SeverityPolicy("P3", (
        Rule("team-lead", "tell the team lead at the next standup", None, roles=DEFAULT_ROLES["team-lead"]),
    ), "none", None, INTERNAL_NOTE),
}
Policy = dict[str, SeverityPolicy]
# What ticking a deadline of the matrix says happened, where it is not a person told (by its id,
# as a team's own matrix names them too)
_DONE = {"team": "team assembled", "war-room": "war room open", "client-contact": "client contacted"}


def ticked_words(deadline_id: str) -> str:
    """What ticking a deadline says happened: "team assembled", or "notified" for a person told."""
    return _DONE.get(deadline_id, "notified")


class Deadline(Struct, frozen=True):
    id: str
    label: str
    due: datetime | None
    status: str
    met_at: datetime | None = None
    met_by: str = NOTIFY
    template: str = ""

    def remaining(self, now: datetime) -> timedelta | None:
        """Time left (negative when overdue); None for a deadline without a clock."""
        return None if self.due is None else self.due - now

    @property
    def late_by(self) -> timedelta | None:
        """How long after its time a late deadline was met."""
        if self.status != LATE or self.due is None or self.met_at is None:
            return None
        return self.met_at - self.due


def _status(due: datetime | None, met_at: datetime | None, now: datetime, resolved_at: datetime | None) -> str:
    if met_at is not None:
        return LATE if due is not None and met_at > due else MET
    if resolved_at is not None and (due is None or due > resolved_at):
        return WAIVED
    if due is not None and now >= due:
        return MISSED if resolved_at is not None else OVERDUE
    return OPEN


def _met_at(state: IncidentState, rule: Rule) -> datetime | None:
    """A message deadline: when the message was sent. A notify deadline: when it was ticked, or
    when the first page to each of its roles was delivered, whichever came first."""
    if rule.met_by == SEND:
        return next((c.at for c in state.communications if c.template == rule.template), None)
    ticked = state.notified.get(rule.id)
    paged = pages_met_at(state, rule.id, rule.roles) if state.pages else None
    return min((t for t in (ticked, paged) if t is not None), default=None)


def deadlines(state: IncidentState, now: datetime, policy: Policy = POLICY) -> list[Deadline]:
    """Every deadline of the incident's current severity, measured from detection."""
    detected = state.detected
    if detected is None or state.severity not in policy:
        return []
    rules = policy[state.severity]
    resolved_at = state.milestone(RESOLVED)
    found: list[Deadline] = []
    for rule in rules.rules:
        due = detected + timedelta(minutes=rule.minutes) if rule.minutes is not None else None
        met_at = _met_at(state, rule)
        found.append(Deadline(rule.id, rule.label, due, _status(due, met_at, now, resolved_at), met_at, rule.met_by, rule.template))
    if rules.cadence is not None:
        rounds = update_rounds(state, now, policy)
        found.append(rounds[-1])
    return found


def _next_update_after(sent, cadence: timedelta) -> datetime:
    """The update a sent message asks for: the time it promised, else its time plus the cadence."""
    return sent.next_update if sent.next_update is not None else sent.at + cadence


def update_rounds(state: IncidentState, now: datetime, policy: Policy = POLICY) -> list[Deadline]:
    """Every regular update the incident has owed so far: each one sent (on time or late) and
    the one due now. The first is due a cadence after detection; each next one when the message
    before it promised (or a cadence after it)."""
    rules = policy.get(state.severity)
    detected = state.detected
    if rules is None or rules.cadence is None or detected is None:
        return []
    label = f"{rules.update_template} (every {_cadence_text(rules.cadence)})"
    resolved_at = state.milestone(RESOLVED)
    rounds: list[Deadline] = []
    due = detected + rules.cadence
    for sent in sorted((c for c in state.communications if c.template in UPDATE_TEMPLATES), key=lambda c: c.at):
        rounds.append(Deadline("update", label, due, _status(due, sent.at, now, resolved_at), sent.at, SEND, rules.update_template))
        due = _next_update_after(sent, rules.cadence)
    rounds.append(Deadline("update", label, due, _status(due, None, now, resolved_at), None, SEND, rules.update_template))
    return rounds


def promised_update(state: IncidentState, now: datetime, policy: Policy = POLICY) -> datetime | None:
    """What a message sent now promises as "next update by": the cadence from now, on the minute
    (never later than the cadence), which is exactly what the countdown tracks once it is sent."""
    rules = policy.get(state.severity)
    if rules is None or rules.cadence is None or state.resolved:
        return None
    return (now + rules.cadence).replace(second=0, microsecond=0)


def record(state: IncidentState, now: datetime, policy: Policy = POLICY) -> list[Deadline]:
    """The one list of an incident's deadlines: every deadline of the matrix and every regular
    update owed (each sent, and the one due now; not one the resolution made unneeded), in due
    order. `warroom show`, the export, the postmortem, the scorecard and the console's pane all
    read it, so they agree row for row."""
    rules = [d for d in deadlines(state, now, policy) if d.id != "update"]
    rounds = update_rounds(state, now, policy)
    if rounds and rounds[-1].status == WAIVED:
        rounds = rounds[:-1]
    far = datetime.max.replace(tzinfo=state.detected.tzinfo) if state.detected else None
    return sorted(rules + rounds, key=lambda d: d.due or far)  # type: ignore[arg-type, return-value]  # (due is never None past `or far`)


def _cadence_text(cadence: timedelta) -> str:
    minutes = int(cadence.total_seconds() // 60)
    return "day" if minutes == 1440 else f"{minutes} min"


def is_near(deadline: Deadline | None, now: datetime) -> bool:
    """Open and due within NEAR: the countdown and the status bar warn."""
    return deadline is not None and deadline.status == OPEN and deadline.due is not None and deadline.due - now <= NEAR


def next_deadline(found: list[Deadline]) -> Deadline | None:
    """The one the countdown shows: the nearest open or overdue deadline that has a clock."""
    live = [d for d in found if d.status in (OPEN, OVERDUE) and d.due is not None]
    return min(live, key=lambda d: d.due, default=None)  # type: ignore[arg-type, return-value]  # (live ones all have a due time)


def surprise_warning(state: IncidentState, policy: Policy = POLICY) -> str | None:
    """"No surprises": a warning when a client notice would reach the client before the people
    the severity names (leadership for P0, the engineering manager for P1) have heard."""
    rules = policy.get(state.severity)
    needed = rules.no_surprises if rules else ""
    if not needed or needed in state.notified or state.resolved:
        return None
    rule = next((r for r in rules.rules if r.id == needed), None)  # type: ignore[union-attr]  # (the rules of a policy with a matrix)
    who = rule.label.removeprefix("notify ") if rule else needed
    return f"no surprises: {who} not notified yet, and the client would hear first"


def status_page(state: IncidentState, policy: Policy = POLICY) -> str:
    rules = policy.get(state.severity)
    return rules.status_page if rules else "none"


def owes_clients(severity: str, policy: Policy = POLICY) -> bool:
    """Whether the client is owed a notice at `severity`, and so the resolution notice: not at
    one whose rules name none (a P2, a P3, whose words are internal); at a severity the policy
    does not know, as at any other (nothing is held back)."""
    rules = policy.get(severity)
    return rules is None or rules.tells_clients


def paged_roles(policy: Policy = POLICY) -> list[str]:
    """Every role the matrix's notify deadlines page, at any severity, in the order they come."""
    return list(dict.fromkeys(role for rules in policy.values() for rule in rules.rules for role in rule.roles))


def notify_deadline_for(state: IncidentState, roles: list[str] | tuple[str, ...], policy: Policy = POLICY) -> str:
    """The notify deadline of the incident's severity that pages any of these roles ("" : none
    does): paging them is how it is met."""
    rules = policy.get(state.severity)
    for rule in rules.rules if rules else ():
        if rule.met_by == NOTIFY and rule.roles and set(roles) & set(rule.roles):
            return rule.id
    return ""
