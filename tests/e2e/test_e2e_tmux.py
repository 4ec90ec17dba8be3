"""End to end: the installed `warroom` in a real tmux pane, driven with real keys."""

import json
import os
import re
import shutil
import signal
import subprocess
import time
from datetime import timedelta

import pytest
from helpers import T0, at, db_rows, run_cli, warroom_exe
from helpers.tmux import Pane, two_consoles_see_each_other

pytestmark = pytest.mark.e2e


@pytest.fixture
def pane(db_file):
    run_cli("declare", "Login fails with 401", "--severity", "P1", now=T0)
    pane = Pane({"WARROOM_DB": str(db_file), "WARROOM_NAME": "alice", "WARROOM_NOW": at(5).isoformat(), "TZ": "UTC"})
    yield pane
    pane.close()


def test_keys_act_are_saved_and_survive_a_restart(pane, db_file):
    pane.start()
    pane.wait_for("INC-1")
    pane.wait_for("notify engineering manager + PM  in 10:00")
    pane.keys("1")
    pane.wait_for("pulled")
    pane.keys("n")
    pane.wait_for("Note as the commander")
    pane.type("flag auth_v2 off [bold]now[/]")
    pane.keys("Enter")
    pane.wait_for("flag auth_v2 off [bold]now[/]")
    pane.keys("i")
    pane.wait_for("alice ▸ INVESTIGATOR")
    pane.keys("C-q")
    pane.wait_for("EXITED 0")
    assert [kind for _, kind, _ in db_rows(db_file)] == ["declared", "lever changed", "note", "hat worn"]

    pane.start()
    pane.wait_for("alice ▸ INVESTIGATOR")
    screen = pane.wait_for("flag auth_v2 off [bold]now[/]")  # the panes fill just after the top
    assert "[1] ▶ feature flag off   pulled" in screen
    pane.keys("C-q")
    pane.wait_for("EXITED 0")


def test_ctrl_u_and_a_title_pasted_in_one_go_record_the_whole_title(pane, db_file):
    """tmux send-keys (or a paste) delivers ctrl+u, the text and Enter in one burst: the title
    recorded is the whole text (it lost its first letters, or all of it, to a late ctrl+u)."""
    pane.start()
    pane.wait_for("alice ▸ COMMANDER")
    for title in ("Login problems", "Sign-in problems for some users"):
        pane.keys("w")
        pane.wait_for("Who or what is affected")
        pane.keys("Enter")  # the impact as it is
        pane.wait_for("The public title")
        pane.keys("C-u", title, "Enter")  # one send-keys: the keys arrive together
        pane.wait_for(f"public title: {title}")
    assert [json.loads(payload)["public_title"] for _, kind, payload in db_rows(db_file) if kind == "public title set"] == \
        ["Login problems", "Sign-in problems for some users"]
    pane.keys("C-q")
    pane.wait_for("EXITED 0")


def test_a_corrupt_database_is_one_line_and_status_2(tmp_path):
    bad = tmp_path / "bad.db"
    bad.write_text("not sqlite" * 100)
    pane = Pane({"WARROOM_DB": str(bad)})
    try:
        pane.start()
        screen = pane.wait_for("EXITED 2")
        assert "not a warroom database" in screen and "Traceback" not in screen
    finally:
        pane.close()


def test_an_overdue_client_notice_copied_into_the_tmux_buffer_and_recorded(db_file):
    run_cli("declare", "Login fails with 401", "--severity", "P1", "--impact", "logins for every user", now=T0)
    pane = Pane({"WARROOM_DB": str(db_file), "WARROOM_NAME": "carol", "WARROOM_NOW": at(16).isoformat(),
                 "TZ": "UTC", "DISPLAY": "", "WAYLAND_DISPLAY": ""}, size=(120, 40))
    try:
        pane.start()
        pane.wait_for("⚠ OVERDUE +1 min  client no")
        pane.wait_for("⚠ OVERDUE")
        pane.keys("m")
        pane.wait_for("carol ▸ COMMUNICATOR")
        pane.keys("y")
        pane.wait_for("no surprises")  # asked before anything is copied
        assert pane.buffer() == ""
        pane.type("EM paged twice, no answer")
        pane.keys("Enter")
        pane.wait_for("Was the client notice sent?")
        pane.keys("Enter")
        pane.wait_for("sent the client notice")
        buffer = pane.buffer()
        assert buffer.startswith("Issue affecting logins for every user\n") and buffer.endswith("— carol")
        assert not re.search(r"INC-|\[P\d\]|T\+|Login fails", buffer)  # the customer's words only
        sent = [json.loads(p) for _, k, p in db_rows(db_file) if k == "communication sent"]
        assert sent == [{"template": "client notice", "text": buffer, "next_update": at(46).isoformat()}]
        overridden = [json.loads(p) for _, k, p in db_rows(db_file) if k == "rule overridden"]
        assert overridden == [{"rule": "no surprises", "reason": "EM paged twice, no answer"}]
        pane.keys("C-q")
        pane.wait_for("EXITED 0")
    finally:
        pane.close()


