"""`warroom copy --to TARGET`: every incident of one database into another, whichever backend
each is (a file, a PostgreSQL server), losslessly: every event with its time, actor, hat, kind
and payload as they were, each incident under its code when the code is free there.

Incidents go in batches, one transaction of the target each, through the same door as
`warroom import` (`Service.import_many`): each incident arrives whole or not at all, a second
run adds nothing, and an incident that went on in the source since the last run gets only its
newer events. The source is opened read-only and read a batch at a time. Then the status
page's own tables: maintenance windows with their timelines, and subscribers.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from warroom.domain.text import counted, one_line
from warroom.service import Service
from warroom.store import StoreError, open_store, shown

BATCH_INCIDENTS, BATCH_EVENTS = 500, 20_000  # a batch ends at whichever comes first (one incident at least)


@dataclass
class Copied:
    incidents: int = 0  # incidents with something new copied
    events: int = 0
    there: int = 0  # incidents the target held whole already
    refused: list[str] = field(default_factory=list)  # one line each: what was not copied and why
    maintenance: int = 0  # maintenance windows copied, with their timelines (those there already are not)
    subscribers: int = 0  # the status page's subscribers copied (an address there already is not)


Progress = Callable[[int, int, int, int], None]  # (incidents done, of all, events done, of all)


async def copy_all(source: Path | str, target: Path | str, say: Callable[[str], None], progress: Progress | None = None) -> Copied:
    """Copy every incident, oldest first. `say` gets a line for each incident that is not simply
    new there (refused, moved to another code, or only its newer events); `progress` is told
    after each batch."""
    if shown(source) == shown(target) or _same_file(source, target):
        raise StoreError(f"{shown(target)}: is the database copied from; name another with --to")
    done = Copied()
    reader = await open_store(source, read_only=True)
    try:
        writer = await open_store(target)
        into = Service(writer, None, lambda: datetime.now(UTC))  # the one way in, as every write
        try:
            codes = [row.code for row in reversed(await reader.incidents())]
            total = await reader.event_count()
            copied = read = 0
            while copied < len(codes):
                batch = await _next_batch(reader, codes[copied:])
                results = await into.import_many(batch, shown(source))
                for (code, events), result in zip(batch, results, strict=True):
                    _tell(done, code, events, result, say)
                copied += len(batch)
                read += sum(len(events) for _, events in batch)
                if progress is not None:
                    progress(copied, len(codes), read, total)
            await _status_page(reader, writer, done)
        finally:
            await writer.close()
    finally:
        await reader.close()
    return done


async def _next_batch(reader, codes: list[str]) -> list[tuple[str, list]]:
    """The next incidents to copy: up to BATCH_INCIDENTS, read a few at a time until their
    events reach BATCH_EVENTS (a long incident alone is a batch)."""
    batch: list[tuple[str, list]] = []
    events = 0
    step = 50
    while codes[len(batch):] and len(batch) < BATCH_INCIDENTS and events < BATCH_EVENTS:
        wanted = codes[len(batch): len(batch) + min(step, BATCH_INCIDENTS - len(batch))]
        found = await reader.events_of(wanted)
        for code in wanted:
            batch.append((code, found[code]))
            events += len(found[code])
        step = min(step * 2, BATCH_INCIDENTS)
    return batch


async def _status_page(reader, writer, done: Copied) -> None:
    """The status page's own tables, after the incidents: maintenance windows with their
    timelines, and subscribers (each once: a second run adds nothing)."""
    for kept in await reader.maintenances():
        done.maintenance += await writer.take_maintenance(kept, await reader.maintenance_log(kept.number))
    for subscriber in await reader.subscribers():
        done.subscribers += await writer.take_subscriber(subscriber)


def _tell(done: Copied, code: str, events: list, result, say: Callable[[str], None]) -> None:
    if isinstance(result, Exception):
        done.refused.append(f"{code}: {one_line(str(result), 300)}")
        say(f"{code}: not copied: {one_line(str(result), 300)}")
        return
    here, added = result
    moved = f" as {here} ({code} there is another incident)" if here != code else ""
    if added == 0:
        done.there += 1
        return
    done.incidents, done.events = done.incidents + 1, done.events + added
    if moved or added != len(events):
        whole = "" if added == len(events) else f" (the newer {added} of {len(events)})"
        say(f"{code}: {counted(added, 'event')} copied{moved}{whole}")


def _same_file(source: Path | str, target: Path | str) -> bool:
    """Are both files, and the same one (a symbolic or hard link: another name, the same file)?"""
    if isinstance(source, str) or isinstance(target, str):
        return False  # (a server's address)
    try:
        return Path(target).samefile(source)
    except OSError:
        return False  # (a target not made yet)
