"""The `warroom` command line. Bad input: one line on stderr, exit status 2, nothing written."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

from warroom import __version__
from warroom.config import Config, ConfigError
from warroom.config import load as load_config
from warroom.config.environment import UsageError, actor_name, db_path, fail, needs_terminal, system_clock, worked_incident
from warroom.domain import actions
from warroom.domain.actions import RuleBroken
from warroom.domain.errors import WarroomError
from warroom.domain.model import HATS, is_drill
from warroom.domain.text import one_line
from warroom.domain.timefmt import parse_when
from warroom.moving.exports import ImportRefused, read_export
from warroom.service import Service
from warroom.store import EventStore, StoreError, open_store, shown

EXAMPLES = """\
examples:
  warroom                                   open the console on the open incident
  warroom declare "Login fails with 401" --detected 5m --impact "logins for all users"
  warroom log "rolled back web to v142" --as commander
  warroom list
  warroom show INC-1
  warroom export INC-1 > postmortem.md        a postmortem draft in Markdown
  warroom export INC-1 --format json > inc-1.json
  warroom followup INC-1 "add a smoke test" --owner bob
  warroom demo                              replay the seed's JWT outage and open it
  warroom status --tmux                     one line for the tmux status bar
  warroom import inc-1.json                 bring an exported incident into this database
  warroom copy --to postgresql://db/warroom  every incident into another database (or back)
  warroom receive                           receive pages from Alertmanager and PagerDuty on 127.0.0.1:9095
  warroom alert page.json                   take one page (a webhook body) from a file
  warroom publish --dir /var/www/status     write the public status page (P0 and P1, public words only)
  warroom deliver                           send the webhooks' messages that are due (for cron)
  warroom drill jwt-outage --speed 10       practise: a drill in the console on a fast clock, scored
  warroom config --init                     write a commented config file to start from
  warroom config                            where the config is, and what is in effect

