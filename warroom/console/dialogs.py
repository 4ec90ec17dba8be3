"""Small modal questions: a line of text, yes or no, one of a few choices, and the key help."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from textual import events
from textual.app import ComposeResult
from textual.await_complete import AwaitComplete
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Input, Static

from warroom.console.fields import AnsweredByEnter, Field, InTurn, type_again

Answer = TypeVar("Answer")


async def _nothing() -> None:
    return None


class AnsweredOnce:
    """A screen that is answered once. A key pressed twice faster than the screen closes
    reaches it again after it was answered (its keys were already queued): answering again
    would pop the screen below it, the console's own at last, and close the app. So a
    second answer, or one from a screen that is no longer on top, is dropped."""

    _answered = False

    async def _on_message(self, message) -> None:
        """A message that reaches the screen once it is answered or gone from the stack (its
        `on_mount` after a key closed it, say) finds its parts removed: that is the end of it,
        not an error that closes the console."""
        from textual.css.query import NoMatches

        try:
            await super()._on_message(message)  # type: ignore[misc]  # (a mixin: the Screen after it in the MRO has it)
        except NoMatches:
            screen: Screen = self  # type: ignore[assignment]  # (mixed into Screen classes only)
            if not (self._answered or screen not in screen.app.screen_stack):
                raise

    def dismiss(self, result: Any = None) -> AwaitComplete:
        screen: Screen = self  # type: ignore[assignment]  # (mixed into Screen classes only)
        if self._answered or not screen.is_active:
            return AwaitComplete(_nothing())
        self._answered = True
        return Screen.dismiss(screen, result)


class Question(AnsweredOnce, ModalScreen[Answer]):
    """A modal question, answered once. Its toasts are laid out below it (the stylesheet), so
    none covers its keys at 80×24; the screens under it hide theirs meanwhile, or a toast up
    when it opened would show through its backdrop beside its own copy of it (each screen has
    its rack; the one on top is refreshed, and the ones under get theirs back as they resume).
    In a pane under 22 rows it is -low: a text it quotes is shorter (the stylesheet); at 80×24
    a notice of nine rows, a toast under it, still fits whole."""

    VERTICAL_BREAKPOINTS = [(0, "-low"), (22, "-tall")]

    def on_screen_resume(self) -> None:
        from textual.css.query import NoMatches

        for screen in self.app.screen_stack[:-1]:
            try:
                screen.get_child_by_id("textual-toastrack").display = False
            except NoMatches:
                pass


class HandedTypeAhead:
    """A question that takes the keys typed after the key that asked it, before it opened (a
    paste, a fast typist over SSH): the app hands them in (`typed_ahead`), and the question
    types them again once it can take them. A question answered by one key (y or n, a choice)
    is not one: a key meant for another question must not answer it."""

    typed_ahead: tuple[events.Key, ...] = ()


class TakesTypeAhead(HandedTypeAhead, AnsweredByEnter):
    """A question answered in text fields (`Field`: Enter answers). A key that reaches it before
    a field has the focus (typed as the question opened: an e2e run lost a root cause's Enter
    that way) belongs to the first field: Enter answers with what the fields hold, a character
    goes into the field. A key that reaches it after the answer is handed on."""

    def first_field(self) -> Input:
        raise NotImplementedError

    def on_mount(self) -> None:
        """The keys typed ahead of the question, in the order typed: into its field (Enter answers)."""
        screen: Screen = self  # type: ignore[assignment]  # (mixed into Screen classes only)
        type_again(screen.app, self.typed_ahead)

    def on_key(self, event: events.Key) -> None:
        screen: Screen = self  # type: ignore[assignment]  # (mixed into Screen classes only)
        if self.answering:
            self.pass_on(event)
        elif isinstance(screen.focused, Input):
            return
        elif event.key == "enter":
            event.stop()
            self.answer()
        elif event.is_printable and event.character:
            event.stop()
            field = self.first_field()
            if field.select_on_focus:  # as in a focused field whose text is selected, the key replaces it,
                field.value = ""
                field.select_on_focus = False  # and the focus coming now selects nothing it would then replace
            field.focus()
            field.insert_text_at_cursor(event.character)


OTHER = "\x00other"  # what Ask answers for Tab when it offers another choice (no typed text holds a NUL)


class Ask(TakesTypeAhead, Question[str | None]):
    """Asks for one line of text. Enter answers, Escape cancels (None). With `other`, Tab
    answers OTHER: the question offers something else instead (another notification, say)."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", tooltip="Close without doing anything"),
        Binding("tab", "other", "Other", show=False, priority=True),
    ]

    def __init__(self, question: str, placeholder: str = "", value: str = "", hint: str = "", other: bool = False,
                 then: Callable[[str], Awaitable[object]] | None = None, mend: bool = False) -> None:
        """`then`: what the answer is for (a commit), done before the question closes, so the
        screen it uncovers already shows it: one frame, not a frame for the question closing
        and another for the commit (a note's Enter was 2.1x a bare app's; issue 26).
        `mend`: the value is the person's own answer, asked again to be mended: the cursor
        waits at its end (a prefilled default is selected instead, for typing over)."""
        super().__init__()
        self.question, self.placeholder, self.value, self.hint, self.other = question, placeholder, value, hint, other
        self.mend = mend
        self.then = then  # while it is done, the keys typed are held (`hold_keys`): Escape cancels nothing

    LONG = 50  # a prefilled answer longer than this is shown whole above the field, read from its start

    def compose(self) -> ComposeResult:
        from warroom.domain.text import safe

        long = len(self.value) > self.LONG
        with Vertical(classes="dialog"):
            yield Static(self.question, markup=False, classes="question")
            if long:
                yield Static(safe(self.value), markup=False, classes="quoted", id="prefill")
            yield Field(value=self.value, placeholder=self.placeholder, id="answer", select_on_focus=not (long or self.mend))
            yield Static(self.hint or "Enter to save · Esc to cancel", markup=False, classes="hint")

    def on_mount(self) -> None:
        field = self.query_one("#answer", Input)
        field.focus()  # now, not when the screen resumes: a key typed as the question shows is the field's
        if len(self.value) > self.LONG:
            field.cursor_position = 0  # the field shows its start, not its end

    def first_field(self) -> Input:
        return self.query_one("#answer", Input)

    def answer(self) -> None:
        then = self.then
        if then is None:
            self.dismiss(self.first_field().value)
        elif not self.answering:
            self.hold_keys()
            self.app.run_worker(self._do_then(then, self.first_field().value), group="answer", exit_on_error=False)

    async def _do_then(self, then: Callable[[str], Awaitable[object]], text: str) -> None:
        """The answer's `then`, on the app (closing the question does not cancel it), then the
        question closes with the answer."""
        try:
            await then(text)
        finally:
            self.dismiss(text)
            self.hand_on_keys()

    def action_cancel(self) -> None:
        if not self.answering:  # (what is being done is done: the question closes when it is)
            self.dismiss(None)

    def action_other(self) -> None:
        if self.other and not self.answering:
            self.dismiss(OTHER)


