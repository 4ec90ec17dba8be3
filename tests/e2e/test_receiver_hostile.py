"""`warroom receive` survives what the internet sends (issue 23, failures 2–7, 9, 10, 15): each
reproduction through the installed command over HTTP on loopback, asserting the answer, the
log and the database."""

import json
import socket
import time

import pytest
from helpers import db_rows, run_cli
from helpers.pages import Receiver, alertmanager, pagerduty, signature, wait_until

SECRET = "whsec-test-4f1c"
TOKEN = "t0ken-for-tests"


@pytest.fixture
def receiver(db_file):
    started = Receiver({"WARROOM_DB": str(db_file), "WARROOM_PAGERDUTY_SECRET": SECRET, "WARROOM_RECEIVE_TOKEN": TOKEN})
    yield started
    started.log = started.stop()


def bearer() -> dict:
    return {"Authorization": f"Bearer {TOKEN}"}


def nothing_written(db_file) -> bool:
    return not db_file.exists() or db_rows(db_file, "SELECT count(*) FROM event")[0][0] == 0


def deep(levels: int = 1000) -> bytes:
    return b'{"version": "4", "groupKey": "g", "status": "firing", "alerts": [], "x": ' + b"[" * levels + b"]" * levels + b"}"


def raw_request(port: int, data: bytes, read: bool = True, timeout: float = 10) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as conn:
        conn.sendall(data)
        if not read:
            return b""
        answer = b""
        try:
            while chunk := conn.recv(65536):
                answer += chunk
        except (TimeoutError, ConnectionResetError):
            pass
        return answer


def test_deeply_nested_json_is_a_400_with_one_line_not_a_traceback(receiver, db_file):
    status, answer = receiver.post("/alertmanager", deep(), bearer())
    assert status == 400 and "nested too deeply" in answer["error"]
    body = deep()
    status, answer = receiver.post("/pagerduty", body, {"X-PagerDuty-Signature": signature(body, SECRET)})
    assert status == 400 and "nested too deeply" in answer["error"]
    log = receiver.stop()
    assert "Traceback" not in log and "RecursionError" not in log
    assert nothing_written(db_file)


def test_warroom_alert_on_deep_json_says_one_line_and_exits_2(tmp_path, db_file):
    page = tmp_path / "deep.json"
    page.write_bytes(deep())
    done = run_cli("alert", str(page))
    assert done.returncode == 2
    assert "nested too deeply" in done.stderr and "internal error" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
    assert nothing_written(db_file)


def test_a_bad_byte_in_the_authorization_or_signature_header_is_a_401(receiver, db_file):
    body = json.dumps(alertmanager()).encode()
    for header in (b"Authorization: Bearer \xff\xfe\r\n", b"Authorization: Bearer \xc3\xa9t\xc3\xa9\r\n"):
        answer = raw_request(receiver.port, b"POST /alertmanager HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                             + header + b"Connection: close\r\nContent-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body)
        assert answer.startswith(b"HTTP/1.1 401"), answer[:100]
    pd = json.dumps(pagerduty()).encode()
    answer = raw_request(receiver.port, b"POST /pagerduty HTTP/1.1\r\nHost: x\r\nX-PagerDuty-Signature: v1=\xc3\xa9\xff\r\n"
                         b"Connection: close\r\nContent-Length: " + str(len(pd)).encode() + b"\r\n\r\n" + pd)
    assert answer.startswith(b"HTTP/1.1 401"), answer[:100]
    status, _ = receiver.post("/pagerduty", pd, {"X-PagerDuty-Signature": "v1=é"})
    assert status == 401
    log = receiver.stop()
    assert "Traceback" not in log and "500" not in log
    assert nothing_written(db_file)


