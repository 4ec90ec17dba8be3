"""Typed events end to end: each kind's payload is one Struct (domain/schema.py) that the actions
build, the store writes, the fold and every reader get back, and an import is checked against."""

from __future__ import annotations

import ast
import asyncio
from datetime import timedelta
from pathlib import Path

import pytest
from helpers import T0, at

import warroom
from warroom.domain import actions, followups, schema
from warroom.domain.incident import _HANDLERS, fold
from warroom.domain.model import EFFECTIVE, KINDS, PULLED, SKIPPED, STEP_ROOT_CAUSE, STEP_STAGING, JsonPayload, Kind
from warroom.store import open_store


def _story():
    """One incident through every action a person takes, as (events, state after them)."""
    events = [actions.declare("alice", T0, "Login fails", "P1", detected=T0 - timedelta(minutes=4), service="auth",
                              impact="logins")]
    state = fold([_numbered(events[0], "INC-1", 1)])

    def do(action, *args, minutes: float, actor: str = "alice", **kwargs):
        nonlocal state
        made = action(state, actor, at(minutes), *args, **kwargs)
        for event in made:
            event = _numbered(event, "INC-1", len(events) + 1)
            events.append(event)
            state.apply(event)

    do(actions.change_severity, "P0", minutes=1)
    do(actions.set_lever, 2, PULLED, reason="the deploy is the suspect", runbook="deploy rollback auth", minutes=2)
    do(actions.set_lever, 1, SKIPPED, reason="no flag guards it", minutes=2.5)
    do(actions.set_lever, 2, EFFECTIVE, minutes=3)
    do(actions.wear_hat, "investigator", actor="bob", minutes=4)
    do(actions.report_finding, "the claim format changed", actor="bob", minutes=5)
    do(actions.acknowledge, state.findings[0].id, minutes=6)
    do(actions.note, "looking", minutes=6.5)
    do(actions.communicate, "client notice", "We know.", sent=True, next_update=at(40), switch=True, actor="carol",
       minutes=7)
    do(actions.notify, "manager", "Dana", actor="carol", minutes=7.5)
    do(actions.resolution_step, STEP_ROOT_CAUSE, note_text="claims", minutes=8)
    do(actions.resolution_step, STEP_STAGING, minutes=9)
    do(actions.correct_milestone, "detected", T0 - timedelta(minutes=5), reason="the first alert", minutes=10)
    do(followups.add, "add a smoke test", "bob", due="2026-11-27", minutes=11)
    do(actions.resolve, override="soak later", minutes=12)
    do(actions.reopen, "it came back", minutes=13)
    do(followups.change, 1, owner="carol", due="7d", minutes=14)
    do(followups.close, 1, note="the test runs on each deploy", link="https://git.example/pr/7", minutes=15)
    do(followups.reopen, 1, reason="it is flaky", minutes=16)
    return events, state


def _numbered(event, code, number):
    return type(event)(code, event.at, event.actor, event.role, event.kind, event.payload, number)


def test_every_action_builds_its_kinds_struct_and_the_store_keeps_the_shape_it_always_had():
    events, _ = _story()
    shapes = [(e.kind, dict(e.payload)) for e in events]
    # the JSON written before the Structs were the one definition: a database (and an identity
    # key across databases, for copy and import) holds exactly these, defaults left out
    assert shapes == [
        (Kind.DECLARED, {"title": "Login fails", "severity": "P1", "detected": (T0 - timedelta(minutes=4)).isoformat(),
                         "service": "auth", "impact": "logins"}),
        (Kind.SEVERITY_CHANGED, {"severity": "P0", "was": "P1"}),
        (Kind.LEVER_CHANGED, {"lever": 2, "name": "deploy rollback", "state": "pulled", "was": "untried",
                              "reason": "the deploy is the suspect", "out_of_order": True, "runbook": "deploy rollback auth"}),
        (Kind.LEVER_CHANGED, {"lever": 1, "name": "feature flag off", "state": "skipped", "was": "untried", "reason": "no flag guards it"}),
        (Kind.LEVER_CHANGED, {"lever": 2, "name": "deploy rollback", "state": "effective", "was": "pulled"}),
        (Kind.HAT_WORN, {"hat": "investigator"}),
        (Kind.FINDING_REPORTED, {"text": "the claim format changed"}),
        (Kind.FINDING_ACKNOWLEDGED, {"finding": 7, "number": 1}),
        (Kind.NOTE, {"text": "looking"}),
        (Kind.HAT_WORN, {"hat": "communicator"}),
        (Kind.COMMUNICATION_SENT, {"template": "client notice", "text": "We know.", "next_update": at(40).isoformat()}),
        (Kind.ESCALATION_NOTIFIED, {"deadline": "manager", "whom": "Dana"}),
        (Kind.RESOLUTION_STEP, {"step": STEP_ROOT_CAUSE, "note": "claims"}),
        (Kind.RESOLUTION_STEP, {"step": STEP_STAGING}),
        (Kind.MILESTONE_SET, {"milestone": "detected", "at": (T0 - timedelta(minutes=5)).isoformat(), "reason": "the first alert"}),
        (Kind.FOLLOWUP_ADDED, {"text": "add a smoke test", "owner": "bob", "due": "2026-11-27"}),
        (Kind.RULE_OVERRIDDEN, {"rule": "resolve after the resolution path", "reason": "soak later"}),
        (Kind.RESOLVED, {}),
        (Kind.REOPENED, {"reason": "it came back"}),
        (Kind.FOLLOWUP_CHANGED, {"followup": 1, "owner": "carol", "due": (at(14).date() + timedelta(days=7)).isoformat()}),
        (Kind.FOLLOWUP_DONE, {"followup": 1, "note": "the test runs on each deploy", "link": "https://git.example/pr/7"}),
        (Kind.FOLLOWUP_REOPENED, {"followup": 1, "reason": "it is flaky"}),
    ]
    for event in events:
        said = schema.typed(event)
        assert type(said) is schema.PAYLOADS[event.kind]
        assert schema.stored(said) == dict(event.payload)  # what is read back is what was written


