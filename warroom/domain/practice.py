"""A drill's own actions (issue 29): its clock paused and started again, each an event on its
timeline, so a pause leaves its trace in `show`, the export and the scorecard (time the players
paused counts against them past PAUSE_FREE; a facilitator's is free)."""

from __future__ import annotations

from datetime import datetime, timedelta

from warroom.domain.actions import RuleBroken
from warroom.domain.incident import IncidentState
from warroom.domain.model import COMMANDER, Event
from warroom.domain.schema import DrillPaused, DrillResumed, PausedBy, event

PAUSE_FREE = timedelta(minutes=2)  # the players' pauses, in all, that cost nothing


def pause(state: IncidentState, actor: str, now: datetime, by: PausedBy = "player") -> list[Event]:
    if not state.drill:
        raise RuleBroken("only a drill's clock can be paused")
    if state.paused_at is not None:
        raise RuleBroken("the drill is paused already")
    return [event(state.code, now, actor, COMMANDER, DrillPaused(by=by))]


def resume(state: IncidentState, actor: str, now: datetime, paused: timedelta, by: PausedBy = "player") -> list[Event]:
    """The drill goes on; `paused`: how long it stood, on the drill's clock."""
    if state.paused_at is None:
        raise RuleBroken("the drill is not paused")
    return [event(state.code, now, actor, COMMANDER, DrillResumed(by=by, paused_seconds=round(max(0.0, paused.total_seconds()), 1)))]
