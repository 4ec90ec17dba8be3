"""Detect: pages from Alertmanager and PagerDuty open or join incidents (issue 16), through the
installed `warroom receive` on loopback and `warroom alert`, on a real database."""

import asyncio
import json
from datetime import UTC

import pytest
from helpers import at, db_rows, run_cli
from helpers.pages import Receiver, alert, alertmanager, pagerduty, signature

from warroom.store import open_store

SECRET = "whsec-test-4f1c"


def incidents(db_file) -> list[tuple]:
    return db_rows(db_file, "SELECT code FROM incident ORDER BY id")


def events(db_file) -> list[tuple[str, str, dict]]:
    return [(actor, kind, json.loads(payload)) for actor, kind, payload in
            db_rows(db_file, "SELECT actor, kind, payload FROM event ORDER BY id")]


@pytest.fixture
def receiver(db_file):
    started = Receiver({"WARROOM_DB": str(db_file), "WARROOM_PAGERDUTY_SECRET": SECRET})
    yield started
    started.stop()


@pytest.mark.parametrize("signal, status, says", [(15, 0, "warroom receive: stopped (SIGTERM)"), (2, 130, "")])
def test_sigterm_stops_it_as_ctrl_c_does_with_the_store_closed(db_file, signal, status, says):
    """systemd, docker and kill stop a service with SIGTERM: it used to die at once (Python's
    default), the database left as a crash leaves it (its -wal file); now it stops as Ctrl-C
    stops it, the store closed, and exits 0."""
    started = Receiver({"WARROOM_DB": str(db_file)}, ctrl_c=True)
    assert started.post("/alertmanager", alertmanager())[0] == 200
    assert db_file.with_name(db_file.name + "-wal").exists()  # (open: SQLite's write-ahead log is there)
    log = started.stop(signal)
    assert started.process.returncode == status and log.rstrip().endswith(says)
    assert not db_file.with_name(db_file.name + "-wal").exists()  # closed: the last connection folded it in


def test_a_firing_group_opens_one_incident_with_what_the_page_says(receiver, db_file):
    status, answer = receiver.post("/alertmanager", alertmanager())
    assert (status, answer["incident"], answer["opened"]) == (200, "INC-1", True)
    declared = events(db_file)[0]
    assert declared[0:2] == ("alertmanager", "declared")
    payload = declared[2]
    assert (payload["title"], payload["severity"], payload["service"], payload["paged_by"]) == \
        ("Checkout 5xx above 5%", "P1", "checkout", "alertmanager")
    assert payload["impact_started"] == "2026-11-28T09:58:00.123456+00:00"  # the earliest startsAt
    fired = events(db_file)[1][2]
    assert fired["status"] == "firing" and fired["labels"]["instance"] == "web-1"
    assert fired["annotations"]["runbook_url"] == "https://wiki/checkout"
    shown = run_cli("show").stdout
    assert "hats: commander —" in shown  # a page leaves every hat to the people on call
    assert "alert firing: CheckoutErrors" in shown


def test_the_same_group_again_joins_it_a_new_alert_is_recorded_and_resolved_never_resolves(receiver, db_file):
    receiver.post("/alertmanager", alertmanager())
    status, answer = receiver.post("/alertmanager", alertmanager())  # re-sent each repeat_interval
    assert status == 200 and (answer["incident"], answer["opened"], answer["events"]) == ("INC-1", False, 0)
    two = alertmanager(alerts=[alert("CheckoutErrors"), alert("CheckoutErrors", instance="web-2")])
    assert receiver.post("/alertmanager", two)[1]["events"] == 1  # only web-2 is new
    gone = alertmanager(status="resolved", alerts=[alert("CheckoutErrors", status="resolved"),
                                                   alert("CheckoutErrors", instance="web-2", status="resolved")])
    assert receiver.post("/alertmanager", gone)[1]["events"] == 2
    assert len(incidents(db_file)) == 1
    kinds = [(kind, p.get("status")) for _, kind, p in events(db_file)]
    assert kinds == [("declared", None), ("alert", "firing"), ("alert", "firing"), ("alert", "resolved"), ("alert", "resolved")]
    assert run_cli("status").stdout.startswith("INC-1 P1")  # still open: the commander resolves


def test_still_firing_is_recorded_at_most_once_per_half_hour(db_file):
    page = json.dumps(alertmanager())
    for minute in (0, 5, 10, 40, 45, 80):
        assert run_cli("alert", "-", stdin=page, now=at(minute)).returncode == 0
    still = [at_ for (at_, kind, payload) in db_rows(db_file, "SELECT at, kind, payload FROM event ORDER BY id")
             if json.loads(payload).get("status") == "still firing"]
    assert [s[11:16] for s in still] == [at(40).isoformat()[11:16], at(80).isoformat()[11:16]]


