"""The same warroom on PostgreSQL (issue 15): every subcommand and the console, with
`WARROOM_DB` (or `--db`) a postgresql:// address on the tests' throwaway cluster."""

import json

import pytest
from helpers import Clock, at, everything, run_cli
from helpers.console import settle

from warroom.console.launch import make_app
from warroom.store import open_store


def test_the_command_line_runs_on_a_server(postgres_cluster):
    url = postgres_cluster.url()
    env = {"WARROOM_DB": url}
    declared = run_cli("declare", "Login fails [401]", "--impact", "every user", now=at(0), env=env)
    assert declared.returncode == 0 and declared.stdout.startswith("INC-1 declared: P1 Login fails [401]")
    assert run_cli("log", "rolled back 142", now=at(3), env=env).returncode == 0
    assert run_cli("list", now=at(4), env=env).stdout.startswith("INC-1")
    assert "rolled back 142" in run_cli("show", now=at(4), env=env).stdout
    assert run_cli("status", now=at(4), env=env).stdout.startswith("INC-1 P1")
    exported = json.loads(run_cli("export", "--format", "json", now=at(4), env=env).stdout)
    assert [e["kind"] for e in exported["events"]] == ["declared", "note"]
    other = postgres_cluster.url()  # the export goes into another database on the server, whole
    source = run_cli("export", "--format", "json", now=at(4), env=env).stdout
    imported = run_cli("import", "-", now=at(5), env={"WARROOM_DB": other}, stdin=source)
    assert imported.returncode == 0 and "2 events" in imported.stdout


def test_a_server_that_is_not_there_is_one_line_exit_2_and_no_password(tmp_path):
    url = f"postgresql://alice:s3cret@/warroom?host={tmp_path}"  # no server listens in this folder
    for args in (["list"], ["declare", "x"], ["status"]):
        done = run_cli(*args, now=at(0), env={"WARROOM_DB": url})
        assert done.returncode == 2 and "Traceback" not in done.stderr, args
        assert "cannot connect" in done.stderr and "s3cret" not in done.stderr + done.stdout, args
        assert len(done.stderr.strip().splitlines()) == 1
    bar = run_cli("status", "--tmux", now=at(0), env={"WARROOM_DB": url})
    assert bar.returncode == 2 and "server unreachable" in bar.stdout and "s3cret" not in bar.stdout


def console_on_a_server(cluster):
    """A new database on the cluster with INC-1 declared, and alice's console on it."""
    url = cluster.url()
    assert run_cli("declare", "Login fails", "--impact", "every user", now=at(0), env={"WARROOM_DB": url}).returncode == 0
    return url, make_app(url, clock=Clock(at(5)), actor="alice", clipboard=[])


async def test_the_console_works_an_incident_on_a_server(postgres_cluster):
    url, app = console_on_a_server(postgres_cluster)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert app.code == "INC-1" and app.state.title == "Login fails"
        await pilot.press("i")
        await settle(pilot)
        assert app.state.hat_of("alice") == "investigator"
    store = await open_store(url)
    try:
        last = (await store.events("INC-1"))[-1]
        assert (last.kind, last.payload.get("hat")) == ("hat worn", "investigator")
    finally:
        await store.close()


async def test_a_commit_on_the_server_wakes_a_listening_console(postgres_cluster):
    """LISTEN/NOTIFY: the console stops asking twice a second and is woken by the commit."""
    from helpers.console import until

    from warroom.domain.model import Event

    url, app = console_on_a_server(postgres_cluster)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await until(pilot, lambda: app._listening, "the console to listen")
        assert app._follow_timer is None  # no asking
        other = await open_store(url)
        try:
            await other.append([Event("INC-1", at(6), "bob", "investigator", "note", {"text": "from bob's laptop"})])
        finally:
            await other.close()
        await until(pilot, lambda: app.state.events[-1].payload.get("text") == "from bob's laptop", "the note to arrive", 5)
        assert "from bob's laptop" in app.main_screen.query_one("#timeline").lines[-1]


async def test_notifications_say_when_anyone_commits(postgres_cluster):
    import asyncio

    from warroom.domain import actions

    url = postgres_cluster.url()
    listening = await open_store(url)
    writer = await open_store(url)
    try:
        woken = listening.notifications()
        await asyncio.wait_for(woken.__anext__(), 5)  # LISTEN is in place: catch up on what came before
        first = asyncio.ensure_future(woken.__anext__())
        await asyncio.sleep(0.3)
        assert not first.done()  # nothing committed since
        await writer.declare(actions.declare("bob", at(0), "Checkout slow", "P2", impact="buyers"))
        await asyncio.wait_for(first, 5)
        await woken.aclose()
    finally:
        await listening.close()
        await writer.close()