files: the database is WARROOM_DB or --db (default: the user data folder); the config is
WARROOM_CONFIG or --config (default: config.toml in the user config folder); your name on
the timeline is WARROOM_NAME, else the config's name, else your login name.
"""


LIST_LIMIT = 50


def _count(text: str) -> int:
    if not text.isdigit() or not 1 <= int(text) <= 1_000_000:
        raise argparse.ArgumentTypeError(f"expected a whole number from 1 to 1,000,000, got {one_line(text, 20)!r}")
    return int(text)


class Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:  # one line, status 2, no usage dump
        raise UsageError(f"{message} (see '{self.prog} --help')")


def _parser() -> Parser:
    common = Parser(add_help=False)
    common.add_argument("--db", metavar="PATH", default=argparse.SUPPRESS,
                        help="the database file (env WARROOM_DB; default in the user data folder)")
    common.add_argument("--config", metavar="PATH", default=argparse.SUPPRESS,
                        help="the config file (env WARROOM_CONFIG; default config.toml in the user config folder)")
    parser = Parser(prog="warroom", description="A war-room console for the person on call.",
                    epilog=EXAMPLES, formatter_class=argparse.RawDescriptionHelpFormatter, parents=[common])
    parser.add_argument("--version", action="version", version=f"warroom {__version__}")
    parser.add_argument("--read-only", action="store_true", help="console: open the database read-only (a review or a copy)")
    parser.add_argument("--no-bell", action="store_true", help="console: no terminal bell when a deadline passes")
    parser.add_argument("--no-alerts", action="store_true", help="console: no notification when a deadline passes")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)

    p = sub.add_parser("declare", parents=[common], help="declare an incident",
                       epilog='example: warroom declare "Checkout 500s" --severity P0 --detected 2m --impact-started 6m '
                              '--impact "checkout for every shopper"')
    p.add_argument("title")
    p.add_argument("--severity", default="P1", metavar="P0..P3", help="default P1, as on the start screen")
    p.add_argument("--impact", default="", metavar="TEXT", help="who or what is affected, as the client notice will say it")
    p.add_argument("--detected", metavar="WHEN", help="when the page arrived: ISO 8601 or a span ago (5m, 90s); default now")
    p.add_argument("--impact-started", metavar="WHEN", help="when impact began, if known (back-dated)")
    p.add_argument("--service", default="", help="the service affected")

    p = sub.add_parser("log", parents=[common], help="add a note to the timeline",
                       epilog='example: warroom log "error rate back to baseline" --as investigator')
    p.add_argument("text")
    p.add_argument("--as", dest="hat", metavar="HAT", help=f"the hat to write as: {', '.join(HATS)} (default: the one you wear)")
    p.add_argument("--incident", metavar="CODE", help="default: the most recent open incident")

    p = sub.add_parser("list", parents=[common], help="list incidents: open ones first, then newest first",
                       epilog="examples:\n  warroom list --open\n  warroom list --since 7d --limit 100\n"
                              "  warroom list --format json > incidents.json",
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--open", action="store_true", help="only incidents not resolved")
    p.add_argument("--since", metavar="WHEN", help="only incidents detected since then: a span ago (7d, 12h, 90m) or a time")
    p.add_argument("--limit", metavar="N", type=_count, default=LIST_LIMIT,
                   help=f"at most N rows (default {LIST_LIMIT}); it says how many more there are")
    p.add_argument("--format", choices=("text", "json"), default="text", help="json: one object per incident")
    p.add_argument("--drills", action="store_true", help="the drills instead (practice incidents, DRILL-n, never listed with real ones)")

    p = sub.add_parser("show", parents=[common], help="show an incident in full", epilog="example: warroom show INC-3")
    p.add_argument("code", nargs="?", metavar="CODE")

    p = sub.add_parser("export", parents=[common], help="export an incident",
                       epilog="examples:\n  warroom export INC-3 > postmortem-inc-3.md\n  warroom export INC-3 --format json > inc-3.json",
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("code", nargs="?", metavar="CODE")
    p.add_argument("--format", choices=("md", "json"), default="md",
                   help="md: a postmortem draft (default); json: every event, exactly")

    p = sub.add_parser("followup", parents=[common], help="add a follow-up (a prevention gap, a corrective action)",
                       epilog='example: warroom followup INC-3 "add a token-compatibility smoke test" --owner bob --due 2026-12-04')
    p.add_argument("code", metavar="CODE")
    p.add_argument("text")
    p.add_argument("--owner", required=True, metavar="NAME")
    p.add_argument("--due", default="", metavar="DATE")

    p = sub.add_parser("demo", parents=[common], help="replay the seed's JWT outage into the database and open it",
                       epilog="example: warroom demo --db /tmp/demo.db")
    p.add_argument("--no-console", action="store_true", help="write the replay and print its code; do not open the console")

    p = sub.add_parser("status", parents=[common], help="one line for a status bar",
                       epilog="example, in ~/.tmux.conf (tmux needs the full path of the warroom you installed):\n"
                              "  set -g status-right '#(~/warroom/.venv/bin/warroom status --tmux) %H:%M'\n"
                              "  set -g status-interval 5",
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--tmux", action="store_true",
                   help="with tmux colour codes (none under NO_COLOR); prints nothing when no incident is open")

    p = sub.add_parser("import", parents=[common], help="bring in an incident that 'export --format json' wrote",
                       epilog="example: warroom import inc-3.json --db ~/team.db   (importing it again adds nothing)")
    p.add_argument("file", metavar="FILE", help="the JSON export, or - for standard input")

    p = sub.add_parser("receive", parents=[common], help="receive pages: Alertmanager and PagerDuty webhooks open or join incidents",
                       epilog="examples:\n  warroom receive                          on 127.0.0.1:9095 (the config's [receive] listen)\n"
                              "  WARROOM_RECEIVE_TOKEN=… warroom receive --listen 0.0.0.0:9095\n"
                              "endpoints: POST /alertmanager, POST /pagerduty, GET /healthz",
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--listen", metavar="HOST:PORT", help="where to listen (default: the config's, else 127.0.0.1:9095)")

    p = sub.add_parser("alert", parents=[common], help="take one page from a file: what receive takes over HTTP",
                       epilog="example: warroom alert page.json   (an Alertmanager or PagerDuty webhook body; - reads stdin)")
    p.add_argument("file", metavar="FILE", help="the webhook's JSON body, or - for standard input")

    p = sub.add_parser("publish", parents=[common], help="write the public status page (index.html, status.json, feed.xml)",
                       epilog="example: warroom publish --dir /var/www/status   (P0 and P1 incidents, in public words only)")
    p.add_argument("--dir", metavar="FOLDER", help="where to write it (default: the config's [status_page] folder, "
                                                      "else status/ beside the database in the user data folder)")

    p = sub.add_parser("deliver", parents=[common], help="send the webhooks' messages that are due, once (for cron)",
                       epilog="example, in a crontab:  * * * * * warroom deliver --quiet")
    p.add_argument("--quiet", action="store_true", help="print nothing when all went well")

    p = sub.add_parser("drill", parents=[common], help="practise: a drill incident in the console, on a fast clock, scored",
                       epilog="examples:\n  warroom drill --list\n  warroom drill jwt-outage --speed 10\n  warroom drill --score DRILL-4",
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("scenario", nargs="?", default="jwt-outage", metavar="SCENARIO",
                   help="a scenario's name (warroom drill --list) or a scenario file (default: jwt-outage)")
    p.add_argument("--speed", type=float, default=1.0, metavar="N", help="incident minutes per real minute (default 1)")
    what = p.add_mutually_exclusive_group()
    what.add_argument("--list", action="store_true", help="the scenarios there are")
    what.add_argument("--score", metavar="CODE", help="the scorecard of a drill played")

    p = sub.add_parser("copy", parents=[common], help="copy every incident into another database (a file or a server)",
                       epilog="examples:\n  warroom copy --to postgresql://alice@db.internal/warroom   (from the file in use)\n"
                              "  warroom --db postgresql://alice@db.internal/warroom copy --to ~/incidents.db\n"
                              "running it again adds nothing; an incident that went on adds its newer events",
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--to", required=True, metavar="TARGET", help="the database to copy into: a file's path or a postgresql:// address")

    p = sub.add_parser("config", parents=[common], help="print the config file's path and the settings in effect",
                       epilog="examples:\n  warroom config --init      write the default file where warroom looks (then edit it)\n"
                              "  warroom config --default > team.toml; warroom --config team.toml",
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    what = p.add_mutually_exclusive_group()
    what.add_argument("--default", action="store_true", help="print a commented default config file to start from")
    what.add_argument("--init", action="store_true", help="write that default file where warroom looks for it (never over a file)")
    return parser


async def _code(store: EventStore, given: str | None, resolved_too: bool = False) -> str:
    """The incident named, else the most recent open one (else, for reading, the most recent)."""
    if given:
        code = given.strip().upper()
        if code not in {row.code for row in await store.incidents()}:
            raise RuleBroken(f"there is no incident {one_line(given, 60)}")
        return code
    found = await store.current_code()
    if found is not None:
        return found
    newest = await store.incidents() if resolved_too else []
    if not newest:
        raise RuleBroken("no open incident: declare one with 'warroom declare TITLE --severity P1'")
    return newest[0].code


def _read_import(name: str, what: str = "an export") -> tuple[bytes, str]:
    try:
        if name == "-":
            return sys.stdin.buffer.read(), "standard input"
        return Path(name).expanduser().read_bytes(), name
    except IsADirectoryError:
        raise ImportRefused(f"{name}: is a folder, not {what}") from None
    except OSError as error:
        raise ImportRefused(f"{name}: cannot read it: {error.strerror or error}") from None
    except ValueError:  # a NUL in the name: no file can be called that
        raise ImportRefused(f"{one_line(name, 80)}: not a file name (it holds a NUL character)") from None


def _write_new(path: Path, text: str) -> None:
    """Create a file that is not there yet, with its folder; never over an existing one. Only
    its owner can read it (runbook commands and names can be sensitive)."""
    from warroom.config.environment import write_private

    try:
        write_private(path, text, new=True)
    except FileExistsError:
        raise ConfigError(f"{path}: a config file is there already; 'warroom config' shows it") from None
    except OSError as error:
        raise ConfigError(f"{path}: cannot write the config file: {error.strerror or error}") from None


async def _run(args: argparse.Namespace, out, config: Config) -> int:

    now = system_clock()
    actor = actor_name(config.name)
    draft = incoming = page = settings = None  # what a command checked before the database is touched
    if args.command == "config":
        from warroom.config.text import render

        if args.init:
            _write_new(config.path, render(config, default=True))
            print(f"wrote {config.path}: edit it, then 'warroom config' shows what is in effect", file=out)
            return 0
        notes = (f"database: {shown(_database(args, config))}", f"you are: {actor}")
        out.write(render(config, default=args.default, notes=notes))
        return 0
    if args.command == "import":  # read and check the whole file before the database is touched
        incoming = read_export(*_read_import(args.file), now=now)
    if args.command == "alert":
        from warroom.integrations.alerts import either

        page = either(_read_import(args.file, "a page")[0], now, _mapping(config))
    if args.command == "receive":
        settings = _receiving(args, config)
    if args.command == "declare":  # validate everything before the database is touched
        draft = actions.declare(
            actor, now, args.title, args.severity,
            detected=parse_when(args.detected, now) if args.detected else None,
            impact_started=parse_when(args.impact_started, now) if args.impact_started else None,
            service=args.service, impact=args.impact,
        )
    path = _database(args, config)
    if args.command not in ("declare", "demo", "import", "alert", "receive"):  # reading never creates a database
        _must_exist(path)
    if args.command == "copy":
        return await _copy(path, db_path(args.to), out)
    if args.command == "publish" and args.dir:
        from dataclasses import replace

        config = replace(config, status_page=replace(config.status_page, folder=args.dir))
    store = await open_store(path)
    if config.webhooks and not store.read_only:
        from warroom.integrations.webhooks import announcer

        store.announcer = announcer(config.webhooks, store.database_id)  # each write queues its messages in the same commit
    service = Service(store, config, lambda: now, tell=_tell)
    try:
        status = await _command(args, service, out, now, actor, draft=draft, incoming=incoming, page=page, settings=settings)
        left = await service.deliver_queued()  # a command that writes also tells the team's channel
        if left:
            print(f"warroom: {left} chat message{'s' if left != 1 else ''} not delivered yet: kept in the outbox "
                  "(a console, warroom receive or warroom deliver sends them)", file=sys.stderr)
        return status
    finally:
        await store.close()


def _tell(line: str, warning: bool = False) -> None:
    """What the service tells a command's user: on stderr, warnings marked."""
    print(f"warroom: warning: {line}" if warning else line, file=sys.stderr)


