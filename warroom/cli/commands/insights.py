"""`warroom insights`: what the team's incidents say, from their summaries (never every log)."""

from __future__ import annotations

import asyncio
import os
import re
import shutil
from datetime import UTC, datetime, timedelta

from warroom.cli.common import service_for
from warroom.config.environment import UsageError, system_clock
from warroom.domain.text import one_line

_BACK = re.compile(r"^\s*(\d{1,5})\s*([dwy])\s*$", re.I)
_DAYS = {"d": 1, "w": 7, "y": 365}


def since_of(text: str, now: datetime) -> datetime:
    """How far back: 90d, 12w, 2y (days, weeks, years of 365 days) or a date (UTC midnight)."""
    back = _BACK.match(text)
    try:
        if back:
            return now - timedelta(days=int(back.group(1)) * _DAYS[back.group(2).lower()])
        return datetime.fromisoformat(text.strip()).replace(tzinfo=UTC) if len(text.strip()) == 10 else _bad(text)
    except (ValueError, OverflowError):
        return _bad(text)


def _bad(text: str) -> datetime:
    raise UsageError(f"--since {one_line(text, 30)!r}: give 90d, 12w, 2y, or a date such as 2026-01-01")


def run(args, config, out) -> int:
    now = system_clock()
    since = since_of(args.since, now)
    if since > now:
        raise UsageError("--since is in the future")

    async def read():
        async with service_for(args, config, now) as service:
            return await service.store.states_since(since, drills=args.drills, levers=config.book.levers)

    states = asyncio.run(read())
    from warroom.domain.insights import insights
    from warroom.reports import insights as report

    found = insights(states, now, since, by=args.by, severity=args.severity or "", drills=args.drills,
                     policy=config.book.policy, targets_of=_targets(config) if args.drills else lambda name: None)
    if args.format == "json":
        out.write(report.dumps(found))
    elif args.format == "csv":
        out.write(report.as_csv(found))
    else:
        colour = out.isatty() and not os.environ.get("NO_COLOR")
        out.write(report.text(found, width=shutil.get_terminal_size().columns if out.isatty() else 80, colour=colour))
    return 0


def _targets(config):
    """A drill's scenario's targets, by its name (none for a scenario no longer there)."""
    from warroom.drills import scenario as scenarios

    known: dict[str, dict | None] = {}

    def targets(name: str):
        if name not in known:
            try:
                known[name] = scenarios.find(name, config.path.parent).targets
            except scenarios.ScenarioError:
                known[name] = None
        return known[name]

    return targets
