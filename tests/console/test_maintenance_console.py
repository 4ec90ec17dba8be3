"""The start screen says when a maintenance runs (issue 30): its alerts open no incident, so
the person on call, looking at a console with nothing open, must see why nothing opened."""

from helpers import Clock, at
from helpers.console import settle, until
from textual.widgets import Static

from warroom.console.launch import make_app
from warroom.domain.maintenance import plan
from warroom.store import Store


async def schedule(db_file, start: float, end: float) -> None:
    store = await Store.open(db_file)
    try:
        kept = await store.schedule(plan(0, "Database upgrade", at(start).isoformat(), at(end).isoformat(), ["API"],
                                         ("Checkout", "API"), at(0), "alice"))
        await store.maintenance_said(kept.number, at(1), "alertmanager", "alert held back, no incident opened: P1 x")
    finally:
        await store.close()


async def test_a_running_maintenance_is_on_the_start_screen_with_the_alerts_it_held_back(db_file):
    await schedule(db_file, 0.5, 60)
    app = make_app(db_file, clock=Clock(at(2)), actor="alice", clipboard=[])
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await until(pilot, lambda: bool(app.screen.query("#maintenance")), "the maintenance line")
        shown = str(app.screen.query_one("#maintenance", Static).content)
        assert shown == ("⚠ maintenance MW-1 running until 04:00 UTC on API: its alerts open no incident "
                         "(1 held back; warroom maintenance --show MW-1)")


async def test_one_not_running_yet_is_not_there(db_file):
    await schedule(db_file, 30, 60)
    app = make_app(db_file, clock=Clock(at(2)), actor="alice", clipboard=[])
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert await app.maintenance_now() == "" and not app.screen.query("#maintenance")


async def test_the_line_comes_when_one_starts_and_goes_when_it_ends_while_the_screen_waits(db_file):
    """Read again every 15 s while nothing is declared (here asked at once: the clock is the test's)."""
    await schedule(db_file, 30, 60)
    clock = Clock(at(2))
    app = make_app(db_file, clock=clock, actor="alice", clipboard=[])
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        start = app.screen
        assert not start.query("#maintenance")
        clock.advance(minutes=29)  # at(31): running
        await start.show_maintenance()
        await pilot.pause()
        assert "running until 04:00 UTC" in str(start.query_one("#maintenance", Static).content)
        clock.advance(minutes=30)  # at(61): over
        await start.show_maintenance()
        await pilot.pause()
        assert not start.query("#maintenance")
        assert start.MAINTENANCE_SECONDS == 15.0 and any(t.name == "maintenance" for t in start._timers)
