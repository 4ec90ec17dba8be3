"""Who is who (issue 27, its first step): the people a team pages, the roles of the escalation
matrix as ordered lists of them, and how paging is done. Pure: the config reads it, `warroom
config` says which roles can be reached; sending, acknowledging and escalating come later."""

from __future__ import annotations

from msgspec import Struct, field

CHANNELS = ("email", "ntfy", "pagerduty", "slack")  # the ways a person can be paged, in the order they are tried


class Person(Struct, frozen=True):
    """One person and the channels that reach them (an empty one is not theirs)."""

    name: str
    email: str = ""
    ntfy: str = ""  # an ntfy topic's URL
    pagerduty: str = ""  # a PagerDuty Events API v2 routing key
    slack: str = ""  # a Slack incoming webhook (a DM channel)

    @property
    def channels(self) -> tuple[str, ...]:
        return tuple(channel for channel in CHANNELS if getattr(self, channel))


PAGERDUTY_EVENTS = "https://events.pagerduty.com/v2/enqueue"


class Paging(Struct, frozen=True):
    """The [paging] table: how long before the next person of a role is paged, and the mail."""

    acknowledge_within: float = 5  # minutes (a fraction allowed)
    smtp: str = ""  # smtp://host:port (STARTTLS when offered) or smtps://; the password from WARROOM_SMTP_PASSWORD
    sender: str = ""  # the From of a page by email
    answer_url: str = ""  # where `warroom receive` answers acknowledgements
    pagerduty_url: str = PAGERDUTY_EVENTS  # the Events API v2 endpoint (another only to test against)


class Roster(Struct, frozen=True):
    people: dict[str, Person] = field(default_factory=dict)
    roles: dict[str, tuple[str, ...]] = field(default_factory=dict)  # role -> people, in the order they are paged
    paging: Paging = field(default_factory=Paging)

    def gaps(self, role: str) -> list[str]:
        """Why a role cannot be paged as it is (empty: it can): nobody in it, a person with no
        channel, email with no mail server to send it."""
        people = self.roles.get(role, ())
        if not people:
            return [f"{role}: nobody (add it to [roles])"]
        found = []
        for name in people:
            person = self.people[name]
            if not person.channels:
                found.append(f"{role}: {name} has no channel (email, ntfy, pagerduty or slack)")
            elif person.channels == ("email",) and not self.paging.smtp:
                found.append(f"{role}: {name} has only email, and [paging] names no smtp server")
        return found


# The roles each notify deadline of the seed's matrix pages (by the deadline's id): P0
# leadership + on-call, P1 engineering manager + PM, P2 PM, P3 the team lead (no clock).
DEFAULT_ROLES: dict[str, tuple[str, ...]] = {
    "leadership": ("leadership", "on-call"),
    "manager": ("engineering manager", "PM"),
    "pm": ("PM",),
    "team-lead": ("team lead",),
}
