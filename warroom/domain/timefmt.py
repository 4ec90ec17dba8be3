"""Parsing the times a person types and formatting durations; the clock is always passed in."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

from warroom.domain.errors import WarroomError
from warroom.domain.text import counted

_RELATIVE = re.compile(r"^\s*(?:(\d+)\s*d)?\s*(?:(\d+)\s*h)?\s*(?:(\d+)\s*m)?\s*(?:(\d+)\s*s)?\s*(?:ago)?\s*$", re.I)


class TimeError(WarroomError, ValueError):
    """A time the person typed could not be understood."""


def utc(moment: datetime) -> datetime:
    """The same moment in UTC; naive times are taken as local time."""
    if moment.tzinfo is None:
        moment = moment.astimezone()
    return moment.astimezone(UTC)


def parse_when(text: str, now: datetime) -> datetime:
    """An ISO 8601 time (local if it names no zone) or a span ago: `5m`, `90s`, `1h30m`, `7d`."""
    text = text.strip()
    match = _RELATIVE.match(text)
    if text and match and any(match.groups()):
        days, hours, minutes, seconds = (int(g or 0) for g in match.groups())
        try:
            return utc(now) - timedelta(days=days, hours=hours, minutes=minutes, seconds=seconds)
        except OverflowError:
            raise TimeError(f"the time {text!r} is out of range") from None
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00") if text.endswith("Z") else text)
    except ValueError:
        raise TimeError(
            f"cannot read the time {text!r}: give ISO 8601 (2026-11-27T03:12) or a span ago (5m, 90s, 1h30m)"
        ) from None
    try:
        moment = utc(moment)
    except (OverflowError, ValueError, OSError):
        raise TimeError(f"the time {text!r} is out of range") from None
    return moment


def clock_text(span: timedelta) -> str:
    """A span as mm:ss, or h:mm:ss past an hour, or Nd h:mm:ss past a day; never negative."""
    total = max(int(span.total_seconds()), 0)
    days, rest = divmod(total, 86_400)
    hours, rest = divmod(rest, 3600)
    minutes, seconds = divmod(rest, 60)
    if days:
        return f"{days}d {hours}:{minutes:02d}:{seconds:02d}"
    if hours:
        return f"{hours}:{minutes:02d}:{seconds:02d}"
    return f"{minutes:02d}:{seconds:02d}"


def t_plus(moment: datetime, origin: datetime) -> str:
    """T+mm:ss since detection (T-mm:ss for what came before it, such as impact start)."""
    span = moment - origin
    if span < timedelta(0):
        return "T-" + clock_text(-span)
    return "T+" + clock_text(span)


def minutes_text(span: timedelta | None, up: bool = False) -> str:
    """A figure such as `4 min` or `1 h 12 min`; a dash when not known yet. Under a minute in
    seconds (`43 s`). Whole minutes are counted down, or up with `up` (time still to go: 3 min
    1 s to go reads "4 min")."""
    if span is None:
        return "—"
    total = int(round(span.total_seconds()))
    if total < 60:
        return f"{total} s"
    minutes = -(-total // 60) if up else total // 60
    if minutes < 60:
        return f"{minutes} min"
    return f"{minutes // 60} h {minutes % 60} min"


def duration_words(span: timedelta) -> str:
    """A span as a customer reads it: `44 minutes`, `1 hour 12 minutes`, `2 days 3 hours`."""
    minutes = max(int(span.total_seconds()) // 60, 0)
    if minutes < 1:
        return "under a minute"
    days, rest = divmod(minutes, 1440)
    hours, minutes = divmod(rest, 60)
    if days:
        return counted(days, "day") + (f" {counted(hours, 'hour')}" if hours else "")
    if hours:
        return counted(hours, "hour") + (f" {counted(minutes, 'minute')}" if minutes else "")
    return counted(minutes, "minute")


def local_time(moment: datetime) -> str:
    """Time of day in local time, as the on-call's wall clock shows it."""
    return moment.astimezone().strftime("%H:%M:%S")


def local_day(moment: datetime) -> date:
    """The day it is on the on-call's wall calendar (local time): a follow-up due on the 4th is
    overdue from local midnight, not from midnight in Greenwich."""
    return moment.astimezone().date()


def day_words(moment: datetime, now: datetime) -> str:
    """" on Tue 1 Dec" when `moment` is on another local day than `now`, else nothing: a time
    of day alone (a P2's daily update "by 16:42") reads as today's."""
    return "" if local_day(moment) == local_day(now) else f" on {date_words(moment)}"


def date_words(moment: datetime) -> str:
    """Its local day, short: "Tue 1 Dec" (no year, no locale's order)."""
    local = moment.astimezone()
    return f"{local.strftime('%a')} {local.day} {local.strftime('%b')}"


def day_and_time(moment: datetime, now: datetime) -> str:
    """The local time of day, after its day when that is not today's, said as a live screen
    says it: "tomorrow 03:00:00", "yesterday 23:50:00", "Sat 28 Nov 03:00:00". The day comes
    first: it tells more than the seconds do."""
    days = (local_day(moment) - local_day(now)).days
    day = {0: "", 1: "tomorrow ", -1: "yesterday "}.get(days)
    return (f"{date_words(moment)} " if day is None else day) + local_time(moment)


def local_time_on(moment: datetime, now: datetime) -> str:
    """The local time of day, and its day when that is not today's: "16:42:00 on Tue 1 Dec"."""
    return local_time(moment) + day_words(moment, now)


def local_stamp(moment: datetime) -> str:
    return moment.astimezone().strftime("%Y-%m-%d %H:%M:%S %Z")
