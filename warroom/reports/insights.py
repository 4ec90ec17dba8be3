"""`warroom insights` and the console's insights screen: the figures of `domain.insights` as
text (with the trends drawn by plotext), JSON or CSV. Every number says how many incidents it
is over; a period with too few says so instead of drawing a trend."""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta
from typing import Any

from warroom.domain.insights import FIGURES, MIN_FOR_TREND, Insights, Spread
from warroom.domain.text import counted, csv_cell, one_line
from warroom.domain.timefmt import minutes_text

PLOT_HEIGHT = 12


def _span(seconds: float | None) -> str:
    return minutes_text(timedelta(seconds=seconds)) if seconds is not None else "—"


def _share(part: int, whole: int) -> str:
    return f"{round(100 * part / whole)}%" if whole else "—"


def _spread(spread: Spread, what: str = "incidents") -> str:
    if not spread.count:
        return f"no {what} with it"
    return f"median {_span(spread.median)}, p90 {_span(spread.p90)} over {counted(spread.count, what.removesuffix('s'))}"


def text(found: Insights, width: int = 80, colour: bool = False, plots: bool = True) -> str:
    """The report a person reads: the figures, and the trends as plots (`plots`)."""
    what = "drills" if found.drills else "incidents"
    out = [f"warroom insights: {found.since.date()} to {found.until.date()}, by {found.by}",
           f"{found.severity or 'every severity'} · {'drills (practice)' if found.drills else 'real incidents (drills apart)'}",
           f"{counted(found.incidents, what.removesuffix('s'))}, {found.resolved:,} resolved", ""]
    if not found.incidents:
        return "\n".join(out + [f"no {what} in this window: nothing to learn from yet"]) + "\n"
    out.append(f"{what} per {found.by}:")
    for period in found.periods:
        severities = "  ".join(f"{sev} {n}" for sev, n in period.by_severity.items())
        out.append(f"  {period.name:<8} {period.incidents:>4}  {severities}")
    if plots:
        out += ["", _bars([p.name for p in found.periods], [p.incidents for p in found.periods], f"{what} per {found.by}", width, colour)]
    out += ["", "time to (median, 90th percentile):"]
    for name in FIGURES:
        out.append(f"  {name:<9} {_spread(found.figures[name], what)}")
    out += ["", f"time to contain, per {found.by} (median, with at least {MIN_FOR_TREND} {what}):"]
    trend = []
    for period in found.periods:
        spread = period.figures.get("contain")
        if spread is None:
            out.append(f"  {period.name:<8} too few {what} ({period.incidents}) for a median")
        else:
            out.append(f"  {period.name:<8} {_spread(spread, what)}")
            if spread.median is not None:
                trend.append((period.name, spread.median / 60))
    if plots and len(trend) >= 2:
        out += ["", _line(trend, f"median minutes to contain, per {found.by}", width, colour)]
    out += ["", f"deadlines (over the {found.resolved:,} resolved):"]
    for d in found.deadlines:
        late = f", median {_span(d.late_median)} late" if d.late_median is not None else ""
        out += [f"  {one_line(d.kind, 60)} ({d.owed} owed)",
                f"    on time {d.on_time} ({_share(d.on_time, d.owed)}) · late {d.late} ({_share(d.late, d.owed)}{late}) · "
                f"missed {d.missed} ({_share(d.missed, d.owed)})"]
    if not found.deadlines:
        out.append("  none owed")
    out += ["", "levers (which contained, and how fast from declaration):"]
    for lever in found.levers:
        fast = f" (median {_span(lever.to_contain.median)}, p90 {_span(lever.to_contain.p90)})" if lever.contained else ""
        out.append(f"  {lever.number} {one_line(lever.name, 20):<20} contained {lever.contained}{fast} · no effect {lever.no_effect}")
    out += ["", "rules overridden:"]
    for rule in found.overrides:
        out.append(f"  {one_line(rule.rule, 60)}: {rule.count}")
        out += [f"    ×{n:<4} {one_line(reason, 80)}" for reason, n in rule.reasons]
    if not found.overrides:
        out.append("  none")
    f = found.followups
    days = (f"median {f.to_close.median:.1f} days to close over {f.to_close.count}" if f.to_close.median is not None
            else "none closed yet")
    out += ["", f"follow-ups: {f.opened} opened, {f.closed} closed ({days}), {f.open} open, {f.overdue} overdue"]
    if found.drill is not None:
        drill = found.drill
        out += ["", f"drills: {drill.count}, score median {_score(drill.score.median)} (p90 {_score(drill.score.p90)})",
                "score by person:"]
        for person, by_period in drill.by_person.items():
            out.append(f"  {one_line(person, 20):<20} " + ", ".join(
                f"{name} {_score(spread.median)} ({spread.count})" for name, spread in by_period.items()))
    return "\n".join(out) + "\n"