async def _command(args: argparse.Namespace, service: Service, out, now, actor: str, draft=None, incoming=None,
                   page=None, settings=None) -> int:
    """The command itself, on an open store; every write through `service`. `draft`,
    `incoming`, `page`, `settings`: what was read and checked before the store was opened."""
    from warroom.reports import terminal as report

    store, config = service.store, service.config
    assert config is not None  # (a command always has one: the defaults when no file is found)
    book = config.book
    if args.command == "declare":
        event = await service.declare(draft)
        print(f"{event.incident} declared: {event.payload['severity']} {one_line(event.payload['title'], 200)}", file=out)
        return 0
    if args.command == "publish":
        from warroom.integrations.outward import folder

        on_page = await service.publish(actor, "by hand", await store.open_codes())
        print(f"published {len(on_page)} incident(s) to {one_line(str(folder(config) / 'index.html'))}", file=out)
        return 0
    if args.command == "deliver":
        return await _deliver(store, config, out, args.quiet)
    if args.command == "import":
        code, added = await service.import_incident(incoming.code, incoming.events)
        moved = f" (as {code}: {incoming.code} here is another incident)" if code != incoming.code else ""
        if added == 0:
            print(f"{code} is here already with all {len(incoming.events)} events: nothing imported", file=out)
        elif added < len(incoming.events):
            print(f"{code}: {added} newer events added to the {len(incoming.events) - added} already here", file=out)
        else:
            print(f"{code} imported{moved}: {added} events", file=out)
        return 0
    if args.command == "alert":
        return await _take_page(service, page, out)
    if args.command == "receive":
        from warroom.integrations.receiver import serve

        def ready(port: int) -> None:
            print(f"warroom receive: listening on http://{settings.host}:{port} (POST /alertmanager, POST /pagerduty, "
                  f"GET /healthz); database {store.where}", file=sys.stderr, flush=True)

        await serve(Service(store, config, system_clock), settings, ready)
        return 0
    if args.command == "demo":
        from warroom.drills.demo import write_demo

        code = await write_demo(service, now)
        args.demo_code = code  # the console opens this one (not the newest: on a shared database it may be another's)
        print(f"{code} written: the JWT outage replay", file=out)
        return 0
    if args.command == "list":
        return _list(args, await store.summaries(book.levers), now, out)
    given = getattr(args, "code", None) or getattr(args, "incident", None)
    code = await _code(store, given, resolved_too=args.command in ("show", "export"))
    if args.command in ("log", "followup"):  # the state alone: from the summary, not the whole log
        state = (await store.opening(code, book.levers)).state
    else:  # show and export print every event
        state = await store.load(code, book.levers)
    if args.command == "log":
        written = await service.append(actions.note(state, actor, now, args.text, hat=args.hat), state.severity)
        print(f"{state.code} {report.timeline_line(written[-1], state.detected)}", file=out)
    elif args.command == "followup":
        written = await service.append(actions.add_followup(state, actor, now, args.text, args.owner, due=args.due, switch=True),
                                       state.severity)
        print(f"{state.code} {report.timeline_line(written[-1], state.detected)}", file=out)
    elif args.command == "show":
        print(report.show(state, now, book), file=out)
    elif args.command == "export" and args.format == "json":
        json.dump(report.export_json(state), out, ensure_ascii=True, indent=2)
        print(file=out)
    elif args.command == "export":
        from warroom.reports.postmortem import markdown

        out.write(markdown(state, now, book))
    return 0


