"""One door for every write (issue 24): every door writes through `warroom.service.Service`,
which commits and then runs every after-commit effect; the defects that came from many doors,
each through the real path."""

import ast
import json
from pathlib import Path

import pytest
from helpers import at, db_rows, run_cli
from helpers.chat import Chat

from warroom.console.launch import make_app

WRITES = {"declare", "append", "take_page", "import_incident"}
ALLOWED = {"service.py", "integrations/outward.py"}  # the door itself, and the effect it runs (the publication's event)


def test_no_module_but_the_service_writes_to_a_store_or_runs_an_after_commit_effect():
    import warroom

    root = Path(warroom.__file__).parent
    found = []
    for path in root.rglob("*.py"):
        where = path.relative_to(root).as_posix()
        if where in ALLOWED or where.startswith("store/"):
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            if isinstance(func, ast.Name) and func.id == "after_commit":
                found.append(f"{where}:{node.lineno} after_commit")
            if isinstance(func, ast.Attribute) and func.attr in WRITES:
                receiver = ast.unparse(func.value)
                if ("store" in receiver or "writer" in receiver) and "ervice" not in receiver:
                    found.append(f"{where}:{node.lineno} {receiver}.{func.attr}")
    assert found == [], "writes past the service: " + ", ".join(found)


def test_the_console_makes_no_scorecard_of_its_own():
    import warroom.console.app as app

    assert "domain.scoring" not in Path(app.__file__).read_text()  # drills.scorecard, as drill --score and the export


async def test_a_p0_declared_on_the_start_screen_publishes_the_status_page(db_file, tmp_path):
    from helpers import Clock

    from warroom.config import parse
    from warroom.console.start import StartScreen

    site = tmp_path / "site"
    config = parse(f'[status_page]\nfolder = "{site}"\ntitle = "Acme status"\n'.encode(), tmp_path / "c.toml")
    app = make_app(db_file, clock=Clock(at(0)), actor="alice", clipboard=[], bell=False, config=config)
    async with app.run_test(size=(100, 30)) as pilot:
        for _ in range(200):
            if isinstance(app.screen, StartScreen):
                break
            await pilot.pause(0.02)
        await pilot.press(*"Everything is down", "tab", *"every customer", "tab")
        app.screen.query_one("#severity").value = "P0"
        await pilot.press("enter")
        for _ in range(250):
            if (site / "status.json").exists() and app.code:
                break
            await pilot.pause(0.02)
    page = json.loads((site / "status.json").read_text())
    assert [i["title"] for i in page["incidents"]] == ["Issue affecting every customer"]  # the public title, from the impact
    kinds = [k for _, k, _ in db_rows(db_file)]
    assert kinds[0] == "declared" and "status page published" in kinds


@pytest.fixture
def chat():
    server = Chat()  # (started by its constructor)
    yield server
    server.stop()


def chat_config(tmp_path, chat) -> dict:
    path = tmp_path / "team.toml"
    path.write_text(f'[[webhooks]]\nname = "chat"\nurl = "{chat.url}"\nevents = ["declared", "alert", "message sent"]\n')
    return {"WARROOM_CONFIG": str(path)}


def test_commands_that_write_tell_the_chat_before_they_exit(db_file, tmp_path, chat):
    env = chat_config(tmp_path, chat)
    done = run_cli("declare", "Checkout fails", "--severity", "P1", now=at(0), env=env)
    assert done.returncode == 0 and done.stderr == ""
    assert chat.texts() == ["INC-1 P1 declared by alice: Checkout fails"]
    from helpers.pages import alertmanager

    (tmp_path / "page.json").write_text(json.dumps(alertmanager("Other")))
    assert run_cli("alert", str(tmp_path / "page.json"), now=at(1), env=env).returncode == 0
    assert len(chat.texts()) >= 2 and "declared" in chat.texts()[1]
    sent = db_rows(db_file, "SELECT count(*) FROM outbox WHERE delivered_at IS NULL")[0][0]
    assert sent == 0


