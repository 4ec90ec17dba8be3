"""Learning across incidents (issue 28): what the team's history says, from each incident's
folded state (the summaries beside the log, never the logs themselves).

Every figure comes with how many incidents it is over. A median is the middle value (the mean
of the two middle ones for an even count); the 90th percentile is by nearest rank (the value
at rank ceil(0.9 n) of the n sorted). A period with fewer than MIN_FOR_TREND incidents gives
no median: it says how few it had instead of drawing a trend from one or two points.
"""

from __future__ import annotations

import math
import statistics
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from msgspec import Struct, field

from warroom.domain.incident import IncidentState
from warroom.domain.model import CONTAINED, DECLARED, EFFECTIVE, NO_EFFECT, SEVERITIES
from warroom.domain.policy import LATE, MET, MISSED, NOTIFY, POLICY, Policy, record

PERIODS = ("month", "quarter")
MIN_FOR_TREND = 3  # incidents a period needs before its medians are shown as a trend
FIGURES = ("detect", "contain", "identify", "fix", "resolve")
TOP_REASONS = 3


def period_of(moment: datetime, by: str) -> str:
    """The period a moment (UTC) falls in: 2026-11 by month, 2026-Q4 by quarter."""
    moment = moment.astimezone(UTC)
    return f"{moment.year}-{moment.month:02d}" if by == "month" else f"{moment.year}-Q{(moment.month - 1) // 3 + 1}"


