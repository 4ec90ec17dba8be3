"""The command line's arguments: every subcommand's, in one parser that imports nothing heavy
(a command's own module is imported only when it runs)."""

from __future__ import annotations

import argparse
import re
from collections.abc import Callable, Sequence
from typing import Any, NoReturn

from warroom import __version__
from warroom.config.environment import UsageError
from warroom.domain.model import HATS
from warroom.domain.text import one_line

EXAMPLES = """\
examples:
  warroom                                   open the console on the open incident
  warroom declare "Login fails with 401" --detected 5m --impact "logins for all users"
  warroom log "rolled back web to v142" --as commander
  warroom list
  warroom show INC-1
  warroom export INC-1 > postmortem.md        a postmortem draft in Markdown
  warroom export INC-1 --format json > inc-1.json
  warroom followup INC-1 "add a smoke test" --owner bob --due 7d
  warroom followup F-1 --done --link https://git.example/pr/88
  warroom followups --overdue              the follow-ups past their due date, every incident's
  warroom insights --since 2y --by quarter  the team's trends: times, deadlines, levers, follow-ups
  warroom demo                              replay the seed's JWT outage and open it
  warroom status --tmux                     one line for the tmux status bar
  warroom import inc-1.json                 bring an exported incident into this database
  warroom copy --to postgresql://db/warroom  every incident into another database (or back)
  warroom receive                           receive pages from Alertmanager and PagerDuty on 127.0.0.1:9095
  warroom alert page.json                   take one page (a webhook body) from a file
  warroom publish --dir /var/www/status     write the public status page (P0 and P1, public words only)
  warroom components Checkout --state auto  the status page components the open incident affects
  warroom maintenance "DB upgrade" --from 2026-12-05T02:00Z --to 04:00Z   announced; its alerts open nothing
  warroom subscribers add ops@example.com   mailed each public update, with a one-link unsubscribe
  warroom deliver                           send the webhooks' messages and pages that are due (for cron)
  warroom notify "engineering manager" PM   page the people of those roles (the config's [people], [roles])
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


# a command's free text, which a shell splits into words unless it is quoted: (its argument, what it is)
_TEXTS = {"log": ("text", "a note"), "declare": ("title", "a title"), "followup": ("text", "a follow-up")}


def leftover(args: argparse.Namespace, extra: list[str]) -> str:
    """What to say of the arguments no option took. Words after a command's text are its text
    split by the shell (`warroom log rolled back web`): say how to quote it, and for a note
    whose first word is an incident's code (`warroom log INC-3 "..."`, as `show` takes it),
    how to name the incident."""
    command, unknown = getattr(args, "command", None), " ".join(extra)
    if command not in _TEXTS or any(word.startswith("-") for word in extra):
        return f"unrecognized arguments: {one_line(unknown, 80)} (see 'warroom --help')"
    field, what = _TEXTS[command]
    first = getattr(args, field) or ""
    if command == "log" and re.fullmatch(r"[A-Za-z]+-\d+", first):
        return f"to write on {first}: warroom log --incident {first} {_quoted(unknown)}"
    code = f"{args.code} " if command == "followup" else ""
    return f"{what} is one quoted text: warroom {command} {code}{_quoted(' '.join(filter(None, (first, *extra))))}"


def _quoted(text: str) -> str:
    """The text as a shell takes it back whole: in double quotes, or single where those would not do."""
    text = one_line(text, 60)
    if re.search(r'["$`\\!]', text):
        import shlex

        return shlex.quote(text)
    return f'"{text}"'


Adds = Callable[[Any, Parser], None]  # adds one subcommand's parser and its arguments: (the subparsers, the common options)
# each subcommand's, in the order --help lists them
_COMMANDS: dict[str, Adds] = {}


def _command(name: str) -> Callable[[Adds], Adds]:
    def register(add: Adds) -> Adds:
        _COMMANDS[name] = add
        return add
    return register


def named_command(argv: Sequence[str]) -> str | None:
    """The subcommand the arguments name, if they name one and ask no top-level help: only its
    parser is then built (building all seventeen cost `warroom status --tmux` 8 ms a call, mostly
    argparse's formatter and gettext; issue 26). "" when they name none (the console: none is
    built); None: build them all (help, or a word that is no command, to list them)."""
    skip = False
    for token in argv:
        if skip:
            skip = False
        elif token in ("--db", "--config"):
            skip = True  # its value follows
        elif token.startswith("-"):
            if token in ("-h", "--help", "--version"):
                return None
        else:
            return token if token in _COMMANDS else None
    return ""


def parser(argv: Sequence[str] | None = None) -> Parser:
    """The command line's parser; given the arguments, only the subcommand they name is built
    (the whole parser without them, and for `--help`, a bare `warroom`, or a name that is no
    command)."""
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
    wanted = None if argv is None else named_command(argv)
    for name, add in _COMMANDS.items():
        if wanted in (None, name):
            add(sub, common)
    return parser


@_command("declare")
def _declare(sub, common: Parser) -> None:
    p = sub.add_parser("declare", parents=[common], help="declare an incident",
                       epilog='example: warroom declare "Checkout 500s" --severity P0 --detected 2m --impact-started 6m '
                              '--impact "checkout for every shopper"')
    p.add_argument("title")
    p.add_argument("--severity", default="P1", metavar="P0..P3", help="default P1, as on the start screen")
    p.add_argument("--impact", default="", metavar="TEXT", help="who or what is affected, as the client notice will say it")
    p.add_argument("--public-title", default="", metavar="TEXT",
                   help="what customers read as its title (default: the impact in plain words; the title stays internal)")
    p.add_argument("--detected", metavar="WHEN", help="when the page arrived: ISO 8601 or a span ago (5m, 90s); default now")
    p.add_argument("--impact-started", metavar="WHEN", help="when impact began, if known (back-dated)")
    p.add_argument("--service", default="", help="the service affected")
    p.add_argument("--component", action="append", default=[], metavar="NAME",
                   help="a status page component it affects (again for more; default: its service's, as [status_page.services] maps them)")


@_command("log")
def _log(sub, common: Parser) -> None:
    p = sub.add_parser("log", parents=[common], help="add a note to the timeline",
                       epilog='example: warroom log "error rate back to baseline" --as investigator')
    p.add_argument("text")
    p.add_argument("--as", dest="hat", metavar="HAT", help=f"the hat to write as: {', '.join(HATS)} (default: the one you wear)")
    p.add_argument("--incident", metavar="CODE", help="default: the most recent open incident")


@_command("list")
def _list(sub, common: Parser) -> None:
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


@_command("show")
def _show(sub, common: Parser) -> None:
    p = sub.add_parser("show", parents=[common], help="show an incident in full", epilog="example: warroom show INC-3")
    p.add_argument("code", nargs="?", metavar="CODE")


@_command("export")
def _export(sub, common: Parser) -> None:
    p = sub.add_parser("export", parents=[common], help="export an incident",
                       epilog="examples:\n  warroom export INC-3 > postmortem-inc-3.md\n  warroom export INC-3 --format json > inc-3.json",
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("code", nargs="?", metavar="CODE")
    p.add_argument("--format", choices=("md", "json"), default="md",
                   help="md: a postmortem draft (default); json: every event, exactly")


@_command("followup")
def _followup(sub, common: Parser) -> None:
    p = sub.add_parser("followup", parents=[common], help="add a follow-up, or close, reopen or change one (F-n)",
                       epilog='examples:\n'
                              '  warroom followup INC-3 "add a token-compatibility smoke test" --owner bob --due 2026-12-04\n'
                              '  warroom followup F-12 --done --note "runs on every deploy" --link https://git.example/pr/88\n'
                              '  warroom followup F-12 --reopen --reason "it is flaky"\n'
                              '  warroom followup F-12 --owner carol --due 7d',
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("code", metavar="CODE", help="an incident (INC-3) to add one to, or a follow-up (F-12) to change")
    p.add_argument("text", nargs="?", help="what should change (a new follow-up)")
    p.add_argument("--owner", metavar="NAME", help="who owns it (a new one: you, unless named)")
    p.add_argument("--due", metavar="DATE", help="due by: 2026-12-04, or 7d / 2w from today ('' takes the date away)")
    p.add_argument("--done", action="store_true", help="close it")
    p.add_argument("--note", default="", metavar="TEXT", help="with --done: what was done")
    p.add_argument("--link", metavar="URL", help="the pull request or ticket")
    p.add_argument("--reopen", action="store_true", help="reopen a closed one")
    p.add_argument("--reason", default="", metavar="TEXT", help="with --reopen: why")


@_command("followups")
def _followups(sub, common: Parser) -> None:
    p = sub.add_parser("followups", parents=[common], help="list the follow-ups of every incident",
                       epilog="examples:\n  warroom followups --overdue\n  warroom followups --owner bob --format csv",
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--open", action="store_true", help="only the open ones")
    p.add_argument("--overdue", action="store_true", help="only the open ones past their due date")
    p.add_argument("--owner", metavar="NAME", help="only this owner's")
    p.add_argument("--incident", metavar="CODE", help="only this incident's")
    p.add_argument("--drills", action="store_true", help="the drills' follow-ups (their improvement plans) instead")
    p.add_argument("--format", choices=("text", "json", "csv"), default="text")


@_command("insights")
def _insights(sub, common: Parser) -> None:
    p = sub.add_parser("insights", parents=[common], help="what the team's incidents say: trends, deadlines, levers, follow-ups",
                       epilog="examples:\n  warroom insights\n  warroom insights --since 2y --by quarter --severity P1\n"
                              "  warroom insights --drills --format csv > drills.csv",
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--since", default="90d", metavar="WHEN", help="how far back: 90d, 12w, 2y, or a date such as 2026-01-01 (default 90d)")
    p.add_argument("--by", choices=("month", "quarter"), default="month", help="the period of each trend (default month)")
    p.add_argument("--severity", choices=("P0", "P1", "P2", "P3"), type=str.upper, help="only incidents of this severity")
    p.add_argument("--drills", action="store_true", help="the drills (practice) instead of real incidents, with their scores")
    p.add_argument("--format", choices=("text", "json", "csv"), default="text")


@_command("demo")
def _demo(sub, common: Parser) -> None:
    p = sub.add_parser("demo", parents=[common], help="replay the seed's JWT outage into the database and open it",
                       epilog="example: warroom demo --db /tmp/demo.db")
    p.add_argument("--no-console", action="store_true", help="write the replay and print its code; do not open the console")


@_command("status")
def _status(sub, common: Parser) -> None:
    p = sub.add_parser("status", parents=[common], help="one line for a status bar",
                       epilog="example, in ~/.tmux.conf (tmux needs the full path of the warroom you installed):\n"
                              "  set -g status-right '#(~/warroom/.venv/bin/warroom status --tmux) %H:%M'\n"
                              "  set -g status-interval 5",
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--tmux", action="store_true",
                   help="with tmux colour codes (none under NO_COLOR); prints nothing when no incident is open")


@_command("import")
def _import(sub, common: Parser) -> None:
    p = sub.add_parser("import", parents=[common], help="bring in an incident that 'export --format json' wrote",
                       epilog="example: warroom import inc-3.json --db ~/team.db   (importing it again adds nothing)")
    p.add_argument("file", metavar="FILE", help="the JSON export, or - for standard input")


@_command("receive")
def _receive(sub, common: Parser) -> None:
    p = sub.add_parser("receive", parents=[common], help="receive pages: Alertmanager and PagerDuty webhooks open or join incidents",
                       epilog="examples:\n  warroom receive                          on 127.0.0.1:9095 (the config's [receive] listen)\n"
                              "  WARROOM_RECEIVE_TOKEN=… warroom receive --listen 0.0.0.0:9095\n"
                              "endpoints: POST /alertmanager, POST /pagerduty, GET /healthz, GET and POST /ack/TOKEN (a page's link)",
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--listen", metavar="HOST:PORT", help="where to listen (default: the config's, else 127.0.0.1:9095)")


@_command("alert")
def _alert(sub, common: Parser) -> None:
    p = sub.add_parser("alert", parents=[common], help="take one page from a file: what receive takes over HTTP",
                       epilog="example: warroom alert page.json   (an Alertmanager or PagerDuty webhook body; - reads stdin)")
    p.add_argument("file", metavar="FILE", help="the webhook's JSON body, or - for standard input")


@_command("publish")
def _publish(sub, common: Parser) -> None:
    p = sub.add_parser("publish", parents=[common], help="write the public status page (index.html, status.json, feed.xml)",
                       epilog="example: warroom publish --dir /var/www/status   (P0 and P1 incidents, in public words only)")
    p.add_argument("--dir", metavar="FOLDER", help="where to write it (default: the config's [status_page] folder, "
                                                      "else status/ beside the database in the user data folder)")


@_command("components")
def _components(sub, common: Parser) -> None:
    p = sub.add_parser("components", parents=[common], help="the status page's components: their state now, or which an incident affects",
                       epilog="examples:\n  warroom components                         each component's state, as the page shows it\n"
                              "  warroom components Checkout API            the open incident affects these (communicator)\n"
                              '  warroom components --state "partial outage" their state on the page, overriding the derived one\n'
                              "  warroom components --state auto --of-service   back to its service's, in the derived state",
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("names", nargs="*", metavar="NAME", help="the components it affects, as [status_page] components names them")
    p.add_argument("--state", metavar="STATE", help="operational, degraded, partial outage, major outage, or auto (derived)")
    p.add_argument("--of-service", action="store_true", help="the components of its service again, not named ones")
    p.add_argument("--incident", metavar="CODE", help="default: the most recent open incident")


@_command("maintenance")
def _maintenance(sub, common: Parser) -> None:
    p = sub.add_parser("maintenance", parents=[common], help="schedule maintenance: announced on the status page; its alerts open no incident",
                       epilog='examples:\n  warroom maintenance "Database upgrade" --from 2026-12-05T02:00Z --to 04:00Z --component API\n'
                              "  warroom maintenance --list             what is scheduled or running (--all: and what is over)\n"
                              "  warroom maintenance --show MW-1        its timeline: the alerts it held back\n"
                              '  warroom maintenance --cancel MW-1 --reason "postponed"',
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("title", nargs="?", help="what the page announces")
    p.add_argument("--from", dest="starts", metavar="WHEN", help="when it starts: 2026-12-05T02:00Z")
    p.add_argument("--to", dest="ends", metavar="WHEN", help="when it ends: a time of day (04:00Z) or a full time")
    p.add_argument("--component", action="append", default=[], metavar="NAME", help="a component it takes down (again for more; default: all)")
    p.add_argument("--notice", default="", metavar="TEXT", help="what the page says of it, besides its title and times")
    p.add_argument("--list", action="store_true", help="what is scheduled or running")
    p.add_argument("--all", action="store_true", help="with --list: what is over or cancelled too")
    p.add_argument("--show", metavar="MW-N", help="one maintenance and its timeline")
    p.add_argument("--cancel", metavar="MW-N", help="cancel one; the page stops announcing it")
    p.add_argument("--reason", default="", metavar="TEXT", help="with --cancel: why, on its timeline")


@_command("subscribers")
def _subscribers(sub, common: Parser) -> None:
    p = sub.add_parser("subscribers", parents=[common], help="who is mailed the status page's public updates",
                       epilog="examples:\n  warroom subscribers add ops@example.com --component API\n"
                              "  warroom subscribers list\n  warroom subscribers remove ops@example.com",
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("action", choices=("add", "list", "remove"))
    p.add_argument("address", nargs="?", help="an email address (add, remove)")
    p.add_argument("--component", action="append", default=[], metavar="NAME",
                   help="with add: only updates that affect this component (again for more; default: every update)")


@_command("notify")
def _notify(sub, common: Parser) -> None:
    p = sub.add_parser("notify", parents=[common], help="page the people of roles of the matrix ([people], [roles] in the config)",
                       epilog='examples:\n  warroom notify "engineering manager" PM\n  warroom notify INC-3 leadership --message "call the bridge"\n'
                              "  warroom notify --test on-call      a page marked TEST: says per channel whether it was accepted",
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("words", nargs="+", metavar="[CODE] ROLE", help="the incident (default: the open one), then the roles to page")
    p.add_argument("--message", default="", metavar="TEXT", help="a line of your own, added to the page")
    p.add_argument("--test", action="store_true", help="a page marked TEST, sent at once; it meets no deadline")


@_command("deliver")
def _deliver(sub, common: Parser) -> None:
    p = sub.add_parser("deliver", parents=[common], help="send the webhooks' messages that are due, once (for cron)",
                       epilog="example, in a crontab:  * * * * * warroom deliver --quiet")
    p.add_argument("--quiet", action="store_true", help="print nothing when all went well")


@_command("drill")
def _drill(sub, common: Parser) -> None:
    p = sub.add_parser("drill", parents=[common], help="practise: a drill incident in the console, on a fast clock, scored",
                       epilog="examples:\n  warroom drill --list\n  warroom drill jwt-outage --speed 10\n  warroom drill --score DRILL-4\n"
                              "  warroom drill --from INC-7 --name checkout-timeouts   then: warroom drill checkout-timeouts\n"
                              "  warroom drill --facilitate DRILL-4        in another pane, beside the players' console\n"
                              "  warroom drill --resume DRILL-4            play on after a quit",
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("scenario", nargs="?", default=None, metavar="SCENARIO",
                   help="a scenario's name (warroom drill --list) or a scenario file (default: jwt-outage)")
    p.add_argument("--speed", type=float, default=None, metavar="N", help="incident minutes per real minute (default 1)")
    what = p.add_mutually_exclusive_group()
    what.add_argument("--list", action="store_true", help="the scenarios there are")
    what.add_argument("--score", metavar="CODE", help="the scorecard of a drill played")
    what.add_argument("--from", dest="replay", metavar="CODE",
                      help="write a scenario from a resolved incident (its alerts, findings, lever outcomes, figures) to play")
    what.add_argument("--history", action="store_true", help="past drills: date, scenario, players, score, the top deduction")
    what.add_argument("--followups", metavar="CODE", help="turn a drill's deductions into follow-ups (--pick 1,3; without it, lists them)")
    p.add_argument("--person", metavar="NAME", help="with --history: only the drills this person played")
    p.add_argument("--pick", metavar="N,N", help="with --followups: the deductions, by their number in the review")
    p.add_argument("--owner", metavar="NAME", help="with --followups: who owns them (default: you)")
    what.add_argument("--facilitate", metavar="CODE",
                      help="run a drill being played: its script, injects fired or written as it goes, the clock paused for everyone")
    what.add_argument("--resume", metavar="CODE",
                      help="play on a drill left before it was resolved (a quit, a closed pane), on its own clock")
    p.add_argument("--name", metavar="NAME", help="with --from: the scenario's name (default replay-inc-7)")


@_command("copy")
def _copy(sub, common: Parser) -> None:
    p = sub.add_parser("copy", parents=[common], help="copy every incident into another database (a file or a server)",
                       epilog="examples:\n  warroom copy --to postgresql://alice@db.internal/warroom   (from the file in use)\n"
                              "  warroom --db postgresql://alice@db.internal/warroom copy --to ~/incidents.db\n"
                              "running it again adds nothing; an incident that went on adds its newer events",
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--to", required=True, metavar="TARGET", help="the database to copy into: a file's path or a postgresql:// address")


@_command("config")
def _config(sub, common: Parser) -> None:
    p = sub.add_parser("config", parents=[common], help="print the config file's path and the settings in effect",
                       epilog="examples:\n  warroom config --init      write the default file where warroom looks (then edit it)\n"
                              "  warroom config --default > team.toml; warroom --config team.toml",
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    what = p.add_mutually_exclusive_group()
    what.add_argument("--default", action="store_true", help="print a commented default config file to start from")
    what.add_argument("--init", action="store_true", help="write that default file where warroom looks for it (never over a file)")
