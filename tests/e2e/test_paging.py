"""Paging people (issue 27): `warroom notify` pages the roles of the matrix through real servers
on 127.0.0.1 (a mail server, and HTTP servers standing for ntfy, PagerDuty and Slack), each
body checked against its documented format; the link acknowledges once, through the installed
`warroom receive`; a mail server that refuses loses no page."""

import json
import re

import pytest
from helpers import at, db_rows, run_cli
from helpers.chat import Chat
from helpers.mail import Mailbox, free_port
from helpers.pages import Receiver, fetch

from warroom.config import parse
from warroom.domain import actions
from warroom.domain.policy import DONE, OPEN, deadlines
from warroom.service import Service
from warroom.store import open_store

IMPACT = "checkout for every shopper"


@pytest.fixture
def servers():
    mail, ntfy, pagerduty, slack = Mailbox(), Chat(), Chat(), Chat()
    yield mail, ntfy, pagerduty, slack
    mail.stop()
    for server in (ntfy, pagerduty, slack):
        server.stop()


def team(tmp_path, servers, answer_port: int, within: int = 5):
    mail, ntfy, pagerduty, slack = servers
    path = tmp_path / "team.toml"
    path.write_text(f"""
[people.bob]
email = "bob@example.com"
ntfy = "http://127.0.0.1:{ntfy.port}/bob-pager"
pagerduty = "R0UTINGKEY"
slack = "{slack.url}"

[people.carol]
email = "carol@example.com"

[people.dave]
ntfy = "http://127.0.0.1:{ntfy.port}/dave-pager"

[roles]
"engineering manager" = ["bob", "carol"]
PM = ["dave"]

[paging]
acknowledge_within = {within}
smtp = "{mail.url}"
from = "warroom@example.com"
answer_url = "http://127.0.0.1:{answer_port}"
pagerduty_url = "http://127.0.0.1:{pagerduty.port}/v2/enqueue"
""")
    return path


def declared_team(tmp_path, servers, within: float = 5):
    """The team's config (its answer_url on a free port) and a P1 declared: (port, path, env)."""
    port = free_port()
    path = team(tmp_path, servers, port, within)
    env = {"WARROOM_CONFIG": str(path)}
    declared(env)
    return port, path, env


def kinds(db_file) -> list[str]:
    return [kind for (kind,) in db_rows(db_file, "SELECT kind FROM event ORDER BY id")]


def payloads(db_file, kind: str) -> list[dict]:
    return [json.loads(p) for k, p in db_rows(db_file, "SELECT kind, payload FROM event ORDER BY id") if k == kind]


async def state_of(db_file, config_path):
    config = parse(config_path.read_bytes(), config_path)
    store = await open_store(db_file)
    try:
        return (await store.opening("INC-1", config.book.levers)).state
    finally:
        await store.close()


def declared(env) -> None:
    done = run_cli("declare", "Checkout fails", "--severity", "P1", "--impact", IMPACT, now=at(0), env=env)
    assert done.returncode == 0, done.stderr


def link_in(text: str) -> str:
    found = re.search(r"http://127\.0\.0\.1:\d+/ack/\S+", text)
    assert found, text
    return found.group(0)


