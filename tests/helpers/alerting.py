"""The real Alertmanager (Debian's prometheus-alertmanager), started by a test on loopback
ports with a config whose webhook receiver is warroom, and stopped at the end."""

from __future__ import annotations

import json
import re
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path

from helpers import missing


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _binary() -> str:
    found = shutil.which("prometheus-alertmanager") or shutil.which("alertmanager")
    if not found:
        missing("Alertmanager", "Debian's prometheus-alertmanager")
    return found


def readme_config(webhook: str, token: str) -> str:
    """The README's Alertmanager block, as written, with this test's address and token, and
    the waits short enough for a test."""
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    block = next(b for b in re.findall(r"```yaml\n(.*?)```", readme, re.S) if "webhook_configs" in b)
    block = block.replace("http://127.0.0.1:9095/alertmanager", webhook)
    block = re.sub(r"credentials: THE-TOKEN.*", f"credentials: {json.dumps(token)}", block)
    return ("global:\n  resolve_timeout: 5m\n"
            + block.replace("route:\n", "route:\n  group_wait: 1s\n  group_interval: 1s\n  repeat_interval: 1h\n", 1))


class Alertmanager:
    def __init__(self, webhook: str, token: str = "") -> None:
        """Alertmanager with the README's receiver block, pointed at `webhook`, its waits made
        short for a test (they default to tens of seconds)."""
        self.folder = Path(tempfile.mkdtemp(prefix="warroom-am-"))
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        (self.folder / "alertmanager.yml").write_text(readme_config(webhook, token))
        self.log = (self.folder / "log").open("w")
        self.process = subprocess.Popen(
            [_binary(), f"--config.file={self.folder / 'alertmanager.yml'}", f"--storage.path={self.folder / 'data'}",
             f"--web.listen-address=127.0.0.1:{self.port}", "--cluster.listen-address=", "--log.level=debug"],
            stdout=self.log, stderr=subprocess.STDOUT)
        end = time.monotonic() + 30
        while time.monotonic() < end:
            try:
                with urllib.request.urlopen(f"{self.url}/-/ready", timeout=2) as answer:
                    if answer.status == 200:
                        return
            except OSError:
                time.sleep(0.1)
        said = self.logged()[-1500:]
        self.stop()
        raise AssertionError(f"Alertmanager did not become ready:\n{said}")

    def fire(self, alerts: list[dict]) -> None:
        """Post alerts to Alertmanager's own API, as Prometheus does."""
        request = urllib.request.Request(f"{self.url}/api/v2/alerts", data=json.dumps(alerts).encode(), method="POST",
                                         headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=10) as answer:
            assert answer.status == 200

    def logged(self) -> str:
        return (self.folder / "log").read_text(errors="replace")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.log.close()
        shutil.rmtree(self.folder, ignore_errors=True)
