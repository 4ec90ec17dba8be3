"""`warroom drill`: the scenarios there are, a drill's scorecard, or a new drill in the console
on a scaled clock (its incident declared through the service, once the scenario is valid)."""

from __future__ import annotations

from warroom.cli.common import alarms, database, must_exist
from warroom.config.environment import UsageError, actor_name, needs_terminal
from warroom.domain import actions
from warroom.domain.actions import RuleBroken
from warroom.domain.text import one_line
from warroom.service import Service
from warroom.store import open_store


def run(args, config, out) -> int:
    """`warroom drill`: the scenarios, a drill's scorecard, or a new drill in the console."""
    import asyncio

    from warroom.drills import scenario as scenarios

    folder = config.path.parent
    if args.list:
        for found in scenarios.available(folder):
            print(f"{one_line(found.name, 60):<22} {found.severity}  {one_line(found.summary or found.title, 100)}", file=out)
        return 0
    if args.name and not args.replay:
        raise UsageError("--name goes with --from (the name of the scenario a replay writes)")
    if args.person and not args.history:
        raise UsageError("--person goes with --history")
    if (args.pick or args.owner) and not args.followups:
        raise UsageError("--pick and --owner go with --followups CODE")
    path = database(args, config)
    if args.replay:
        must_exist(path)
        return asyncio.run(_replay(path, args.replay, args.name, folder, out))
    if args.speed is not None and (args.facilitate or args.resume):
        raise UsageError("--speed is the drill's own, set when it began: leave it out with --facilitate and --resume")
    if args.facilitate:
        must_exist(path)
        return _facilitate(path, args.facilitate, folder, config, args.scenario)
    if args.resume:
        must_exist(path)
        return _resume(path, args, folder, config, out)
    if args.history:
        must_exist(path)
        return asyncio.run(_history(path, args.person, folder, out, config.book.policy))
    if args.followups:
        must_exist(path)
        return asyncio.run(_improvements(args, path, folder, out, config))
    if args.score:
        must_exist(path)
        return asyncio.run(_score(path, args.score, folder, out, config.book.policy))
    played = scenarios.find(args.scenario or "jwt-outage", folder)  # (the seed's outage unless named)
    from warroom.drills.clock import DrillClock

    speed = 1.0 if args.speed is None else args.speed
    try:
        clock = DrillClock(speed)
    except ValueError as error:
        raise UsageError(str(error)) from None
    needs_terminal()  # before the drill's incident is written
    detected = clock()
    draft = actions.declare(actor_name(config.name), detected, played.title, played.severity, detected=detected,
                            impact_started=detected - played.impact_before, service=played.service,
                            impact=played.impact, drill=played.name, drill_clock=(speed, clock.real_origin))

    async def start() -> str:
        store = await open_store(path)
        try:
            return (await Service(store, config, clock).declare(draft)).incident
        finally:
            await store.close()

    code = asyncio.run(start())
    print(f"{code}: the {one_line(played.name, 60)} drill at {speed:g}× (space pauses; resolving it shows the scorecard; "
          f"later: warroom drill --score {code}; left by mistake: warroom drill --resume {code})", file=out)
    return _play(path, code, played, clock, args, config)


def _play(path, code: str, played, clock, args, config) -> int:
    """The players' console on the drill: the scenario's runbook and soak in the playbook."""
    from msgspec.structs import replace

    from warroom.console.launch import run_console
    from warroom.domain.playbook import LEVER_KEYS, LeverRunbook

    runbook = {LEVER_KEYS.index(key) + 1: LeverRunbook(command=command) for key, command in played.runbook.items()
               if key in LEVER_KEYS}
    book = replace(config.book, runbooks={**config.book.runbooks, played.service: runbook}) if runbook else config.book
    if played.soak is not None:
        book = replace(book, soak=played.soak)
    return run_console(path, code=code, config=replace(config, book=book), clock=clock, drill=played,
                       **alarms(args, config))


