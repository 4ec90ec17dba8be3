"""`warroom import FILE.json`: what `export --format json` wrote comes back exactly, once; a
malformed or hostile file is refused in one line with nothing written."""

from __future__ import annotations

import json

import pytest
from helpers import at, db_rows, raw_sqlite, run_cli


def declare_and_work(db, title="Login fails with 401 [bold]x[/] 🔥\x1b[31m"):
    env = {"WARROOM_DB": str(db)}
    assert run_cli("declare", title, "--severity", "P1", "--service", "checkout", now=at(0), env=env).returncode == 0
    assert run_cli("log", "flag auth_v2 off\nsecond line", now=at(2), env=env).returncode == 0
    assert run_cli("log", "p99 flat", "--as", "investigator", now=at(3), env=env).returncode == 0
    assert run_cli("followup", "INC-1", "add a smoke test", "--owner", "bob", now=at(4), env=env).returncode == 0


def export(db, code="INC-1") -> str:
    done = run_cli("export", code, "--format", "json", env={"WARROOM_DB": str(db)})
    assert done.returncode == 0, done.stderr
    return done.stdout


def identity(db) -> list[tuple]:
    return db_rows(db, "SELECT i.code, e.at, e.actor, e.role, e.kind, e.payload FROM event e JOIN incident i ON i.id = e.incident_id ORDER BY e.id")


def import_into(db, path, *more):
    return run_cli("import", str(path), *more, env={"WARROOM_DB": str(db)})


@pytest.fixture
def source(tmp_path):
    return tmp_path / "source.db"


@pytest.fixture
def target(tmp_path):
    return tmp_path / "target.db"


def test_round_trip_is_exact_and_a_second_import_adds_nothing(tmp_path, source, target):
    declare_and_work(source)
    path = tmp_path / "inc-1.json"
    path.write_text(export(source))
    done = import_into(target, path)
    assert (done.returncode, done.stdout) == (0, "INC-1 imported: 6 events\n")
    assert identity(target) == identity(source)
    assert json.loads(export(target)) == json.loads(export(source))
    again = import_into(target, path)
    assert (again.returncode, again.stdout) == (0, "INC-1 is here already with all 6 events: nothing imported\n")
    assert identity(target) == identity(source)


def test_an_incident_that_went_on_elsewhere_brings_only_its_new_events(tmp_path, source, target):
    declare_and_work(source)
    first = tmp_path / "first.json"
    first.write_text(export(source))
    assert import_into(target, first).returncode == 0
    run_cli("log", "rolled back", now=at(9), env={"WARROOM_DB": str(source)})
    later = tmp_path / "later.json"
    later.write_text(export(source))
    done = import_into(target, later)
    assert done.stdout == "INC-1: 1 newer event added to the 6 already here\n"
    assert identity(target) == identity(source)
    old = import_into(target, first)  # an older export of it adds nothing either
    assert old.returncode == 0 and "nothing imported" in old.stdout and len(identity(target)) == 7


def test_an_incident_that_went_another_way_here_is_refused(tmp_path, source, target):
    declare_and_work(source)
    first = tmp_path / "first.json"
    first.write_text(export(source))
    import_into(target, first)
    run_cli("log", "only here", now=at(8), env={"WARROOM_DB": str(target)})
    run_cli("log", "only there", now=at(9), env={"WARROOM_DB": str(source)})
    later = tmp_path / "later.json"
    later.write_text(export(source))
    before = identity(target)
    done = import_into(target, later)
    assert done.returncode == 2 and "went different ways; nothing imported" in done.stderr
    assert identity(target) == before


def test_a_code_taken_by_another_incident_gets_the_next_free_one(tmp_path, source, target):
    declare_and_work(source)
    path = tmp_path / "inc-1.json"
    path.write_text(export(source))
    run_cli("declare", "Something else", "--severity", "P3", now=at(1), env={"WARROOM_DB": str(target)})
    done = import_into(target, path)
    assert done.stdout == "INC-2 imported (as INC-2: INC-1 here is another incident): 6 events\n"
    declared = run_cli("declare", "A third", "--severity", "P2", env={"WARROOM_DB": str(target)})
    assert declared.stdout.startswith("INC-3 declared")
    shown = run_cli("show", "INC-2", env={"WARROOM_DB": str(target)}).stdout
    assert "Login fails with 401 [bold]x[/] 🔥␛[31m" in shown  # kept exactly, shown harmlessly


def test_standard_input_is_read_with_a_dash(source, target):
    declare_and_work(source)
    done = run_cli("import", "-", stdin=export(source), env={"WARROOM_DB": str(target)})
    assert done.returncode == 0 and done.stdout == "INC-1 imported: 6 events\n"


def valid_export() -> dict:
    return {"warroom": 1, "incident": "INC-4", "events": [
        {"id": 1, "at": "2026-11-27T03:00:00+00:00", "actor": "alice", "role": "commander", "kind": "declared",
         "payload": {"title": "x", "severity": "P1", "detected": "2026-11-27T03:00:00+00:00"}},
        {"id": 2, "at": "2026-11-27T03:01:00+00:00", "actor": "alice", "role": "commander", "kind": "lever changed",
         "payload": {"lever": 1, "name": "feature flag off", "state": "pulled", "was": "untried"}},
    ]}