def periods_between(start: datetime, end: datetime, by: str) -> list[str]:
    """Every period from the one `start` is in to the one `end` is in, in order (empty ones too)."""
    start, end = start.astimezone(UTC), end.astimezone(UTC)
    step = 1 if by == "month" else 3
    year, month = start.year, ((start.month - 1) // step) * step + 1
    found = []
    while (year, month) <= (end.year, end.month):
        found.append(period_of(datetime(year, month, 1, tzinfo=UTC), by))
        month += step
        if month > 12:
            year, month = year + 1, month - 12
    return found


def median(values: list[float]) -> float | None:
    return statistics.median(values) if values else None


def percentile(values: list[float], share: float = 0.9) -> float | None:
    """Nearest rank: the value at rank ceil(share × n) of the sorted values."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(1, math.ceil(share * len(ordered))) - 1]


class Spread(Struct, frozen=True):
    """A figure over some incidents, in seconds: how many had it, its median and 90th percentile."""
    count: int
    median: float | None = None
    p90: float | None = None

    @classmethod
    def of(cls, values: list[float]) -> Spread:
        return cls(len(values), median(values), percentile(values))


class Period(Struct, frozen=True):
    name: str
    incidents: int
    by_severity: dict[str, int]
    figures: dict[str, Spread]  # only when it had MIN_FOR_TREND incidents (else empty)


class DeadlineFigures(Struct, frozen=True):
    """One kind of deadline over the resolved incidents that owed it."""
    kind: str
    owed: int
    on_time: int
    late: int
    missed: int
    late_median: float | None  # seconds late, the median of the late ones


class LeverFigures(Struct, frozen=True):
    number: int
    name: str
    contained: int  # incidents this lever contained (the first lever marked effective)
    to_contain: Spread  # from declaration to containment, over those incidents
    no_effect: int  # incidents where it was pulled and had no effect


class OverrideFigures(Struct, frozen=True):
    rule: str
    count: int
    reasons: list[tuple[str, int]]  # the most common reasons, with how often


class FollowupFigures(Struct, frozen=True):
    opened: int
    closed: int
    open: int
    overdue: int
    to_close: Spread  # days from added to closed, over the closed ones


class DrillFigures(Struct, frozen=True):
    count: int
    score: Spread  # the scores (0-100)
    by_person: dict[str, dict[str, Spread]]  # person -> period -> their scores


class Insights(Struct, frozen=True):
    since: datetime
    until: datetime
    by: str
    severity: str  # "" : every severity
    drills: bool  # drills (practice) instead of real incidents
    incidents: int
    periods: list[Period]
    figures: dict[str, Spread]  # over every incident in the window
    deadlines: list[DeadlineFigures]
    levers: list[LeverFigures]
    overrides: list[OverrideFigures]
    followups: FollowupFigures
    drill: DrillFigures | None = None
    resolved: int = 0  # the incidents resolved: what the deadlines are counted over
    notes: list[str] = field(default_factory=list)


def _seconds(span: timedelta | None) -> float | None:
    return None if span is None else span.total_seconds()


def _figures(state: IncidentState) -> dict[str, float | None]:
    f = state.figures()
    return {"detect": _seconds(f.to_detect), "contain": _seconds(f.to_contain), "identify": _seconds(f.to_identify),
            "fix": _seconds(f.to_fix), "resolve": _seconds(f.to_resolve)}


def _spreads(states: list[IncidentState], figures: dict[int, dict[str, float | None]]) -> dict[str, Spread]:
    """Each figure over the incidents (`figures`: each one's, by id, worked out once)."""
    found: dict[str, list[float]] = {name: [] for name in FIGURES}
    for state in states:
        for name, value in figures[id(state)].items():
            if value is not None:
                found[name].append(value)
    return {name: Spread.of(values) for name, values in found.items()}


def _deadline_kind(label: str, met_by: str, template: str) -> str:
    """Notify deadlines by their label (each audience is its own); messages by their template."""
    return label if met_by == NOTIFY else template or label


def _deadlines(states: list[IncidentState], now: datetime, policy: Policy) -> list[DeadlineFigures]:
    counts: dict[str, Counter] = {}
    lateness: dict[str, list[float]] = {}
    for state in states:
        if not state.resolved:
            continue
        for deadline in record(state, now, policy):
            if deadline.status not in (MET, LATE, MISSED):
                continue  # waived (not owed once resolved)
            kind = _deadline_kind(deadline.label, deadline.met_by, deadline.template)
            counts.setdefault(kind, Counter())[deadline.status] += 1
            if deadline.status == LATE and deadline.late_by is not None:
                lateness.setdefault(kind, []).append(deadline.late_by.total_seconds())
    return [DeadlineFigures(kind, sum(c.values()), c[MET], c[LATE], c[MISSED], median(lateness.get(kind, [])))
            for kind, c in counts.items()]


def _containing_lever(state: IncidentState):
    effective = [lever for lever in state.levers if lever.state == EFFECTIVE and lever.effective_at is not None]
    return min(effective, key=lambda lever: (lever.effective_at, lever.number), default=None)


def _levers(states: list[IncidentState]) -> list[LeverFigures]:
    names: dict[int, str] = {}
    contained: dict[int, list[float]] = {}
    no_effect: Counter = Counter()
    for state in states:
        for lever in state.levers:
            names.setdefault(lever.number, lever.name)
            if lever.state == NO_EFFECT:
                no_effect[lever.number] += 1
        lever = _containing_lever(state)
        declared, done = state.milestone(DECLARED), state.milestone(CONTAINED)
        if lever is not None:
            spans = contained.setdefault(lever.number, [])
            if declared is not None and done is not None:
                spans.append(max(0.0, (done - declared).total_seconds()))
    return [LeverFigures(number, names[number], len(contained.get(number, [])), Spread.of(contained.get(number, [])),
                         no_effect[number]) for number in sorted(names)]


def _overrides(states: list[IncidentState]) -> list[OverrideFigures]:
    rules: Counter = Counter()
    reasons: dict[str, Counter] = {}
    for state in states:
        for override in state.overrides:
            rules[override.rule] += 1
            reasons.setdefault(override.rule, Counter())[override.reason.strip()] += 1
    return [OverrideFigures(rule, count, sorted(reasons[rule].items(), key=lambda item: (-item[1], item[0]))[:TOP_REASONS])
            for rule, count in sorted(rules.items(), key=lambda item: (-item[1], item[0]))]


def _followups(states: list[IncidentState], now: datetime) -> FollowupFigures:
    from warroom.domain.followups import overdue

    items = [item for state in states for item in state.followups]
    closed = [item for item in items if item.done]
    days = [(item.done_at - item.at).total_seconds() / 86_400 for item in closed if item.done_at and item.at]
    return FollowupFigures(len(items), len(closed), len(items) - len(closed), sum(overdue(item, now) for item in items),
                           Spread.of(days))


def _drills(states: list[IncidentState], now: datetime, by: str, policy: Policy,
            targets_of: Callable[[str], dict[str, timedelta] | None]) -> DrillFigures:
    from warroom.domain.scoring import score

    scores: list[float] = []
    by_person: dict[str, dict[str, list[float]]] = {}
    for state in states:
        value = float(score(state, now, targets_of(state.drill), policy).score)
        scores.append(value)
        person = state.hat_spans[0].who if state.hat_spans else "?"
        by_person.setdefault(person, {}).setdefault(period_of(state.detected or now, by), []).append(value)
    return DrillFigures(len(scores), Spread.of(scores),
                        {person: {period: Spread.of(values) for period, values in sorted(periods.items())}
                         for person, periods in sorted(by_person.items())})


def insights(states: list[IncidentState], now: datetime, since: datetime, by: str = "month", severity: str = "",
             drills: bool = False, policy: Policy = POLICY,
             targets_of: Callable[[str], dict[str, timedelta] | None] = lambda name: None) -> Insights:
    """What the incidents detected from `since` to `now` say (the drills instead, with `drills`),
    of one severity or all, by month or quarter."""
    chosen = [s for s in states if s.declared and s.detected is not None and since <= s.detected <= now
              and bool(s.drill) == drills and (not severity or s.severity == severity)]
    chosen.sort(key=lambda s: s.detected)  # type: ignore[arg-type, return-value]  # (each has a detection time)
    grouped: dict[str, list[IncidentState]] = {}
    for state in chosen:
        grouped.setdefault(period_of(state.detected, by), []).append(state)  # type: ignore[arg-type]  # (as above)
    figures = {id(state): _figures(state) for state in chosen}
    periods = []
    for name in periods_between(since, now, by):
        members = grouped.get(name, [])
        counted = Counter(s.severity for s in members)
        periods.append(Period(name, len(members), {sev: counted[sev] for sev in SEVERITIES if counted[sev]},
                              _spreads(members, figures) if len(members) >= MIN_FOR_TREND else {}))
    return Insights(
        since=since, until=now, by=by, severity=severity, drills=drills, incidents=len(chosen), periods=periods,
        figures=_spreads(chosen, figures), deadlines=_deadlines(chosen, now, policy), levers=_levers(chosen),
        overrides=_overrides(chosen), followups=_followups(chosen, now),
        drill=_drills(chosen, now, by, policy, targets_of) if drills else None,
        resolved=sum(1 for s in chosen if s.resolved),
    )