def test_the_fold_reads_the_structs_the_actions_built():
    events, state = _story()
    assert (state.severity, state.service, state.impact) == ("P0", "auth", "logins")
    assert [lever.state for lever in state.levers[:2]] == [SKIPPED, EFFECTIVE]
    assert state.findings[0].acknowledged_by == "alice" and state.root_cause == "claims"
    assert state.communications[0].next_update == at(40)
    assert state.milestone("detected") == T0 - timedelta(minutes=5)
    assert not state.resolved
    item = state.followups[0]
    assert (item.owner, item.due, item.link, item.note, item.reopened) == (
        "carol", (at(14).date() + timedelta(days=7)).isoformat(), "https://git.example/pr/7", "the test runs on each deploy", 1)
    assert not item.done and item.done_by == "" 
    assert [o.rule for o in state.overrides] == ["levers in order", "resolve after the resolution path"]


def test_an_events_kind_follows_from_its_struct_and_every_kind_is_read():
    assert set(schema.PAYLOADS) == set(KINDS)
    for kind, struct in schema.PAYLOADS.items():
        assert schema.KIND_OF[struct] == kind
    sent = schema.event("INC-1", T0, "carol", "communicator", schema.CommunicationSent(template="status update", text="x"))
    copied = schema.event("INC-1", T0, "carol", "communicator", schema.CommunicationCopied(template="status update", text="x"))
    assert (sent.kind, copied.kind) == (Kind.COMMUNICATION_SENT, Kind.COMMUNICATION_COPIED)
    # every kind that changes the state has a handler reading its Struct; a note and a copy change none
    assert set(KINDS) - set(_HANDLERS) == {Kind.NOTE, Kind.COMMUNICATION_COPIED}


def test_a_message_of_no_known_template_is_refused_by_the_action():
    state = fold([_numbered(actions.declare("alice", T0, "x", "P1"), "INC-1", 1)])
    with pytest.raises(actions.RuleBroken, match="unknown message 'tweet'"):
        actions.communicate(state, "alice", at(1), "tweet", "hello", sent=True, switch=True)


def test_the_fold_decodes_a_stored_payload_straight_from_its_text(tmp_path):
    """An event read from the database goes from its JSON text to its Struct in one step: the
    generic dict (json.loads) is never built for the fold."""
    events, expected = _story()

    async def scenario():
        store = await open_store(tmp_path / "typed.db")
        try:
            declared = await store.declare(events[0])
            await store.append([_numbered(e, declared.incident, None) for e in events[1:]])
            read_back = await store.events(declared.incident)
        finally:
            await store.close()
        assert all(isinstance(e.payload, JsonPayload) for e in read_back)
        state = fold(read_back)
        assert all(e.payload._data is None for e in read_back)  # (the dict a reader of .payload would build)
        assert (state.severity, state.root_cause, state.communications, state.followups) == \
               (expected.severity, expected.root_cause, expected.communications, expected.followups)

    asyncio.run(scenario())


def _payload_digs(tree: ast.AST) -> list[int]:
    """Lines that read a payload by key (`x.payload.get(...)`, `x.payload[...]`)."""
    found = []
    for node in ast.walk(tree):
        target = None
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "get":
            target = node.func.value
        elif isinstance(node, ast.Subscript):
            target = node.value
        if isinstance(target, ast.Attribute) and target.attr == "payload":
            found.append(node.lineno)
    return found


def test_no_reader_digs_in_a_payload_by_key():
    root = Path(warroom.__file__).parent
    digs = {str(path.relative_to(root)): lines for path in sorted(root.rglob("*.py"))
            if (lines := _payload_digs(ast.parse(path.read_text())))}
    assert digs == {}, "read the kind's Struct (schema.read/typed), not the payload's keys"
    assert _payload_digs(ast.parse("x = event.payload.get('text')\ny = e.payload['title']")) == [1, 2]
