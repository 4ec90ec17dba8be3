"""Nothing crafted gets in (issue 13): one schema for every event, on every way in, and a
database that already holds a bad event still opens. Each reproduction failed before."""

import json

import pytest
from helpers import T0, at, db_rows, raw_sqlite, run_cli, seed

from warroom.domain.model import Event
from warroom.domain.schema import SchemaError

OSC = "\u001b]52;c;cHduZWQ=\u0007\u001b]0;PWNED\u0007"


def export_of(db_file, tmp_path, *extra_steps):
    assert run_cli("declare", "Login fails", "--impact", "logins", now=T0).returncode == 0
    assert run_cli("log", "first note", now=at(1)).returncode == 0
    data = json.loads(run_cli("export", "--format", "json", now=at(2)).stdout)
    db_file.unlink()
    for suffix in ("-wal", "-shm"):
        db_file.with_name(db_file.name + suffix).unlink(missing_ok=True)
    return data


def declared(data):
    return data["events"][0]["payload"]


@pytest.mark.parametrize("name, change, message", [
    ("severity with OSC 52 and OSC 0", lambda d: declared(d).update(severity="P1" + OSC), "severity: invalid enum value"),
    ("severity with a tmux format", lambda d: declared(d).update(severity="#[fg=red,bg=blue,blink]#{pane_current_path}"),
     "severity: invalid enum value"),
    ("severity with HTML and a heading", lambda d: declared(d).update(severity="P1\n\n<script>alert(1)</script>\n\n## Injected"),
     "severity: invalid enum value"),
    ("title a number", lambda d: declared(d).update(title=12345), "title: expected `str`, got `int`"),
    ("title null", lambda d: declared(d).update(title=None), "title: expected `str`, got `null`"),
    ("severity a list", lambda d: declared(d).update(severity=["P1"]), "severity: expected `str`, got `array`"),
    ("impact a list", lambda d: declared(d).update(impact=["all"]), "impact: expected `str`, got `array`"),
    ("service an object", lambda d: declared(d).update(service={"a": 1}), "service: expected `str`, got `object`"),
    ("detected without offset", lambda d: declared(d).update(detected="2026-11-27T03:00:00"), "detected: expected `datetime` with a timezone"),
    ("detected in 9999", lambda d: declared(d).update(detected="9999-01-01T00:00:00+00:00"), "detected: after the event itself"),
    ("an unknown field", lambda d: declared(d).update(extra=1), "unknown field `extra`"),
    ("a note's text a number", lambda d: d["events"][1]["payload"].update(text=7), "text: expected `str`, got `int`"),
    ("a lever state with escapes", lambda d: d["events"].append(
        {**d["events"][1], "kind": "lever changed", "payload": {"lever": 1, "name": "flag", "state": "pulled" + OSC, "was": "untried"}}),
     "state: invalid enum value"),
    ("a lever state with a pipe", lambda d: d["events"].append(
        {**d["events"][1], "kind": "lever changed", "payload": {"lever": 1, "name": "flag", "state": "a | b | c", "was": "untried"}}),
     "state: invalid enum value"),
    ("a message that is a number", lambda d: d["events"].append(
        {**d["events"][1], "role": "communicator", "kind": "communication sent", "payload": {"template": "client notice", "text": 5}}),
     "text: expected `str`, got `int`"),
    ("an event in the future", lambda d: d["events"][1].update(at="2999-01-01T00:00:00+00:00"), "events[1].at: in the future"),
])
def test_a_crafted_export_is_refused_and_nothing_is_written(db_file, tmp_path, name, change, message):
    data = export_of(db_file, tmp_path)
    change(data)
    path = tmp_path / "crafted.json"
    path.write_text(json.dumps(data))
    done = run_cli("import", str(path))
    assert done.returncode == 2, done.stderr
    assert message in done.stderr and done.stderr.count("\n") == 1 and "\x1b" not in done.stderr
    assert not db_file.exists()  # checked whole before the database is touched


def test_a_name_too_long_to_import_is_refused_when_writing_too(db_file):
    """A 300-character WARROOM_NAME was accepted when writing and its export then refused."""
    assert run_cli("declare", "x", now=T0).returncode == 0
    for args in (["log", "a note", "--as", "investigator"], ["declare", "y"]):
        done = run_cli(*args, env={"WARROOM_NAME": "n" * 300}, now=at(1))
        assert done.returncode == 2 and "actor: 300 characters; at most 200" in done.stderr, done.stderr
    assert len(db_rows(db_file)) == 1


