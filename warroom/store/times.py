"""How the outbox and the status page's tables write a time: UTC, in one format, so that the
text order of a column is its time order (a query compares them as text)."""

from __future__ import annotations

from datetime import UTC, datetime


def stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="microseconds")
