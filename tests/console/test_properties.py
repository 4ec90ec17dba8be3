"""Properties over many generated incidents (issue 13): whatever an import accepts is shown by
every command and the console with no control character reaching the terminal and no
traceback; and export → import → export gives back exactly what went in."""

import asyncio
import json

from helpers import at
from helpers.incidents import RAW, incidents
from hypothesis import HealthCheck, given, settings

from warroom import cli


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
    from helpers.console import settle

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
