"""The config file: a TOML file read with tomllib and checked into a typed `Config`.

Found at `--config PATH`, else `WARROOM_CONFIG`, else `config.toml` in the user's config
folder (platformdirs); a missing default file means the defaults. Every problem is one
`ConfigError` line naming the file, the line or the key, and what was expected.
"""

from __future__ import annotations

import os
import re
from datetime import timedelta
from pathlib import Path
from typing import Any, NamedTuple

from msgspec import Struct, field

from warroom.config.checks import _CONTROL, _Bad, _bool, _choice, _email, _got, _minutes, _names, _short, _table, _text, _url
from warroom.config.environment import user_folder
from warroom.config.roster import _roster
from warroom.domain.errors import WarroomError
from warroom.domain.model import DEFAULT_MAPPING, DEFAULT_URGENCY, LEVERS, SEVERITIES
from warroom.domain.playbook import LEVER_KEYS, LeverRunbook, Playbook
from warroom.domain.policy import NOTIFY, POLICY, SEND, Rule, SeverityPolicy
from warroom.domain.roster import Roster
from warroom.domain.templates import PLACEHOLDERS, TEMPLATES, placeholders
from warroom.domain.text import one_line

APP = "warroom"
ENV = "WARROOM_CONFIG"
HIGH_CONTRAST = "high-contrast"
# Textual's built-in themes (of the pinned version; a test checks the list) and warroom's own.
THEMES = (
    "textual-dark", "textual-light", "nord", "gruvbox", "catppuccin-mocha", "dracula", "tokyo-night",
    "monokai", "flexoki", "catppuccin-latte", "catppuccin-frappe", "catppuccin-macchiato",
    "solarized-light", "solarized-dark", "rose-pine", "rose-pine-moon", "rose-pine-dawn",
    "atom-one-dark", "atom-one-light", "ansi-dark", "ansi-light", HIGH_CONTRAST,
)
def template_key(name: str) -> str:
    """A template's name as a config key: `client notice` → `client_notice`."""
    return name.replace(" ", "_")


TEMPLATE_KEYS = {template_key(name): name for name in TEMPLATES}  # config key → the domain's name
MAX_BYTES = 1 << 20  # a config file of a megabyte is a mistake, not a playbook
MAX_DEADLINES = 50  # per severity
MAX_RUNBOOKS = 1000  # services
_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")


class ConfigError(WarroomError):
    """One line: the file, the line or key, what was expected."""


class Receiving(Struct, frozen=True):
    """`warroom receive` and `warroom alert`: the [receive] table."""
    listen: str = "127.0.0.1:9095"
    token: str = ""  # WARROOM_RECEIVE_TOKEN wins
    pagerduty_secret: str = ""  # WARROOM_PAGERDUTY_SECRET wins
    severity: dict = field(default_factory=lambda: dict(DEFAULT_MAPPING))  # Alertmanager's severity label → P0–P3
    urgency: dict = field(default_factory=lambda: dict(DEFAULT_URGENCY))  # PagerDuty's urgency → P0–P3


TOPICS = ("declared", "severity changed", "contained", "message sent", "resolved", "reopened", "published", "alert")
FORMATS = ("slack", "json")
DEFAULT_TOPICS: tuple[str, ...] = ("declared", "severity changed", "contained", "message sent", "resolved")


class Webhook(Struct, frozen=True):
    """One `[[webhooks]]` entry: where messages go, which ones, in which format, signed or not."""
    name: str
    url: str
    topics: tuple[str, ...] = DEFAULT_TOPICS
    format: str = "slack"
    secret: str = ""


class Mailing(NamedTuple):
    smtp: str
    sender: str
    answer_url: str
    page_url: str


class StatusPage(Struct, frozen=True):
    folder: str = ""  # "" : the default, `status` under the user data folder
    title: str = "Service status"
    components: tuple[str, ...] = ()  # what the page shows the state of, at a glance (issue 30)
    services: dict[str, tuple[str, ...]] = field(default_factory=dict)  # a warroom service -> the components it affects
    smtp: str = ""  # the subscribers' mail server ("": [paging]'s); the password from WARROOM_SMTP_PASSWORD
    sender: str = ""  # the From of their mail ("": [paging]'s)
    answer_url: str = ""  # where `warroom receive` serves their unsubscribe link ("": [paging]'s)
    url: str = ""  # where the public reads the page: the mails link to it ("": no link)


