"""Many panes, one truth: handoffs, read-only review, a database that goes away, many writers."""

import asyncio
import json
import subprocess
import sys

import pytest
from helpers import Clock, at, db_rows, run_cli, seed, warroom_exe
from helpers.console import act, settle, until

from warroom.console.dialogs import Choose, Confirm
from warroom.console.launch import make_app
from warroom.domain import actions
from warroom.store import Store, StoreError


async def test_taking_a_held_hat_asks_first_and_both_consoles_hear_of_it(db_file):
    await seed(db_file, (actions.wear_hat, "bob", 1, "investigator"))
    clock = Clock(at(5))
    alice = make_app(db_file, clock=clock, actor="alice", clipboard=[])
    bob = make_app(db_file, clock=clock, actor="bob", clipboard=[])
    async with alice.run_test(size=(120, 40)) as alice_pilot, bob.run_test(size=(120, 40)) as bob_pilot:
        await settle(alice_pilot)
        await settle(bob_pilot)
        await act(alice_pilot, "i")
        assert isinstance(alice.screen, Confirm) and "bob wears the investigator hat" in alice.screen.question
        await act(alice_pilot, "enter")
        assert alice.state.holders["investigator"] == "alice"
        # bob's console finds alice's commit itself: the file-change check, then follow()
        await until(bob_pilot, lambda: bob.state.hat_of("bob") is None, "bob's console to follow alice's handoff")
        await settle(bob_pilot)
        assert any("alice is now the investigator" in n.message for n in bob._notifications)
        assert any("You are now the investigator" in n.message for n in alice._notifications)
        assert "(taken from bob)" in bob.main_screen.query_one("#timeline").lines[-1]
    assert json.loads(db_rows(db_file)[-1][2]) == {"hat": "investigator", "from": "bob"}


async def test_two_consoles_writing_at_once_agree(db_file):
    await seed(db_file)
    clock = Clock(at(5))
    one = make_app(db_file, clock=clock, actor="alice", clipboard=[])
    two = make_app(db_file, clock=clock, actor="bob", clipboard=[])
    async with one.run_test() as p1, two.run_test() as p2:
        await settle(p1)
        await settle(p2)
        # really at once: both people type while the other's keys are still being handled
        await asyncio.gather(act(p1, "1", "n", *"alice here", "enter"), act(p2, "m", "n", *"hello from bob", "enter"))
        await until(p1, lambda: len(one.state.events) == 5 and len(two.state.events) == 5, "both consoles to follow", 15)
        await settle(p1)
        await settle(p2)
        assert [e.id for e in one.state.events] == [e.id for e in two.state.events]
        assert one.state.lever(1).state == two.state.lever(1).state == "pulled"
        assert one.main_screen.query_one("#timeline").lines == two.main_screen.query_one("#timeline").lines