def _list(args: argparse.Namespace, states, now, out) -> int:
    """Open incidents first, then by detection, newest first; filtered, then cut at --limit."""
    from warroom.reports import terminal as report
    from warroom.store.summary import ordered

    since = parse_when(args.since, now) if args.since else None
    drills = [s for s in states if is_drill(s.code)]
    states = drills if args.drills else [s for s in states if not is_drill(s.code)]
    chosen = ordered([s for s in states if (not args.open or not s.resolved) and (since is None or (s.detected and s.detected >= since))])
    shown, more = chosen[: args.limit], len(chosen) - args.limit
    if args.format == "json":
        json.dump([report.list_json(s) for s in shown], out, ensure_ascii=True, indent=2)
        print(file=out)
        return 0
    if not shown:
        print(("no drills" if args.drills else "no incidents") + (" match" if args.open or since else " yet"), file=out)
    for state in shown:
        print(report.list_row(state, now), file=out)
    if more > 0:
        print(f"… and {more:,} more (--limit {len(chosen)} shows them all)", file=out)
    if drills and not args.drills:
        print(f"({len(drills)} drill{'s' if len(drills) != 1 else ''} not listed: warroom list --drills)", file=out)
    return 0


def _mapping(config: Config):
    from warroom.integrations.alerts import Mapping

    return Mapping(config.receiving.severity, config.receiving.urgency)


