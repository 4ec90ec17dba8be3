"""The commander's follow-ups in the console (issue 28): `o` adds one, `O` picks one to close
(what was done, the pull request or ticket), reopen, give to another owner or another due date. While the incident is open
they are the commander's; once it is resolved, anyone's, with no hat (domain.followups)."""

from __future__ import annotations

from warroom.console.dialogs import Ask, Choose, Form
from warroom.console.protocol import Console
from warroom.console.steps import as_hat, ask_checked, do, form_checked, hat_first
from warroom.domain import followups
from warroom.domain.model import Kind
from warroom.domain.text import one_line

MAX_CHOICES = 9  # keys 1-9: the open ones first, then the newest closed


async def followup(app: Console) -> None:
    """o: a follow-up (a prevention gap, a corrective action): what, its owner (you, unless
    another name is typed) and an optional due date, in one form."""
    switch = await hat_first(app, Kind.FOLLOWUP_ADDED, asks=True)
    if switch is None:
        return
    answers = await form_checked(app, lambda typed: followups.parse_due(typed["due"], app.now()), Form(
        "Follow-up: what should change?", [
            ("text", "What should change", "", "the gap that let this happen, as a change to make"),
            ("owner", "Who owns it", app.actor, "a name"),
            ("due", "Due by (optional)", "", "e.g. 2026-12-04, 7d, 2w"),
        ], hint=as_hat(app, Kind.FOLLOWUP_ADDED, switch) + "Enter saves · Tab: next field · Esc to cancel"), field="due")
    if not answers:
        return
    owner = answers["owner"].strip() or app.actor
    await do(app, followups.add, answers["text"], owner, due=answers["due"], switch=switch)


async def close_followup(app: Console) -> None:
    """O: one of the incident's follow-ups, picked by its key (the only one is not asked for),
    then what to do with it: close an open one (what was done and a link, both optional), reopen
    a closed one (why), give it to another owner, or another due date."""
    state = app.state
    if not state.followups:
        app.warn("no follow-ups yet: o adds one")
        return
    codes: dict[int, str] = getattr(app, "followup_codes", {})  # (a scripted stand-in may have none)
    numbered = list(enumerate(state.followups, 1))
    listed = ([(n, f) for n, f in numbered if not f.done] + [(n, f) for n, f in reversed(numbered) if f.done])[:MAX_CHOICES]
    now = app.now()
    choices = [(str(key), _choice(codes.get(n, f"#{n}"), item, followups.overdue(item, now)), str(n))
               for key, (n, item) in enumerate(listed, 1)]
    more = len(numbered) - len(listed)
    if len(choices) == 1:  # nothing to pick: the next question names it
        picked: str | None = choices[0][2]
    else:
        picked = await app.ask(Choose("Which follow-up?", choices,
                                      hint=(f"({more} more: warroom followups) · " if more else "") + "1-9 picks · Esc to cancel"))
    if picked is None:
        return
    number = int(picked)
    item = state.followup(number)
    if item is None:
        return
    code = codes.get(number, f"#{number}")
    what = await app.ask(Choose(f"{code}: {one_line(item.text, 120)}", [
        *([("r", "reopen it", "reopen")] if item.done else [("c", "close it: what was done, a link", "close")]),
        ("o", f"give it to another owner (now {one_line(item.owner, 40)})", "owner"),
        ("d", f"another due date (now {one_line(item.due, 20) or 'none'})", "due"),
    ]))
    if what is None:
        return
    kind = {"reopen": Kind.FOLLOWUP_REOPENED, "close": Kind.FOLLOWUP_DONE}.get(what, Kind.FOLLOWUP_CHANGED)
    switch = False
    if not state.resolved:  # while it is open, the commander's (once resolved, nobody's hat)
        asked = await hat_first(app, kind, asks=True)
        if asked is None:
            return
        switch = asked
    hint = as_hat(app, kind, switch) if not state.resolved else ""
    if what == "reopen":
        reason = await app.ask(Ask(f"Reopen {code}: why? (optional, kept on the timeline)", placeholder="e.g. the test is flaky",
                                   hint=hint + "Enter reopens · Esc to cancel"))
        if reason is not None:
            await do(app, followups.reopen, number, reason=reason, switch=switch)
    elif what == "close":
        answers = await app.ask(Form(f"Close {code}: {one_line(item.text, 120)}", [
            ("note", "What was done (optional)", "", "e.g. the smoke test runs on every deploy"),
            ("link", "Link (optional)", item.link, "the pull request or ticket"),
        ], hint=hint + "Enter closes it · Tab: next field · Esc to cancel", optional=True))
        if answers is not None:
            await do(app, followups.close, number, note=answers["note"], link=answers["link"], switch=switch)
    elif what == "owner":
        owner = await app.ask(Ask(f"{code}: who owns it now?", placeholder="a name", hint=hint + "Enter saves · Esc to cancel"))
        if owner:
            await do(app, followups.change, number, owner=owner, switch=switch)
    else:
        due = await ask_checked(app, lambda typed: followups.parse_due(typed, app.now()), Ask(
            f"{code}: due by? (2026-12-04, or 7d / 2w from today; empty: no date)", placeholder="e.g. 7d",
            value=item.due, hint=hint + "Enter saves · Esc to cancel"))
        if due is not None:
            await do(app, followups.change, number, due=due, switch=switch)


def _choice(code: str, item, late: bool) -> str:
    state = "✔ done" if item.done else "OVERDUE" if late else "open"
    return one_line(f"{code} {state} · {item.owner}: {item.text}", 90)