def test_idle_slow_header_and_dripped_body_connections_are_closed(receiver):
    from warroom.integrations.receiver import BODY_SECONDS, HEADER_SECONDS

    started = time.monotonic()
    idle = socket.create_connection(("127.0.0.1", receiver.port))
    slow = socket.create_connection(("127.0.0.1", receiver.port))
    slow.sendall(b"POST /alertmanager HTTP/1.1\r\nHost: x\r\n")  # and never the rest of the headers
    drip = socket.create_connection(("127.0.0.1", receiver.port))
    drip.sendall(b"POST /alertmanager HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + TOKEN.encode() +
                 b"\r\nContent-Length: 1000\r\n\r\n{")  # and then nothing more of the body
    for conn in (idle, slow, drip):
        conn.settimeout(BODY_SECONDS + HEADER_SECONDS + 10)
    assert idle.recv(100) == b""  # closed by the receiver
    assert slow.recv(100) == b""
    assert drip.recv(1000).startswith(b"HTTP/1.1 408")
    assert time.monotonic() - started < BODY_SECONDS + HEADER_SECONDS + 5
    for conn in (idle, slow, drip):
        conn.close()
    assert receiver.get("/healthz")[0] == 200


def test_a_client_gone_mid_body_is_one_line_and_a_huge_expected_body_is_413(receiver, db_file):
    for _ in range(3):
        raw_request(receiver.port, b"POST /alertmanager HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + TOKEN.encode() +
                    b"\r\nContent-Length: 5000\r\n\r\n{\"version\":", read=False)
    answer = raw_request(receiver.port, b"POST /alertmanager HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\n"
                         b"Content-Length: 999999999\r\nConnection: close\r\n\r\n", timeout=5)
    assert answer.startswith(b"HTTP/1.1 413"), answer[:80]
    assert b"100 Continue" not in answer
    assert receiver.get("/healthz")[0] == 200
    log = receiver.stop()
    assert "Traceback" not in log and "ConnectionResetError" not in log.replace("(ConnectionResetError", "")
    assert nothing_written(db_file)


def test_a_page_sent_with_expect_100_continue_is_told_to_continue_and_taken(receiver, db_file):
    body = json.dumps(alertmanager()).encode()
    with socket.create_connection(("127.0.0.1", receiver.port), timeout=10) as conn:
        conn.sendall(b"POST /alertmanager HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + TOKEN.encode() +
                     b"\r\nExpect: 100-continue\r\nConnection: close\r\nContent-Length: " + str(len(body)).encode() + b"\r\n\r\n")
        assert conn.recv(100).startswith(b"HTTP/1.1 100 Continue")  # before any of the body is sent
        conn.sendall(body)
        answer = b""
        while chunk := conn.recv(65536):
            answer += chunk
    assert answer.startswith(b"HTTP/1.1 200")
    assert db_rows(db_file, "SELECT code FROM incident") == [("INC-1",)]


def test_a_resent_storm_of_10000_alerts_adds_nothing_the_second_time(receiver, db_file):
    storm = alertmanager(alerts=[{"status": "firing", "labels": {"alertname": "Storm", "i": str(n)}, "fingerprint": f"f{n}"}
                                 for n in range(10_000)])  # small alerts: the whole page under the 1 MB limit
    status, answer = receiver.post("/alertmanager", storm, bearer())
    assert status == 200 and answer["events"] == 10_001
    status, answer = receiver.post("/alertmanager", storm, bearer())
    assert status == 200 and answer["events"] == 0  # nothing new (and "still firing" only after half an hour)
    assert db_rows(db_file, "SELECT count(*) FROM event")[0][0] == 10_001


def test_a_newline_in_the_service_or_job_label_is_folded_and_the_page_taken(receiver, db_file):
    status, answer = receiver.post("/alertmanager", alertmanager(common={"service": "check\nout\r\nnow"}), bearer())
    assert status == 200 and answer["opened"]
    payload = json.loads(db_rows(db_file, "SELECT payload FROM event ORDER BY id LIMIT 1")[0][0])
    assert payload["service"] == "check out now"
    page = alertmanager("Other", common={"service": "", "job": "node\nexporter"})
    page["commonLabels"].pop("service")
    status, answer = receiver.post("/alertmanager", page, bearer())
    assert status == 200 and answer["opened"]
    declared = db_rows(db_file, "SELECT payload FROM event WHERE kind = 'declared' ORDER BY id DESC LIMIT 1")[0][0]
    assert json.loads(declared)["service"] == "node exporter"


