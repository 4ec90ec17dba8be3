"""`warroom config`: where the config file is and what is in effect; `--default` prints a
commented one to start from, `--init` writes it where warroom looks (never over a file)."""

from __future__ import annotations

from pathlib import Path

from warroom.cli.common import database
from warroom.config import ConfigError
from warroom.config.environment import actor_name
from warroom.store import shown


def run(args, config, out) -> int:
    from warroom.config.text import render

    if args.init:
        _write_new(config.path, render(config, default=True))
        print(f"wrote {config.path}: edit it, then 'warroom config' shows what is in effect", file=out)
        return 0
    notes = (f"database: {shown(database(args, config))}", f"you are: {actor_name(config.name)}")
    out.write(render(config, default=args.default, notes=notes))
    return 0


def _write_new(path: Path, text: str) -> None:
    """Create a file that is not there yet, with its folder; never over an existing one. Only
    its owner can read it (runbook commands and names can be sensitive)."""
    from warroom.config.environment import write_private

    try:
        write_private(path, text, new=True)
    except FileExistsError:
        raise ConfigError(f"{path}: a config file is there already; 'warroom config' shows it") from None
    except OSError as error:
        raise ConfigError(f"{path}: cannot write the config file: {error.strerror or error}") from None