def _score(value: float | None) -> str:
    return "—" if value is None else f"{value:g}"


def _plot(width: int, title: str, colour: bool):
    import plotext as plt  # type: ignore[import-untyped]  # (no types shipped) only here: the first frame and the status line never pay for it

    plt.clear_figure()
    plt.plotsize(max(40, min(width, 120)), PLOT_HEIGHT)
    plt.theme("pro" if colour else "clear")
    plt.title(title)
    return plt


def _bars(labels: list[str], values: list[int], title: str, width: int, colour: bool) -> str:
    """Counts, on a scale of whole numbers (plotext's own ticks said 1.67 incidents)."""
    plt = _plot(width, title, colour)
    plt.bar(labels, values)
    top = max(values, default=0)
    step = max(1, -(-top // 5))  # at most about six ticks
    plt.yticks(list(range(0, top + step, step)))
    return _built(plt, colour)


def _line(points: list[tuple[str, float]], title: str, width: int, colour: bool) -> str:
    plt = _plot(width, title, colour)
    plt.plot(list(range(len(points))), [value for _, value in points], marker="hd")
    plt.xticks(list(range(len(points))), [name for name, _ in points])
    return _built(plt, colour)


def _built(plt, colour: bool) -> str:
    drawn = plt.build()
    return drawn if colour else plt.uncolorize(drawn)


def as_json(found: Insights) -> dict[str, Any]:
    """Everything, in seconds (days for follow-ups' time to close), with every count."""
    import msgspec

    return msgspec.to_builtins(found)


def as_csv(found: Insights) -> str:
    """One row per number: section, period ("" : the whole window), key, measure, value, count."""
    rows: list[tuple] = []

    def spread(section: str, period: str, key: str, s: Spread) -> None:
        rows.extend([(section, period, key, "median", _n(s.median), s.count), (section, period, key, "p90", _n(s.p90), s.count)])

    rows.append(("incidents", "", "", "count", found.incidents, found.incidents))
    for period in found.periods:
        rows.append(("incidents", period.name, "", "count", period.incidents, period.incidents))
        rows.extend(("incidents", period.name, sev, "count", n, n) for sev, n in period.by_severity.items())
        for name, s in period.figures.items():
            spread("time to", period.name, name, s)
    for name, s in found.figures.items():
        spread("time to", "", name, s)
    for d in found.deadlines:
        rows += [("deadlines", "", d.kind, "on time", d.on_time, d.owed), ("deadlines", "", d.kind, "late", d.late, d.owed),
                 ("deadlines", "", d.kind, "missed", d.missed, d.owed), ("deadlines", "", d.kind, "late median", _n(d.late_median), d.late)]
    for lever in found.levers:
        rows += [("levers", "", lever.name, "contained", lever.contained, lever.contained),
                 ("levers", "", lever.name, "no effect", lever.no_effect, lever.no_effect)]
        spread("levers", "", lever.name, lever.to_contain)
    for rule in found.overrides:
        rows.append(("overrides", "", rule.rule, "count", rule.count, rule.count))
        rows.extend(("overrides", "", rule.rule, f"reason: {reason}", n, n) for reason, n in rule.reasons)
    f = found.followups
    rows += [("follow-ups", "", "", "opened", f.opened, f.opened), ("follow-ups", "", "", "closed", f.closed, f.closed),
             ("follow-ups", "", "", "open", f.open, f.open), ("follow-ups", "", "", "overdue", f.overdue, f.overdue)]
    spread("follow-ups", "", "days to close", f.to_close)
    if found.drill is not None:
        spread("drills", "", "score", found.drill.score)
        for person, by_period in found.drill.by_person.items():
            for name, s in by_period.items():
                spread("drills", name, person, s)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(("section", "period", "key", "measure", "value", "count"))
    writer.writerows([csv_cell(v) for v in row] for row in rows)
    return buffer.getvalue()


def _n(value: float | None) -> str | float:
    return "" if value is None else value


def dumps(found: Insights) -> str:
    return json.dumps(as_json(found), ensure_ascii=True, indent=2) + "\n"
