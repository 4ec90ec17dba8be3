"""What leaves warroom on its own, as the matrix says: the status page republished for a P0
after each change that the page tells of, and each publication on the timeline. Used by every
process that writes (the console, the command line, `warroom receive`)."""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path

from warroom.config import Config
from warroom.domain.model import COMMUNICATOR, SYSTEM, Event, Kind, is_drill
from warroom.domain.public import republish_due
from warroom.domain.schema import Published, PublishedHow, event
from warroom.store import EventStore


def folder(config: Config) -> Path:
    from warroom.config.environment import default_db_path

    chosen = config.status_page.folder
    return Path(os.path.expanduser(chosen)) if chosen else default_db_path().parent / "status"


async def write_page(store: EventStore, config: Config, where: Path, now: datetime) -> list[str]:
    """Write the page (with the maintenance announced); the codes of the incidents it shows."""
    from warroom.integrations.statuspage import publish as write_site

    page = config.status_page
    maintenance = await store.maintenances(since=now)
    return [p.code for p in await write_site(store, where, now, page.title, page.components, page.services, maintenance)]


async def publish(store: EventStore, config: Config, now: datetime, actor: str, how: PublishedHow,
                  codes: list[str]) -> list[str]:
    """Write the page, then record the publication on each of `codes` that it shows; the codes
    of every incident shown. A drill is never on the public page: its publication is practised
    (recorded, with no folder) and no file is written for it."""
    drills = [code for code in codes if is_drill(code)]
    real = [code for code in codes if code not in drills]
    shown: list[str] = []
    events = []
    if real or not drills:
        where = folder(config)
        shown = await write_page(store, config, where, now)
        events += [event(code, now, actor, COMMUNICATOR, Published(how=how, folder=str(where))) for code in real if code in shown]
    events += [event(code, now, actor, COMMUNICATOR, Published(how=how)) for code in drills]
    if events:
        await store.append(events)
    return shown


async def after_commit(store: EventStore, config: Config, written: list[Event], now: datetime) -> bool:
    """For a P0 whose page-worthy state just changed, publish by itself. True if it did."""
    codes = []
    for code in dict.fromkeys(e.incident for e in written if e.kind != Kind.PUBLISHED):
        state = (await store.opening(code, config.book.levers)).state
        if republish_due(state, [e for e in written if e.incident == code]):
            codes.append(code)
    if codes:
        await publish(store, config, now, SYSTEM, "automatic", codes)
    return bool(codes)