async def test_notify_pages_every_channel_in_its_documented_format_and_meets_the_deadline(db_file, tmp_path, servers):
    mail, ntfy, pagerduty, slack = servers
    port, config, env = declared_team(tmp_path, servers)
    done = run_cli("notify", "engineering manager", "PM", now=at(3), env=env)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        "INC-1 paged bob (engineering manager) by email, ntfy, pagerduty, slack, for the deadline 'manager'",
        "INC-1 paged dave (PM) by ntfy, for the deadline 'manager'"]
    assert done.stderr == ""  # all of it delivered before the command exited

    # email: to bob, the subject names the incident and the role, the body is the note, signed, with the link
    assert mail.envelopes == [("warroom@example.com", ["bob@example.com"])]
    email = mail.received[0]
    assert email["Subject"] == "INC-1 P1: Checkout fails (paged as engineering manager)"
    body = email.get_content()
    assert body.startswith("INC-1 [P1] Checkout fails — investigating") and f"Impact: {IMPACT}" in body and "\n— alice" in body
    link = link_in(body)
    assert link.startswith(f"http://127.0.0.1:{port}/ack/INC-1.")

    # ntfy: JSON publishing to the server's root, the topic in the body
    assert {r["path"] for r in ntfy.received} == {"/"}
    by_topic = {r["body"]["topic"]: r["body"] for r in ntfy.received}
    assert set(by_topic) == {"bob-pager", "dave-pager"}
    bob = by_topic["bob-pager"]
    assert bob["title"] == email["Subject"] and bob["priority"] == 4 and link in bob["message"] and bob["click"] == link
    assert bob["actions"][0] == {"action": "http", "label": "Acknowledge", "url": link, "method": "POST", "clear": True}
    assert link_in(by_topic["dave-pager"]["message"]) != link  # each page its own link

    # PagerDuty Events API v2
    [event] = [r["body"] for r in pagerduty.received]
    assert pagerduty.received[0]["path"] == "/v2/enqueue"
    assert event["routing_key"] == "R0UTINGKEY" and event["event_action"] == "trigger"
    assert event["dedup_key"].startswith("warroom-") and event["dedup_key"].endswith("-INC-1-engineering manager")
    assert len(event["dedup_key"]) <= 255
    assert event["payload"]["summary"] == email["Subject"] and event["payload"]["source"] == "warroom"
    assert event["payload"]["severity"] == "error" and event["links"] == [{"href": link, "text": "Acknowledge in warroom"}]

    # Slack: the incoming webhook's text, the link as Slack writes one
    [said] = slack.texts()
    assert said.startswith("*INC-1 P1: Checkout fails (paged as engineering manager)*") and f"<{link}|Acknowledge>" in said

    # the log: two pages, five channels delivered, and the deadline met by them
    assert kinds(db_file).count("paged") == 2 and kinds(db_file).count("page delivered") == 5
    assert all(len(p["ticket"]) == 32 and p["deadline"] == "manager" for p in payloads(db_file, "paged"))
    state = await state_of(db_file, config)
    manager = next(d for d in deadlines(state, at(4)) if d.id == "manager")
    assert manager.status in DONE and manager.met_at is not None


async def test_the_link_shows_a_button_and_its_post_acknowledges_once(db_file, tmp_path, servers):
    mail = servers[0]
    port, config, env = declared_team(tmp_path, servers)
    assert run_cli("notify", "engineering manager", now=at(2), env=env).returncode == 0
    link = link_in(mail.received[0].get_content())
    receiver = Receiver({**env, "WARROOM_NOW": at(3).isoformat()}, "--listen", f"127.0.0.1:{port}")  # bob answers a minute on
    assert "GET /healthz, GET and POST /ack/TOKEN); database" in receiver.first_line  # it names the links' endpoint
    try:
        shown = fetch(link)
        assert shown[0] == 200 and '<form method="post">' in shown[1] and "bob, you were paged as <b>engineering manager</b>" in shown[1]
        assert "page acknowledged" not in kinds(db_file)  # following the link (a mail scanner) acknowledges nothing
        first = fetch(link, post=True)
        assert first[0] == 200 and "Acknowledged." in first[1]
        again = fetch(link, post=True)
        assert again[0] == 409 and "acknowledged already" in again[1]
        forged = fetch(link[:-4] + ("0000" if not link.endswith("0000") else "1111"), post=True)
        assert forged[0] == 404
    finally:
        logged = receiver.stop()
    assert "POST /ack/INC-1.… 200" in logged and link.rsplit("/", 1)[1] not in logged  # the token stays out of the log
    [acknowledged] = payloads(db_file, "page acknowledged")
    assert (acknowledged["person"], acknowledged["role"], acknowledged["via"]) == ("bob", "engineering manager", "link")
    shown = run_cli("show", env=env, now=at(9))
    assert "bob acknowledged the page for engineering manager, 1m00s after it was sent" in shown.stdout, shown.stdout
    assert "pages:\n  engineering manager → bob by email, ntfy, pagerduty, slack: sent 03:02:00" in shown.stdout
    postmortem = run_cli("export", env=env, now=at(9)).stdout
    assert "## Pages" in postmortem and "| engineering manager | bob | email, ntfy, pagerduty, slack | 03:02:00 UTC |" in postmortem, postmortem
    assert "acknowledged (link) |" in postmortem and "Time to acknowledge (from a role's first page to its first acknowledgement): " \
        "engineering manager " in postmortem


