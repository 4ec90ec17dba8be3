"""One line of words for each event, as the timeline and the postmortem tell it."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from warroom.domain import schema
from warroom.domain.model import Event, Kind
from warroom.domain.policy import LATE, MET, MISSED, OVERDUE, WAIVED, Deadline, ticked_words
from warroom.domain.timefmt import clock_text, local_time, minutes_text


def _lever(p: schema.LeverChanged) -> str:
    text = f"lever {p.lever} {p.name}: {p.was} → {p.state}"
    if p.correction:
        text += " (correction)"
    if p.out_of_order:
        text += " (out of order)"
    if p.reason:
        text += f" — {p.reason}"
    if p.runbook:
        text += f" ($ {p.runbook})"
    return text


def _declared(p: schema.Declared) -> str:
    by = f" by the page from {p.paged_by}" if p.paged_by else ""
    text = f"declared {p.severity}{by}: {p.title}"
    if p.service:
        text += f" (service {p.service})"
    if p.public_title:
        text += f" (public title: {p.public_title})"
    if p.components:
        text += f" (affects {', '.join(p.components)})"
    return text


def _alert(p: schema.Alert) -> str:
    """An alert, its labels and annotations: the evidence, as the monitoring said it."""
    text = f"alert {p.status}: {p.name or p.group}"
    labels = " ".join(f"{k}={v}" for k, v in sorted(p.labels.items()))
    notes = " · ".join(f"{k}: {v}" for k, v in sorted(p.annotations.items()))
    return text + (f" [{labels}]" if labels else "") + (f" · {notes}" if notes else "")


def _ticked(p: schema.EscalationNotified) -> str:
    done = ticked_words(p.deadline)
    return f"notified {p.whom} ({p.deadline})" if done == "notified" else f"{done}: {p.whom}"


def _was(p: schema.ServiceNamed | schema.ImpactSet | schema.PublicTitleSet) -> str:
    return f" (was {p.was})" if p.was else ""


def _then(text: str) -> str:
    return f" — {text}" if text else ""


def followup_name(number: int, codes: Mapping[int, str] | None = None) -> str:
    """A follow-up as people know it: its code in the database (F-12) when the reader knows the
    incident's codes, else its place among the incident's follow-ups (#2)."""
    return (codes or {}).get(number) or f"#{number}"


# The words of the events about one follow-up, given the name it goes by (followup_name).
_NAMED: dict[str, Callable[[Any, str], str]] = {
    Kind.FOLLOWUP_DONE: lambda p, name: f"follow-up {name} done{_then(p.note)}" + (f" · {p.link}" if p.link else ""),
    Kind.FOLLOWUP_REOPENED: lambda p, name: f"follow-up {name} reopened{_then(p.reason)}",
    Kind.FOLLOWUP_CHANGED: lambda p, name: f"follow-up {name}: " + ", ".join(
        ([f"owner {p.owner}"] if p.owner else []) + ([f"due {p.due or 'no date'}"] if p.due is not None else [])
        + ([f"link {p.link}"] if p.link else [])),
}


# Each other kind's words, read from the kind's own Struct (schema.PAYLOADS).
_WORDS: dict[str, Callable[[Any], str]] = {
    Kind.DECLARED: _declared,
    Kind.SEVERITY_CHANGED: lambda p: f"severity {p.was} → {p.severity}",
    Kind.SERVICE_NAMED: lambda p: f"service: {p.service}{_was(p)}",
    Kind.HAT_WORN: lambda p: f"wears the {p.hat} hat" + (f" (taken from {p.taken_from})" if p.taken_from else ""),
    Kind.NOTE: lambda p: p.text,
    Kind.FINDING_REPORTED: lambda p: f"finding: {p.text}",
    Kind.IMPACT_SET: lambda p: f"impact: {p.impact}{_was(p)}",
    Kind.PUBLIC_TITLE_SET: lambda p: f"public title: {p.public_title}{_was(p)}",
    Kind.COMPONENTS_SET: lambda p: "status page components: " + (", ".join(p.components) or "its service's")
    + f" · {p.state or 'state derived'}",
    Kind.RULE_OVERRIDDEN: lambda p: f"rule overridden, {p.rule}: {p.reason}",
    Kind.FINDING_ACKNOWLEDGED: lambda p: f"acknowledged finding #{p.number or p.finding}",
    Kind.LEVER_CHANGED: _lever,
    Kind.ESCALATION_NOTIFIED: lambda p: _ticked(p) + _then(p.note),
    Kind.COMMUNICATION_COPIED: lambda p: f"copied the {p.template}",
    Kind.COMMUNICATION_SENT: lambda p: f"sent the {p.template}: {p.text}",
    Kind.MILESTONE_SET: lambda p: f"{p.milestone} set to {p.at.astimezone().strftime('%Y-%m-%d %H:%M:%S')}{_then(p.reason)}",
    Kind.RESOLUTION_STEP: lambda p: f"{p.step}{_then(p.note)}",
    Kind.FOLLOWUP_ADDED: lambda p: f"follow-up for {p.owner}: {p.text}" + (f" (due {p.due})" if p.due else ""),
    Kind.RESOLVED: lambda p: "resolved",
    Kind.REOPENED: lambda p: f"reopened{_then(p.reason)}",
    Kind.ALERT: _alert,
    Kind.PUBLISHED: lambda p: f"status page published ({p.how})" + (f" in {p.folder}" if p.folder
                                                                    else " (practised: nothing written)"),
    Kind.DELIVERY_GIVEN_UP: lambda p: f"gave up delivering the {p.topic} message to {p.webhook} "
    f"after {p.tries} tries" + (f": {p.error}" if p.error else ""),
    Kind.PAGED: lambda p: ("TEST " if p.test else "") + f"paged {p.person} ({p.role}) by {', '.join(p.channels)}"
    + (f": {p.escalated_from} did not acknowledge" if p.escalated_from else ""),
    Kind.PAGE_DELIVERED: lambda p: f"page to {p.person or 'someone'} ({p.role}) delivered by {p.channel}",
    Kind.HAT_FREED: lambda p: f"{p.who} is called away: the {p.hat} hat is free" + (f" ({p.reason})" if p.reason else ""),
    Kind.DRILL_PAUSED: lambda p: "paused the drill: its clock stands still" + (" (the facilitator)" if p.by == "facilitator" else ""),
    Kind.DRILL_RESUMED: lambda p: f"the drill goes on, after {ack_span(int(p.paused_seconds))} paused"
    + (" (the facilitator)" if p.by == "facilitator" else ""),
    Kind.PAGE_ACKNOWLEDGED: lambda p: f"{p.person or 'someone'} acknowledged the page for {p.role}, "
    f"{ack_span(p.after_seconds)} after it was sent" + ("" if p.via == "link" else f" ({p.via})"),
}
assert set(_WORDS) | set(_NAMED) == set(schema.PAYLOADS) and not set(_WORDS) & set(_NAMED), "every kind of event has its words, once"


def ack_span(seconds: int) -> str:
    """How long an acknowledgement took: 45s, 2m10s, 1h02m."""
    if seconds < 60:
        return f"{seconds}s"
    minutes, seconds = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes}m{seconds:02d}s"
    return f"{minutes // 60}h{minutes % 60:02d}m"