def test_a_replayed_pagerduty_trigger_after_resolution_opens_nothing(receiver, db_file):
    body = json.dumps(pagerduty()).encode()
    signed = {"X-PagerDuty-Signature": signature(body, SECRET)}
    assert receiver.post("/pagerduty", body, signed)[1]["opened"] is True
    import asyncio

    from warroom.domain import actions
    from warroom.store import open_store

    async def resolve() -> None:
        store = await open_store(db_file)
        try:
            state = await store.load("INC-1")
            await store.append(actions.resolve(state, "alice", state.detected, switch=True, override="resolved for the replay test"))
        finally:
            await store.close()

    asyncio.run(resolve())
    status, answer = receiver.post("/pagerduty", body, signed)
    assert status == 200 and answer["recorded"] is False and "replay" in answer["why"] and "INC-1" in answer["why"]
    assert [c for (c,) in db_rows(db_file, "SELECT code FROM incident")] == ["INC-1"]
    assert "a replay" in receiver.stop()


def test_a_documented_pagerduty_event_warroom_does_not_use_is_200_not_recorded(receiver, db_file):
    added = {"event": {"id": "01DFZ7V0D2XX3JG3GKQ0Y2F4IX", "event_type": "incident.responder.added", "resource_type": "incident",
                       "occurred_at": "2026-11-28T10:01:22Z", "agent": None, "client": None,
                       "data": {"incident": {"html_url": "https://acme.pagerduty.com/incidents/PGR0VU2", "id": "PGR0VU2",
                                             "self": "https://api.pagerduty.com/incidents/PGR0VU2", "summary": "A bump",
                                             "type": "incident_reference"},
                                "user": {"id": "PLH1HKV", "type": "user_reference"}, "escalation_policy": None,
                                "message": "Please help with this", "state": "pending", "type": "incident_responder"}}}
    body = json.dumps(added).encode()
    status, answer = receiver.post("/pagerduty", body, {"X-PagerDuty-Signature": signature(body, SECRET)})
    assert status == 200 and answer["recorded"] is False and "incident.responder.added" in answer["why"]
    assert nothing_written(db_file)


def test_a_firing_group_with_no_alerts_is_refused_as_nothing_to_page_about(receiver, db_file):
    status, answer = receiver.post("/alertmanager", alertmanager(alerts=[]), bearer())
    assert status == 400 and "nothing to page about" in answer["error"]
    assert nothing_written(db_file)


def test_connections_past_the_ceiling_are_answered_503_and_pages_still_get_in(db_file, tmp_path):
    """A small ceiling (set for the test) and held connections: new ones get 503 at once, one
    line is logged for many refusals, and once the holders are gone pages are taken again."""
    started = Receiver({"WARROOM_DB": str(db_file), "WARROOM_RECEIVE_TOKEN": TOKEN, "WARROOM_RECEIVE_MAX_CONNECTIONS": "20"})
    held = []
    try:
        try:
            for _ in range(20):
                held.append(socket.create_connection(("127.0.0.1", started.port)))
            answers = [raw_request(started.port, b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", timeout=5)
                       for _ in range(30)]
            assert any(a.startswith(b"HTTP/1.1 503") for a in answers)
        finally:
            for conn in held:
                conn.close()
        wait_until(lambda: started.post("/alertmanager", alertmanager(), bearer())[0] == 200, "a page taken again")
    finally:
        log = started.stop()  # stopped on every path
    assert "too many connections" in log
    assert log.count("too many connections") < 5  # rate-limited: one line for many refusals
    assert "Traceback" not in log
