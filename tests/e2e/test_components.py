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
