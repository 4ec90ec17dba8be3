"""The steps every flow takes: the hat its action needs (asked first, or said in the flow's
own first question), the reason a rule of the practice set aside needs, and the commit, through
the one door (`do`). The flows (`flows`, `messages`) are made of these."""

from __future__ import annotations

from collections.abc import Callable

from warroom.console.dialogs import Ask, Confirm, Form
from warroom.console.protocol import Console
from warroom.domain import actions
from warroom.domain.actions import NeedsReason, RoleHeld, RuleBroken, WrongHat
from warroom.domain.errors import WarroomError
from warroom.domain.model import ROLE_OF_KIND
from warroom.domain.text import one_line


async def take_over(app: Console, held: RoleHeld) -> bool:
    question = f"{one_line(held.holder, 40)} wears the {held.hat} hat. Take it over? The handoff goes on the timeline."
    if not await app.ask(Confirm(question)):
        return False
    return await app.commit(actions.wear_hat(app.state, app.actor, app.now(), held.hat, take_over=True))


async def ask_reason(app: Console, question: str, placeholder: str, hint: str = "") -> str | None:
    """A reason for setting a rule of the practice aside: asked again while it is not one (a few
    words the postmortem can read); None when the person holds off (Esc, or nothing typed)."""
    def thick(typed: str) -> None:
        problem = actions.thin_reason(typed) if typed.strip() else None  # (nothing typed: held off, below)
        if problem is not None:
            raise RuleBroken(f"{problem}.")

    reason = await ask_checked(app, thick, Ask(question, placeholder=placeholder, hint=hint))
    return reason if reason and reason.strip() else None


async def ask_checked(app: Console, check: Callable[[str], object], question: Ask) -> str | None:
    """The answer to `question` once `check` takes it: an answer it refuses (a component the
    config does not name, a time it cannot read) is asked again at once, with why and with what
    was typed to mend, not refused once the question has closed (or after the next one). None
    when the person holds off (Esc); OTHER (Tab, where the question offers it) as it is."""
    from warroom.console.dialogs import OTHER

    asked = question.question
    while True:
        answer = await app.ask(question)
        if answer is None or answer == OTHER:
            return answer
        try:
            check(answer)
            return answer
        except WarroomError as wrong:
            question = Ask(f"{asked}\n✗ {wrong}", placeholder=question.placeholder, value=answer, hint=question.hint,
                           other=question.other, mend=True)


async def form_checked(app: Console, check: Callable[[dict[str, str]], object], question: Form,
                       field: str = "") -> dict[str, str] | None:
    """`ask_checked` for a form: answers `check` refuses (a due date that is no date) bring the
    form back at once, every field as typed, with why under the question and the cursor in
    `field` (the one `check` reads); not a form closed and all that was typed in it lost."""
    asked = question.question
    while True:
        answers = await app.ask(question)
        if answers is None:
            return None
        try:
            check(answers)
            return answers
        except WarroomError as wrong:
            fields = [(name, label, answers[name], placeholder) for name, label, _, placeholder in question.fields]
            question = Form(f"{asked}\n✗ {wrong}", fields, hint=question.hint, optional=question.optional, start_in=field)


async def do(app: Console, make, *args, **kwargs) -> bool:
    """Run a domain action. Another hat's action asks to switch hats first (one commit for both);
    a rule of the practice that may be set aside asks for the reason, which goes on the timeline."""
    try:
        return await app.commit(make(app.state, app.actor, app.now(), *args, **kwargs))
    except NeedsReason as needs:
        rules = "".join(f"⚠ {rule}: {why}.\n" for rule, why in needs.each)  # each on its own line
        reason = await ask_reason(app, f"{rules}Not yet, the practice says. To go ahead, give the reason: the "
                                  "timeline and the postmortem keep it.",
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
        if not await take_over(app, held):
            return False
        return await do(app, make, *args, **{**kwargs, "switch": False})
    except RuleBroken as broken:
        app.warn(str(broken))
    return False


async def _switch(app: Console, needed: str, wearing: str | None) -> bool:
    question = (f"That is the {needed}'s action, and you wear "
                f"{'the ' + wearing + ' hat' if wearing else 'no hat'}.\nSwitch to the {needed} hat first?")
    return bool(await app.ask(Confirm(question, yes="Enter/y: switch hats", no="Esc/n: cancel")))


def worn_by_another(app: Console, hat: str) -> str:
    """Who else wears `hat` (their name), or "" when no one does or the person at the keys does."""
    holder = app.state.holders.get(hat, "")
    return holder if holder != app.actor else ""


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
    holder = worn_by_another(app, needed)
    if asks and not holder:
        return True
    if not await _switch(app, needed, wearing):
        return None
    if holder:
        return False if await take_over(app, RoleHeld(needed, holder)) else None
    return True


def as_hat(app: Console, kind: str, switch: bool) -> str:
    """What a flow's question says when answering it switches hats: "as the investigator (you
    wear the commander hat; answering puts this one on, Esc keeps yours)"; nothing otherwise
    (nor once the hat is worn: a flow that stays open, the resolution path, after its first step)."""
    wearing = app.state.hat_of(app.actor)
    if not switch or wearing == ROLE_OF_KIND[kind]:
        return ""
    now = f"the {wearing} hat" if wearing else "no hat"
    return f"As the {ROLE_OF_KIND[kind]} (you wear {now}: answering puts this one on, Esc keeps yours) · "
