"""Email subscribers of the status page (issue 30): a real SMTP server on 127.0.0.1 (aiosmtpd,
started here) receives one mail per subscriber per public update, only for the components each
asked for; the unsubscribe link, served by the real `warroom receive`, works once; an address
added twice gets one mail; no address is ever on the page or in a feed."""

from __future__ import annotations

import asyncio
import urllib.request
from pathlib import Path

import pytest
from helpers import at, db_rows, run_cli
from helpers.mail import Mailbox, free_port
from helpers.pages import Receiver, fetch, wait_until

from warroom.domain import actions
from warroom.store import open_store

CONFIG = """[status_page]
folder = "{site}"
title = "Acme status"
components = ["Checkout", "Login", "API"]
smtp = "{smtp}"
from = "status@acme.example"
answer_url = "http://127.0.0.1:{port}"
url = "https://status.acme.example"
[status_page.services]
payments = ["Checkout", "API"]
"""


@pytest.fixture
def mailbox():
    box = Mailbox()
    yield box
    box.stop()


def setup(tmp_path: Path, mailbox: Mailbox) -> tuple[dict, int]:
    port = free_port()
    path = tmp_path / "team.toml"
    path.write_text(CONFIG.format(site=tmp_path / "site", smtp=mailbox.url, port=port))
    return {"WARROOM_CONFIG": str(path)}, port


def say(db_file, code: str, minutes: float, template: str, text: str) -> None:
    """A public message recorded as sent (as the communicator's y does)."""
    async def go() -> None:
        store = await open_store(db_file)
        try:
            state = await store.load(code)
            await store.append(actions.communicate(state, "carol", at(minutes), template, text, sent=True, switch=True,
                                                   override="told by phone"))
        finally:
            await store.close()

    asyncio.run(go())


def to(mailbox: Mailbox) -> list[str]:
    return sorted(rcpt for _, rcpts in mailbox.envelopes for rcpt in rcpts)


