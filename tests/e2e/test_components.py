"""A status page of components (issue 30, first step): the config names them and maps services
to them; the page opens with each one's state, from the open P0/P1 incidents that touch it,
in words (never colour alone), in the HTML a browser reads and in status.json."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest
from helpers import at, run_cli

from warroom.domain import actions
from warroom.store import Store

CONFIG = """[status_page]
folder = "{site}"
title = "Acme status"
components = ["Checkout", "Login", "API", "<b>Search</b>"]
[status_page.services]
"auth-service" = "Login"
payments = ["Checkout", "API"]
"""


def config(tmp_path: Path) -> dict:
    path = tmp_path / "team.toml"
    path.write_text(CONFIG.format(site=tmp_path / "site"))
    return {"WARROOM_CONFIG": str(path)}


def states(tmp_path: Path) -> dict[str, str]:
    page = json.loads((tmp_path / "site" / "status.json").read_text())
    return {c["name"]: c["state_words"] for c in page["components"]}


def write(db_file, code: str, make) -> None:
    async def go() -> None:
        store = await Store.open(db_file)
        try:
            await store.append(make(await store.load(code)))
        finally:
            await store.close()

    asyncio.run(go())


def test_each_component_shows_the_worst_state_its_open_incidents_give_it(db_file, tmp_path):
    env = config(tmp_path)
    assert run_cli("declare", "Payments down", "--severity", "P0", "--service", "payments", "--impact", "card payments",
                   now=at(0), env=env).returncode == 0  # a P0 publishes by itself
    assert states(tmp_path) == {"Checkout": "Major outage", "Login": "Operational", "API": "Major outage",
                                "<b>Search</b>": "Operational"}
    assert run_cli("declare", "Logins fail", "--severity", "P1", "--service", "auth-service", "--impact", "logins",
                   now=at(1), env=env).returncode == 0
    assert run_cli("publish", now=at(2), env=env).returncode == 0
    assert states(tmp_path)["Login"] == "Partial outage"
    write(db_file, "INC-2", lambda s: actions.set_lever(s, "alice", at(3), 1, "pulled"))
    write(db_file, "INC-2", lambda s: actions.set_lever(s, "alice", at(4), 1, "effective"))
    write(db_file, "INC-1", lambda s: actions.resolve(s, "alice", at(5), override="resolved for this test"))
    assert run_cli("publish", now=at(6), env=env).returncode == 0
    assert states(tmp_path) == {"Checkout": "Operational", "Login": "Degraded performance", "API": "Operational",
                                "<b>Search</b>": "Operational"}


def test_a_browser_reads_each_components_state_in_words_and_a_name_stays_text(db_file, tmp_path):
    from helpers.browser import dom

    env = config(tmp_path)
    assert run_cli("declare", "Payments down", "--severity", "P0", "--service", "payments", "--impact", "card payments",
                   now=at(0), env=env).returncode == 0
    seen = dom(tmp_path / "site" / "index.html")
    assert '<li class="component" data-state="major outage"><span class="name">Checkout</span>' in seen
    assert '<span class="cstate major-outage">Major outage</span>' in seen
    assert "&lt;b&gt;Search&lt;/b&gt;" in seen and "<b>Search</b>" not in seen
    assert seen.index('class="components"') < seen.index("<article")  # the page opens with the components


@pytest.mark.parametrize("extra, says", [
    ('components = "Checkout"\n', "status_page.components"),
    ('components = ["Checkout", "Checkout"]\n', "there twice"),
    ('components = ["Checkout"]\n[status_page.services]\npayments = "Billing"\n', "expected components named in"),
    ('components = ["Checkout"]\n[status_page.services]\npayments = 3\n', "status_page.services.payments"),
])
def test_a_bad_component_config_is_one_line_exit_2(tmp_path, db_file, extra, says):
    path = tmp_path / "team.toml"
    path.write_text("[status_page]\n" + extra)
    done = run_cli("declare", "x", env={"WARROOM_CONFIG": str(path)})
    assert done.returncode == 2 and says in done.stderr and done.stderr.count("\n") == 1, done.stderr
    assert not db_file.exists()


# -- 90 days of history, planted ------------------------------------------------------------
from datetime import UTC, datetime, timedelta  # noqa: E402

NOW = datetime(2026, 11, 27, 3, 0, tzinfo=UTC)
DAY0 = datetime(2026, 11, 27, tzinfo=UTC)


def day(n: int, hour: float) -> datetime:
    """`hour` o'clock (UTC) of the day `n` days before today."""
    return DAY0 - timedelta(days=n) + timedelta(hours=hour)