HOOK_PLACEHOLDERS = ("title", "body", "owner", "due", "code", "incident")  # [followups] create's, each shell-quoted


class Followups(Struct, frozen=True):
    """[followups]: the command run once for each new follow-up (its printed URL is the link)."""
    create: str = ""
    timeout: float = 30.0  # seconds before the command is stopped


class Config(Struct, frozen=True):
    path: Path
    found: bool  # False: no file, the defaults
    name: str = ""
    database: str = ""  # a file's path or a postgresql:// address; WARROOM_DB and --db come first
    bell: bool = True
    alerts: bool = True
    theme: str = "textual-dark"
    book: Playbook = field(default_factory=Playbook)
    receiving: Receiving = field(default_factory=Receiving)
    status_page: StatusPage = field(default_factory=StatusPage)
    webhooks: tuple[Webhook, ...] = ()
    roster: Roster = field(default_factory=Roster)  # who is paged for what ([people], [roles], [paging])
    followups: Followups = field(default_factory=Followups)

    @property
    def sends(self) -> bool:
        """Whether writes queue anything to send: webhooks' messages, pages to people, or the
        status page's mail to its subscribers."""
        return bool(self.webhooks or self.roster.people or self.mailing.smtp)

    @property
    def mailing(self) -> Mailing:
        """How the status page's subscribers are mailed: its own [status_page] smtp, from and
        answer_url, each else [paging]'s."""
        page, paging = self.status_page, self.roster.paging
        return Mailing(page.smtp or paging.smtp, page.sender or paging.sender, page.answer_url or paging.answer_url, page.url)


def default_path() -> Path:
    return user_folder("config") / "config.toml"


def config_path(flag: str | None) -> tuple[Path, bool]:
    """(the path, whether it was asked for by flag or env, so that a missing file is an error)."""
    chosen = flag or os.environ.get(ENV)
    return (Path(os.path.expanduser(chosen)), True) if chosen else (default_path(), False)


def load(flag: str | None = None) -> Config:
    path, asked = config_path(flag)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        if asked:
            raise ConfigError(f"{path}: no such config file (from {'--config' if flag else ENV})") from None
        return Config(path, found=False)
    except IsADirectoryError:
        raise ConfigError(f"{path}: is a folder, not a config file") from None
    except OSError as error:
        raise ConfigError(f"{path}: cannot read the config file: {error.strerror or error}") from None
    except ValueError:  # a NUL in the name: no file can be called that
        raise ConfigError(f"{one_line(str(path), 80)}: not a file name (it holds a NUL character)") from None
    return parse(raw, path)


def parse(raw: bytes, path: Path) -> Config:
    """The config a file holds. Bounded: its size, nesting and counts, and every error is one
    short line; reading takes time in proportion to the file."""
    if len(raw) > MAX_BYTES:
        raise ConfigError(f"{path}: {len(raw):,} bytes; a config file is at most {MAX_BYTES:,}")
    try:
        text = raw.decode("utf-8").removeprefix("\ufeff")  # some editors start a UTF-8 file with a BOM
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise ConfigError(f"{path}: line {line}: expected UTF-8 text") from None
    import tomllib  # only when there is a file: the console's first frame does not wait for it

    try:
        data = tomllib.loads(text)
    except RecursionError:
        raise ConfigError(f"{path}: nested too deeply (arrays or tables inside each other)") from None
    except tomllib.TOMLDecodeError as error:
        message = str(error)
        where = re.search(r"\(at (line \d+, column \d+|end of document)\)", message)
        what = re.sub(r"\s*\(at [^)]*\)", "", message)
        place = where.group(1) if where else "somewhere"
        if place == "end of document":
            place = f"line {text.count(chr(10)) + 1}, at the end of the file"
        raise ConfigError(f"{path}: {place}: not valid TOML: {what[:1].lower() + what[1:]}") from None
    try:
        return _config(data, path)
    except _Bad as bad:
        raise ConfigError(f"{path}: {_short(bad.key, 80)}: {_short(bad.expected, 300)}") from None
    except RecursionError:
        raise ConfigError(f"{path}: nested too deeply (arrays or tables inside each other)") from None


