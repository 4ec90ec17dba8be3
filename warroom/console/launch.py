from pathlib import Path


def run_console(path: Path) -> int:
    print("warroom: the console is not built yet; use the subcommands (warroom --help)")
    return 0
