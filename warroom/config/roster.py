"""The roster in the config (issue 27): [people.NAME] and their channels, [roles] as ordered
lists of people, and [paging]."""

from __future__ import annotations

import re
from typing import Any

from warroom.config.checks import _Bad, _email, _got, _names, _short, _table, _text, _url
from warroom.domain.roster import CHANNELS, Paging, Person, Roster

MAX_PEOPLE = 1000
MAX_ROLES = 100
_ROUTING_KEY = re.compile(r"^[A-Za-z0-9]{1,64}$")


def _person(name: str, value: Any) -> Person:
    key = f"people.{_short(name)}"
    table = _table(value, key, CHANNELS)
    found = {"name": _text(name, key, limit=80).strip()}
    if "email" in table:
        found["email"] = _email(table["email"], f"{key}.email")
    for channel in ("ntfy", "slack"):
        if channel in table:
            found[channel] = _url(table[channel], f"{key}.{channel}", ("https", "http"))
    if "pagerduty" in table:
        routing = _text(table["pagerduty"], f"{key}.pagerduty", limit=64).strip()
        if not _ROUTING_KEY.match(routing):
            raise _Bad(f"{key}.pagerduty", "expected a PagerDuty Events API v2 routing key (letters and digits, at most 64)")
        found["pagerduty"] = routing
    return Person(**found)


def _roster(data: dict) -> Roster:
    """[people.NAME] (their channels), [roles] (each an ordered list of people) and [paging]."""
    people_table = _table(data.get("people", {}), "people")
    if len(people_table) > MAX_PEOPLE:
        raise _Bad("people", f"{len(people_table):,} people; at most {MAX_PEOPLE:,}")
    people = {person.name: person for person in (_person(name, value) for name, value in people_table.items())}
    roles_table = _table(data.get("roles", {}), "roles")
    if len(roles_table) > MAX_ROLES:
        raise _Bad("roles", f"{len(roles_table):,} roles; at most {MAX_ROLES}")
    roles = {}
    for role, value in roles_table.items():
        key = f"roles.{_short(role)}"
        names = _names(value, key)
        for n, name in enumerate(names):
            if name not in people:
                raise _Bad(f"{key}[{n}]", f"expected a person of [people]; \"{_short(name)}\" is not one")
        roles[_text(role, key, limit=80).strip()] = names
    table = _table(data.get("paging", {}), "paging", ("acknowledge_within", "smtp", "from", "answer_url", "pagerduty_url"))
    paging = Paging(
        acknowledge_within=_within(table["acknowledge_within"]) if "acknowledge_within" in table else Paging().acknowledge_within,
        smtp=_url(table["smtp"], "paging.smtp", ("smtp", "smtps")) if "smtp" in table else "",
        sender=_email(table["from"], "paging.from") if "from" in table else "",
        answer_url=_url(table["answer_url"], "paging.answer_url", ("https", "http")) if "answer_url" in table else "",
        pagerduty_url=_url(table["pagerduty_url"], "paging.pagerduty_url", ("https", "http"))
        if "pagerduty_url" in table else Paging().pagerduty_url,
    )
    return Roster(people, roles, paging)


def _within(value: Any) -> float:
    """Minutes, a fraction allowed (0.5: 30 seconds), from 0.05 (3 s, for a test) to 1440."""
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0.05 <= value <= 1440:
        raise _Bad("paging.acknowledge_within", f"expected minutes from 0.05 to 1440 (0.5 is 30 seconds), {_got(value)}")
    return float(value)
