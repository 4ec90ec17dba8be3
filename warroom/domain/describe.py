"""One line of words for each event, as the timeline and the postmortem tell it."""

from __future__ import annotations

from datetime import datetime

from warroom.domain.model import Event, Kind
from warroom.domain.policy import LATE, MET, MISSED, OVERDUE, WAIVED, Deadline
from warroom.domain.schema import readable
from warroom.domain.timefmt import clock_text, local_time


def _lever(p: dict) -> str:
    text = f"lever {p.get('lever')} {p.get('name', '')}: {p.get('was', '?')} → {p.get('state', '?')}"
    if p.get("correction"):
        text += " (correction)"
    if p.get("out_of_order"):
        text += " (out of order)"
    if p.get("reason"):
        text += f" — {p['reason']}"
    if p.get("runbook"):
        text += f" ($ {p['runbook']})"
    return text


def _when(value: str) -> str:
    try:
        return datetime.fromisoformat(value).astimezone().strftime("%Y-%m-%d %H:%M:%S")
    except (TypeError, ValueError):
        return str(value)


def _declared(p: dict) -> str:
    by = f" by the page from {p['paged_by']}" if p.get("paged_by") else ""
    text = f"declared {p.get('severity', '')}{by}: {p.get('title', '')}"
    if p.get("service"):
        text += f" (service {p['service']})"
    return text


def _alert(p: dict) -> str:
    """An alert, its labels and annotations: the evidence, as the monitoring said it."""
    text = f"alert {p.get('status', '')}: {p.get('name', '') or p.get('group', '')}"
    labels = " ".join(f"{k}={v}" for k, v in sorted(dict(p.get("labels", {})).items()))
    notes = " · ".join(f"{k}: {v}" for k, v in sorted(dict(p.get("annotations", {})).items()))
    return text + (f" [{labels}]" if labels else "") + (f" · {notes}" if notes else "")


_WORDS = {
    Kind.DECLARED: _declared,
    Kind.SEVERITY_CHANGED: lambda p: f"severity {p.get('was', '?')} → {p.get('severity', '?')}",
    Kind.SERVICE_NAMED: lambda p: f"service: {p.get('service', '')}" + (f" (was {p['was']})" if p.get("was") else ""),
    Kind.HAT_WORN: lambda p: f"wears the {p.get('hat')} hat" + (f" (taken from {p['from']})" if p.get("from") else ""),
    Kind.NOTE: lambda p: p.get("text", ""),
    Kind.FINDING_REPORTED: lambda p: f"finding: {p.get('text', '')}",
    Kind.IMPACT_SET: lambda p: f"impact: {p.get('impact', '')}" + (f" (was {p['was']})" if p.get("was") else ""),
    Kind.RULE_OVERRIDDEN: lambda p: f"rule overridden, {p.get('rule', '')}: {p.get('reason', '')}",
    Kind.FINDING_ACKNOWLEDGED: lambda p: f"acknowledged finding #{p.get('number') or p.get('finding')}",
    Kind.LEVER_CHANGED: _lever,
    Kind.ESCALATION_NOTIFIED: lambda p: f"notified {p.get('whom', '')} ({p.get('deadline', '')})"
    + (f" — {p['note']}" if p.get("note") else ""),
    Kind.COMMUNICATION_COPIED: lambda p: f"copied the {p.get('template', '')}",
    Kind.COMMUNICATION_SENT: lambda p: f"sent the {p.get('template', '')}: {p.get('text', '')}",
    Kind.MILESTONE_SET: lambda p: f"{p.get('milestone')} set to {_when(p.get('at', ''))}"
    + (f" — {p['reason']}" if p.get("reason") else ""),
    Kind.RESOLUTION_STEP: lambda p: f"{p.get('step')}" + (f" — {p['note']}" if p.get("note") else ""),
    Kind.FOLLOWUP_ADDED: lambda p: f"follow-up for {p.get('owner', '')}: {p.get('text', '')}"
    + (f" (due {p['due']})" if p.get("due") else ""),
    Kind.RESOLVED: lambda p: "resolved",
    Kind.REOPENED: lambda p: "reopened" + (f" — {p['reason']}" if p.get("reason") else ""),
    Kind.ALERT: _alert,
    Kind.PUBLISHED: lambda p: f"status page published ({p.get('how', '')})" + (f" in {p['folder']}" if p.get("folder")
                                                                             else " (practised: nothing written)"),
    Kind.DELIVERY_GIVEN_UP: lambda p: f"gave up delivering the {p.get('topic', '')} message to {p.get('webhook', '')} "
    f"after {p.get('tries')} tries" + (f": {p['error']}" if p.get("error") else ""),
}


def unreadable_words(event: Event) -> str:
    return f"unreadable event #{event.id}: it fits no schema of this warroom, and is skipped"


def describe(event: Event) -> str:
    """What happened, in words; the raw text of the person, not yet made safe for a terminal.
    An event that fits no schema (an older or hand-made database) is named, never read."""
    words = _WORDS.get(event.kind)
    if words is None or not readable(event):
        return unreadable_words(event)
    return words(event.payload)


def text_of(event: Event) -> str:
    """A note's or a finding's text, or what stands for it when the event is unreadable."""
    return event.payload["text"] if readable(event) else unreadable_words(event)


def deadline_words(deadline: Deadline, now: datetime) -> str:
    """How a deadline stands, honestly: met on time, late by how much, missed, or still to come."""
    if deadline.status == MET and deadline.met_at:
        return f"met {local_time(deadline.met_at)}"
    if deadline.status == LATE and deadline.late_by is not None:
        return f"late +{clock_text(deadline.late_by)} (met {local_time(deadline.met_at)})"  # type: ignore[arg-type]  # (a late deadline has late_by and met_at)
    if deadline.status == MISSED:
        return "missed"
    if deadline.due is None:
        return "at the next standup"
    if deadline.status == OVERDUE:
        return f"OVERDUE +{clock_text(now - deadline.due)}"
    if deadline.status == WAIVED:
        return "not needed (resolved)"
    return f"in {clock_text(deadline.due - now)}"