@pytest.mark.parametrize("labels, mapping, expected", [
    ({"priority": "P0"}, "", "P0"),
    ({"severity": "critical"}, "", "P1"),
    ({"severity": "warning"}, "", "P2"),
    ({"severity": "info"}, "", "P3"),
    ({"severity": "disaster"}, "", "P2"),
    ({"severity": "page"}, '[receive.severity]\npage = "P0"\n', "P0"),
    ({"severity": "critical"}, '[receive.severity]\ncritical = "P2"\n', "P2"),
])
def test_severity_from_the_priority_label_or_the_severity_label_through_the_config(db_file, tmp_path, labels, mapping, expected):
    config = tmp_path / "c.toml"
    config.write_text(mapping)
    page = alertmanager(common={"severity": "", **labels}, alerts=[alert("X", severity=labels.get("severity", ""))])
    page["commonLabels"] = {"alertname": "X", **labels}
    done = run_cli("--config", str(config), "alert", "-", stdin=json.dumps(page), now=at(0))
    assert done.returncode == 0, done.stderr
    assert events(db_file)[0][2]["severity"] == expected


def test_pagerduty_signed_opens_then_acknowledged_and_resolved_are_timeline_events(receiver, db_file):
    body = json.dumps(pagerduty()).encode()
    status, answer = receiver.post("/pagerduty", body, {"X-PagerDuty-Signature": signature(body, SECRET)})
    assert (status, answer["incident"], answer["opened"]) == (200, "INC-1", True)
    declared = events(db_file)[0][2]
    assert (declared["title"], declared["severity"], declared["service"]) == ("A little bump in the road", "P1", "API Service")
    for kind in ("incident.acknowledged", "incident.resolved"):
        body = json.dumps(pagerduty(kind)).encode()  # rotated secrets: the header may carry two
        assert receiver.post("/pagerduty", body, {"X-PagerDuty-Signature": f"v1=00ff,{signature(body, SECRET)}"})[0] == 200
    assert [p["status"] for _, kind, p in events(db_file) if kind == "alert"] == ["firing", "acknowledged", "resolved"]
    low = json.dumps(pagerduty(incident="PLOW", urgency="low")).encode()
    receiver.post("/pagerduty", low, {"X-PagerDuty-Signature": signature(low, SECRET)})
    assert events(db_file)[-2][2]["severity"] == "P3"
    other = json.dumps(pagerduty("incident.annotated")).encode()
    status, answer = receiver.post("/pagerduty", other, {"X-PagerDuty-Signature": signature(other, SECRET)})
    assert status == 200 and answer["recorded"] is False


def test_every_bad_request_is_a_4xx_with_one_line_and_writes_nothing(receiver, db_file):
    receiver.post("/alertmanager", alertmanager())
    before = events(db_file)
    body = json.dumps(pagerduty()).encode()
    cases = [
        ("/alertmanager", b"not json", {}, 400, "not JSON"),
        ("/alertmanager", b'{"version": "4"}', {}, 400, "not an Alertmanager webhook"),
        ("/alertmanager", json.dumps({**alertmanager(), "version": "3"}).encode(), {}, 400, "version"),
        ("/alertmanager", json.dumps({**alertmanager(), "alerts": "x"}).encode(), {}, 400, "alerts"),
        ("/alertmanager", b"[" * 10_000, {}, 400, "not an Alertmanager webhook"),
        ("/alertmanager", b'{"a": "' + b"x" * (1 << 20) + b'"}', {}, 413, "over"),
        ("/pagerduty", body, {}, 401, "X-PagerDuty-Signature"),
        ("/pagerduty", body, {"X-PagerDuty-Signature": signature(body, "wrong")}, 401, "X-PagerDuty-Signature"),
        ("/pagerduty", body + b" ", {"X-PagerDuty-Signature": signature(body, SECRET)}, 401, "X-PagerDuty-Signature"),
        ("/nowhere", b"{}", {}, 404, "Not Found"),
    ]
    for path, raw, headers, expected, words in cases:
        status, answer = receiver.post(path, raw, headers)
        assert status == expected and words in answer["error"], (path, raw[:40], status, answer)
        assert "\n" not in answer["error"] and len(answer["error"]) <= 300
    assert receiver.get("/alertmanager")[0] == 405
    assert events(db_file) == before
    assert receiver.get("/healthz") == (200, {"ok": True, "database": str(db_file)})
    log = receiver.stop()
    assert log.count(" POST ") == len(cases) + 1 and " 413 " in log and "Traceback" not in log


