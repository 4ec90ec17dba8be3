"""Incidents drawn by hypothesis, their text from a hostile alphabet (terminal controls, bidi,
markup, emoji): what the CLI and the console can make, for property tests."""

from __future__ import annotations

import re

from hypothesis import strategies as st

from helpers import Book, at
from warroom.domain import actions, followups

# Real characters, not their escapes: a variation selector, a lone surrogate, bidi overrides,
# terminal controls, tmux and Markdown syntax, markup, wide and joined emoji.
HOSTILE = ["\ufe0f", "\udcff", "\u202e", "\u2066", "\x1b", "\x07", "\x00", "\x9b", "\r", "\n", "\t", "#", "#[", "#{", "|",
           "<", ">", "`", "[", "]", "[/", "*", "_", "\\", "👩‍🚒", "🔥", "ש", "a", " ", "{title}", "P1"]
texts = st.lists(st.sampled_from(HOSTILE), min_size=1, max_size=12).map("".join)
RAW = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


@st.composite
def incidents(draw):
    """An incident the CLI and console can make, its text drawn from the hostile alphabet."""
    book = Book(title="T" + draw(texts), severity=draw(st.sampled_from(["P0", "P1", "P2", "P3"])), at=at(0),
                impact=draw(texts).replace("\n", " ").replace("\r", " ")[:1000])
    steps = draw(st.lists(st.sampled_from(["note", "finding", "ack", "lever", "skip", "notify", "copy", "send", "followup",
                                           "service", "impact", "severity", "milestone", "step", "resolve", "reopen"]),
                          max_size=10))
    minute = 1
    for step in steps:
        minute += 1
        state, when = book.state, at(minute)
        try:
            if step == "note":
                book.do(actions.note, "alice", when, draw(texts))
            elif step == "finding":
                book.do(actions.report_finding, "alice", when, draw(texts), switch=True)
            elif step == "lever":
                book.do(actions.set_lever, "alice", when, 1, "pulled", switch=True)
            elif step == "notify":
                deadline = next(iter(("leadership", "manager", "pm", "team-lead")), "manager")
                book.do(actions.notify, "alice", when, deadline, draw(texts), switch=True)
            elif step == "send":
                book.do(actions.communicate, "alice", when, "status update", draw(texts), sent=True, switch=True)
            elif step == "followup":
                book.do(followups.add, "alice", when, draw(texts), draw(texts), switch=True)
            elif step == "resolve" and not state.resolved:
                book.do(actions.resolve, "alice", when, switch=True, override="because of " + draw(texts))
            elif step == "reopen" and state.resolved:
                book.do(actions.reopen, "alice", when, draw(texts), switch=True)
            elif step == "ack" and state.unacknowledged:
                book.do(actions.acknowledge, "alice", when, state.unacknowledged[0].id, switch=True)
            elif step == "skip":
                book.do(actions.set_lever, "alice", when, draw(st.integers(1, 4)), "skipped", reason="because of " + draw(texts), switch=True)
            elif step == "copy":
                book.do(actions.communicate, "alice", when, "client notice", draw(texts), sent=False, switch=True)
            elif step == "service":
                book.do(actions.name_service, "alice", when, draw(texts).replace("\n", "").replace("\r", "")[:80], switch=True)
            elif step == "impact":
                book.do(actions.set_impact, "alice", when, draw(texts).replace("\n", "").replace("\r", ""), switch=True)
            elif step == "severity":
                book.do(actions.change_severity, "alice", when, draw(st.sampled_from(["P0", "P1", "P2", "P3"])), switch=True)
            elif step == "milestone":
                book.do(actions.correct_milestone, "alice", when, "impact started", at(-3), reason=draw(texts), switch=True)
            elif step == "step":
                book.do(actions.resolution_step, "alice", when, draw(st.sampled_from(
                    ["root cause identified", "fix tested in staging", "deployed through the pipeline", "soak and verification"])),
                    note_text=draw(texts), override="because of " + draw(texts), switch=True)
        except actions.RuleBroken:
            pass  # an action the rules refuse (an empty text, say) is not part of the incident
    return book


