"""What leaves warroom stays right under hostile input (issue 23, failures 8, 11, 12, 13, 15):
the postmortem's times, the feed's characters, the public signature, passwords, the status
folder, idempotency keys across databases. Through the installed command, on real files."""

import json
import os
import xml.dom.minidom

import pytest
from helpers import T0, at, db_rows, run_cli, seed
from helpers.pages import alertmanager

from warroom.domain import actions


def config_file(tmp_path, title: str = "Acme status", extra: str = ""):
    path = tmp_path / "team.toml"
    path.write_text(f'[status_page]\nfolder = "{tmp_path / "site"}"\ntitle = {json.dumps(title)}\n' + extra)
    return path


def test_the_postmortem_gives_an_alerts_time_in_utc_like_show(db_file, tmp_path):
    page = alertmanager()
    page["alerts"][0]["startsAt"] = "2026-11-28T17:58:00+08:00"  # 09:58 UTC
    (tmp_path / "page.json").write_text(json.dumps(page))
    assert run_cli("alert", str(tmp_path / "page.json"), now=at(0).replace(day=28, hour=10)).returncode == 0
    shown = run_cli("show").stdout
    exported = run_cli("export", "--format", "md").stdout
    assert "09:58" in shown
    assert "09:58:00 UTC" in exported and "17:58:00 UTC" not in exported


async def test_the_feed_and_page_are_well_formed_whatever_the_characters(db_file, tmp_path):
    hostile = "Checkout \uffff down \ufffe <b>&"
    await seed(db_file, (actions.communicate, "alice", 4, "client notice", f"We see {hostile}", {"sent": True, "switch": True}),
               title=hostile, impact="buyers \uffff")
    done = run_cli("--config", str(config_file(tmp_path, title="Acme \uffff status")), "publish", now=at(5))
    assert done.returncode == 0, done.stderr
    feed = (tmp_path / "site" / "feed.xml").read_text(encoding="utf-8")
    xml.dom.minidom.parseString(feed.encode("utf-8"))  # raises on a character XML 1.0 forbids
    assert "\uffff" not in feed and "\ufffe" not in feed and "&lt;b&gt;" in feed
    html = (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    assert "\uffff" not in html and "\ufffe" not in html


async def test_the_public_page_signs_with_the_organisation_and_the_timeline_keeps_the_person(db_file, tmp_path):
    await seed(db_file, (actions.wear_hat, "zoe.private", 1, "communicator"),
               (actions.communicate, "zoe.private", 2, "client notice",
                "We are investigating failed logins.\n— zoe.private, incident INC-1", {"sent": True}),
               title="Login fails")
    assert run_cli("--config", str(config_file(tmp_path)), "publish", now=at(5)).returncode == 0
    everything = "".join((tmp_path / "site" / name).read_text() for name in ("index.html", "status.json", "feed.xml"))
    assert "zoe.private" not in everything and "— Acme status" in everything
    sent = [json.loads(p) for k, p in db_rows(db_file, "SELECT kind, payload FROM event ORDER BY id") if k == "communication sent"]
    assert "— zoe.private, incident INC-1" in sent[0]["text"]  # what the client was sent keeps its signature


@pytest.mark.parametrize("address", ["postgresql://u@127.0.0.1:1/warroom?password=hunter2secret",
                                     "postgresql://u:hunter2secret@[::1/warroom",
                                     "postgres://u:hunter2secret@127.0.0.1:1/warroom?sslmode=disable"])
def test_a_password_is_masked_in_every_form_by_every_command(address):
    for args in (["list"], ["status"], ["status", "--tmux"], ["show"], ["config"], ["receive", "--listen", "127.0.0.1:0"]):
        done = run_cli("--db", address, *args)
        assert "hunter2secret" not in done.stdout + done.stderr, (args, done.stdout, done.stderr)
        assert "internal error" not in done.stderr, args
    state = os.path.join(os.environ["HOME"], "state")
    for root, _, files in os.walk(state):
        for name in files:
            assert "hunter2secret" not in open(os.path.join(root, name), errors="replace").read()


def test_publish_echoes_no_raw_escape_and_makes_a_readable_folder(db_file, tmp_path):
    run_cli("declare", "Checkout fails", "--severity", "P1", now=at(0))
    folder = tmp_path / "st\x1b[31matus"
    old = os.umask(0o077)
    try:
        done = run_cli("publish", "--dir", str(folder), now=at(1))
    finally:
        os.umask(old)
    assert done.returncode == 0, done.stderr
    assert "\x1b" not in done.stdout and "␛" in done.stdout
    assert folder.stat().st_mode & 0o755 == 0o755  # a public page: the folder readable whatever the umask
    assert (folder / "index.html").stat().st_mode & 0o777 == 0o644


async def test_idempotency_keys_differ_between_two_databases_with_the_same_incident(tmp_path):
    from warroom.config import parse
    from warroom.integrations.webhooks import announcer
    from warroom.store import Store

    config = parse(b'[[webhooks]]\nname = "chat"\nurl = "http://127.0.0.1:9/x"\n', tmp_path / "c.toml")
    keys = []
    for name in ("one.db", "two.db"):
        store = await Store.open(tmp_path / name)
        try:
            store.announcer = announcer(config.webhooks, store.database_id)
            await store.declare(actions.declare("alice", T0, "Checkout fails", "P1"))
        finally:
            await store.close()
        keys += [k for (k,) in db_rows(tmp_path / name, "SELECT idempotency_key FROM outbox")]
    assert len(keys) == 2 and keys[0] != keys[1]
    assert all("-INC-1-1-chat" in k for k in keys)