async def test_a_link_is_refused_once_the_incident_is_resolved_and_pagerduty_is_told(db_file, tmp_path, servers):
    mail, _, pagerduty, _ = servers
    port, path, env = declared_team(tmp_path, servers)
    assert run_cli("notify", "engineering manager", now=at(2), env=env).returncode == 0
    link = link_in(mail.received[0].get_content())
    await _resolve(db_file, path)
    [resolve] = [r["body"] for r in pagerduty.received if r["body"]["event_action"] == "resolve"]
    [trigger] = [r["body"] for r in pagerduty.received if r["body"]["event_action"] == "trigger"]
    assert resolve == {"routing_key": "R0UTINGKEY", "event_action": "resolve", "dedup_key": trigger["dedup_key"]}
    receiver = Receiver(env, "--listen", f"127.0.0.1:{port}")
    try:
        refused = fetch(link, post=True)
    finally:
        receiver.stop()
    assert refused[0] == 409 and "is resolved" in refused[1]
    assert "page acknowledged" not in kinds(db_file)


@pytest.mark.parametrize("trouble", ["refuses", "down"])
async def test_a_mail_server_that_refuses_or_is_down_loses_no_page_and_a_later_deliver_sends_it(
        db_file, tmp_path, servers, trouble):
    mail = servers[0]
    if trouble == "refuses":
        mail.mode = "refuse"
    else:
        mail.stop()  # nothing listens on its port
    _, config, env = declared_team(tmp_path, servers)
    done = run_cli("notify", "engineering manager", now=at(2), env=env)
    assert done.returncode == 0 and "not delivered yet: kept in the outbox" in done.stderr
    assert mail.received == [] and payloads(db_file, "page delivered") != []  # the other channels went
    assert "email" not in {p["channel"] for p in payloads(db_file, "page delivered")}
    waiting = run_cli("deliver", now=at(2, 1), env=env)
    assert "email: 1 failed, next try in" in waiting.stdout, waiting.stdout
    if trouble == "refuses":
        mail.mode = "ok"
    else:
        mail = Mailbox(mail.port)  # back up, on the same port
    try:
        sent = run_cli("deliver", now=at(4), env=env)
        assert sent.returncode == 0 and "delivered 1" in sent.stdout, sent.stdout
        assert [m["To"] for m in mail.received] == ["bob@example.com"]
    finally:
        mail.stop()
    assert "email" in {p["channel"] for p in payloads(db_file, "page delivered")}


async def test_notify_test_reports_per_channel_and_meets_no_deadline(db_file, tmp_path, servers):
    mail, ntfy, *_ = servers
    ntfy.mode = "fail"
    _, config, env = declared_team(tmp_path, servers)
    done = run_cli("notify", "--test", "engineering manager", now=at(2), env=env)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith("INC-1 paged bob (engineering manager) by email, ntfy, pagerduty, slack [TEST]")
    assert "  bob by email: accepted" in lines and "  bob by ntfy: NOT accepted: HTTP 503" in lines
    assert mail.received[0]["Subject"].startswith("TEST INC-1 P1")
    assert mail.received[0].get_content().startswith("TEST INC-1 [P1]")
    state = await state_of(db_file, config)
    assert next(d for d in deadlines(state, at(3)) if d.id == "manager").status == OPEN


@pytest.mark.parametrize("args, says", [
    (["notify", "CFO"], "no such role in [roles]: CFO"),
    (["notify"], "the following arguments are required"),
])
def test_bad_notify_is_one_line_exit_2_and_writes_nothing(db_file, tmp_path, servers, args, says):
    env = {"WARROOM_CONFIG": str(team(tmp_path, servers, free_port()))}
    declared(env)
    before = kinds(db_file)
    done = run_cli(*args, now=at(2), env=env)
    assert done.returncode == 2 and says in done.stderr and len(done.stderr.splitlines()) == 1, done.stderr
    assert kinds(db_file) == before


def test_notify_without_people_says_so(db_file, tmp_path):
    declared({})
    done = run_cli("notify", "PM", now=at(2))
    assert done.returncode == 2 and "no one to page" in done.stderr


async def _resolve(db_file, path) -> None:
    """Resolve through a service armed as a command's is (reasons given for what is set aside)."""
    from warroom.integrations.webhooks import arm

    config = parse(path.read_bytes(), path)
    store = await open_store(db_file)
    try:
        await arm(store, config)
        service = Service(store, config, lambda: at(20))
        state = (await store.opening("INC-1", config.book.levers)).state
        await service.append(actions.resolve(state, "alice", at(20), switch=True, override="resolved for the paging test"))
        assert await service.deliver_queued(10.0) == 0
    finally:
        await store.close()


