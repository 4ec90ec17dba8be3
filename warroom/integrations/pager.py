"""Pages out (issue 27): what the outbox sends for a page, by email (SMTP), ntfy, PagerDuty's
Events API v2 and Slack, and the signed link that acknowledges it.

A page is an event (`paged`); the store queues one outbox message per channel in the same
commit (`announcer`), and the deliverer sends them (`send`) at least once, retried, never on a
key's path. The link is `{answer_url}/ack/{code}.{ticket}.{mac}`: the ticket is the page's own
random id, the mac an HMAC of the code and ticket under the database's own secret, so a link
cannot be made up from an export, and acknowledges one page of one incident, once.
aiosmtplib and aiohttp are imported by `send` alone.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Callable
from urllib.parse import urlsplit

from warroom.domain.incident import IncidentState
from warroom.domain.model import Event, Kind
from warroom.domain.roster import Paging, Roster
from warroom.domain.schema import Paged, read
from warroom.domain.text import one_line
from warroom.integrations.posting import mail, post
from warroom.store.outbox import PAGE, PAGE_RESOLVED, Delivery, Message

PAGERDUTY_SEVERITY = {"P0": "critical", "P1": "error", "P2": "warning", "P3": "info"}
NTFY_PRIORITY = {"P0": 5, "P1": 4, "P2": 3, "P3": 2}
MAX_DEDUP = 255  # PagerDuty's limit on a dedup_key


# -- the acknowledgement link --------------------------------------------------------------
def token(secret: str, code: str, ticket: str) -> str:
    return f"{code}.{ticket}.{_mac(secret, code, ticket)}"


def _mac(secret: str, code: str, ticket: str) -> str:
    return hmac.new(secret.encode(), f"{code}.{ticket}".encode(), hashlib.sha256).hexdigest()[:32]


def read_token(secret: str, text: str) -> tuple[str, str] | None:
    """(code, ticket) of a genuine token, else None."""
    code, _, rest = text.partition(".")
    ticket, _, mac = rest.partition(".")
    if not (code and len(ticket) == 32 and mac) or not hmac.compare_digest(mac, _mac(secret, code, ticket)):
        return None
    return code, ticket


def link(paging: Paging, secret: str, code: str, ticket: str) -> str:
    """The page's acknowledgement link, or "" when [paging] names no answer_url."""
    return f"{paging.answer_url.rstrip('/')}/ack/{token(secret, code, ticket)}" if paging.answer_url else ""


def dedup_key(database_id: str, code: str, role: str) -> str:
    """One PagerDuty alert per incident and role: an escalation, and the resolution, name it."""
    key = f"warroom-{database_id or 'db'}-{code}-{role}"
    return key if len(key) <= MAX_DEDUP else key[:200] + "-" + hashlib.sha256(key.encode()).hexdigest()[:40]


# -- what is queued ------------------------------------------------------------------------
def announcer(roster: Roster, secret: str, database_id: str) -> Callable[[Event, IncidentState], list[Message]]:
    """What the store queues for an event: a message per channel of a page; for a resolution,
    PagerDuty's `resolve` of each alert its pages opened."""

    def messages(event: Event, state: IncidentState) -> list[Message]:
        if event.kind == Kind.PAGED:
            said = read(event)
            return _page(roster, secret, database_id, event, state, said) if isinstance(said, Paged) else []
        if event.kind == Kind.RESOLVED:
            return _resolutions(roster, database_id, event, state)
        return []

    return messages


def subject(state: IncidentState, said: Paged) -> str:
    marks = ("DRILL " if state.drill else "") + ("TEST " if said.test else "")
    return one_line(f"{marks}{state.code} {state.severity}: {state.title} (paged as {said.role})", 200)


def _page(roster: Roster, secret: str, database_id: str, event: Event, state: IncidentState, said: Paged) -> list[Message]:
    person = roster.people.get(said.person)
    if person is None:
        return []  # gone from the roster since: nowhere to send it
    ack = link(roster.paging, secret, state.code, said.ticket)
    data = {"ticket": said.ticket, "code": state.code, "role": said.role, "person": said.person, "test": said.test,
            "severity": state.severity, "title": state.title, "impact": state.impact, "service": state.service,
            "status": state.status, "subject": subject(state, said), "text": said.text, "link": ack,
            "dedup_key": dedup_key(database_id, state.code, said.role)}
    found = []
    for channel in said.channels:
        to = {"email": person.email, "ntfy": person.ntfy, "slack": person.slack,
              "pagerduty": roster.paging.pagerduty_url}[channel]
        if channel == "pagerduty":
            data = {**data, "routing_key": person.pagerduty}
        key = f"warroom-{database_id or 'db'}-{state.code}-{event.id}-{channel}"
        found.append(Message(channel, to, PAGE, key, json.dumps(data, ensure_ascii=False)))
    return found


