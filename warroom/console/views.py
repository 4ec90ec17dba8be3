"""What each part of the screen says, as Textual Content built from the domain state.

User text is never parsed as markup: it goes in as plain strings through `one_line`, which
also turns control characters into visible symbols.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from textual.content import Content

from warroom.domain.describe import deadline_words, describe, text_of
from warroom.domain.incident import IncidentState
from warroom.domain.model import (
    COMMUNICATOR,
    EFFECTIVE,
    HATS,
    INJECT,
    NO_EFFECT,
    PULLED,
    SKIPPED,
    UNTRIED,
    Event,
    Kind,
    played_by,
)
from warroom.domain.playbook import DEFAULT, LeverRunbook, Playbook
from warroom.domain.policy import LATE, MET, MISSED, OVERDUE, WAIVED, Deadline, is_near, next_deadline, owes_clients
from warroom.domain.roster import Roster
from warroom.domain.text import counted, one_line, safe
from warroom.domain.timefmt import clock_text, day_and_time, local_time, minutes_text, t_plus

LEVER_MARK = {PULLED: "▶", EFFECTIVE: "✔", NO_EFFECT: "✘", SKIPPED: "⤼"}
HAT_SHORT = {"commander": "CMD", "communicator": "COM", "investigator": "INV"}
DEADLINE_MARK = {MET: "✔", LATE: "✔", OVERDUE: "⚠", MISSED: "✘", WAIVED: "–"}


def strip(state: IncidentState, now: datetime, actor: str, read_only: bool = False, trouble: str = "",
          away: bool = False) -> Content:
    """Two lines: what the incident is and how long it has run; who wears which hat.
    A read-only database, one that can no longer be saved to, or a server away, says so first."""
    elapsed = t_plus(state.clock_end(now), state.detected) if state.detected else ""
    wearing = state.hat_of(actor)
    holders = "  ".join(f"{hat} {one_line(state.holders.get(hat, '—'), 16)}" for hat in HATS)
    warning = (" NOT SAVING: the database file is gone " if trouble else
               " SERVER AWAY: reconnecting, not saving " if away else " READ-ONLY " if read_only else
               f" DRILL: {one_line(state.drill, 30)}" + (" · ⏸ PAUSED " if state.paused_at is not None else " ")
               if state.drill else "")
    return Content.assemble(  # what must be seen comes first, the service too; a long title is cut at the edge
        (warning, "bold reverse"), " " if warning else "", (f" {state.code} ", "bold reverse"), " ", (state.severity, f"bold {'$text-error' if state.severity in ('P0', 'P1') else ''}"),
        "  ", (elapsed, "bold"), "  ", (state.status.upper(), "italic"), "  ",
        (f"{one_line(state.service, 40)} · ", "underline") if state.service else "", (one_line(state.title, 300), "bold"),
        "\n ", (one_line(actor, 20), "bold"), " ▸ ",
        ((wearing or "no hat").upper(), "bold reverse" if wearing else "dim"),
        "  │ ", holders,
    )


def countdown(state: IncidentState, now: datetime, book: Playbook = DEFAULT, room: int = 0) -> tuple[Content, str]:
    """The nearest open deadline, counting down; overdue counts up in words and shape too.
    `room`: the cells the line has (0: as many as it needs); its wall-clock time, "(due …)",
    is left out where it would not fit whole, rather than cut at the edge."""
    due = None if state.resolved else next_deadline(book.deadlines(state, now))
    if due is None or due.due is None:
        done = "resolved: no deadline open" if state.resolved else "no communication deadline open"
        return Content.assemble(("  ✔ ", "bold"), done), "clear"
    left = due.due - now
    if due.status == OVERDUE:
        line = Content.assemble((" ⚠ OVERDUE ", "bold reverse"), " ", (due.label, "bold"), f"  by +{clock_text(-left)}")
        return _then(line, f"   (was due {day_and_time(due.due, now)})", room), "overdue"
    tone = "near" if is_near(due, now) else "open"
    line = Content.assemble(("  ⏳ NEXT ", "bold"), " ", (due.label, "bold"), "  in ", (clock_text(left), "bold"))
    return _then(line, f"   (due {day_and_time(due.due, now)})", room), tone


def _then(line: Content, more: str, room: int) -> Content:
    """The line, and `more` after it if it fits whole in `room` cells (0: any)."""
    whole = line + more
    return whole if not room or whole.cell_length <= room else line


def levers(state: IncidentState, book: Playbook = DEFAULT, compact: bool = False) -> Content:
    """The four levers with their state and, when the incident's service has a runbook, the
    command behind each (l copies one). `compact` (a short terminal): two to a line, without
    the times and commands (the timeline has the times; l still copies a command)."""
    if compact:
        return _levers_compact(state)
    parts: list = []
    origin = state.detected
    runbook = book.runbook(state.service)
    width = max(19, *(len(lever.name) + 1 for lever in state.levers))
    for lever in state.levers:
        mark = LEVER_MARK.get(lever.state, "·")
        when = f" {local_time(lever.changed_at)} {t_plus(lever.changed_at, origin)}" if lever.changed_at and origin else ""
        reason = f" — {one_line(lever.reason, 60)}" if lever.reason else ""
        style = {EFFECTIVE: "bold", NO_EFFECT: "dim", SKIPPED: "dim italic"}.get(lever.state, "")
        parts += [(f" [{lever.number}] ", "bold"), f"{mark} ", (f"{one_line(lever.name):<{width}}", style),
                  (f"{lever.state:<10}", style), when, reason]
        if lever.number in runbook:
            parts += ["  ", *_runbook_text(runbook[lever.number])]
        elif lever.number == 1 and book.runbooks and not runbook:
            why = f"no runbook for {one_line(state.service, 30)}" if state.service else "no service named"
            parts.append((f"  ({why}: v names the service)", "dim"))
        parts.append("\n")
    return Content.assemble(*parts[:-1])


def _levers_compact(state: IncidentState) -> Content:
    width = max(len(one_line(lever.name)) for lever in state.levers) if state.levers else 0
    parts: list = []
    for n, lever in enumerate(state.levers):
        style = {EFFECTIVE: "bold", NO_EFFECT: "dim", SKIPPED: "dim italic"}.get(lever.state, "")
        said = one_line(lever.name) + ("" if lever.state == UNTRIED else f" {lever.state}")
        if not n % 2:  # the first of a line is padded, so the second starts in one column
            said = f"{said:<{width + 11}}"
        parts += [(f" [{lever.number}] ", "bold"), f"{LEVER_MARK.get(lever.state, '·')} ", (said, style), "\n" if n % 2 else " "]
    return Content.assemble(*parts[:-1])


def _runbook_text(runbook: LeverRunbook) -> list:
    named = runbook.flag and runbook.flag not in runbook.command  # the command names it already, mostly
    flag = [(f"flag {one_line(runbook.flag, 40)} ", "")] if named else []
    if runbook.command:
        return [("l ", "bold dim"), *flag, ("$ ", "dim"), (one_line(runbook.command, 200), "italic")]
    return [("l ", "bold dim"), *flag, ("→ ", "dim"), (one_line(runbook.link, 200), "underline")]


# A drill's facilitator writes observations for the review as notes by this actor
# (drills.injects.actor(0, "facilitator")); the players' timeline does not read them out.
OBSERVER = f"{INJECT}0: facilitator"
OBSERVED = "noted an observation for the review (the scorecard reads it out when the drill is over)"


def timeline_row(event: Event, origin: datetime | None, codes: Mapping[int, str] | None = None) -> str:
    """An event as the timeline shows it; `codes`: the follow-ups' codes (F-n), by number."""
    when = t_plus(event.at, origin) if origin else ""
    hat = HAT_SHORT.get(event.role, event.role[:3])
    words = OBSERVED if event.actor == OBSERVER and event.kind == Kind.NOTE else describe(event, codes)
    return f"{local_time(event.at)} {when:>8} {hat} {one_line(played_by(event.actor), 12)}: {one_line(words)}"