class Confirm(Question[bool]):
    """Asks yes or no, with the whole `text` it is about when there is one (it scrolls).
    Enter or y says yes; Escape or n says no."""

    BINDINGS = [
        Binding("enter,y", "answer(True)", "Yes", tooltip="Go ahead"),
        Binding("escape,n", "answer(False)", "No", tooltip="Do nothing"),
        Binding("down", "scroll_text(1)", "Scroll the text down", show=False),
        Binding("up", "scroll_text(-1)", "Scroll the text up", show=False),
    ]

    def __init__(self, question: str, yes: str = "Enter/y: yes", no: str = "Esc/n: no", text: str = "") -> None:
        super().__init__()
        self.question, self.yes, self.no, self.text = question, yes, no, text

    def compose(self) -> ComposeResult:
        from warroom.domain.text import safe

        with Vertical(classes="dialog"):
            yield Static(self.question, markup=False, classes="question")
            if self.text:
                with VerticalScroll(classes="quoted", can_focus=False):
                    yield Static(safe(self.text), markup=False, id="quoted")
            yield Static(f"{self.yes}    {self.no}", markup=False, classes="hint")

    def action_answer(self, answer: bool) -> None:
        self.dismiss(answer)

    def action_scroll_text(self, rows: int) -> None:
        """↓ ↑: the text quoted, when it is longer than its box (a short pane)."""
        for quoted in self.query(".quoted"):
            quoted.scroll_relative(y=rows, animate=False)


def key_and_words(key: str, words: str) -> Horizontal:
    """A choice's or a key's row: the key, and its words beside it (words too long for the line
    go on under themselves, not under the key, where they read as another choice)."""
    return Horizontal(Static(key, markup=False, classes="key"), Static(words, markup=False, classes="label"), classes="choice")


class Choose(Question[str | None]):
    """One of a few choices, each on its own key. Escape cancels."""

    def __init__(self, question: str, choices: list[tuple[str, str, str]], hint: str = "Esc to cancel") -> None:
        """`choices` are (key, label, value)."""
        super().__init__()
        self.question, self.choices, self.hint = question, choices, hint

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(self.question, markup=False, classes="question")
            for key, label, _ in self.choices:
                yield key_and_words(key, label)
            yield Static(self.hint, markup=False, classes="hint")

    def on_key(self, event) -> None:
        event.stop()
        if event.key == "escape":
            self.dismiss(None)
            return
        for key, _, value in self.choices:
            if event.key == key:
                self.dismiss(value)
                return


