"""`warroom receive`: the HTTP endpoint the alerting pages. aiohttp is imported here alone, so
nothing else (the console's first frame above all) pays for it.

  POST /alertmanager   Alertmanager's webhook (version 4); a bearer token when one is set
  POST /pagerduty      PagerDuty's V3 webhook, signed (X-PagerDuty-Signature)
  GET  /healthz        200 while the database answers
  GET  /ack/TOKEN      a page's acknowledgement link: a page with one button (issue 27)
  POST /ack/TOKEN      the button: acknowledges the page, once
  GET  /unsubscribe/TOKEN   a status page subscriber's link: a page with one button (issue 30)
  POST /unsubscribe/TOKEN   the button (or one-click List-Unsubscribe-Post): removed, once

Every answer is JSON; every error one line, `{"error": "..."}`, with a 4xx status, and nothing
written. Each request is one line on stderr.
"""

from __future__ import annotations

import asyncio
import hmac
import sys
import time
from dataclasses import dataclass

from aiohttp import web

from warroom.domain.paging import Page
from warroom.domain.schema import SchemaError
from warroom.domain.text import one_line
from warroom.integrations.acknowledging import acknowledged_by_pagerduty, routes
from warroom.integrations.alerts import (
    MAX_BODY,
    BadPayload,
    Mapping,
    alertmanager,
    pagerduty,
    pagerduty_acknowledged_key,
    pagerduty_kind,
    signed_by,
)
from warroom.integrations.unsubscribing import routes as unsubscribe_routes
from warroom.service import Service
from warroom.store import StoreError

LOOPBACK = ("127.0.0.1", "::1", "localhost")
# What the internet may send is bounded in time as well as in size (a slow client holds a file
# descriptor for as long as it is let): the headers and an idle keep-alive connection get a few
# seconds, a body a few more; connections past MAX_CONNECTIONS (kept below the file limit) are
# answered 503 at once.
HEADER_SECONDS = 5.0
BODY_SECONDS = 10.0
MAX_CONNECTIONS = 2000


@dataclass(frozen=True)
class Settings:
    host: str = "127.0.0.1"
    port: int = 9095
    token: str = ""  # required on /alertmanager when set
    secrets: tuple[str, ...] = ()  # PagerDuty webhook secrets; without one /pagerduty refuses all
    mapping: Mapping = Mapping()
    max_connections: int = MAX_CONNECTIONS  # at once; kept below the open-files limit too

    def check(self) -> None:
        """Refuse to listen beyond this machine with nothing to tell a page from anyone's POST."""
        if self.max_connections < 1:
            raise ValueError(f"at most {self.max_connections} connections: expected a whole number of 1 or more")
        if self.host not in LOOPBACK and not self.token:
            raise ValueError(f"--listen {self.host}:{self.port} is beyond loopback: set a token first "
                             "([receive] token in the config, or WARROOM_RECEIVE_TOKEN)")


def _logged(path: str) -> str:
    """The path as the log shows it: an acknowledgement link's token cut to its incident's code
    (the token acknowledges a page: it stays out of the log)."""
    if path.startswith("/ack/"):
        return "/ack/" + path[5:].partition(".")[0] + ".…"
    if path.startswith("/unsubscribe/"):
        return "/unsubscribe/…"  # (its secret removes a subscriber: it stays out of the log)
    return path


def _error(status: int, message: str) -> web.Response:
    return web.json_response({"error": one_line(message, 300)}, status=status)


class _Gone(Exception):
    """The client went away (or stalled) before its whole body arrived: nobody to answer."""