def _config(data: dict, path: Path) -> Config:
    _table(data, "", ("name", "database", "bell", "alerts", "theme", "levers", "severity", "templates", "runbooks", "receive",
                    "status_page", "webhooks", "people", "roles", "paging", "followups", "soak_minutes"))
    name = _text(data["name"], "name", limit=80).strip() if "name" in data else ""
    database = _text(data["database"], "database", limit=2000).strip() if "database" in data else ""
    levers: tuple[str, ...] = LEVERS
    if "levers" in data:
        value = data["levers"]
        if not isinstance(value, list) or len(value) != len(LEVERS):
            raise _Bad("levers", f"expected a list of {len(LEVERS)} names, in order, {_got(value)}")
        levers = tuple(_text(v, f"levers[{n}]", limit=40).strip() for n, v in enumerate(value))
    templates = dict(TEMPLATES)
    for key, value in _table(data.get("templates", {}), "templates", tuple(TEMPLATE_KEYS)).items():
        templates[TEMPLATE_KEYS[key]] = _template(value, f"templates.{key}")
    policy = dict(POLICY)
    for severity, value in _table(data.get("severity", {}), "severity", SEVERITIES).items():
        policy[severity] = _severity(value, f"severity.{severity}", POLICY[severity])
    services = _table(data.get("runbooks", {}), "runbooks")
    if len(services) > MAX_RUNBOOKS:
        raise _Bad("runbooks", f"{len(services):,} services; at most {MAX_RUNBOOKS}")
    runbooks = {service: _runbook(value, f"runbooks.{service}") for service, value in services.items()}
    for service in runbooks:
        _text(service, f"runbooks.{service}", limit=80)
    return Config(
        path, found=True, name=name, database=database,
        bell=_bool(data["bell"], "bell") if "bell" in data else True,
        alerts=_bool(data["alerts"], "alerts") if "alerts" in data else True,
        theme=_choice(data["theme"], "theme", THEMES) if "theme" in data else "textual-dark",
        book=Playbook(policy, templates, levers, runbooks, soak=_soak(data)),
        receiving=_receiving(data.get("receive", {})),
        status_page=_status_page(data.get("status_page", {})),
        webhooks=_webhooks(data.get("webhooks", [])),
        roster=_roster(data),
        followups=_followups(data.get("followups", {})),
    )


def _soak(data: dict) -> timedelta:
    """soak_minutes: the soak's minimum length (the path's soak step waits for it); 0 for none."""
    if "soak_minutes" not in data:
        return Playbook().soak
    minutes = data["soak_minutes"]
    if isinstance(minutes, bool) or not isinstance(minutes, int) or not 0 <= minutes <= 1440:
        raise _Bad("soak_minutes", f"expected whole minutes from 0 to 1440, {_got(minutes)}")
    return timedelta(minutes=minutes)


def _followups(value: Any) -> Followups:
    import string

    table = _table(value, "followups", ("create", "timeout"))
    create = _text(table["create"], "followups.create", limit=2000).strip() if "create" in table else ""
    try:
        named = [name for _, name, _, _ in string.Formatter().parse(create) if name is not None]
    except ValueError as error:
        raise _Bad("followups.create", f"expected {{placeholders}} in braces ({error})") from None
    for name in named:
        if name not in HOOK_PLACEHOLDERS:
            raise _Bad("followups.create", f"unknown placeholder {{{_short(name)}}}; expected one of: "
                       + ", ".join(f"{{{p}}}" for p in HOOK_PLACEHOLDERS))
    timeout = table.get("timeout", Followups().timeout)
    if isinstance(timeout, bool) or not isinstance(timeout, int | float) or not 0.1 <= timeout <= 600:
        raise _Bad("followups.timeout", f"expected seconds from 0.1 to 600, {_got(timeout)}")
    return Followups(create, float(timeout))


MAX_COMPONENTS = 50


