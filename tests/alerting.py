"""The real Alertmanager (Debian's prometheus-alertmanager), started by a test on loopback
ports with a config whose webhook receiver is warroom, and stopped at the end."""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _binary() -> str:
    found = shutil.which("prometheus-alertmanager") or shutil.which("alertmanager")
    if not found:
        pytest.fail("Alertmanager is not installed: Debian's prometheus-alertmanager (.ci/run installs it)")
    return found


class Alertmanager:
    def __init__(self, webhook: str, token: str = "") -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="warroom-am-"))
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        auth = f"\n          authorization:\n            credentials: {json.dumps(token)}" if token else ""
        (self.folder / "alertmanager.yml").write_text(f"""
global:
  resolve_timeout: 5m
route:
  receiver: warroom
  group_by: [alertname]
  group_wait: 1s
  group_interval: 1s
  repeat_interval: 1h
receivers:
  - name: warroom
    webhook_configs:
      - url: {json.dumps(webhook)}
        send_resolved: true
        http_config:
          follow_redirects: false{auth}
""")
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