async def _body(request: web.Request) -> bytes:
    """The request's body, within BODY_SECONDS (a body dripped a byte at a time is cut off)
    and no larger than the app's client_max_size (413)."""
    try:
        async with asyncio.timeout(BODY_SECONDS):
            return await request.read()
    except TimeoutError:
        raise web.HTTPRequestTimeout() from None
    except (ConnectionError, asyncio.IncompleteReadError) as error:
        raise _Gone(str(error) or type(error).__name__) from None
    except web.HTTPException:
        raise
    except Exception as error:  # aiohttp's payload errors: the body broke off
        if type(error).__module__.startswith("aiohttp"):
            raise _Gone(str(error) or type(error).__name__) from None
        raise


async def _refuse_large(request: web.Request) -> web.StreamResponse | None:
    """`Expect: 100-continue`: a body announced over the limit is refused before it is sent."""
    if request.content_length is not None and request.content_length > MAX_BODY:
        return _error(413, f"the body is over {MAX_BODY:,} bytes")
    if request.version >= (1, 1) and request.headers.get("Expect", "").lower() == "100-continue":
        await request.writer.write(b"HTTP/1.1 100 Continue\r\n\r\n")  # as aiohttp's own handler does
    return None


def build(service: Service, settings: Settings, log=None) -> web.Application:
    """The receiver as an aiohttp application, writing through `service` (which wakes the
    deliverer and publishes a P0's page after each page taken)."""
    log = log or (lambda line: print(line, file=sys.stderr, flush=True))
    store, clock = service.store, service.now

    @web.middleware
    async def one_line_per_request(request: web.Request, handler) -> web.StreamResponse:
        started = time.perf_counter()
        try:
            response = await handler(request)
        except web.HTTPRequestEntityTooLarge:
            response = _error(413, f"the body is over {MAX_BODY:,} bytes")
        except web.HTTPRequestTimeout:
            response = _error(408, f"the body did not arrive within {BODY_SECONDS:g} s")
        except web.HTTPException as error:  # no route, wrong method: JSON like the rest
            response = _error(error.status, error.reason)
        except _Gone as gone:  # likely nobody left to answer: the one line below says so, no traceback
            response = _error(400, f"the body broke off before it was whole ({gone})")
        except Exception as error:  # unforeseen: one line and a JSON 500, never a traceback to the sender
            response = _error(500, f"internal error: {type(error).__name__}")
            log(f"internal error on {request.method} {one_line(_logged(request.path), 100)}: {one_line(repr(error), 300)}")
        said = (response.text or "") if isinstance(response, web.Response) and response.content_type == "application/json" else ""
        log(f"{clock().isoformat(timespec='seconds')} {request.method} {one_line(_logged(request.path), 100)} {response.status} "
            f"{one_line(said, 200)} {1000 * (time.perf_counter() - started):.1f} ms")
        return response

    async def take(page: Page | None, what: str) -> web.Response:
        if page is None:
            return web.json_response({"recorded": False, "why": f"{what}: not an event warroom records"})
        try:
            taken = await service.take_page(page)
        except SchemaError as error:
            return _error(422, f"the page does not fit the event schema: {error}")
        except StoreError as error:
            return _error(503, str(error))
        if taken.replay:
            log(f"a replay: {page.source} {one_line(page.group, 100)} was {taken.replay}, resolved; nothing opened")
            return web.json_response({"recorded": False, "why": f"a replay: this PagerDuty incident was {taken.replay}, "
                                                                "resolved since; nothing was opened"})
        if taken.held:
            log(f"held back by maintenance MW-{taken.held}: {page.source} {one_line(page.title, 100)}; nothing opened")
            return web.json_response({"recorded": False, "maintenance": f"MW-{taken.held}",
                                      "why": f"during maintenance MW-{taken.held} of its components: on its timeline, no incident opened"})
        if taken.code is None:
            return web.json_response({"recorded": False, "why": "its group has no open incident, and it opens none"})
        return web.json_response({"recorded": True, "incident": taken.code, "opened": taken.opened, "events": len(taken.events)})

    async def from_alertmanager(request: web.Request) -> web.Response:
        if settings.token:
            given = request.headers.get("Authorization", "")
            # bytes as they came (aiohttp keeps undecodable ones as surrogates): any header compares
            if not hmac.compare_digest(given.encode("utf-8", "surrogateescape"), f"Bearer {settings.token}".encode()):
                return _error(401, "a bearer token is required (Authorization: Bearer …), and this is not it")
        raw = await _body(request)
        try:
            page = alertmanager(raw, clock(), settings.mapping)
        except BadPayload as error:
            return _error(400, str(error))
        return await take(page, "alertmanager")

    async def from_pagerduty(request: web.Request) -> web.Response:
        raw = await _body(request)
        if not settings.secrets:
            return _error(403, "no PagerDuty webhook secret is set ([receive] pagerduty_secret): every request is refused")
        if not signed_by(raw, request.headers.get("X-PagerDuty-Signature", ""), settings.secrets):
            return _error(401, "X-PagerDuty-Signature is missing or wrong")
        try:
            ours = await acknowledged_by_pagerduty(service, pagerduty_acknowledged_key(raw))
            if ours is not None:
                return ours
            page = pagerduty(raw, clock(), settings.mapping)
        except BadPayload as error:
            return _error(400, str(error))
        return await take(page, one_line(pagerduty_kind(raw), 60) if page is None else "pagerduty")

    async def healthz(request: web.Request) -> web.Response:
        await service.maintenance_edges()  # (also every EDGES_EVERY seconds: see serve)
        try:
            await store.incidents()
        except StoreError as error:
            return _error(503, str(error))
        return web.json_response({"ok": True, "database": store.where})


    app = web.Application(middlewares=[one_line_per_request], client_max_size=MAX_BODY)
    app.add_routes([web.post("/alertmanager", from_alertmanager, expect_handler=_refuse_large),
                    web.post("/pagerduty", from_pagerduty, expect_handler=_refuse_large),
                    web.get("/healthz", healthz), *routes(service), *unsubscribe_routes(service)])
    return app


