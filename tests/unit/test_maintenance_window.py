"""A maintenance window as typed (`warroom maintenance --from ... --to ...`): a time of day
that is earlier than the start is on the next day, for a night's window; not when that makes
a long one, which is a typo that would hold back pages for most of a day."""

from datetime import UTC, datetime

import pytest

from warroom.domain.actions import RuleBroken
from warroom.domain.maintenance import window

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


def test_a_nights_window_ends_on_the_next_day():
    begin, end = window("2026-12-05T22:00Z", "02:00Z", NOW)
    assert (begin, end) == (datetime(2026, 12, 5, 22, 0, tzinfo=UTC), datetime(2026, 12, 6, 2, 0, tzinfo=UTC))
    begin, end = window("2026-12-05T02:00Z", "04:00Z", NOW)  # the same day
    assert end - begin == datetime(2026, 12, 5, 4, tzinfo=UTC) - datetime(2026, 12, 5, 2, tzinfo=UTC)


def test_an_end_earlier_than_the_start_that_would_make_most_of_a_day_is_refused_with_the_full_time_to_type():
    with pytest.raises(RuleBroken) as refused:
        window("2026-12-05T04:00Z", "02:00Z", NOW)  # 04:00 to 06:00 meant, most likely
    said = str(refused.value)
    assert "22 h" in said and "2026-12-06T02:00Z" in said and "\n" not in said, said
    begin, end = window("2026-12-05T04:00Z", "2026-12-06T02:00Z", NOW)  # typed whole, it is taken
    assert (end - begin).total_seconds() == 22 * 3600