def _status_page(value: Any) -> StatusPage:
    table = _table(value, "status_page", ("folder", "title", "components", "services", "smtp", "from", "answer_url", "url"))
    components = _names(table["components"], "status_page.components", MAX_COMPONENTS) if "components" in table else ()
    services: dict[str, tuple[str, ...]] = {}
    for service, named in _table(table.get("services", {}), "status_page.services").items():
        key = f"status_page.services.{_short(service)}"
        _text(service, key, limit=80)
        listed = (named,) if isinstance(named, str) else _names(named, key, MAX_COMPONENTS)
        for name in listed:
            if _text(name, key, limit=80).strip() not in components:
                raise _Bad(key, f"expected components named in status_page.components, got \"{_short(name)}\"")
        services[service] = tuple(name.strip() for name in listed)
    return StatusPage(
        folder=_text(table["folder"], "status_page.folder", limit=1000).strip() if "folder" in table else "",
        title=_text(table["title"], "status_page.title", limit=120).strip() if "title" in table else StatusPage().title,
        components=components, services=services,
        smtp=_url(table["smtp"], "status_page.smtp", ("smtp", "smtps")) if "smtp" in table else "",
        sender=_email(table["from"], "status_page.from") if "from" in table else "",
        answer_url=_url(table["answer_url"], "status_page.answer_url", ("https", "http")) if "answer_url" in table else "",
        url=_url(table["url"], "status_page.url", ("https", "http")) if "url" in table else "",
    )


MAX_WEBHOOKS = 20


def _webhooks(value: Any) -> tuple[Webhook, ...]:
    if not isinstance(value, list):
        raise _Bad("webhooks", f"expected [[webhooks]] tables, {_got(value)}")
    if len(value) > MAX_WEBHOOKS:
        raise _Bad("webhooks", f"{len(value)} webhooks; at most {MAX_WEBHOOKS}")
    found: list[Webhook] = []
    for n, item in enumerate(value):
        key = f"webhooks[{n}]"
        table = _table(item, key, ("name", "url", "events", "format", "secret"))
        if "url" not in table:
            raise _Bad(f"{key}.url", "missing; every webhook needs its URL")
        url = _text(table["url"], f"{key}.url", limit=2000).strip()
        if not re.match(r"^https?://[^\s/]+", url):
            raise _Bad(f"{key}.url", f"expected an http:// or https:// URL, got \"{_short(url)}\"")
        name = _text(table["name"], f"{key}.name", limit=40).strip() if "name" in table else re.sub(r"^https?://([^/:]+).*", r"\1", url)
        if any(hook.name == name for hook in found):
            raise _Bad(f"{key}.name", f"expected each webhook's name once; \"{_short(name)}\" is used twice")
        topics = DEFAULT_TOPICS
        if "events" in table:
            given = table["events"]
            if not isinstance(given, list) or not given:
                raise _Bad(f"{key}.events", f"expected a list of events, {_got(given)}")
            topics = tuple(_choice(t, f"{key}.events[{k}]", TOPICS) for k, t in enumerate(given))
        found.append(Webhook(name, url, topics,
                             _choice(table["format"], f"{key}.format", FORMATS) if "format" in table else "slack",
                             _text(table["secret"], f"{key}.secret", limit=400).strip() if "secret" in table else ""))
    return tuple(found)


def _receiving(value: Any) -> Receiving:
    table = _table(value, "receive", ("listen", "token", "pagerduty_secret", "severity", "urgency"))
    listen = _text(table["listen"], "receive.listen", limit=200).strip() if "listen" in table else Receiving().listen
    if not re.match(r"^(\[[0-9a-fA-F:]+\]|[\w.-]+):\d{1,5}$", listen):
        raise _Bad("receive.listen", f"expected HOST:PORT, such as 127.0.0.1:9095, got \"{_short(listen)}\"")

    def mapping(key: str, default: dict) -> dict:
        found = dict(default)
        for word, severity in _table(table.get(key, {}), f"receive.{key}").items():
            found[_text(word, f"receive.{key}", limit=40).strip().lower()] = _choice(severity, f"receive.{key}.{_short(word)}", SEVERITIES)
        return found

    return Receiving(
        listen=listen,
        token=_text(table["token"], "receive.token", limit=400).strip() if "token" in table else "",
        pagerduty_secret=_text(table["pagerduty_secret"], "receive.pagerduty_secret", limit=400).strip()
        if "pagerduty_secret" in table else "",
        severity=mapping("severity", DEFAULT_MAPPING), urgency=mapping("urgency", DEFAULT_URGENCY),
    )


def _template(value: Any, key: str) -> str:
    text = _text(value, key, lines=True)
    unknown = sorted(placeholders(text) - set(PLACEHOLDERS))
    if unknown:
        raise _Bad(key, f"unknown placeholder {{{unknown[0]}}}; expected one of: " + ", ".join(f"{{{p}}}" for p in PLACEHOLDERS))
    return text


