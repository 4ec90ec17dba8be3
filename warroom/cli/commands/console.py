"""`warroom` alone: the console on the open incident (or the start screen)."""

from __future__ import annotations

from warroom.cli.common import alarms, database


def run(args, config, out) -> int:
    from warroom.console.launch import run_console

    return run_console(database(args, config), config=config, **alarms(args, config), read_only=args.read_only)