async def test_read_only_shows_it_and_refuses_actions(db_file):
    await seed(db_file)
    before = db_file.read_bytes()
    app = make_app(db_file, clock=Clock(at(5)), actor="alice", clipboard=[], read_only=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert "READ-ONLY" in str(app.main_screen.query_one("#strip").render())
        await act(pilot, "1")
        await act(pilot, "n")
        assert app.state.lever(1).state == "untried" and app.screen is app.main_screen
        assert any("read-only" in n.message for n in app._notifications)
    assert len(db_rows(db_file)) == 1
    assert db_file.read_bytes() == before


async def test_a_read_only_store_refuses_appends(db_file):
    await seed(db_file)
    store = await Store.open(db_file, read_only=True)
    state = await store.load("INC-1")
    with pytest.raises(StoreError, match="read-only"):
        await store.append(actions.note(state, "alice", at(1), "x"))
    await store.close()


async def test_a_database_removed_while_open_is_said_and_the_screen_kept(db_file):
    await seed(db_file)
    app = make_app(db_file, clock=Clock(at(5)), actor="alice", clipboard=[])
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await act(pilot, "1")
        for leftover in db_file.parent.glob("warroom.db*"):
            leftover.unlink()
        await until(pilot, lambda: "NOT SAVING" in str(app.main_screen.query_one("#strip").render()),
                    "the console to notice the file is gone")
        await act(pilot, "1")
        await until(pilot, lambda: isinstance(app.screen, Choose), "the outcome question")
        await act(pilot, "e")
        await until(pilot, lambda: any("NOT SAVED" in n.message and "removed" in n.message for n in app._notifications),
                    "the NOT SAVED warning")
        assert app.state.lever(1).state == "pulled"  # what was on screen stays; nothing claims saved


def test_four_parallel_writers_keep_all_200_events(db_file):
    run_cli("declare", "x", "--severity", "P2")
    script = (
        "import subprocess, sys\n"
        "for n in range(50):\n"
        "    done = subprocess.run([sys.argv[1], 'log', f'writer {sys.argv[2]} note {n}'], capture_output=True, text=True)\n"
        "    if done.returncode != 0:\n"
        "        print(done.stderr, end='')\n"
    )
    writers = [subprocess.Popen([sys.executable, "-c", script, warroom_exe(), str(w)], stdout=subprocess.PIPE, text=True)
               for w in range(4)]
    errors = [w.communicate(timeout=300)[0] for w in writers]
    assert errors == ["", "", "", ""]  # no "database is locked", no error of any kind
    notes = [json.loads(p)["text"] for _, k, p in db_rows(db_file) if k == "note"]
    assert len(notes) == 200 and len(set(notes)) == 200


async def test_a_hat_taken_a_moment_before_is_refused_on_screen_and_shown(db_file):
    """Alice's console has not yet seen bob put on the investigator hat when she presses `i`:
    the database refuses her commit, she is told who came first, and her screen catches up."""
    await seed(db_file)
    alice = make_app(db_file, clock=Clock(at(5)), actor="alice", clipboard=[])
    async with alice.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert alice._listening and alice._follow_timer is None  # told of commits by the system, not asking
        alice.workers.cancel_group(alice, "listen")  # the moment before her console would have been told
        store = await Store.open(db_file)
        try:
            await store.append(actions.wear_hat(await store.load("INC-1"), "bob", at(4), "investigator"))
        finally:
            await store.close()
        assert "investigator" not in alice.state.holders
        await act(pilot, "i")
        assert any("NOT SAVED: bob took the investigator hat a moment before you" in n.message for n in alice._notifications)
        assert alice.state.holders["investigator"] == "bob" and alice.state.hat_of("alice") != "investigator"
    worn = [json.loads(row[2]) for row in db_rows(db_file) if row[1] == "hat worn"]
    assert worn == [{"hat": "investigator"}]  # bob's only


async def bob_wears_the_investigator_hat(db_file) -> None:
    """Another process commits: bob puts on the investigator hat."""
    store = await Store.open(db_file)
    try:
        await store.append(actions.wear_hat(await store.load("INC-1"), "bob", at(4), "investigator"))
    finally:
        await store.close()


async def test_where_the_file_cannot_be_watched_the_console_asks_and_still_sees_another_commit(db_file, monkeypatch):
    """No inotify (another system, a folder it refuses): the console asks the file on a timer."""
    from warroom.store.watch import FileWatch

    monkeypatch.setattr(FileWatch, "open", classmethod(lambda cls, path: None))
    await seed(db_file)
    alice = make_app(db_file, clock=Clock(at(5)), actor="alice", clipboard=[])
    async with alice.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert not alice._listening and alice._follow_timer is not None
        await bob_wears_the_investigator_hat(db_file)
        await until(pilot, lambda: alice.state.holders.get("investigator") == "bob", "alice's console to see bob's hat")


async def test_a_console_told_of_a_commit_sees_it_without_asking(db_file):
    await seed(db_file)
    alice = make_app(db_file, clock=Clock(at(5)), actor="alice", clipboard=[])
    async with alice.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert alice._listening and alice._follow_timer is None
        await bob_wears_the_investigator_hat(db_file)
        await until(pilot, lambda: alice.state.holders.get("investigator") == "bob", "alice's console to see bob's hat")


async def test_a_console_shows_its_own_commit_without_reading_it_back_unless_another_came_between(db_file):
    """Alice's own hat, committed right after the last event she saw, is shown from the commit
    (no read of the log); when bob committed in between and her console was not yet told, her
    next commit reads the log and shows his event too, in log order."""
    await seed(db_file)
    alice = make_app(db_file, clock=Clock(at(5)), actor="alice", clipboard=[])
    async with alice.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        alice.workers.cancel_group(alice, "listen")  # only her own keys bring news now
        reads = []
        events = alice.store.events

        async def counted(*args, **kwargs):
            reads.append(args)
            return await events(*args, **kwargs)

        alice.store.events = counted
        await act(pilot, "m")
        assert alice.state.holders["communicator"] == "alice" and reads == []
        await bob_wears_the_investigator_hat(db_file)  # bob's event takes the next id
        await act(pilot, "c")
        assert len(reads) == 1  # the gap was seen: the log was read
        assert alice.state.holders == {"commander": "alice", "investigator": "bob"}
        assert [e.id for e in alice.state.events] == sorted(e.id for e in alice.state.events)
        assert "bob" in alice.main_screen.query_one("#timeline").lines[-2]