class _Refusals:
    """One line on stderr per kind of refusal, at most once every `every` seconds, with how
    many there were since: a flood of connections never floods the log."""

    def __init__(self, log, every: float = 10.0) -> None:
        self.log, self.every = log, every
        self.last: dict[str, float] = {}
        self.count: dict[str, int] = {}

    def __call__(self, kind: str, line: str) -> None:
        now = time.monotonic()
        self.count[kind] = self.count.get(kind, 0) + 1
        if now - self.last.get(kind, -1e9) >= self.every:
            self.log(f"{line} ({self.count[kind]} since the last such line)")
            self.last[kind], self.count[kind] = now, 0


def _open_files_limit() -> int:
    """Raise this process's soft limit on open files to the hard one (a receiver's connections
    are files) and return it."""
    import resource

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    try:
        if hard == resource.RLIM_INFINITY or hard > soft:
            resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
            soft = hard
    except (ValueError, OSError):
        pass
    return soft if soft != resource.RLIM_INFINITY else 1 << 20


class _GuardedServer(web.Server):
    """aiohttp's server with a ceiling on connections: past it, a new connection is answered
    503 and closed before any of it is read."""

    ceiling = MAX_CONNECTIONS
    refused = None
    _live: list | None = None  # handlers made and not yet lost (a burst is accepted before any is counted)

    def __call__(self):  # a protocol for each new connection
        live = [handler for handler in self._live or [] if handler._manager is not None]
        if len(live) >= self.ceiling:
            self._live = live
            return _Full(self.refused)
        handler = super().__call__()
        self._live = [*live, handler]
        return handler


