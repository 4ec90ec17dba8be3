"""Follow-ups tracked to done (issue 28), through the installed command, on a SQLite file and on
the tests' PostgreSQL server: codes, the list, closing, reopening, reassigning, the status
line's overdue count, the team's hook, and codes through a copy and an upgrade."""

from __future__ import annotations

import asyncio
import csv
import io
import json
import os
import stat

import pytest
from helpers import as_the_first_schema_wrote_it, at, db_rows, raw_sqlite, run_cli, seed

from warroom.domain import actions, followups
from warroom.store import open_store

DAY = 24 * 60  # minutes; the clock of these tests starts at T0, 2026-11-27 03:00 UTC


def cli(backend, *args, minutes: float = 10, env: dict | None = None):
    return run_cli(*args, now=at(minutes), env={"WARROOM_DB": str(backend), **(env or {})})


def resolve(backend, code: str, minutes: float) -> None:
    """The incident resolved (with a reason for what the practice wanted first), as a console would."""
    async def write() -> None:
        store = await open_store(backend)
        try:
            state = await store.load(code)
            await store.append(actions.resolve(state, "alice", at(minutes), override="resolved for this test", switch=True))
        finally:
            await store.close()

    asyncio.run(write())


def listed(backend, *args, minutes: float = 10) -> list[dict]:
    done = cli(backend, "followups", "--format", "json", *args, minutes=minutes)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_follow_ups_get_codes_and_are_closed_reopened_and_reassigned(backend):
    assert cli(backend, "declare", "Login fails", "--severity", "P2", minutes=0).returncode == 0
    assert cli(backend, "declare", "Checkout slow", "--severity", "P3", minutes=1).returncode == 0
    first = cli(backend, "followup", "INC-1", "add a token-compatibility smoke test", "--owner", "bob", "--due", "2026-11-28")
    second = cli(backend, "followup", "INC-2", "alert on p99 latency", "--owner", "carol", "--due", "7d")
    third = cli(backend, "followup", "INC-1", "document the rollback", minutes=11)
    assert [done.stdout.split()[:2] for done in (first, second, third)] == [["F-1", "INC-1"], ["F-2", "INC-2"], ["F-3", "INC-1"]]
    assert "follow-up for alice: document the rollback" in third.stdout  # the owner is you unless named

    # two days on: F-1 is overdue; the newest incident's come first, open before done
    rows = listed(backend, minutes=2 * DAY)
    assert [(r["code"], r["incident"], r["state"], r["overdue"], r["owner"], r["due"]) for r in rows] == [
        ("F-2", "INC-2", "open", False, "carol", "2026-12-04"),
        ("F-1", "INC-1", "open", True, "bob", "2026-11-28"),
        ("F-3", "INC-1", "open", False, "alice", ""),
    ]
    text = cli(backend, "followups", minutes=2 * DAY).stdout.splitlines()
    assert text[1].split()[:3] == ["F-1", "OVERDUE", "due"] and "add a token-compatibility smoke test" in text[1]

    closed = cli(backend, "followup", "F-1", "--done", "--note", "runs on every deploy", "--link", "https://git.example/pr/88",
                 minutes=2 * DAY)
    assert closed.returncode == 0, closed.stderr
    assert closed.stdout.startswith("F-1 INC-1 ") and "follow-up F-1 done — runs on every deploy · https://git.example/pr/88" in closed.stdout
    again = cli(backend, "followup", "F-1", "--done", minutes=2 * DAY)
    assert again.returncode == 2 and "closed already" in again.stderr
    assert cli(backend, "followup", "F-3", "--owner", "dave", "--due", "2026-12-01", minutes=2 * DAY).returncode == 0
    rows = listed(backend, minutes=2 * DAY)
    assert [(r["code"], r["state"], r["owner"], r["link"]) for r in rows] == [
        ("F-2", "open", "carol", ""), ("F-3", "open", "dave", ""), ("F-1", "done", "bob", "https://git.example/pr/88")]
    assert rows[2]["done"] == at(2 * DAY).isoformat()

    assert cli(backend, "followup", "F-1", "--reopen", "--reason", "the test is flaky", minutes=3 * DAY).returncode == 0
    assert [r["code"] for r in listed(backend, "--overdue", minutes=3 * DAY)] == ["F-1"]
    assert [r["code"] for r in listed(backend, "--owner", "DAVE", minutes=3 * DAY)] == ["F-3"]
    assert [r["code"] for r in listed(backend, "--incident", "inc-1", "--open", minutes=3 * DAY)] == ["F-1", "F-3"]

    shown = cli(backend, "show", "INC-1", minutes=3 * DAY).stdout
    assert "F-1    OVERDUE: bob, due 2026-11-28: add a token-compatibility smoke test · https://git.example/pr/88" in shown
    assert "follow-up F-1 reopened — the test is flaky" in shown
    assert "follow-up F-3: owner dave, due 2026-12-01" in shown  # (INC-1's second: named as people type it, not "#2")
    exported = cli(backend, "export", "INC-1", "--format", "md", minutes=3 * DAY).stdout
    assert "follow-up F-3: owner dave, due 2026-12-01" in exported and "#2" not in exported


