"""What each key does, step by step: ask what the rules need, then commit through the app.

A flow never shows an action as done: the app does, after the store has committed it. Flows
are typed against `protocol.Console` (what they may ask of the console), and reached through
`FLOWS`, the table the keys name.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from warroom.console.dialogs import Ask, Choose, Confirm
from warroom.console.protocol import Console
from warroom.domain import actions
from warroom.domain.actions import NeedsReason, RoleHeld, RuleBroken, WrongHat
from warroom.domain.model import (
    COMMANDER,
    COMMUNICATOR,
    EFFECTIVE,
    HATS,
    LEVER_STATES,
    NO_EFFECT,
    PULLED,
    ROLE_OF_KIND,
    SEVERITIES,
    SKIPPED,
    UNTRIED,
    Kind,
)
from warroom.domain.text import one_line


async def _take_over(app: Console, held: RoleHeld) -> bool:
    question = f"{one_line(held.holder, 40)} wears the {held.hat} hat. Take it over? The handoff goes on the timeline."
    if not await app.ask(Confirm(question)):
        return False
    return await app.commit(actions.wear_hat(app.state, app.actor, app.now(), held.hat, take_over=True))


async def ask_reason(app: Console, question: str, placeholder: str, hint: str = "") -> str | None:
    """A reason for setting a rule of the practice aside: asked again while it is not one (a few
    words the postmortem can read); None when the person holds off (Esc, or nothing typed)."""
    asked, typed = question, ""
    while True:
        reason = await app.ask(Ask(asked, placeholder=placeholder, value=typed, hint=hint))
        if not reason or not reason.strip():
            return None
        problem = actions.thin_reason(reason)
        if problem is None:
            return reason
        asked, typed = f"{question}\n✗ {problem}.", reason  # asked again, with what was typed to go on from


async def do(app: Console, make, *args, **kwargs) -> bool:
    """Run a domain action. Another hat's action asks to switch hats first (one commit for both);
    a rule of the practice that may be set aside asks for the reason, which goes on the timeline."""
    try:
        return await app.commit(make(app.state, app.actor, app.now(), *args, **kwargs))
    except NeedsReason as needs:
        reason = await ask_reason(app, f"⚠ {needs}.\nThe practice says not yet. To go ahead anyway, give the reason: "
                                  "it goes on the timeline and into the postmortem as a rule overridden.",
                                  "why, in a few words", "Enter: go ahead with this reason · Esc: hold off")
        if reason is None:
            app.warn(f"not done: {needs.rule}")
            return False
        return await do(app, make, *args, **{**kwargs, "override": reason})
    except WrongHat as wrong:
        if kwargs.get("switch") or not await _switch(app, wrong.needed, wrong.wearing):
            return False
        return await do(app, make, *args, **{**kwargs, "switch": True})
    except RoleHeld as held:  # switching to a hat someone else wears
        if not await _take_over(app, held):
            return False
        return await do(app, make, *args, **{**kwargs, "switch": False})
    except RuleBroken as broken:
        app.warn(str(broken))
    return False


async def _switch(app: Console, needed: str, wearing: str | None) -> bool:
    question = (f"That is the {needed}'s action, and you wear "
                f"{'the ' + wearing + ' hat' if wearing else 'no hat'}.\nSwitch to the {needed} hat first?")
    return bool(await app.ask(Confirm(question, yes="Enter/y: switch hats", no="Esc/n: cancel")))


async def hat_first(app: Console, kind: str, asks: bool = False) -> bool | None:
    """Before a flow asks for anything, the hat its action needs: True to switch with the action
    (one commit), False when it is worn already (or was just taken over), None when cancelled.
    So nothing typed is lost to a hat question at the end. `asks`: the flow asks a question of
    its own next, which says the hat changes (`as_hat`): answering it is the switch, Esc keeps
    the hat worn, so no separate question is asked, unless someone else wears the hat."""
    needed = ROLE_OF_KIND[kind]
    wearing = app.state.hat_of(app.actor)
    if wearing == needed:
        return False
    holder = app.state.holders.get(needed)
    taken = bool(holder and holder != app.actor)
    if asks and not taken:
        return True
    if not await _switch(app, needed, wearing):
        return None
    if taken:
        return False if await _take_over(app, RoleHeld(needed, holder)) else None  # type: ignore[arg-type]  # (taken: a holder)
    return True


def as_hat(app: Console, kind: str, switch: bool) -> str:
    """What a flow's question says when answering it switches hats: "as the investigator (you
    wear the commander hat; answering puts this one on, Esc keeps yours)"; nothing otherwise."""
    if not switch:
        return ""
    wearing = app.state.hat_of(app.actor)
    now = f"the {wearing} hat" if wearing else "no hat"
    return f"As the {ROLE_OF_KIND[kind]} (you wear {now}: answering puts this one on, Esc keeps yours) · "


