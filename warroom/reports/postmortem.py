"""`warroom export --format md`: a postmortem draft in Markdown, straight from the timeline.

Pure formatting over the folded state. User text is escaped so it cannot break a table,
start a heading, open HTML, or reach a terminal as a control sequence.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

from warroom.domain.describe import describe
from warroom.domain.incident import IncidentState
from warroom.domain.model import (
    CONTAINED,
    DETECTED,
    FIX_DEPLOYED,
    HATS,
    IMPACT_STARTED,
    INJECT,
    MILESTONES,
    RESOLVED,
    ROOT_CAUSE,
    SYSTEM,
    UNTRIED,
    Kind,
)
from warroom.domain.playbook import DEFAULT, Playbook
from warroom.domain.policy import LATE, MET, MISSED, OPEN, OVERDUE, WAIVED, record
from warroom.domain.text import safe
from warroom.domain.timefmt import clock_text, minutes_text, t_plus

_MARKDOWN = re.compile(r"([\\`*_{}\[\]<>#|!~])")


def cell(text: str) -> str:
    """User text made inert inside a Markdown table cell or a line of prose."""
    flat = safe(text).replace("\r\n", "\n").replace("\n", " ⏎ ").replace("\t", " ")
    return _MARKDOWN.sub(r"\\\1", flat)


def _when(moment: datetime | None, multi_day: bool) -> str:
    if moment is None:
        return "—"
    moment = moment.astimezone(UTC)  # an alert's own offset (+08:00) is not UTC
    return moment.strftime("%Y-%m-%d %H:%M:%S UTC" if multi_day else "%H:%M:%S UTC")


def _block(text: str) -> list[str]:
    """Exact text, quoted line by line, with control characters made visible."""
    return ["> " + cell(line) if line else ">" for line in safe(text).split("\n")]


def _people(state: IncidentState) -> str:
    """Who took part: every actor but warroom itself (the pages it sent, the status page it
    published), the alerting (an alert's source) and a drill's injects ("drill #3: investigator")."""
    alerting = {e.actor for e in state.events if e.kind == Kind.ALERT}
    people = {e.actor for e in state.events
              if e.actor != SYSTEM and not e.actor.startswith(INJECT) and e.actor not in alerting}
    return ", ".join(sorted(cell(name) for name in people)) or "—"


def _wearers(state: IncidentState, hat: str) -> str:
    """Who wore a hat, in order (`alice, then carol`), or a dash when nobody did."""
    people = list(dict.fromkeys(cell(span.who) for span in state.hat_spans if span.hat == hat))
    return ", then ".join(people) or "—"


def _hats(state: IncidentState, multi_day: bool) -> list[str]:
    """Who wore each hat, from when until when: who played the roles, not who holds them now."""
    if not state.hat_spans:
        return []
    out = ["## Who wore each hat", "", "| hat | who | from | until |", "|---|---|---|---|"]
    for span in sorted(state.hat_spans, key=lambda s: (HATS.index(s.hat) if s.hat in HATS else 9, s.start)):
        until = _when(span.end, multi_day) if span.end else ("resolution" if state.resolved else "now")
        out.append(f"| {span.hat} | {cell(span.who)} | {_when(span.start, multi_day)} | {until} |")
    return out + [""]


def _phases(state: IncidentState) -> list[str]:
    m = state.milestone
    spans = [("detect", m(IMPACT_STARTED), m(DETECTED)), ("contain", m(DETECTED), m(CONTAINED)),
             ("identify", m(DETECTED), m(ROOT_CAUSE)), ("fix", m(ROOT_CAUSE), m(FIX_DEPLOYED)),
             ("resolve", m(DETECTED), m(RESOLVED))]
    rows = [f"    {name} : {start.strftime('%Y-%m-%dT%H:%M:%S')}, {max(round((end - start).total_seconds()), 1)}s"
            for name, start, end in spans if start is not None and end is not None]
    if not rows:
        return []
    return ["```mermaid", "gantt", "    title Phases of " + re.sub(r"[^A-Za-z0-9-]", "", state.code), "    dateFormat YYYY-MM-DDTHH:mm:ss",
            "    axisFormat %H:%M", *rows, "```"]


_OUTCOME = {MISSED: "missed", OVERDUE: "overdue (still open)", OPEN: "not due yet", WAIVED: "not needed (resolved before it)"}


def _outcome(deadline) -> str:
    if deadline.status == MET:
        return "on time"
    if deadline.status == LATE:
        return f"late by {clock_text(deadline.late_by)}"
    if deadline.due is None and deadline.status == OPEN:
        return "no clock (at the next standup)"
    return _OUTCOME.get(deadline.status, deadline.status)


def _deadlines(state: IncidentState, now: datetime, book: Playbook, multi_day: bool) -> list[str]:
    out = ["## Deadlines", "", "| deadline | due | met at | outcome |", "|---|---|---|---|"]
    for deadline in record(state, now, book.policy):
        due = f"{_when(deadline.due, multi_day)} ({t_plus(deadline.due, state.detected)})" if deadline.due and state.detected else "—"
        out.append(f"| {cell(deadline.label)} | {due} | {_when(deadline.met_at, multi_day)} | "
                   f"{_outcome(deadline)} |")
    return out if len(out) > 4 else out + ["| — | — | — | — |"]


def _done(item) -> str:
    if not item.done:
        return "open"
    return f"done {item.done_at.date().isoformat()}" + (f", {cell(item.link)}" if item.link else "")


def _root_cause(state: IncidentState) -> list[str]:
    out = ["## Root cause", ""]
    if not state.root_cause and state.milestone(ROOT_CAUSE) is None:
        return out + ["Not identified yet."]
    out.append(cell(state.root_cause) if state.root_cause else "Identified; the commander gave no words for it.")
    found = state.latest_acknowledged
    if found is not None:
        out += ["", f"From finding #{found.number} by {cell(found.actor)}: {cell(found.text)}"]
    return out


def _overrides(state: IncidentState, multi_day: bool) -> list[str]:
    out = ["## Rules overridden", ""]
    if not state.overrides:
        return out + ["None: every rule of the practice held."]
    out += ["| time | who | hat | rule | reason |", "|---|---|---|---|---|"]
    out += [f"| {_when(o.at, multi_day)} | {cell(o.actor)} | {o.role} | {cell(o.rule)} | {cell(o.reason)} |" for o in state.overrides]
    return out


def _scorecard(state: IncidentState, now: datetime, book: Playbook) -> list[str]:
    """A drill's export opens with its scorecard: never taken for a real incident's postmortem."""
    if not state.drill:
        return []
    from warroom.drills import scorecard

    card = scorecard(state, state.resolved_at or now, book.policy)
    return [f"## Drill scorecard ({cell(state.drill)}): {card.score} / 100", "", "```text", card.text(), "```", ""]


def _review(state: IncidentState, now: datetime, book: Playbook) -> list[str]:
    """A drill's export ends with its after-action review: what went well, each deduction
    (numbered, for `warroom drill --followups`), and the facilitator's observations."""
    if not state.drill:
        return []
    from warroom.drills import scorecard
    from warroom.drills.injects import observations

    card = scorecard(state, state.resolved_at or now, book.policy)
    out = ["", "## After-action review", "", "### What went well", ""]
    out += [f"- {cell(line.rule)}: {cell(line.what)}" for line in card.held] or ["- nothing the rules ask held"]
    out += ["", "### What cost points", ""]
    out += [f"{n}. {cell(line.rule)}: {cell(line.what)} (−{line.cost})" for n, line in enumerate(card.deductions, 1)] or ["None."]
    out += ["", "### The facilitator's observations", ""]
    out += [f"- {cell(said)}" for said in observations(state.events)] or ["None were noted."]
    if card.deductions:
        out += ["", f"Turn the deductions the team chooses into follow-ups: `warroom drill --followups {state.code} --pick 1,2`."]
    return out


def _pages(state: IncidentState, multi_day: bool) -> list[str]:
    """Every page to a person, who acknowledged, and how long it took (issue 27)."""
    from warroom.domain.escalation import page_rows, time_to_acknowledge

    out = ["## Pages", "", "| role | person | channels | sent | delivered | acknowledged | outcome |", "|---|---|---|---|---|---|---|"]
    for role, person, channels, sent, delivered, acknowledged, what in page_rows(state):
        out.append(f"| {cell(role)} | {cell(person)} | {channels} | {_when(sent, multi_day)} | {_when(delivered, multi_day)} | "
                   f"{_when(acknowledged, multi_day)} | {what} |")
    out += ["", "Time to acknowledge (from a role's first page to its first acknowledgement): " + "; ".join(
        f"{cell(role)} {minutes_text(span) if span is not None else 'nobody acknowledged'}"
        for role, span in time_to_acknowledge(state).items()) + "."]
    return out


def markdown(state: IncidentState, now: datetime | None = None, book: Playbook = DEFAULT, codes: dict[int, str] | None = None) -> str:
    """The postmortem draft; `codes`: the follow-ups' codes in the database (F-n), by number."""
    origin = state.detected
    now = now or max((e.at for e in state.events), default=datetime.now().astimezone())
    times = [e.at for e in state.events]
    multi_day = bool(times) and min(times).date() != max(times).date()
    title = f"# {'DRILL: a practice incident' if state.drill else 'Postmortem draft'}: {state.code} {cell(state.title)}"
    out = [title, "", *_scorecard(state, now, book), "## Summary", "",
           f"- Severity: {cell(state.severity)}",
           f"- Status: {cell(state.status)}",
           f"- Service: {cell(state.service) or '—'}",
           f"- Impact: {cell(state.impact) or '—'}",
           "- Roles: " + "; ".join(f"{hat} {_wearers(state, hat)}" for hat in HATS),
           "- People: " + _people(state), ""]
    out += _hats(state, multi_day)
    out += ["## Milestones", "", "| milestone | time |", "|---|---|"]
    out += [f"| {name} | {_when(state.milestone(name), True)} |" for name in MILESTONES]
    out += ["", "## Figures", "", "| figure | value |", "|---|---|"]
    out += [f"| {'total' if label == 'total' else 'time to ' + label} | {minutes_text(value)} |"
            for label, value in state.figures().labelled()]
    out += ["", *_phases(state), "", *_root_cause(state), "", *_deadlines(state, now, book, multi_day), "",
            *_overrides(state, multi_day), "", "## Timeline", "", "| time | T+ | hat | who | what happened |", "|---|---|---|---|---|"]
    for event in state.events:
        plus = t_plus(event.at, origin) if origin else ""
        out.append(f"| {_when(event.at, multi_day)} | {plus} | {event.role} | {cell(event.actor)} | {cell(describe(event, codes))} |")
    if state.pages:  # (a team that does not page from warroom sees no empty section)
        out += ["", *_pages(state, multi_day)]
    out += ["", "## Containment levers", "", "| lever | outcome | when | reason |", "|---|---|---|---|"]
    for lever in state.levers:
        when = t_plus(lever.changed_at, origin) if lever.changed_at and origin else "—"
        outcome = "not tried" if lever.state == UNTRIED else lever.state
        out.append(f"| {lever.number} {cell(lever.name)} | {outcome} | {when} | {cell(lever.reason) or '—'} |")
    out += ["", "## Communications sent", ""]
    if not state.communications:
        out.append("None were recorded as sent.")
    for sent in state.communications:
        out += [f"### {cell(sent.template)}, {_when(sent.at, multi_day)} by {cell(sent.actor)}", "", *_block(sent.text), ""]
    out += ["", "## Findings", ""]
    out += [f"- #{f.number} {cell(f.actor)}: {cell(f.text)}" + (" (acknowledged)" if f.acknowledged_at else " (not acknowledged)")
            for f in state.findings] or ["None were reported."]
    out += ["", "## Follow-ups", "", "| code | follow-up | owner | due | state |", "|---|---|---|---|---|"]
    out += [f"| {(codes or {}).get(n, '—')} | {cell(f.text)} | {cell(f.owner)} | {cell(f.due) or '—'} | {_done(f)} |"
            for n, f in enumerate(state.followups, 1)] or ["| — | — | — | — | — |"]
    out += _review(state, now, book)
    return "\n".join(out) + "\n"