def figures(state: IncidentState) -> Content:
    pairs = state.figures().labelled()
    short = lambda value: minutes_text(value).replace(" min", "m").replace(" h ", "h ").replace(" s", "s")  # noqa: E731
    return Content.assemble(*[part for label, value in pairs for part in (f"{label} ", (short(value), "bold"), "  ")])


def unacknowledged(state: IncidentState) -> Content:
    waiting = state.unacknowledged
    if not waiting:
        return Content("no findings waiting")
    lines: list = [(f"{counted(len(waiting), 'finding')} to acknowledge (a):", "bold")]
    for finding in waiting[-3:]:
        lines += ["\n", f" #{finding.number} {one_line(played_by(finding.actor), 12)}: ", one_line(finding.text, 200)]
    return Content.assemble(*lines)


def deadline_lines(state: IncidentState, now: datetime, book: Playbook = DEFAULT, due: str = "",
                   roster: Roster | None = None) -> Content:
    """The top of the communicator's pane, most pressing first, a line each (it is short at
    80×24): the message due, the deadlines still open, then those done. The message's text
    comes under it, then the status page (`page_lines`)."""
    record = book.record(state, now)
    found = sorted(record, key=lambda d: d.status in (MET, LATE, WAIVED))  # open first, in due order
    parts: list = [(f"{due_words(state, now, record, due, book)}\n", "bold")] if due else []
    silent: dict[str, list[str]] = {}  # a notify deadline's roles that nobody acknowledged: the deadline says so
    if state.pages and roster is not None:
        from warroom.domain.escalation import unanswered_chains

        for chain in unanswered_chains(state, roster, now):
            silent.setdefault(chain.deadline, []).append(chain.role)
    for deadline in found:
        parts += _deadline(deadline, now, silent.get(deadline.id, []))
    if not found:
        parts.append("no deadlines at this severity\n")
    return Content.assemble(*parts[:-1])