async def wear(app: Console, hat: str) -> None:
    try:
        await app.commit(actions.wear_hat(app.state, app.actor, app.now(), hat))
    except RoleHeld as held:
        await _take_over(app, held)
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


async def _pick_lever(app: Console, question: str, allowed, switch: bool) -> int | None:
    choices = [(str(lev.number), f"{lev.name} ({lev.state})", str(lev.number)) for lev in app.state.levers if allowed(lev)]
    if not choices:
        app.warn("no lever can be chosen for that")
        return None
    picked = await app.ask(Choose(question, choices, hint=as_hat(app, Kind.LEVER_CHANGED, switch) + "Esc to cancel"))
    return int(picked) if picked else None


async def skip_lever(app: Console) -> None:
    switch = await hat_first(app, Kind.LEVER_CHANGED, asks=True)
    if switch is None:
        return
    number = await _pick_lever(app, "Skip which lever?", lambda lev: lev.state == UNTRIED, switch)
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
    number = await _pick_lever(app, "Correct which lever?", lambda lev: lev.state != UNTRIED, switch)
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
    text = await app.ask(Ask(f"Note as the {wearing}", hint=hint))
    if text is not None:
        await do(app, actions.note, text, hat=wearing)


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
    commander = app.state.holders.get(COMMANDER)
    if commander and commander != app.actor:
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


async def _message(app: Console):
    """The due message, signed by who copies it; a placeholder the incident has no value for is
    asked for first (one field each), so nothing goes out with a {placeholder} in it. None when
    the person cancels."""
    from warroom.domain.templates import PLACEHOLDERS

    found = app.book.message(app.state, app.now(), app.actor)
    given: dict[str, str] = {}
    for name in found.missing:
        tip = " · w (commander) records the impact for every message" if name == "impact" else ""
        answer = await app.ask(Ask(
            f"The {found.name} needs {{{name}}}: {PLACEHOLDERS[name]}. What should it say?",
            hint=f"Enter fills it in · Esc: nothing is copied{tip}"))
        if not answer or not answer.strip():
            app.warn(f"not copied: the {found.name} would go out with {{{name}}} unfilled")
            return None
        given[name] = answer.strip()
    return app.book.message(app.state, app.now(), app.actor, given) if given else found


async def copy_template(app: Console) -> None:
    """y: copy the message that is due, then ask whether it went out; Enter records it as sent."""
    switch = await hat_first(app, Kind.COMMUNICATION_COPIED)
    if switch is None:
        return
    found = await _message(app)
    if found is not None:
        await _copy_and_record(app, found, found.text, switch)


async def edit_template(app: Console) -> None:
    """e: edit the filled message first; the edited text is what is copied and recorded."""
    from warroom.console.dialogs import EditText
    from warroom.domain.templates import PLACEHOLDERS, placeholders

    switch = await hat_first(app, Kind.COMMUNICATION_COPIED)
    if switch is None:
        return
    found = await _message(app)
    if found is None:
        return
    edited = await app.ask(EditText(f"Edit the {found.name}", found.text))
    if edited is None:
        return
    left = sorted(placeholders(edited) & set(PLACEHOLDERS))
    if left:
        app.warn("not copied: the text still has " + ", ".join(f"{{{n}}}" for n in left) + ": fill it in (e)")
        return
    await _copy_and_record(app, found, edited, switch)


async def read_message(app: Console) -> None:
    """d: the due message whole, as it would be copied now (any hat; nothing is recorded)."""
    from warroom.console.dialogs import ShowText

    found = app.book.message(app.state, app.now(), app.actor)
    unfilled = ("\n\nStill to fill in when you copy it: " + ", ".join(f"{{{n}}}" for n in found.missing)) if found.missing else ""
    await app.ask(ShowText(f"Due: the {found.name} (y copies it, e edits it first)", found.text + unfilled))


