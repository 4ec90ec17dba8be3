"""A drill's scorecard: the practice's rules, what happened, and the points each cost (pure:
a function of the incident's folded state, so it is tested without a screen).

100 points, less each deduction, never below 0; every deduction says why.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from warroom.domain.incident import IncidentState
from warroom.domain.model import (
    CONTAINED,
    EFFECTIVE,
    FIX_DEPLOYED,
    ROOT_CAUSE,
    RULE_CONTAIN_FIRST,
    RULE_FLAG_AFTER_FIX,
    RULE_LEVER_ORDER,
    RULE_NO_SURPRISES,
    RULE_PATH_DONE,
    RULE_SOAK_FULL,
    RULE_STAGING_FIRST,
)
from warroom.domain.policy import LATE, MISSED, OVERDUE, POLICY, RESOLUTION_NOTICE, Policy, record
from warroom.domain.practice import PAUSE_FREE
from warroom.domain.text import counted
from warroom.domain.timefmt import clock_text

MANUAL_PAGE = "manual"  # a severity whose status page is published by hand (P1): the drill checks it was

# What each breach costs. A breach is counted each time it happens, up to its cap.
COST = {
    "contain first": 15,  # root cause named before the impact was contained
    "lever order": 10,  # each lever pulled out of order
    "late": 5,  # each deadline met late
    "missed": 10,  # each deadline missed (or still overdue at the end)
    "no surprises": 15,  # a client notice before the people the severity names had heard
    "staging": 10,  # deployed before staging confirmed, or the flag back on before the fix
    "hats": 2,  # each hat switch beyond HAT_SWITCHES
    "follow-up": 10,  # no prevention follow-up recorded
    "target": 5,  # each figure slower than the scenario's target
    "unresolved": 20,  # the drill ended without the incident resolved
    "path": 10,  # resolved with the resolution path unfinished (a reason given instead of the steps)
    "no fix": 10,  # resolved with no fix deployed
    "finding": 5,  # each finding never acknowledged by the commander
    "resolution notice": 5,  # a severity that tells the client, resolved without the resolution notice sent
    "status page": 5,  # a severity whose status page is published by hand, never published
    "guessed": 10,  # the root cause named before any finding was reported (a guess, not an identification)
    "paused": 1,  # each minute the players paused the drill past PAUSE_FREE
    "soak": 10,  # the soak cut short (a reason given instead of the minutes)
    "unanswered": 10,  # a customer report not answered by a message to the client within the scenario's answer_within
    "lever needed": 10,  # a lever the scenario needs (a data correction) never run
}
CAPS = {"lever order": 30, "late": 30, "missed": 40, "hats": 10, "target": 20, "finding": 15, "paused": 10}
HAT_SWITCHES = 4  # a person alone wears every hat in turn: this many switches are the job


@dataclass(frozen=True)
class Line:
    """One rule of the practice, what happened, and what it cost (0: held)."""
    rule: str
    what: str
    cost: int
    missed: bool = False  # a rule broken that costs nothing itself (a target, counted in its own line): ✘, never ✔
    aside: bool = False  # not a rule at all: what happened (an inject skipped), shown with ·


@dataclass(frozen=True)
class Scorecard:
    lines: tuple[Line, ...]
    figures: tuple[tuple[str, timedelta | None, timedelta | None], ...] = field(default=())  # name, figure, target

    @property
    def score(self) -> int:
        return max(0, 100 - sum(line.cost for line in self.lines))

    def text(self) -> str:
        """The scorecard as the console and `drill --score` show it, and the export carries it."""
        out = [f"score {self.score} / 100"]
        for line in self.lines:
            mark = '−' + str(line.cost) if line.cost else '✘' if line.missed else '·' if line.aside else '✔'
            out.append(f"{mark:>4}  {line.rule}: {line.what}")
        if self.figures:
            out.append("figures against the scenario's targets:")
            for name, figure, target in self.figures:
                shown = clock_text(figure) if figure is not None else "—"
                out.append(f"      {name} {shown}" + (f" (target {clock_text(target)})" if target is not None else ""))
        return "\n".join(out)


    @property
    def deductions(self) -> list[Line]:
        """What cost points, each numbered by its place here (an improvement plan picks from them)."""
        return [line for line in self.lines if line.cost > 0]

    @property
    def held(self) -> list[Line]:
        return [line for line in self.lines if not line.cost and not line.missed and not line.aside]


def _capped(rule: str, count: int) -> int:
    return min(COST[rule] * count, CAPS.get(rule, COST[rule] * count))


@dataclass(frozen=True)
class Asks:
    """What a scenario asks beyond the practice's rules: customer reports (when each came) to be
    answered by a message to the client within `answer_within`, and levers that must be run
    (a data correction after a bad migration: rolling back does not mend what was written)."""
    reports: tuple[datetime, ...] = ()
    answer_within: timedelta = timedelta(minutes=10)
    levers: tuple[int, ...] = ()
    skipped: tuple[str, ...] = ()  # the injects whose condition did not hold, as the timeline said
    observations: tuple[str, ...] = ()  # the facilitator's, for the review


def score(state: IncidentState, now: datetime, targets: dict[str, timedelta] | None = None,
          policy: Policy = POLICY, asks: Asks | None = None) -> Scorecard:
    """The scorecard of an incident (a drill) as it stands at `now`. `targets`: the scenario's
    figures (contain, identify, fix, resolve, total); `asks`: what else the scenario asks."""
    lines: list[Line] = []
    overridden = [o.rule for o in state.overrides]

    early = RULE_CONTAIN_FIRST in overridden  # the root cause named before any lever was pulled
    contained = state.milestone(CONTAINED)
    lines.append(Line("contain before you diagnose",
                      "the root cause was named before any lever was pulled" if early else
                      "a lever first" + ("" if contained else " (the impact was never contained)"),
                      COST["contain first"] if early else 0))

    out_of_order = overridden.count(RULE_LEVER_ORDER)
    lines.append(Line("levers in order", f"{counted(out_of_order, 'lever')} pulled out of order" if out_of_order else "in order",
                      _capped("lever order", out_of_order)))

    owed = record(state, now, policy)
    late = [d for d in owed if d.status == LATE]
    missed = [d for d in owed if d.status in (MISSED, OVERDUE)]
    for deadline in late:
        lines.append(Line(f"on time: {deadline.label}", f"late by {clock_text(deadline.late_by or timedelta(0))}", COST["late"]))
    for deadline in missed:
        lines.append(Line(f"on time: {deadline.label}", "missed" if deadline.status == MISSED else "still overdue",
                          COST["missed"]))
    if not late and not missed:
        lines.append(Line("every notification, notice and update on time", "all on time", 0))
    if len(late) * COST["late"] > CAPS["late"]:
        lines.append(Line("(late deadlines, capped)", f"{CAPS['late']} at most", CAPS["late"] - len(late) * COST["late"]))
    if len(missed) * COST["missed"] > CAPS["missed"]:
        lines.append(Line("(missed deadlines, capped)", f"{CAPS['missed']} at most", CAPS["missed"] - len(missed) * COST["missed"]))

    surprised = RULE_NO_SURPRISES in overridden
    lines.append(Line("no surprises", "the client heard before the people the matrix names" if surprised else "held",
                      COST["no surprises"] if surprised else 0))

    short = RULE_SOAK_FULL in overridden
    lines.append(Line("the soak ran its full length", "cut short" if short else "held", COST["soak"] if short else 0))

    staging = sum(1 for rule in overridden if rule in (RULE_STAGING_FIRST, RULE_FLAG_AFTER_FIX))
    lines.append(Line("staging before the flag comes back", f"{counted(staging, 'step')} taken early" if staging else "held",
                      _capped("staging", staging) if staging else 0))

    switches = state.hats_worn  # (a drill's injects never wear a hat: these are the player's)
    extra = max(0, switches - HAT_SWITCHES)
    lines.append(Line("one hat at a time", f"{switches} hat switches" + (f", {extra} more than {HAT_SWITCHES}" if extra else ""),
                      _capped("hats", extra)))

    followed = bool(state.followups)
    lines.append(Line("the prevention follow-up recorded", "recorded" if followed else "none recorded",
                      0 if followed else COST["follow-up"]))

    figures = []
    slow = 0
    for name, figure in state.figures().labelled():
        target = (targets or {}).get(name)
        figures.append((name, figure, target))
        if target is not None and figure is not None and figure > target:
            slow += 1
            lines.append(Line(f"target: {name}", f"missed: {clock_text(figure)} against {clock_text(target)}", 0, missed=True))
    if slow:
        lines.append(Line("figures against the targets", f"{slow} slower than the target", _capped("target", slow)))
    lines += _held_to_the_end(state, overridden, policy)
    lines += _asked(state, now, asks or Asks())
    if not state.resolved:
        lines.append(Line("resolved", "the drill ended before the incident was resolved", COST["unresolved"]))
    return Scorecard(tuple(lines), tuple(figures))


def _asked(state: IncidentState, now: datetime, asks: Asks) -> list[Line]:
    """Each customer report answered in time by a message to the client; each lever the
    scenario needs run (marked effective)."""
    from warroom.domain.public import PUBLIC_TEMPLATES

    lines = []
    told = sorted(c.at for c in state.communications if c.template in PUBLIC_TEMPLATES)
    for n, report in enumerate(asks.reports, 1):
        answer = next((at for at in told if at >= report), None)
        waiting = answer is None and now - report <= asks.answer_within  # (still time to answer it)
        late = not waiting and (answer is None or answer - report > asks.answer_within)
        within = int(asks.answer_within.total_seconds() // 60)
        what = ("not answered yet, still in time" if waiting else
                f"answered {clock_text(answer - report)} after it" if answer is not None and not late else
                f"answered only {clock_text(answer - report)} after it (within {within} min asked)" if answer is not None else
                f"never answered with a message to the client (within {within} min asked)")
        lines.append(Line(f"customer report #{n} answered", what, COST["unanswered"] if late else 0))
    for number in asks.levers:
        lever = state.lever(number)
        run = lever.state == EFFECTIVE
        lines.append(Line(f"lever {number} ({lever.name}) run", "run and effective" if run else f"{lever.state}: what it mends stays broken",
                          0 if run else COST["lever needed"]))
    lines += [Line("an inject skipped", said, 0, aside=True) for said in asks.skipped]
    lines += [Line("the facilitator observed", said, 0, aside=True) for said in asks.observations]
    return lines


def _held_to_the_end(state: IncidentState, overridden: list[str], policy: Policy) -> list[Line]:
    """The rules a resolution can quietly skip: the path, a fix, the findings taken in, the
    customers told it is over, the status page, a root cause from evidence; and the clock."""
    lines: list[Line] = []
    if state.resolved:
        reasons = [o.reason for o in state.overrides if o.rule == RULE_PATH_DONE]
        lines.append(Line("the resolution path followed", f"resolved without it: \"{reasons[0][:60]}\"" if reasons else "followed",
                          COST["path"] if reasons else 0))
        fixed = state.milestone(FIX_DEPLOYED) is not None
        lines.append(Line("a fix deployed", "deployed" if fixed else "resolved with no fix deployed", 0 if fixed else COST["no fix"]))
        rules = policy.get(state.severity)
        tells = rules is not None and rules.tells_clients
        if tells:
            told = any(c.template == RESOLUTION_NOTICE for c in state.communications)
            lines.append(Line("the client told it is over", "the resolution notice sent" if told else "no resolution notice sent",
                              0 if told else COST["resolution notice"]))
        if state.drill and rules is not None and rules.status_page == MANUAL_PAGE:  # (a drill's publication is practised)
            lines.append(Line("the status page published", "published" if state.published else f"a {state.severity}'s page, never published",
                              0 if state.published else COST["status page"]))
    waiting = len(state.unacknowledged)
    lines.append(Line("every finding taken in", f"{waiting} never acknowledged" if waiting else "all acknowledged",
                      _capped("finding", waiting)))
    named = state.milestone(ROOT_CAUSE)
    if named is not None:
        evidence = [f.at for f in state.findings if f.at <= named]
        lines.append(Line("a root cause from evidence", "after a finding" if evidence else "named before any finding: a guess",
                          0 if evidence else COST["guessed"]))
    beyond = int(max(0.0, state.paused_by_players - PAUSE_FREE.total_seconds()) // 60)
    if state.paused_by_players:
        lines.append(Line("the clock kept running", f"paused {clock_text(timedelta(seconds=state.paused_by_players))} in all"
                          + (f", {beyond} min past {PAUSE_FREE.seconds // 60}" if beyond else ""), _capped("paused", beyond)))
    return lines
