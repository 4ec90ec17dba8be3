"""What Alertmanager (webhook version 4; Grafana's Alertmanager-compatible contact point sends
the same) and PagerDuty (V3 webhooks) send, decoded with msgspec into typed structs, then into
the domain's `Page`. Fields warroom does not use are ignored; the ones it uses are checked, and
a payload of the wrong shape is refused with one line naming the field. Alert text is untrusted:
it is bounded here and made harmless wherever it is shown."""

from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime

import msgspec

from warroom.domain.model import DEFAULT_MAPPING, DEFAULT_URGENCY
from warroom.domain.paging import Alert, Page, severity_of
from warroom.domain.schema import MAX_LABELS, AlertStatus
from warroom.domain.text import clean_input
from warroom.integrations import BadPayload

MAX_BODY = 1 << 20  # a page of more than a megabyte is refused
MAX_NAME = 300  # an alert's name or an incident's title taken from a page
MAX_VALUE = 4000  # a label's or an annotation's value
TOO_DEEP = "not a page: JSON nested too deeply"


@dataclass(frozen=True)
class Mapping:
    """How a page's words become a severity (the config's [receive] table)."""
    severity: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_MAPPING))
    urgency: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_URGENCY))


# -- Alertmanager ---------------------------------------------------------------------------
class _AmAlert(msgspec.Struct):
    status: str
    labels: dict[str, str] = {}
    annotations: dict[str, str] = {}
    startsAt: str = ""
    generatorURL: str = ""
    fingerprint: str = ""


class _AmPayload(msgspec.Struct):
    version: str
    groupKey: str
    status: str
    alerts: list[_AmAlert]
    groupLabels: dict[str, str] = {}
    commonLabels: dict[str, str] = {}
    commonAnnotations: dict[str, str] = {}
    externalURL: str = ""


# -- PagerDuty ------------------------------------------------------------------------------
class _PdReference(msgspec.Struct):
    summary: str = ""
    id: str = ""


class _PdIncident(msgspec.Struct):
    id: str
    title: str = ""
    status: str = ""
    urgency: str = ""
    html_url: str = ""
    created_at: str = ""
    service: _PdReference | None = None
    incident_key: str | None = None  # a page warroom sent by the Events API: its dedup_key


class _PdEvent(msgspec.Struct):
    event_type: str
    data: _PdIncident
    occurred_at: str = ""
    resource_type: str = "incident"


class _PdPayload(msgspec.Struct):
    event: _PdEvent


class _PdKind(msgspec.Struct):
    event_type: str


class _PdOutline(msgspec.Struct):
    """Just what tells whether warroom records an event: its type. Other types (say
    `incident.responder.added`) have other shapes and are answered "not recorded"."""
    event: _PdKind


def pagerduty_kind(raw: bytes) -> str:
    """The event type of a PagerDuty V3 webhook (to say what was not recorded)."""
    return _decoded(raw, _PdOutline, "a PagerDuty V3 webhook").event.event_type


def _decoded(raw: bytes, shape: type, what: str):
    if len(raw) > MAX_BODY:
        raise BadPayload(f"{len(raw):,} bytes; a page is at most {MAX_BODY:,}")
    try:
        return msgspec.json.decode(raw, type=shape)
    except msgspec.ValidationError as error:
        text, _, where = str(error).partition(" - at `$")
        raise BadPayload(f"not {what}: {where.rstrip('`').lstrip('.') or 'the body'}: {text[:200]}") from None
    except msgspec.DecodeError as error:
        raise BadPayload(f"not JSON: {str(error)[:200]}") from None
    except RecursionError:
        raise BadPayload(TOO_DEEP) from None


_FRACTION = re.compile(r"\.(\d{6})\d+")


