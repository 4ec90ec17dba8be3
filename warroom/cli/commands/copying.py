"""`warroom copy --to TARGET`: every incident into another database, a file or a server."""

from __future__ import annotations

import asyncio

from warroom.cli.common import database, must_exist
from warroom.config.environment import db_path
from warroom.store import StoreError, shown


def run(args, config, out) -> int:
    from warroom.moving.copying import copy_all

    source, target = database(args, config), db_path(args.to)
    must_exist(source)
    if not isinstance(target, str) and target.is_dir():
        raise StoreError(f"{target}: is a folder, not a database file")
    done = asyncio.run(copy_all(source, target, lambda line: print(line, file=out)))
    print(f"copied {done.events:,} events of {done.incidents} incidents to {shown(target)}; "
          f"{done.there} there already", file=out)
    if done.refused:
        raise StoreError(f"{len(done.refused)} incidents not copied (see above); first: {done.refused[0]}")
    return 0