def test_two_consoles_and_a_script_see_each_other(db_file):
    run_cli("declare", "Login fails with 401", "--severity", "P1", now=T0)
    alice, bob = two_consoles_see_each_other(str(db_file), at(5).isoformat())
    alice.close()
    bob.close()


def test_hat_keys_at_80x24_redraw_each_pane_title_as_a_fresh_console_draws_it(db_file):
    """At 80x24 a hat key redraws only the panes' title lines (the rest of each pane is as it
    was): what the terminal shows after m, c, m is what a console started afresh draws."""
    run_cli("declare", "Login fails with 401", "--severity", "P1", now=T0)
    pane = Pane({"WARROOM_DB": str(db_file), "WARROOM_NAME": "alice", "WARROOM_NOW": at(5).isoformat(), "TZ": "UTC"},
                size=(80, 24))
    try:
        pane.start()
        pane.wait_for("─COMMUNICATOR")
        titles = lambda screen: [line for line in screen.splitlines() if line[:1] in "─═"]  # noqa: E731
        for key, hat in (("m", "COMMUNICATOR"), ("c", "COMMANDER"), ("m", "COMMUNICATOR")):
            pane.keys(key)
            pane.wait_for(f"alice ▸ {hat}")
            screen = pane.wait_for(f"═{hat}")
            assert [line[:3] for line in titles(screen)] in (["─CO", "═CO"], ["═CO", "─CO"])
        after_keys = titles(pane.wait_for("═COMMUNICATOR"))
        pane.keys("C-q")
        pane.wait_for("EXITED 0")
        pane.start()
        pane.wait_for("alice ▸ COMMUNICATOR")
        assert titles(pane.wait_for("═COMMUNICATOR")) == after_keys
    finally:
        pane.close()


def test_kill_9_loses_nothing_the_screen_showed(pane, db_file):
    pane.start()
    pane.wait_for("INC-1")
    pane.keys("n")
    pane.wait_for("Note as the commander")
    pane.type("rollback started at 03:05")
    pane.keys("Enter")
    pane.wait_for("alice: rollback started at 03:05")
    os.kill(pane.app_pid(), signal.SIGKILL)
    pane.wait_for("EXITED 137")
    assert [json.loads(p).get("text") for _, k, p in db_rows(db_file) if k == "note"] == ["rollback started at 03:05"]


@pytest.mark.parametrize("no_color", [False, True])
def test_no_color_makes_the_installed_console_grey_only(db_file, no_color):
    run_cli("declare", "Login fails with 401", "--severity", "P1", now=T0)
    env = {"WARROOM_DB": str(db_file), "WARROOM_NAME": "alice", "WARROOM_NOW": at(20).isoformat(), "TZ": "UTC",
           "COLORTERM": "truecolor"}
    pane = Pane({**env, "NO_COLOR": "1"} if no_color else env)
    try:
        pane.start()
        pane.wait_for("⚠ OVERDUE")
        colours = pane.colours()
        chromatic = {c for c in colours if len(set(c)) > 1}
        assert colours and (not chromatic if no_color else chromatic), colours
    finally:
        pane.close()


def test_runbook_command_is_shown_and_l_copies_it_into_the_tmux_buffer(db_file, tmp_path):
    config = tmp_path / "team.toml"
    config.write_text('theme = "high-contrast"\n[runbooks.checkout]\n'
                      'feature_flag = { flag = "new_jwt", command = "flagctl set new_jwt off --env prod" }\n')
    run_cli("declare", "Checkout 500s", "--severity", "P1", "--service", "checkout", now=T0)
    pane = Pane({"WARROOM_DB": str(db_file), "WARROOM_NAME": "alice", "WARROOM_NOW": at(2).isoformat(), "TZ": "UTC",
                 "WARROOM_CONFIG": str(config), "DISPLAY": "", "WAYLAND_DISPLAY": "", "COLORTERM": "truecolor"}, size=(120, 40))
    try:
        pane.start()
        pane.wait_for("l $ flagctl set new_jwt off --env prod")
        assert (0, 0, 0) in pane.colours()  # the high-contrast theme's black
        pane.keys("l")
        pane.wait_for("Copy the command behind which lever?")
        pane.keys("1")
        pane.wait_for("copied lever 1's command to the tmux paste buffer")
        assert pane.buffer() == "flagctl set new_jwt off --env prod"
        pane.keys("C-q")
        pane.wait_for("EXITED 0")
    finally:
        pane.close()


