"""Where pages come in from the alerting: `payloads` reads what Alertmanager and PagerDuty send
into the domain's `Page`; `receiver` is `warroom receive`, the HTTP endpoint (aiohttp, imported
by that command alone); `warroom alert FILE` takes the same payloads from a file."""


class BadPayload(ValueError):
    """Not a payload warroom reads: one line, for the sender's log and the person."""
