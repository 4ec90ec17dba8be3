"""What each key does, step by step: ask what the rules need, then commit through the app.

A flow never shows an action as done: the app does, after the store has committed it. Flows
are typed against `protocol.Console` (what they may ask of the console), and reached through
`FLOWS`, the table the keys name. The steps they share are in `steps`; the communicator's
flows (the messages) in `messages`.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from warroom.console.dialogs import Ask, Choose, Confirm
from warroom.console.followups import close_followup, followup
from warroom.console.messages import (
    copy_runbook,
    copy_template,
    edit_template,
    publish,
    read_message,
    resolution_notice,
    set_components,
    tick_notification,
)
from warroom.console.protocol import Console
from warroom.console.steps import as_hat, ask_checked, ask_reason, do, hat_first, take_over, worn_by_another
from warroom.domain import actions
from warroom.domain.actions import RoleHeld, RuleBroken
from warroom.domain.model import (
    COMMANDER,
    EFFECTIVE,
    HATS,
    LEVER_STATES,
    NO_EFFECT,
    PULLED,
    SEVERITIES,
    SKIPPED,
    UNTRIED,
    Kind,
)
from warroom.domain.text import one_line


async def wear(app: Console, hat: str) -> None:
    try:
        await app.commit(actions.wear_hat(app.state, app.actor, app.now(), hat))
    except RoleHeld as held:
        await take_over(app, held)
    except RuleBroken as broken:
        app.warn(str(broken))


async def advance_lever(app: Console, number: int) -> None:
    lever = app.state.lever(number)
    if lever.state not in (UNTRIED, PULLED):
        app.warn(f"lever {number} {lever.name} is {lever.state}; u corrects a mistaken press")
        return
    switch = await hat_first(app, Kind.LEVER_CHANGED)
    if switch is None:
        return
    if lever.state == UNTRIED:
        untried = [lev for lev in app.state.levers[: number - 1] if lev.state == UNTRIED]
        reason: str | None = ""
        if untried:
            names = ", ".join(f"{lev.number} {lev.name}" for lev in untried)
            reason = await ask_reason(
                app, f"Lever {number} {lever.name} before {names}.\nContain in order unless there is a reason: why this one first?",
                "e.g. no flag guards this code path")
            if reason is None:
                app.warn("not pulled: pulling out of order needs a reason")
                return
        runbook = app.book.runbook(app.state.service).get(number)
        await do(app, actions.set_lever, number, PULLED, reason=reason, runbook=runbook.copyable if runbook else "", switch=switch)
    else:
        outcome = await app.ask(Choose(
            f"Lever {number} {lever.name} is pulled. Did it work?",
            [("e", "effective — impact stopped (sets contained)", EFFECTIVE), ("x", "no effect", NO_EFFECT)]))
        if outcome:
            await do(app, actions.set_lever, number, outcome, switch=switch)


async def _pick_lever(app: Console, question: str, allowed, switch: bool, none: str) -> int | None:
    """A lever `allowed` picks, by its number; `none` is said when no lever is."""
    choices = [(str(lev.number), f"{lev.name} ({lev.state})", str(lev.number)) for lev in app.state.levers if allowed(lev)]
    if not choices:
        app.warn(none)
        return None
    picked = await app.ask(Choose(question, choices, hint=as_hat(app, Kind.LEVER_CHANGED, switch) + "Esc to cancel"))
    return int(picked) if picked else None


async def skip_lever(app: Console) -> None:
    switch = await hat_first(app, Kind.LEVER_CHANGED, asks=True)
    if switch is None:
        return
    number = await _pick_lever(app, "Skip which lever?", lambda lev: lev.state == UNTRIED, switch,
                               "no lever to skip: each has been tried or skipped already (u corrects one)")
    if number is None:
        return
    reason = await ask_reason(app, f"Why skip lever {number}?", "e.g. no migration in this release")
    if reason is not None:
        await do(app, actions.set_lever, number, SKIPPED, reason=reason, switch=switch)
    else:
        app.warn("not skipped: skipping needs a reason")


async def correct_lever(app: Console) -> None:
    switch = await hat_first(app, Kind.LEVER_CHANGED, asks=True)
    if switch is None:
        return
    number = await _pick_lever(app, "Correct which lever?", lambda lev: lev.state != UNTRIED, switch,
                               "no lever to correct: none has been pressed yet (1-4 advance a lever, x skips one)")
    if number is None:
        return
    lever = app.state.lever(number)
    keys = {UNTRIED: "u", PULLED: "p", EFFECTIVE: "e", NO_EFFECT: "x", SKIPPED: "s"}
    to = await app.ask(Choose(
        f"Lever {number} {lever.name} is {lever.state}. What should it be?",
        [(keys[s], s, s) for s in LEVER_STATES if s != lever.state]))
    if not to:
        return
    reason = await app.ask(Ask("What was wrong? (kept on the timeline)", placeholder="e.g. pressed 1 instead of 2"))
    if reason is None:
        return
    await do(app, actions.set_lever, number, to, reason=reason, correction=True, switch=switch)


async def note(app: Console) -> None:
    wearing = app.state.hat_of(app.actor)
    if wearing is None:
        hat = await app.ask(Choose("You wear no hat. Write as:", [(h[0], h, h) for h in HATS]))
        if not hat:
            return
        wearing = hat
    hint = "Enter to save · Esc to cancel" + (" · f (not n) reports a finding to the commander" if wearing == "investigator" else "")
    await app.ask(Ask(f"Note as the {wearing}", hint=hint, then=lambda text: do(app, actions.note, text, hat=wearing)))


async def finding(app: Console) -> None:
    """f: report a finding to the commander. Where no one else wears the commander's hat (you
    are alone), acknowledging it is offered at once, and then taking it as the root cause."""
    switch = await hat_first(app, Kind.FINDING_REPORTED, asks=True)
    if switch is None:
        return
    text = await app.ask(Ask("Finding to report to the commander", placeholder="what the data shows",
                             hint=as_hat(app, Kind.FINDING_REPORTED, switch) + "Enter reports it · Esc to cancel"))
    if text is None or not await do(app, actions.report_finding, text, switch=switch):
        return
    if worn_by_another(app, COMMANDER):
        return  # the commander acknowledges it, on their console
    reported = app.state.unacknowledged[-1]
    if await app.ask(Confirm(f"No one else is the commander. Acknowledge finding #{reported.number} yourself, as the commander?",
                             yes="Enter/y: acknowledge (puts on the commander hat)", no="Esc/n: leave it waiting")):
        await _acknowledged(app, reported.id, switch=True)


async def acknowledge(app: Console) -> None:
    """a: acknowledge the oldest finding waiting; while no root cause is named, offer it as one."""
    waiting = app.state.unacknowledged
    if not waiting:
        app.warn("no finding is waiting")
        return
    await _acknowledged(app, waiting[0].id)


async def _acknowledged(app: Console, finding_id: int, switch: bool = False) -> None:
    from warroom.domain.model import STEP_ROOT_CAUSE

    if not await do(app, actions.acknowledge, finding_id, switch=switch):
        return
    found = next(f for f in app.state.findings if f.id == finding_id)
    app.say(f"acknowledged finding #{found.number}")
    if STEP_ROOT_CAUSE not in app.state.steps:
        await _root_cause(app, found.text, f"finding #{found.number} as the root cause? Edit it or Enter · Esc: not yet",
                          switch=False)


async def _root_cause(app: Console, value: str, hint: str, switch: bool) -> bool | None:
    """The first step of the resolution path: asks what the root cause is (prefilled); None when
    the person holds off (Esc), else whether it was recorded."""
    from warroom.domain.model import STEP_ROOT_CAUSE

    text = await app.ask(Ask("Root cause identified: what is it?", placeholder="one line for the timeline",
                             value=value, hint=hint))
    if text is None:
        return None
    return await do(app, actions.resolution_step, STEP_ROOT_CAUSE, note_text=text, switch=switch)


async def severity(app: Console) -> None:
    switch = await hat_first(app, Kind.SEVERITY_CHANGED, asks=True)
    if switch is None:
        return
    current = app.state.severity
    picked = await app.ask(Choose(
        f"Severity is {current}. Change it to:", [(s[1], s, s) for s in SEVERITIES if s != current],
        hint=as_hat(app, Kind.SEVERITY_CHANGED, switch) + "Esc to cancel"))
    if not picked:
        return
    question = f"Change severity {current} → {picked}? Every deadline is recomputed from detection."
    if await app.ask(Confirm(question)):
        await do(app, actions.change_severity, picked, switch=switch)


async def resolution(app: Console) -> None:
    """r: the resolution path. The list stays open across steps (Esc closes it); z resolves,
    with confirmation, and then copies the resolution notice (the communicator's, when no one
    else wears that hat). On a resolved incident: reopen."""
    from warroom.domain.model import RESOLUTION_STEPS, STEP_ROOT_CAUSE

    kind = Kind.REOPENED if app.state.resolved else Kind.RESOLUTION_STEP
    switch = await hat_first(app, kind, asks=not app.state.resolved)
    if switch is None:
        return
    if app.state.resolved:
        if await app.ask(Confirm(f"{app.state.code} is resolved. Reopen it?")):
            reason = await app.ask(Ask("Why reopen? (kept on the timeline)", placeholder="e.g. errors are back"))
            if reason is not None:
                await do(app, actions.reopen, reason, switch=switch)
        return
    while not app.state.resolved:
        state = app.state
        owed = actions.steps_owed(state)
        choices = [(str(n), f"{'✔' if step in state.steps else '○'} {step}" if step in owed
                    else f"– {step}: does not apply (lever 1 was skipped: no flag was turned off)", step)
                   for n, step in enumerate(RESOLUTION_STEPS, start=1)]
        choices.append(("z", "resolve the incident", "resolve"))
        picked = await app.ask(Choose("Resolution path: which step is done? (this stays open; Esc closes it)", choices,
                                      hint=as_hat(app, kind, switch) + "Esc closes it"))
        if not picked:
            return
        if picked == "resolve":
            # with a rule unmet, the question for the reason is the confirmation; Esc on either
            # goes back to the path, which stays open
            if not actions.unresolved_rules(state) and not await app.ask(Confirm(
                    f"Resolve {state.code}? Deadlines still due are waived; it can be reopened. "
                    "Then the resolution notice is copied for you to send.")):
                continue
            if await do(app, actions.resolve, switch=switch):
                await resolution_notice(app)
                return
            continue
        if picked == STEP_ROOT_CAUSE and picked not in state.steps:
            found = state.latest_acknowledged
            hint = (f"from finding #{found.number}: edit it or Enter · " if found else "") + "Esc: back to the path"
            await _root_cause(app, found.text if found else "", hint, switch)
            continue
        await do(app, actions.resolution_step, picked, switch=switch, soak=app.book.soak)


async def correct_milestone(app: Console) -> None:
    """k: put a milestone right afterwards (a back-dated impact start, the page's time)."""
    from warroom.domain.model import MILESTONES
    from warroom.domain.timefmt import local_time_on, parse_when

    switch = await hat_first(app, Kind.MILESTONE_SET, asks=True)
    if switch is None:
        return

    def stands(milestone: str) -> str:  # the time a milestone has now, as the screen shows times
        moment = app.state.milestone(milestone)
        return local_time_on(moment, app.now()) if moment else "not yet"

    keys = "1234567"
    picked = await app.ask(Choose("Correct which milestone?", [(keys[n], f"{m}  {stands(m)}", m) for n, m in enumerate(MILESTONES)],
                                  hint=as_hat(app, Kind.MILESTONE_SET, switch) + "Esc to cancel"))
    if not picked:
        return
    example = app.now().astimezone().strftime("%Y-%m-%dT%H:%M")
    when = await ask_checked(app, lambda text: text.strip() and parse_when(text, app.now()), Ask(
        f"When was '{picked}' (now {stands(picked)})? A span before now (25m: 25 minutes ago) or a time ({example})"))
    if not when:
        return
    moment = parse_when(when, app.now())
    reason = await app.ask(Ask("Why the correction? (kept on the timeline)", placeholder="e.g. the graph shows errors from 02:56"))
    if reason is not None:
        await do(app, actions.correct_milestone, picked, moment, reason=reason, switch=switch)


async def switch_incident(app: Console) -> None:
    """p: pick another incident to work, any in the database (type to filter); the one being
    worked is what `warroom status` shows."""
    from warroom.console.dialogs import PickIncident

    def line(s) -> str:
        return one_line(f"{s.code:<8} {s.severity} {s.status:<13} {s.title}" + (f"  · {s.service}" if s.service else ""), 200)

    picked = await app.ask(PickIncident(app.find, line))
    if picked and picked != app.code:
        await app.open_incident(picked)


async def name_service(app: Console) -> None:
    """v: name the affected service (commander); its runbook then shows behind the levers."""
    switch = await hat_first(app, Kind.SERVICE_NAMED, asks=True)
    if switch is None:
        return
    known = sorted(app.book.runbooks)
    hint = ("services with a runbook: " + ", ".join(one_line(s, 30) for s in known[:12])) if known else \
        "no runbooks in the config yet (see 'warroom config --default')"
    name = await app.ask(Ask("Which service is affected?", placeholder="e.g. checkout",
                                          value=app.state.service,
                             hint=f"{as_hat(app, Kind.SERVICE_NAMED, switch)}{hint} · Enter saves · Esc cancels"))
    if name is not None and await do(app, actions.name_service, name, switch=switch):
        found = "its runbook is beside the levers (l copies)" if app.book.runbook(name) else "no runbook for it in the config"
        app.say(f"service: {name}; {found}")


async def set_impact(app: Console) -> None:
    """w: say who or what is affected, then the title customers read (commander's, both); every
    message says them from then on. Enter on what is shown keeps it."""
    from warroom.domain.public import customer_title

    switch = await hat_first(app, Kind.IMPACT_SET, asks=True)
    if switch is None:
        return
    impact = await app.ask(Ask("Who or what is affected? (the client notice says \"an issue affecting …\")",
                               placeholder="e.g. logins for users with tokens issued before 03:00", value=app.state.impact,
                               hint=as_hat(app, Kind.IMPACT_SET, switch) + "Enter to save · Esc to cancel"))
    if impact is None:
        return
    said = []
    if impact.strip() != app.state.impact:
        if not await do(app, actions.set_impact, impact, switch=switch):
            return
        said, switch = ["impact"], False
    shown = customer_title(app.state)  # the one given, else from the impact just said
    title = await app.ask(Ask("The public title: what customers read (the messages and the status page; the title "
                              "stays internal)", placeholder="e.g. Login problems", value=shown))
    if title is not None and title.strip() and title.strip() != shown:
        if await do(app, actions.set_public_title, title, switch=switch):
            said.append("public title")
    if said:
        app.say(f"{' and '.join(said)} recorded: the messages say it now")


# The flows the keys name (`flow('name', ...)` in keys.KEYS), by name: no flow is found by
# looking up an attribute, and a test checks every key's flow is here.
FLOWS: dict[str, Callable[..., Coroutine[Any, Any, None]]] = {
    "wear": wear, "advance_lever": advance_lever, "skip_lever": skip_lever, "correct_lever": correct_lever,
    "copy_runbook": copy_runbook, "set_impact": set_impact, "name_service": name_service, "note": note,
    "finding": finding, "acknowledge": acknowledge, "copy_template": copy_template, "read_message": read_message,
    "edit_template": edit_template, "publish": publish, "set_components": set_components, "tick_notification": tick_notification,
    "resolution": resolution, "correct_milestone": correct_milestone, "followup": followup, "close_followup": close_followup,
    "switch_incident": switch_incident, "severity": severity,
}
