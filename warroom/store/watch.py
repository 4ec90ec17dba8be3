"""Being told when a database file changes, instead of asking twice a second.

Linux's inotify, through the C library (ctypes, no package): one descriptor that becomes
readable when a file in the database's folder is written, created, removed or renamed. Where
there is no inotify (another system, a folder it cannot watch) `FileWatch.open` gives None and
the console keeps asking on a timer."""

from __future__ import annotations

import asyncio
import ctypes
import ctypes.util
import os
import struct
from pathlib import Path

_MODIFY, _CLOSE_WRITE, _MOVED_FROM, _MOVED_TO, _CREATE, _DELETE = 0x2, 0x8, 0x40, 0x80, 0x100, 0x200
_DELETE_SELF, _MOVE_SELF, _OVERFLOW = 0x400, 0x800, 0x4000  # (an overflow may have lost one of ours)
_WATCHED = _MODIFY | _CLOSE_WRITE | _MOVED_FROM | _MOVED_TO | _CREATE | _DELETE | _DELETE_SELF | _MOVE_SELF
_HEADER = struct.Struct("iIII")  # struct inotify_event: wd, mask, cookie, len; then the name


class FileWatch:
    """Tells whether any of `names` in one folder changed since it was last asked (`changes`)."""

    def __init__(self, fd: int, names: set[str]) -> None:
        self._fd = fd
        self._names = {name.encode() for name in names}
        self._loop: asyncio.AbstractEventLoop | None = None  # the loop told of changes (see `wake`)

    @classmethod
    def open(cls, path: Path) -> FileWatch | None:
        """A watch on the database file at `path` and its write-ahead log; None where the system
        has no inotify or refuses this folder."""
        if not hasattr(os, "O_NONBLOCK") or not os.uname().sysname == "Linux":
            return None
        try:
            libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
            fd = libc.inotify_init1(os.O_NONBLOCK | os.O_CLOEXEC)
        except (OSError, AttributeError):
            return None
        if fd < 0:
            return None
        folder = os.fsencode(path.parent.resolve())
        if libc.inotify_add_watch(fd, folder, _WATCHED) < 0:
            os.close(fd)
            return None
        return cls(fd, {path.name, f"{path.name}-wal", f"{path.name}-journal"})

    def fileno(self) -> int:
        return self._fd

    def changes(self) -> bool:
        """Read every notice waiting; True if one was about the database's files (or the
        folder itself went away). Never blocks."""
        found = False
        while True:
            try:
                data = os.read(self._fd, 64 * 1024)
            except BlockingIOError:
                return found
            except OSError:
                return True
            if not data:
                return found
            offset = 0
            while offset + _HEADER.size <= len(data):
                _, mask, _, length = _HEADER.unpack_from(data, offset)
                name = data[offset + _HEADER.size: offset + _HEADER.size + length].rstrip(b"\0")
                offset += _HEADER.size + length
                if mask & (_DELETE_SELF | _MOVE_SELF | _OVERFLOW) or name in self._names:
                    found = True

    def wake(self, loop, woken) -> None:
        """Set the asyncio event `woken` on `loop` whenever the database's files change."""
        self.unwake()
        loop.add_reader(self._fd, lambda: self.changes() and woken.set())
        self._loop = loop

    def unwake(self) -> None:
        if self._loop is not None:
            if not self._loop.is_closed():
                self._loop.remove_reader(self._fd)
            self._loop = None

    def close(self) -> None:
        if self._fd >= 0:
            self.unwake()  # (before the number can be another file's)
            os.close(self._fd)
            self._fd = -1