def test_the_list_as_csv_and_when_there_is_none(backend):
    assert cli(backend, "declare", "Login fails", "--severity", "P2", minutes=0).returncode == 0
    assert cli(backend, "followups").stdout.startswith("no follow-ups yet")
    assert cli(backend, "followup", "INC-1", "=HYPERLINK(\"x\")", "--owner", "bob").returncode == 0
    assert cli(backend, "followups", "--overdue").stdout == "no follow-ups match\n"
    rows = list(csv.reader(io.StringIO(cli(backend, "followups", "--format", "csv").stdout)))
    assert rows[0] == ["code", "incident", "state", "overdue", "text", "owner", "due", "added", "done", "link", "title"]
    assert rows[1][:7] == ["F-1", "INC-1", "open", "false", "'=HYPERLINK(\"x\")", "bob", ""]  # never a formula in a spreadsheet


@pytest.mark.parametrize("args, says", [
    (["followup", "F-1", "--done", "--reopen"], "not both"),
    (["followup", "F-1", "new text"], "stays as it was written"),
    (["followup", "F-1"], "what should happen"),
    (["followup", "F-1", "--note", "x"], "--note goes with --done"),
    (["followup", "F-1", "--done", "--owner", "x"], "on its own"),
    (["followup", "F-9", "--done"], "there is no follow-up F-9"),
    (["followup", "INC-1", "x", "--due", "next Friday"], "is not a date"),
    (["followup", "INC-1", "x", "--due", "2026-02-30"], "is not a date"),
    (["followup", "INC-1", "x", "--due", "2025-11-28"], "the due date 2025-11-28 is past"),
    (["followup", "F-1", "--due", "2026-11-26"], "is past"),
    (["followup", "INC-1", "x", "--reopen"], "give its code"),
    (["followup", "F-1", "--owner", "bob"], "nothing to change"),
    (["followup", "F-1", "--link", "a\nb"], "one line"),
])
def test_bad_input_is_one_line_exit_2_and_nothing_written(db_file, args, says):
    assert cli(db_file, "declare", "Login fails", "--severity", "P2", minutes=0).returncode == 0
    assert cli(db_file, "followup", "INC-1", "x", "--owner", "bob").returncode == 0
    before = db_rows(db_file)
    done = cli(db_file, *args)
    assert done.returncode == 2 and says in done.stderr and done.stderr.count("\n") == 1, done.stderr
    assert db_rows(db_file) == before


