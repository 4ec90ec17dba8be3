"""Escalation as information flow (issue 27): the matrix's notifications paged to the people of
its roles, delivered, acknowledged, and passed on to the next person of a role when nobody
acknowledges in time. Pure: the actions make the events, the fold keeps the pages
(`IncidentState.pages`); sending is the outbox's, in the integrations.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from msgspec import Struct

from warroom.domain.actions import RuleBroken
from warroom.domain.incident import IncidentState, PageSeen
from warroom.domain.model import COMMUNICATOR, SYSTEM, Event
from warroom.domain.roster import Person, Roster
from warroom.domain.schema import AcknowledgedVia, PageAcknowledged, Paged, PageDelivered, event


class NotPaged(RuleBroken):
    """A page that cannot be sent or acknowledged as asked; the message says why."""


def new_ticket() -> str:
    import secrets  # (not at the top: it brings hashlib, which `warroom status` never needs)

    return secrets.token_hex(16)


def reachable(person: Person, roster: Roster) -> tuple[str, ...]:
    """The channels a page to `person` can go out by (email only with a mail server)."""
    return tuple(c for c in person.channels if c != "email" or roster.paging.smtp)


def first_reachable(roster: Roster, role: str, after: str = "") -> Person | None:
    """The first person of `role` a page can reach, after `after` when given (the next one)."""
    names = list(roster.roles.get(role, ()))
    if after:
        names = names[names.index(after) + 1:] if after in names else []
    return next((roster.people[n] for n in names if n in roster.people and reachable(roster.people[n], roster)), None)


def page(state: IncidentState, actor: str, now: datetime, roster: Roster, roles: list[str] | tuple[str, ...], text: str,
         *, deadline: str = "", test: bool = False, drill: bool = False, ticket: Callable[[], str] = new_ticket) -> list[Event]:
    """Page the first reachable person of each role with `text` (the internal note, signed):
    one event each. Refused, with nothing paged, when a role names nobody who can be reached,
    the incident is resolved (unless it is a TEST page), or it is a drill whose scenario does
    not page (`drill`: it does; each page then says DRILL first)."""
    if not roles:
        raise NotPaged("no role to page")
    if state.drill and not drill:
        raise NotPaged(f"{state.code} is a drill: it pages nobody unless its scenario says page = true")
    if state.resolved and not test:
        raise NotPaged(f"{state.code} is resolved: nobody is paged for it")
    unknown = [r for r in roles if r not in roster.roles]
    if unknown:
        raise NotPaged(f"no such role in [roles]: {', '.join(unknown)} (known: {', '.join(roster.roles) or 'none'})")
    events = []
    for role in dict.fromkeys(roles):
        person = first_reachable(roster, role)
        if person is None:
            raise NotPaged("; ".join(roster.gaps(role)) or f"{role}: nobody can be paged")
        events.append(_paged(state, actor, now, roster, role, person, text, deadline, test, "", ticket()))
    return events


def _paged(state: IncidentState, actor: str, now: datetime, roster: Roster, role: str, person: Person, text: str,
           deadline: str, test: bool, escalated_from: str, ticket: str) -> Event:
    marks = ("DRILL " if state.drill else "") + ("TEST " if test else "")
    return event(state.code, now, actor, COMMUNICATOR, Paged(
        role=role, person=person.name, channels=reachable(person, roster), ticket=ticket, text=marks + text,  # type: ignore[arg-type]  # (the roster's channels are the schema's)
        deadline=deadline, escalated_from=escalated_from, test=test))


def delivered(state: IncidentState, now: datetime, ticket: str, channel: str) -> Event | None:
    """The event saying a channel accepted a page (None: it is known already, or no such page)."""
    found = state.page(ticket)
    if found is None or channel in found.delivered:
        return None
    return event(state.code, now, SYSTEM, COMMUNICATOR, PageDelivered(
        ticket=ticket, channel=channel, role=found.role, person=found.person))  # type: ignore[arg-type]  # (a channel of the page's own)


def acknowledge(state: IncidentState, now: datetime, ticket: str, via: AcknowledgedVia) -> Event:
    """The person paged has it. Refused for a page already acknowledged (a link is used once),
    an unknown one, or one of a resolved incident."""
    found = state.page(ticket)
    if found is None:
        raise NotPaged("no such page")
    if found.acknowledged_at is not None:
        raise NotPaged(f"this page was acknowledged already ({found.acknowledged_via})")
    if state.resolved:
        raise NotPaged(f"{state.code} is resolved: there is nothing to acknowledge")
    after = max(0, int((now - found.at).total_seconds()))
    return event(state.code, now, found.person, COMMUNICATOR, PageAcknowledged(
        ticket=ticket, via=via, role=found.role, person=found.person, after_seconds=after))


def still_new(state: IncidentState, written: Event, said: object) -> None:
    """Checked by the store under its writers' lock, against the incident as it is now: an
    acknowledgement of a page acknowledged meanwhile, or an escalation another deliverer made
    meanwhile, is refused (two of them running page the next person once)."""
    if isinstance(said, PageAcknowledged):
        acknowledge(state, written.at, said.ticket, said.via)
    elif isinstance(said, Paged) and said.escalated_from:
        if any(p.role == said.role and p.deadline == said.deadline and p.escalated_from == said.escalated_from
               for p in state.pages):
            raise NotPaged(f"{said.role}: the next person was paged already")


class Chain(Struct, frozen=True):
    """A role's pages for one deadline (or for none), oldest first: who was paged in turn."""
    role: str
    deadline: str
    pages: tuple[PageSeen, ...]

    @property
    def acknowledged(self) -> PageSeen | None:
        return next((p for p in self.pages if p.acknowledged_at is not None), None)

    @property
    def last(self) -> PageSeen:
        return self.pages[-1]


