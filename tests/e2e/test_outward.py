"""Communicate outward (issue 17): the status page the matrix asks for, and webhooks to chat
through an outbox, delivered at least once, in order, even when the other end is down."""

import json
import os
import signal
import subprocess
import time
from pathlib import Path

import pytest
from helpers import Clock, at, db_rows, run_cli, seed, warroom_exe
from helpers.chat import Chat

from warroom.config import parse
from warroom.domain import actions
from warroom.store import Store, open_store


def config_file(tmp_path: Path, chat: Chat | None = None, extra: str = "", **hook) -> Path:
    text = f'[status_page]\nfolder = "{tmp_path / "site"}"\ntitle = "Acme status"\n'
    if chat is not None:
        text += f'[[webhooks]]\nname = "chat"\nurl = "{chat.url}"\n'
        text += "".join(f"{k} = {json.dumps(v)}\n" for k, v in hook.items())
    path = tmp_path / "team.toml"
    path.write_text(text + extra)
    return path


def published(db_file) -> list[dict]:
    return [json.loads(p) for k, p in db_rows(db_file, "SELECT kind, payload FROM event ORDER BY id") if k == "status page published"]


# -- the status page ---------------------------------------------------------------------
async def test_the_page_shows_public_words_only(db_file, tmp_path):
    await seed(db_file, (actions.note, "alice", 1, "internal: the db password rotation broke it"),
               (actions.wear_hat, "bob", 2, "investigator"),
               (actions.report_finding, "bob", 3, "finding: secret-token-xyz leaked in logs"),
               (actions.communicate, "alice", 4, "client notice", "We are investigating failed logins.", {"sent": True, "switch": True}),
               severity="P1", service="auth", impact="logins for all users")
    config = config_file(tmp_path)
    done = run_cli("--config", str(config), "publish", now=at(5))
    assert done.returncode == 0 and "published 1 incident to" in done.stdout
    page = json.loads((tmp_path / "site" / "status.json").read_text())
    incident = page["incidents"][0]
    assert (incident["title"], incident["severity_words"], incident["state"], incident["impact"]) == \
        ("Issue affecting logins for all users", "Major incident", "investigating", "logins for all users")
    assert [u["text"] for u in incident["updates"]] == ["We are investigating failed logins."]
    everything = "".join(path.read_text() for path in (tmp_path / "site").rglob("*") if path.is_file())  # every file of the site
    everything = everything.replace("<author>", "").replace("</author>", "")  # (Atom's element, not the service "auth")
    # nor the internal title, the code or the severity code
    for secret in ("password rotation", "secret-token-xyz", "bob", "investigator", "auth", "Login fails", "INC-", "P1"):
        assert secret not in everything, secret
    assert published(db_file) == [{"how": "by hand", "folder": str(tmp_path / "site")}]
    assert not [p for p in (tmp_path / "site").iterdir() if p.name.startswith(".")]  # no half-written file left


async def test_p2_stays_internal_and_the_page_says_all_is_well(db_file, tmp_path):
    await seed(db_file, severity="P2")
    done = run_cli("--config", str(config_file(tmp_path)), "publish", now=at(5))
    assert done.returncode == 0 and "published 0 incidents to" in done.stdout
    assert "All systems operational" in (tmp_path / "site" / "index.html").read_text()
    assert published(db_file) == []


def test_a_page_replaced_while_read_is_the_old_or_the_new_never_half(db_file, tmp_path):
    config = config_file(tmp_path)
    run_cli("--config", str(config), "declare", "Checkout fails", "--severity", "P1", now=at(0))
    run_cli("--config", str(config), "publish", now=at(1))
    index = tmp_path / "site" / "index.html"
    before = index.stat().st_ino
    with index.open() as reader:  # a web server reading the page as it is replaced
        run_cli("--config", str(config), "log", "x", now=at(2))
        run_cli("--config", str(config), "publish", now=at(2))
        old = reader.read()
    assert old.rstrip().endswith("</html>") and index.stat().st_ino != before  # renamed over, not rewritten


def test_a_folder_that_cannot_be_written_is_one_line_exit_2(db_file, tmp_path):
    blocked = tmp_path / "file-not-folder"
    blocked.write_text("x")
    run_cli("declare", "Checkout fails", "--severity", "P1", now=at(0))
    done = run_cli("publish", "--dir", str(blocked / "site"), now=at(1))
    assert done.returncode == 2 and "cannot write the status page" in done.stderr and len(done.stderr.splitlines()) == 1
    assert published(db_file) == []