def test_a_command_with_the_chat_down_still_writes_and_says_what_waits_in_one_line(db_file, tmp_path, chat):
    env = chat_config(tmp_path, chat)
    chat.mode = "fail"
    done = run_cli("declare", "Checkout fails", "--severity", "P1", now=at(0), env=env)
    assert done.returncode == 0
    assert done.stderr.strip().splitlines() == [
        "warroom: 1 message (chat, pages) not delivered yet: kept in the outbox (a console, warroom receive or warroom deliver sends them)"]
    assert db_rows(db_file, "SELECT code FROM incident") == [("INC-1",)]
    chat.mode = "ok"
    assert run_cli("deliver", now=at(1), env=env).returncode == 0
    assert chat.texts()[-1] == "INC-1 P1 declared by alice: Checkout fails"


def test_a_command_never_waits_long_on_a_chat_that_hangs(db_file, tmp_path, chat):
    import time

    env = chat_config(tmp_path, chat)
    chat.mode = "hold"
    started = time.monotonic()
    done = run_cli("declare", "Checkout fails", "--severity", "P1", now=at(0), env=env)
    took = time.monotonic() - started
    chat.released.set()
    assert done.returncode == 0 and "not delivered yet" in done.stderr
    from warroom.service import DELIVER_BEFORE_EXIT

    assert took < DELIVER_BEFORE_EXIT + 5  # bounded: the command's own start-up and the bound, no more


async def test_the_start_screen_lists_the_newest_50_real_incidents_and_typing_filters(db_file):
    from helpers import Clock
    from textual.widgets import OptionList

    from warroom.console.start import StartScreen
    from warroom.domain import actions
    from warroom.store import Store

    store = await Store.open(db_file)
    try:
        for n in range(1, 81):
            state = (await store.opening((await store.declare(actions.declare("alice", at(n), f"fire {n}", "P2"))).incident)).state
            await store.append(actions.resolve(state, "alice", at(n, 30), switch=True, override="closed for the test list"))
        drill = (await store.declare(actions.declare("alice", at(90), "a practice", "P2", drill="jwt-outage"))).incident
        state = (await store.opening(drill)).state
        await store.append(actions.resolve(state, "alice", at(91), switch=True, override="closed for the test list"))
    finally:
        await store.close()
    app = make_app(db_file, clock=Clock(at(100)), actor="alice", clipboard=[], bell=False)
    async with app.run_test(size=(100, 40)) as pilot:
        for _ in range(200):
            if isinstance(app.screen, StartScreen) and app.screen.query_one("#past", OptionList).option_count:
                break
            await pilot.pause(0.02)
        listed = app.screen.query_one("#past", OptionList)
        ids = [listed.get_option_at_index(i).id for i in range(listed.option_count)]
        assert len(ids) == 50 and ids[0] == "INC-80" and all(i.startswith("INC-") for i in ids)
        await pilot.press(*"fire 7")
        for _ in range(200):
            ids = [listed.get_option_at_index(i).id for i in range(listed.option_count)]
            if "INC-80" not in ids:
                break
            await pilot.pause(0.02)
        assert set(ids) == {"INC-7", *(f"INC-{n}" for n in range(70, 80))}


def test_demo_opens_the_incident_it_wrote_not_the_newest(monkeypatch, db_file):
    """On a shared database another incident may be declared between the demo's writing and
    its console opening: the console opens the demo's own code."""
    from warroom import cli
    from warroom.console import launch
    from warroom.domain import actions
    from warroom.drills import demo

    written = demo.write_demo

    async def and_another_meanwhile(service, now):
        code = await written(service, now)
        await service.declare(actions.declare("bob", now, "someone else's incident", "P1"))
        return code

    opened = []
    monkeypatch.setattr(demo, "write_demo", and_another_meanwhile)
    monkeypatch.setattr(launch, "run_console", lambda path, code=None, **options: opened.append(code) or 0)
    from warroom.cli.commands import demo as demo_command

    monkeypatch.setattr(demo_command, "needs_terminal", lambda: None)
    assert cli.main(["demo"]) == 0
    assert opened == ["INC-1"]
    assert [c for (c,) in db_rows(db_file, "SELECT code FROM incident ORDER BY id")] == ["INC-1", "INC-2"]