class _Full(asyncio.Protocol):
    BODY = b'{"error": "too many connections; try again in a moment"}'

    def __init__(self, refused) -> None:
        self.refused = refused

    def connection_made(self, transport) -> None:
        transport.write(b"HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\nRetry-After: 1\r\n"
                        b"Connection: close\r\nContent-Length: " + str(len(self.BODY)).encode() + b"\r\n\r\n" + self.BODY)
        if transport.can_write_eof():
            transport.write_eof()  # the answer is whole; closed a moment later, once the request is in
        asyncio.get_running_loop().call_later(0.2, transport.close)  # (closed with it unread, the answer is reset)
        if self.refused is not None:
            self.refused("full", "503: too many connections at once; a new one was refused")


class _GuardedRunner(web.AppRunner):
    def __init__(self, app: web.Application, ceiling: int, refused, **kwargs) -> None:
        super().__init__(app, **kwargs)
        self.ceiling, self.refused = ceiling, refused

    async def _make_server(self) -> web.Server:
        server = await super()._make_server()
        server.__class__ = _GuardedServer
        server.ceiling, server.refused = self.ceiling, self.refused  # type: ignore[attr-defined]  # (set on the server made by aiohttp, whose class was swapped above)
        return server


def _quiet_loop(refused):
    """The event loop's own errors (an accept that failed, a transport that broke) as one
    rate-limited line each instead of a traceback each."""
    def handle(loop, context) -> None:
        error = context.get("exception")
        what = one_line(context.get("message", "") + (f": {type(error).__name__}: {error}" if error else ""), 300)
        refused(f"loop:{type(error).__name__ if error else what[:40]}", f"network: {what}")
    return handle


EDGES_EVERY = 15.0  # seconds between looks at whether a maintenance started or ended (the page then says so)


async def _maintenance_edges(service: Service) -> None:
    """The static page turns "Scheduled maintenance" into "Under maintenance", and takes it
    away, within EDGES_EVERY of a window's start and end, while `warroom receive` runs."""
    while True:
        await service.maintenance_edges()
        await asyncio.sleep(EDGES_EVERY)


async def serve(service: Service, settings: Settings, ready=None, log=None) -> None:
    """Listen until cancelled (Ctrl-C); `ready(port)` once listening. With webhooks in the
    config, their messages are delivered in the background meanwhile. Connections are bounded
    in number (below the open-files limit) and in time (HEADER_SECONDS for the headers and an
    idle keep-alive, BODY_SECONDS for a body)."""
    import logging

    log = log or (lambda line: print(line, file=sys.stderr, flush=True))
    service.tell = lambda line, warning=False: log(line)  # a P0's page published, or not: the log says
    store, config, clock = service.store, service.config, service.now
    refused = _Refusals(log)
    ceiling = min(settings.max_connections, max(16, _open_files_limit() - 64))
    asyncio.get_running_loop().set_exception_handler(_quiet_loop(refused))
    for name in ("aiohttp.server", "aiohttp.web", "aiohttp.access", "aiohttp.internal"):
        logging.getLogger(name).disabled = True  # their tracebacks: the middleware says one line instead
    delivering = None
    if config is not None and config.sends:
        from warroom.integrations.webhooks import deliver_forever, paging_of

        delivering = asyncio.create_task(deliver_forever(store, config.webhooks, clock, service.woken, paging=paging_of(config),
                                                         escalate=service.escalate))
    edges = asyncio.create_task(_maintenance_edges(service)) if config is not None and config.status_page.components else None
    runner = _GuardedRunner(build(service, settings, log=log), ceiling, refused,
                            access_log=None, handle_signals=False, keepalive_timeout=HEADER_SECONDS)
    await runner.setup()
    try:
        site = web.TCPSite(runner, settings.host, settings.port, reuse_address=True, backlog=512)
        try:
            await site.start()
        except OSError as error:
            raise StoreError(f"cannot listen on {settings.host}:{settings.port}: {error.strerror or error}") from None
        port = runner.addresses[0][1] if runner.addresses else settings.port
        if ready is not None:
            ready(port)
        await asyncio.Event().wait()
    finally:
        for task in (delivering, edges):
            if task is not None:
                task.cancel()
        await runner.cleanup()
