"""The drill's clock: incident time runs `speed` times as fast as real time, from an origin a
day back (so that what the drill writes is never in the future), and it can be paused."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from warroom.config.environment import system_clock

BACK = timedelta(days=1)  # the drill's time starts this long before real time


class DrillClock:
    def __init__(self, speed: float = 1.0, real: Callable[[], datetime] = system_clock, start: datetime | None = None) -> None:
        if not 0.1 <= speed <= 120:
            raise ValueError(f"--speed {speed:g}: expected from 0.1 to 120 (incident minutes per real minute)")
        self.speed, self._real = speed, real
        self._real_origin = real()
        self._origin = start if start is not None else self._real_origin - BACK
        self._paused_at: datetime | None = None  # the real time the pause began
        self._paused = timedelta()
        self.last_pause = timedelta()  # how long the last pause stood, on the drill's clock

    def __call__(self) -> datetime:
        real = self._paused_at if self._paused_at is not None else self._real()
        return self._origin + (real - self._real_origin - self._paused) * self.speed

    @property
    def real_origin(self) -> datetime:
        """The real time this clock started at its origin (the drill's detection)."""
        return self._real_origin

    @property
    def paused(self) -> bool:
        return self._paused_at is not None

    def pause(self) -> bool:
        """Pause, or go on if paused; whether it is paused now."""
        if self._paused_at is None:
            self._paused_at = self._real()
        else:
            stood = self._real() - self._paused_at
            self._paused += stood
            self.last_pause = stood * self.speed
            self._paused_at = None
        return self.paused

    def agree(self, state) -> None:
        """Set this clock to the drill's time on the timeline (the declaration's clock and the
        pauses written there): a pause or a go-on this console followed, noticed a moment after
        the facilitator wrote it, leaves it no moment apart from the facilitator's console; a
        drill resumed after a quit (`drill --resume`) goes on from where its timeline stands."""
        real = self._real()
        target = drill_now(state, real)
        if target is None:
            return
        if self._paused_at is not None:  # standing still at the pause's time since the real moment it was taken,
            taken = _taken(state)  # so that going on counts the whole pause (a console quit while paused, say)
            self._paused_at = min(taken, real) if taken is not None else self._paused_at
        self._paused = ((self._paused_at or real) - self._real_origin) - (target - self._origin) / self.speed


def drill_now(state, real: datetime) -> datetime | None:
    """The drill's time as its players' console has it, from its declaration (the clock's speed
    and real start) and the pauses on its timeline: what a facilitator's console shows and
    injects at. None for an incident declared without its clock."""
    if state.drill_clock is None or state.detected is None:
        return None
    if state.paused_at is not None:
        return state.paused_at
    speed, start = state.drill_clock
    return state.detected + (real - start) * speed - timedelta(seconds=state.paused_in_all)


def stood(state, real: datetime) -> timedelta:
    """How long the drill's clock has stood still in the pause on its timeline, in the drill's
    time, at real time `real`: from the moment the pause was taken (its drill time, turned back to
    real time by the declaration's clock and the earlier pauses), whoever took it. Zero when it is
    not paused or was declared without its clock."""
    taken = _taken(state)
    return max(timedelta(0), (real - taken) * state.drill_clock[0]) if taken is not None else timedelta(0)


def _taken(state) -> datetime | None:
    """The real time the pause on the drill's timeline was taken: its drill time, turned back to
    real time by the declaration's clock and the earlier pauses."""
    if state.paused_at is None or state.drill_clock is None or state.detected is None:
        return None
    speed, start = state.drill_clock
    return start + (state.paused_at - state.detected + timedelta(seconds=state.paused_in_all)) / speed