def test_a_p0_publishes_by_itself_and_a_p1_waits_for_the_key(db_file, tmp_path):
    config = config_file(tmp_path)
    env = {"WARROOM_CONFIG": str(config)}
    assert run_cli("declare", "Checkout fails", "--severity", "P1", now=at(0), env=env).returncode == 0
    assert not (tmp_path / "site").exists() and published(db_file) == []
    p0 = run_cli("declare", "Everything is down", "--severity", "P0", "--impact", "every customer", now=at(1), env=env)
    assert p0.returncode == 0 and "status page published by itself" in p0.stderr
    page = json.loads((tmp_path / "site" / "status.json").read_text())
    assert [i["title"] for i in page["incidents"]] == ["Issue affecting every customer", "Service disruption"]
    assert published(db_file) == [{"how": "automatic", "folder": str(tmp_path / "site")}]
    assert run_cli("log", "just a note", now=at(2), env=env).stderr == ""  # a note changes nothing public


async def test_the_p_key_publishes_a_p1_as_the_communicator_and_the_pane_says_when(db_file, tmp_path):
    from helpers.console import act, settle

    from warroom.console.dialogs import Confirm
    from warroom.console.launch import make_app

    await seed(db_file, (actions.notify, "alice", 2, "manager", "Dana (EM)", {"switch": True}),  # (no surprises: see below)
               (actions.wear_hat, "alice", 3, "commander"), severity="P1")
    config = parse(config_file(tmp_path).read_bytes(), tmp_path / "team.toml")
    app = make_app(db_file, clock=Clock(at(5)), actor="carol", clipboard=[], config=config)
    async with app.run_test(size=(140, 44)) as pilot:
        await settle(pilot)
        assert "manual, not yet published (P)" in str(app.main_screen.query_one("#page").content)
        await act(pilot, "P")
        assert isinstance(app.screen, Confirm)  # the communicator's action: switch hats first
        await act(pilot, "enter")
        assert (tmp_path / "site" / "index.html").exists()
        assert app.state.published == at(5) and app.state.hat_of("carol") == "communicator"
        await pilot.pause()
        assert "status page: manual, published " in str(app.main_screen.query_one("#page").content)
    assert published(db_file)[0]["how"] == "by hand"


async def test_publishing_a_p1_before_the_manager_heard_asks_why_as_a_client_notice_does(db_file, tmp_path):
    """No surprises: the page is the customers' to read. Published before the engineering
    manager is told, it would tell the client first: the reason is asked, and kept."""
    from helpers.console import act, settle

    from warroom.console.dialogs import Ask
    from warroom.console.launch import make_app

    await seed(db_file, (actions.wear_hat, "carol", 1, "communicator"), severity="P1")
    config = parse(config_file(tmp_path).read_bytes(), tmp_path / "team.toml")
    app = make_app(db_file, clock=Clock(at(5)), actor="carol", clipboard=[], config=config)
    async with app.run_test(size=(140, 44)) as pilot:
        await settle(pilot)
        await act(pilot, "P")
        assert isinstance(app.screen, Ask) and "no surprises: engineering manager + PM not notified yet" in app.screen.question
        await act(pilot, "escape")  # held off: nothing written, nothing on the timeline
        assert not (tmp_path / "site").exists() and app.state.published is None
        assert [kind for _, kind, _ in db_rows(db_file)][-1] == "hat worn"
        await act(pilot, "P")
        await pilot.press(*"the EM is on a plane; the PM is told", "enter")
        await settle(pilot)
        assert (tmp_path / "site" / "index.html").exists()
        assert [(kind, json.loads(payload).get("rule")) for _, kind, payload in db_rows(db_file)[-2:]] == [
            ("rule overridden", "no surprises"), ("status page published", None)]
        await act(pilot, "P")  # set aside once, for the incident: not asked again
        assert app.screen is app.main_screen and [kind for _, kind, _ in db_rows(db_file)][-1] == "status page published"
        assert len(published(db_file)) == 2


# -- webhooks ----------------------------------------------------------------------------
@pytest.fixture
def chat():
    endpoint = Chat()
    yield endpoint
    endpoint.stop()


async def deliver(db_file, config, clock) -> "object":
    import aiohttp

    from warroom.integrations.webhooks import deliver_due

    store = await Store.open(db_file)
    try:
        async with aiohttp.ClientSession() as session:
            return await deliver_due(store, config.webhooks, clock, session)
    finally:
        await store.close()