def _resume(path, args, folder, config, out) -> int:
    """`drill --resume DRILL-4`: the players' console again on a drill left before it was
    resolved (a quit, a closed pane), on the drill's own clock: the time its timeline gives
    (its declaration's speed and start, less the pauses), paused if it was left paused."""
    from warroom.drills.clock import DrillClock

    state, played = _being_played(path, args.resume, folder, config, args.scenario, "--resume")
    if state.drill_clock is None:
        raise UsageError(f"{state.code} was declared by an older warroom, without its clock: it cannot go on")
    clock = DrillClock(state.drill_clock[0])
    if state.paused_at is not None:
        clock.pause()
    clock.agree(state)
    needs_terminal()
    from warroom.domain.timefmt import t_plus

    print(f"{state.code}: the {one_line(played.name, 60)} drill goes on at {clock.speed:g}×, "
          f"from {t_plus(clock(), state.detected)}" + (" (paused: space goes on)" if clock.paused else ""), file=out)
    return _play(path, state.code, played, clock, args, config)


def _being_played(path, code: str, folder, config, given: str | None, option: str):
    """A drill still being played (its state) and its scenario, found by name, or from the file
    the players started it from (`warroom drill FILE --facilitate DRILL-4`)."""
    import asyncio

    from warroom.drills import scenario as scenarios

    async def read():
        store = await open_store(path, read_only=True)
        try:
            return (await store.opening(code.strip().upper(), config.book.levers)).state
        finally:
            await store.close()

    state = asyncio.run(read())
    if not state.drill:
        raise RuleBroken(f"{state.code} is not a drill: {option} is for drills (warroom opens an incident)")
    if state.resolved:
        raise RuleBroken(f"{state.code} is resolved: its scorecard is warroom drill --score {state.code}")
    try:
        played = scenarios.find(given if given and given != state.drill else state.drill, folder)
    except scenarios.ScenarioError:
        raise UsageError(f"{state.code} plays {one_line(state.drill, 60)!r}, which is not in the drills folders: "
                         f"give its file, warroom drill FILE {option} {state.code}") from None
    if played.name != state.drill:
        raise UsageError(f"{one_line(given or '', 60)} is the scenario {one_line(played.name, 60)!r}; {state.code} plays "
                         f"{one_line(state.drill, 60)!r}")
    return state, played


def _facilitate(path, code: str, folder, config, given: str | None) -> int:
    """`drill --facilitate DRILL-4`: the facilitator's console on a drill being played; its
    scenario found by name, or from the file the players started it from (`warroom drill FILE
    --facilitate DRILL-4`)."""
    from warroom.config.environment import fail, system_clock

    state, played = _being_played(path, code, folder, config, given, "--facilitate")
    needs_terminal()
    from warroom.console.facilitator import FacilitatorApp

    problem = FacilitatorApp(path, state.code, played, actor_name(config.name), system_clock, config).run()
    return fail(problem) if problem else 0


async def _history(path, person: str | None, folder, out, policy) -> int:
    """`drill --history`: every drill, newest first: date, scenario, players, score, top deduction."""
    from datetime import UTC, datetime

    from warroom.drills import scorecard

    store = await open_store(path, read_only=True)
    try:
        states = await store.states_since(datetime(1970, 1, 1, tzinfo=UTC), drills=True)
    finally:
        await store.close()
    rows = []
    for state in sorted(states, key=lambda s: s.detected or datetime.min.replace(tzinfo=UTC), reverse=True):
        players = list(dict.fromkeys(span.who for span in state.hat_spans))
        if person and person.strip().casefold() not in {p.casefold() for p in players}:
            continue
        card = scorecard(state, state.resolved_at or (state.detected or datetime.now(UTC)), policy, folder)
        worst = max(card.deductions, key=lambda line: line.cost, default=None)
        top = f"−{worst.cost} {worst.rule}: {worst.what}" if worst else "no deduction"
        score = f"{card.score}/100" if state.resolved else "unfinished"
        day = state.detected.date().isoformat() if state.detected else "—"
        rows.append(f"{state.code:<9} {day}  {one_line(state.drill, 22):<22} {one_line(', '.join(players), 30):<30} {score:>10}  "
                    f"{one_line(top, 90)}")
    print("\n".join(rows) if rows else "no drills yet" + (f" played by {one_line(person, 40)}" if person else "")
          + ("" if rows else " (warroom drill --list, then warroom drill NAME)"), file=out)
    return 0


