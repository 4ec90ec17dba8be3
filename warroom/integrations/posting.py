"""One try of an outbox message over HTTP, for the webhooks and the pages alike: a POST that
follows no redirect, bounded in time. aiohttp is imported by the call alone."""

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