async def _copy(app: Console, text: str, what: str, title: str) -> bool:
    """Copy through the clipboard chain and say which way took it; when none could, show the
    text in a panel to copy by hand. True when a clipboard took it."""
    from warroom.console.dialogs import ShowText

    way = app.copy_text(text)
    if way:
        app.say(f"copied {what} to {way}")
        return True
    app.warn("no clipboard took the text: select it in the panel and copy it by hand")
    await app.ask(ShowText(title, text))
    return False


async def _copy_and_record(app: Console, found, text: str, switch: bool) -> None:
    """Record the copy (no surprises is asked here, before anything reaches the clipboard), copy,
    then ask whether it went out, showing the exact text; Enter records it as sent."""
    from warroom.domain.policy import CLIENT_NOTICE

    name = found.name
    warning = app.book.surprise_warning(app.state) if name == CLIENT_NOTICE else None
    surprise = warning.removeprefix("no surprises: ") if warning else ""
    if not await do(app, actions.communicate, name, text, sent=False, switch=switch, surprise=surprise):
        return
    await _copy(app, text, f"the {name}", f"The {name}")
    sent = await app.ask(Confirm(
        f"Was the {name} sent? This is the text that was copied:", yes="Enter: record it as sent",
        no="Esc: not yet, leave it due", text=text))
    if sent and await do(app, actions.communicate, name, text, sent=True, surprise=surprise, next_update=found.next_update):
        app.say(f"the {name} is on the timeline as sent")


async def tick_notification(app: Console) -> None:
    """t: tick an escalation as done, with who was told: the one due first is asked at once
    (Tab picks another when more are waiting)."""
    from warroom.console.dialogs import OTHER
    from warroom.domain.policy import DONE, NOTIFY, ticked_words

    open_ones = [d for d in app.book.deadlines(app.state, app.now()) if d.met_by == NOTIFY and d.status not in DONE][:9]
    if not open_ones:
        app.warn("no notification is waiting to be ticked")
        return
    switch = await hat_first(app, Kind.ESCALATION_NOTIFIED, asks=True)
    if switch is None:
        return
    picked = open_ones[0]
    while True:
        done = ticked_words(picked.id)
        told = picked.label.removeprefix("notify ")
        question = (f"{told[:1].upper()}{told[1:]}: who was notified? (names, and how if it matters)" if done == "notified"
                    else f"{done.capitalize()}: who, and where? (names, the channel or room)")
        others = " · Tab: tick another" if len(open_ones) > 1 else ""
        whom = await app.ask(Ask(question, placeholder="e.g. Dana (EM) by phone" if done == "notified" else "e.g. bob, carol in #inc-auth",
                                 hint=as_hat(app, Kind.ESCALATION_NOTIFIED, switch) + "Enter ticks it · Esc to cancel" + others,
                                 other=len(open_ones) > 1))
        if whom != OTHER:
            break
        keys = "123456789"
        chosen = await app.ask(Choose("Tick which notification as done?", [(keys[n], d.label, d.id) for n, d in enumerate(open_ones)]))
        if not chosen:
            return
        picked = next(d for d in open_ones if d.id == chosen)
    if whom is not None:
        await do(app, actions.notify, picked.id, whom, switch=switch)


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
        choices = [(str(n), f"{'✔' if step in state.steps else '○'} {step}", step) for n, step in enumerate(RESOLUTION_STEPS, start=1)]
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
                await _resolution_notice(app)
                return
            continue
        if picked == STEP_ROOT_CAUSE and picked not in state.steps:
            found = state.latest_acknowledged
            hint = (f"from finding #{found.number}: edit it or Enter · " if found else "") + "Esc: back to the path"
            if await _root_cause(app, found.text if found else "", hint, switch) is not None:
                switch = False
            continue
        if await do(app, actions.resolution_step, picked, switch=switch):
            switch = False


async def _resolution_notice(app: Console) -> None:
    """Once resolved: the resolution notice, copied as the communicator where no one else wears
    that hat (the switch goes on the timeline with it); otherwise the communicator is told."""
    from warroom.domain.policy import RESOLUTION_NOTICE

    holder = app.state.holders.get(COMMUNICATOR)
    if holder and holder != app.actor:
        app.say(f"resolved: the resolution notice is due, for {one_line(holder, 40)} (the communicator) to send")
        return
    found = await _message(app)
    if found is not None and found.name == RESOLUTION_NOTICE:
        await _copy_and_record(app, found, found.text, switch=app.state.hat_of(app.actor) != COMMUNICATOR)


