"""Soak: `warroom receive` (the installed command, a fresh SQLite file, loopback) under 1,000
slow connections for 60 s while a client pages it once a second.

The slow connections are a slowloris: each sends a request's headers one byte a second and
never finishes; when the receiver closes one (its header timeout), it is opened again, so
1,000 are always being held or re-opened. Meanwhile one page a second (a new connection
each, as Alertmanager sends) is timed to its answer.

Printed: pages sent and answered 200, their latency (median, p99, max), the receiver's RSS
(start, max, end), the slow connections opened in all and the most held at once, and how
many lines the receiver wrote on stderr (rate-limited: under 100 is the budget).

Run:  .venv/bin/python benchmarks/soak.py [SECONDS] [CONNECTIONS]   (default 60 1000)
Only loopback is used; every connection and the receiver are closed at the end.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from helpers import warroom_exe
from helpers.pages import alertmanager


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


class Slow:
    """Connections that hold the receiver: headers a byte a second, re-opened when closed."""

    def __init__(self, port: int, count: int, until: float) -> None:
        self.port, self.count, self.until = port, count, until
        self.opened = self.held = self.most = 0

    async def one(self) -> None:
        request = b"POST /alertmanager HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nX-Slow: " + b"a" * 200
        while time.monotonic() < self.until:
            try:
                reader, writer = await asyncio.open_connection("127.0.0.1", self.port)
            except OSError:
                await asyncio.sleep(0.5)
                continue
            self.opened += 1
            self.held += 1
            self.most = max(self.most, self.held)
            try:
                for byte in request:
                    if time.monotonic() >= self.until or reader.at_eof():
                        break
                    writer.write(bytes([byte]))
                    await writer.drain()
                    try:
                        if await asyncio.wait_for(reader.read(1024), 1.0) == b"":
                            break  # closed by the receiver
                    except TimeoutError:
                        pass
            except OSError:
                pass
            finally:
                self.held -= 1
                writer.close()

    async def run(self) -> None:
        await asyncio.gather(*(self.one() for _ in range(self.count)))


async def page_every_second(port: int, until: float, latencies: list[float], statuses: list[int]) -> None:
    n = 0
    while time.monotonic() < until:
        started = time.perf_counter()
        body = json.dumps(alertmanager(f"Soak{n % 5}")).encode()
        try:
            reader, writer = await asyncio.wait_for(asyncio.open_connection("127.0.0.1", port), 5)
            writer.write(b"POST /alertmanager HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                         b"Connection: close\r\nContent-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body)
            head = await asyncio.wait_for(reader.readline(), 5)
            writer.close()
            statuses.append(int(head.split()[1]) if head else 0)
        except (TimeoutError, OSError, ValueError, IndexError):
            statuses.append(0)
        latencies.append(1000 * (time.perf_counter() - started))
        n += 1
        await asyncio.sleep(max(0.0, 1.0 - (time.perf_counter() - started)))


async def soak(port: int, pid: int, seconds: float, count: int) -> dict:
    until = time.monotonic() + seconds
    slow = Slow(port, count, until)
    latencies: list[float] = []
    statuses: list[int] = []
    rss = [rss_mb(pid)]

    async def sample() -> None:
        while time.monotonic() < until:
            await asyncio.sleep(1)
            rss.append(rss_mb(pid))

    await asyncio.gather(slow.run(), page_every_second(port, until, latencies, statuses), sample())
    return {"latencies": latencies, "statuses": statuses, "rss": rss, "opened": slow.opened, "most": slow.most}


def main() -> None:
    numbers = [int(a) for a in sys.argv[1:] if a.isdigit()]
    seconds = numbers[0] if numbers else 60
    count = numbers[1] if len(numbers) > 1 else 1000
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))  # this client's own sockets
    folder = Path(tempfile.mkdtemp(prefix="warroom-soak-"))
    log = (folder / "stderr.log").open("w")
    receiver = subprocess.Popen([warroom_exe(), "receive", "--listen", "127.0.0.1:0"], stdout=subprocess.DEVNULL, stderr=log,
                                env={**os.environ, "WARROOM_DB": str(folder / "soak.db")})
    try:
        port = None
        for _ in range(100):
            found = re.search(r"http://127\.0\.0\.1:(\d+)", (folder / "stderr.log").read_text())
            if found:
                port = int(found.group(1))
                break
            time.sleep(0.1)
        if port is None:
            raise SystemExit("warroom receive did not start: " + (folder / "stderr.log").read_text())
        result = asyncio.run(soak(port, receiver.pid, seconds, count))
    finally:
        receiver.send_signal(15)  # (SIGTERM: a script run with & passes SIGINT on ignored)
        try:
            receiver.wait(10)
        except subprocess.TimeoutExpired:
            receiver.kill()
            receiver.wait()
        log.close()
    lines = (folder / "stderr.log").read_text().splitlines()
    latencies, statuses, rss = result["latencies"], result["statuses"], result["rss"]
    ordered = sorted(latencies)
    print(f"| soak: {seconds} s, {count} slow connections held, one page a second | figure |")
    print("|---|---|")
    print(f"| pages sent / answered 200 | {len(statuses)} / {statuses.count(200)} |")
    print(f"| page latency median / p99 / max | {statistics.median(latencies):.1f} / "
          f"{ordered[min(len(ordered) - 1, int(0.99 * (len(ordered) - 1)))]:.1f} / {max(latencies):.1f} ms |")
    print(f"| receiver RSS start / max / end | {rss[0]:.0f} / {max(rss):.0f} / {rss[-1]:.0f} MB |")
    print(f"| slow connections opened in all / most held at once | {result['opened']:,} / {result['most']:,} |")
    print(f"| receiver stderr lines | {len(lines)} (of which page lines {sum(1 for line in lines if 'POST /alertmanager' in line)}) |")


if __name__ == "__main__":
    main()
