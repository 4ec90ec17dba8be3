"""The insights screen (issue 28): from the start screen (ctrl+t) and the command palette, it
shows what `warroom insights` says, for the window chosen, and closes back where it was."""

import pytest
from helpers import Clock, db_rows, seed
from helpers.console import act, settle, until
from helpers.history import NOW, generate, write

from warroom.console.insights import InsightsScreen
from warroom.console.launch import make_app
from warroom.console.start import StartScreen


def report(app) -> str:
    return str(app.screen.query_one("#report").render())


@pytest.fixture
def planted(db_file):
    resolved = [p for p in generate(400) if not p.drill and p.resolve is not None]
    write(db_file, resolved)
    return resolved


async def test_ctrl_t_on_the_start_screen_shows_the_history_and_1_2_3_choose_the_window(db_file, planted):
    before = db_rows(db_file, "SELECT count(*) FROM event")
    app = make_app(db_file, clock=Clock(NOW), actor="alice", clipboard=[])
    async with app.run_test(size=(100, 36)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, StartScreen)
        await act(pilot, "ctrl+t")
        assert isinstance(app.screen, InsightsScreen)
        recent = sum((NOW - p.detected).days < 90 for p in planted)
        await until(pilot, lambda: f"{recent} incidents, {recent} resolved" in report(app), "the last 90 days shown")
        assert "(90 days by month)" in report(app) and "time to (median, 90th percentile):" in report(app)
        await act(pilot, "3")
        await until(pilot, lambda: f"{len(planted)} incidents, {len(planted)} resolved" in report(app), "two years shown")
        assert "(two years by quarter)" in report(app) and "┤" in report(app)
        await act(pilot, "escape")
        assert isinstance(app.screen, StartScreen)
    assert db_rows(db_file, "SELECT count(*) FROM event") == before  # a read: nothing written


async def test_the_command_palette_offers_insights_in_an_incident(db_file):
    await seed(db_file)
    app = make_app(db_file, clock=Clock(NOW), actor="alice", clipboard=[])
    async with app.run_test(size=(100, 36)) as pilot:
        await settle(pilot)
        assert "Insights" in [command.title for command in app.get_system_commands(app.screen)]
        app.action_show_insights()
        await settle(pilot)
        await until(pilot, lambda: "1 incident, 0 resolved" in report(app), "the open incident counted")
        await act(pilot, "q")
        assert not isinstance(app.screen, InsightsScreen) and app.code == "INC-1"
    assert [kind for _, kind, _ in db_rows(db_file)] == ["declared"]