def test_nobody_acknowledges_so_the_next_person_is_paged_once_though_two_deliverers_run(db_file, tmp_path, servers):
    """The real clock, acknowledge_within 3 seconds, two `warroom receive` delivering from the
    same database: bob does not answer, carol is paged once, carol acknowledges, and the
    timeline says so."""
    import time

    mail = servers[0]
    port, config, env = declared_team(tmp_path, servers, within=0.05)
    assert run_cli("notify", "engineering manager", env=env).returncode == 0  # (the real clock: no WARROOM_NOW)
    assert [m["To"] for m in mail.received] == ["bob@example.com"]
    first, second = Receiver(env, "--listen", f"127.0.0.1:{port}"), Receiver(env)
    try:
        end = time.monotonic() + 30  # a bounded wait for the escalation: each deliverer looks every 5 s
        while "carol@example.com" not in [m["To"] for m in mail.received] and time.monotonic() < end:
            time.sleep(0.2)
        carol = next(m for m in mail.received if m["To"] == "carol@example.com")
        assert carol["Subject"] == "INC-1 P1: Checkout fails (paged as engineering manager)"
        acknowledged = fetch(link_in(carol.get_content()), post=True)
        assert acknowledged[0] == 200, acknowledged
        time.sleep(6)  # both deliverers have looked again since: still one page to carol, no third
    finally:
        first.stop()
        second.stop()
    paged = payloads(db_file, "paged")
    assert [(p["person"], p["escalated_from"] if "escalated_from" in p else "") for p in paged] == [("bob", ""), ("carol", "bob")]
    assert [m["To"] for m in mail.received] == ["bob@example.com", "carol@example.com"]
    shown = run_cli("show", env=env).stdout
    assert "paged carol (engineering manager) by email: bob did not acknowledge" in shown
    assert "carol acknowledged the page for engineering manager" in shown
    pages = shown.split("pages:\n", 1)[1].split("\n\n", 1)[0].splitlines()  # the ledger, every page
    assert pages[0].startswith("  engineering manager → bob by email, ntfy, pagerduty, slack: sent ") and \
        pages[0].endswith(", escalated"), pages
    assert pages[1].startswith("  engineering manager → carol by email: sent ") and ", acknowledged (link) " in pages[1], pages


def test_a_p0_opened_by_a_page_pages_leadership_and_on_call_by_itself_once_per_role(db_file, tmp_path, servers):
    from helpers.pages import alertmanager

    mail, ntfy, *_ = servers
    path = team(tmp_path, servers, free_port())
    path.write_text(path.read_text().replace('PM = ["dave"]', 'PM = ["dave"]\nleadership = ["carol"]\n"on-call" = ["dave"]'))
    env = {"WARROOM_CONFIG": str(path)}
    receiver = Receiver(env)
    try:
        body = alertmanager(common={"priority": "P0"})
        for _ in range(2):  # Alertmanager sends the group again: no second page
            status, answer = receiver.post("/alertmanager", body)
            assert status == 200, answer
        import time

        end = time.monotonic() + 20
        while len(mail.received) + len(ntfy.received) < 2 and time.monotonic() < end:
            time.sleep(0.1)
    finally:
        said = receiver.stop()
    paged = payloads(db_file, "paged")
    assert sorted((p["role"], p["person"], p["deadline"]) for p in paged) == [("leadership", "carol", "leadership"),
                                                                             ("on-call", "dave", "leadership")]
    assert all(a == "warroom" for (a,) in db_rows(db_file, "SELECT actor FROM event WHERE kind = 'paged'"))
    assert [m["To"] for m in mail.received] == ["carol@example.com"] and [r["body"]["topic"] for r in ntfy.received] == ["dave-pager"]
    assert "is a P0: paged leadership, on-call by itself" in said


