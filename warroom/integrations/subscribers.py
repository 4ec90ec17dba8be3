"""The status page's email subscribers (issue 30): each public update of an incident the page
shows is mailed once to each subscriber whose components it affects, through the outbox (at
least once, never on a key's path), with a one-link unsubscribe that `warroom receive` serves:

  GET  /unsubscribe/TOKEN   a page with one button (a mail scanner following the link changes nothing)
  POST /unsubscribe/TOKEN   the button, and RFC 8058's one-click List-Unsubscribe-Post: removed, once

The token is the subscriber's number and its own random secret. A subscriber's address is only
ever in its own mail: never on the page, in a feed or in another subscriber's mail.
"""

from __future__ import annotations

import json
from collections.abc import Callable

from warroom.config import Mailing
from warroom.domain.incident import IncidentState
from warroom.domain.maintenance import Maintenance
from warroom.domain.model import Event
from warroom.domain.public import PublicIncident, affected, public
from warroom.domain.text import one_line, safe
from warroom.store.outbox import SUBSCRIBER, Delivery, Message
from warroom.store.statuspage import Subscriber, outbox_line

KIND_WORDS = {"client notice": "Investigating", "status update": "Update", "resolution notice": "Resolved"}


def unsubscribe_link(answer_url: str, subscriber: Subscriber) -> str:
    return f"{answer_url.rstrip('/')}/unsubscribe/{subscriber.id}.{subscriber.secret}"


def read_token(text: str) -> tuple[int, str] | None:
    number, _, secret = text.partition(".")
    return (int(number), secret) if number.isdigit() and len(number) < 12 and len(secret) == 32 else None


def mailer(mailing: Mailing, title: str, names: tuple[str, ...], services: dict[str, tuple[str, ...]],
           database_id: str) -> Callable[[Event, IncidentState, list[Subscriber]], list[Message]]:
    """What the store queues when an incident is published: for each subscriber whose components
    it affects, each of its public updates made since they subscribed (the outbox keeps one per
    subscriber and update, so a page published again mails nothing twice)."""

    def messages(event: Event, state: IncidentState, subscribers: list[Subscriber]) -> list[Message]:
        shown = public(state, title) if not state.drill else None
        if shown is None or not shown.updates:
            return []
        touched = affected(shown, names, services) if names else ()
        found = []
        for subscriber in subscribers:
            if not subscriber.wants(touched):
                continue
            for number, update in enumerate(reversed(shown.updates), 1):
                if update.at < subscriber.added_at:
                    continue
                key = f"warroom-{database_id or 'db'}-sub{subscriber.id}-{shown.anchor}-{number}"
                found.append(Message(outbox_line(subscriber.id), subscriber.address, SUBSCRIBER, key,
                                     json.dumps(_mail(mailing, title, shown, number, touched, subscriber), ensure_ascii=False)))
        return found

    return messages


def maintenance_mailer(mailing: Mailing, title: str, database_id: str) -> Callable[[Maintenance, str, list[Subscriber]], list[Message]]:
    """What the store queues when a maintenance is scheduled or cancelled: a mail to each
    subscriber of one of its components, once for each."""

    def messages(maintenance: Maintenance, what: str, subscribers: list[Subscriber]) -> list[Message]:
        found = []
        for subscriber in subscribers:
            if not subscriber.wants(maintenance.components):
                continue
            key = f"warroom-{database_id or 'db'}-sub{subscriber.id}-{maintenance.anchor}-{what}"
            link = unsubscribe_link(mailing.answer_url, subscriber) if mailing.answer_url else ""
            heading = "Scheduled maintenance" if what == "scheduled" else "Maintenance cancelled"
            lines = [f"{heading}: {maintenance.title}",
                     f"{maintenance.starts:%Y-%m-%d %H:%M} to {maintenance.ends:%Y-%m-%d %H:%M} UTC",
                     f"Components: {', '.join(maintenance.components)}"]
            if maintenance.notice and what == "scheduled":
                lines += ["", maintenance.notice]
            if mailing.page_url:
                lines.append(f"More: {mailing.page_url.rstrip('/')}/index.html#{maintenance.anchor}")
            lines += ["", f"You receive this because you subscribed to {title}"
                      + (f" for {', '.join(subscriber.components)}" if subscriber.components else "") + "."]
            lines.append(f"Unsubscribe: {link}" if link else "To unsubscribe, ask the team that runs this status page.")
            data = {"smtp": mailing.smtp, "from": mailing.sender or "status@localhost", "to": subscriber.address,
                    "subject": one_line(f"[{title}] {heading}: {maintenance.title}", 200),
                    "text": "\n".join(safe(line) for line in lines) + "\n", "unsubscribe": link}
            found.append(Message(outbox_line(subscriber.id), subscriber.address, SUBSCRIBER, key,
                                 json.dumps(data, ensure_ascii=False)))
        return found

    return messages


def _mail(mailing: Mailing, title: str, shown: PublicIncident, number: int, touched: tuple[str, ...],
          subscriber: Subscriber) -> dict:
    update = tuple(reversed(shown.updates))[number - 1]
    link = unsubscribe_link(mailing.answer_url, subscriber) if mailing.answer_url else ""
    page = f"{mailing.page_url.rstrip('/')}/incidents/{shown.anchor}.html" if mailing.page_url else ""
    lines = [shown.title, f"{KIND_WORDS.get(update.kind, update.kind)} · {update.at:%Y-%m-%d %H:%M} UTC", "", update.text, "",
             f"Status: {shown.state_words}"]
    if touched:
        lines.append(f"Components: {', '.join(touched)}")
    if page:
        lines.append(f"More: {page}")
    lines += ["", f"You receive this because you subscribed to {title}"
              + (f" for {', '.join(subscriber.components)}" if subscriber.components else "") + "."]
    lines.append(f"Unsubscribe: {link}" if link else "To unsubscribe, ask the team that runs this status page.")
    return {"smtp": mailing.smtp, "from": mailing.sender or "status@localhost", "to": subscriber.address,
            "subject": one_line(f"[{title}] {shown.title}: {KIND_WORDS.get(update.kind, update.kind)}", 200),
            "text": "\n".join(safe(line) for line in lines) + "\n", "unsubscribe": link, "key": f"{subscriber.id}-{shown.anchor}-{number}"}


def message(data: dict, key: str):
    from email.message import EmailMessage

    mail = EmailMessage()
    mail["From"] = data["from"]
    mail["To"] = data["to"]
    mail["Subject"] = data["subject"]
    mail["Message-ID"] = f"<{key}@warroom>"  # the same on a retry: a mail system may drop the second
    mail["Auto-Submitted"] = "auto-generated"
    if data["unsubscribe"]:
        mail["List-Unsubscribe"] = f"<{data['unsubscribe']}>"
        mail["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    mail.set_content(data["text"])
    return mail


async def send(delivery: Delivery, environ: dict[str, str]) -> str | None:
    """One try of a subscriber's mail; None when the mail server accepted it."""
    from warroom.integrations.posting import mail

    data = json.loads(delivery.body)
    if not data.get("smtp"):
        return "no mail server: set [status_page] smtp (or [paging] smtp)"
    return await mail(message(data, delivery.key), data["smtp"], environ, "the subscribers' smtp")