def test_the_status_line_counts_overdue_follow_ups_when_no_incident_is_open(backend):
    assert cli(backend, "declare", "Login fails", "--severity", "P2", minutes=0).returncode == 0
    assert cli(backend, "followup", "INC-1", "a", "--due", "2026-11-28").returncode == 0
    assert cli(backend, "followup", "INC-1", "b", "--due", "2026-11-29").returncode == 0
    assert cli(backend, "followup", "INC-1", "c").returncode == 0  # no due date: never overdue
    resolve(backend, "INC-1", 20)
    assert cli(backend, "status", "--tmux", minutes=DAY).stdout == ""  # nothing is overdue yet: nothing shown
    assert cli(backend, "status", "--tmux", minutes=2 * DAY).stdout == "#[fg=yellow]1 follow-up overdue (warroom followups)#[default]\n"
    three_days = cli(backend, "status", "--tmux", minutes=3 * DAY, env={"NO_COLOR": "1"})
    assert three_days.stdout == "2 follow-ups overdue (warroom followups)\n"
    assert cli(backend, "status", minutes=3 * DAY).stdout == "no open incident; 2 follow-ups overdue\n"
    assert cli(backend, "followup", "F-1", "--done", minutes=3 * DAY).returncode == 0  # closed: not counted
    assert cli(backend, "status", "--tmux", minutes=3 * DAY, env={"NO_COLOR": "1"}).stdout == "1 follow-up overdue (warroom followups)\n"
    # closing one of a resolved incident takes no hat: the war room is over
    assert [kind for _, kind, _ in db_rows_of(backend)[-2:]] == ["resolved", "follow-up done"]


def test_overdue_is_counted_in_the_local_day_of_the_person_asking(db_file):
    """In UTC−8 a follow-up due on the 28th is not overdue at 01:00 UTC on the 29th (17:00 on the
    28th there), as the list and the status line both say; at their midnight it is."""
    pacific = {"TZ": "America/Los_Angeles", "NO_COLOR": "1"}
    assert cli(db_file, "declare", "Login fails", "--severity", "P2", minutes=0).returncode == 0
    assert cli(db_file, "followup", "INC-1", "a smoke test", "--due", "2026-11-28").returncode == 0
    resolve(db_file, "INC-1", 20)
    evening = DAY + 22 * 60  # 2026-11-29 01:00 UTC
    assert cli(db_file, "status", "--tmux", minutes=evening, env=pacific).stdout == ""
    assert cli(db_file, "status", "--tmux", minutes=evening, env={"NO_COLOR": "1"}).stdout == "1 follow-up overdue (warroom followups)\n"
    assert cli(db_file, "followups", "--overdue", "--format", "json", minutes=evening, env=pacific).stdout.strip() == "[]"
    midnight = 2 * DAY + 5 * 60  # 2026-11-29 08:00 UTC
    listed = json.loads(cli(db_file, "followups", "--overdue", "--format", "json", minutes=midnight, env=pacific).stdout)
    assert [(row["code"], row["overdue"]) for row in listed] == [("F-1", True)]


def db_rows_of(backend) -> list[tuple]:
    async def read() -> list[tuple]:
        store = await open_store(backend, read_only=True)
        try:
            return [(e.role, e.kind, dict(e.payload)) for e in await store.events("INC-1")]
        finally:
            await store.close()

    return asyncio.run(read())


def test_a_drills_follow_ups_are_neither_listed_nor_counted(db_file):
    async def write() -> None:
        store = await open_store(db_file)
        try:
            declared = await store.declare(actions.declare("alice", at(0), "practice", "P2", drill="jwt-outage"))
            state = await store.load(declared.incident)
            await store.append(followups.add(state, "alice", at(1), "practice follow-up", "bob", due="2026-11-27"))
            state = await store.load(declared.incident)
            await store.append(actions.resolve(state, "alice", at(2), override="resolved for this test"))
        finally:
            await store.close()

    asyncio.run(write())
    assert cli(db_file, "followups", minutes=3 * DAY).stdout.startswith("no follow-ups yet")
    assert cli(db_file, "status", "--tmux", minutes=3 * DAY).stdout == ""


