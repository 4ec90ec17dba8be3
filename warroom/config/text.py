"""A config as TOML text: `warroom config` prints the effective settings this way, and
`warroom config --default` the commented default file. Both read back to the same config."""

from __future__ import annotations

import json
import textwrap

from warroom.config import THEMES, Config, template_key
from warroom.domain.playbook import LEVER_KEYS
from warroom.domain.policy import SEND, SeverityPolicy, paged_roles
from warroom.domain.templates import PLACEHOLDERS

HEADER = """\
# warroom config. Put it at {path}
# (or point --config PATH or WARROOM_CONFIG at it). Every key is optional: leave out
# what you do not change. `warroom config` prints what is in effect.
"""


def toml_string(text: str) -> str:
    """A TOML string: multi-line and literal-looking where it can be, escaped where it must."""
    plain = not any(ch in text for ch in '\\\x7f') and '"""' not in text and not text.endswith('"')
    if "\n" in text and plain and all(ch >= " " or ch in "\n\t" for ch in text):
        return '"""\n' + text + '"""'
    return json.dumps(text, ensure_ascii=False).replace("\x7f", "\\u007f")


def _key(name: str) -> str:
    return name if name.replace("-", "").replace("_", "").isalnum() and name.isascii() else toml_string(name)


def _severity(policy: SeverityPolicy, comments: bool) -> list[str]:
    out = [f"[severity.{policy.severity}]"]
    out.append(f"status_page = {toml_string(policy.status_page)}")
    minutes = int(policy.cadence.total_seconds() // 60) if policy.cadence else 0
    out.append(f"update_every = {minutes}" + ("  # minutes; 0: no regular update" if comments else ""))
    out.append(f"update_template = {toml_string(template_key(policy.update_template))}")
    out.append(f"no_surprises = {toml_string(policy.no_surprises)}"
               + ("  # a notify deadline that must be met before a client notice" if comments and policy.no_surprises else ""))
    out.append("deadlines = [")
    for rule in policy.rules:
        parts = [f"id = {toml_string(rule.id)}", f"label = {toml_string(rule.label)}"]
        if rule.minutes is not None:
            parts.append(f"minutes = {rule.minutes}")
        if rule.met_by == SEND:
            parts.append(f"send = {toml_string(template_key(rule.template))}")
        if rule.roles:
            parts.append("roles = [" + ", ".join(toml_string(role) for role in rule.roles) + "]")
        out.append("  { " + ", ".join(parts) + " },")
    out.append("]")
    return out


def render(config: Config, default: bool = False, notes: tuple[str, ...] = ()) -> str:
    """The config as TOML. `default`: the file to start from, with comments and examples;
    `notes`: comment lines for the top (where the database is, who you are)."""
    book = config.book
    out: list[str] = []
    if default:
        out.append(HEADER.format(path=config.path))
        out.append("# Who you are on the timeline. Default: WARROOM_NAME, else your login name.")
        out.append('# name = "alice"')
        out.append("# The database: a file, or a PostgreSQL server a team shares (keep its password in")
        out.append("# ~/.pgpass or PGPASSWORD, not here). --db and WARROOM_DB come first. Default: a file in")
        out.append("# the user data folder.")
        out.append('# database = "postgresql://alice@db.internal/warroom"')
        out.append("# The terminal bell, and a notification, when a deadline passes.")
    else:
        state = "" if config.found else "  (not found: the defaults are in effect)"
        out.append(f"# config file: {config.path}{state}")
        out += [f"# {note}" for note in notes]
        if config.name:
            out.append(f"name = {toml_string(config.name)}")
        if config.database:
            from warroom.store.address import shown  # (the store, only when there is an address to show)

            out.append(f"database = {toml_string(shown(config.database))}")
    out.append(f"bell = {str(config.bell).lower()}")
    out.append(f"alerts = {str(config.alerts).lower()}")
    if default:
        out.append("# A Textual theme; high-contrast is warroom's own. NO_COLOR is respected whatever the theme.")
        out += textwrap.wrap(", ".join(THEMES), 90, initial_indent="# ", subsequent_indent="# ", break_on_hyphens=False)
    out.append(f"theme = {toml_string(config.theme)}")
    if default:
        out.append("# The four containment levers, in the order they are tried (keys 1 to 4).")
    out.append("levers = [" + ", ".join(toml_string(name) for name in book.levers) + "]")
    if default:
        out.append("# The soak's minimum length: the resolution path's soak step waits until the fix has run this long.")
    out.append(f"soak_minutes = {int(book.soak.total_seconds() // 60)}")
    if default:
        out += ["", "# The escalation matrix. Deadlines count from detection. A deadline with `send` is met",
                "# by sending that template; without, by ticking who was told (the `t` key). Without",
                "# `minutes` it has no clock (\"at the next standup\"). A severity's keys replace its defaults."]
    for severity in book.policy.values():
        out += [""] + _severity(severity, default)
    out += ["", "[templates]"]
    if default:
        out.append("# Placeholders: " + ", ".join(f"{{{name}}}" for name in PLACEHOLDERS))
        out.append("# A placeholder without a value stays visible, and y asks for it before anything is copied.")
        out.append("# A time ({since}, {next_update}...) on another day than the message's says its day: 03:05 UTC on Sat 28 Nov.")
        out.append("# At a severity without an update clock (no cadence), {next_update} is \"the next standup\".")
    for name, text in book.templates.items():
        out.append(f"{template_key(name)} = {toml_string(text)}")
    if default:
        out += ["", "# Runbooks: per service, what is behind each lever. When an incident names its service",
                "# (declare --service, or `v` in the console), the lever checklist shows these and `l`",
                "# copies one. Keys: " + ", ".join(LEVER_KEYS) + ";",
                "# each a command, or a table of command, link and flag (the flag's name).",
                "# [runbooks.checkout]",
                '# feature_flag = { flag = "new_jwt_validation", command = "flagctl set new_jwt_validation off --env prod" }',
                '# deploy_rollback = "kubectl -n shop rollout undo deployment/checkout"',
                '# data_correction = { link = "https://wiki.example.com/runbooks/checkout-data" }']
    for service, levers in book.runbooks.items():
        out += ["", f"[runbooks.{_key(service)}]"]
        for number, runbook in sorted(levers.items()):
            parts = [f"{part} = {toml_string(getattr(runbook, part))}" for part in ("flag", "command", "link") if getattr(runbook, part)]
            out.append(f"{LEVER_KEYS[number - 1]} = {{ " + ", ".join(parts) + " }")
    out += _receiving(config, default)
    out += _outward(config, default)
    out += _roster(config, default)
    out += _followups(config, default)
    return "\n".join(out) + "\n"


def _followups(config: Config, default: bool) -> list[str]:
    """[followups]: the command that files each new follow-up where the team tracks work."""
    found = config.followups
    out = [""]
    if default:
        out += ["# Follow-ups: a command run once for each new follow-up, to file it where the team tracks work.",
                "# Placeholders (each shell-quoted): {title} {body} {owner} {due} {code} {incident}. The first",
                "# http(s) URL it prints is recorded as the follow-up's link. timeout: seconds before it is stopped."]
    out.append("[followups]")
    if found.create:
        out.append(f"create = {toml_string(found.create)}")
    elif default:
        out.append('# create = "gh issue create --title {title} --body {body} --assignee {owner}"')
    out.append(f"timeout = {found.timeout:g}")
    return out


def _roster(config: Config, default: bool) -> list[str]:
    """[paging], [people.NAME] and [roles]; in effect, which roles of the matrix can be paged.
    A PagerDuty routing key is never printed, only whether it is set."""
    roster, paging = config.roster, config.roster.paging
    out = [""]
    if default:
        out += ["# Paging people: t on a notify deadline (and `warroom notify ROLE`) pages the first person of",
                "# each of its roles; the next is paged if the one before has not acknowledged within",
                "# acknowledge_within minutes (a fraction allowed). A notify deadline's `roles` name the roles it",
                "# pages; a P0's are paged by themselves. The page's link is answered by `warroom receive` at",
                "# answer_url. smtp: smtp://user@host:587 (STARTTLS when offered) or smtps://; the password from",
                "# WARROOM_SMTP_PASSWORD. pagerduty_url: the Events API v2 endpoint (the default is PagerDuty's).",
                "# [people.bob]", '# email = "bob@example.com"', '# ntfy = "https://ntfy.example.com/bob-pager"',
                '# pagerduty = "R0UTINGKEY"', '# slack = "https://hooks.slack.com/services/..."',
                "# [roles]", '# "engineering manager" = ["bob", "carol"]', '# PM = ["dave"]']
    out.append("[paging]")
    out.append(f"acknowledge_within = {paging.acknowledge_within:g}" + ("  # minutes" if default else ""))
    for key, value in (("smtp", paging.smtp), ("from", paging.sender), ("answer_url", paging.answer_url)):
        if value:
            out.append(f"{key} = {toml_string(value)}")
        elif default:
            out.append(f"# {key} = " + {"smtp": '"smtp://mail.internal:587"', "from": '"warroom@example.com"',
                                         "answer_url": '"https://warroom.example.com:9095"'}[key])
    for person in roster.people.values():
        out += ["", f"[people.{_key(person.name)}]"]
        for channel in ("email", "ntfy", "slack"):
            if getattr(person, channel):
                out.append(f"{channel} = {toml_string(getattr(person, channel))}")
        if person.pagerduty:
            out.append("# pagerduty: set (not shown)")
    if roster.roles:
        out += ["", "[roles]"]
        out += [f"{_key(role)} = [" + ", ".join(toml_string(name) for name in names) + "]" for role, names in roster.roles.items()]
    if not default:
        out += [""] + reachability(config)
    return out


def reachability(config: Config) -> list[str]:
    """Comment lines: for each role the matrix's notify deadlines page, whether it can be."""
    if not config.roster.people:
        return ["# paging: no roster ([people], [roles]): notify deadlines are ticked by hand (t)"]
    lines = []
    for role in paged_roles(config.book.policy):
        gaps = config.roster.gaps(role)
        if gaps:
            lines += [f"# cannot page {gap}" for gap in gaps]
        else:
            people = config.roster.roles[role]
            lines.append(f"# can page {role}: " + ", ".join(f"{name} ({', '.join(config.roster.people[name].channels)})" for name in people))
    return lines


def _outward(config: Config, default: bool) -> list[str]:
    """[status_page] and [[webhooks]]; a webhook's secret is never printed."""
    out = [""]
    if default:
        out += ["# The public status page (`warroom publish`, `P` in the console; a P0's publishes by itself).",
                "# folder: where index.html, status.json and feed.xml go. Default: status/ in the user data folder."]
    out.append("[status_page]")
    if config.status_page.folder:
        out.append(f"folder = {toml_string(config.status_page.folder)}")
    elif default:
        out.append('# folder = "/var/www/status"')
    out.append(f"title = {toml_string(config.status_page.title)}")
    if default:
        out += ["# components: what the page shows the state of, at a glance (Operational, Degraded performance,",
                "# Partial outage, Major outage: from the open P0/P1 incidents of the services that map to each).",
                '# components = ["Checkout", "Login", "API"]',
                "# Subscribers (warroom subscribers add ADDRESS) are mailed each public update through smtp, from",
                "# and answer_url (where warroom receive serves their unsubscribe link): these, else [paging]'s.",
                '# smtp = "smtp://mail.internal:587"', '# from = "status@example.com"',
                '# answer_url = "https://warroom.example.com:9095"', '# url = "https://status.example.com"   # the mails link here',
                "# [status_page.services]          # a warroom service -> its components (a component named as",
                '# payments = ["Checkout", "API"]  # the service is found without it)']
    for key, value in (("smtp", config.status_page.smtp), ("from", config.status_page.sender),
                       ("answer_url", config.status_page.answer_url), ("url", config.status_page.url)):
        if value and not default:
            out.append(f"{key} = {toml_string(value)}")
    if not default and config.status_page.components:
        out.append("components = [" + ", ".join(toml_string(name) for name in config.status_page.components) + "]")
        if config.status_page.services:
            out += ["[status_page.services]"] + [f"{toml_string(service)} = [" + ", ".join(toml_string(n) for n in names) + "]"
                                                 for service, names in config.status_page.services.items()]
    if default:
        out += ["", "# Chat: one [[webhooks]] table each. events: declared, severity changed, contained, message sent,",
                "# resolved, reopened, published, alert. format: slack ({\"text\": …}) or json. secret: signs each body.",
                "# [[webhooks]]", '# name = "incidents-channel"', '# url = "https://hooks.slack.com/services/T000/B000/XXXX"',
                '# events = ["declared", "severity changed", "contained", "message sent", "resolved"]']
    for hook in config.webhooks:
        out += ["", "[[webhooks]]", f"name = {toml_string(hook.name)}", f"url = {toml_string(hook.url)}",
                "events = [" + ", ".join(toml_string(t) for t in hook.topics) + "]", f"format = {toml_string(hook.format)}"]
        if hook.secret:
            out.append("# secret: set (not shown)")
    return out


def _receiving(config: Config, default: bool) -> list[str]:
    """The [receive] table: where `warroom receive` listens and how a page's words become a
    severity. The token and the secret are never printed, only whether they are set."""
    found = config.receiving
    out = [""]
    if default:
        out += ["# Pages: `warroom receive` (Alertmanager, PagerDuty) and `warroom alert FILE`. A severity",
                "# comes from an alert's `priority` label when it is P0-P3, else its `severity` label through",
                "# `severity` below (anything else: P2); PagerDuty's urgency through `urgency`.",
                "# token: a bearer token Alertmanager must send (required to listen beyond loopback);",
                "# pagerduty_secret: the webhook subscription's secret (PagerDuty pages are refused without it).",
                "# WARROOM_RECEIVE_TOKEN and WARROOM_PAGERDUTY_SECRET win over these."]
    out.append("[receive]")
    out.append(f"listen = {toml_string(found.listen)}")
    if default:
        out += ['# token = "a long random string"', '# pagerduty_secret = "the secret PagerDuty shows"']
    else:
        out += [f"# token: {'set (not shown)' if found.token else 'not set'}",
                f"# pagerduty_secret: {'set (not shown)' if found.pagerduty_secret else 'not set'}"]
    out.append("severity = { " + ", ".join(f"{_key(k)} = {toml_string(v)}" for k, v in found.severity.items()) + " }")
    out.append("urgency = { " + ", ".join(f"{_key(k)} = {toml_string(v)}" for k, v in found.urgency.items()) + " }")
    return out
