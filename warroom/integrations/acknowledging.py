"""A page's acknowledgement link, answered by `warroom receive` (issue 27).

  GET  /ack/TOKEN   a page with one button, saying what the page is about; nothing changes, so
                    a mail scanner or a link preview that follows the link acknowledges nothing
  POST /ack/TOKEN   the button (or ntfy's Acknowledge action): the page is acknowledged, once

The token is `code.ticket.mac` (see `integrations.pager`): it acknowledges that one page of that
one incident, for the person paged, once, and only while the incident is not resolved. What it
cannot do: read the incident's timeline, act on anything else, or acknowledge another page.
"""

from __future__ import annotations

from html import escape

from aiohttp import web

from warroom.domain import escalation
from warroom.domain.errors import WarroomError
from warroom.domain.incident import IncidentState, PageSeen
from warroom.domain.model import INCIDENT_CODE
from warroom.integrations.pager import read_token
from warroom.service import Service
from warroom.store import StoreError

_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer"><title>{title}</title>
<style>body{{font-family:system-ui,sans-serif;max-width:36em;margin:2em auto;padding:0 1em}}
button{{font-size:1.2em;padding:.6em 1.4em}}</style></head>
<body><h1>{title}</h1>{body}</body></html>
"""


def _html(title: str, body: str, status: int = 200) -> web.Response:
    response = web.Response(text=_PAGE.format(title=escape(title), body=body), status=status, content_type="text/html")
    response.headers["Cache-Control"] = "no-store"
    response.headers["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'"
    return response


async def acknowledged_by_pagerduty(service: Service, key: str) -> web.Response | None:
    """A PagerDuty `incident.acknowledged` for a page warroom sent (its dedup_key, one per
    incident and role): the role's latest page by PagerDuty not yet acknowledged is, via
    pagerduty. None when the key is not one of this database's (an incident of PagerDuty's own)."""
    import re

    prefix = f"warroom-{service.store.database_id or 'db'}-"
    found = re.match(f"^({INCIDENT_CODE})-(.+)$", key[len(prefix):]) if key.startswith(prefix) else None
    if found is None or service.config is None:
        return None
    code, role = found.groups()
    try:
        state = (await service.store.opening(code, service.config.book.levers)).state
    except (StoreError, WarroomError):
        return None
    waiting = [p for p in state.pages if p.role == role and "pagerduty" in p.channels and p.acknowledged_at is None and not p.test]
    if not waiting:
        return web.json_response({"recorded": False, "why": f"no page of {code} for {role} waits for an acknowledgement"})
    try:
        await service.append([escalation.acknowledge(state, service.now(), waiting[-1].ticket, "pagerduty")], state.severity)
    except escalation.NotPaged as refused:
        return web.json_response({"recorded": False, "why": str(refused)})
    return web.json_response({"recorded": True, "incident": code, "acknowledged": waiting[-1].person, "role": role})


def routes(service: Service) -> list[web.RouteDef]:
    secret: list[str] = []

    async def found(request: web.Request) -> tuple[IncidentState, PageSeen] | web.Response:
        if service.config is None or not service.config.roster.people:
            return _html("Not here", "<p>This warroom pages nobody: the config has no [people].</p>", 404)
        if not secret:
            secret.append(await service.store.page_secret())
        read = read_token(secret[0], request.match_info["token"])
        if read is None:
            return _html("No such page", "<p>This link is not one of this warroom's pages (or it was cut short).</p>", 404)
        code, ticket = read
        try:
            state = (await service.store.opening(code, service.config.book.levers)).state
        except (StoreError, WarroomError):
            return _html("No such page", "<p>The incident of this page is not in this database.</p>", 404)
        page = state.page(ticket)
        if page is None:
            return _html("No such page", "<p>This page is not on the incident's timeline.</p>", 404)
        return state, page

    def about(state: IncidentState, page: PageSeen) -> str:
        return (f"<p><b>{escape(state.code)} {escape(state.severity)}</b>: {escape(state.title)}</p>"
                f"<p>{escape(page.person)}, you were paged as <b>{escape(page.role)}</b>.</p>")

    async def show(request: web.Request) -> web.Response:
        got = await found(request)
        if isinstance(got, web.Response):
            return got
        state, page = got
        if page.acknowledged_at is not None:
            return _html("Acknowledged already", about(state, page) + f"<p>Acknowledged already ({escape(page.acknowledged_via)}).</p>")
        if state.resolved:
            return _html("Resolved", about(state, page) + "<p>The incident is resolved: there is nothing to acknowledge.</p>")
        return _html(f"Paged: {state.code}", about(state, page) + '<form method="post"><button type="submit">'
                     "Acknowledge: I have it</button></form><p>Nothing is acknowledged until you press it.</p>")

    async def acknowledge(request: web.Request) -> web.Response:
        got = await found(request)
        if isinstance(got, web.Response):
            return got
        state, page = got
        try:
            made = escalation.acknowledge(state, service.now(), page.ticket, "link")
            await service.append([made], state.severity)  # checked again under the writers' lock: once
        except escalation.NotPaged as refused:
            return _html("Not acknowledged", about(state, page) + f"<p>{escape(str(refused))}.</p>", 409)
        except StoreError as error:
            return _html("Not acknowledged", f"<p>The database cannot be written now: {escape(str(error))}</p>", 503)
        return _html("Acknowledged", about(state, page) + "<p>Acknowledged. Thank you: the war room can see it.</p>")

    return [web.get("/ack/{token}", show), web.post("/ack/{token}", acknowledge)]
