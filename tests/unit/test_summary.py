"""The summary beside the log (issue 14): written with its events, rebuilt from the log when
missing or of another fold, equal to a fold of the whole log, and what `list` reads."""


import msgspec
from helpers import T0, as_the_first_schema_wrote_it, at, raw_sqlite, run_cli

from warroom.domain import actions
from warroom.domain.incident import fold
from warroom.drills.demo import write_demo
from warroom.service import Service
from warroom.store import SCHEMA_VERSION, Store, summary


def stored(db_file) -> dict[str, tuple]:
    with raw_sqlite(db_file) as raw:
        rows = raw.execute("SELECT i.code, s.* FROM summary s JOIN incident i ON i.id = s.incident_id").fetchall()
    return {row[0]: row[1:] for row in rows}


async def folded_from_the_log(db_file) -> dict:
    store = await Store.open(db_file, read_only=True)
    try:
        return {row.code: msgspec.structs.replace(await store.load(row.code), events=[]) for row in await store.incidents()}
    finally:
        await store.close()


async def a_few_incidents(db_file):
    store = await Store.open(db_file)
    await write_demo(Service(store, None, lambda: at(60)), at(60))
    await store.declare(actions.declare("alice", at(61), "second [fire]", "P0", service="checkout", impact="all buyers"))
    state = await store.load("INC-2")
    await store.append(actions.set_lever(state, "alice", at(62), 1, "pulled"))
    await store.append(actions.set_lever(await store.load("INC-2"), "alice", at(63), 1, "effective"))
    await store.append(actions.change_severity(await store.load("INC-2"), "alice", at(64), "P1"))
    await store.close()


async def test_each_summary_equals_a_fold_of_its_whole_log(db_file):
    await a_few_incidents(db_file)
    rows = stored(db_file)
    expected = await folded_from_the_log(db_file)
    assert set(rows) == {"INC-1", "INC-2"}
    for code, state in expected.items():
        version, last_id, title, severity, status, service, impact, detected, resolved, raw, searched = rows[code][1:]
        assert summary.decode(raw) == state  # folded bit by bit as events came == folded at once
        assert (title, severity, status, service, impact, last_id) == (
            state.title, state.severity, state.status, state.service, state.impact, state.last_id)
        assert searched == f"{code} {state.title} {state.service}".casefold()
    assert rows["INC-2"][4:7] == ("P1", "contained", "checkout")


async def test_summaries_missing_or_of_another_fold_are_rebuilt_from_the_log(db_file):
    await a_few_incidents(db_file)
    before = stored(db_file)
    with raw_sqlite(db_file) as raw:
        raw.execute("DELETE FROM summary WHERE incident_id = 1")
        raw.execute("UPDATE summary SET fold_version = 0, title = 'stale', state = 'not json' WHERE incident_id = 2")
    store = await Store.open(db_file)  # opening rebuilds what is missing or stale
    await store.close()
    assert stored(db_file) == before


async def test_events_written_without_a_summary_are_caught_up(db_file):
    """An older warroom (or a raw insert) wrote events and no summary: list still says so."""
    await a_few_incidents(db_file)
    with raw_sqlite(db_file) as raw:
        raw.execute("INSERT INTO event (incident_id, at, actor, role, kind, payload) VALUES "
                    "(2, ?, 'old', 'commander', 'resolved', '{}')", (at(70).isoformat(),))
    read_only = await Store.open(db_file, read_only=True)
    assert [(s.code, s.status) for s in await read_only.summaries()] == [("INC-2", "resolved"), ("INC-1", "resolved")]
    await read_only.close()
    assert stored(db_file)["INC-2"][5] == "contained"  # read-only wrote nothing
    assert "INC-2    P1  resolved" in run_cli("list", now=at(71)).stdout
    assert stored(db_file)["INC-2"][5] == "resolved"  # a writable open caught it up