def _time(text: str) -> datetime | None:
    """An RFC 3339 time as the alerting writes it (nanoseconds and `Z` included); None for
    Alertmanager's zero time or what cannot be read."""
    if not text or text.startswith("0001-"):
        return None
    try:
        moment = datetime.fromisoformat(_FRACTION.sub(r".\1", text.strip()).replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _cut(text: str, limit: int) -> str:
    text = clean_input(text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _line(text: str, limit: int) -> str:
    """A name shown on one line (a title, a service): a newline in a label is folded to a
    space, never a reason to refuse the page (the alerting does not send a refused one again)."""
    return _cut(" ".join(clean_input(text).split()), limit)


def _labels(found: dict[str, str]) -> dict[str, str]:
    """At most MAX_LABELS of them (in name order), each bounded: a page is never refused for
    carrying too much, and never carries more than the schema holds."""
    return {_cut(k, 200): _cut(v, MAX_VALUE) for k, v in sorted(found.items())[:MAX_LABELS]}


def alertmanager(raw: bytes, received: datetime, mapping: Mapping = Mapping()) -> Page:
    """An Alertmanager webhook (version 4) as a page: its group, what it would open, its alerts."""
    body = _decoded(raw, _AmPayload, "an Alertmanager webhook")
    if body.version != "4":
        raise BadPayload(f"Alertmanager webhook version {body.version[:20]!r}; warroom reads version 4")
    if body.status not in ("firing", "resolved") or not body.groupKey.strip():
        raise BadPayload("not an Alertmanager webhook: status must be firing or resolved, with a groupKey")
    common = body.commonLabels
    first = body.alerts[0].labels if body.alerts else {}
    name = common.get("alertname") or body.groupLabels.get("alertname") or first.get("alertname", "")
    if body.status == "firing" and not body.alerts:
        raise BadPayload("a firing group with no alerts: nothing to page about")
    title = body.commonAnnotations.get("summary") or name or "an alert from Alertmanager"
    alerts = []
    for alert in body.alerts:
        if alert.status not in ("firing", "resolved"):
            raise BadPayload("alerts: each status must be firing or resolved")
        key = alert.fingerprint or hashlib.sha256(repr(sorted(alert.labels.items())).encode()).hexdigest()[:16]
        alerts.append(Alert(_cut(key, 200), _line(alert.labels.get("alertname", name), MAX_NAME), alert.status,
                            _labels(alert.labels), _labels(alert.annotations), _time(alert.startsAt),
                            _cut(alert.generatorURL, 2000)))
    return Page("alertmanager", _cut(body.groupKey, 2000), body.status == "firing", _line(title, MAX_NAME),
                severity_of({**first, **common}, mapping.severity), _line(common.get("service") or common.get("job", ""), 80),
                received, tuple(alerts))


PAGERDUTY_STATUS: dict[str, AlertStatus] = {"incident.triggered": "firing", "incident.acknowledged": "acknowledged", "incident.resolved": "resolved"}


def pagerduty(raw: bytes, received: datetime, mapping: Mapping = Mapping()) -> Page | None:
    """A PagerDuty V3 webhook as a page; None for an event type warroom does not record."""
    if pagerduty_kind(raw) not in PAGERDUTY_STATUS:
        return None
    body = _decoded(raw, _PdPayload, "a PagerDuty V3 webhook")
    status = PAGERDUTY_STATUS[body.event.event_type]
    incident = body.event.data
    if not incident.id.strip():
        raise BadPayload("not a PagerDuty V3 webhook: event.data.id is empty")
    title = _line(incident.title, MAX_NAME) or f"PagerDuty incident {_line(incident.id, 100)}"
    service = incident.service.summary if incident.service else ""
    alert = Alert(_cut(f"pagerduty:{incident.id}", 200), _cut(title, MAX_NAME), status,
                  _labels({"urgency": incident.urgency, "service": service, "status": incident.status}),
                  {}, _time(incident.created_at), _cut(incident.html_url, 2000))
    severity = mapping.urgency.get(incident.urgency.strip().lower(), "P2")
    return Page("pagerduty", _cut(incident.id, 2000), status == "firing", _cut(title, MAX_NAME), severity,
                _line(service, 80), received, (alert,))


def pagerduty_acknowledged_key(raw: bytes) -> str:
    """The incident_key of an `incident.acknowledged` V3 webhook ("" for any other): for a page
    warroom sent through the Events API, the dedup_key it gave."""
    if pagerduty_kind(raw) != "incident.acknowledged":
        return ""
    return _decoded(raw, _PdPayload, "a PagerDuty V3 webhook").event.data.incident_key or ""


def signed_by(raw: bytes, header: str, secrets: tuple[str, ...]) -> bool:
    """PagerDuty's X-PagerDuty-Signature: `v1=` HMAC-SHA256 of the body, hex, with the
    webhook's secret; several, comma-separated, while a secret is being rotated."""
    given = [part.strip()[3:].encode("utf-8", "surrogateescape") for part in header.split(",")
             if part.strip().startswith("v1=")]  # bytes: a header of any bytes compares, never raises
    for secret in secrets:
        expected = hmac.new(secret.encode(), raw, hashlib.sha256).hexdigest().encode()
        if any(hmac.compare_digest(expected, signature) for signature in given):
            return True
    return False


def either(raw: bytes, received: datetime, mapping: Mapping = Mapping()) -> Page | None:
    """`warroom alert`: a payload of either kind, told apart by its shape."""
    if len(raw) > MAX_BODY:
        raise BadPayload(f"{len(raw):,} bytes; a page is at most {MAX_BODY:,}")
    try:
        outline = msgspec.json.decode(raw)
    except msgspec.DecodeError as error:
        raise BadPayload(f"not JSON: {str(error)[:200]}") from None
    except RecursionError:
        raise BadPayload(TOO_DEEP) from None
    if isinstance(outline, dict) and "groupKey" in outline:
        return alertmanager(raw, received, mapping)
    if isinstance(outline, dict) and isinstance(outline.get("event"), dict):
        return pagerduty(raw, received, mapping)
    raise BadPayload("neither an Alertmanager webhook (groupKey, alerts) nor a PagerDuty V3 webhook (event)")
