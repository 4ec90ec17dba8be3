"""The console's terminal driver: a frame is written to the terminal where it is made, in
order, with no writer thread to wake (issue 26: one wake a second less for an idle console)."""

import io

from textual.app import App

from warroom.console.driver import QuietDriver


class _Flushes(io.StringIO):
    def __init__(self) -> None:
        super().__init__()
        self.flushed: list[str] = []

    def flush(self) -> None:
        self.flushed.append(self.getvalue())


async def test_a_write_reaches_the_terminal_at_once_in_order_with_no_writer_thread():
    driver = QuietDriver(App(), size=(80, 24))
    try:
        terminal = _Flushes()
        driver._file = terminal
        assert driver._writer_thread is None  # (never started here: Textual's write would refuse)
        driver.write("\x1b[?2026h")
        driver.write("frame ✔ 🔥")
        assert terminal.getvalue() == "\x1b[?2026hframe ✔ 🔥"
        assert terminal.flushed == ["\x1b[?2026h", "\x1b[?2026hframe ✔ 🔥"]  # each write flushed as it came
    finally:
        driver.close()


class _Gone(io.StringIO):
    def write(self, text: str) -> int:
        raise BrokenPipeError(32, "Broken pipe")


async def test_a_terminal_gone_loses_the_frame_not_the_console():
    driver = QuietDriver(App(), size=(80, 24))
    try:
        driver._file = _Gone()
        driver.write("frame")  # no exception: a hang-up ends the console, a lost frame does not
        closed = io.StringIO()
        closed.close()
        driver._file = closed
        driver.write("frame")
    finally:
        driver.close()
