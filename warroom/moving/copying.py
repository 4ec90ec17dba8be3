"""`warroom copy --to TARGET`: every incident of one database into another, whichever backend
each is (a file, a PostgreSQL server), losslessly: every event with its time, actor, hat, kind
and payload as they were, each incident under its code when the code is free there.

Each incident is copied in one transaction of the target, through the same import that
`warroom import` uses, so a second run adds nothing and an incident that went on in the source
since the last run gets only its newer events. The source is opened read-only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from warroom.domain.schema import SchemaError
from warroom.domain.text import one_line
from warroom.service import Service
from warroom.store import StoreError, open_store, shown


@dataclass
class Copied:
    incidents: int = 0  # incidents with something new copied
    events: int = 0
    there: int = 0  # incidents the target held whole already
    refused: list[str] = field(default_factory=list)  # one line each: what was not copied and why


async def copy_all(source: Path | str, target: Path | str, say) -> Copied:
    """Copy every incident, oldest first; `say` gets one line per incident."""
    if shown(source) == shown(target) or (not isinstance(source, str) and not isinstance(target, str)
                                          and Path(target).resolve() == Path(source).resolve()):
        raise StoreError(f"{shown(target)}: is the database copied from; name another with --to")
    done = Copied()
    reader = await open_store(source, read_only=True)
    try:
        writer = await open_store(target)
        into = Service(writer, None, lambda: datetime.now(UTC))  # the one way in, as every write
        try:
            for row in reversed(await reader.incidents()):
                events = await reader.events(row.code)
                try:
                    code, added = await into.import_incident(row.code, events, shown(source))
                except (StoreError, SchemaError) as error:
                    done.refused.append(f"{row.code}: {one_line(str(error), 300)}")
                    say(f"{row.code}: not copied: {one_line(str(error), 300)}")
                    continue
                moved = f" as {code} ({row.code} there is another incident)" if code != row.code else ""
                if added == 0:
                    done.there += 1
                    say(f"{row.code}: there already with all {len(events)} events")
                else:
                    done.incidents, done.events = done.incidents + 1, done.events + added
                    whole = "" if added == len(events) else f" (the newer {added} of {len(events)})"
                    say(f"{row.code}: {added} events copied{moved}{whole}")
        finally:
            await writer.close()
    finally:
        await reader.close()
    return done
