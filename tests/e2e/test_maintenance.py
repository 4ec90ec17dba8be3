"""Scheduled maintenance (issue 30): announced on the status page ahead of time, "Under
maintenance" while it runs, and an alert for one of its components during the window opens no
incident (the real `warroom receive` over HTTP): the maintenance's timeline has it instead."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from helpers import MovingTime, at, db_rows, run_cli
from helpers.pages import Receiver, alert, alertmanager

CONFIG = """[status_page]
folder = "{site}"
title = "Acme status"
components = ["Checkout", "Login", "API"]
[status_page.services]
checkout = "Checkout"
"""


def config(tmp_path: Path) -> dict:
    path = tmp_path / "team.toml"
    path.write_text(CONFIG.format(site=tmp_path / "site"))
    return {"WARROOM_CONFIG": str(path)}


def iso(minutes: float) -> str:
    return at(minutes).isoformat().replace("+00:00", "Z")


def page(tmp_path: Path) -> dict:
    return json.loads((tmp_path / "site" / "status.json").read_text())


def schedule(env: dict, *extra: str, title: str = "Database upgrade", now: float = 0):
    return run_cli("maintenance", title, "--from", iso(10), "--to", iso(70), *extra, now=at(now), env=env)


def test_a_maintenance_is_announced_ahead_then_shown_running_then_gone(db_file, tmp_path):
    env = config(tmp_path)
    done = schedule(env, "--component", "checkout", "--notice", "Checkout may be slow for an hour.")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("MW-1 scheduled: 2026-11-27 03:10–2026-11-27 04:10 UTC · Checkout")
    [announced] = page(tmp_path)["maintenance"]
    assert announced["title"] == "Database upgrade" and announced["components"] == ["Checkout"]
    assert announced["running"] is False and announced["notice"] == "Checkout may be slow for an hour."
    html = (tmp_path / "site" / "index.html").read_text()
    assert 'data-running="false">Scheduled maintenance: Database upgrade' in html
    feed = (tmp_path / "site" / "feeds" / "checkout.xml").read_text()
    assert "<title>Scheduled maintenance: Database upgrade</title>" in feed
    assert "Scheduled maintenance" not in (tmp_path / "site" / "feeds" / "login.xml").read_text()  # not its component

    assert run_cli("publish", now=at(30), env=env).returncode == 0  # during the window
    states = {c["name"]: (c["state"], c["under_maintenance"]) for c in page(tmp_path)["components"]}
    assert states == {"Checkout": ("operational", True), "Login": ("operational", False), "API": ("operational", False)}
    html = (tmp_path / "site" / "index.html").read_text()
    assert 'data-running="true">Under maintenance: Database upgrade' in html
    assert '<li class="component" data-state="under maintenance"><span class="name">Checkout</span>' in html

    assert run_cli("publish", now=at(71), env=env).returncode == 0  # over: no longer announced
    assert page(tmp_path)["maintenance"] == [] and "Database upgrade" not in (tmp_path / "site" / "index.html").read_text()
    listed = run_cli("maintenance", "--list", "--all", now=at(71), env=env).stdout
    assert listed.startswith("MW-1   over")


def test_an_alert_during_the_window_opens_no_incident_one_outside_it_does(db_file, tmp_path):
    env = config(tmp_path)
    assert schedule(env, "--component", "Checkout").returncode == 0
    clock = MovingTime(tmp_path, at(20))  # inside the window
    receiver = Receiver({"WARROOM_DB": str(db_file), **env, **clock.env()})
    try:
        status, answer = receiver.post("/alertmanager", alertmanager())  # service checkout -> Checkout
        assert status == 200 and answer["recorded"] is False and answer["maintenance"] == "MW-1"
        assert db_rows(db_file, "SELECT code FROM incident") == []
        other = alertmanager("LoginErrors", alerts=[alert("LoginErrors", service="login")], common={"service": "login"})
        status, answer = receiver.post("/alertmanager", other)  # Login is not under maintenance
        assert answer["recorded"] is True and answer["opened"] is True and answer["incident"] == "INC-1"
        labelled = alertmanager("ApiErrors", alerts=[alert("ApiErrors", service="gateway", component="checkout")],
                                common={"service": "gateway"})
        assert receiver.post("/alertmanager", labelled)[1]["maintenance"] == "MW-1"  # its component label says Checkout
        clock.advance(minutes=60)  # 04:20: the window is over
        status, answer = receiver.post("/alertmanager", alertmanager())
        assert answer["recorded"] is True and answer["opened"] is True and answer["incident"] == "INC-2"
    finally:
        receiver.stop()
    shown = run_cli("maintenance", "--show", "MW-1", now=at(90), env=env).stdout
    held = [line for line in shown.splitlines() if "alert held back" in line]
    assert len(held) == 2 and "Checkout 5xx above 5%" in held[0] and "(service checkout)" in held[0], shown


def test_an_alert_before_the_window_opens_an_incident_and_cancelled_maintenance_holds_nothing(db_file, tmp_path):
    env = config(tmp_path)
    assert schedule(env).returncode == 0  # every component
    done = run_cli("alert", "-", stdin=json.dumps(alertmanager()), now=at(5), env=env)
    assert done.stdout.startswith("INC-1 opened by the page") and done.stdout.endswith("(1 alert event)\n")  # (not "1 alert events")
    done = run_cli("alert", "-", stdin=json.dumps(alertmanager("Other", alerts=[alert("Other")])), now=at(15), env=env)
    assert done.stdout.startswith("no incident opened: during maintenance MW-1")
    assert run_cli("maintenance", "--cancel", "MW-1", "--reason", "postponed", now=at(16), env=env).returncode == 0
    assert page(tmp_path)["maintenance"] == []
    done = run_cli("alert", "-", stdin=json.dumps(alertmanager("Third", alerts=[alert("Third")])), now=at(17), env=env)
    assert done.stdout.startswith("INC-2 opened by the page")
    assert "cancelled: postponed" in run_cli("maintenance", "--show", "MW-1", now=at(18), env=env).stdout
    again = run_cli("maintenance", "--cancel", "MW-1", now=at(19), env=env)
    assert again.returncode == 2 and "cancelled already" in again.stderr
    long = run_cli("maintenance", "--cancel", "MW-1", "--reason", "x" * 1001, now=at(19), env=env)
    assert long.returncode == 2 and "at most 1,000" in long.stderr


@pytest.mark.parametrize("args, says", [
    (("--from", iso(70), "--to", iso(10)), "ends before it starts"),
    (("--from", "5m", "--to", "04:00Z"), "is not a time"),
    (("--from", iso(10), "--to", "25:00Z"), "not a time of day"),
    (("--from", iso(10), "--to", iso(60 * 24 * 20)), "at most 14"),
    (("--from", iso(-120), "--to", iso(-60)), "over already"),
    (("--from", iso(10), "--to", iso(70), "--component", "Search"), "no component 'Search' in the config"),
    (("--from", iso(10)), "--from and --to"),
    (("--from", "tomorrow", "--to", iso(70)), "cannot read the time"),
])
def test_a_bad_maintenance_is_one_line_exit_2_and_nothing_written(db_file, tmp_path, args, says):
    env = config(tmp_path)
    assert run_cli("declare", "First", "--severity", "P3", now=at(0), env=env).returncode == 0  # (the database exists)
    done = run_cli("maintenance", "Database upgrade", *args, now=at(0), env=env)
    assert done.returncode == 2 and says in done.stderr and len(done.stderr.strip().splitlines()) == 1, done.stderr
    assert db_rows(db_file, "SELECT count(*) FROM maintenance") == [(0,)]


def test_maintenance_needs_components_in_the_config(db_file, tmp_path):
    done = run_cli("maintenance", "Database upgrade", "--from", iso(10), "--to", iso(70), now=at(0))
    assert done.returncode == 2 and "names no components" in done.stderr


def test_while_receive_runs_the_page_turns_to_under_maintenance_at_the_start_and_drops_it_at_the_end(db_file, tmp_path):
    env = config(tmp_path)
    assert schedule(env, "--component", "API").returncode == 0  # 03:10 to 04:10
    clock = MovingTime(tmp_path, at(5))
    receiver = Receiver({"WARROOM_DB": str(db_file), **env, **clock.env()})
    try:
        index = tmp_path / "site" / "index.html"
        assert receiver.get("/healthz")[0] == 200
        assert 'data-running="false">Scheduled maintenance' in index.read_text()
        clock.advance(minutes=15)  # 03:20: it runs
        assert receiver.get("/healthz")[0] == 200  # (a look, as the receiver takes every 15 s)
        assert 'data-running="true">Under maintenance: Database upgrade' in index.read_text()
        assert '<li class="component" data-state="under maintenance"><span class="name">API</span>' in index.read_text()
        clock.advance(minutes=60)  # 04:20: over
        assert receiver.get("/healthz")[0] == 200
        assert "Database upgrade" not in index.read_text() and page(tmp_path)["maintenance"] == []
    finally:
        receiver.stop()