def test_one_mail_per_subscriber_per_update_for_their_components_and_the_link_unsubscribes_once(db_file, tmp_path, mailbox):
    env, port = setup(tmp_path, mailbox)
    assert run_cli("subscribers", "add", "ann@example.com", now=at(0), env=env).stdout.startswith("subscribed ann@example.com")
    again = run_cli("subscribers", "add", "Ann@Example.com", now=at(0), env=env)
    assert again.returncode == 0 and again.stdout.startswith("already subscribed")
    assert run_cli("subscribers", "add", "bo@example.com", "--component", "login", now=at(0), env=env).returncode == 0
    assert run_cli("subscribers", "add", "cy@example.com", "--component", "API", now=at(0), env=env).returncode == 0
    assert db_rows(db_file, "SELECT count(*) FROM subscriber") == [(3,)]

    assert run_cli("declare", "Payments down", "--severity", "P0", "--service", "payments", "--impact", "card payments",
                   now=at(1), env=env).returncode == 0  # published by itself: no public update yet, no mail
    assert mailbox.envelopes == []
    say(db_file, "INC-1", 5, "client notice", "Card payments fail since 03:00 UTC. Next update by 03:30.")
    assert run_cli("publish", now=at(6), env=env).returncode == 0
    assert to(mailbox) == ["ann@example.com", "cy@example.com"]  # bo asked for Login only
    mail = next(m for m in mailbox.received if m["To"] == "ann@example.com")
    assert mail["Subject"] == "[Acme status] Issue affecting card payments: Investigating"
    assert mail["From"] == "status@acme.example"
    body = mail.get_content()
    assert "Card payments fail since 03:00 UTC. Next update by 03:30." in body and "Components: Checkout, API" in body
    link = mail["List-Unsubscribe"].strip().strip("<>")
    assert link.startswith(f"http://127.0.0.1:{port}/unsubscribe/") and f"Unsubscribe: {link}" in body
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "https://status.acme.example/incidents/incident-" in body

    assert run_cli("publish", now=at(7), env=env).returncode == 0  # again, with nothing new: nothing mailed twice
    assert len(mailbox.envelopes) == 2
    say(db_file, "INC-1", 20, "status update", "A fix is deployed; we are monitoring.")
    assert run_cli("publish", now=at(21), env=env).returncode == 0
    assert to(mailbox) == ["ann@example.com", "ann@example.com", "cy@example.com", "cy@example.com"]

    receiver = Receiver({"WARROOM_DB": str(db_file), **env}, "--listen", f"127.0.0.1:{port}")
    try:
        page = urllib.request.urlopen(link, timeout=30).read().decode()
        assert "<button" in page and "ann@example.com" not in page  # a look changes nothing
        assert db_rows(db_file, "SELECT count(*) FROM subscriber") == [(3,)]
        request = urllib.request.Request(link, data=b"List-Unsubscribe=One-Click", method="POST")
        with urllib.request.urlopen(request, timeout=30) as answer:
            assert answer.status == 200 and "no more mail" in answer.read().decode()
        again_status, _ = fetch(link, post=True)
        assert again_status == 404  # once
        forged = link[:-4] + ("0000" if not link.endswith("0000") else "1111")
        assert fetch(forged, post=True)[0] == 404
        # another process's commit, read from here: a bounded wait (a CI run once read 3 right
        # after the 200 and the 404, and 2 later; the cause is not known, see the notes)
        wait_until(lambda: db_rows(db_file, "SELECT count(*) FROM subscriber") == [(2,)], "ann's row to be gone", 5)
    finally:
        log = receiver.stop()
    assert "/unsubscribe/…" in log and link.rsplit("/", 1)[1] not in log  # the secret stays out of the log
    assert "ann@example.com" not in run_cli("subscribers", "list", now=at(30), env=env).stdout

    say(db_file, "INC-1", 40, "resolution notice", "Resolved: card payments work again.")
    assert run_cli("publish", now=at(41), env=env).returncode == 0
    assert to(mailbox).count("ann@example.com") == 2 and to(mailbox).count("cy@example.com") == 3

    site = tmp_path / "site"
    for path in site.rglob("*"):
        if path.is_file():
            assert "example.com" not in path.read_text(), path  # no subscriber's address on the page or a feed


def test_a_mail_server_that_refuses_loses_no_mail(db_file, tmp_path, mailbox):
    env, _ = setup(tmp_path, mailbox)
    assert run_cli("subscribers", "add", "ann@example.com", now=at(0), env=env).returncode == 0
    assert run_cli("declare", "Payments down", "--severity", "P0", "--service", "payments", now=at(1), env=env).returncode == 0
    say(db_file, "INC-1", 5, "client notice", "Card payments fail.")
    mailbox.mode = "refuse"
    done = run_cli("publish", now=at(6), env=env)
    assert "not delivered yet: kept in the outbox" in done.stderr and mailbox.received == []
    mailbox.mode = "ok"
    assert run_cli("deliver", now=at(30), env=env).returncode == 0  # a later try sends it
    assert to(mailbox) == ["ann@example.com"]


@pytest.mark.parametrize("args, says", [
    (("add", "not-an-address"), "is not an email address"),
    (("add", "ann@example.com", "--component", "Search"), "no component 'Search'"),
    (("add",), "give the address"),
    (("remove", "nobody@example.com"), "is not subscribed"),
    (("list", "ann@example.com"), "takes no address"),
])
def test_bad_subscriber_commands_are_one_line_exit_2_and_write_nothing(db_file, tmp_path, mailbox, args, says):
    env, _ = setup(tmp_path, mailbox)
    assert run_cli("subscribers", "add", "ann@example.com", "--component", "API", now=at(0), env=env).returncode == 0
    done = run_cli("subscribers", *args, now=at(1), env=env)
    assert done.returncode == 2 and says in done.stderr and len(done.stderr.strip().splitlines()) == 1, done.stderr
    assert db_rows(db_file, "SELECT address, components FROM subscriber") == [("ann@example.com", '["API"]')]