class Form(TakesTypeAhead, InTurn, Question[dict[str, str] | None]):
    """A few lines of text at once, one field each: Tab moves between them, Enter in any field
    answers with all of them (when the first holds text), Escape cancels (None)."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", tooltip="Close without doing anything"),
        *InTurn.TAB_KEYS,
    ]

    def __init__(self, question: str, fields: list[tuple[str, str, str, str]], hint: str = "", optional: bool = False,
                 start_in: str = "") -> None:
        """`fields` are (name, label, value, placeholder); the first is the one that must be
        filled, unless every field is `optional`. `start_in`: the field the cursor starts in (at
        the end of its text), if not the first."""
        super().__init__()
        self.question, self.fields, self.hint, self.optional, self.start_in = question, fields, hint, optional, start_in

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(self.question, markup=False, classes="question")
            for name, label, value, placeholder in self.fields:
                yield Static(label, markup=False, classes="label")
                yield Field(value=value, placeholder=placeholder, id=f"field-{name}", select_on_focus=name != self.start_in)
            yield Static(self.hint or "Enter to save · Tab: next field · Esc to cancel", markup=False, classes="hint")

    def on_mount(self) -> None:
        if not self.start_in:
            self.first_field().focus()
            return
        field = self.query_one(f"#field-{self.start_in}", Input)
        field.focus()
        field.cursor_position = len(field.value)

    def first_field(self) -> Input:
        return self.query_one(f"#field-{self.fields[0][0]}", Input)

    def answer(self) -> None:
        answers = {name: self.query_one(f"#field-{name}", Input).value for name, *_ in self.fields}
        if not self.optional and not answers[self.fields[0][0]].strip():
            self.first_field().focus()
            return
        self.dismiss(answers)

    def action_cancel(self) -> None:
        self.dismiss(None)


class Titled(Question[Answer]):
    """A question about a text, under a title."""

    def __init__(self, title: str, text: str) -> None:
        super().__init__()
        self.title_text, self.text = title, text


class Row(Titled[None]):
    """One row of the timeline, whole and wrapped (the pane cuts a long one with …)."""

    BINDINGS = [Binding("escape,enter,q", "close", "Close", tooltip="Back to the console")]

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(self.title_text, markup=False, classes="question")
            with VerticalScroll(classes="quoted"):
                yield Static(self.text, markup=False, id="row")
            yield Static("Esc or Enter to close", markup=False, classes="hint")

    def action_close(self) -> None:
        self.dismiss(None)


class Help(Question[None]):
    """Every key of the console. It scrolls (arrows, PageUp/PageDown, Home/End, the mouse) so
    all of it can be read at 80×24."""

    BINDINGS = [Binding("escape,question_mark,q", "close", "Close", tooltip="Back to the console")]

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text

    ROW = re.compile(r" {1,4}(\S{1,5}) {2,}(\S.*)")  # "  c    Wear the commander hat…", " −10  levers in order: …"

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog help"):
            with VerticalScroll(id="keys"):
                for line in self.text.split("\n"):
                    row = self.ROW.fullmatch(line)
                    yield key_and_words(row[1], row[2]) if row else Static(line or " ", markup=False)
            yield Static("↑↓ PgUp PgDn Home End scroll · Esc or ? to close", markup=False, classes="hint")

    def on_mount(self) -> None:
        self.query_one("#keys").focus()

    def action_close(self) -> None:
        self.dismiss(None)


class TextPanel(Titled[str | None]):
    """A message in a text area: shown whole to copy by hand, or to edit before copying."""

    EDITABLE, HINT = False, ""

    def compose(self) -> ComposeResult:
        from textual.widgets import TextArea

        with Vertical(classes="dialog"):
            yield Static(self.title_text, markup=False, classes="question")
            yield TextArea(self.text, read_only=not self.EDITABLE, soft_wrap=True, id="text")
            yield Static(self.HINT, markup=False, classes="hint")

    def on_mount(self) -> None:
        from textual.widgets import TextArea

        area = self.query_one("#text", TextArea)
        area.focus()
        if not self.EDITABLE:
            area.select_all()

    def action_cancel(self) -> None:
        self.dismiss(None)


class ShowText(TextPanel):
    """Text to copy by hand when no clipboard could take it: shown whole, selected, read-only."""

    HINT = "Select with the mouse (shift-drag in tmux) and copy · Esc to close"
    BINDINGS = [Binding("escape", "cancel", "Close", tooltip="Close the panel")]


class EditText(TextPanel):
    """A message to edit before it is copied. ctrl+g accepts; Escape cancels (None)."""

    EDITABLE, HINT = True, "ctrl+g: copy this text and record it · Esc: cancel"
    BINDINGS = [
        Binding("ctrl+g", "accept", "Copy this text", tooltip="Copy the edited text and record it", priority=True),
        Binding("escape", "cancel", "Cancel", tooltip="Close without copying", priority=True),
    ]

    def action_accept(self) -> None:
        from textual.widgets import TextArea

        self.dismiss(self.query_one("#text", TextArea).text)


class PickIncident(HandedTypeAhead, Question[str | None]):
    """Any incident in the database: type to filter by code, title or service; ↑↓ move; Enter
    opens the one highlighted (the first, if none is); Esc cancels. Open incidents come first.
    Each text typed is one query on the summaries: the list never holds the whole database.
    Enter while the list is not yet the one for the text typed (a paste, keys typed ahead of
    the picker, a server a few milliseconds away) opens what that text finds, once found."""

    SHOWN = 25  # rows listed at once (more than a screen holds); the filter finds the others
    BINDINGS = [
        Binding("escape", "cancel", "Cancel", tooltip="Back to the incident you were working"),
        Binding("down", "move(1)", "Down", show=False),
        Binding("up", "move(-1)", "Up", show=False),
    ]

    def __init__(self, search, line) -> None:
        """`search(text, limit)` gives (the incidents to list, in order; how many match in all);
        `line(summary)` is the line shown for one."""
        from warroom.console.options import Options

        super().__init__()
        self.search, self.line = search, line
        self.total: int | None = None  # incidents in the database
        # its parts are made here and held, not queried: with keys coming fast (p p ↓ 1), a key
        # and the screen's on_mount reached it before its parts were mounted, and closed the console
        self._count = Static("Work which incident?", markup=False, classes="question", id="count")
        self._filter = Input(placeholder="type to filter: code, title or service", id="filter")
        self._found = Options(id="found")

    TINY = 20  # rows: fewer, and the dialog drops its padding and margins, so its list keeps some

    def compose(self) -> ComposeResult:

        with Vertical(classes="dialog picker" + (" tiny" if self.app.size.height < self.TINY else "")):
            yield self._count
            yield self._filter
            yield self._found
            yield Static("↑↓ choose · Enter opens · Esc cancels", markup=False, classes="hint")

    def on_resize(self, event: events.Resize) -> None:
        """At 80×14 the padded dialog left its list no row at all: no incident was shown."""
        self.query_one(".dialog").set_class(event.size.height < self.TINY, "tiny")

    _listed_for: str | None = None  # the text the list on screen was found for
    _open_when_listed = False  # Enter came before the list for the text typed

    async def on_mount(self) -> None:
        self._filter.focus()
        await self._show("")
        type_again(self.app, self.typed_ahead)  # into the filter; an Enter among them waits for its list

    async def _show(self, text: str) -> None:
        from textual.content import Content
        from textual.widgets.option_list import Option

        found, count = await self.search(text, self.SHOWN)
        if self._filter.value != text:
            return  # typed on meanwhile: that text's list comes next
        if self.total is None:
            self.total = count
        matching = f"{count:,} of {self.total:,} match" if text.strip() else f"{self.total:,} in this database"
        self._count.update(f"Work which incident? ({matching})")
        listed = self._found
        listed.clear_options()
        listed.add_options([Option(Content(self.line(s)), id=s.code) for s in found])  # Content: never markup
        if found:
            listed.highlighted = 0
        self._listed_for = text
        if self._open_when_listed:
            self._open_when_listed = False
            self._open_highlighted()

    _searching = False

    def on_input_changed(self, event: Input.Changed) -> None:
        if self.total is not None and not self._searching:
            self._searching = True
            self.run_worker(self._follow_filter(), group="find", exit_on_error=False)

    async def _follow_filter(self) -> None:
        """One search at a time, for the text as it is when the last one ends (keys typed
        meanwhile are not each searched)."""
        try:
            while True:
                text = self._filter.value
                await self._show(text)
                if self._filter.value == text:
                    return
        finally:
            self._searching = False

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if self._listed_for != self._filter.value:  # its search is still out: open what it finds
            self._open_when_listed = True
            return
        self._open_highlighted()

    def _open_highlighted(self) -> None:
        listed = self._found
        if listed.option_count:
            self.dismiss(listed.get_option_at_index(listed.highlighted or 0).id)

    def on_option_list_option_selected(self, event) -> None:
        self.dismiss(event.option.id)

    def action_move(self, step: int) -> None:

        listed = self._found
        if listed.option_count:
            listed.highlighted = max(0, min(listed.option_count - 1, (listed.highlighted or 0) + step))

    def action_cancel(self) -> None:
        self.dismiss(None)