async def test_a_database_from_before_summaries_migrates_and_reads_read_only(db_file):
    await a_few_incidents(db_file)
    as_the_first_schema_wrote_it(db_file)  # as warroom wrote it before summaries
    read_only = await Store.open(db_file, read_only=True)
    assert [s.code for s in await read_only.summaries()] == ["INC-2", "INC-1"]
    await read_only.close()
    store = await Store.open(db_file)
    await store.close()
    assert set(stored(db_file)) == {"INC-1", "INC-2"}
    with raw_sqlite(db_file) as raw:
        assert raw.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert raw.execute("SELECT count(*) FROM page_group").fetchone()[0] == 0  # (made by migration 4)
        assert raw.execute("SELECT count(*) FROM outbox").fetchone()[0] == 0  # (and 5)
        [(database_id,)] = raw.execute("SELECT value FROM warroom_meta WHERE key = 'database_id'").fetchall()  # (and 6)
        assert len(database_id) == 16


def test_list_reads_summaries_not_logs(db_file):
    assert run_cli("declare", "first", "--impact", "x", now=T0).returncode == 0
    with raw_sqlite(db_file) as raw:  # a log list could not read: only the summary can answer
        raw.execute("UPDATE summary SET title = 'from the summary'")
    assert "from the summary" in run_cli("list", now=at(1)).stdout


def test_a_lever_renamed_in_the_config_shows_in_a_state_from_a_summary():
    state = fold([])
    raw = summary.encode(state)
    named = summary.decode(raw, ("flag", "rollback", "migration", "data"))
    assert [lever.name for lever in named.levers] == ["flag", "rollback", "migration", "data"]


async def test_find_in_sql_gives_what_a_fold_of_every_log_gives(db_file):
    """The picker's search: one query on fresh summaries; the same answer from the logs when a
    summary is behind (a hand-made event), any case, accents included."""
    store = await Store.open(db_file)
    titles = ["Ärger beim Login", "checkout down", "Login fails", "payments slow", "LOGIN again"]
    for n, title in enumerate(titles):
        await store.declare(actions.declare("alice", at(n), title, "P2", service="auth" if n % 2 else "shop"))
    await store.append(actions.resolve(await store.load("INC-3"), "alice", at(30), override="a duplicate of another"))
    asked = ["", "login", "ÄRGER", "inc-2", "AUTH", "nothing like it", "  shop "]
    fresh = {text: await store.find(text, limit=3) for text in asked}
    await store.close()
    assert [s.code for s in fresh["login"][0]] == ["INC-5", "INC-1", "INC-3"] and fresh["login"][1] == 3
    assert [s.code for s in fresh["ÄRGER"][0]] == ["INC-1"]  # Python's case folding, not ASCII's
    assert fresh[""][1] == 5 and [s.code for s in fresh[""][0]] == ["INC-5", "INC-4", "INC-2"]  # open first, newest first
    assert fresh["nothing like it"] == ([], 0)
    with raw_sqlite(db_file) as raw:  # a summary behind its log: the search folds the logs instead
        raw.execute("UPDATE summary SET last_id = 0 WHERE incident_id = 1")
    read_only = await Store.open(db_file, read_only=True)
    behind = {text: await read_only.find(text, limit=3) for text in asked}
    await read_only.close()
    codes = lambda found: ([s.code for s in found[0]], found[1])  # noqa: E731
    assert {t: codes(f) for t, f in behind.items()} == {t: codes(f) for t, f in fresh.items()}


async def test_a_database_of_schema_2_gains_the_search_column_and_its_summaries_are_rebuilt(db_file):
    await a_few_incidents(db_file)
    with raw_sqlite(db_file) as raw:  # as the warroom before this one left it
        for index in ("event_investigation", "event_declared", "summary_order", "summary_search", "summary_fold"):
            raw.execute(f"DROP INDEX {index}")
        raw.execute("ALTER TABLE summary DROP COLUMN searched")
        raw.execute("DROP TABLE page_group")
        raw.execute("DROP TABLE outbox")
        raw.execute("DROP TABLE warroom_meta")
        raw.execute("DROP TABLE followup")
        for table in ("maintenance_log", "maintenance", "subscriber"):  # (migration 9)
            raw.execute(f"DROP TABLE {table}")
        raw.execute("UPDATE summary SET fold_version = 1")
        raw.execute("PRAGMA user_version = 2")
    store = await Store.open(db_file)
    found, count = await store.find("CHECKOUT")
    await store.close()
    assert [s.code for s in found] == ["INC-2"] and count == 1
    assert stored(db_file)["INC-2"][-1] == "inc-2 second [fire] checkout"
