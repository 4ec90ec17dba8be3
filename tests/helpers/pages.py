"""Pages for the tests: Alertmanager and PagerDuty payloads shaped as their documentation
shows them, and the installed `warroom receive` started on a free loopback port."""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import re
import subprocess
import sys
import time
import urllib.error
import urllib.request

from helpers import warroom_exe


def alertmanager(group: str = "CheckoutErrors", status: str = "firing", alerts: list[dict] | None = None,
                 common: dict | None = None, summary: str = "Checkout 5xx above 5%") -> dict:
    common = {"alertname": group, "severity": "critical", "service": "checkout", **(common or {})}
    alerts = alerts if alerts is not None else [alert(group, status=status)]
    return {
        "version": "4", "groupKey": f'{{}}:{{alertname="{group}"}}', "truncatedAlerts": 0, "status": status,
        "receiver": "warroom", "groupLabels": {"alertname": group}, "commonLabels": common,
        "commonAnnotations": {"summary": summary} if summary else {}, "externalURL": "http://alertmanager:9093",
        "alerts": alerts,
    }


def alert(name: str, instance: str = "web-1", status: str = "firing", starts: str = "2026-11-28T09:58:00.123456789Z",
          **labels) -> dict:
    return {"status": status, "labels": {"alertname": name, "instance": instance, "severity": "critical",
                                         "service": "checkout", **labels},
            "annotations": {"summary": "Checkout 5xx above 5%", "runbook_url": "https://wiki/checkout"},
            "startsAt": starts, "endsAt": "0001-01-01T00:00:00Z", "generatorURL": "http://prometheus/graph",
            "fingerprint": hashlib.sha256(f"{name}{instance}".encode()).hexdigest()[:16]}


def pagerduty(event_type: str = "incident.triggered", incident: str = "PGR0VU2", urgency: str = "high",
              title: str = "A little bump in the road") -> dict:
    """A V3 webhook as PagerDuty's documentation shows one."""
    return {"event": {
        "id": "01DEN7BOD2XX3JG3GKQ0Y2F4IX", "event_type": event_type, "resource_type": "incident",
        "occurred_at": "2026-11-28T10:00:22.169Z", "agent": {"html_url": "https://acme.pagerduty.com/users/PLH1HKV",
                                                             "id": "PLH1HKV", "type": "user_reference"},
        "client": None,
        "data": {"id": incident, "type": "incident", "self": f"https://api.pagerduty.com/incidents/{incident}",
                 "html_url": f"https://acme.pagerduty.com/incidents/{incident}", "number": 2,
                 "status": event_type.split(".")[1], "incident_key": "d3640fbd41094207a1c11e58e46b1662",
                 "created_at": "2026-11-28T09:59:27Z", "title": title,
                 "service": {"html_url": "https://acme.pagerduty.com/services/PF9KMXH", "id": "PF9KMXH",
                             "self": "https://api.pagerduty.com/services/PF9KMXH", "summary": "API Service",
                             "type": "service_reference"},
                 "assignees": [], "escalation_policy": {"id": "PUS0KTE", "type": "escalation_policy_reference"},
                 "teams": [], "priority": {"id": "PSO75BM", "summary": "P1", "type": "priority_reference"},
                 "urgency": urgency, "conference_bridge": None, "resolve_reason": None}}}


def signature(body: bytes, secret: str) -> str:
    return "v1=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


class Receiver:
    """The installed `warroom receive` on a free loopback port, stopped with `stop`."""

    def __init__(self, env: dict, *args: str, ctrl_c: bool = False) -> None:
        """`ctrl_c`: started as from a terminal, where Ctrl-C reaches it (SIGINT not ignored,
        even when this suite was started by a script's `&`, which passes it on ignored)."""
        command = [warroom_exe(), "receive", "--listen", "127.0.0.1:0", *args]
        if ctrl_c:
            command = [sys.executable, "-c", "import os, signal, sys; signal.signal(signal.SIGINT, signal.SIG_DFL); "
                       "os.execv(sys.argv[1], sys.argv[1:])", *command]
        self.process = subprocess.Popen(command, env={**os.environ, **env}, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                        text=True)
        line = self.process.stderr.readline()
        self.first_line = line  # what it says as it starts listening
        found = re.search(r"http://127\.0\.0\.1:(\d+)", line)
        if not found:
            self.process.kill()
            raise AssertionError(f"warroom receive did not start: {line}{self.process.stderr.read()}")
        self.port = int(found.group(1))
        self.url = f"http://127.0.0.1:{self.port}"

    def post(self, path: str, body: bytes | dict, headers: dict | None = None) -> tuple[int, dict]:
        raw = body if isinstance(body, bytes) else json.dumps(body).encode()
        request = urllib.request.Request(self.url + path, data=raw, method="POST",
                                         headers={"Content-Type": "application/json", **(headers or {})})
        return _answer(request)

    def get(self, path: str) -> tuple[int, dict]:
        return _answer(urllib.request.Request(self.url + path))

    def stop(self, signal: int = 15) -> str:
        """Stop it as systemd would (SIGTERM; 2: as Ctrl-C would); what it logged. (Not Ctrl-C's
        SIGINT by default: a suite started in the background, by a script's `&`, passes SIGINT
        on ignored, and every stop waited 10 s to kill it.)"""
        self.process.send_signal(signal)
        try:
            _, err = self.process.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            _, err = self.process.communicate()
        return err


def _answer(request) -> tuple[int, dict]:
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def fetch(url: str, post: bool = False) -> tuple[int, str]:
    """A page of the receiver's, as a browser asks for it (GET, or POST for the form's button):
    its status and its text, an error's included."""
    request = urllib.request.Request(url, data=b"" if post else None, method="POST" if post else "GET")
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def wait_until(condition, what: str, seconds: float = 30.0):
    """A bounded wait for something another process does (not a timer)."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        found = condition()
        if found:
            return found
        time.sleep(0.1)
    raise AssertionError(f"{what} did not happen within {seconds} s")