def _receiving(args: argparse.Namespace, config: Config):
    """Where `receive` listens and what it asks of a page, from the flag, the environment and the config."""
    from warroom.integrations.receiver import MAX_CONNECTIONS, Settings

    listen = args.listen or config.receiving.listen
    host, _, port = listen.rpartition(":")
    if not host or not port.isdigit() or not 0 <= int(port) <= 65535:
        raise UsageError(f"--listen {one_line(listen, 60)}: expected HOST:PORT, such as 127.0.0.1:9095")
    token = os.environ.get("WARROOM_RECEIVE_TOKEN", "").strip() or config.receiving.token
    secret = os.environ.get("WARROOM_PAGERDUTY_SECRET", "").strip() or config.receiving.pagerduty_secret
    ceiling = os.environ.get("WARROOM_RECEIVE_MAX_CONNECTIONS", "").strip()
    if ceiling and not ceiling.isdigit():
        raise UsageError(f"WARROOM_RECEIVE_MAX_CONNECTIONS={one_line(ceiling, 30)}: expected a whole number")
    settings = Settings(host.strip("[]"), int(port), token, (secret,) if secret else (), _mapping(config),
                        int(ceiling) if ceiling else MAX_CONNECTIONS)
    try:
        settings.check()
    except ValueError as error:
        raise UsageError(str(error)) from None
    return settings