_SEVERITY_KEYS = ("status_page", "update_every", "update_template", "no_surprises", "deadlines")
_DEADLINE_KEYS = ("id", "label", "minutes", "send", "roles")


def _severity(value: Any, key: str, default: SeverityPolicy) -> SeverityPolicy:
    table = _table(value, key, _SEVERITY_KEYS)
    rules = default.rules
    if "deadlines" in table:
        given = table["deadlines"]
        if not isinstance(given, list):
            raise _Bad(f"{key}.deadlines", f"expected a list of tables, {_got(given)}")
        if len(given) > MAX_DEADLINES:
            raise _Bad(f"{key}.deadlines", f"{len(given):,} deadlines; at most {MAX_DEADLINES}")
        rules = tuple(_rule(item, f"{key}.deadlines[{n}]") for n, item in enumerate(given))
        seen: set[str] = set()
        for n, rule in enumerate(rules):
            if rule.id in seen:
                raise _Bad(f"{key}.deadlines[{n}].id", f"expected each id once; \"{rule.id}\" is used twice")
            seen.add(rule.id)
    cadence = default.cadence
    if "update_every" in table:
        minutes = _minutes(table["update_every"], f"{key}.update_every")
        cadence = timedelta(minutes=minutes) if minutes else None
    update = default.update_template
    if "update_template" in table:
        update = TEMPLATE_KEYS[_choice(table["update_template"], f"{key}.update_template", tuple(TEMPLATE_KEYS))]
    no_surprises = default.no_surprises if "deadlines" not in table else ""
    if "no_surprises" in table:
        no_surprises = _text(table["no_surprises"], f"{key}.no_surprises", empty=True).strip()
    notify_ids = tuple(rule.id for rule in rules if rule.met_by == NOTIFY)
    if no_surprises and no_surprises not in notify_ids:
        raise _Bad(f"{key}.no_surprises", f"expected the id of one of this severity's notify deadlines ({', '.join(notify_ids) or 'none'}), got \"{no_surprises}\"")
    status_page = _text(table["status_page"], f"{key}.status_page", limit=80) if "status_page" in table else default.status_page
    return SeverityPolicy(default.severity, rules, status_page, cadence, update, no_surprises)


def _rule(value: Any, key: str) -> Rule:
    table = _table(value, key, _DEADLINE_KEYS)
    for needed in ("id", "label"):
        if needed not in table:
            raise _Bad(f"{key}.{needed}", "missing; every deadline needs an id and a label")
    rule_id = _text(table["id"], f"{key}.id", limit=40)
    if not _ID.match(rule_id) or rule_id == "update":
        raise _Bad(f"{key}.id", f"expected lower-case letters, digits and '-' (and not \"update\"), got \"{_CONTROL.sub('?', rule_id[:40])}\"")
    label = _text(table["label"], f"{key}.label", limit=120).strip()
    minutes = _minutes(table["minutes"], f"{key}.minutes") if "minutes" in table else None
    if "send" in table:
        if "roles" in table:
            raise _Bad(f"{key}.roles", "a deadline met by sending a template pages nobody; roles are for notify deadlines")
        template = TEMPLATE_KEYS[_choice(table["send"], f"{key}.send", tuple(TEMPLATE_KEYS))]
        return Rule(rule_id, label, minutes, SEND, template)
    roles = _names(table["roles"], f"{key}.roles") if "roles" in table else ()
    return Rule(rule_id, label, minutes, roles=roles)


def _runbook(value: Any, key: str) -> dict[int, LeverRunbook]:
    found: dict[int, LeverRunbook] = {}
    for lever_key, entry in _table(value, key, LEVER_KEYS).items():
        where = f"{key}.{lever_key}"
        if isinstance(entry, str):
            entry = {"command": entry}
        table = _table(entry, where, ("command", "link", "flag"))
        parts = {part: _text(table[part], f"{where}.{part}", limit=1000).strip() for part in table}
        if not parts.get("command") and not parts.get("link"):
            raise _Bad(where, "expected a command or a link")
        found[LEVER_KEYS.index(lever_key) + 1] = LeverRunbook(**parts)
    return found