def test_subscribers_need_a_mail_server_and_an_answer_url(db_file, tmp_path):
    done = run_cli("subscribers", "add", "ann@example.com", now=at(0))
    assert done.returncode == 2 and "set [status_page] smtp" in done.stderr


def test_a_maintenance_is_mailed_to_its_components_subscribers_when_scheduled_and_when_cancelled(db_file, tmp_path, mailbox):
    env, _ = setup(tmp_path, mailbox)
    for address, *component in (("ann@example.com",), ("bo@example.com", "--component", "Login"),
                                ("cy@example.com", "--component", "API")):
        assert run_cli("subscribers", "add", address, *component, now=at(0), env=env).returncode == 0
    done = run_cli("maintenance", "Database upgrade", "--from", "2026-11-28T02:00Z", "--to", "04:00Z", "--component", "API",
                   "--notice", "Writes pause for ten minutes.", now=at(1), env=env)
    assert done.returncode == 0, done.stderr
    assert to(mailbox) == ["ann@example.com", "cy@example.com"]
    mail = mailbox.received[0]
    assert mail["Subject"] == "[Acme status] Scheduled maintenance: Database upgrade"
    assert "2026-11-28 02:00 to 2026-11-28 04:00 UTC" in mail.get_content() and "Writes pause" in mail.get_content()
    assert mail["List-Unsubscribe"].strip().startswith("<http://127.0.0.1:")
    assert run_cli("maintenance", "--cancel", "MW-1", now=at(2), env=env).returncode == 0
    assert [m["Subject"] for m in mailbox.received[2:]] == ["[Acme status] Maintenance cancelled: Database upgrade"] * 2
    assert db_rows(db_file, "SELECT count(*), count(maintenance_id), count(incident_id) FROM outbox") == [(4, 4, 0)]


def test_on_postgresql_too_maintenance_holds_a_page_back_and_subscribers_are_mailed_once(postgres_cluster, tmp_path, mailbox):
    import json as _json

    from helpers.pages import alertmanager

    env, _ = setup(tmp_path, mailbox)
    url = postgres_cluster.url()  # (a new database of the test cluster)
    env = {**env, "WARROOM_DB": url}
    assert run_cli("subscribers", "add", "ann@example.com", now=at(0), env=env).returncode == 0
    assert run_cli("subscribers", "add", "ann@example.com", now=at(0), env=env).stdout.startswith("already subscribed")
    done = run_cli("maintenance", "Database upgrade", "--from", "2026-11-27T03:10Z", "--to", "04:00Z", "--component", "API",
                   now=at(1), env=env)
    assert done.returncode == 0, done.stderr
    assert to(mailbox) == ["ann@example.com"]  # announced
    page = alertmanager(common={"service": "payments"})  # payments -> Checkout and API
    held = run_cli("alert", "-", stdin=_json.dumps(page), now=at(20), env=env)
    assert held.stdout.startswith("no incident opened: during maintenance MW-1"), held.stdout + held.stderr
    assert run_cli("declare", "Payments down", "--severity", "P1", "--service", "payments", now=at(21), env=env).returncode == 0
    say(url, "INC-1", 25, "client notice", "Payments fail for some shoppers.")
    assert run_cli("publish", now=at(26), env=env).returncode == 0
    assert run_cli("publish", now=at(27), env=env).returncode == 0  # again: nothing mailed twice
    assert to(mailbox) == ["ann@example.com"] * 2
    assert mailbox.received[-1]["Subject"] == "[Acme status] Payments disruption: Investigating"  # (no impact, no public title: its service)
    assert "alert held back" in run_cli("maintenance", "--show", "MW-1", now=at(27), env=env).stdout
    assert run_cli("subscribers", "list", now=at(27), env=env).stdout.startswith("ann@example.com")
    assert run_cli("subscribers", "remove", "ann@example.com", now=at(28), env=env).returncode == 0
    assert run_cli("subscribers", "list", now=at(28), env=env).stdout.strip() == "no subscribers"