def due_words(state: IncidentState, now: datetime, record: list[Deadline], name: str, book: Playbook = DEFAULT) -> str:
    """The message y copies and when it is due, in the deadlines' words ("due in 12 min: client
    notice"): not "due" for an update half an hour away; a message already sent says when (y
    would send it twice), and once resolved a severity that owes no client a notice says so."""
    if state.resolved:
        ended = state.resolved_at
        sent = [c.at for c in state.communications if c.template == name and ended is not None and c.at >= ended]
        if not sent:
            return (f"due now: {name} (y copies it)" if owes_clients(state.severity, book.policy)
                    else f"not owed at {state.severity}: {name} (y copies it if wanted)")
    else:
        deadline = next((d for d in record if d.template == name and d.status not in (MET, LATE, WAIVED)), None)
        if deadline is not None:
            words = deadline_words(deadline, now, by_the_minute=True)
            return f"{words}: {name} (y copies it)" if deadline.status == OVERDUE else f"due {words}: {name} (y copies it)"
        # a message no deadline asks for (a P3's internal note): sent, or still to send
        sent = [c.at for c in state.communications if c.template == name]
        if not sent:
            return f"to send: {name} (y copies it)"
    return f"sent {local_time(sent[-1])}: {name} (y copies it again)"


LEDGER_SHOWN = 4  # the newest pages the pane lists (all of them: `warroom show`)


def ledger_lines(state: IncidentState, roster: Roster, now: datetime) -> Content:
    """The pages to people, under the deadlines they meet: a role nobody acknowledged first, then
    the ledger, the newest pages (role → person → channels: how it stands)."""
    from warroom.domain.escalation import ledger, unanswered

    parts: list = []
    for role in unanswered(state, roster, now):
        parts += [(f"⚠ nobody acknowledged: {one_line(role, 60)}", "bold reverse"), "\n"]
    lines = ledger(state)
    if len(lines) > LEDGER_SHOWN:
        parts += [(f"pages: {len(lines) - LEDGER_SHOWN} more above (warroom show lists them)", "dim"), "\n"]
    for line in lines[-LEDGER_SHOWN:]:
        parts += [one_line(line, 200), "\n"]
    return Content.assemble(*parts[:-1])


