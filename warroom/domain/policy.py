"""The escalation matrix and communication deadlines of DESIGN.md, as data, and their states.

`deadlines(state, now)` answers, for the incident's current severity, every deadline with its
due time and whether it is met, open, overdue, or waived (no longer needed once resolved).
All deadlines are measured from detection, so a severity change recomputes them at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from warroom.domain.incident import IncidentState
from warroom.domain.model import RESOLVED

MET, OPEN, OVERDUE, WAIVED = "met", "open", "overdue", "waived"
NEAR = timedelta(minutes=5)  # an open deadline this close is shown as a warning (screen and status bar)

# How a deadline is met: an escalation ticked, or a communication sent with that template.
NOTIFY, SEND = "notify", "send"
CLIENT_NOTICE, STATUS_UPDATE, INTERNAL_NOTE, RESOLUTION_NOTICE = (
    "client notice", "status update", "internal note", "resolution notice",
)
UPDATE_TEMPLATES = (CLIENT_NOTICE, STATUS_UPDATE, INTERNAL_NOTE)


@dataclass(frozen=True)
class Rule:
    id: str
    label: str
    minutes: int | None  # from detection; None: no clock ("at the next standup")
    met_by: str = NOTIFY
    template: str = ""


@dataclass(frozen=True)
class SeverityPolicy:
    severity: str
    rules: tuple[Rule, ...]
    status_page: str
    cadence: timedelta | None
    update_template: str = STATUS_UPDATE
    no_surprises: str = ""  # the rule that must be met before a client notice goes out


LEADERSHIP = "notify leadership + on-call"
MANAGER = "notify engineering manager + PM"

POLICY: dict[str, SeverityPolicy] = {
    "P0": SeverityPolicy("P0", (
        Rule("leadership", LEADERSHIP, 15),
        Rule("client-notice", CLIENT_NOTICE, 15, SEND, CLIENT_NOTICE),
        Rule("war-room", "war room open", 30),
        Rule("client-contact", "client contacted", 60),
    ), "automatic", timedelta(minutes=30), no_surprises="leadership"),
    "P1": SeverityPolicy("P1", (
        Rule("manager", MANAGER, 15),
        Rule("client-notice", CLIENT_NOTICE, 15, SEND, CLIENT_NOTICE),
        Rule("team", "team assembled if unresolved", 30),
    ), "manual", timedelta(minutes=30), no_surprises="manager"),
    "P2": SeverityPolicy("P2", (
        Rule("pm", "notify PM", 15),
    ), "internal note", timedelta(days=1), INTERNAL_NOTE),
    "P3": SeverityPolicy("P3", (
        Rule("team-lead", "tell the team lead at the next standup", None),
    ), "none", None, INTERNAL_NOTE),
}
Policy = dict[str, SeverityPolicy]


@dataclass(frozen=True)
class Deadline:
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


def _status(due: datetime | None, met_at: datetime | None, now: datetime, resolved_at: datetime | None) -> str:
    if met_at is not None:
        return MET
    if resolved_at is not None and (due is None or due > resolved_at):
        return WAIVED
    if due is not None and now >= due:
        return OVERDUE
    return OPEN


def _met_at(state: IncidentState, rule: Rule) -> datetime | None:
    if rule.met_by == SEND:
        return next((c.at for c in state.communications if c.template == rule.template), None)
    return state.notified.get(rule.id)


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
        sent = [c.at for c in state.communications if c.template in UPDATE_TEMPLATES]
        due = (max(sent) if sent else detected) + rules.cadence
        label = f"{rules.update_template} (every {_cadence_text(rules.cadence)})"
        found.append(Deadline("update", label, due, _status(due, None, now, resolved_at), None, SEND, rules.update_template))
    return found


def _cadence_text(cadence: timedelta) -> str:
    minutes = int(cadence.total_seconds() // 60)
    return "day" if minutes == 1440 else f"{minutes} min"


def is_near(deadline: Deadline | None, now: datetime) -> bool:
    """Open and due within NEAR: the countdown and the status bar warn."""
    return deadline is not None and deadline.status == OPEN and deadline.due is not None and deadline.due - now <= NEAR


def next_deadline(found: list[Deadline]) -> Deadline | None:
    """The one the countdown shows: the nearest open or overdue deadline that has a clock."""
    live = [d for d in found if d.status in (OPEN, OVERDUE) and d.due is not None]
    return min(live, key=lambda d: d.due, default=None)  # type: ignore[arg-type, return-value]


def surprise_warning(state: IncidentState, policy: Policy = POLICY) -> str | None:
    """"No surprises": a warning when a client notice would reach the client before the people
    the severity names (leadership for P0, the engineering manager for P1) have heard."""
    rules = policy.get(state.severity)
    needed = rules.no_surprises if rules else ""
    if not needed or needed in state.notified:
        return None
    rule = next((r for r in rules.rules if r.id == needed), None)  # type: ignore[union-attr]
    who = rule.label.removeprefix("notify ") if rule else needed
    return f"no surprises: {who} not notified yet, and the client would hear first"


def status_page(state: IncidentState, policy: Policy = POLICY) -> str:
    rules = policy.get(state.severity)
    return rules.status_page if rules else "none"