def test_every_event_the_actions_make_fits_the_schema_and_imports_again(db_file, tmp_path):
    assert run_cli("demo", "--no-console", now=at(60)).returncode == 0
    exported = run_cli("export", "--format", "json", now=at(61)).stdout
    path = tmp_path / "demo.json"
    path.write_text(exported)
    other = tmp_path / "other.db"
    assert run_cli("import", str(path), "--db", str(other), now=at(62)).returncode == 0
    again = run_cli("export", "--format", "json", "--db", str(other), now=at(63)).stdout
    strip = lambda text: [{k: v for k, v in e.items() if k != "id"} for e in json.loads(text)["events"]]  # noqa: E731
    assert strip(again) == strip(exported)


def test_the_store_refuses_an_event_outside_its_schema(db_file):
    import asyncio

    from warroom.store import Store

    async def write():
        await seed(db_file)
        store = await Store.open(db_file)
        try:
            bad = Event("INC-1", at(3), "alice", "commander", "lever changed",
                        {"lever": 9, "name": "x", "state": "pulled", "was": "untried"})
            with pytest.raises(SchemaError, match="lever: expected `int` <= 4"):
                await store.append([bad])
        finally:
            await store.close()

    asyncio.run(write())
    assert len(db_rows(db_file)) == 1


def raw_insert(db_file, kind, payload, role="commander", incident=1):
    with raw_sqlite(db_file) as raw:
        raw.execute("INSERT INTO event (incident_id, at, actor, role, kind, payload) VALUES (?, ?, ?, ?, ?, ?)",
                    (incident, at(3).isoformat(), "old-warroom", role, kind, json.dumps(payload)))
        return raw.execute("SELECT max(id) FROM event").fetchone()[0]


def test_a_database_holding_a_bad_event_still_opens_everywhere(db_file):
    """Written by an older version (or by hand): the event shows as unreadable, the fold skips it."""
    assert run_cli("declare", "Login fails", "--impact", "logins", now=T0).returncode == 0
    bad = raw_insert(db_file, "lever changed", {"lever": "one", "state": "P1" + OSC})
    note = raw_insert(db_file, "note", {"text": 12345})
    for args in (["list"], ["show"], ["status"], ["status", "--tmux"], ["export"], ["export", "--format", "json"]):
        done = run_cli(*args, now=at(4))
        assert done.returncode == 0, (args, done.stderr)
        assert "\x1b" not in done.stdout and "Traceback" not in done.stderr
    shown = run_cli("show", now=at(4)).stdout
    assert f"unreadable event #{bad}" in shown and f"unreadable event #{note}" in shown
    assert "[1] " not in shown and "1 feature flag off     untried" in shown  # the fold skipped it


def test_an_incident_whose_declaration_is_unreadable_is_listed_not_a_crash(db_file):
    assert run_cli("declare", "first", now=T0).returncode == 0
    with raw_sqlite(db_file) as raw:
        raw.execute("INSERT INTO incident (id, code, created_at) VALUES (2, 'INC-2', ?)", (at(1).isoformat(),))
    raw_insert(db_file, "declared", {"title": 12345, "severity": ["P1"], "detected": "2026-11-27T03:00:00"}, incident=2)
    listed = run_cli("list", now=at(4))
    assert listed.returncode == 0 and "INC-2" in listed.stdout and "unreadable declaration" in listed.stdout
    shown = run_cli("show", "INC-2", now=at(4))
    assert shown.returncode == 0 and "unreadable event #2" in shown.stdout


async def test_the_console_opens_on_a_database_with_a_bad_event(db_file):
    from helpers import Clock
    from helpers.console import settle

    from warroom.console.launch import make_app

    await seed(db_file, (lambda *a, **k: [], "alice", 1))
    bad = raw_insert(db_file, "finding reported", {"text": ["not", "text"]}, role="investigator")
    app = make_app(db_file, clock=Clock(at(5)), actor="alice", clipboard=[])
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert app.state.declared and bad in app.state.unreadable and app.state.findings == []
        rows = "\n".join(app.main_screen.query_one("#timeline").lines)
        assert f"unreadable event #{bad}" in rows