@pytest.mark.skipif(shutil.which("script") is None, reason="needs script(1) to attach a tmux client")
def test_the_status_line_in_a_real_tmux_status_bar(db_file, tmp_path):
    """tmux runs `warroom status --tmux` itself and draws its colour codes: attach a client
    through script(1) and read what the terminal was sent."""
    run_cli("declare", "Status bar test", "--severity", "P1", now=T0)
    pane = Pane({})
    try:
        pane.tmux("new-session", "-d", "-s", pane.session, "-x", "100", "-y", "10", "sleep 60")
        pane.started = True
        command = f"WARROOM_DB={db_file} WARROOM_NOW={at(11).isoformat()} {warroom_exe()} status --tmux"
        pane.tmux("set", "-g", "status-right", f"#({command})")
        pane.tmux("set", "-g", "status-right-length", "100")
        pane.tmux("set", "-g", "status-interval", "1")
        out = tmp_path / "terminal.out"
        client = subprocess.Popen(["script", "-q", "-f", "-c", f"tmux -L {pane.socket} attach -t {pane.session}", str(out)],
                                  env={**os.environ, "TERM": "xterm-256color"}, stdin=subprocess.PIPE,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            drawn = ""
            for _ in range(100):  # a bounded wait for tmux to run the command and draw the bar
                drawn = out.read_text(errors="replace") if out.exists() else ""
                if "engineering manager + PM in 04:00" in drawn:
                    break
                time.sleep(0.1)
        finally:
            client.kill()
        assert "INC-1 P1 T+11:00 \x1b[43m⚠ notify engineering manager + PM in 04:00" in drawn, drawn[-400:]
    finally:
        pane.close()


def test_the_jwt_outage_by_the_rules_at_80x24_in_at_most_35_keys(db_file, tmp_path):
    """The seed's JWT outage played by a lone P1 on-call in the installed console, by the rules:
    declared with the impact and when it began (4 minutes before the page), the flag off and
    effective, the EM + PM notified and the client notice sent, a finding reported, acknowledged
    and taken as the root cause, the team assembled, the status update, staging, deploy, the
    flag back on, soak, resolved with the resolution notice, and the prevention follow-up. The
    clock moves as the outage did (a file the console reads). A typed field counts as one key;
    every key waits for the screen, as a person reads before pressing; every message is read
    from the tmux buffer the console copied it into."""
    clock = tmp_path / "now"
    detected = at(4)  # the page; the impact began at T0, 4 minutes before

    def minute(m: float) -> None:
        clock.write_text((detected + timedelta(minutes=m)).isoformat())

    minute(0)
    pane = Pane({"WARROOM_DB": str(db_file), "WARROOM_NAME": "alice", "WARROOM_NOW_FILE": str(clock), "TZ": "UTC",
                 "DISPLAY": "", "WAYLAND_DISPLAY": ""}, size=(80, 24))
    count = 0
    copied: dict[str, str] = {}

    def key(name: str, then: str | None = None) -> None:
        nonlocal count
        count += 1
        pane.keys(name)
        if then:
            pane.wait_for(then)

    def typed(text: str) -> None:
        nonlocal count
        count += 1
        pane.type(text)

    def sent(name: str) -> None:
        """The copy is in the tmux buffer: keep it, and Enter records it as sent."""
        copied[name] = pane.buffer()
        key("Enter", f"sent the {name}")

    try:
        pane.start()
        pane.wait_for("No incident is open")
        typed("JWT outage: logins rejected after auth 142")
        key("Tab")  # no pause: keys typed ahead of the focus land in the field they were aimed at
        typed("logins for users with tokens issued before 142")
        key("Tab")
        typed("4m")  # the impact began 4 minutes before the page
        key("Enter", "alice ▸ COMMANDER")
        minute(1)
        key("1", "▶ feature flag off")
        minute(3)
        key("1", "Did it work?")
        key("e", "✔ feature flag off")
        minute(8)
        key("t", "Engineering manager + PM: who was notified?")  # the one due first; answering puts on the communicator hat
        typed("Dana (EM), Sam (PM)")
        key("Enter", "alice ▸ COMMUNICATOR")
        key("y", "Was the client notice sent?")
        sent("client notice")
        minute(12)
        key("f", "Finding to report")
        typed("142 changed the JWT claim format; old tokens fail")
        key("Enter", "Acknowledge finding #1")
        key("Enter", "Root cause identified: what is it?")
        key("Enter", "alice ▸ COMMANDER")
        minute(30)
        key("t", "Team assembled: who, and where?")
        typed("alice, bob in #inc-auth")
        key("Enter", "alice ▸ COMMUNICATOR")
        minute(36)
        key("y", "Was the status update sent?")
        sent("status update")
        minute(37)
        key("r", "Resolution path")
        key("2", "✔ fix tested in staging")
        minute(38)
        key("3", "✔ deployed through the pipeline")
        key("4", "✔ flag re-enabled")
        minute(48)  # the soak: 10 minutes after the flag came back
        key("5", "✔ soak and verification")
        key("z", "Resolve INC-1?")
        key("Enter", "Was the resolution notice sent?")
        sent("resolution notice")
        key("o", "Follow-up: what should change?")
        typed("add a token-compatibility smoke test to the pipeline")
        key("Enter", "follow-ups: 1 open")
        assert count <= 35, count
        pane.keys("C-q")
        pane.wait_for("EXITED 0")
    finally:
        pane.close()
    rows = [(k, json.loads(p)) for _, k, p in db_rows(db_file)]
    kinds = [k for k, _ in rows]
    declared = rows[0][1]  # typed ahead without a pause, each field kept its own text
    assert (declared["title"], declared["impact"]) == ("JWT outage: logins rejected after auth 142",
                                                       "logins for users with tokens issued before 142")
    assert declared["impact_started"] == at(0).isoformat()
    assert "rule overridden" not in kinds  # played by the rules, nothing set aside
    assert kinds.count("resolution step") == 5 and "resolved" in kinds and kinds[-1] == "follow-up added"
    assert {p["deadline"] for k, p in rows if k == "escalation notified"} == {"manager", "team"}
    followup = rows[-1][1]
    assert (followup["text"], followup["owner"]) == ("add a token-compatibility smoke test to the pipeline", "alice")
    root = next(p for k, p in rows if k == "resolution step" and p["step"] == "root cause identified")
    assert root["note"] == "142 changed the JWT claim format; old tokens fail"
    # every message as the tmux buffer took it is the text recorded as sent, in the customer's words
    recorded = {p["template"]: p["text"] for k, p in rows if k == "communication sent"}
    assert recorded == copied, (recorded, copied)
    for name, text in copied.items():
        assert not re.search(r"INC-|\[P\d\]|T\+", text), (name, text)
        assert text.rstrip().endswith("— alice") and "{" not in text, (name, text)
    assert "logins for users with tokens issued before 142" in copied["client notice"]
    assert "since 03:00" in copied["client notice"]  # the recorded impact start (T0), not the page at 03:04
    assert "The impact is contained and we have found the cause; a fix is under way." in copied["status update"]
    assert "resolved at 03:52" in copied["resolution notice"] and "52 minutes" in copied["resolution notice"]


def test_osc52_is_a_real_terminal_write_that_tmux_takes_as_the_clipboard(db_file):
    """No system clipboard and the program not told it runs in tmux: the chain falls through to
    OSC 52, written to the terminal; tmux (set-clipboard on) reads it from the stream as a
    terminal would and keeps it as a paste buffer."""
    run_cli("declare", "Login fails with 401", "--impact", "logins", now=T0)
    run_cli("log", "x", "--as", "communicator", now=at(1))
    pane = Pane({"WARROOM_DB": str(db_file), "WARROOM_NAME": "alice", "WARROOM_NOW": at(5).isoformat(), "TZ": "UTC",
                 "DISPLAY": "", "WAYLAND_DISPLAY": ""}, unset=("TMUX", "TMUX_PANE"))
    try:
        pane.start()
        pane.tmux("set-option", "-s", "set-clipboard", "on")
        pane.wait_for("alice ▸ COMMUNICATOR")
        pane.keys("y")
        pane.wait_for("no surprises")
        pane.type("EM on a plane")
        pane.keys("Enter")
        pane.wait_for("Was the client notice sent?")
        for _ in range(100):  # tmux reads the OSC 52 from the stream: a bounded wait for its buffer
            buffer = pane.buffer()
            if buffer:
                break
            time.sleep(0.05)
        assert buffer.startswith("Issue affecting logins\n") and buffer.endswith("— alice")
        pane.keys("Enter")
        pane.wait_for("sent the client notice")
        sent = [json.loads(p) for _, k, p in db_rows(db_file) if k == "communication sent"]
        assert [s["text"] for s in sent] == [buffer]
        pane.keys("C-q")
        pane.wait_for("EXITED 0")
    finally:
        pane.close()
