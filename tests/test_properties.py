"""Properties over many generated incidents (issue 13): whatever an import accepts is shown by
every command and the console with no control character reaching the terminal and no
traceback; and export → import → export gives back exactly what went in."""

import asyncio
import json
import re

from helpers import Book, at
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from warroom import cli
from warroom.domain import actions

# Real characters, not their escapes: a variation selector, a lone surrogate, bidi overrides,
# terminal controls, tmux and Markdown syntax, markup, wide and joined emoji.
HOSTILE = ["\ufe0f", "\udcff", "\u202e", "\u2066", "\x1b", "\x07", "\x00", "\x9b", "\r", "\n", "\t", "#", "#[", "#{", "|",
           "<", ">", "`", "[", "]", "[/", "*", "_", "\\", "👩‍🚒", "🔥", "ש", "a", " ", "{title}", "P1"]
texts = st.lists(st.sampled_from(HOSTILE), min_size=1, max_size=12).map("".join)
RAW = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


@st.composite
def incidents(draw):
    """An incident the CLI and console can make, its text drawn from the hostile alphabet."""
    book = Book(title="T" + draw(texts), severity=draw(st.sampled_from(["P0", "P1", "P2", "P3"])), at=at(0),
                impact=draw(texts).replace("\n", " ").replace("\r", " ")[:1000])
    steps = draw(st.lists(st.sampled_from(["note", "finding", "ack", "lever", "skip", "notify", "copy", "send", "followup",
                                           "service", "impact", "severity", "milestone", "step", "resolve", "reopen"]),
                          max_size=10))
    minute = 1
    for step in steps:
        minute += 1
        state, when = book.state, at(minute)
        try:
            if step == "note":
                book.do(actions.note, "alice", when, draw(texts))
            elif step == "finding":
                book.do(actions.report_finding, "alice", when, draw(texts), switch=True)
            elif step == "lever":
                book.do(actions.set_lever, "alice", when, 1, "pulled", switch=True)
            elif step == "notify":
                deadline = next(iter(("leadership", "manager", "pm", "team-lead")), "manager")
                book.do(actions.notify, "alice", when, deadline, draw(texts), switch=True)
            elif step == "send":
                book.do(actions.communicate, "alice", when, "status update", draw(texts), sent=True, switch=True)
            elif step == "followup":
                book.do(actions.add_followup, "alice", when, draw(texts), draw(texts), switch=True)
            elif step == "resolve" and not state.resolved:
                book.do(actions.resolve, "alice", when, switch=True, override=draw(texts))
            elif step == "reopen" and state.resolved:
                book.do(actions.reopen, "alice", when, draw(texts), switch=True)
            elif step == "ack" and state.unacknowledged:
                book.do(actions.acknowledge, "alice", when, state.unacknowledged[0].id, switch=True)
            elif step == "skip":
                book.do(actions.set_lever, "alice", when, draw(st.integers(1, 4)), "skipped", reason=draw(texts), switch=True)
            elif step == "copy":
                book.do(actions.communicate, "alice", when, "client notice", draw(texts), sent=False, switch=True)
            elif step == "service":
                book.do(actions.name_service, "alice", when, draw(texts).replace("\n", "").replace("\r", "")[:80], switch=True)
            elif step == "impact":
                book.do(actions.set_impact, "alice", when, draw(texts).replace("\n", "").replace("\r", ""), switch=True)
            elif step == "severity":
                book.do(actions.change_severity, "alice", when, draw(st.sampled_from(["P0", "P1", "P2", "P3"])), switch=True)
            elif step == "milestone":
                book.do(actions.correct_milestone, "alice", when, "impact started", at(-3), reason=draw(texts), switch=True)
            elif step == "step":
                book.do(actions.resolution_step, "alice", when, draw(st.sampled_from(
                    ["root cause identified", "fix tested in staging", "deployed through the pipeline", "soak and verification"])),
                    note_text=draw(texts), override=draw(texts), switch=True)
        except actions.RuleBroken:
            pass  # an action the rules refuse (an empty text, say) is not part of the incident
    return book


def export_of(book) -> dict:
    from warroom.reports.terminal import export_json

    return export_json(book.state)


def run(capsys, *argv) -> tuple[int, str, str]:
    status = cli.main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(book=incidents())
def test_whatever_import_accepts_every_command_shows_safely_and_export_is_the_identity(tmp_path, capsys, monkeypatch, book):
    db = tmp_path / f"p{abs(hash(str(book.events)))}.db"
    monkeypatch.setenv("WARROOM_DB", str(db))
    monkeypatch.setenv("WARROOM_NOW", at(120).isoformat())
    exported = export_of(book)
    source = tmp_path / "in.json"
    source.write_text(json.dumps(exported, ensure_ascii=True))
    status, _, err = run(capsys, "import", str(source))
    assert status == 0, err  # what warroom itself makes always imports
    for argv in (["list"], ["show"], ["status"], ["status", "--tmux"], ["export"], ["export", "--format", "json"]):
        status, out, err = run(capsys, *argv)
        assert status == 0 and "Traceback" not in err, (argv, err)
        if argv[-1] != "json":
            assert not RAW.search(out.replace("\n", "")), (argv, RAW.search(out.replace("\n", "")))
    _, again, _ = run(capsys, "export", "--format", "json")
    events = lambda data: [{k: v for k, v in e.items() if k != "id"} for e in data["events"]]  # noqa: E731
    assert events(json.loads(again)) == events(exported)
    db.unlink()


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(book=incidents())
def test_the_console_draws_any_importable_incident_without_a_raw_control_character(tmp_path, book):
    from helpers import Clock
    from test_console import settle

    from warroom.console.launch import make_app
    from warroom.store import Store

    db = tmp_path / f"c{abs(hash(str(book.events)))}.db"

    async def show():
        store = await Store.open(db)
        exported = export_of(book)
        from warroom.moving.exports import read_export
        incoming = read_export(json.dumps(exported).encode(), "generated")
        await store.import_incident(incoming.code, incoming.events)
        await store.close()
        app = make_app(db, clock=Clock(at(120)), actor="alice", clipboard=[], code="INC-1")
        async with app.run_test(size=(100, 30)) as pilot:
            await settle(pilot)
            drawn = [str(app.main_screen.query_one(f"#{part}").render()) for part in ("strip", "countdown", "levers")]
            drawn += list(app.main_screen.query_one("#timeline").lines)
            for widget in app.main_screen.query("Static"):
                drawn.append(str(widget.render()))
            for text in drawn:
                assert not RAW.search(text.replace("\n", "")), text

    asyncio.run(show())
    db.unlink()