def test_codes_survive_a_copy_and_an_older_database_gets_them_when_opened(tmp_path):
    old = tmp_path / "old.db"
    assert cli(old, "declare", "Login fails", "--severity", "P2", minutes=0).returncode == 0
    assert cli(old, "followup", "INC-1", "first", "--due", "2026-11-28").returncode == 0
    assert cli(old, "followup", "INC-1", "second").returncode == 0
    with raw_sqlite(old) as raw:  # as warroom before follow-up codes left it
        raw.execute("DROP TABLE followup")
        for table in ("maintenance_log", "maintenance", "subscriber"):  # (migration 9)
            raw.execute(f"DROP TABLE {table}")
        raw.execute("PRAGMA user_version = 7")
    assert [r["code"] for r in listed(old, minutes=2 * DAY)] == ["F-1", "F-2"]  # the migration numbered them, in order
    assert listed(old, minutes=2 * DAY)[0]["overdue"] is True

    other = tmp_path / "other.db"  # a database with follow-ups of its own: the copies get its next codes
    assert cli(other, "declare", "Disk full", "--severity", "P3", minutes=0).returncode == 0
    assert cli(other, "followup", "INC-1", "alert on disk").returncode == 0
    copied = run_cli("copy", "--to", str(other), now=at(20), env={"WARROOM_DB": str(old)})
    assert copied.returncode == 0, copied.stderr
    rows = listed(other)
    assert sorted((r["code"], r["incident"], r["text"]) for r in rows) == [
        ("F-1", "INC-1", "alert on disk"), ("F-2", "INC-2", "first"), ("F-3", "INC-2", "second")]
    assert cli(other, "followup", "F-3", "--done").returncode == 0
    assert [r["state"] for r in listed(other) if r["code"] == "F-3"] == ["done"]


def test_a_first_schema_database_lists_its_follow_ups_after_the_upgrade(db_file):
    asyncio.run(seed(db_file, (followups.add, "alice", 5, "add a smoke test", "bob")))
    as_the_first_schema_wrote_it(db_file)
    assert [(r["code"], r["text"]) for r in listed(db_file)] == [("F-1", "add a smoke test")]


FAKE_GH = """#!/bin/sh
for argument in "$@"; do printf '%s\\0' "$argument"; done > "$GH_ARGS"
echo "Creating issue in team/repo"
echo "https://github.com/team/repo/issues/42"
"""


def _config(tmp_path, create: str, timeout: float = 5) -> str:
    path = tmp_path / "hook.toml"
    path.write_text(f"[followups]\ncreate = {json.dumps(create)}\ntimeout = {timeout}\n")
    return str(path)


def _program(tmp_path, name: str, script: str) -> dict:
    folder = tmp_path / "bin"
    folder.mkdir(exist_ok=True)
    program = folder / name
    program.write_text(script)
    program.chmod(program.stat().st_mode | stat.S_IXUSR)
    return {"PATH": f"{folder}{os.pathsep}{os.environ['PATH']}", "GH_ARGS": str(tmp_path / "gh-args")}


def test_the_hook_files_each_new_follow_up_with_its_words_as_arguments(tmp_path, db_file):
    env = {**_program(tmp_path, "gh", FAKE_GH), "WARROOM_CONFIG": _config(tmp_path, "gh issue create --title {title} --body {body} "
                                                                               "--assignee {owner} --label {code}")}
    assert cli(db_file, "declare", "Login fails", "--severity", "P2", minutes=0, env=env).returncode == 0
    hostile = 'add $(touch pwned) "smoke"; test `id` \'x\''
    done = cli(db_file, "followup", "INC-1", hostile, "--owner", "bob", "--due", "2026-12-04", env=env)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("F-1 INC-1") and "F-1: filed at https://github.com/team/repo/issues/42" in done.stderr
    received = (tmp_path / "gh-args").read_text().split("\0")[:-1]
    assert received == ["issue", "create", "--title", hostile, "--body",
                        f"{hostile}\n\nA follow-up of INC-1 (Login fails), owned by bob, due 2026-12-04. In warroom: F-1.",
                        "--assignee", "bob", "--label", "F-1"]
    assert not (tmp_path / "pwned").exists() and not any(tmp_path.glob("**/pwned"))
    assert listed(db_file)[0]["link"] == "https://github.com/team/repo/issues/42"
    kinds = [(role, kind) for role, kind, _ in db_rows(db_file)]
    assert kinds[-1] == ("commander", "follow-up changed")
    assert db_rows(db_file, "SELECT actor FROM event ORDER BY id DESC LIMIT 1") == [("warroom",)]
    # closing it, reopening it: no second issue is filed
    (tmp_path / "gh-args").unlink()
    assert cli(db_file, "followup", "F-1", "--done", env=env).returncode == 0
    assert not (tmp_path / "gh-args").exists()