def with_change(change) -> str:
    data = valid_export()
    change(data)
    return json.dumps(data)


HOSTILE = {
    "empty file": ("", "line 1, column 1: not JSON"),
    "truncated": (json.dumps(valid_export())[:-30], "not JSON"),
    "a list": ("[1, 2, 3]", "not a warroom export"),
    "another program's JSON": ('{"name": "x", "version": 3}', "not a warroom export"),
    "a newer format": (with_change(lambda d: d.update(warroom=2)), "export format 2; this warroom reads format 1"),
    "no events": (with_change(lambda d: d.update(events=[])), "at least the declaration"),
    "a code with a path in it": (with_change(lambda d: d.update(incident="../../etc")), "expected a code such as INC-7"),
    "declaration missing": (with_change(lambda d: d["events"].pop(0)), "expected the incident's declaration first"),
    "declared twice": (with_change(lambda d: d["events"].append(d["events"][0])), "and only once"),
    "unknown kind": (with_change(lambda d: d["events"][1].update(kind="drop table")), "events[1].kind: not a kind"),
    "unknown hat": (with_change(lambda d: d["events"][1].update(role="ceo")), "events[1].role: expected one of"),
    "time without offset": (with_change(lambda d: d["events"][1].update(at="2026-11-27T03:01:00")), "events[1].at: expected a time with its UTC offset"),
    "time that is not one": (with_change(lambda d: d["events"][1].update(at="yesterday")), "events[1].at: expected an ISO 8601 time"),
    "payload a list": (with_change(lambda d: d["events"][1].update(payload=[1])), "events[1].payload: expected an object"),
    "actor a number": (with_change(lambda d: d["events"][1].update(actor=7)), "events[1].actor: expected a string"),
    "lever not a number": (with_change(lambda d: d["events"][1]["payload"].update(lever="one")), "events[1].payload: lever: expected `int`, got `str`"),
    "nested deeply": (with_change(lambda d: d["events"][1]["payload"].update(x=[[[[[[[[["deep"]]]]]]]]])), "nested too deeply"),
    "a million brackets": ("[" * 1_000_000, "nested too deeply"),
    "a huge number": ('{"warroom": 1' + "1" * 5000 + "}", "not JSON"),
    "a huge text": (with_change(lambda d: d["events"][1]["payload"].update(text="x" * 200_000)), "200,000 characters; at most 100,000"),
    "not UTF-8": (b"\xff\xfe{}", "not UTF-8 text"),
}


@pytest.mark.parametrize("name", HOSTILE)
def test_a_malformed_or_hostile_file_is_refused_in_one_line_with_nothing_written(tmp_path, target, name):
    content, expected = HOSTILE[name]
    path = tmp_path / "bad.json"
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    done = import_into(target, path)
    assert done.returncode == 2, done.stdout
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr, done.stderr
    assert expected in done.stderr, done.stderr
    assert not target.exists()  # checked before the database was opened


def test_a_refused_file_leaves_an_existing_database_as_it_was(tmp_path, target):
    run_cli("declare", "mine", "--severity", "P2", env={"WARROOM_DB": str(target)})
    before = identity(target)
    path = tmp_path / "bad.json"
    path.write_text(with_change(lambda d: d["events"][1].update(kind="nonsense")))
    assert import_into(target, path).returncode == 2
    assert identity(target) == before


def test_text_warroom_itself_would_keep_is_accepted_and_lone_surrogates_are_mended(tmp_path, target):
    data = valid_export()
    data["events"].append({"at": "2026-11-27T05:01:00+02:00", "actor": "bob", "role": "commander", "kind": "note",
                           "payload": {"text": "\x1b]52;c;ZXZpbA==\x07 [red]x[/] \ud800 ‮rtl"}})
    path = tmp_path / "odd.json"
    path.write_text(json.dumps(data))  # ensure_ascii: the surrogate travels as \\ud800
    done = import_into(target, path)
    assert done.returncode == 0, done.stderr
    with raw_sqlite(target) as raw:
        at, payload = raw.execute("SELECT at, payload FROM event ORDER BY id DESC LIMIT 1").fetchone()
    assert at == "2026-11-27T03:01:00+00:00"  # stored in UTC
    assert json.loads(payload)["text"] == "\x1b]52;c;ZXZpbA==\x07 [red]x[/] \ufffd ‮rtl"
    shown = run_cli("show", "INC-4", env={"WARROOM_DB": str(target)}).stdout
    assert "\x1b" not in shown and "␛]52;c;ZXZpbA==␇ [red]x[/]" in shown


def test_a_missing_file_or_a_folder_is_one_line(tmp_path, target):
    missing = import_into(target, tmp_path / "nope.json")
    assert missing.returncode == 2 and "nope.json: cannot read it: No such file or directory" in missing.stderr
    folder = import_into(target, tmp_path)
    assert folder.returncode == 2 and "is a folder, not an export" in folder.stderr
    assert not target.exists()
