"""The insights screen (issue 28): what `warroom insights` says, in the console, from the start
screen (ctrl+t) and the command palette. Drawn from the incidents' summaries off the key's
path; 1, 2 and 3 choose the window; Esc closes it."""

from __future__ import annotations

from datetime import timedelta
from typing import Any, cast

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Static

from warroom.console.dialogs import Question

WINDOWS = {"1": (timedelta(days=90), "month", "90 days by month"), "2": (timedelta(days=365), "quarter", "a year by quarter"),
           "3": (timedelta(days=730), "quarter", "two years by quarter")}


class InsightsScreen(Question[None]):
    BINDINGS = [
        Binding("escape,q", "close", "Close", tooltip="Back"),
        Binding("1", "window('1')", "90 days", tooltip="The last 90 days, by month"),
        Binding("2", "window('2')", "A year", tooltip="The last year, by quarter"),
        Binding("3", "window('3')", "Two years", tooltip="The last two years, by quarter"),
    ]

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog help insights"):
            with VerticalScroll(id="keys"):
                yield Static("reading the incidents' summaries…", markup=False, id="report")
            yield Static("1: 90 days · 2: a year · 3: two years · ↑↓ PgUp PgDn scroll · Esc to close", markup=False, classes="hint")

    def on_mount(self) -> None:
        self.query_one("#keys").focus()
        self.action_window("1")

    def action_window(self, key: str) -> None:
        self.run_worker(self._draw(*WINDOWS[key]), group="insights", exclusive=True, exit_on_error=False)

    async def _draw(self, back: timedelta, by: str, words: str) -> None:
        from warroom.domain.insights import insights
        from warroom.reports.insights import text

        app = cast(Any, self.app)
        now = app.now()
        states = await app.history(now - back)
        found = insights(states, now, now - back, by=by, policy=app.book.policy)
        width = max(40, self.query_one("#keys").size.width - 2)
        self.query_one("#report", Static).update(f"({words})\n" + text(found, width=width, colour=False))

    def action_close(self) -> None:
        self.dismiss(None)
