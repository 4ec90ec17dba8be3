"""Text fields whose Enter answers their screen, in the order the keys were typed.

A field's Enter was the field's binding: it is acted on once the key has bubbled up to the
app, and by then the field has typed the keys that came after it. So an Enter and a "t" typed
at once recorded a root cause as "t", and two Enters on the start screen declared two
incidents with a "1" in the impact. Here the field itself answers at the Enter, with what it
holds then, and a key it is given after that is not its own: it is handed on, to the screen
the answer uncovers (held while the answer is being done, with the question still up).

Its other keys that are bindings (ctrl+u, backspace, the arrows, ctrl+w…) had the same delay:
"ctrl+u, then a title" pasted in one go lost the title's first letters, cleared by the ctrl+u
that arrived after them. The field does those at the key too, in the order they came.

Each field takes its keys in its own queue, so a Tab moving the focus on leaves the keys
typed before it still to be typed in the field it left: with a long impact and a short
"4m" typed at once, the Enter in "4m" declared while the impact was still being typed, and the
rest of the impact went to the console as keys. A Tab waits for the field it leaves
(`InTurn`)."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable

from textual import events
from textual.app import App
from textual.binding import Binding
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Input


def type_again(app: App, keys: Iterable[events.Key]) -> None:
    """Keys handed on, in order, as if typed now: each goes where the focus is when it comes.
    Each is sent by the app, as the terminal's keys are: a key made in a question's handler had
    that question as its sender, and Textual stops a key's bubbling at its sender, so it never
    came back to the app, where bindings are looked up (an Esc typed ahead of a question never
    closed it; an Enter typed ahead of the picker never reached its filter's binding)."""
    for key in keys:
        app.post_message(events.Key(key.key, key.character).set_sender(app))


async def typed_out(widget: Widget, at_most: float = 1.0) -> None:
    """Wait until `widget` has taken every key sent to it so far (its queue is first in, first
    out: a callback posted now runs after them); bounded, so a field gone or stuck never holds
    the keyboard."""
    done = asyncio.Event()
    if widget.call_later(done.set):
        try:
            await asyncio.wait_for(done.wait(), at_most)
        except TimeoutError:
            pass


class InTurn:
    """A screen of fields where Tab and shift+Tab move the focus once the field left has typed
    what was typed into it (bound with priority: the keys after the Tab go to the next field).
    The app waits for the action before it hands on the next key, so keys stay in turn.
    Its screens list `TAB_KEYS` in their BINDINGS (Textual takes bindings from widget classes
    only, not from a mixin)."""

    # priority: the focus moves as the Tab is taken, so keys typed ahead of it (a paste, a fast
    # typist) land in the next field, never in the one before
    TAB_KEYS = (
        Binding("tab", "next_field", "Next field", show=False, priority=True),
        Binding("shift+tab", "previous_field", "Previous field", show=False, priority=True),
    )

    async def action_next_field(self) -> None:
        await self._move(forward=True)

    async def action_previous_field(self) -> None:
        await self._move(forward=False)

    async def _move(self, forward: bool) -> None:
        screen: Screen = self  # type: ignore[assignment]  # (mixed into Screen classes only)
        if screen.focused is not None:
            await typed_out(screen.focused)
        if forward:
            screen.focus_next()
        else:
            screen.focus_previous()


class AnsweredByEnter:
    """A screen answered by Enter in one of its fields (`Field`)."""

    _answered = False  # (AnsweredOnce sets it when the screen is dismissed)
    _held: list[events.Key] | None = None  # the keys typed while the answer is being done

    def answer(self) -> None:
        raise NotImplementedError

    @property
    def answering(self) -> bool:
        """Answered, or the answer is being done: a key typed now is for what comes next."""
        return self._answered or self._held is not None

    def hold_keys(self) -> None:
        """The answer is being done with the screen still up (a commit): hold what is typed."""
        self._held = []

    def hand_on_keys(self) -> None:
        """The answer is done: the keys held go to the app, as if typed now."""
        held, self._held = self._held or [], None
        for key in held:
            self._hand_on(key)

    def pass_on(self, event: events.Key) -> None:
        """A key that reached the screen or a field after the answer: not theirs."""
        event.stop()
        event.prevent_default()
        if self._held is not None:
            self._held.append(event)
        else:
            self._hand_on(event)

    def _hand_on(self, key: events.Key) -> None:
        screen: Screen = self  # type: ignore[assignment]  # (mixed into Screen classes only)
        type_again(screen.app, [key])


class Field(Input):
    """A text field whose Enter answers its screen at once (see the module)."""

    async def _on_key(self, event: events.Key) -> None:
        screen = self.screen
        if isinstance(screen, AnsweredByEnter):
            if screen.answering:
                screen.pass_on(event)
                return
            if event.key == "enter":
                event.stop()
                event.prevent_default()
                screen.answer()
                return
        if not event.is_printable and await self._bound(event.key):
            event.stop()
            event.prevent_default()
            return
        await super()._on_key(event)

    async def _bound(self, key: str) -> bool:
        """Do the field's own binding for `key` now, as the app would once the key had bubbled up
        to it (its keymap and `check_action` count); False when the field binds no such key."""
        for binding in self._bindings.key_to_bindings.get(key, ()):
            if not binding.priority and await self.app.run_action(binding.action, self):
                return True
        return False