def test_a_token_is_asked_for_when_set_and_required_beyond_loopback(db_file):
    wide = run_cli("receive", "--listen", "0.0.0.0:9095", env={"WARROOM_RECEIVE_TOKEN": ""})
    assert wide.returncode == 2 and "set a token first" in wide.stderr and len(wide.stderr.splitlines()) == 1
    guarded = Receiver({"WARROOM_DB": str(db_file), "WARROOM_RECEIVE_TOKEN": "s3cret"})
    try:
        assert guarded.post("/alertmanager", alertmanager())[0] == 401
        assert guarded.post("/alertmanager", alertmanager(), {"Authorization": "Bearer nope"})[0] == 401
        assert not db_file.exists() or incidents(db_file) == []
        assert guarded.post("/alertmanager", alertmanager(), {"Authorization": "Bearer s3cret"})[0] == 200
    finally:
        log = guarded.stop()
    assert "s3cret" not in log


def test_a_hundred_pages_at_once_over_fifty_groups_open_fifty_incidents(receiver, db_file):
    import aiohttp

    async def flood() -> list[int]:
        async with aiohttp.ClientSession() as session:
            async def one(n: int) -> int:
                async with session.post(f"{receiver.url}/alertmanager", json=alertmanager(f"Group{n % 50}")) as response:
                    return response.status
            return await asyncio.gather(*(one(n) for n in range(100)))

    assert asyncio.run(flood()) == [200] * 100
    assert len(incidents(db_file)) == 50
    declared = [p["title"] for _, kind, p in events(db_file) if kind == "declared"]
    assert len(declared) == 50 and len(set(r[0] for r in db_rows(db_file, "SELECT grp FROM page_group"))) == 50


def test_alert_text_is_untrusted_it_is_bounded_and_shown_harmlessly(db_file):
    hostile = alertmanager(summary="[b]bold[/b] \x1b]0;pwned\x07 " + "x" * 20_000,
                           alerts=[alert("E", **{f"l{n}": "v" * 9000 for n in range(100)})])
    done = run_cli("alert", "-", stdin=json.dumps(hostile), now=at(0))
    assert done.returncode == 0, done.stderr
    fired = events(db_file)[1][2]
    assert len(fired["labels"]) == 64 and max(len(v) for v in fired["labels"].values()) <= 4000
    shown = run_cli("show").stdout
    assert "\x1b" not in shown and "␛]0;pwned␇" in shown and "[b]bold[/b]" in shown


async def test_a_page_opens_one_incident_per_group_on_postgresql_too(postgres_cluster):
    from warroom.domain.paging import Page
    from warroom.integrations.alerts import alertmanager as decode

    url = postgres_cluster.url()
    stores = [await open_store(url) for _ in range(4)]
    try:
        pages = [decode(json.dumps(alertmanager(f"G{n % 5}")).encode(), at(n % 3)) for n in range(20)]
        assert all(isinstance(page, Page) for page in pages)
        taken = await asyncio.gather(*(stores[n % 4].take_page(page) for n, page in enumerate(pages)))
        assert sum(t.opened for t in taken) == 5 and len({t.code for t in taken}) == 5
        assert len(await stores[0].incidents()) == 5
    finally:
        for store in stores:
            await store.close()


