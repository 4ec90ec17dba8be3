"""Detect: a page arrives. What the alerting sent, in the incident's own words, and what it
adds to the log. Pure: the receiver and `warroom alert` decode the payloads into a `Page`;
the store, under its writers' lock, finds the open incident of the page's group (or opens one
with `declaration`) and appends what `alert_events` says is new.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from warroom.domain import schema
from warroom.domain.incident import IncidentState
from warroom.domain.model import COMMANDER, DEFAULT_SEVERITY, INVESTIGATOR, SEVERITIES, Event
from warroom.domain.schema import AlertStatus, PageSource

STILL_FIRING_EVERY = timedelta(minutes=30)  # a re-sent group that says nothing new: one line at most this often


@dataclass(frozen=True)
class Alert:
    """One alert of a page."""
    fingerprint: str
    name: str
    status: AlertStatus  # firing, resolved, acknowledged
    labels: dict[str, str] = field(default_factory=dict)
    annotations: dict[str, str] = field(default_factory=dict)
    starts_at: datetime | None = None
    url: str = ""


@dataclass(frozen=True)
class Page:
    """One notification from the alerting: a group of alerts (Alertmanager) or an incident
    (PagerDuty), what it would open, and its alerts."""
    source: PageSource
    group: str  # Alertmanager's groupKey, PagerDuty's incident id: the same group joins one incident
    firing: bool  # whether it opens an incident when its group has none open
    title: str
    severity: str
    service: str
    received: datetime
    alerts: tuple[Alert, ...]

    @property
    def impact_started(self) -> datetime | None:
        """The earliest start of any alert: when the impact began, as far as monitoring knows."""
        starts = [a.starts_at for a in self.alerts if a.starts_at is not None and a.starts_at <= self.received]
        return min(starts, default=None)


def severity_of(labels: dict[str, str], mapping: dict[str, str]) -> str:
    """An Alertmanager group's severity: its `priority` label when that is P0–P3, else its
    `severity` label through the mapping (P0 only when mapped), else P2."""
    priority = labels.get("priority", "").strip().upper()
    if priority in SEVERITIES:
        return priority
    return mapping.get(labels.get("severity", "").strip().lower(), DEFAULT_SEVERITY)


def declaration(page: Page) -> Event:
    """The declared event of an incident the page opens: detected when the page was received,
    impact from the earliest alert, every hat free for the people on call."""
    return schema.event("", page.received, page.source, COMMANDER, schema.Declared(
        title=page.title, severity=page.severity, detected=page.received, paged_by=page.source,
        impact_started=page.impact_started, service=page.service))


def alert_events(state: IncidentState, page: Page) -> list[Event]:
    """What the page adds to the incident: each alert whose state is new to it; when nothing is
    new (Alertmanager re-sends a group every repeat_interval) one "still firing" line, at most
    once every STILL_FIRING_EVERY, never a flood."""
    events = []
    for alert in page.alerts:
        if state.alert_status.get(alert.fingerprint) == alert.status:
            continue
        starts_at = alert.starts_at if alert.starts_at is not None and alert.starts_at <= page.received else None
        events.append(schema.event(state.code, page.received, page.source, INVESTIGATOR, schema.Alert(
            source=page.source, group=page.group, status=alert.status, name=alert.name, fingerprint=alert.fingerprint,
            labels=alert.labels, annotations=alert.annotations, starts_at=starts_at, url=alert.url)))
    if not events and page.firing:
        last = state.heard.get(page.group)
        if last is None or page.received - last >= STILL_FIRING_EVERY:
            events.append(schema.event(state.code, page.received, page.source, INVESTIGATOR, schema.Alert(
                source=page.source, group=page.group, status="still firing", name=page.title)))
    return events
