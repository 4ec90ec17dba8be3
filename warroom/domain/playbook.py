"""A team's playbook: its escalation matrix, its message templates, its levers' names and, per
service, the runbook behind each lever. The defaults are DESIGN.md's; a config file replaces
parts of them. Every component asks the playbook, never a module constant, so one team's
matrix is the matrix everywhere (the console, `status`, `show`, the postmortem).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from msgspec import Struct, field

from warroom.domain.incident import IncidentState
from warroom.domain.model import LEVERS
from warroom.domain.policy import POLICY, Deadline, Policy, deadlines, record, status_page, surprise_warning
from warroom.domain.templates import TEMPLATES, Message, due_template, filled, message

# Each lever's key in a runbook, in lever order: positions, so renamed levers keep their keys.
LEVER_KEYS = ("feature_flag", "deploy_rollback", "migration_rollback", "data_correction")


class LeverRunbook(Struct, frozen=True):
    """What is concretely behind one lever for one service."""

    command: str = ""  # the command that pulls it, e.g. `flagctl off new_jwt_validation`
    link: str = ""  # a runbook page
    flag: str = ""  # the feature flag's name (the first lever)

    @property
    def copyable(self) -> str:
        """What the copy key puts on the clipboard: the command, else the link."""
        return self.command or self.link


class Playbook(Struct, frozen=True):
    policy: Policy = field(default_factory=lambda: dict(POLICY))
    templates: dict[str, str] = field(default_factory=lambda: dict(TEMPLATES))
    levers: tuple[str, ...] = LEVERS
    runbooks: dict[str, dict[int, LeverRunbook]] = field(default_factory=dict)  # service -> lever number -> runbook
    soak: timedelta = timedelta(minutes=10)  # the soak's minimum length: the path's soak step waits for it (issue 29)

    def deadlines(self, state: IncidentState, now: datetime) -> list[Deadline]:
        """Each deadline as it stands now (the update round due now): what is next, overdue."""
        return deadlines(state, now, self.policy)

    def record(self, state: IncidentState, now: datetime) -> list[Deadline]:
        """Every deadline owed, met or open, the update rounds included: what lists show."""
        return record(state, now, self.policy)

    def filled(self, state: IncidentState, now: datetime, name: str | None = None, actor: str = "") -> tuple[str, str]:
        return filled(state, now, name, self.policy, self.templates, actor)

    def message(self, state: IncidentState, now: datetime, actor: str = "", given: dict[str, str] | None = None) -> Message:
        """The message that is due, filled for `actor` to send now."""
        return message(state, now, None, self.policy, self.templates, actor, given)

    def due_template(self, state: IncidentState, now: datetime) -> str:
        return due_template(state, now, self.policy)

    def surprise_warning(self, state: IncidentState) -> str | None:
        return surprise_warning(state, self.policy)

    def status_page(self, state: IncidentState) -> str:
        return status_page(state, self.policy)

    def runbook(self, service: str) -> dict[int, LeverRunbook]:
        """The levers' runbook for a service (matched without regard to case); empty if none."""
        wanted = service.strip().casefold()
        return next((book for name, book in self.runbooks.items() if name.casefold() == wanted), {}) if wanted else {}


DEFAULT = Playbook()