def test_a_tmux_format_in_a_deadline_label_is_shown_not_run(db_file, tmp_path):
    """Through a real tmux: what `status --tmux` prints, expanded as the status bar expands it."""
    import subprocess
    import uuid

    config = tmp_path / "team.toml"
    config.write_text('[severity.P1]\ndeadlines = [ { id = "x", label = "#[fg=red,bg=blue,blink]#{pane_current_path} #(id)", minutes = 15 } ]\n'
                      'no_surprises = ""\n')
    assert run_cli("declare", "x", "--config", str(config), now=T0).returncode == 0
    line = run_cli("status", "--tmux", "--config", str(config), now=at(1)).stdout.rstrip("\n")
    assert "##[fg=red,bg=blue,blink]##{pane_current_path} ##(id)" in line
    socket = f"warroom-fmt-{uuid.uuid4().hex[:8]}"
    subprocess.run(["tmux", "-L", socket, "new-session", "-d", "-s", "f"], check=True)
    try:
        shown = subprocess.run(["tmux", "-L", socket, "display-message", "-p", line], capture_output=True, text=True, check=True).stdout
    finally:
        from helpers.tmux import kill_server

        kill_server(socket)
    assert "#[fg=red,bg=blue,blink]#{pane_current_path} #(id)" in shown  # literally, nothing expanded or run


def test_bidi_overrides_are_shown_as_their_code_in_every_terminal_line():
    from warroom.domain.text import one_line, safe

    tricky = "invoice\u202eexe.pdf \u2066x\u2069"
    assert safe(tricky) == "invoice\\u202eexe.pdf \\u2066x\\u2069"
    assert one_line("right-to-left: مرحبا שלום") == "right-to-left: مرحبا שלום"  # letters stay as they are


def test_bidi_and_escapes_in_a_note_never_reach_the_cli_raw(db_file):
    assert run_cli("declare", "x\u202e[red]", "--impact", "a\u2066b", now=T0).returncode == 0
    assert run_cli("log", "n\x1b]0;PWNED\x07\u202eote", now=at(1)).returncode == 0
    for args in (["list"], ["show"], ["status"], ["export"]):
        out = run_cli(*args, now=at(2)).stdout
        assert not any(c in out for c in "\x1b\x07\u202e\u2066"), args


def _crash_log(line: str):
    import re
    from pathlib import Path

    found = re.search(r"details in (\S+\.log)\)", line)
    assert found, line
    return Path(found.group(1))


