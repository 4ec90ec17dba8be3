"""`warroom insights` on a generated history (issue 28): two years, over 2,000 incidents with their
figures planted (helpers/history.py); the expected medians, shares and counts are computed here
from what was planted, on their own, and the installed command must print exactly them, in
text, JSON and CSV."""

from __future__ import annotations

import csv
import io
import json
import math
import re
from collections import Counter
from datetime import timedelta

import pytest
from helpers import run_cli
from helpers.history import NOW, REASONS, generate, write

from warroom.domain.model import LEVERS


def middle(values: list[float]) -> float | None:
    ordered = sorted(values)
    if not ordered:
        return None
    half = len(ordered) // 2
    return ordered[half] if len(ordered) % 2 else (ordered[half - 1] + ordered[half]) / 2


def rank90(values: list[float]) -> float | None:
    ordered = sorted(values)
    return ordered[math.ceil(0.9 * len(ordered)) - 1] if ordered else None


def quarter(moment) -> str:
    return f"{moment.year}-Q{(moment.month - 1) // 3 + 1}"


@pytest.fixture(scope="module")
def history(tmp_path_factory):
    planted = generate(2050)  # 2,009 real incidents and 41 drills, over two years
    path = tmp_path_factory.mktemp("history") / "history.db"
    write(path, planted)
    return path, [p for p in planted if not p.drill], [p for p in planted if p.drill]


def insights(path, *args: str, fmt: str = "json"):
    done = run_cli("insights", "--since", "2y", "--by", "quarter", "--format", fmt, *args, now=NOW, env={"WARROOM_DB": str(path)})
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout) if fmt == "json" else done.stdout


def test_the_counts_and_times_are_exactly_what_was_planted(history):
    path, real, drills = history
    found = insights(path)
    assert found["incidents"] == len(real) >= 2000 and found["resolved"] == sum(p.resolve is not None for p in real)
    by_quarter = Counter(quarter(p.detected) for p in real)
    assert {p["name"]: p["incidents"] for p in found["periods"] if p["incidents"]} == dict(by_quarter)
    p1_by_quarter = Counter(quarter(p.detected) for p in real if p.severity == "P1")
    assert {p["name"]: p["by_severity"].get("P1", 0) for p in found["periods"] if p["incidents"]} == dict(p1_by_quarter)
    planted = {"detect": [p.detect * 60 for p in real], "contain": [p.contain * 60 for p in real],
               "identify": [p.identify * 60 for p in real], "fix": [p.fix * 60 for p in real],
               "resolve": [p.resolve * 60 for p in real if p.resolve is not None]}
    for name, values in planted.items():
        assert found["figures"][name] == {"count": len(values), "median": middle(values), "p90": rank90(values)}, name
    for period in found["periods"]:
        members = [p.contain * 60 for p in real if quarter(p.detected) == period["name"]]
        if len(members) >= 3:
            assert period["figures"]["contain"] == {"count": len(members), "median": middle(members), "p90": rank90(members)}
        else:
            assert period["figures"] == {}


def test_deadlines_levers_overrides_and_follow_ups_are_what_was_planted(history):
    path, real, _ = history
    found = insights(path)
    owed = [p for p in real if p.severity in ("P0", "P1") and p.resolve is not None]
    notice = next(d for d in found["deadlines"] if d["kind"] == "client notice")
    late = [p.notice_late * 60 for p in owed if p.notice_late]
    assert notice == {"kind": "client notice", "owed": len(owed), "on_time": sum(p.notice_late == 0 for p in owed),
                      "late": len(late), "missed": sum(p.notice_late is None for p in owed), "late_median": middle(late)}
    for lever in found["levers"]:
        mine = [(p.contain - p.declared) * 60 for p in real if p.lever == lever["number"]]
        assert lever["name"] == LEVERS[lever["number"] - 1]
        assert lever["contained"] == len(mine)
        assert lever["to_contain"] == {"count": len(mine), "median": middle(mine), "p90": rank90(mine)}
        assert lever["no_effect"] == sum(lever["number"] in p.no_effect for p in real)
    reasons = Counter(p.reason for p in real if p.reason)
    assert set(reasons) == set(REASONS)
    [overridden] = found["overrides"]
    assert overridden["rule"] == "resolve after the resolution path" and overridden["count"] == sum(reasons.values())
    assert [tuple(r) for r in overridden["reasons"]] == sorted(reasons.items(), key=lambda item: (-item[1], item[0]))
    opened = [p for p in real if p.followup_due]
    closed = [p.close_days for p in opened if p.close_days is not None]
    assert found["followups"] == {
        "opened": len(opened), "closed": len(closed), "open": len(opened) - len(closed),
        "overdue": sum(p.close_days is None and p.followup_due < NOW.date().isoformat() for p in opened),
        "to_close": {"count": len(closed), "median": middle(closed), "p90": rank90(closed)}}


