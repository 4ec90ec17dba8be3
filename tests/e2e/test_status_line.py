"""`warroom status [--tmux]`: one line for a status bar, through the installed command."""

from __future__ import annotations

from helpers import at, run_cli

P1_FIRST = "notify engineering manager + PM"


def declare(severity: str = "P1") -> None:
    done = run_cli("declare", "Login fails with 401", "--severity", severity, now=at(0))
    assert done.returncode == 0, done.stderr


def test_plain_status_counts_down_then_up():
    declare()
    assert run_cli("status", now=at(3)).stdout == f"INC-1 P1 T+03:00 · {P1_FIRST} in 12:00\n"
    assert run_cli("status", now=at(16)).stdout == f"INC-1 P1 T+16:00 · OVERDUE {P1_FIRST} +01:00\n"


def test_tmux_open_deadline_far_away_has_no_warning_colour():
    declare()
    line = run_cli("status", "--tmux", now=at(3)).stdout
    assert line == f"INC-1 P1 T+03:00 #[fg=default]{P1_FIRST} in 12:00#[default]\n"


def test_tmux_near_deadline_is_yellow_and_marked():
    declare()
    line = run_cli("status", "--tmux", now=at(11)).stdout  # 4 minutes left: near
    assert line == f"INC-1 P1 T+11:00 #[fg=black,bg=yellow]⚠ {P1_FIRST} in 04:00#[default]\n"


def test_tmux_overdue_deadline_is_red_and_counts_up():
    declare()
    line = run_cli("status", "--tmux", now=at(16)).stdout
    assert line == f"INC-1 P1 T+16:00 #[fg=white,bg=red,bold]⚠ OVERDUE {P1_FIRST} +01:00#[default]\n"


def test_tmux_with_no_open_incident_prints_nothing_and_exits_0(db_file):
    missing = run_cli("status", "--tmux")  # a typo in WARROOM_DB shows in the bar, not as all quiet
    assert (missing.returncode, missing.stdout) == (2, "#[fg=black,bg=yellow]⚠ warroom: no database#[default]\n")
    assert str(db_file) in missing.stderr
    assert not db_file.exists()  # reading never creates a database
    assert run_cli("demo", "--no-console").returncode == 0  # the replay is resolved
    resolved = run_cli("status", "--tmux")
    assert (resolved.returncode, resolved.stdout) == (0, "")
    assert run_cli("status").stdout == "no open incident\n"


def test_plain_status_with_no_incident_says_so(db_file):
    assert run_cli("demo", "--no-console").returncode == 0
    assert run_cli("status").stdout == "no open incident\n"
    missing = run_cli("status", env={"WARROOM_DB": str(db_file) + "x"})
    assert missing.returncode == 2 and f"{db_file}x: no database here" in missing.stderr


def test_no_color_drops_the_tmux_colour_codes_but_keeps_the_words():
    declare()
    line = run_cli("status", "--tmux", now=at(16), env={"NO_COLOR": "1"}).stdout
    assert line == f"INC-1 P1 T+16:00 ⚠ OVERDUE {P1_FIRST} +01:00\n"
    # no-color.org: only a non-empty NO_COLOR turns colour off
    assert "#[fg=black,bg=yellow]" in run_cli("status", "--tmux", now=at(11), env={"NO_COLOR": ""}).stdout


def test_p3_without_a_clock_shows_no_countdown():
    declare("P3")
    line = run_cli("status", "--tmux", now=at(3)).stdout
    assert line == "INC-1 P3 T+03:00 #[fg=default]no deadline open#[default]\n"