def page_lines(state: IncidentState, book: Playbook = DEFAULT, delivery: str = "") -> Content:
    """The status page and how the last message out went (chat, pages): the foot of the
    communicator's pane."""
    page = book.status_page(state)
    if state.published is not None:
        page += f", published {local_time(state.published)}"
    elif page in ("automatic", "manual"):
        page += ", not yet published" + (" (P)" if page == "manual" else "")
    if state.components or state.component_state:  # what the communicator said of its components (C)
        page += f" · {', '.join(state.components) or 'its service'}: {state.component_state or 'derived'}"
    parts: list = [f"status page: {one_line(page)}"]
    if delivery:
        parts += ["\n", (one_line(delivery, 300), "bold")]
    return Content.assemble(*parts)


def _deadline(deadline: Deadline, now: datetime, silent: list[str] | tuple[str, ...] = ()) -> list:
    """One line: how it stands first (the words a tired eye looks for), then which deadline.
    `silent`: its roles whose pages nobody acknowledged, said before its name (a narrow pane
    cuts the end of the line)."""
    mark = DEADLINE_MARK.get(deadline.status, "○")
    when = deadline_words(deadline, now, by_the_minute=True)  # (the countdown above counts the seconds)
    style = "bold" if deadline.status in (OVERDUE, LATE, MISSED) else "dim" if deadline.status in (MET, WAIVED) else ""
    nobody = [(f", ⚠ nobody acknowledged: {', '.join(silent)}", "bold")] if silent else []
    return [(f"{mark} {when}", style), *nobody, (f"  {one_line(deadline.label)}", style), "\n"]


ALERT_MARK = {"firing": "▲ firing", "acknowledged": "● acked", "resolved": "✔ resolved"}
ALERTS_SHOWN = 8


def alerts(state: IncidentState) -> Content:
    """What the monitoring says about this incident: firing alerts first, then the rest, the
    most recently heard first, each with its labels. Empty when no page came."""
    if not state.alerts:
        return Content("")
    seen = sorted(state.alerts.values(), key=lambda a: (a.status != "firing", -a.since.timestamp()))
    firing = sum(1 for a in seen if a.status == "firing")
    parts: list = [(f"alerts: {firing} firing, {len(seen) - firing} not", "bold"), "\n"]
    for alert in seen[:ALERTS_SHOWN]:
        parts += [(f"{ALERT_MARK.get(alert.status, alert.status):<11}", "bold" if alert.status == "firing" else "dim"),
                  one_line(alert.name, 80), (f"  {one_line(alert.labels, 160)}" if alert.labels else "", "dim"),
                  (f"  {local_time(alert.since)}", "dim"), "\n"]
    if len(seen) > ALERTS_SHOWN:
        parts += [(f"… and {len(seen) - ALERTS_SHOWN} more on the timeline", "dim"), "\n"]
    return Content.assemble(*parts)


def investigation(state: IncidentState, events: list[Event]) -> Content:
    """Hypotheses (the investigator's notes) and findings, newest last: `events` are the newest
    of them, read with the incident (the store keeps an index of them)."""
    parts: list = []
    for event in events:
        if event.kind == "finding reported":
            found = state.finding(event.id or 0)
            ack = "acknowledged" if found and found.acknowledged_at else "waiting for the commander"
            number = found.number if found else "?"
            parts += [(f"#{number} finding ", "bold"), f"({ack}) ", one_line(text_of(event), 300), "\n"]
        elif event.kind == "note" and event.role == "investigator":
            parts += [(f"{local_time(event.at)} ", "dim"), one_line(text_of(event), 300), "\n"]
    if not parts:
        return Content("no findings or hypotheses yet — n writes one, f reports a finding")
    return Content.assemble(*parts[:-1])