def test_an_unforeseen_cli_error_is_one_line_and_a_private_crash_log(db_file, capsys, monkeypatch):
    from warroom import cli
    from warroom.reports import terminal as report

    assert run_cli("declare", "x", now=T0).returncode == 0
    monkeypatch.setattr(report, "list_row", lambda *a: (_ for _ in ()).throw(RuntimeError("injected [red]x\x1b[0m")))
    assert cli.main(["list"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("warroom: internal error: RuntimeError: injected [red]x␛[0m (details in ")
    log = _crash_log(err)
    assert (log.stat().st_mode & 0o777, log.parent.stat().st_mode & 0o777) == (0o600, 0o700)
    assert "Traceback" in log.read_text() and "list_row" in log.read_text()


@pytest.mark.e2e
def test_an_unforeseen_console_error_is_one_line_in_the_terminal_never_a_traceback(db_file, tmp_path):
    """The installed console in tmux, with a drawing function made to fail after the first frames."""
    import sys

    from helpers.tmux import Pane

    assert run_cli("declare", "x", now=T0).returncode == 0
    script = tmp_path / "crashing.py"
    script.write_text(
        "import sys\nfrom warroom.console import views\nfrom warroom import cli\ncalls = [0]\noriginal = views.strip\n"
        "def strip(*a, **k):\n    calls[0] += 1\n    if calls[0] > 3:\n        raise RuntimeError('injected for the test')\n"
        "    return original(*a, **k)\nviews.strip = strip\nsys.exit(cli.main([]))\n")
    state = tmp_path / "state"
    pane = Pane({"WARROOM_DB": str(db_file), "WARROOM_NAME": "alice", "WARROOM_NOW": at(5).isoformat(), "TZ": "UTC",
                 "XDG_STATE_HOME": str(state)})
    try:
        pane.start_command(sys.executable, str(script))
        screen = pane.wait_for("EXITED 1")
    finally:
        pane.close()
    assert "warroom: internal error: RuntimeError: injected for the test (details in" in screen
    assert "Traceback" not in screen and "locals" not in screen
    [log] = list((state / "warroom").glob("crash-*.log"))
    assert oct(log.stat().st_mode & 0o777) == "0o600" and "injected for the test" in log.read_text()


def test_config_and_state_files_are_private(tmp_path):
    home = tmp_path / "home"
    done = run_cli("config", "--init")
    assert done.returncode == 0, done.stderr
    config = home / "config" / "warroom" / "config.toml"
    assert (config.stat().st_mode & 0o777, config.parent.stat().st_mode & 0o777) == (0o600, 0o700)
    from warroom.config.environment import remember_worked, state_dir
    remember_worked(tmp_path / "x.db", "INC-1")
    [worked] = list(state_dir().glob("worked-*"))
    assert (worked.stat().st_mode & 0o777, worked.parent.stat().st_mode & 0o777) == (0o600, 0o700)


def test_a_file_with_tables_named_like_ours_is_refused_before_anything_changes(db_file):
    with raw_sqlite(db_file) as raw:
        raw.executescript("CREATE TABLE incident (x TEXT); CREATE TABLE event (y TEXT); PRAGMA user_version = 1;")
    before = db_file.read_bytes()
    for args in (["list"], ["show"], ["status"], ["declare", "x"], []):
        done = run_cli(*args)
        assert done.returncode == 2, (args, done.stderr)
        assert "not a warroom database (its tables are not warroom's)" in done.stderr and done.stderr.count("\n") == 1
        assert "no such column" not in done.stderr
    assert db_file.read_bytes() == before  # not even switched to WAL
    with raw_sqlite(db_file) as raw:
        assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "delete"


def test_an_unreadable_database_is_one_line_and_status_2(db_file):
    assert run_cli("declare", "x", now=T0).returncode == 0
    db_file.chmod(0)
    try:
        for args in (["status"], ["status", "--tmux"], ["list"], ["show"], ["log", "n"], []):  # [] is the console
            done = run_cli(*args, unprivileged=True)
            assert done.returncode == 2, (args, done.stderr)
            assert "permission denied" in done.stderr.lower() and done.stderr.count("\n") == 1, (args, done.stderr)
            assert "internal error" not in done.stderr
    finally:
        db_file.chmod(0o600)


def test_a_read_only_wal_database_in_a_read_only_folder_opens_read_only(tmp_path):
    folder = tmp_path / "archive"
    folder.mkdir()
    db = folder / "old.db"
    assert run_cli("declare", "archived incident", "--db", str(db), now=T0).returncode == 0
    assert run_cli("log", "a note", "--db", str(db), now=at(1)).returncode == 0
    for suffix in ("-wal", "-shm"):
        assert not db.with_name(db.name + suffix).exists()  # a clean close folds the WAL in
    db.chmod(0o444)
    folder.chmod(0o555)
    try:
        for args in (["--read-only", "show"], ["show"], ["list"], ["status"], ["export"]):
            done = run_cli(*args, "--db", str(db), now=at(2), unprivileged=True)
            assert done.returncode == 0, (args, done.stderr)
        assert "a note" in run_cli("show", "--db", str(db), now=at(2), unprivileged=True).stdout
        refused = run_cli("log", "x", "--db", str(db), now=at(2), unprivileged=True)
        assert refused.returncode == 2 and "read-only" in refused.stderr
    finally:
        folder.chmod(0o755)
        db.chmod(0o600)


@pytest.mark.parametrize("name, content, message", [
    ("arrays nested 5,000 deep", b"levers = " + b"[" * 5000 + b"]" * 5000, "nested too deeply"),
    ("a 5,000-character runbook key", b"[runbooks." + b"k" * 5000 + b"]\nfeature_flag = 1\n", "runbooks.kkkk"),
    ("25,000 deadlines", ("[severity.P1]\nno_surprises = \"\"\ndeadlines = [" + ",".join(
        f'{{id="d{i}",label="x",minutes=5}}' for i in range(25_000)) + "]\n").encode(),
     "severity.P1.deadlines: 25,000 deadlines; at most 50"),
    ("a file of 2 MB", b"# " + b"x" * 2_000_000 + b"\n", "a config file is at most 1,048,576"),
], ids=["nested", "long key", "many deadlines", "huge file"])
def test_a_crafted_config_is_one_short_line_and_status_2(tmp_path, name, content, message):
    path = tmp_path / "team.toml"
    path.write_bytes(content)
    done = run_cli("list", "--config", str(path))
    assert done.returncode == 2, done.stderr
    assert message in done.stderr and done.stderr.count("\n") == 1 and len(done.stderr) < 500, done.stderr[:300]
    assert "RecursionError" not in done.stderr
