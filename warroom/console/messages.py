"""The communicator's flows: the message due (copied, edited, read, recorded as sent), the
notifications ticked, the status page, the resolution notice once resolved; and copying a
lever's command, which goes through the same clipboard chain."""

from __future__ import annotations

from warroom.console.dialogs import Ask, Choose, Confirm
from warroom.console.protocol import Console
from warroom.console.steps import as_hat, ask_checked, do, hat_first, worn_by_another
from warroom.domain import actions
from warroom.domain.model import COMMUNICATOR, Kind
from warroom.domain.text import one_line


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
        paged = await _paged(app, picked, switch)  # with a roster: page them (Enter), or tick it by hand (h)
        if paged is None or paged:
            return
        done = ticked_words(picked.id)
        told = picked.label.removeprefix("notify ")
        question = (f"{told[:1].upper()}{told[1:]}: who was notified? (names, and how if it matters)" if done == "notified"
                    else f"{done.capitalize()}: who, and where? (names, the channel or room)")
        others = " · Tab: tick another" if len(open_ones) > 1 else ""
        whom = await ask_checked(app, _someone, Ask(
            question, placeholder="e.g. Dana (EM) by phone" if done == "notified" else "e.g. bob, carol in #inc-auth",
            hint=as_hat(app, Kind.ESCALATION_NOTIFIED, switch) + "Enter ticks it · Esc to cancel" + others, other=len(open_ones) > 1))
        if whom != OTHER:
            break
        keys = "123456789"
        chosen = await app.ask(Choose("Tick which notification as done?", [(keys[n], d.label, d.id) for n, d in enumerate(open_ones)]))
        if not chosen:
            return
        picked = next(d for d in open_ones if d.id == chosen)
    if whom is not None:
        await do(app, actions.notify, picked.id, whom, switch=switch)


def _someone(typed: str) -> None:
    if not typed.strip():
        raise actions.RuleBroken("a name is needed: who was told (Esc if nobody yet)")


def _roles_of(app: Console, deadline_id: str) -> tuple[str, ...]:
    rules = app.book.policy.get(app.state.severity)
    rule = next((r for r in rules.rules if r.id == deadline_id), None) if rules else None
    return rule.roles if rule is not None else ()


async def _paged(app: Console, deadline, switch: bool) -> bool | None:
    """With a roster that names the deadline's roles: who would be paged, by what, and Enter
    pages them (True); h ticks it by hand instead (False); Esc: nothing (None)."""
    from warroom.domain import escalation
    from warroom.domain.templates import page_text

    roles = _roles_of(app, deadline.id)
    if not roles or not app.roster.people or any(r not in app.roster.roles for r in roles):
        return False
    lines, gaps = [], []
    for role in roles:
        person = escalation.first_reachable(app.roster, role)
        if person is None:
            gaps += app.roster.gaps(role) or [f"{role}: nobody can be paged"]
        else:
            lines.append(f"  {person.name} ({role}) by {', '.join(escalation.reachable(person, app.roster))}")
    if gaps:
        app.warn("cannot page: " + "; ".join(gaps) + " (tick it by hand with who was told)")
        return False
    told = deadline.label.removeprefix("notify ")
    picked = await app.ask(Choose(f"{told[:1].upper()}{told[1:]}: page them now?\n" + "\n".join(lines),
                                  [("enter", "page them (the internal note, signed, with a link to acknowledge)", "page"),
                                   ("h", "tick it by hand: they were told another way", "hand")],
                                  hint=as_hat(app, Kind.ESCALATION_NOTIFIED, switch) + "Esc to cancel"))
    if picked != "page":
        return None if picked is None else False

    def paging(state, actor, now, switch: bool = switch):
        before = actions.wear_hat(state, actor, now, COMMUNICATOR, take_over=False) if switch else []
        text = page_text(state, now, actor, app.book.policy, app.book.templates)
        return before + escalation.page(state, actor, now, app.roster, roles, text, deadline=deadline.id,
                                        drill=bool(state.drill))  # (a drill has a roster only when its scenario pages)

    if await do(app, paging, switch=switch):
        app.say(f"paged {', '.join(line.strip().split(' by ')[0] for line in lines)}: "
                "met once each page is delivered; the ledger shows who acknowledges")
    return True


async def resolution_notice(app: Console) -> None:
    """Once resolved: the resolution notice, copied as the communicator where no one else wears
    that hat (the switch goes on the timeline with it); otherwise the communicator is told."""
    from warroom.domain.policy import RESOLUTION_NOTICE, owes_clients

    if not owes_clients(app.state.severity, app.book.policy):  # a P2's or P3's words are internal: none is pushed
        app.say(f"{app.state.code} resolved; a {app.state.severity} owes no client a notice (y copies one if wanted)")
        return
    holder = worn_by_another(app, COMMUNICATOR)
    if holder:
        app.say(f"resolved: the resolution notice is due, for {one_line(holder, 40)} (the communicator) to send")
        return
    found = await _message(app)
    if found is not None and found.name == RESOLUTION_NOTICE:
        await _copy_and_record(app, found, found.text, switch=app.state.hat_of(app.actor) != COMMUNICATOR)


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
    """The status page, now (communicator): what the matrix asks by hand for a P1. Before the
    people the severity names have heard, no surprises asks for a reason, as for a client
    notice: customers read the page. (A P0's page publishes by itself, as the matrix says.)"""
    warning = app.book.surprise_warning(app.state) if app.book.status_page(app.state) == "manual" else None
    if await do(app, actions.publishing, surprise=warning.removeprefix("no surprises: ") if warning else ""):
        await app.publish_page()


async def set_components(app: Console) -> None:
    """C: which of the status page's components the incident affects, and their state on the
    page, overriding the one derived from severity and state (communicator)."""
    from warroom.domain.components import check_components, check_state
    from warroom.domain.components import set_components as named
    from warroom.domain.model import COMPONENT_STATES

    known = app.page_components
    if not known:
        app.warn("the config names no components: add [status_page] components = [...] to it")
        return
    switch = await hat_first(app, Kind.COMPONENTS_SET, asks=True)
    if switch is None:
        return
    names = await ask_checked(app, lambda text: check_components(text.split(","), known), Ask(
        "Which components does it affect? (comma-separated; empty: its service's)", placeholder=", ".join(known[:4]),
        value=", ".join(app.state.components), hint=as_hat(app, Kind.COMPONENTS_SET, switch) + "the config's: "
        + one_line(", ".join(known), 120) + " · Enter saves · Esc cancels"))
    if names is None:
        return
    state = await ask_checked(app, check_state, Ask(
        "Their state on the page: auto (from severity and state), or " + ", ".join(COMPONENT_STATES),
        placeholder="auto", value=app.state.component_state or "auto"))
    if state is None:
        return
    chosen = [name for name in names.split(",") if name.strip()]
    if await do(app, named, chosen, state, known, switch=switch):
        said = ", ".join(app.state.components) or "its service's components"
        app.say(f"status page: {said}, {app.state.component_state or 'state derived'}"
                + ("; P publishes it" if app.state.severity != "P0" else "; republished by itself (P0)"))