def due_message(state: IncidentState, now: datetime, book: Playbook = DEFAULT, actor: str = "") -> tuple[str, Content]:
    """The name of the message that is due, and its text, filled in and signed by `actor`: y
    copies exactly this."""
    name, text = book.filled(state, now, actor=actor)
    return name, Content.assemble((safe(text), "italic"))


STEP_SHORT = {"root cause identified": "root cause", "fix tested in staging": "staged",
              "deployed through the pipeline": "deployed", "flag re-enabled": "flag on",
              "soak and verification": "soaked"}


def resolution_path(state: IncidentState) -> Content:
    """One line: each step of the resolution path, done (✔) or not (○), then resolved."""
    from warroom.domain.actions import steps_owed
    from warroom.domain.model import RESOLUTION_STEPS

    parts: list = [(" r ", "bold")]
    owed = steps_owed(state)
    for step in RESOLUTION_STEPS:
        done = step in state.steps
        if step not in owed:
            parts += [("– ", "dim"), (f"{STEP_SHORT[step]} n/a", "dim"), (" ", "")]
            continue
        parts += [("✔ " if done else "○ ", "bold" if done else "dim"), (STEP_SHORT[step], "" if done else "dim"), (" ", "")]
    parts.append(("✔ RESOLVED" if state.resolved else "○ resolved", "bold reverse" if state.resolved else "dim"))
    return Content.assemble(*parts)


QUESTIONS_SHOWN = 2  # the newest executive or customer questions still waiting, shown whole


def waiting_questions(state: IncidentState) -> list[Event]:
    """A drill's executive and customer injects (the communicator's to answer) that came after
    the last message to the client or the team: what is asked and not yet answered."""
    from warroom.domain.policy import INTERNAL_NOTE
    from warroom.domain.public import PUBLIC_TEMPLATES

    last = max((c.at for c in state.communications if c.template in (*PUBLIC_TEMPLATES, INTERNAL_NOTE)), default=None)
    asked = [e for e in state.events if e.kind == Kind.NOTE and e.role == COMMUNICATOR and e.actor.startswith(INJECT)
             and (last is None or e.at > last)]
    return asked[-QUESTIONS_SHOWN:]


def asked_lines(asked: list[Event]) -> Content:
    """Each question whole (the timeline cuts a long row), for the hat that must answer it."""
    from warroom.domain.describe import text_of

    parts: list = []
    for event in asked:
        parts += ["\n" if parts else "", ("▶ ", "bold"), (f"{local_time(event.at)} ", "dim"), (one_line(text_of(event), 1000), "bold")]
    parts += ["\n", ("  answer it with a message to the client (y) or the team", "dim")]
    return Content.assemble(*parts)


FOLLOWUPS_SHOWN = 3  # lines of them in the commander's pane: the open ones first (O lists them all)


def followups(state: IncidentState, codes: dict[int, str], now: datetime) -> Content:
    """The incident's follow-ups: how many are open, then the open ones (overdue marked), then
    the newest closed ones, each with its code (F-n) once the store has given it."""
    from warroom.domain.followups import overdue

    numbered = list(enumerate(state.followups, 1))
    open_ones = [(n, f) for n, f in numbered if not f.done]
    shown = (open_ones + [(n, f) for n, f in reversed(numbered) if f.done])[:FOLLOWUPS_SHOWN]
    lines: list = [(f"follow-ups: {len(open_ones)} open, {len(numbered) - len(open_ones)} done", "bold"), (" · O closes one", "dim")]
    for n, item in shown:
        late = overdue(item, now)
        mark = ("⚠ OVERDUE ", "bold") if late else ("✔ ", "dim") if item.done else ("○ ", "")
        due = f" (due {one_line(item.due, 20)})" if item.due and not item.done else ""
        lines += ["\n", f" {codes.get(n, '#' + str(n))} ", mark,
                  (f"{one_line(item.owner, 16)}: {one_line(item.text, 200)}{due}", "dim" if item.done else "")]
    return Content.assemble(*lines)