def unreadable_words(event: Event) -> str:
    return f"unreadable event #{event.id}: it fits no schema of this warroom, and is skipped"


def describe(event: Event, codes: Mapping[int, str] | None = None) -> str:
    """What happened, in words; the raw text of the person, not yet made safe for a terminal.
    An event that fits no schema (an older or hand-made database) is named, never read.
    `codes`: the incident's follow-ups' codes (F-n) by number, so a follow-up is named as people
    type it; without them, by its place (#2)."""
    payload = schema.read(event)
    if payload is None:
        return unreadable_words(event)
    if isinstance(payload, schema.FollowupDone | schema.FollowupReopened | schema.FollowupChanged):
        return _NAMED[event.kind](payload, followup_name(payload.followup, codes))
    return _WORDS[event.kind](payload)


def text_of(event: Event) -> str:
    """A note's or a finding's text, or what stands for it when the event is unreadable."""
    payload = schema.read(event)
    return payload.text if isinstance(payload, schema.Note | schema.FindingReported) else unreadable_words(event)


def deadline_words(deadline: Deadline, now: datetime, by_the_minute: bool = False) -> str:
    """How a deadline stands, honestly: met on time, late by how much, missed, or still to come.
    `by_the_minute`: the time to go or overdue in whole minutes ("in 4 min", "OVERDUE +2 min"),
    to the second only in its first minute either side: the words of a list that changes once a
    minute, under the countdown that counts the seconds of the nearest one."""
    if deadline.status == MET and deadline.met_at:
        return f"met {local_time(deadline.met_at)}"
    if deadline.status == LATE and deadline.late_by is not None:
        return f"late +{clock_text(deadline.late_by)} (met {local_time(deadline.met_at)})"  # type: ignore[arg-type]  # (a late deadline has late_by and met_at)
    if deadline.status == MISSED:
        return "missed"
    if deadline.due is None:
        return "at the next standup"
    if deadline.status == OVERDUE:
        return f"OVERDUE +{minutes_text(now - deadline.due) if by_the_minute else clock_text(now - deadline.due)}"
    if deadline.status == WAIVED:
        return "not needed (resolved)"
    return f"in {minutes_text(deadline.due - now, up=True) if by_the_minute else clock_text(deadline.due - now)}"