async def write(db_file, config, *steps, severity="P1"):
    """Steps written through a store with the config's webhooks, as any writer does."""
    from warroom.integrations.webhooks import announcer

    store = await Store.open(db_file)
    store.announcer = announcer(config.webhooks, store.database_id)
    try:
        for step in steps:
            await step(store)
    finally:
        await store.close()


def declare(title: str, minute: int, severity: str = "P1"):
    async def step(store):
        await store.declare(actions.declare("alice", at(minute), title, severity, impact="buyers"))
    return step


def act_on(code: str, action, actor: str, minute: int, *args, **kwargs):
    async def step(store):
        state = (await store.opening(code)).state
        await store.append(action(state, actor, at(minute), *args, **kwargs))
    return step


async def test_each_event_is_delivered_once_signed_with_its_key_in_the_chosen_format(db_file, tmp_path, chat):
    from warroom.integrations.webhooks import signature

    config = parse(config_file(tmp_path, chat, secret="s3cret", events=["declared", "contained", "resolved"]).read_bytes(),
                   tmp_path / "c.toml")
    await write(db_file, config, declare("Checkout <!channel> fails", 0),
                act_on("INC-1", actions.note, "alice", 1, "not news"),
                act_on("INC-1", actions.set_lever, "alice", 2, 1, "pulled"),
                act_on("INC-1", actions.set_lever, "alice", 3, 1, "effective"))
    tally = await deliver(db_file, config, Clock(at(4)))
    assert (tally.delivered, tally.failed) == (2, 0)
    assert chat.texts() == ["INC-1 P1 declared by alice: Checkout &lt;!channel&gt; fails (impact: buyers)",
                            "INC-1 P1 contained (feature flag off worked): Checkout &lt;!channel&gt; fails"]
    for request in chat.received:
        assert request["headers"]["X-Warroom-Signature"] == signature("s3cret", request["raw"])
    [database_id] = db_rows(db_file, "SELECT value FROM warroom_meta WHERE key = 'database_id'")[0]
    assert len(database_id) == 16
    assert len(set(chat.keys())) == 2 and all(k.startswith(f"warroom-{database_id}-INC-1-") for k in chat.keys())
    assert (await deliver(db_file, config, Clock(at(5)))).delivered == 0  # nothing twice
    assert len(chat.received) == 2

    as_json = parse(config_file(tmp_path, chat, format="json").read_bytes(), tmp_path / "c.toml")
    await write(db_file, as_json, act_on("INC-1", actions.change_severity, "alice", 6, "P0"))
    await deliver(db_file, as_json, Clock(at(7)))
    body = chat.received[-1]["body"]
    assert body["topic"] == "severity changed" and body["incident"]["severity"] == "P0"
    assert body["event"]["payload"] == {"severity": "P0", "was": "P1"}


async def test_the_other_end_down_for_a_while_then_everything_in_order(db_file, tmp_path, chat):
    config = parse(config_file(tmp_path, chat).read_bytes(), tmp_path / "c.toml")
    chat.stop()  # down
    steps = [declare("First", 0), declare("Second", 0)]
    for minute in range(1, 6):
        steps += [act_on("INC-1", actions.change_severity, "alice", minute, "P0" if minute % 2 else "P1"),
                  act_on("INC-2", actions.change_severity, "alice", minute, "P0" if minute % 2 else "P1")]
    await write(db_file, config, *steps)
    clock = Clock(at(6))
    tries = 0
    for _ in range(4):  # it fails, and each retry waits longer
        tally = await deliver(db_file, config, clock)
        tries += tally.failed
        assert tally.delivered == 0
        clock.advance(minutes=1)
    assert tries >= 4
    store = await Store.open(db_file)
    waiting = await store.waiting(clock())
    await store.close()
    assert waiting[0].waiting == 12 and waiting[0].failing == 2  # only each incident's first is tried: order holds
    chat.start()  # back
    clock.advance(minutes=10)
    tally = await deliver(db_file, config, clock)
    assert (tally.delivered, tally.given_up) == (12, 0)
    for code in ("INC-1", "INC-2"):
        theirs = [r["body"]["text"] for r in chat.received if r["body"]["text"].startswith(code + " ")]
        assert len(theirs) == 6 and theirs[0].startswith(f"{code} P1 declared")
        assert [t.split(" → ")[1][:2] for t in theirs[1:]] == ["P0", "P1", "P0", "P1", "P0"]  # in the order written


