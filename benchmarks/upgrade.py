"""After an upgrade: an incident of 1,000,000 events in a database the first schema wrote (no
summaries), opened in the installed `warroom` in a fresh tmux pane three times in a row, against
a one-event incident. The first open rebuilds the summary from the log and stores it (saying how
far it is); the next ones read it.

Run:  .venv/bin/python benchmarks/upgrade.py [EVENTS]   (default 1000000)
Budget (issue 26): the second open within 1.5x a one-event incident's.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
from pathlib import Path

from size import build, first_frame

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from helpers import as_the_first_schema_wrote_it  # (the tests' own: kept up with every new table)


def main() -> None:
    numbers = [int(a) for a in sys.argv[1:] if a.isdigit()]
    count = numbers[0] if numbers else 1_000_000
    with tempfile.TemporaryDirectory(ignore_cleanup_errors=True) as folder:
        small, big = Path(folder) / "small.db", Path(folder) / "big.db"
        build(small, 1)
        build(big, count)
        as_the_first_schema_wrote_it(big)
        print(f"an incident of {count:,} events in the first schema ({big.stat().st_size / 1e6:.0f} MB)\n")
        opens = [first_frame(big)[0] for _ in range(3)]
        one = statistics.median(first_frame(small)[0] for _ in range(3))
        print("| open | first frame | against a one-event incident |")
        print("|---|---|---|")
        for n, seconds in enumerate(opens, start=1):
            print(f"| {n}{' (the upgrade)' if n == 1 else ''} | {seconds * 1000:,.0f} ms | {seconds / one:.2f}x |")
        print(f"| a one-event incident (median of 3) | {one * 1000:,.0f} ms | 1.00x (budget for the second open: 1.5x) |")


if __name__ == "__main__":
    main()