@pytest.mark.parametrize("script, says", [
    ("#!/bin/sh\necho 'gh: not logged in' >&2\nexit 4\n", "its hook failed: it exited with status 4: gh: not logged in"),
    ("#!/bin/sh\nsleep 30\n", "its hook failed: it did not finish in 0.5s and was stopped"),
    ("#!/bin/sh\necho done\n", "the follow-up hook ran, and printed no link"),
])
def test_a_hook_that_fails_or_hangs_leaves_the_follow_up_written_and_says_so(tmp_path, db_file, script, says):
    env = {**_program(tmp_path, "gh", script), "WARROOM_CONFIG": _config(tmp_path, "gh issue create --title {title}", timeout=0.5)}
    assert cli(db_file, "declare", "Login fails", "--severity", "P2", minutes=0, env=env).returncode == 0
    done = cli(db_file, "followup", "INC-1", "add a smoke test", env=env)
    assert done.returncode == 0 and done.stdout.startswith("F-1 INC-1")
    assert says in done.stderr and len(done.stderr.strip().splitlines()) == 1, done.stderr
    assert [(r["code"], r["link"]) for r in listed(db_file)] == [("F-1", "")]


@pytest.mark.parametrize("create, says", [
    ("gh issue create --title {name}", "unknown placeholder {name}"),
    ("gh issue create --title {title", "{placeholders} in braces"),
])
def test_a_hook_with_an_unknown_placeholder_is_a_config_error(tmp_path, db_file, create, says):
    done = cli(db_file, "declare", "x", env={"WARROOM_CONFIG": _config(tmp_path, create)})
    assert done.returncode == 2 and says in done.stderr and not db_file.exists()


@pytest.mark.e2e
def test_two_installed_consoles_in_tmux_one_closes_a_follow_up_and_the_other_shows_it_closed(backend):
    from helpers.tmux import Pane

    assert cli(backend, "declare", "Login fails", "--severity", "P1", minutes=0).returncode == 0
    assert cli(backend, "followup", "INC-1", "add a token-compatibility smoke test", "--owner", "bob").returncode == 0
    env = {"WARROOM_DB": str(backend), "WARROOM_NOW": at(10).isoformat(), "TZ": "UTC"}
    alice, bob = Pane({**env, "WARROOM_NAME": "alice"}, size=(80, 24)), Pane({**env, "WARROOM_NAME": "bob"}, size=(80, 24))
    try:
        alice.start()
        bob.start()
        alice.wait_for("F-1 ○ bob: add a token-compatibility smoke test")
        bob.wait_for("F-1 ○ bob: add a token-compatibility smoke test")
        alice.keys("O")  # the only one: not asked which
        alice.wait_for("close it: what was done")
        alice.keys("c")
        alice.wait_for("Close F-1")
        alice.type("runs on every deploy")
        alice.keys("Enter")
        bob.wait_for("F-1 ✔ bob: add a token-compatibility smoke test")
        alice.wait_for("follow-ups: 0 open, 1 done")
        events = db_rows_of(backend)
        assert (events[-1][1], events[-1][2]) == ("follow-up done", {"followup": 1, "note": "runs on every deploy"})
        for pane in (alice, bob):
            pane.keys("C-q")
            pane.wait_for("EXITED 0")
    finally:
        alice.close()
        bob.close()
