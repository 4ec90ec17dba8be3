"""What a chat channel hears of an incident (pure): which events are news, under which topic a
webhook subscribes to, and the one line a Slack-compatible `{"text": …}` carries."""

from __future__ import annotations

from warroom.domain.incident import IncidentState
from warroom.domain.model import CONTAINED, EFFECTIVE, Event, Kind
from warroom.domain.text import slack_text


def topic(event: Event, state: IncidentState) -> str | None:
    """The news an event is, as `[[webhooks]] events` names it; None when it is not news.
    `state` is the incident just after the commit that wrote the event."""
    kind = event.kind
    if kind == Kind.DECLARED:
        return "declared"
    if kind == Kind.SEVERITY_CHANGED:
        return "severity changed"
    if kind == Kind.LEVER_CHANGED and event.payload.get("state") == EFFECTIVE and state.milestone(CONTAINED) == event.at:
        return "contained"  # the first lever that worked: the impact is contained
    if kind == Kind.COMMUNICATION_SENT:
        return "message sent"
    if kind == Kind.RESOLVED:
        return "resolved"
    if kind == Kind.REOPENED:
        return "reopened"
    if kind == Kind.PUBLISHED:
        return "published"
    if kind == Kind.ALERT and event.payload.get("status") in ("firing", "resolved"):
        return "alert"
    return None


def line(event: Event, state: IncidentState, news: str) -> str:
    """The chat line, made safe for Slack's text (no mention or link can be smuggled in)."""
    head = f"{state.code} {state.severity}"
    title = slack_text(state.title, 200)
    p = event.payload
    if news == "declared":
        by = f" by a page from {p['paged_by']}" if p.get("paged_by") else f" by {slack_text(event.actor, 40)}"
        text = f"{head} declared{by}: {title}"
        return text + (f" (impact: {slack_text(state.impact, 200)})" if state.impact else "")
    if news == "severity changed":
        return f"{state.code} severity {p.get('was')} → {p.get('severity')}: {title}"
    if news == "contained":
        return f"{head} contained ({slack_text(str(p.get('name', '')), 60)} worked): {title}"
    if news == "message sent":
        return f"{head} {p.get('template')} sent: {slack_text(str(p.get('text', '')), 2000)}"
    if news == "resolved":
        return f"{head} resolved: {title}"
    if news == "reopened":
        return f"{head} reopened: {title}" + (f" ({slack_text(str(p.get('reason')), 200)})" if p.get("reason") else "")
    if news == "published":
        return f"{head} status page published ({p.get('how')}): {title}"
    return f"{head} alert {p.get('status')}: {slack_text(str(p.get('name', '')), 200)}"