def test_the_text_and_the_csv_say_the_same(history):
    path, real, _ = history
    found = insights(path)
    text = insights(path, fmt="text")
    assert f"{len(real):,} incidents, {found['resolved']:,} resolved" in text
    contain = found["figures"]["contain"]
    shown = lambda seconds: f"{int(seconds // 3600)} h {int(seconds % 3600 // 60)} min" if seconds >= 3600 else f"{int(seconds // 60)} min"  # noqa: E731
    assert f"contain   median {shown(contain['median'])}, p90 {shown(contain['p90'])} over {len(real):,} incidents" in text
    notice = next(d for d in found["deadlines"] if d["kind"] == "client notice")
    assert f"  client notice ({notice['owed']} owed)\n    on time {notice['on_time']} ({round(100 * notice['on_time'] / notice['owed'])}%)" in text
    assert "┤" in text  # the trends drawn as plots (plotext), not hand-drawn bars
    rows = list(csv.DictReader(io.StringIO(insights(path, fmt="csv"))))
    assert {(r["section"], r["key"], r["measure"]): r["value"] for r in rows if r["period"] == ""}[("time to", "contain", "median")] \
        == str(contain["median"])
    cells = {(r["section"], r["period"], r["key"], r["measure"]): (r["value"], r["count"]) for r in rows}
    assert cells[("incidents", "", "", "count")] == (str(len(real)), str(len(real)))
    assert cells[("deadlines", "", "client notice", "on time")] == (str(notice["on_time"]), str(notice["owed"]))
    assert cells[("follow-ups", "", "", "overdue")][0] == str(found["followups"]["overdue"])
    for period in found["periods"]:
        if period["incidents"]:
            assert cells[("incidents", period["name"], "", "count")][0] == str(period["incidents"])


def test_a_severity_a_window_and_the_drills(history):
    path, real, drills = history
    p0 = insights(path, "--severity", "P0")
    assert p0["incidents"] == sum(p.severity == "P0" for p in real)
    recent = insights(path, "--since", "90d")  # (the last --since wins)
    assert recent["incidents"] == sum(p.detected >= NOW - timedelta(days=90) for p in real)
    practice = insights(path, "--drills")
    assert practice["incidents"] == practice["drill"]["count"] == len(drills)
    assert list(practice["drill"]["by_person"]) == ["alice"]
    assert sum(s["count"] for s in practice["drill"]["by_person"]["alice"].values()) == len(drills)


def test_few_incidents_say_so_instead_of_a_trend(db_file):
    write(db_file, [p for p in generate(40) if not p.drill][:2])
    text = run_cli("insights", "--since", "2y", now=NOW, env={"WARROOM_DB": str(db_file)}).stdout
    assert "too few incidents (1) for a median" in text or "too few incidents (2) for a median" in text
    assert "median minutes to contain" not in text  # no trend drawn from fewer than 2 periods' medians
    chart = text.split("incidents per month", 1)[1].split("└", 1)[0]
    ticks = re.findall(r"^\s*([0-9.]+)┤", chart, re.M)
    assert ticks and all(tick.isdigit() for tick in ticks), ticks  # counts on a scale of whole numbers, never "0.67"


@pytest.mark.parametrize("args, says", [
    (["--since", "yesterday"], "--since 'yesterday'"), (["--since", "2027-01-01"], "in the future"),
    (["--by", "week"], "invalid choice"), (["--severity", "P7"], "invalid choice"), (["--format", "xml"], "invalid choice"),
])
def test_bad_input_is_one_line_exit_2(db_file, args, says):
    write(db_file, [generate(1)[0]])
    done = run_cli("insights", *args, now=NOW, env={"WARROOM_DB": str(db_file)})
    assert done.returncode == 2 and says in done.stderr and done.stderr.count("\n") == 1, done.stderr


def test_the_same_figures_on_a_server(backend):
    planted = generate(120)
    write(backend, planted)
    real = [p for p in planted if not p.drill]
    found = run_cli("insights", "--since", "2y", "--format", "json", now=NOW, env={"WARROOM_DB": str(backend)})
    assert found.returncode == 0, found.stderr
    figures = json.loads(found.stdout)
    contain = [p.contain * 60 for p in real]
    assert figures["incidents"] == len(real)
    assert figures["figures"]["contain"] == {"count": len(contain), "median": middle(contain), "p90": rank90(contain)}