WRITER = """
import asyncio, sys
from datetime import datetime, timezone
from warroom.domain.model import Event
from warroom.store import open_store

async def main(url, name):
    store = await open_store(url)
    try:
        for n in range(100):
            await store.append([Event("INC-1", datetime.now(timezone.utc), name, "commander", "note", {"text": f"{name} {n}"})])
            print(n, flush=True)  # acknowledged: committed
    finally:
        await store.close()

asyncio.run(main(sys.argv[1], sys.argv[2]))
"""


async def test_four_processes_of_a_hundred_writes_keep_all_four_hundred_and_kill_9_loses_nothing_acknowledged(postgres_cluster):
    import os
    import signal
    import subprocess
    import sys

    url, _ = console_on_a_server(postgres_cluster)
    writers = [subprocess.Popen([sys.executable, "-c", WRITER, url, f"w{n}"], stdout=subprocess.PIPE, text=True) for n in range(4)]
    victim = subprocess.Popen([sys.executable, "-c", WRITER, url, "victim"], stdout=subprocess.PIPE, text=True)
    acknowledged = [victim.stdout.readline() for _ in range(20)]  # 20 commits acknowledged, then kill -9
    os.kill(victim.pid, signal.SIGKILL)
    victim.wait()
    assert all(w.wait(timeout=120) == 0 for w in writers)
    store = await open_store(url)
    try:
        texts = [e.payload["text"] for e in await store.events("INC-1") if e.kind == "note"]
        opened = await store.opening("INC-1")
    finally:
        await store.close()
    kept = {t for t in texts if not t.startswith("victim")}
    assert kept == {f"w{w} {n}" for w in range(4) for n in range(100)} and len(texts) == len(set(texts))
    assert {f"victim {int(line)}" for line in acknowledged} <= set(texts)  # every acknowledged write is there
    assert opened.state.count == 1 + len(texts)  # and the summary agrees with the log


async def test_the_server_restarted_under_an_open_console(tmp_path):
    """The server goes away: the console says so at the top, refuses writes with a clear message
    (nothing shown as done that was not committed), and when the server is back it catches up on
    what was written meanwhile and saves again. A cluster of its own, restarted for real."""
    from helpers.console import until
    from helpers.postgres import Cluster

    from warroom.domain.model import Event

    cluster = Cluster()
    try:
        url, app = console_on_a_server(cluster)
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            await until(pilot, lambda: app._listening and app.state.declared, "the console to listen")
            strip = app.main_screen.query_one("#strip")
            cluster.halt()
            await until(pilot, lambda: app.away, "the console to see the server go", 15)
            await until(pilot, lambda: "SERVER AWAY" in str(strip.content), "the top to say so")
            await pilot.press("n")  # a note: refused before anything is asked
            await settle(pilot)
            assert len(app.screen_stack) == 1
            assert any("nothing can be saved until it is back" in n.message for n in app._notifications)
            saved = await app.commit([Event("INC-1", at(6), "alice", "commander", "note", {"text": "while away"})])
            await pilot.pause()
            assert saved is False and any(n.message.startswith("NOT SAVED:") for n in app._notifications)
            assert all(e.payload.get("text") != "while away" for e in app.state.events)

            cluster.start()
            other = await open_store(url)
            try:
                await other.append([Event("INC-1", at(7), "bob", "investigator", "note", {"text": "written meanwhile"})])
            finally:
                await other.close()
            await until(pilot, lambda: not app.away and app.state.events[-1].payload.get("text") == "written meanwhile",
                        "the console to reconnect and catch up", 20)
            assert "SERVER AWAY" not in str(strip.content)
            await pilot.press("i")
            await until(pilot, lambda: app.state.hat_of("alice") == "investigator", "a write once it is back")
        store = await open_store(url)
        try:
            kinds = [(e.kind, e.payload.get("text")) for e in await store.events("INC-1")]
        finally:
            await store.close()
        assert ("note", "while away") not in kinds and kinds[-2:] == [("note", "written meanwhile"), ("hat worn", None)]
    finally:
        cluster.stop()


async def test_a_connection_lost_at_the_commit_is_said_to_be_unsure_and_the_next_write_reconnects(postgres_cluster):
    """The server cut the connection as COMMIT was sent: the store cannot know whether it was
    made, says so (never "saved"), and the next write goes through on a new connection."""
    from warroom.domain.model import Event
    from warroom.store import CommitUnknown

    url = postgres_cluster.url()
    assert run_cli("declare", "Login fails", "--impact", "every user", now=at(0), env={"WARROOM_DB": url}).returncode == 0
    store, killer = await open_store(url), await open_store(url)
    try:
        asked = store._ask

        async def cut_at_commit(sql, args):
            if sql == "COMMIT":
                pid = store._conn.info.backend_pid
                await killer._fetch("SELECT pg_terminate_backend(?)", pid)
            return await asked(sql, args)

        store._ask = cut_at_commit
        with pytest.raises(CommitUnknown, match="may have been saved"):
            await store.append([Event("INC-1", at(1), "alice", "commander", "note", {"text": "lost with the line"})])
        store._ask = asked
        await store.append([Event("INC-1", at(2), "alice", "commander", "note", {"text": "after"})])
        texts = [e.payload.get("text") for e in await killer.events("INC-1")]
        assert texts[-1] == "after" and "lost with the line" not in texts  # here the server had not made it
    finally:
        await store.close()
        await killer.close()


