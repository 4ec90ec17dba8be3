"""Textual's terminal driver, with an input thread that sleeps until there is something to read,
and frames written where they are made.

Textual's own thread wakes ten times a second to look for keys and for the end of a lone
Escape; on this kind of machine each wake costs about a millisecond, a full 1 % of a core
for a console that sits open all incident. This one waits without a timeout, except while a
half-read escape sequence needs one, and is woken by a pipe when input stops.

Textual hands each write to a thread of its own, which wakes to write it: one more wake a
second for the ticking countdown, a seventh of an idle console's (issue 26). A frame is a
few hundred bytes to a terminal that reads them at once; written here, in order, each write
flushed. (A terminal that stops reading stalls the console either way: Textual's thread
holds at most 30 writes before the loop waits on it.) Everything else is Textual's (pinned
exactly in pyproject.toml: this reads the parser's `_timeout_time`)."""

from __future__ import annotations

import os
import selectors
import threading
from codecs import getincrementaldecoder

from textual._time import get_time
from textual._xterm_parser import XTermParser
from textual.drivers.linux_driver import LinuxDriver


class _WakingEvent(threading.Event):
    """The driver's exit event: setting it also wakes the input thread from its wait."""

    def __init__(self, wake: int) -> None:
        super().__init__()
        self._wake = wake

    def set(self) -> None:
        super().set()
        try:
            os.write(self._wake, b".")
        except OSError:  # the pipe is closed: the thread is gone already
            pass


class QuietDriver(LinuxDriver):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._woken, wake = os.pipe()
        self._wake = wake
        self.exit_event: _WakingEvent = _WakingEvent(wake)

    def write(self, data: str) -> None:
        """Write to the terminal now, not through Textual's writer thread (see the module)."""
        terminal = self._file
        assert terminal is not None  # (sys.__stderr__: Textual's driver writes there too)
        try:
            terminal.write(data)
            terminal.flush()
        except (OSError, ValueError):  # the terminal is gone (a hang-up, a closed pane): nothing to draw on,
            pass  # and the hang-up ends the console; a lost frame is not a crash (Textual's writer thread died on it)

    def run_input_thread(self) -> None:
        """Textual's loop (linux_driver.py, `run_input_thread`), waiting for as long as nothing
        is due instead of 0.1 s at a time."""
        selector = selectors.SelectSelector()
        selector.register(self.fileno, selectors.EVENT_READ)
        selector.register(self._woken, selectors.EVENT_READ)
        parser = XTermParser(self._debug)
        decode = getincrementaldecoder("utf-8")().decode

        def process(events: list[tuple[selectors.SelectorKey, int]], final: bool = False) -> None:
            for key, mask in events:
                if key.fd == self._woken:
                    os.read(self._woken, 64)
                elif mask & selectors.EVENT_READ:
                    text = decode(os.read(self.fileno, 1024 * 4), final=final)
                    if not text:  # stdin is a pipe at its end
                        break
                    for event in parser.feed(text):
                        self.process_message(event)
            for event in parser.tick():
                self.process_message(event)

        def timeout() -> float | None:
            if not hasattr(parser, "_timeout_time"):  # another Textual: wake as it does
                return 0.1
            due = parser._timeout_time  # a lone Escape, say, becomes a key when this passes
            return None if due is None else max(0.0, due - get_time())

        try:
            while not self.exit_event.is_set():
                process(selector.select(timeout()))
            selector.unregister(self.fileno)
            process(selector.select(0), final=True)
        finally:
            selector.close()
            try:
                for _ in parser.feed(""):
                    pass
            except Exception:  # (Textual ignores its parser's end-of-file and parse errors here too)
                pass

    def close(self) -> None:
        super().close()
        self.exit_event._wake = -1  # a number the system may give another file: never written again
        for fd in (self._woken, self._wake):
            try:
                os.close(fd)
            except OSError:
                pass
