"""The installed `warroom` command, run as a subprocess the way a person or a script runs it."""

import json
import sqlite3

import pytest
from helpers import T0, at, db_rows, raw_sqlite, run_cli

from warroom.domain import actions
from warroom.store import Store


def event_count(path) -> int:
    if not path.exists():
        return 0
    with raw_sqlite(path) as raw:
        return raw.execute("SELECT count(*) FROM event").fetchone()[0]


def declare(*extra, title="Login fails with 401", severity="P1", now=T0):
    done = run_cli("declare", title, "--severity", severity, *extra, now=now)
    assert done.returncode == 0, done.stderr
    return done


def test_declare_log_show_and_list(db_file):
    done = declare("--detected", "4m", "--impact-started", "8m", now=at(4))
    assert done.stdout.strip() == "INC-1 declared: P1 Login fails with 401"
    logged = run_cli("log", "flag auth_v2 turned off", now=at(6))
    assert logged.returncode == 0, logged.stderr
    assert "flag auth_v2 turned off" in logged.stdout and "T+06:00" in logged.stdout
    shown = run_cli("show", now=at(7))
    assert "INC-1 P1 investigating: Login fails with 401" in shown.stdout
    assert "figures: detect 4 min" in shown.stdout
    assert "commander    alice        flag auth_v2 turned off" in shown.stdout
    listed = run_cli("list", now=at(7))
    assert listed.stdout.split()[:3] == ["INC-1", "P1", "investigating"]
    assert event_count(db_file) == 2


def test_log_as_another_hat_switches_and_records_both(db_file):
    declare()
    done = run_cli("log", "p99 is flat", "--as", "investigator", now=at(2))
    assert done.returncode == 0
    # said, as the console shows it (it was silent: the person's console had changed hats)
    assert done.stderr == "alice now wears the investigator hat on INC-1 (on its timeline)\n"
    assert done.stdout.startswith("INC-1 ") and "p99 is flat" in done.stdout
    again = run_cli("log", "still flat", now=at(3))  # the hat worn already: nothing to say
    assert again.returncode == 0 and again.stderr == ""
    with raw_sqlite(db_file) as raw:
        rows = raw.execute("SELECT role, kind FROM event ORDER BY id").fetchall()
    assert rows == [("commander", "declared"), ("investigator", "hat worn"), ("investigator", "note"), ("investigator", "note")]


def test_export_json_holds_every_event_exactly():
    declare(title="[bold]x[/] 🔥")
    run_cli("log", "second", now=at(1))
    done = run_cli("export", "INC-1", "--format", "json")
    data = json.loads(done.stdout)
    assert data["incident"] == "INC-1" and data["title"] == "[bold]x[/] 🔥"
    assert [e["kind"] for e in data["events"]] == ["declared", "note"]
    assert data["events"][1]["payload"] == {"text": "second"}


def test_db_flag_and_env_choose_the_file(tmp_path, db_file):
    other = tmp_path / "other.db"
    assert run_cli("--db", str(other), "declare", "x", "--severity", "P2").returncode == 0
    assert run_cli("declare", "y", "--severity", "P2", "--db", str(other)).returncode == 0
    assert event_count(other) == 2 and event_count(db_file) == 0


def test_the_default_database_lives_in_the_user_data_folder(tmp_path):
    done = run_cli("declare", "x", "--severity", "P3", env={"WARROOM_DB": ""})
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "home" / "data" / "warroom" / "warroom.db").exists()


@pytest.mark.parametrize("args, message", [
    (["declare", "x", "--severity", "P7"], "unknown severity"),
    (["declare", "x", "--severity", "high"], "unknown severity"),
    (["declare", "", "--severity", "P1"], "title is empty"),
    (["declare", "   ", "--severity", "P1"], "title is empty"),
    (["declare", "x" * 10_001, "--severity", "P1"], "at most 10,000"),
    (["declare", "x", "--severity", "P1", "--detected", "yesterday-ish"], "cannot read the time"),
    (["declare", "x", "--severity", "P1", "--impact-started", "soon"], "cannot read the time"),
    (["declare", "x", "--severity", "P1", "--detected", "2099-01-01T00:00"], "in the future"),
    (["declare", "x", "--impact", "logins\nand more"], "impact is one line"),
    (["declare", "x", "--impact", "x" * 1_001], "at most 1,000"),
    (["frobnicate"], "invalid choice"),
    (["log", "x", "--as", "janitor"], "unknown hat"),
    (["log", ""], "note is empty"),
    (["show", "INC-99"], "no incident INC-99"),
    (["export", "INC-99"], "no incident INC-99"),
    (["export", "--format", "pdf"], "invalid choice"),
    # words a shell split: the note's text is one argument (the code first, as `show` takes it)
    (["log", "rolled", "back", "web", "--as", "commander"], 'one quoted text: warroom log "rolled back web"'),
    (["log", "INC-1", "rolled back web"], 'to write on INC-1: warroom log --incident INC-1 "rolled back web"'),
    (["declare", "Checkout", "500s", "--severity", "P2"], 'one quoted text: warroom declare "Checkout 500s"'),
    (["followup", "INC-1", "add", "a", "smoke", "test"], 'one quoted text: warroom followup INC-1 "add a smoke test"'),
    (["log", "x", "--frobnicate"], "unrecognized arguments: --frobnicate"),
])
def test_bad_input_is_one_line_status_2_and_nothing_written(db_file, args, message):
    declare()
    before = event_count(db_file)
    done = run_cli(*args)
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and done.stderr.startswith("warroom: error: ")
    assert message in done.stderr
    assert "Traceback" not in done.stderr
    assert event_count(db_file) == before


