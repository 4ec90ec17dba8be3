"""`warroom receive`: the HTTP endpoint the alerting pages. aiohttp is imported here alone, so
nothing else (the console's first frame above all) pays for it.

  POST /alertmanager   Alertmanager's webhook (version 4); a bearer token when one is set
  POST /pagerduty      PagerDuty's V3 webhook, signed (X-PagerDuty-Signature)
  GET  /healthz        200 while the database answers

Every answer is JSON; every error one line, `{"error": "..."}`, with a 4xx status, and nothing
written. Each request is one line on stderr.
"""

from __future__ import annotations

import hmac
import json
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from aiohttp import web

from warroom.domain.paging import Page
from warroom.domain.schema import SchemaError
from warroom.domain.text import one_line
from warroom.integrations.alerts import MAX_BODY, BadPayload, Mapping, alertmanager, pagerduty, signed_by
from warroom.store import EventStore, StoreError

LOOPBACK = ("127.0.0.1", "::1", "localhost")


@dataclass(frozen=True)
class Settings:
    host: str = "127.0.0.1"
    port: int = 9095
    token: str = ""  # required on /alertmanager when set
    secrets: tuple[str, ...] = ()  # PagerDuty webhook secrets; without one /pagerduty refuses all
    mapping: Mapping = Mapping()

    def check(self) -> None:
        """Refuse to listen beyond this machine with nothing to tell a page from anyone's POST."""
        if self.host not in LOOPBACK and not self.token:
            raise ValueError(f"--listen {self.host}:{self.port} is beyond loopback: set a token first "
                             "([receive] token in the config, or WARROOM_RECEIVE_TOKEN)")


def _error(status: int, message: str) -> web.Response:
    return web.json_response({"error": one_line(message, 300)}, status=status)


def build(store: EventStore, settings: Settings, clock: Callable[[], datetime], log=None, config=None,
          wake=None) -> web.Application:
    """The receiver as an aiohttp application, writing through `store`."""
    log = log or (lambda line: print(line, file=sys.stderr, flush=True))

    @web.middleware
    async def one_line_per_request(request: web.Request, handler) -> web.StreamResponse:
        started = time.perf_counter()
        try:
            response = await handler(request)
        except web.HTTPRequestEntityTooLarge:
            response = _error(413, f"the body is over {MAX_BODY:,} bytes")
        except web.HTTPException as error:  # no route, wrong method: JSON like the rest
            response = _error(error.status, error.reason)
        said = response.text if isinstance(response, web.Response) and response.text else ""
        log(f"{clock().isoformat(timespec='seconds')} {request.method} {one_line(request.path, 100)} {response.status} "
            f"{one_line(said, 200)} {1000 * (time.perf_counter() - started):.1f} ms")
        return response

    async def take(page: Page | None, what: str) -> web.Response:
        if page is None:
            return web.json_response({"recorded": False, "why": f"{what}: not an event warroom records"})
        try:
            taken = await store.take_page(page)
        except SchemaError as error:
            return _error(422, f"the page does not fit the event schema: {error}")
        except StoreError as error:
            return _error(503, str(error))
        if taken.code is None:
            return web.json_response({"recorded": False, "why": "its group has no open incident, and it opens none"})
        if wake is not None:
            wake.set()  # the webhooks' messages about it
        if config is not None:  # a P0's status page publishes by itself
            from warroom.integrations.outward import after_commit

            try:
                await after_commit(store, config, taken.events, clock())
            except StoreError as error:
                log(f"the status page was not published: {one_line(str(error), 300)}")
        return web.json_response({"recorded": True, "incident": taken.code, "opened": taken.opened, "events": len(taken.events)})

    async def from_alertmanager(request: web.Request) -> web.Response:
        if settings.token:
            given = request.headers.get("Authorization", "")
            if not hmac.compare_digest(given.encode(), f"Bearer {settings.token}".encode()):
                return _error(401, "a bearer token is required (Authorization: Bearer …), and this is not it")
        raw = await request.read()  # (aiohttp refuses a body over client_max_size: 413)
        try:
            page = alertmanager(raw, clock(), settings.mapping)
        except BadPayload as error:
            return _error(400, str(error))
        return await take(page, "alertmanager")

    async def from_pagerduty(request: web.Request) -> web.Response:
        raw = await request.read()  # (aiohttp refuses a body over client_max_size: 413)
        if not settings.secrets:
            return _error(403, "no PagerDuty webhook secret is set ([receive] pagerduty_secret): every request is refused")
        if not signed_by(raw, request.headers.get("X-PagerDuty-Signature", ""), settings.secrets):
            return _error(401, "X-PagerDuty-Signature is missing or wrong")
        try:
            page = pagerduty(raw, clock(), settings.mapping)
        except BadPayload as error:
            return _error(400, str(error))
        return await take(page, json.loads(raw)["event"]["event_type"][:60] if page is None else "pagerduty")

    async def healthz(request: web.Request) -> web.Response:
        try:
            await store.incidents()
        except StoreError as error:
            return _error(503, str(error))
        return web.json_response({"ok": True, "database": store.where})

    app = web.Application(middlewares=[one_line_per_request], client_max_size=MAX_BODY)
    app.add_routes([web.post("/alertmanager", from_alertmanager), web.post("/pagerduty", from_pagerduty),
                    web.get("/healthz", healthz)])
    return app


async def serve(store: EventStore, settings: Settings, clock: Callable[[], datetime], ready=None, config=None) -> None:
    """Listen until cancelled (Ctrl-C); `ready(port)` once listening. With webhooks in the
    config, their messages are delivered in the background meanwhile."""
    import asyncio

    wake = asyncio.Event()
    delivering = None
    if config is not None and config.webhooks:
        from warroom.integrations.webhooks import deliver_forever

        delivering = asyncio.create_task(deliver_forever(store, config.webhooks, clock, wake))
    runner = web.AppRunner(build(store, settings, clock, config=config, wake=wake), access_log=None, handle_signals=False)
    await runner.setup()
    try:
        site = web.TCPSite(runner, settings.host, settings.port, reuse_address=True)
        try:
            await site.start()
        except OSError as error:
            raise StoreError(f"cannot listen on {settings.host}:{settings.port}: {error.strerror or error}") from None
        port = runner.addresses[0][1] if runner.addresses else settings.port
        if ready is not None:
            ready(port)
        await asyncio.Event().wait()
    finally:
        if delivering is not None:
            delivering.cancel()
        await runner.cleanup()