async def correct_milestone(app: Console) -> None:
    """k: put a milestone right afterwards (a back-dated impact start, the page's time)."""
    from warroom.domain.model import MILESTONES
    from warroom.domain.timefmt import TimeError, parse_when

    switch = await hat_first(app, Kind.MILESTONE_SET, asks=True)
    if switch is None:
        return
    keys = "1234567"
    picked = await app.ask(Choose("Correct which milestone?", [(keys[n], m, m) for n, m in enumerate(MILESTONES)],
                                  hint=as_hat(app, Kind.MILESTONE_SET, switch) + "Esc to cancel"))
    if not picked:
        return
    when = await app.ask(Ask(f"When was '{picked}'? A span before now (25m: 25 minutes ago) or a time (2026-11-27T03:12)"))
    if not when:
        return
    try:
        moment = parse_when(when, app.now())
    except TimeError as error:
        app.warn(str(error))
        return
    reason = await app.ask(Ask("Why the correction? (kept on the timeline)", placeholder="e.g. the graph shows errors from 02:56"))
    if reason is not None:
        await do(app, actions.correct_milestone, picked, moment, reason=reason, switch=switch)


async def followup(app: Console) -> None:
    """o: a follow-up (a prevention gap, a corrective action): what, its owner (you, unless
    another name is typed) and an optional due date, in one form."""
    from warroom.console.dialogs import Form

    switch = await hat_first(app, Kind.FOLLOWUP_ADDED, asks=True)
    if switch is None:
        return
    answers = await app.ask(Form("Follow-up: what should change?", [
        ("text", "What should change", "", "e.g. add a token-compatibility smoke test"),
        ("owner", "Who owns it", app.actor, "a name"),
        ("due", "Due by (optional)", "", "e.g. 2026-12-04"),
    ], hint=as_hat(app, Kind.FOLLOWUP_ADDED, switch) + "Enter saves · Tab: next field · Esc to cancel"))
    if not answers:
        return
    owner = answers["owner"].strip() or app.actor
    await do(app, actions.add_followup, answers["text"], owner, due=answers["due"], switch=switch)


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


async def copy_runbook(app: Console) -> None:
    """l: copy the command (or link) behind a lever, from the service's runbook. Any hat may."""
    runbook = app.book.runbook(app.state.service)
    if not runbook:
        where = f"no runbook for {app.state.service}" if app.state.service else "the incident names no service (v names it)"
        app.warn(f"{where}: runbooks are [runbooks.SERVICE] in the config file")
        return
    levers = [lev for lev in app.state.levers if lev.number in runbook]
    choices = [(str(lev.number), f"{lev.name} ({lev.state}): {one_line(runbook[lev.number].copyable, 80)}", str(lev.number))
               for lev in levers]
    picked = await app.ask(Choose("Copy the command behind which lever?", choices))
    if not picked:
        return
    if await _copy(app, runbook[int(picked)].copyable, f"lever {picked}'s command", f"Lever {picked}"):
        app.say(f"pressing {picked} records lever {picked} as pulled")


async def publish(app: Console) -> None:
    """The status page, now (communicator): what the matrix asks by hand for a P1."""
    if await do(app, actions.publishing):
        await app.publish_page()


# The flows the keys name (`flow('name', ...)` in keys.KEYS), by name: no flow is found by
# looking up an attribute, and a test checks every key's flow is here.
FLOWS: dict[str, Callable[..., Coroutine[Any, Any, None]]] = {
    "wear": wear, "advance_lever": advance_lever, "skip_lever": skip_lever, "correct_lever": correct_lever,
    "copy_runbook": copy_runbook, "set_impact": set_impact, "name_service": name_service, "note": note,
    "finding": finding, "acknowledge": acknowledge, "copy_template": copy_template, "read_message": read_message,
    "edit_template": edit_template, "publish": publish, "tick_notification": tick_notification,
    "resolution": resolution, "correct_milestone": correct_milestone, "followup": followup,
    "switch_incident": switch_incident, "severity": severity,
}
