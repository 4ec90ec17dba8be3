"""What the commands share: where the database is, the config in effect, the incident a
command works on, reading a file it is given, and the service every write goes through."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from warroom.config import Config
from warroom.config import load as load_config
from warroom.config.environment import db_path
from warroom.domain.actions import RuleBroken
from warroom.domain.text import one_line
from warroom.store import StoreError, open_store

if TYPE_CHECKING:
    from warroom.service import Service
    from warroom.store import EventStore


def database(args: argparse.Namespace, config: Config) -> Path | str:
    """The database: --db, else WARROOM_DB, else the config's `database`, else the default file."""
    return db_path(getattr(args, "db", None), config.database)


def must_exist(path: Path | str) -> None:
    """A read on a database that is not there names the file it looked for: a typo in --db or
    WARROOM_DB must not read as all quiet. (A server says so itself when it is asked.)"""
    if isinstance(path, str):
        return
    try:
        path.stat()
    except FileNotFoundError:
        pass
    except OSError as error:  # a name too long, a folder not searchable, a file in the way
        raise StoreError(f"{one_line(str(path), 120)}: cannot use this path for a database ({error.strerror or error})") from None
    if not path.exists():
        where = "its folder does not exist either" if not path.parent.is_dir() else "nothing was declared in it yet"
        raise StoreError(f"{path}: no database here ({where}; check --db or WARROOM_DB)")
    if path.is_dir():
        raise StoreError(f"{path}: is a folder, not a database file")


def config_in_effect(args: argparse.Namespace) -> Config:
    """The config in effect; `config --default` does not need (or read) one."""
    if args.command == "config" and (args.default or args.init):  # neither reads the file there
        from warroom.config import config_path

        return Config(config_path(getattr(args, "config", None))[0], found=False)
    return load_config(getattr(args, "config", None))


def alarms(args: argparse.Namespace, config: Config) -> dict:
    """The console's bell and notifications when a deadline passes: the config's, less the flags'."""
    return {"bell": config.bell and not args.no_bell, "alerts": config.alerts and not args.no_alerts}


def read_file(name: str, what: str = "an export") -> tuple[bytes, str]:
    """A file a command is given (or standard input, `-`): its bytes and how to name it."""
    from warroom.moving.exports import ImportRefused

    try:
        if name == "-":
            return sys.stdin.buffer.read(), "standard input"
        return Path(os.path.expanduser(name)).read_bytes(), name
    except IsADirectoryError:
        raise ImportRefused(f"{name}: is a folder, not {what}") from None
    except OSError as error:
        raise ImportRefused(f"{name}: cannot read it: {error.strerror or error}") from None
    except ValueError:  # a NUL in the name: no file can be called that
        raise ImportRefused(f"{one_line(name, 80)}: not a file name (it holds a NUL character)") from None


async def incident_code(store: EventStore, given: str | None, resolved_too: bool = False) -> str:
    """The incident named, else the most recent open one (else, for reading, the most recent)."""
    if given:
        code = given.strip().upper()
        if code not in {row.code for row in await store.incidents()}:
            raise RuleBroken(f"there is no incident {one_line(given, 60)}")
        return code
    found = await store.current_code()
    if found is not None:
        return found
    newest = await store.incidents() if resolved_too else []
    if not newest:
        raise RuleBroken("no open incident: declare one with 'warroom declare TITLE --severity P1'")
    return newest[0].code


def tell(line: str, warning: bool = False) -> None:
    """What the service tells a command's user: on stderr, warnings marked."""
    print(f"warroom: warning: {line}" if warning else line, file=sys.stderr)


def tell_hats(written: list) -> None:
    """A hat the command put on before its action (`log --as`, a follow-up: the commander's
    while the incident is open) is said, as the console shows it: one line on stderr."""
    from warroom.domain.model import Kind

    for event in written[:-1]:
        if event.kind == Kind.HAT_WORN:
            tell(f"{event.actor} now wears the {event.role} hat on {event.incident} (on its timeline)")


@asynccontextmanager
async def service_for(args: argparse.Namespace, config: Config, now: datetime, existing: bool = True,
                      clock: Callable[[], datetime] | None = None) -> AsyncIterator[Service]:
    """The database opened for a command, and the service its writes go through: its time is
    `now`, the command's, unless a `clock` runs on (`warroom receive`). `existing`: a command
    that only reads never creates a database. After the command, what it queued for
    the chat is sent before it exits (bounded); what is left is one line on stderr."""
    from warroom.service import Service

    path = database(args, config)
    if existing:
        must_exist(path)
    store = await open_store(path)
    if config.sends and not store.read_only:
        from warroom.integrations.webhooks import arm

        await arm(store, config)  # each write queues its messages (the webhooks', pages) in the same commit
    service = Service(store, config, clock or (lambda: now), tell=tell)
    try:
        yield service
        left = await service.deliver_queued()  # a command that writes also tells the team's channel
        if left:
            print(f"warroom: {left} message{'s' if left != 1 else ''} (chat, pages) not delivered yet: kept in the outbox "
                  "(a console, warroom receive or warroom deliver sends them)", file=sys.stderr)
    finally:
        await store.close()