def _resolutions(roster: Roster, database_id: str, event: Event, state: IncidentState) -> list[Message]:
    found, done = [], set()
    for page in state.pages:
        person = roster.people.get(page.person)
        if page.test or "pagerduty" not in page.channels or person is None or not person.pagerduty:
            continue
        dedup = dedup_key(database_id, state.code, page.role)
        if (person.pagerduty, dedup) in done:
            continue
        done.add((person.pagerduty, dedup))
        key = f"warroom-{database_id or 'db'}-{state.code}-{event.id}-pagerduty-{len(done)}"
        body = json.dumps({"routing_key": person.pagerduty, "dedup_key": dedup, "code": state.code, "role": page.role})
        found.append(Message("pagerduty", roster.paging.pagerduty_url, PAGE_RESOLVED, key, body))
    return found


# -- what is sent ---------------------------------------------------------------------------
def ntfy_request(url: str, data: dict) -> tuple[str, dict]:
    """ntfy's JSON publishing: to the server's root, the topic named in the body."""
    parts = urlsplit(url)
    base, _, topic = parts.path.rstrip("/").rpartition("/")
    body: dict = {"topic": topic, "title": data["subject"], "message": _with_link(data),
                  "priority": NTFY_PRIORITY.get(data["severity"], 4), "tags": ["rotating_light"]}
    if data["link"]:
        body["click"] = data["link"]
        body["actions"] = [{"action": "http", "label": "Acknowledge", "url": data["link"], "method": "POST", "clear": True},
                           {"action": "view", "label": "Open", "url": data["link"]}]
    return f"{parts.scheme}://{parts.netloc}{base}/", body


def pagerduty_body(data: dict, action: str = "trigger") -> dict:
    """A PagerDuty Events API v2 event: `trigger` for a page, `resolve` when the incident is."""
    body: dict = {"routing_key": data["routing_key"], "event_action": action, "dedup_key": data["dedup_key"]}
    if action != "trigger":
        return body
    body["payload"] = {
        "summary": one_line(data["subject"], 1024), "source": "warroom", "severity": PAGERDUTY_SEVERITY.get(data["severity"], "error"),
        "component": data["service"] or None, "group": data["code"], "class": data["role"],
        "custom_details": {"incident": data["code"], "title": data["title"], "impact": data["impact"],
                           "status": data["status"], "role": data["role"], "person": data["person"], "message": data["text"]},
    }
    body["client"] = "warroom"
    if data["link"]:
        body["client_url"] = data["link"]
        body["links"] = [{"href": data["link"], "text": "Acknowledge in warroom"}]
    return body


def slack_body(data: dict) -> dict:
    def plain(text: str) -> str:
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")

    text = f"*{plain(data['subject'])}*\n{plain(data['text'])}"
    if data["link"]:
        text += f"\n<{data['link']}|Acknowledge>"
    return {"text": text}


def _with_link(data: dict) -> str:
    return data["text"] + (f"\n\nAcknowledge: {data['link']}" if data["link"] else
                           "\n\n(acknowledge in the warroom console: [paging] names no answer_url for a link)")


def email_message(data: dict, to: str, paging: Paging, key: str):
    from email.message import EmailMessage

    message = EmailMessage()
    message["From"] = paging.sender or "warroom@localhost"
    message["To"] = to
    message["Subject"] = data["subject"]
    message["Message-ID"] = f"<{key}@warroom>"  # the same on a retry: a mail system may drop the second
    message["X-Warroom-Incident"] = data["code"]
    message.set_content(_with_link(data) + "\n\nThis link acknowledges the page for you; it works once, until the "
                        "incident is resolved. Following it shows a page with one button: nothing is acknowledged "
                        "until you press it.\n")
    return message


async def send(session, delivery: Delivery, paging: Paging, environ: dict[str, str]) -> str | None:
    """One try of a page's message; None when it was accepted, else what went wrong in one line."""
    data = json.loads(delivery.body)
    if delivery.webhook == "email":
        return await _email(delivery, data, paging, environ)
    if delivery.topic == PAGE_RESOLVED:
        return await _post(session, delivery.url, pagerduty_body(data, "resolve"))
    if delivery.webhook == "ntfy":
        url, body = ntfy_request(delivery.url, data)
        return await _post(session, url, body)
    if delivery.webhook == "pagerduty":
        return await _post(session, delivery.url, pagerduty_body(data))
    return await _post(session, delivery.url, slack_body(data))


async def _post(session, url: str, body: dict) -> str | None:
    return await post(session, url, json.dumps(body).encode(), {"Content-Type": "application/json", "User-Agent": "warroom"})


async def _email(delivery: Delivery, data: dict, paging: Paging, environ: dict[str, str]) -> str | None:
    return await mail(email_message(data, delivery.url, paging, delivery.key), paging.smtp, environ)