def test_the_real_alertmanager_pages_warroom(db_file):
    """Debian's Alertmanager on loopback, its webhook receiver `warroom receive` (with a token):
    alerts posted to Alertmanager's own API open one incident per group with the right title,
    severity, service and impact start; a new alert in the group is recorded; the resolution
    Alertmanager sends is recorded, and the incident stays open for the commander."""
    from datetime import datetime, timedelta

    from helpers.alerting import Alertmanager, _binary
    from helpers.pages import wait_until

    _binary()  # before anything starts: a missing Alertmanager leaves no receiver behind
    receiver = Receiver({"WARROOM_DB": str(db_file), "WARROOM_RECEIVE_TOKEN": "am-token"})
    manager = Alertmanager(f"{receiver.url}/alertmanager", token="am-token")
    try:
        started = datetime.now(UTC) - timedelta(minutes=7)

        def sent(name: str, instance: str, ends: datetime | None = None, **labels) -> dict:
            found = {"labels": {"alertname": name, "instance": instance, **labels},
                     "annotations": {"summary": f"{name} on checkout"},
                     "startsAt": started.isoformat(), "generatorURL": "http://prometheus/graph"}
            if ends:
                found["endsAt"] = ends.isoformat()
            return found

        manager.fire([sent("CheckoutErrors", "web-1", severity="critical", service="checkout"),
                      sent("DiskFull", "db-1", severity="warning", job="postgres")])
        wait_until(lambda: len(incidents(db_file)) == 2, "two incidents, one per group")
        declared = {p["title"]: p for _, kind, p in events(db_file) if kind == "declared"}
        assert set(declared) == {"CheckoutErrors on checkout", "DiskFull on checkout"}
        checkout, disk = declared["CheckoutErrors on checkout"], declared["DiskFull on checkout"]
        assert (checkout["severity"], checkout["service"]) == ("P1", "checkout")
        assert (disk["severity"], disk["service"]) == ("P2", "postgres")  # no service label: the job
        assert datetime.fromisoformat(checkout["impact_started"]) == started.replace(microsecond=started.microsecond)
        assert datetime.fromisoformat(checkout["detected"]) > started

        manager.fire([sent("CheckoutErrors", "web-2", severity="critical", service="checkout")])
        wait_until(lambda: any(p.get("labels", {}).get("instance") == "web-2" for _, _, p in events(db_file)),
                   "the new alert in the group")
        assert len(incidents(db_file)) == 2

        now = datetime.now(UTC)
        manager.fire([sent("CheckoutErrors", "web-1", ends=now, severity="critical", service="checkout"),
                      sent("CheckoutErrors", "web-2", ends=now, severity="critical", service="checkout")])
        wait_until(lambda: sum(1 for _, kind, p in events(db_file) if p.get("status") == "resolved") == 2,
                   "the resolution Alertmanager sends")
        assert len(incidents(db_file)) == 2
        assert "resolved" not in [kind for _, kind, _ in events(db_file)]  # the commander resolves, not the alert
    finally:
        manager.stop()
        log = receiver.stop()
    assert " 401 " not in log  # Alertmanager sent the token


async def _page(db_file, page: dict, minute: int = 6):
    from warroom.integrations.alerts import alertmanager as decode

    store = await open_store(db_file)
    try:
        return await store.take_page(decode(json.dumps(page).encode(), at(minute)))
    finally:
        await store.close()


async def test_a_page_while_a_console_works_another_incident_rings_and_says_so(db_file, monkeypatch):
    from helpers import Clock, seed
    from helpers.console import settle, until

    from warroom.console.launch import make_app

    await seed(db_file)
    app = make_app(db_file, clock=Clock(at(5)), actor="alice", clipboard=[])
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        rings = []
        monkeypatch.setattr(app, "bell", lambda: rings.append(1))
        taken = await _page(db_file, alertmanager())
        await until(pilot, lambda: rings, "the bell")
        await pilot.pause()
        assert any(f"PAGED by alertmanager: {taken.code} P1 Checkout 5xx above 5%" in n.message for n in app._notifications)
        assert app.code == "INC-1" and len(rings) == 1  # it stays on the incident being worked: p switches
        await _page(db_file, alertmanager())  # the same group again: no new incident, no second bell
        await pilot.pause(0.8)
        assert len(rings) == 1


async def test_with_no_incident_open_the_console_opens_the_page_and_shows_its_alerts(db_file):
    from helpers import Clock
    from helpers.console import settle, until

    from warroom.console.launch import make_app

    app = make_app(db_file, clock=Clock(at(7)), actor="alice", clipboard=[])
    async with app.run_test(size=(140, 44)) as pilot:
        await settle(pilot)
        assert type(app.screen).__name__ == "StartScreen"
        await _page(db_file, alertmanager(alerts=[alert("CheckoutErrors"), alert("CheckoutErrors", instance="web-2")]))
        await until(pilot, lambda: app.code == "INC-1", "the console to open the page", 10)
        await settle(pilot)
        assert app.state.paged_by == "alertmanager" and app.state.holders == {}
        pane = str(app.main_screen.query_one("#alerts").content)
        assert "alerts: 2 firing, 0 not" in pane and "instance=web-1" in pane and "instance=web-2" in pane
        gone = alertmanager(status="resolved", alerts=[alert("CheckoutErrors", instance="web-2", status="resolved")])
        await _page(db_file, gone, minute=7)
        await until(pilot, lambda: "1 firing, 1 not" in str(app.main_screen.query_one("#alerts").content), "the resolution")
        await pilot.pause()
        assert any("alert resolved: CheckoutErrors" in n.message for n in app._notifications)
        assert not app.state.resolved
