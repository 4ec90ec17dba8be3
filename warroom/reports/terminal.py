"""Plain-text views of an incident for the CLI: list rows, `show`, the status line, JSON.

Pure formatting over domain objects; all user text passes through `safe` / `one_line`.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from warroom.domain.describe import deadline_words, describe
from warroom.domain.incident import IncidentState
from warroom.domain.model import HATS, MILESTONES, Event
from warroom.domain.playbook import DEFAULT, Playbook
from warroom.domain.policy import OVERDUE, Deadline, is_near, next_deadline
from warroom.domain.text import one_line, tmux_text
from warroom.domain.timefmt import clock_text, local_stamp, local_time, local_time_on, minutes_text, t_plus


def elapsed(state: IncidentState, now: datetime) -> str:
    """T+ since detection; the clock stops at resolution."""
    return t_plus(state.clock_end(now), state.detected) if state.detected else "T+?"


def countdown(deadline: Deadline | None, now: datetime) -> str:
    """`client notice in 02:56` or `OVERDUE client notice +01:00`: words, not colour alone."""
    if deadline is None or deadline.due is None:
        return "no deadline open"
    left = deadline.due - now
    if deadline.status == OVERDUE:
        return f"OVERDUE {deadline.label} +{clock_text(-left)}"
    return f"{deadline.label} in {clock_text(left)}"


def list_row(state, now: datetime) -> str:
    """How long it has run (open) or ran (resolved), from detection."""
    import humanize  # (only `list` says ages: not the status line)

    age = humanize.naturaldelta(state.clock_end(now) - state.detected) if state.detected else "?"
    age = f"lasted {age}" if state.resolved else f"for {age}"
    return one_line(f"{state.code:<8} {state.severity:<3} {state.status:<13} {age:<18} ") + one_line(state.title, 60)


def list_json(state) -> dict:
    """One incident as `list --format json` gives it: the facts, JSON as it is."""
    when = lambda moment: moment.isoformat() if moment else None  # noqa: E731
    return {"code": state.code, "title": state.title, "severity": state.severity, "status": state.status,
            "service": state.service, "impact": state.impact, "detected": when(state.detected),
            "resolved": when(state.resolved_at)}


def status_line(state: IncidentState, now: datetime, tmux: bool = False, colour: bool = True,
                book: Playbook = DEFAULT) -> str:
    """One line for a status bar. `tmux`: with tmux's #[...] colour codes (none if not `colour`,
    for NO_COLOR); the words say near and overdue too, so colour is never the only sign."""
    found = book.deadlines(state, now)
    due = next_deadline(found)
    words = countdown(due, now)
    head = f"{state.code} {state.severity} {elapsed(state, now)}"
    near, overdue = is_near(due, now), due is not None and due.status == OVERDUE
    if not tmux:
        late = [f"{d.label} +{clock_text(d.late_by)}" for d in found if d.late_by is not None]
        return one_line(f"{head} · {words}" + (f" · late: {', '.join(late)}" if late else ""))
    head, words = tmux_text(head), tmux_text(f"⚠ {words}" if overdue or near else words)
    if not colour:
        return f"{head} {words}"
    style = "#[fg=white,bg=red,bold]" if overdue else "#[fg=black,bg=yellow]" if near else "#[fg=default]"
    return f"{head} {style}{words}#[default]"


def followup_words(item, now: datetime) -> str:
    """One follow-up on one line: its state, owner, due date, text and link."""
    from warroom.domain.followups import overdue

    state = "OVERDUE" if overdue(item, now) else f"done {item.done_at.date().isoformat()}" if item.done else "open"
    due = f", due {one_line(item.due, 20)}" if item.due else ""
    link = f" · {one_line(item.link, 200)}" if item.link else ""
    return f"{state}: {one_line(item.owner, 30)}{due}: {one_line(item.text, 300)}{link}"


def timeline_line(event: Event, origin: datetime | None, codes: Mapping[int, str] | None = None) -> str:
    """An event as `show` lists it; `codes`: the incident's follow-ups' codes (F-n), by number."""
    when = t_plus(event.at, origin) if origin else ""
    return f"{local_time(event.at)} {when:>9} {event.role:<12} {one_line(event.actor, 20):<12} {one_line(describe(event, codes), 500)}"


def show(state: IncidentState, now: datetime, book: Playbook = DEFAULT, codes: dict[int, str] | None = None) -> str:
    """An incident in full; `codes`: its follow-ups' codes in the database (F-n), by number."""
    lines = [
        f"{state.code} {state.severity} {state.status}: {one_line(state.title, 200)}",
        f"{'resolved at' if state.resolved else 'elapsed'} {elapsed(state, now)}; status page {book.status_page(state)}",
        f"impact: {one_line(state.impact, 200) or '— (w in the console sets it)'}"
        + (f"; service: {one_line(state.service, 80)}" if state.service else ""),
        "hats: " + ", ".join(f"{hat} {one_line(state.holders.get(hat, '—'), 40)}" for hat in HATS),
        "",
        "milestones:",
    ]
    for name in MILESTONES:
        moment = state.milestone(name)
        lines.append(f"  {name:<22} {local_stamp(moment) if moment else '—'}")
    figures = ", ".join(f"{label} {minutes_text(value)}" for label, value in state.figures().labelled())
    lines += ["", f"figures: {figures}", "", "levers:"]
    for lever in state.levers:
        extra = f" — {one_line(lever.reason, 80)}" if lever.reason else ""
        lines.append(f"  {lever.number} {one_line(lever.name):<20} {lever.state}{extra}")
    if state.root_cause:
        lines += ["", f"root cause: {one_line(state.root_cause, 500)}"]
    lines += ["", "deadlines:"]
    owed = book.record(state, now)
    dues = [local_time_on(d.due, now) if d.due else "next standup" for d in owed]  # another day's says which
    width = max((len(due) for due in dues), default=0)
    for deadline, due in zip(owed, dues, strict=True):
        lines.append(f"  {one_line(deadline.label, 40):<40} due {due:<{max(width, 12)}} {deadline_words(deadline, now)}")
    if state.pages:
        from warroom.domain.escalation import page_rows, time_to_acknowledge

        lines += ["", "pages:"]
        for role, person, channels, sent, delivered, acknowledged, what in page_rows(state):
            lines.append(f"  {one_line(role, 30)} → {one_line(person, 30)} by {channels}: sent {local_time(sent)}, "
                         f"delivered {local_time(delivered) if delivered else '—'}, {what}"
                         + (f" {local_time(acknowledged)}" if acknowledged else ""))
        took = time_to_acknowledge(state)
        lines.append("  time to acknowledge: " + ", ".join(
            f"{one_line(role, 30)} {minutes_text(span) if span is not None else 'nobody acknowledged'}" for role, span in took.items()))
    if state.followups:
        lines += ["", "follow-ups:"]
        lines += [f"  {(codes or {}).get(n, '#' + str(n)):<6} {followup_words(item, now)}" for n, item in enumerate(state.followups, 1)]
    if state.overrides:
        lines += ["", "rules overridden:"]
        lines += [f"  {local_time(o.at)} {one_line(o.actor, 20)} ({o.role}) {o.rule}: {one_line(o.reason, 300)}"
                  for o in state.overrides]
    lines += ["", "timeline:"]
    lines += [f"  {timeline_line(event, state.detected, codes)}" for event in state.events]
    return "\n".join(lines)


def export_json(state: IncidentState) -> dict:
    """Everything needed to rebuild the incident elsewhere: its events, exactly."""
    return {
        "warroom": 1,
        "incident": state.code,
        "title": state.title,
        "severity": state.severity,
        "status": state.status,
        "events": [
            {"id": e.id, "at": e.at.isoformat(), "actor": e.actor, "role": e.role, "kind": e.kind, "payload": dict(e.payload)}
            for e in state.events
        ],
    }
