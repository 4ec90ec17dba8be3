"""Migration 9 (issue 30) makes the outbox again, so that a maintenance's mail (no incident's)
can wait in it: a message waiting in a schema-8 file is still there after, same id and key, and
is still claimed in its turn."""


from helpers import at, raw_sqlite

from warroom.domain import actions
from warroom.store import Store
from warroom.store.summary import OUTBOX
from warroom.store.tables import SCHEMA_VERSION


async def test_a_waiting_message_survives_the_outbox_made_again(db_file):
    store = await Store.open(db_file)
    await store.declare(actions.declare("alice", at(0), "Checkout fails", "P1"))
    await store.close()
    with raw_sqlite(db_file) as raw:  # as warroom before migration 9 left it, with a message waiting
        for table in ("maintenance_log", "maintenance", "subscriber", "outbox"):
            raw.execute(f"DROP TABLE {table}")
        for statement in filter(str.strip, OUTBOX.split(";")):
            raw.execute(statement)
        raw.execute("INSERT INTO outbox (id, incident_id, event_id, webhook, url, topic, idempotency_key, body, created_at, "
                    "next_at) VALUES (7, 1, 1, 'chat', 'http://127.0.0.1:9/', 'declared', 'key-7', '{}', ?, ?)",
                    (at(0).isoformat(), at(0).isoformat()))
        raw.execute("PRAGMA user_version = 8")
    store = await Store.open(db_file)
    try:
        [claimed] = await store.claim(at(1))
        assert (claimed.id, claimed.key, claimed.code, claimed.incident_id, claimed.maintenance_id) == (7, "key-7", "INC-1", 1, None)
    finally:
        await store.close()
    with raw_sqlite(db_file) as raw:
        assert raw.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        columns = {row[1]: row[3] for row in raw.execute("PRAGMA table_info(outbox)")}
        assert columns["incident_id"] == 0 and "maintenance_id" in columns  # (notnull: 0)
        assert raw.execute("PRAGMA foreign_key_check").fetchall() == []