def chains(state: IncidentState) -> list[Chain]:
    """Every role paged (TEST pages apart), with its pages in turn."""
    found: dict[tuple[str, str], list[PageSeen]] = {}
    for p in state.pages:
        if not p.test:
            found.setdefault((p.role, p.deadline), []).append(p)
    return [Chain(role, deadline, tuple(pages)) for (role, deadline), pages in found.items()]


def escalations(state: IncidentState, roster: Roster, now: datetime, actor: str = SYSTEM,
                ticket: Callable[[], str] = new_ticket) -> list[Event]:
    """The pages due now to the next person of each role whose last page went unacknowledged
    for `acknowledge_within` minutes (none once the incident is resolved)."""
    if state.resolved:
        return []
    within = timedelta(minutes=roster.paging.acknowledge_within)
    due = []
    for chain in chains(state):
        last = chain.last
        if chain.acknowledged is not None or now - last.at < within:
            continue
        person = first_reachable(roster, chain.role, after=last.person)
        if person is not None:
            base = last.text.removeprefix("DRILL ").removeprefix("TEST ")
            due.append(_paged(state, actor, now, roster, chain.role, person, base, chain.deadline, False, last.person, ticket()))
    return due


def unanswered_chains(state: IncidentState, roster: Roster, now: datetime) -> list[Chain]:
    """The roles (with the deadline they were paged for) whose every person was paged in turn
    and nobody acknowledged in time."""
    if state.resolved:
        return []
    within = timedelta(minutes=roster.paging.acknowledge_within)
    return [c for c in chains(state) if c.acknowledged is None and now - c.last.at >= within
            and first_reachable(roster, c.role, after=c.last.person) is None]


def unanswered(state: IncidentState, roster: Roster, now: datetime) -> list[str]:
    """The roles nobody acknowledged: the console rings and says "nobody acknowledged:
    engineering manager"."""
    return list(dict.fromkeys(c.role for c in unanswered_chains(state, roster, now)))


def _escalated(state: IncidentState, page: PageSeen) -> bool:
    """Whether the next person of the page's role was paged because this one did not answer."""
    return any(q.escalated_from == page.person and q.role == page.role and q.deadline == page.deadline for q in state.pages)


def ledger(state: IncidentState) -> list[str]:
    """The communicator's ledger, a line a page: how it stands first (what a tired eye looks
    for, and what a narrow pane keeps), then who, for which role, by what."""
    from warroom.domain.timefmt import local_time

    lines = []
    for p in state.pages:
        if p.acknowledged_at is not None:
            how = f"✔ acknowledged {local_time(p.acknowledged_at)}"
        elif _escalated(state, p):
            how = "escalated"
        elif p.delivered:
            how = f"delivered {local_time(p.delivered_at)}"  # type: ignore[arg-type]  # (delivered: it has a time)
        else:
            how = f"sent {local_time(p.at)}"
        lines.append(f"{how}  {p.person} · {'TEST ' if p.test else ''}{p.role} · {', '.join(p.channels)}")
    return lines


def time_to_acknowledge(state: IncidentState) -> dict[str, timedelta | None]:
    """For each role paged (TEST pages apart): from its first page to the first acknowledgement,
    whoever of the role gave it (None: nobody acknowledged)."""
    found: dict[str, timedelta | None] = {}
    for chain in chains(state):
        answer = chain.acknowledged
        took = answer.acknowledged_at - chain.pages[0].at if answer is not None and answer.acknowledged_at else None
        if chain.role not in found or (took is not None and (found[chain.role] is None or took < found[chain.role])):  # type: ignore[operator]
            found[chain.role] = took
    return found


def page_rows(state: IncidentState) -> list[tuple[str, str, str, datetime, datetime | None, datetime | None, str]]:
    """Every page, for the reports: role, person, channels, sent, delivered, acknowledged, and
    what became of it (acknowledged via…, escalated, TEST, waiting)."""
    rows = []
    for p in state.pages:
        what = (f"acknowledged ({p.acknowledged_via})" if p.acknowledged_at else "escalated" if _escalated(state, p)
                else "not acknowledged")
        rows.append(((("TEST " if p.test else "") + p.role), p.person, ", ".join(p.channels), p.at, p.delivered_at,
                     p.acknowledged_at, what))
    return rows
