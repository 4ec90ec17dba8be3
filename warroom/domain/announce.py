"""What a chat channel hears of an incident (pure): which events are news, under which topic a
webhook subscribes to, and the one line a Slack-compatible `{"text": …}` carries."""

from __future__ import annotations

from warroom.domain import schema
from warroom.domain.incident import IncidentState
from warroom.domain.model import CONTAINED, EFFECTIVE, Event, Kind
from warroom.domain.text import slack_text


def topic(event: Event, state: IncidentState) -> str | None:
    """The news an event is, as `[[webhooks]] events` names it; None when it is not news.
    `state` is the incident just after the commit that wrote the event."""
    kind, said = event.kind, schema.read(event)
    if said is None:
        return None  # unreadable: nothing to tell
    if kind == Kind.DECLARED:
        return "declared"
    if kind == Kind.SEVERITY_CHANGED:
        return "severity changed"
    if isinstance(said, schema.LeverChanged) and said.state == EFFECTIVE and state.milestone(CONTAINED) == event.at:
        return "contained"  # the first lever that worked: the impact is contained
    if kind == Kind.COMMUNICATION_SENT:
        return "message sent"
    if kind == Kind.RESOLVED:
        return "resolved"
    if kind == Kind.REOPENED:
        return "reopened"
    if kind == Kind.PUBLISHED:
        return "published"
    if isinstance(said, schema.Alert) and said.status in ("firing", "resolved"):
        return "alert"
    return None


def line(event: Event, state: IncidentState, news: str) -> str:
    """The chat line, made safe for Slack's text (no mention or link can be smuggled in)."""
    head = f"{state.code} {state.severity}"
    title = slack_text(state.title, 200)
    p = schema.typed(event)  # news is of a readable event (topic said so)
    if isinstance(p, schema.Declared):
        by = f" by a page from {p.paged_by}" if p.paged_by else f" by {slack_text(event.actor, 40)}"
        text = f"{head} declared{by}: {title}"
        return text + (f" (impact: {slack_text(state.impact, 200)})" if state.impact else "")
    if isinstance(p, schema.SeverityChanged):
        return f"{state.code} severity {p.was} → {p.severity}: {title}"
    if isinstance(p, schema.LeverChanged):
        return f"{head} contained ({slack_text(p.name, 60)} worked): {title}"
    if isinstance(p, schema.CommunicationSent):
        return f"{head} {p.template} sent: {slack_text(p.text, 2000)}"
    if isinstance(p, schema.Reopened):
        return f"{head} reopened: {title}" + (f" ({slack_text(p.reason, 200)})" if p.reason else "")
    if isinstance(p, schema.Published):
        return f"{head} status page published ({p.how}): {title}"
    if isinstance(p, schema.Alert):
        return f"{head} alert {p.status}: {slack_text(p.name, 200)}"
    return f"{head} {news}: {title}"