async def _deliver(store: EventStore, config: Config, out, quiet: bool) -> int:
    import aiohttp

    from warroom.integrations.webhooks import deliver_due, standing

    async with aiohttp.ClientSession() as session:
        tally = await deliver_due(store, config.webhooks, system_clock, session)
    left = standing(await store.waiting(system_clock()), system_clock())
    if not quiet or tally.failed or left:
        print(f"delivered {tally.delivered}, failed {tally.failed} (given up {tally.given_up})"
              + (f"; {left}" if left else ""), file=out)
    return 0


async def _take_page(service: Service, page, out) -> int:
    if page is None:
        print("nothing recorded: not an event warroom records", file=out)
        return 0
    taken = await service.take_page(page)
    if taken.replay:
        print(f"nothing recorded: a replay: this PagerDuty incident was {taken.replay}, resolved since; nothing opened", file=out)
    elif taken.code is None:
        print(f"nothing recorded: the group has no open incident and a {page.source} page that does not fire opens none", file=out)
    elif taken.opened:
        print(f"{taken.code} opened by the page: {page.severity} {one_line(page.title, 200)} "
              f"({len(taken.events) - 1} alert events)", file=out)
    else:
        print(f"{taken.code}: {len(taken.events)} alert events recorded" if taken.events
              else f"{taken.code}: nothing new in the page", file=out)
    return 0


async def _copy(source: Path | str, target: Path | str, out) -> int:
    from warroom.moving.copying import copy_all

    if not isinstance(target, str) and target.is_dir():
        raise StoreError(f"{target}: is a folder, not a database file")
    done = await copy_all(source, target, lambda line: print(line, file=out))
    print(f"copied {done.events:,} events of {done.incidents} incidents to {shown(target)}; "
          f"{done.there} there already", file=out)
    if done.refused:
        raise StoreError(f"{len(done.refused)} incidents not copied (see above); first: {done.refused[0]}")
    return 0


def _alarms(args: argparse.Namespace, config: Config) -> dict:
    """The console's bell and notifications when a deadline passes: the config's, less the flags'."""
    return {"bell": config.bell and not args.no_bell, "alerts": config.alerts and not args.no_alerts}


def _database(args: argparse.Namespace, config: Config) -> Path | str:
    """The database: --db, else WARROOM_DB, else the config's `database`, else the default file."""
    return db_path(getattr(args, "db", None), config.database)


def _must_exist(path: Path | str) -> None:
    """A read on a database that is not there names the file it looked for: a typo in --db or
    WARROOM_DB must not read as all quiet. (A server says so itself when it is asked.)"""
    if isinstance(path, str):
        return
    if not path.exists():
        where = "its folder does not exist either" if not path.parent.is_dir() else "nothing was declared in it yet"
        raise StoreError(f"{path}: no database here ({where}; check --db or WARROOM_DB)")
    if path.is_dir():
        raise StoreError(f"{path}: is a folder, not a database file")


def _config(args: argparse.Namespace) -> Config:
    """The config in effect; `config --default` does not need (or read) one."""
    if args.command == "config" and (args.default or args.init):  # neither reads the file there
        from warroom.config import config_path

        return Config(config_path(getattr(args, "config", None))[0], found=False)
    return load_config(getattr(args, "config", None))


