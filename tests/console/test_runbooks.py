"""The team's playbook in the console: runbook commands beside the levers and copied with `l`,
the service named with `v`, the config's templates and matrix, and the theme."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from helpers import Clock, at, db_rows, seed
from helpers.console import act, settle

from warroom.config import parse
from warroom.console.dialogs import Ask, Choose
from warroom.console.launch import make_app

CONFIG = b"""
theme = "high-contrast"
levers = ["kill switch", "deploy rollback", "migration rollback", "data correction"]
[templates]
client_notice = "Hello from {service}: {title} [{severity}]"
[runbooks.checkout]
feature_flag = { flag = "new_jwt", command = "flagctl set new_jwt off --env prod" }
migration_rollback = { flag = "jwt_v2_schema", link = "https://wiki.example.com/jwt-migration" }
deploy_rollback = "kubectl -n shop rollout undo deployment/checkout"
data_correction = { link = "https://wiki.example.com/checkout-data" }
"""


@pytest.fixture
def copied():
    return []


@pytest.fixture
def console(db_file, copied):
    config = parse(CONFIG, Path("team.toml"))

    def fake(text):
        copied.append(text)
        return True

    async def run(service="checkout", ways=None):
        await seed(db_file, service=service)
        app = make_app(db_file, clock=Clock(at(5)), actor="alice", config=config,
                       clipboard=ways if ways is not None else [("the test board", fake)])
        return app, app.run_test(size=(140, 40))

    return run


def levers_text(app) -> str:
    return str(app.main_screen.query_one("#levers").render())


async def test_the_levers_show_the_services_runbook_and_l_copies_the_chosen_command(console, copied, db_file):
    app, running = await console()
    async with running as pilot:
        await settle(pilot)
        shown = levers_text(app)
        assert "kill switch" in shown and "l $ flagctl set new_jwt off --env prod" in shown  # the command names the flag
        assert "$ kubectl -n shop rollout undo deployment/checkout" in shown
        assert "→ https://wiki.example.com/checkout-data" in shown
        assert "flag jwt_v2_schema → https://wiki.example.com/jwt-migration" in shown
        before = len(db_rows(db_file))
        await act(pilot, "l")
        assert isinstance(app.screen, Choose)
        assert [key for key, _, _ in app.screen.choices] == ["1", "2", "3", "4"]
        await act(pilot, "2")
        assert copied == ["kubectl -n shop rollout undo deployment/checkout"]
        await act(pilot, "l", "4")
        assert copied[-1] == "https://wiki.example.com/checkout-data"
        assert len(db_rows(db_file)) == before  # copying is not an action: pulling the lever is


async def test_l_with_no_clipboard_shows_the_command_to_copy_by_hand(console):
    app, running = await console(ways=[])
    async with running as pilot:
        await settle(pilot)
        await act(pilot, "l", "1")
        assert "flagctl set new_jwt off --env prod" in str(app.screen.query_one("TextArea").text)


async def test_without_a_service_v_names_it_and_the_runbook_appears(console, copied, db_file):
    app, running = await console(service="")
    async with running as pilot:
        await settle(pilot)
        assert "no service named: v names the service" in levers_text(app)
        await act(pilot, "l")
        assert copied == [] and not isinstance(app.screen, Choose)
        await act(pilot, "v")
        assert isinstance(app.screen, Ask)
        await pilot.press(*"CheckOut")
        await act(pilot, "enter")
        assert app.state.service == "CheckOut"
        assert "flagctl set new_jwt off" in levers_text(app)  # services match without regard to case
    role, kind, payload = db_rows(db_file)[-1]
    assert (role, kind, json.loads(payload)) == ("commander", "service named", {"service": "CheckOut"})


async def test_a_service_without_a_runbook_says_so(console):
    app, running = await console(service="billing")
    async with running as pilot:
        await settle(pilot)
        assert "no runbook for billing: v names the service" in levers_text(app)


async def test_the_configs_template_and_theme_are_the_ones_in_use(console, copied):
    app, running = await console()
    async with running as pilot:
        await settle(pilot)
        assert app.theme == "high-contrast"
        await act(pilot, "m", "t", "1", *"Dana", "enter")  # no surprises: the EM hears first
        await act(pilot, "y")
        assert copied == ["Hello from checkout: Login fails with 401 [P1]"]


async def test_no_color_turns_the_console_monochrome(db_file, monkeypatch):
    from textual.filter import Monochrome

    monkeypatch.setenv("NO_COLOR", "1")
    await seed(db_file)
    app = make_app(db_file, clock=Clock(at(20)), actor="alice")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert app.no_color and any(isinstance(f, Monochrome) for f in app._filters)
        # meaning does not rest on colour: the overdue deadline says so in words
        assert "⚠ OVERDUE" in str(app.main_screen.query_one("#countdown").render())


async def test_pulling_a_lever_keeps_its_runbook_command_on_the_timeline(console, db_file):
    from warroom.domain.describe import describe

    app, running = await console()
    async with running as pilot:
        await settle(pilot)
        await act(pilot, "2")  # before lever 1: the reason is asked
        assert isinstance(app.screen, Ask)
        await pilot.press(*"no flag guards this path")
        await act(pilot, "enter")
        pulled = app.state.events[-1]
    assert json.loads(db_rows(db_file)[-1][2])["runbook"] == "kubectl -n shop rollout undo deployment/checkout"
    assert describe(pulled).endswith("— no flag guards this path ($ kubectl -n shop rollout undo deployment/checkout)")
