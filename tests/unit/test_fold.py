"""The incident is a pure fold of its events: deterministic, complete, incremental."""

from datetime import timedelta

from helpers import T0, Book, at
from hypothesis import given, settings
from hypothesis import strategies as st

from warroom.domain import actions, followups
from warroom.domain.incident import IncidentState, fold
from warroom.domain.model import HATS, LEVER_STATES, RESOLUTION_STEPS, Event, Kind

texts = st.text(max_size=40)


@st.composite
def event_logs(draw):
    """A declared incident followed by any mix of well-formed events, in time order."""
    events = [Event("INC-1", T0, "alice", "commander", Kind.DECLARED,
                    {"title": draw(texts), "severity": draw(st.sampled_from(["P0", "P1", "P2", "P3"])),
                     "detected": T0.isoformat()}, 1)]
    payloads = {
        Kind.NOTE: st.fixed_dictionaries({"text": texts}),
        Kind.HAT_WORN: st.fixed_dictionaries({"hat": st.sampled_from(HATS)}),
        Kind.LEVER_CHANGED: st.fixed_dictionaries({"lever": st.integers(1, 4), "state": st.sampled_from(LEVER_STATES)}),
        Kind.SEVERITY_CHANGED: st.fixed_dictionaries({"severity": st.sampled_from(["P0", "P1", "P2", "P3"])}),
        Kind.FINDING_REPORTED: st.fixed_dictionaries({"text": texts}),
        Kind.FINDING_ACKNOWLEDGED: st.fixed_dictionaries({"finding": st.integers(1, 30)}),
        Kind.RESOLUTION_STEP: st.fixed_dictionaries({"step": st.sampled_from(RESOLUTION_STEPS)}),
        Kind.RESOLVED: st.just({}),
        Kind.REOPENED: st.just({}),
        Kind.FOLLOWUP_ADDED: st.fixed_dictionaries({"text": texts, "owner": texts}),
        Kind.COMMUNICATION_SENT: st.fixed_dictionaries({"template": st.sampled_from(["client notice", "status update"]), "text": texts}),
        Kind.ESCALATION_NOTIFIED: st.fixed_dictionaries({"deadline": st.sampled_from(["manager", "leadership"]), "whom": texts}),
    }
    steps = draw(st.lists(st.tuples(st.sampled_from(sorted(payloads)), st.integers(0, 600), st.sampled_from(["alice", "bob"])), max_size=30))
    moment = T0
    for number, (kind, gap, actor) in enumerate(steps, start=2):
        moment += timedelta(seconds=gap)
        events.append(Event("INC-1", moment, actor, draw(st.sampled_from(HATS)), kind, draw(payloads[kind]), number))
    return events


@settings(max_examples=150, deadline=None)
@given(event_logs(), st.integers(0, 30))
def test_folding_is_deterministic_complete_and_incremental(events, split):
    whole = fold(events)
    assert fold(list(events)) == whole
    assert whole.events == events  # every event is kept, in order
    assert whole.last_id == len(events)
    partial = fold(events[:split])
    for event in events[split:]:
        partial.apply(event)
    assert partial == whole


def test_an_empty_log_is_no_incident():
    state = fold([])
    assert state == IncidentState()
    assert not state.declared


def test_the_fold_gathers_every_part_of_the_state():
    book = Book(title="JWT outage", severity="P1", detected=at(0), impact_started=at(-4))
    book.do(actions.note, "alice", at(1), "page: 401 spike")
    book.do(actions.set_lever, "alice", at(2), 1, "pulled")
    book.do(actions.set_lever, "alice", at(3), 1, "effective")
    book.do(actions.wear_hat, "bob", at(4), "investigator")
    book.do(actions.report_finding, "bob", at(6), "token format changed in 142")
    book.do(actions.acknowledge, "alice", at(7), book.state.findings[0].id)
    book.do(actions.resolution_step, "alice", at(8), "root cause identified")
    book.do(actions.resolution_step, "alice", at(10), "fix tested in staging")
    book.do(actions.resolution_step, "alice", at(13), "deployed through the pipeline")
    book.do(actions.resolution_step, "alice", at(14), "flag re-enabled")
    book.do(followups.add, "alice", at(30), "add a token-compatibility smoke test", "bob")
    book.do(actions.resolution_step, "alice", at(38), "soak and verification")
    book.do(actions.resolve, "alice", at(40))
    state = book.state
    assert (state.title, state.severity, state.code) == ("JWT outage", "P1", "INC-1")
    assert state.holders == {"commander": "alice", "investigator": "bob"}
    assert [f.text for f in state.findings] == ["token format changed in 142"]
    assert [f.owner for f in state.followups] == ["bob"]
    fig = state.figures()
    minutes = lambda span: span.total_seconds() / 60  # noqa: E731
    assert minutes(fig.to_detect) == 4
    assert minutes(fig.to_contain) == 3
    assert minutes(fig.to_identify) == 8
    assert minutes(fig.to_fix) == 5
    assert minutes(fig.to_resolve) == 40
    assert minutes(fig.total) == 44


def test_hat_switches_after_resolution_are_not_counted_as_juggling():
    """The drill's scorecard counts hat switches; copying the resolution notice as the
    communicator once resolved is the practice, not one person juggling hats."""
    book = Book()
    book.do(actions.wear_hat, "alice", at(1), "investigator")
    book.do(actions.resolve, "alice", at(2), switch=True, override="false alarm: the monitor misfired")
    assert book.state.hats_worn == 2  # to the investigator, back to the commander to resolve
    book.do(actions.wear_hat, "alice", at(3), "communicator")
    assert book.state.hats_worn == 2 and book.state.holders["communicator"] == "alice"