async def _improvements(args, path, folder, out, config) -> int:
    """`drill --followups CODE --pick 1,3`: the deductions the team chooses, as follow-ups of the drill."""
    from warroom.cli.common import service_for
    from warroom.config.environment import system_clock
    from warroom.domain import followups
    from warroom.drills import scorecard

    now = system_clock()
    async with service_for(args, config, now) as service:
        state = await service.store.load(args.followups.strip().upper())
        if not state.drill:
            raise RuleBroken(f"{state.code} is not a drill")
        if not state.resolved:
            raise RuleBroken(f"{state.code} is still being played: its improvement plan comes once it is resolved")
        deductions = scorecard(state, state.resolved_at or now, config.book.policy, folder).deductions
        if not args.pick:
            for n, line in enumerate(deductions, 1):
                print(f"{n}. {line.rule}: {one_line(line.what, 120)} (−{line.cost})", file=out)
            print(f"pick with: warroom drill --followups {state.code} --pick 1,2" if deductions else "no deductions: nothing to improve",
                  file=out)
            return 0
        try:
            picked = sorted({int(n) for n in args.pick.replace(" ", "").split(",") if n})
        except ValueError:
            raise UsageError(f"--pick {one_line(args.pick, 30)!r}: expected numbers such as 1,3") from None
        if not picked or any(not 1 <= n <= len(deductions) for n in picked):
            raise UsageError(f"--pick: expected numbers from 1 to {len(deductions)} (warroom drill --followups {state.code} lists them)")
        owner = args.owner or actor_name(config.name)
        for n in picked:
            line = deductions[n - 1]
            state = await service.store.load(state.code)
            text = f"from drill {state.code} ({state.drill}): {line.rule}: {line.what}"
            await service.append(followups.add(state, actor_name(config.name), now, text, owner, switch=True), state.severity)
            print(f"follow-up added to {state.code}: {one_line(text, 160)} ({owner})", file=out)
    return 0


async def _replay(path, code: str, name: str | None, folder, out) -> int:
    """`drill --from CODE`: a scenario file in the team's drills folder, from a resolved incident."""
    from warroom.drills import replay
    from warroom.drills import scenario as scenarios

    store = await open_store(path, read_only=True)
    try:
        state = await store.load(code.strip().upper())
    finally:
        await store.close()
    replay.replayable(state)
    name = (name or replay.name_for(state.code)).strip()
    if not scenarios.valid_name(name):
        raise UsageError(f"--name {one_line(name, 40)!r}: expected a word of letters, digits, '-', '_', '.' or spaces (at most 60)")
    target = folder / "drills" / f"{name}.toml"
    text = replay.scenario(state, state.events, name)
    scenarios.parse(text.encode(), target)  # what is written is a scenario warroom plays (else nothing is written)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        with target.open("x", encoding="utf-8") as handle:
            handle.write(text)
    except FileExistsError:
        raise UsageError(f"{target}: a scenario of that name is there already; give another with --name") from None
    except OSError as error:
        raise UsageError(f"{target}: cannot write it: {error.strerror or error}") from None
    print(f"{target}\nplay it: warroom drill {name}", file=out)
    return 0


async def _score(path, code: str, folder, out, policy) -> int:
    from warroom.drills import scorecard

    store = await open_store(path, read_only=True)
    try:
        state = await store.load(code.strip().upper())
    finally:
        await store.close()
    if not state.drill:
        raise RuleBroken(f"{state.code} is not a drill")
    end = state.resolved_at or max(e.at for e in state.events)
    print(f"{state.code}: the {one_line(state.drill, 60)} drill", file=out)
    print(scorecard(state, end, policy, folder).text(), file=out)
    return 0
