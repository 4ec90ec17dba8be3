"""One module per command (see `warroom.cli.COMMANDS`): each has `run(args, config, out)` or is named there."""
