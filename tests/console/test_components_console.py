"""The communicator names the status page's components an incident affects and overrides their
state, with C in the console (issue 30): the event is committed as the communicator's, and the
page the P0 republishes by itself shows it."""

import json
from pathlib import Path

from helpers import Clock, at, db_rows, seed
from helpers.console import act, settle, until

from warroom.config import parse
from warroom.console.dialogs import Ask
from warroom.console.launch import make_app


def team(site: Path) -> object:
    return parse(f'[status_page]\nfolder = "{site}"\ncomponents = ["Checkout", "Login", "API"]\n'
                 '[status_page.services]\npayments = ["Checkout"]\n'.encode(), Path("team.toml"))


async def test_C_names_the_components_and_their_state_and_the_p0_page_shows_it(db_file, tmp_path):
    await seed(db_file, severity="P0", service="payments")
    app = make_app(db_file, clock=Clock(at(5)), actor="carol", clipboard=[], config=team(tmp_path / "site"))
    async with app.run_test(size=(100, 36)) as pilot:
        await settle(pilot)
        await act(pilot, "C")
        assert isinstance(app.screen, Ask) and "Which components" in app.screen.question
        await pilot.press(*"login, API", "enter")
        await settle(pilot)
        assert isinstance(app.screen, Ask) and "state on the page" in app.screen.question
        await pilot.press(*["backspace"] * 4, *"partial", "enter")
        await settle(pilot)
        assert app.state.components == ("Login", "API") and app.state.component_state == "partial outage"
        assert app.state.hat_of("carol") == "communicator"
        await until(pilot, lambda: "Login, API: partial outage" in str(app.main_screen.query_one("#page").content),
                    "the communicator's pane says it")

        def shown() -> dict:
            page = tmp_path / "site" / "status.json"
            return {c["name"]: c["state"] for c in json.loads(page.read_text())["components"]} if page.exists() else {}

        await until(pilot, lambda: shown().get("Login") == "partial outage", "the page republished by itself")
        assert shown() == {"Checkout": "operational", "Login": "partial outage", "API": "partial outage"}
    [(role, payload)] = db_rows(db_file, "SELECT role, payload FROM event WHERE kind = 'components set'")
    assert role == "communicator" and json.loads(payload) == {"components": ["Login", "API"], "state": "partial outage"}


async def test_C_with_no_components_in_the_config_says_so_and_writes_nothing(db_file):
    await seed(db_file)
    app = make_app(db_file, clock=Clock(at(5)), actor="carol", clipboard=[])
    async with app.run_test(size=(100, 36)) as pilot:
        await settle(pilot)
        await act(pilot, "C")
        assert not isinstance(app.screen, Ask)
    assert db_rows(db_file, "SELECT count(*) FROM event WHERE kind = 'components set'") == [(0,)]


async def test_a_component_or_state_the_page_does_not_know_is_asked_again_at_once_with_what_was_typed(db_file, tmp_path):
    """'Payments' is not one of the config's: said under the question it was typed into, with the
    text kept to mend, and not only after the state was asked too (when all was thrown away)."""
    await seed(db_file, severity="P1", service="payments")
    app = make_app(db_file, clock=Clock(at(5)), actor="carol", clipboard=[], config=team(tmp_path / "site"))
    async with app.run_test(size=(100, 36)) as pilot:
        await settle(pilot)
        await act(pilot, "C")
        await pilot.press(*"login, Payments", "enter")
        await settle(pilot)
        assert isinstance(app.screen, Ask) and "Which components" in app.screen.question
        assert "✗ no component 'Payments' in the config: it names Checkout, Login, API" in app.screen.question
        assert app.screen.first_field().value == "login, Payments"
        await pilot.press(*["backspace"] * len("Payments"), *"api", "enter")
        await settle(pilot)
        assert isinstance(app.screen, Ask) and "state on the page" in app.screen.question
        await pilot.press("ctrl+u", *"sideways", "enter")
        await settle(pilot)
        assert isinstance(app.screen, Ask) and "✗ no component state 'sideways'" in app.screen.question
        await pilot.press("ctrl+u", *"degraded", "enter")
        await settle(pilot)
        assert app.screen is app.main_screen
        assert app.state.components == ("Login", "API") and app.state.component_state == "degraded"
    assert db_rows(db_file, "SELECT count(*) FROM event WHERE kind = 'components set'") == [(1,)]