# (severity, service, impact started, contained or None, resolved or None)
PLANTED = [
    ("P0", "payments", day(40, 10), day(40, 11.5), day(40, 13)),
    ("P1", "payments", day(40, 12), None, day(40, 14)),  # overlaps the P0's degraded hour and a half
    ("P1", "auth-service", day(10, 23), day(9, 1), day(9, 2)),  # across midnight
    ("P2", "payments", day(5, 1), None, day(5, 3)),  # internal: never on the page
    ("P1", "auth-service", NOW - timedelta(hours=2), None, None),  # still open
]
ORDER = ["operational", "degraded", "partial outage", "major outage"]


def expected(component_services: set[str]) -> tuple[dict[str, str], dict[str, float]]:
    """Each day's worst state and the share of each state, minute by minute, from what was planted."""
    first = DAY0 - timedelta(days=89)
    worst: dict[str, str] = {}
    minutes = dict.fromkeys(ORDER, 0)
    moment = first
    while moment < NOW:
        here = "operational"
        for severity, service, start, contained, resolved in PLANTED:
            if severity not in ("P0", "P1") or service not in component_services:
                continue
            end = resolved or NOW
            if start <= moment < end:
                state = "degraded" if contained is not None and moment >= contained else \
                    ("major outage" if severity == "P0" else "partial outage")
                here = max(here, state, key=ORDER.index)
        minutes[here] += 1
        key = moment.date().isoformat()
        worst[key] = max(worst.get(key, "operational"), here, key=ORDER.index)
        moment += timedelta(minutes=1)
    total = sum(minutes.values())
    return worst, {state: round(n / total, 6) for state, n in minutes.items()}


def plant(db_file) -> None:
    async def go() -> None:
        store = await Store.open(db_file)
        try:
            for n, (severity, service, start, contained, resolved) in enumerate(PLANTED, 1):
                declared = start + timedelta(minutes=1)
                await store.declare(actions.declare("alice", declared, f"incident {n}", severity, detected=declared,
                                                    impact_started=start, service=service, impact="shoppers"))
                code = f"INC-{n}"
                if contained is not None:
                    await store.append(actions.set_lever(await store.load(code), "alice", declared, 1, "pulled"))
                    await store.append(actions.set_lever(await store.load(code), "alice", contained, 1, "effective"))
                if resolved is not None:
                    await store.append(actions.resolve(await store.load(code), "alice", resolved, override="resolved for the test"))
        finally:
            await store.close()

    asyncio.run(go())


def test_ninety_days_of_history_each_days_state_and_each_components_shares_exactly(db_file, tmp_path):
    env = config(tmp_path)
    plant(db_file)
    assert run_cli("publish", now=NOW, env=env).returncode == 0
    page = {c["name"]: c for c in json.loads((tmp_path / "site" / "status.json").read_text())["components"]}
    for name, services in (("Checkout", {"payments"}), ("API", {"payments"}), ("Login", {"auth-service"}),
                           ("<b>Search</b>", set())):
        worst, shares = expected(services)
        days = {d["day"]: d["state"] for d in page[name]["days"]}
        assert len(days) == 90 and min(days) == (DAY0 - timedelta(days=89)).date().isoformat()
        assert days == worst, name
        assert page[name]["shares"] == shares, name
    assert page["Checkout"]["days"][-41]["state"] == "major outage"  # 40 days before today
    assert page["Login"]["state_words"] == "Partial outage"  # now: the open P1
    html = (tmp_path / "site" / "index.html").read_text()
    assert f'title="{(DAY0 - timedelta(days=9)).date().isoformat()}: Partial outage"' in html
    assert "Checkout: " in html and "% operational</h3>" in html and "Days with trouble" in html
