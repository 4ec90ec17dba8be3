"""warroom and the systems around it. `alerts` reads what Alertmanager and PagerDuty send into
the domain's `Page`; `receiver` is `warroom receive`, the HTTP endpoint the alerting pages
(aiohttp, imported by that command alone); `warroom alert FILE` takes the same from a file."""

from warroom.domain.errors import WarroomError


class BadPayload(WarroomError, ValueError):
    """Not a payload warroom reads: one line, for the sender's log and the person."""