def test_an_address_removed_gets_nothing_more_not_even_what_waited_and_its_number_is_never_given_again(db_file, tmp_path, mailbox):
    env, _ = setup(tmp_path, mailbox)
    assert run_cli("subscribers", "add", "ann@example.com", now=at(0), env=env).returncode == 0
    assert run_cli("declare", "Payments down", "--severity", "P0", "--service", "payments", now=at(1), env=env).returncode == 0
    say(db_file, "INC-1", 5, "client notice", "Card payments fail.")
    mailbox.mode = "refuse"
    assert run_cli("publish", now=at(6), env=env).returncode == 0  # the mail waits in the outbox
    assert db_rows(db_file, "SELECT webhook FROM outbox WHERE delivered_at IS NULL") == [("subscriber 1",)]
    assert run_cli("subscribers", "remove", "ann@example.com", now=at(7), env=env).returncode == 0
    assert db_rows(db_file, "SELECT count(*) FROM outbox WHERE delivered_at IS NULL") == [(0,)]
    mailbox.mode = "ok"
    assert run_cli("subscribers", "add", "bo@example.com", now=at(8), env=env).returncode == 0
    assert db_rows(db_file, "SELECT id FROM subscriber") == [(2,)]  # not 1 again: the mail keys stay its own
    assert run_cli("deliver", now=at(30), env=env).returncode == 0
    assert mailbox.envelopes == []


@pytest.mark.parametrize("into", ["sqlite", "postgres"])
def test_warroom_copy_carries_maintenance_with_its_timeline_and_subscribers_once(db_file, tmp_path, mailbox, into, request):
    env, _ = setup(tmp_path, mailbox)
    target = str(tmp_path / "copy.db") if into == "sqlite" else request.getfixturevalue("postgres_cluster").url()
    assert run_cli("subscribers", "add", "ann@example.com", "--component", "API", now=at(0), env=env).returncode == 0
    assert run_cli("subscribers", "add", "bo@example.com", now=at(0), env=env).returncode == 0
    assert run_cli("maintenance", "Database upgrade", "--from", "2026-11-27T03:10Z", "--to", "04:00Z", now=at(1), env=env).returncode == 0
    assert run_cli("maintenance", "Cache flush", "--from", "2026-11-28T03:10Z", "--to", "04:00Z", now=at(1), env=env).returncode == 0
    assert run_cli("maintenance", "--cancel", "MW-2", "--reason", "not needed after all", now=at(2), env=env).returncode == 0
    assert run_cli("declare", "First", "--severity", "P3", now=at(3), env=env).returncode == 0
    there = {**env, "WARROOM_DB": target}
    assert run_cli("subscribers", "add", "zed@example.com", now=at(3), env=there).returncode == 0  # #1 there already
    copied = run_cli("copy", "--to", target, now=at(4), env=env)
    assert copied.returncode == 0, copied.stderr
    assert "the status page's 2 maintenance windows and 2 subscribers" in copied.stdout
    for args in (("maintenance", "--list", "--all"), ("maintenance", "--show", "MW-2"), ("subscribers", "list")):
        if args[0] == "subscribers":
            listed = run_cli(*args, now=at(5), env=there).stdout.splitlines()
            assert [line for line in listed if "zed@" not in line] == run_cli(*args, now=at(5), env=env).stdout.splitlines()
            continue
        assert run_cli(*args, now=at(5), env=there).stdout == run_cli(*args, now=at(5), env=env).stdout, args
    again = run_cli("copy", "--to", target, now=at(6), env=env)
    assert again.returncode == 0 and "maintenance window" not in again.stdout  # a second run adds nothing
    [(number, secret)] = db_rows(db_file, "SELECT id, secret FROM subscriber WHERE address = 'ann@example.com'")
    receiver = Receiver(there)  # the link in a mail the old database sent: ann is #1 here, #2 there
    try:
        status, page = fetch(f"{receiver.url}/unsubscribe/{number}.{secret}", post=True)
    finally:
        receiver.stop()
    assert status == 200 and "no more mail" in page
    assert "ann@example.com" not in run_cli("subscribers", "list", now=at(7), env=there).stdout
    assert "zed@example.com" in run_cli("subscribers", "list", now=at(7), env=there).stdout
