"""The `warroom` command line: one module per command, imported only when that command runs
(`warroom status --tmux` imports no more than its line needs). Every command's arguments are in
`arguments.py`; what the commands share (the database, the config, the service every write
goes through) in `common.py`. Bad input: one line on stderr, exit status 2, nothing written."""

from __future__ import annotations

import importlib
import sys
from collections.abc import Sequence

from warroom.config.environment import UsageError, fail
from warroom.domain.errors import WarroomError

# each command: the module that runs it, and its function there (`run` unless named)
COMMANDS = {
    None: ("console", "run"), "declare": ("declare", "run"), "log": ("note", "run"), "followup": ("followups", "change"),
    "list": ("reading", "run"), "show": ("reading", "run"), "export": ("reading", "run"), "demo": ("demo", "run"),
    "status": ("status", "run"), "import": ("importing", "run"), "receive": ("pages", "receive"),
    "alert": ("pages", "alert"), "publish": ("outward", "publish"), "deliver": ("outward", "deliver"),
    "drill": ("drill", "run"), "copy": ("copying", "run"), "config": ("configuration", "run"),
    "notify": ("notify", "run"), "followups": ("followups", "listing"),
    "insights": ("insights", "run"), "components": ("components", "run"),
    "maintenance": ("maintenance", "run"), "subscribers": ("subscribers", "run"),
}


def main(argv: Sequence[str] | None = None) -> int:
    try:
        from warroom.cli.arguments import leftover, parser
        from warroom.cli.common import config_in_effect

        argv = sys.argv[1:] if argv is None else argv
        args, extra = parser(argv).parse_known_args(argv)
        if extra:
            raise UsageError(leftover(args, extra))
        config = config_in_effect(args)
        module, function = COMMANDS[args.command]
        command = getattr(importlib.import_module(f"warroom.cli.commands.{module}"), function)
        return command(args, config, sys.stdout)
    except WarroomError as error:  # everything warroom refuses: one line, exit 2
        return fail(str(error))
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0
    except Exception as error:  # never a traceback: one line, and the details in a crash log
        from warroom.config.environment import crash_line

        print(crash_line(error), file=sys.stderr)
        return 1