def _status(args: argparse.Namespace, out, config: Config) -> int:
    """`warroom status`, read synchronously: a tmux status bar runs it every few seconds."""
    from warroom.reports import terminal as report
    from warroom.store import peek

    path = _database(args, config)

    def bar(words: str) -> None:  # the status bar shows stdout: say it there too, not a quiet bar
        if args.tmux:
            print(f"#[fg=black,bg=yellow]⚠ warroom: {words}#[default]" if os.environ.get("NO_COLOR") in (None, "")
                  else f"⚠ warroom: {words}", file=out)

    try:
        _must_exist(path)
    except StoreError:
        bar("no database")
        raise
    try:
        opened = peek(path, None, worked_incident(path), config.book.levers)
    except StoreError:
        bar("database unreadable" if not isinstance(path, str) else "server unreachable")
        raise
    if opened is None:
        if not args.tmux:
            print("no open incident", file=out)
        return 0
    colour = not os.environ.get("NO_COLOR")  # no-color.org: set and not empty
    print(report.status_line(opened.state, system_clock(), tmux=args.tmux, colour=colour, book=config.book), file=out)
    return 0


def _drill(args: argparse.Namespace, config: Config, out) -> int:
    """`warroom drill`: the scenarios, a drill's scorecard, or a new drill in the console."""
    import asyncio
    from dataclasses import replace

    from warroom.drills import scenario as scenarios

    folder = config.path.parent
    if args.list:
        for found in scenarios.available(folder):
            print(f"{one_line(found.name, 60):<22} {found.severity}  {one_line(found.summary or found.title, 100)}", file=out)
        return 0
    path = _database(args, config)
    if args.score:
        _must_exist(path)
        return asyncio.run(_score(path, args.score, folder, out, config.book.policy))
    played = scenarios.find(args.scenario, folder)
    from warroom.domain.playbook import LEVER_KEYS, LeverRunbook
    from warroom.drills.clock import DrillClock

    try:
        clock = DrillClock(args.speed)
    except ValueError as error:
        raise UsageError(str(error)) from None
    needs_terminal()  # before the drill's incident is written
    detected = clock()
    draft = actions.declare(actor_name(config.name), detected, played.title, played.severity, detected=detected,
                            impact_started=detected - played.impact_before, service=played.service,
                            impact=played.impact, drill=played.name)

    async def start() -> str:
        store = await open_store(path)
        try:
            return (await Service(store, config, clock).declare(draft)).incident
        finally:
            await store.close()

    code = asyncio.run(start())
    runbook = {LEVER_KEYS.index(key) + 1: LeverRunbook(command=command) for key, command in played.runbook.items()
               if key in LEVER_KEYS}
    book = replace(config.book, runbooks={**config.book.runbooks, played.service: runbook}) if runbook else config.book
    print(f"{code}: the {one_line(played.name, 60)} drill at {args.speed:g}× (z pauses; resolving it shows the scorecard; "
          f"later: warroom drill --score {code})", file=out)
    from warroom.console.launch import run_console

    return run_console(path, code=code, config=replace(config, book=book), clock=clock, drill=played,
                       **_alarms(args, config))


async def _score(path, code: str, folder, out, policy) -> int:
    from warroom.drills import scorecard

    store = await open_store(path, read_only=True)
    try:
        state = await store.load(code.strip().upper())
    finally:
        await store.close()
    if not state.drill:
        raise RuleBroken(f"{state.code} is not a drill")
    end = state.resolved_at or max(e.at for e in state.events)
    print(f"{state.code}: the {one_line(state.drill, 60)} drill", file=out)
    print(scorecard(state, end, policy, folder).text(), file=out)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    try:
        args = _parser().parse_args(argv)
        config = _config(args)
        if args.command == "demo" and not args.no_console:
            needs_terminal()  # before the demo is written
        if args.command is None:
            from warroom.console.launch import run_console

            return run_console(_database(args, config), config=config, **_alarms(args, config), read_only=args.read_only)
        if args.command == "status":
            return _status(args, sys.stdout, config)
        if args.command == "drill":
            return _drill(args, config, sys.stdout)
        import asyncio

        status = asyncio.run(_run(args, sys.stdout, config))
        if args.command == "demo" and status == 0 and not args.no_console:
            from warroom.console.launch import run_console

            return run_console(_database(args, config), code=args.demo_code, config=config,
                               **_alarms(args, config))
        return status
    except WarroomError as error:  # everything warroom refuses: one line, exit 2
        return fail(str(error))
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0
    except Exception as error:  # never a traceback: one line, and the details in a crash log
        from warroom.config.environment import crash_line

        print(crash_line(error), file=sys.stderr)
        return 1
