"""Which of the status page's components an incident affects, and in what state (issue 30).

By default an incident affects its service's components, as `[status_page.services]` maps
them, and their state follows from its severity and state (domain.public). The commander may
name them when declaring; the communicator may name them later and override the state the
page gives them ("partial outage" where the matrix would say "major"). Each is an event."""

from __future__ import annotations

from datetime import datetime

from warroom.domain.actions import RuleBroken, _as
from warroom.domain.incident import IncidentState
from warroom.domain.model import COMPONENT_STATES, Event, Kind
from warroom.domain.schema import MAX_AFFECTED, MAX_COMPONENT, ComponentsSet, event
from warroom.domain.text import clean_input, one_line

DERIVED = ("", "auto", "derived")  # what a person types to take an override away


def check_components(names: list[str] | tuple[str, ...], known: tuple[str, ...]) -> tuple[str, ...]:
    """Component names as typed (any case, in any order, each once), as the config spells them.
    An unknown name is refused naming the known ones."""
    if not known and names:
        raise RuleBroken("the config names no components: add [status_page] components = [...] first")
    by_fold = {name.casefold(): name for name in known}
    found: list[str] = []
    for typed in names:
        name = clean_input(typed).strip()
        if not name:
            continue
        if len(name) > MAX_COMPONENT or name.casefold() not in by_fold:
            shown = ", ".join(one_line(k, 30) for k in known[:12])
            raise RuleBroken(f"no component {one_line(name, 40)!r} in the config: it names {shown}")
        if by_fold[name.casefold()] not in found:
            found.append(by_fold[name.casefold()])
    if len(found) > MAX_AFFECTED:
        raise RuleBroken(f"{len(found)} components; at most {MAX_AFFECTED}")
    return tuple(found)


def check_state(text: str) -> str:
    """A component state as typed ("partial outage", "Degraded", "major"), or "" for derived."""
    word = " ".join(clean_input(text).strip().casefold().replace("-", " ").split())
    if word in DERIVED:
        return ""
    for state in COMPONENT_STATES:
        if word in (state, state.split()[0]) or state.startswith(word) and len(word) >= 3:
            return state
    raise RuleBroken(f"no component state {one_line(text, 40)!r}: say {', '.join(COMPONENT_STATES)}, or auto")


def set_components(state: IncidentState, actor: str, now: datetime, names: list[str] | tuple[str, ...], component_state: str,
                   known: tuple[str, ...], *, switch: bool = False) -> list[Event]:
    """Name the components the incident affects (none: its service's) and the state the page
    gives them ("" derived), as the communicator."""
    chosen = check_components(names, known)
    wanted = check_state(component_state)
    if chosen == state.components and wanted == state.component_state:
        raise RuleBroken("the components and their state are so already")
    before, role = _as(state, actor, now, Kind.COMPONENTS_SET, switch)
    said = ComponentsSet(components=chosen, state=wanted, was=state.components, was_state=state.component_state)
    return before + [event(state.code, now, actor, role, said)]
