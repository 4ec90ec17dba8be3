"""Layout snapshots of the real console, with a fixed clock and size. Behaviour is tested elsewhere."""

import asyncio

import pytest
from helpers import Clock, at, seed

from warroom.console.launch import make_app
from warroom.domain import actions
from warroom.domain.model import EFFECTIVE, PULLED

STORY = (
    (actions.set_lever, "alice", 2, 1, PULLED),
    (actions.set_lever, "alice", 4, 1, EFFECTIVE),
    (actions.note, "alice", 5, "error rate back under 1% [after flag off]"),
    (actions.wear_hat, "bob", 6, "investigator"),
    (actions.report_finding, "bob", 7, "401s began with deploy 142: token format changed"),
    (actions.wear_hat, "carol", 8, "communicator"),
)


def console(db_file, minute: float, actor: str = "alice", story=STORY):
    asyncio.run(seed(db_file, *story))
    return make_app(db_file, clock=Clock(at(minute)), actor=actor)


@pytest.mark.parametrize("size", [(80, 24), (60, 20), (160, 48)])
@pytest.mark.parametrize("actor", ["alice", "bob", "carol"])  # commander, investigator, communicator
def test_layout_for_each_hat_with_a_message_due_and_deadlines_overdue(snap_compare, db_file, size, actor):
    """17 minutes in: the client notice and the manager's call are overdue. What each shows is
    asserted as text by tests/console/test_console.py (the short-screen test); this is the picture."""
    assert snap_compare(console(db_file, 17, actor), terminal_size=size)


def test_narrow_terminal_stacks_the_panes(snap_compare, db_file):
    assert snap_compare(console(db_file, 9), terminal_size=(60, 36))


def test_runbook_beside_the_levers_in_the_high_contrast_theme(snap_compare, db_file):
    from pathlib import Path

    from warroom.config import parse

    config = parse(b'theme = "high-contrast"\n[runbooks.checkout]\n'
                   b'feature_flag = { flag = "new_jwt", command = "flagctl set new_jwt off --env prod" }\n'
                   b'deploy_rollback = "kubectl -n shop rollout undo deployment/checkout"\n', Path("team.toml"))
    asyncio.run(seed(db_file, *STORY, service="checkout"))
    app = make_app(db_file, clock=Clock(at(9)), actor="alice", config=config)
    assert snap_compare(app, terminal_size=(120, 32))


def test_help_at_80x24_scrolls(snap_compare, db_file):
    assert snap_compare(console(db_file, 9), terminal_size=(80, 24), press=["question_mark"])


def test_the_sent_question_at_80x24_shows_the_whole_text(snap_compare, db_file):
    asyncio.run(seed(db_file, *STORY, (actions.notify, "carol", 8.5, "manager", "Dana (EM), Sam (PM)")))
    app = make_app(db_file, clock=Clock(at(9)), actor="carol", clipboard=[("the test board", lambda text: True)])

    async def copy(pilot):
        await pilot.press("y")
        timeline = pilot.app.main_screen.query_one("#timeline")
        for _ in range(500):  # the question is up and the copy is on the timeline behind it
            await pilot.pause(0.01)
            if type(pilot.app.screen).__name__ == "Confirm" and "copied the client notice" in timeline.lines[-1]:
                break
        await pilot.wait_for_scheduled_animations()
        await pilot.pause()
        await pilot.pause()

    assert snap_compare(app, terminal_size=(80, 24), run_before=copy)
