"""One try of an outbox message, for the webhooks, the pages and the status page's mail alike:
over HTTP a POST that follows no redirect, or a mail through an SMTP server, bounded in time.
aiohttp and aiosmtplib are imported by the call alone."""

from __future__ import annotations

from warroom.domain.text import one_line

SEND_TIMEOUT = 10  # seconds for one try


async def post(session, url: str, raw: bytes, headers: dict[str, str]) -> str | None:
    """None when the other end answered 2xx, else what went wrong in one line."""
    import aiohttp

    try:
        async with session.post(url, data=raw, headers=headers, allow_redirects=False,
                                timeout=aiohttp.ClientTimeout(total=SEND_TIMEOUT)) as response:
            await response.read()
            return None if 200 <= response.status < 300 else f"HTTP {response.status}"
    except TimeoutError:
        return f"no answer in {SEND_TIMEOUT} s"
    except aiohttp.ClientError as error:
        return one_line(str(error) or type(error).__name__, 300)


async def mail(message, smtp: str, environ: dict[str, str], what: str = "[paging] smtp") -> str | None:
    """One try of a mail through the server `smtp` (smtp://user@host:587, STARTTLS when offered,
    or smtps://; the password from WARROOM_SMTP_PASSWORD); None when the server accepted it,
    else what went wrong in one line. `what`: the setting that names the server, for the error.
    aiosmtplib is imported here, when a mail is sent."""
    from urllib.parse import unquote, urlsplit

    import aiosmtplib

    server = urlsplit(smtp)
    username = unquote(server.username or "")
    password = environ.get("WARROOM_SMTP_PASSWORD", "")
    if username and not password:
        return f"{what} names a user, and WARROOM_SMTP_PASSWORD is not set"
    tls = server.scheme == "smtps"
    try:
        await aiosmtplib.send(message, hostname=server.hostname, port=server.port or (465 if tls else 587),
                              username=username or None, password=password or None, use_tls=tls, timeout=SEND_TIMEOUT)
    except TimeoutError:
        return f"no answer in {SEND_TIMEOUT} s"
    except (aiosmtplib.SMTPException, OSError, ValueError) as error:
        return one_line(str(error) or type(error).__name__, 300)
    return None