async def test_a_message_given_up_goes_on_the_timeline_and_the_pane_says_how_chat_stands(db_file, tmp_path, chat):
    from warroom.integrations.webhooks import MAX_TRIES, standing

    config = parse(config_file(tmp_path, chat).read_bytes(), tmp_path / "c.toml")
    chat.mode = "fail"
    await write(db_file, config, declare("Checkout fails", 0))
    clock = Clock(at(1))
    await deliver(db_file, config, clock)
    store = await Store.open(db_file)
    line = standing(await store.waiting(clock()), clock())
    await store.close()
    assert line == "chat: 1 failed, next try in 5 s"
    for _ in range(MAX_TRIES):
        clock.advance(minutes=11)
        await deliver(db_file, config, clock)
    kinds = [k for _, k, _ in db_rows(db_file)]
    assert kinds[-1] == "delivery given up"
    given_up = json.loads(db_rows(db_file)[-1][2])
    assert (given_up["webhook"], given_up["topic"], given_up["tries"], given_up["error"]) == ("chat", "declared", MAX_TRIES, "HTTP 503")
    assert "gave up delivering the declared message to chat" in run_cli("show").stdout


def test_kill_9_mid_delivery_then_delivered_after_restart_duplicates_only_with_the_same_key(db_file, tmp_path, chat):
    config = config_file(tmp_path, chat)
    env = {"WARROOM_CONFIG": str(config)}
    chat.mode = "fail"  # each declare tries to send before it exits: here the chat is down, so all three wait
    for title in ("First", "Second", "Third"):
        done = run_cli("declare", title, "--severity", "P1", now=at(0), env=env)
        assert done.returncode == 0 and "not delivered yet: kept in the outbox" in done.stderr
    chat.received.clear()
    chat.mode = "hold"
    delivering = subprocess.Popen([warroom_exe(), "deliver"], env={**os.environ, **env, "WARROOM_NOW": at(1).isoformat()},
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert chat.holding.wait(20), "the deliverer never sent"
    time.sleep(0.2)  # the other two are in flight too (three incidents: three heads at once)
    delivering.send_signal(signal.SIGKILL)
    delivering.wait()
    chat.mode = "ok"
    chat.released.set()
    time.sleep(0.3)  # the held requests finish on the server's side: the deliverer never heard
    after = run_cli("deliver", now=at(3), env=env)  # the claims ran out a minute after at(1)
    assert after.returncode == 0 and "failed 0" in after.stdout
    keys = chat.keys()
    [database_id] = db_rows(db_file, "SELECT value FROM warroom_meta WHERE key = 'database_id'")[0]
    assert set(keys) == {f"warroom-{database_id}-INC-{n}-{n}-chat" for n in (1, 2, 3)}  # all delivered
    duplicates = {k for k in keys if keys.count(k) > 1}
    assert all(keys.count(k) == 2 for k in duplicates)  # a duplicate carries the same key, at most twice
    again = run_cli("deliver", now=at(4), env=env)
    assert "delivered 0" in again.stdout and chat.keys() == keys


async def test_a_key_press_never_waits_for_a_webhook(db_file, tmp_path, chat):
    from helpers.console import act, settle

    from warroom.console.launch import make_app

    await seed(db_file, severity="P1")
    chat.mode = "hold"  # the other end takes the message and never answers (until released)
    config = parse(config_file(tmp_path, chat).read_bytes(), tmp_path / "c.toml")
    app = make_app(db_file, clock=Clock(at(5)), actor="alice", clipboard=[], config=config)
    async with app.run_test(size=(140, 44)) as pilot:
        await settle(pilot)
        await act(pilot, "s")
        await act(pilot, "0")  # severity P0: news for the chat, and the deliverer is held on it
        await act(pilot, "enter")
        assert chat.holding.wait(10)
        started = time.monotonic()
        await act(pilot, "1")  # a lever, while the chat holds the request
        assert app.state.levers[0].state == "pulled" and time.monotonic() - started < 5
        chat.released.set()
    rows = db_rows(db_file, "SELECT topic, delivered_at FROM outbox ORDER BY id")
    assert rows and rows[0][0] == "severity changed"


async def test_the_outbox_works_on_postgresql_too(postgres_cluster, tmp_path, chat):
    import aiohttp

    from warroom.integrations.webhooks import announcer, deliver_due

    url = postgres_cluster.url()
    config = parse(config_file(tmp_path, chat).read_bytes(), tmp_path / "c.toml")
    store = await open_store(url)
    store.announcer = announcer(config.webhooks, store.database_id)
    try:
        await store.declare(actions.declare("alice", at(0), "On the server", "P1", impact="x"))
        state = (await store.opening("INC-1")).state
        await store.append(actions.resolve(state, "alice", at(1), override="tested the page by hand"))
        async with aiohttp.ClientSession() as session:
            tally = await deliver_due(store, config.webhooks, Clock(at(2)), session)
        assert tally.delivered == 2 and [t.split(":")[0] for t in chat.texts()] == ["INC-1 P1 declared by alice", "INC-1 P1 resolved"]
    finally:
        await store.close()


# -- the page in a real browser -----------------------------------------------------------
def test_a_reader_in_chromium_sees_the_title_the_state_and_the_latest_update_and_no_script_runs(db_file, tmp_path):
    from html.parser import HTMLParser

    from helpers.browser import dom, screenshot

    config = config_file(tmp_path)
    env = {"WARROOM_CONFIG": str(config)}
    hostile = "Checkout <script>document.title='pwned'</script><img src=x onerror=\"document.body.dataset.pwned=1\">"
    assert run_cli("declare", "Checkout broken", "--severity", "P0", "--impact", "every buyer", "--public-title", hostile,
                   now=at(0), env=env).returncode == 0
    seen = dom(tmp_path / "site" / "index.html")

    class Reader(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.text, self.tags, self.attributes = [], [], []

        def handle_starttag(self, tag, attrs) -> None:
            self.tags.append(tag)
            self.attributes += [name for name, _ in attrs]

        def handle_data(self, data) -> None:
            self.text.append(data)

    reader = Reader()
    reader.feed(seen)
    text = " ".join(reader.text)
    assert hostile in text  # shown literally, as its words
    assert "script" not in reader.tags and "img" not in reader.tags and "data-pwned" not in reader.attributes
    assert "<title>Acme status</title>" in seen  # no script changed it
    assert "Investigating" in text and "Critical outage" in text and "1 incident in progress" in text

    notice = "We are investigating: checkout fails for every buyer. Next update by 10:30 UTC."
    store_env = {**env}
    assert run_cli("log", "internal only", now=at(1), env=store_env).returncode == 0
    asyncio_run_communicate(db_file, notice)
    run_cli("publish", now=at(3), env=env)
    reader = Reader()
    reader.feed(dom(tmp_path / "site" / "index.html"))
    text = " ".join(reader.text)
    assert notice in text and "internal only" not in text
    shot = tmp_path / "page.png"
    screenshot(tmp_path / "site" / "index.html", shot)
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 5000


def asyncio_run_communicate(db_file, text: str) -> None:
    import asyncio

    async def send() -> None:
        store = await Store.open(db_file)
        try:
            state = (await store.opening("INC-1")).state
            await store.append(actions.communicate(state, "carol", at(2), "client notice", text, sent=True, switch=True,
                                                   override="leadership told by phone"))
        finally:
            await store.close()

    asyncio.run(send())


async def test_the_communicators_pane_says_how_chat_stands(db_file, tmp_path, chat):
    from helpers.console import settle, until

    from warroom.console.launch import make_app

    await seed(db_file, severity="P1")
    chat.mode = "fail"
    config = parse(config_file(tmp_path, chat).read_bytes(), tmp_path / "c.toml")
    app = make_app(db_file, clock=Clock(at(5)), actor="alice", clipboard=[], config=config)
    async with app.run_test(size=(140, 44)) as pilot:
        await settle(pilot)
        await pilot.press("s", "2")  # severity: news for the chat, which answers 503
        await settle(pilot)
        await pilot.press("enter")
        await until(pilot, lambda: "chat: 1 failed, next try in 5 s" in str(app.main_screen.query_one("#page").content),
                    "the pane to say the chat failed")


def test_warroom_receive_delivers_the_news_of_a_page_in_the_background(db_file, tmp_path, chat):
    from helpers.pages import Receiver, alertmanager, wait_until

    config = config_file(tmp_path, chat)
    receiver = Receiver({"WARROOM_DB": str(db_file), "WARROOM_CONFIG": str(config)})
    try:
        assert receiver.post("/alertmanager", alertmanager())[0] == 200
        wait_until(lambda: chat.texts(), "the chat to hear of it", 15)
        assert chat.texts()[0] == "INC-1 P1 declared by a page from alertmanager: Checkout 5xx above 5%"
    finally:
        receiver.stop()
