"""Drills: practice incidents in the real console. `scenario` reads the TOML files (the shipped
ones in `scenarios/`, the team's in the config folder's `drills/`), `clock` is the drill's scaled
clock, `injects` says what the scenario adds to the timeline as the drill goes on.

A drill's incident is coded DRILL-n (not INC-n), so it is marked as one on the screen, in the
status line and in every export, and it never counts among real incidents (`model.is_drill`)."""


def scorecard(state, now, policy, config_folder=None, scenario=None):
    """A drill's scorecard as it stands at `now`, against its scenario's targets (none if the
    scenario is gone: the rules still hold). The console (which has its `scenario` at hand,
    perhaps from a file's path), `drill --score` and the export all show this one."""
    from warroom.domain.scoring import score
    from warroom.drills.scenario import ScenarioError, find

    if scenario is None:
        try:
            scenario = find(state.drill, config_folder)
        except ScenarioError:
            return score(state, now, {}, policy)
    return score(state, now, scenario.targets, policy, asks(scenario, state, now))


def asks(scenario, state, now):
    """What the scenario asks beyond the rules: its customer reports that came (each answered
    within its `answer_within`), and the levers it needs run."""
    from warroom.domain.scoring import Asks
    from warroom.drills.injects import observations, skipped

    detected = state.detected
    end = min(now, state.resolved_at) if state.resolved_at is not None else now
    reports = tuple(detected + inject.at for inject in scenario.injects
                    if inject.kind == "customer" and detected is not None and detected + inject.at <= end)
    return Asks(reports, scenario.answer_within, scenario.needs_levers, tuple(skipped(state.events).values()),
                tuple(observations(state.events)))
