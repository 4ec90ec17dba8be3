"""The communicator's override of a component state counts in the 90 days too (issue 30): from
when it was set until it was taken away, the state given, not the derived one."""

from datetime import UTC, datetime, timedelta

from warroom.domain.public import PublicIncident, windows

T = datetime(2026, 11, 27, 3, 0, tzinfo=UTC)


def incident(overrides=(), contained=None, resolved=None) -> PublicIncident:
    return PublicIncident("INC-1", "t", "P0", "Critical outage", "investigating", "", "", T, resolved, (),
                          "payments", contained, (), overrides[-1][1] if overrides else "", tuple(overrides))


def test_no_override_is_the_derived_windows():
    assert windows(incident(contained=T + timedelta(hours=1), resolved=T + timedelta(hours=2)), T + timedelta(hours=3)) == [
        (T, T + timedelta(hours=1), "major outage"), (T + timedelta(hours=1), T + timedelta(hours=2), "degraded")]


def test_an_override_wins_from_when_it_was_set_until_taken_away():
    h = lambda n: T + timedelta(hours=n)  # noqa: E731
    found = windows(incident(overrides=[(h(0.5), "partial outage"), (h(1.5), "")], contained=h(1), resolved=h(2)), h(3))
    assert found == [(h(0), h(0.5), "major outage"), (h(0.5), h(1), "partial outage"), (h(1), h(1.5), "partial outage"),
                     (h(1.5), h(2), "degraded")]


def test_an_override_to_operational_is_no_window_and_one_set_before_the_impact_counts_from_its_start():
    h = lambda n: T + timedelta(hours=n)  # noqa: E731
    assert windows(incident(overrides=[(h(-1), "degraded"), (h(1), "operational")], resolved=h(2)), h(3)) == [
        (h(0), h(1), "degraded")]
