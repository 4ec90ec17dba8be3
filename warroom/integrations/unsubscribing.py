"""A subscriber's unsubscribe link, answered by `warroom receive` (issue 30): GET shows one
button and changes nothing (a mail scanner or a link preview unsubscribes nobody); POST, the
button or a mail client's one-click List-Unsubscribe-Post, removes the subscriber, once. The
page never shows the address: whoever holds the link learns nothing from it."""

from __future__ import annotations

from aiohttp import web

from warroom.integrations.acknowledging import _html
from warroom.integrations.subscribers import read_token
from warroom.service import Service
from warroom.store import StoreError

GONE = "<p>This link unsubscribes nobody now: it was used already, or the subscription was removed.</p>"


def routes(service: Service) -> list[web.RouteDef]:
    title = service.config.status_page.title if service.config is not None else "the status page"

    async def known(request: web.Request) -> tuple[int, str] | web.Response:
        token = read_token(request.match_info["token"])
        if token is None:
            return _html("No such link", "<p>This is not an unsubscribe link of this status page (or it was cut short).</p>", 404)
        try:
            held = await service.store.subscribers()
        except StoreError as error:
            return _html("Not now", f"<p>The database cannot be read now; try again in a minute. ({_plain(error)})</p>", 503)
        import hmac

        # The secret says who it is. The number is the subscriber's in the database that sent
        # the mail: one copied into another (`warroom copy`) has the next number there.
        _, secret = token
        found = next((s.id for s in held if hmac.compare_digest(s.secret.encode(), secret.encode())), None)
        return _html("Not subscribed", GONE, 404) if found is None else (found, secret)

    async def show(request: web.Request) -> web.Response:
        got = await known(request)
        if isinstance(got, web.Response):
            return got
        return _html("Unsubscribe", f"<p>Stop the mails of {_plain(title)}?</p>"
                     '<form method="post"><button type="submit">Unsubscribe</button></form>'
                     "<p>Nothing changes until you press it.</p>")

    async def remove(request: web.Request) -> web.Response:
        got = await known(request)
        if isinstance(got, web.Response):
            return got
        number, secret = got
        try:
            done = await service.store.unsubscribe(number=number, secret=secret)  # under the writers' lock: once
        except StoreError as error:
            return _html("Not unsubscribed", f"<p>The database cannot be written now: {_plain(error)}</p>", 503)
        if not done:
            return _html("Not subscribed", GONE, 404)
        return _html("Unsubscribed", f"<p>You will get no more mail from {_plain(title)}.</p>")

    return [web.get("/unsubscribe/{token}", show), web.post("/unsubscribe/{token}", remove)]


def _plain(value: object) -> str:
    from html import escape

    from warroom.domain.text import one_line

    return escape(one_line(str(value), 300))
