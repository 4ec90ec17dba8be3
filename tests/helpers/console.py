"""Driving a console through Textual's pilot: let it settle, wait for a condition, press keys,
and read what it really binds and what the database holds."""

from __future__ import annotations

import json

from helpers import db_rows


def kinds(path):
    return [kind for _, kind, _ in db_rows(path)]


def last_payload(path):
    return json.loads(db_rows(path)[-1][2])


LIFELONG = ("listen", "deliver")  # workers that run as long as the console: waiting for news, sending webhooks


async def settle(pilot):
    """Let the console finish what it was doing: until no flow runs or one waits on a question."""
    app = pilot.app
    opened = getattr(app, "_store_ready", None)  # the store opens behind the first frame: its worker may not have started yet
    for _ in range(200):
        await pilot.pause(0.005)
        busy = [w for w in app.workers if not w.is_finished and w.group not in LIFELONG]
        if (opened is None or opened.is_set() or not app.is_running) and (not busy or len(app.screen_stack) > 1):
            break
    await pilot.pause()


async def until(pilot, condition, what: str = "the condition", seconds: float = 10.0) -> None:
    """A bounded wait for the console to reach a state (a loaded machine can be slow), not a timer."""
    for _ in range(int(seconds / 0.02)):
        if condition():
            return
        await pilot.pause(0.02)
    raise AssertionError(f"{what} did not happen within {seconds} s")


async def act(pilot, *keys: str):
    """Press keys as the person would: each one once the console has finished with the last."""
    for key in keys:
        await pilot.press(key)
        await settle(pilot)


# the character a terminal sends for a named key (None: a sequence, no character)
CHARACTER = {"question_mark": "?", "enter": "\r", "escape": "\x1b", "tab": "\t", "space": " ", "up": None,
             "down": None, "backspace": "\x7f"}


def together(app, *keys: str) -> None:
    """Keys arriving together, as one read of the terminal brings them (a key pressed twice, a
    paste, tmux send-keys): all posted at once, none waiting for the console to finish the last."""
    from textual import events

    for name in keys:
        app.post_message(events.Key(name, CHARACTER.get(name, name if len(name) == 1 else None)))


def screen_bindings(app) -> list:
    """Every key the console screen really answers (its active bindings, read off the running
    app), less Textual's own for every screen (Tab, copy)."""
    from textual.screen import Screen

    textual_own = {b.action for b in Screen.BINDINGS}
    return [active.binding for active in app.main_screen.active_bindings.values()
            if active.node is app.main_screen and active.binding.action not in textual_own]