def test_copy_moves_every_incident_to_a_server_and_back_losslessly_and_again_adds_nothing(postgres_cluster, tmp_path):
    source, back = tmp_path / "laptop.db", tmp_path / "back.db"
    on_file = {"WARROOM_DB": str(source)}
    assert run_cli("demo", "--no-console", now=at(0), env=on_file).returncode == 0
    assert run_cli("declare", "Odd [b]text[/b] 🔥 \x1b[31m", "--impact", "x" * 300, now=at(1), env=on_file).returncode == 0
    assert run_cli("log", "a note with 'quotes' and ünïcödé", now=at(2), env=on_file).returncode == 0
    url = postgres_cluster.url()

    first = run_cli("copy", "--to", url, now=at(3), env=on_file)
    assert first.returncode == 0, first.stderr
    assert first.stdout.strip().splitlines()[-1].startswith("copied ") and "2 incidents" in first.stdout
    original = everything(source)
    assert everything(url) == original and len(original) == 2

    again = run_cli("copy", "--to", url, now=at(3), env=on_file)
    assert again.returncode == 0 and "copied 0 events of 0 incidents" in again.stdout and "2 there already" in again.stdout
    assert everything(url) == original

    assert run_cli("log", "written after the copy", now=at(4), env=on_file).returncode == 0
    newer = run_cli("copy", "--to", url, now=at(5), env=on_file)
    assert newer.returncode == 0 and "1 event copied" in newer.stdout and "the newer 1 of" in newer.stdout
    assert everything(url) == everything(source)

    home = run_cli("--db", url, "copy", "--to", str(back), now=at(6))  # and back to a file
    assert home.returncode == 0, home.stderr
    assert everything(back) == everything(source)
    assert run_cli("--db", str(back), "status", now=at(6)).stdout == run_cli("status", now=at(6), env=on_file).stdout


def test_copy_refuses_what_it_cannot_do_in_one_line_exit_2(postgres_cluster, tmp_path):
    source = tmp_path / "laptop.db"
    on_file = {"WARROOM_DB": str(source)}
    missing = run_cli("copy", "--to", str(tmp_path / "x.db"), env=on_file)
    assert missing.returncode == 2 and "no database here" in missing.stderr and not (tmp_path / "x.db").exists()
    assert run_cli("declare", "Login fails", now=at(0), env=on_file).returncode == 0
    before = everything(source)
    for to in (str(source), str(tmp_path), f"postgresql://alice:s3cret@/nowhere?host={tmp_path}"):
        done = run_cli("copy", "--to", to, now=at(1), env=on_file)
        assert done.returncode == 2 and len(done.stderr.strip().splitlines()) == 1, (to, done.stderr)
        assert "Traceback" not in done.stderr and "s3cret" not in done.stderr + done.stdout
    assert everything(source) == before

    url = postgres_cluster.url()  # the same incident there went another way: refused, nothing of it written
    assert run_cli("copy", "--to", url, now=at(1), env=on_file).returncode == 0
    assert run_cli("log", "only on the server", now=at(2), env={"WARROOM_DB": url}).returncode == 0
    assert run_cli("log", "only on the laptop", now=at(2), env=on_file).returncode == 0
    split = run_cli("copy", "--to", url, now=at(3), env=on_file)
    assert split.returncode == 2 and "went different ways" in split.stderr
    assert "only on the laptop" not in str(everything(url))


@pytest.mark.e2e
def test_two_installed_consoles_in_tmux_on_a_server_see_each_other(postgres_cluster):
    """alice and bob, each in a tmux pane of their own, on the same server: real keys, and what
    the other did shows up (woken by NOTIFY, not by a shared file)."""
    from helpers import T0
    from helpers.tmux import two_consoles_see_each_other

    url = postgres_cluster.url()
    assert run_cli("declare", "Login fails with 401", "--severity", "P1", now=T0, env={"WARROOM_DB": url}).returncode == 0
    alice, bob = two_consoles_see_each_other(url, at(5).isoformat())
    try:
        bob.keys("c")  # alice holds the commander hat: bob is asked first, and says yes
        bob.wait_for("alice wears the commander hat")
        bob.keys("Enter")
        alice.wait_for("commander bob")
        assert "commander alice" not in alice.screen()
    finally:
        alice.close()
        bob.close()