def test_pagerduty_acknowledging_the_alert_warroom_triggered_acknowledges_the_page(db_file, tmp_path, servers):
    from helpers.pages import pagerduty, signature

    _, _, events_api, _ = servers
    path = team(tmp_path, servers, free_port())
    env = {"WARROOM_CONFIG": str(path), "WARROOM_PAGERDUTY_SECRET": "s3cret"}
    declared(env)
    assert run_cli("notify", "engineering manager", now=at(2), env=env).returncode == 0
    [trigger] = [r["body"] for r in events_api.received]
    acknowledged = pagerduty("incident.acknowledged", incident="Q1W2E3")
    acknowledged["event"]["data"]["incident_key"] = trigger["dedup_key"]  # PagerDuty's incident for the alert we triggered
    receiver = Receiver(env)
    try:
        body = json.dumps(acknowledged).encode()
        status, answer = receiver.post("/pagerduty", body, {"X-PagerDuty-Signature": signature(body, "s3cret")})
        again = receiver.post("/pagerduty", body, {"X-PagerDuty-Signature": signature(body, "s3cret")})
    finally:
        receiver.stop()
    assert (status, answer["acknowledged"], answer["role"]) == (200, "bob", "engineering manager"), answer
    assert again[0] == 200 and again[1]["recorded"] is False
    [ack] = payloads(db_file, "page acknowledged")
    assert (ack["person"], ack["via"]) == ("bob", "pagerduty")
    assert "alert" not in kinds(db_file)  # not taken for a page of PagerDuty's own


@pytest.mark.e2e
def test_the_jwt_outage_in_tmux_pages_the_em_and_pm_in_time_and_the_postmortem_shows_their_acknowledgements(
        db_file, tmp_path, servers):
    """The installed console at 80×24 with a roster: at minute 8 the communicator presses t and
    Enter; the console's deliverer sends the pages; bob and dave acknowledge by their links
    (through `warroom receive`); the console shows it, and the postmortem lists both pages,
    their acknowledgements and the deadline met on time."""
    import time
    from datetime import timedelta

    from helpers import T0
    from helpers.tmux import Pane

    mail, ntfy, _, _ = servers
    port = free_port()
    config = team(tmp_path, servers, port)
    clock = tmp_path / "now"

    def minute(m: float) -> None:
        clock.write_text((T0 + timedelta(minutes=m)).isoformat())

    env = {"WARROOM_CONFIG": str(config), "WARROOM_NOW_FILE": str(clock)}
    minute(0)
    done = run_cli("declare", "JWT outage: logins rejected after auth 142", "--severity", "P1",
                   "--impact", "logins for users with tokens issued before 142", env=env)
    assert done.returncode == 0, done.stderr
    pane = Pane({"WARROOM_DB": str(db_file), "WARROOM_NAME": "alice", "TZ": "UTC", "DISPLAY": "", "WAYLAND_DISPLAY": "", **env},
                size=(80, 24))
    receiver = None
    try:
        pane.start()
        pane.wait_for("alice ▸ COMMANDER")
        minute(8)
        pane.keys("t")
        shown = pane.wait_for("page them now?")
        assert "bob (engineering manager) by email, ntfy, pagerduty," in shown and "dave (PM) by ntfy" in shown
        pane.keys("Enter")
        pane.wait_for("alice ▸ COMMUNICATOR")
        end = time.monotonic() + 15  # a bounded wait for the console's deliverer, in the background
        while not (mail.received and len(ntfy.received) == 2) and time.monotonic() < end:
            time.sleep(0.1)
        bob = link_in(mail.received[0].get_content())
        dave = link_in(next(r["body"]["message"] for r in ntfy.received if r["body"]["topic"] == "dave-pager"))
        minute(10)
        receiver = Receiver(env, "--listen", f"127.0.0.1:{port}")
        assert fetch(bob, post=True)[0] == 200
        minute(11)
        assert fetch(dave, post=True)[0] == 200
        pane.wait_for("dave acknowledged the page for PM")  # the console shows what another process wrote
    finally:
        if receiver is not None:
            receiver.stop()
        pane.close()
    postmortem = run_cli("export", env=env).stdout
    assert "| engineering manager | bob | email, ntfy, pagerduty, slack | 03:08:00 UTC |" in postmortem, postmortem
    assert "| PM | dave | ntfy | 03:08:00 UTC |" in postmortem
    assert "| 03:10:00 UTC | acknowledged (link) |" in postmortem and "| 03:11:00 UTC | acknowledged (link) |" in postmortem
    assert "engineering manager 2 min; PM 3 min." in postmortem
    assert re.search(r"\| notify engineering manager \+ PM \| 03:15:00 UTC \(T\+15:00\) \| 03:08:\d\d UTC \| on time \|", postmortem)