def test_commands_that_read_refuse_a_missing_database_without_creating_it(db_file):
    for args in (["show"], ["log", "x"], ["export"], ["list"], ["status"], ["followup", "INC-1", "x", "--owner", "b"]):
        done = run_cli(*args)
        assert done.returncode == 2 and f"{db_file}: no database here (nothing was declared in it yet" in done.stderr, args
        assert done.stderr.count("\n") == 1
    assert not db_file.exists()


def test_a_typo_in_the_database_path_is_not_all_quiet(tmp_path):
    """`warroom --db /no/such/dir/x.db list` once said "no incidents yet"."""
    missing = tmp_path / "no" / "such" / "dir" / "x.db"
    done = run_cli("--db", str(missing), "list")
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr == f"warroom: error: {missing}: no database here (its folder does not exist either; check --db or WARROOM_DB)\n"
    assert not missing.parent.exists()


def test_declare_defaults_to_p1_as_the_start_screen_does(db_file):
    done = run_cli("declare", "Checkout 500s", "--impact", "checkout for every shopper")
    assert (done.returncode, done.stdout) == (0, "INC-1 declared: P1 Checkout 500s\n")
    payload = json.loads(db_rows(db_file)[0][2])
    assert payload["severity"] == "P1" and payload["impact"] == "checkout for every shopper"


async def test_with_every_incident_resolved_log_needs_a_code(db_file):
    declare()
    store = await Store.open(db_file)
    await store.append(actions.resolve(await store.load("INC-1"), "alice", at(30), override="false alarm"))
    await store.close()
    done = run_cli("log", "late note")
    assert done.returncode == 2 and "no open incident" in done.stderr
    assert run_cli("log", "late note", "--incident", "inc-1").returncode == 0
    assert event_count(db_file) == 5  # declared, two rules set aside (the path, containment), resolved, the note


@pytest.mark.parametrize("content, message", [
    (b"not a database at all, just text" * 4, "not a warroom database"),
    (b"SQLite format 3\x00" + b"\xff" * 4000, "not a warroom database"),
])
def test_a_broken_database_is_refused_with_one_line(db_file, content, message):
    db_file.write_bytes(content)
    for args in (["list"], ["declare", "x", "--severity", "P1"]):
        done = run_cli(*args)
        assert done.returncode == 2, done.stdout
        assert message in done.stderr and done.stderr.count("\n") == 1
    assert db_file.read_bytes() == content


def test_a_newer_database_is_refused(db_file):
    declare()
    with raw_sqlite(db_file) as raw:
        raw.execute("PRAGMA user_version = 99")
    done = run_cli("list")
    assert done.returncode == 2 and "newer warroom" in done.stderr


def test_an_unwritable_path_is_refused(tmp_path):
    (tmp_path / "file").write_text("x")
    done = run_cli("--db", str(tmp_path / "file" / "w.db"), "declare", "x", "--severity", "P1")
    assert done.returncode == 2 and "cannot create the database" in done.stderr


def test_a_locked_database_is_a_clear_error_after_a_wait(db_file):
    declare()
    holder = sqlite3.connect(db_file, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        done = run_cli("log", "blocked")
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert done.returncode == 2 and "locked by another process" in done.stderr
    assert event_count(db_file) == 1


def test_hostile_text_never_reaches_the_terminal_raw():
    title = "\x1b]0;pwned\x07\x1b[2J[red]boom[/red] 🔥 שלום"
    declare(title=title)
    run_cli("log", "move \x1b[10;10H cursor\nsecond line")
    for args in (["list"], ["show"], ["status"]):
        out = run_cli(*args).stdout
        assert "\x1b" not in out and "\x07" not in out
        assert "[red]boom[/red]" in out or args == ["status"]
    shown = run_cli("show").stdout
    assert "␛]0;pwned␇" in shown and "שלום" in shown and "move ␛[10;10H cursor ⏎ second line" in shown


def test_version_and_help_have_examples():
    assert run_cli("--version").stdout.startswith("warroom ")
    assert "examples:" in run_cli("--help").stdout
    for command in ("declare", "log", "list", "show", "export", "followup", "demo", "status", "import", "config"):
        assert "example" in run_cli(command, "--help").stdout, command
