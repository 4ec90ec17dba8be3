"""`warroom receive` (the HTTP endpoint the alerting pages) and `warroom alert FILE` (one page
from a file). aiohttp is imported by `receive` alone."""

from __future__ import annotations

import asyncio
import os
import sys

from warroom.cli.common import read_file, service_for
from warroom.config import Config
from warroom.config.environment import UsageError, system_clock
from warroom.domain.text import one_line


def mapping(config: Config):
    from warroom.integrations.alerts import Mapping

    return Mapping(config.receiving.severity, config.receiving.urgency)


def receive(args, config, out) -> int:
    from warroom.integrations.receiver import serve

    settings = _receiving(args, config)
    now = system_clock()

    async def listen() -> int:
        terminated = _stop_on_sigterm()
        try:
            async with service_for(args, config, now, existing=False, clock=system_clock) as service:
                def ready(port: int) -> None:
                    links = ", GET and POST /ack/TOKEN" if config.roster.people else ""  # (pages' links: with people to page)
                    print(f"warroom receive: listening on http://{settings.host}:{port} (POST /alertmanager, POST /pagerduty, "
                          f"GET /healthz{links}); database {service.store.where}", file=sys.stderr, flush=True)

                await serve(service, settings, ready)
        except asyncio.CancelledError:
            if not terminated.is_set():
                raise  # (Ctrl-C: asyncio.run makes it a KeyboardInterrupt, exit 130)
            print("warroom receive: stopped (SIGTERM)", file=sys.stderr, flush=True)
        return 0

    return asyncio.run(listen())


def _stop_on_sigterm() -> asyncio.Event:
    """SIGTERM (systemd's stop, docker's, kill's) stops the receiver as Ctrl-C does: the pages
    being answered are answered, the store is closed, and it exits 0; not killed mid-answer.
    It also stops one started where Ctrl-C cannot reach it (a script's `&` ignores SIGINT).
    The event: set once SIGTERM came."""
    import signal

    terminated, task = asyncio.Event(), asyncio.current_task()

    def stop() -> None:
        if not terminated.is_set() and task is not None:
            terminated.set()
            task.cancel()

    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop)
    return terminated


def alert(args, config, out) -> int:
    from warroom.integrations.alerts import either

    now = system_clock()
    page = either(read_file(args.file, "a page")[0], now, mapping(config))

    async def take() -> int:
        async with service_for(args, config, now, existing=False) as service:
            if page is None:
                print("nothing recorded: not an event warroom records", file=out)
                return 0
            taken = await service.take_page(page)
        if taken.replay:
            print(f"nothing recorded: a replay: this PagerDuty incident was {taken.replay}, resolved since; nothing opened",
                  file=out)
        elif taken.held:
            print(f"no incident opened: during maintenance MW-{taken.held} of its components (on its timeline: "
                  f"warroom maintenance --show MW-{taken.held})", file=out)
        elif taken.code is None:
            print(f"nothing recorded: the group has no open incident and a {page.source} page that does not fire opens none",
                  file=out)
        elif taken.opened:
            print(f"{taken.code} opened by the page: {page.severity} {one_line(page.title, 200)} "
                  f"({_alerts(len(taken.events) - 1)})", file=out)
        else:
            print(f"{taken.code}: {_alerts(len(taken.events))} recorded" if taken.events
                  else f"{taken.code}: nothing new in the page", file=out)
        return 0

    return asyncio.run(take())


def _receiving(args, config: Config):
    """Where `receive` listens and what it asks of a page, from the flag, the environment and the config."""
    from warroom.integrations.receiver import MAX_CONNECTIONS, Settings

    listen = args.listen or config.receiving.listen
    host, _, port = listen.rpartition(":")
    if not host or not port.isdigit() or not 0 <= int(port) <= 65535:
        raise UsageError(f"--listen {one_line(listen, 60)}: expected HOST:PORT, such as 127.0.0.1:9095")
    token = os.environ.get("WARROOM_RECEIVE_TOKEN", "").strip() or config.receiving.token
    secret = os.environ.get("WARROOM_PAGERDUTY_SECRET", "").strip() or config.receiving.pagerduty_secret
    ceiling = os.environ.get("WARROOM_RECEIVE_MAX_CONNECTIONS", "").strip()
    if ceiling and not ceiling.isdigit():
        raise UsageError(f"WARROOM_RECEIVE_MAX_CONNECTIONS={one_line(ceiling, 30)}: expected a whole number")
    settings = Settings(host.strip("[]"), int(port), token, (secret,) if secret else (), mapping(config),
                        int(ceiling) if ceiling else MAX_CONNECTIONS)
    try:
        settings.check()
    except ValueError as error:
        raise UsageError(str(error)) from None
    return settings


def _alerts(count: int) -> str:
    from warroom.domain.text import counted

    return counted(count, "alert event")
