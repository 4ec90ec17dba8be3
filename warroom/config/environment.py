"""Where things live and who is acting: paths from platformdirs, overridable by flag and env."""

from __future__ import annotations

import getpass
import hashlib
import os
from datetime import UTC, datetime
from pathlib import Path

import platformdirs

from warroom.domain.errors import WarroomError

APP = "warroom"


def default_db_path() -> Path:
    return Path(platformdirs.user_data_dir(APP, appauthor=False)) / "warroom.db"


def db_path(flag: str | None, configured: str = "") -> Path | str:
    """`--db` first, then `WARROOM_DB`, then the config's `database`, then the user's data
    folder: a file's path, or a PostgreSQL address (postgresql://…) as it was given."""
    from warroom.store.address import is_server

    chosen = flag or os.environ.get("WARROOM_DB") or configured
    if chosen and is_server(chosen):
        return chosen
    return Path(chosen).expanduser() if chosen else default_db_path()


def actor_name(configured: str = "") -> str:
    """Who is acting: `WARROOM_NAME`, else the config file's name, else the login name."""
    name = os.environ.get("WARROOM_NAME", "").strip() or configured.strip()
    if name:
        return name
    try:
        return getpass.getuser()
    except Exception:  # no login name (containers without a passwd entry)
        return "on-call"


def system_clock() -> datetime:
    """The one clock every component takes its time from. `WARROOM_NOW` (ISO 8601) freezes it,
    for tests and rehearsals; `WARROOM_NOW_FILE` names a file holding that time, read at each
    call, so a test can move the time of a running console (a drill's clock runs on it too)."""
    moving = os.environ.get("WARROOM_NOW_FILE")
    if moving:
        try:
            frozen = Path(moving).read_text().strip()
        except OSError:
            frozen = ""
    else:
        frozen = os.environ.get("WARROOM_NOW", "")
    if frozen:
        moment = datetime.fromisoformat(frozen)
        return (moment if moment.tzinfo else moment.astimezone()).astimezone(UTC)
    return datetime.now(UTC)


def state_dir() -> Path:
    return Path(platformdirs.user_state_dir(APP, appauthor=False))


def private_folder(folder: Path) -> None:
    """A folder of ours that only its owner can enter (made so if this creates it)."""
    if not folder.is_dir():
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        folder.chmod(0o700)  # whatever the umask


def write_private(path: Path, text: str, *, new: bool = False) -> None:
    """Write a file readable by its owner only (0600), in a folder only they can enter.
    `new`: never over an existing file (FileExistsError)."""
    private_folder(path.parent)
    flags = os.O_WRONLY | os.O_CREAT | (os.O_EXCL if new else os.O_TRUNC)
    descriptor = os.open(path, flags, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        os.fchmod(handle.fileno(), 0o600)
        handle.write(text)


def _worked_file(db: Path | str) -> Path:
    where = db if isinstance(db, str) else str(db.expanduser().resolve())
    digest = hashlib.sha1(where.encode("utf-8", "surrogatepass")).hexdigest()[:16]
    return state_dir() / f"worked-{digest}"


def remember_worked(db: Path | str, code: str) -> None:
    """Note which incident this person's console works on, for `warroom status`. Best effort."""
    try:
        write_private(_worked_file(db), code)
    except OSError:
        pass


def record_crash(error: BaseException) -> Path | None:
    """Write what went wrong, with the traceback, to a crash log only its owner can read; its
    path, for the one line the person sees (never the traceback itself). None if it cannot."""
    import traceback

    from warroom import __version__

    moment = datetime.now(UTC)
    path = state_dir() / f"crash-{moment:%Y%m%d-%H%M%S}-{os.getpid()}.log"
    text = f"warroom {__version__} at {moment.isoformat()}\n" + "".join(traceback.format_exception(error))
    try:
        write_private(path, text)
    except OSError:
        return None
    return path


def crash_line(error: BaseException) -> str:
    """The one line a person sees for an error nobody foresaw, naming the crash log."""
    from warroom.domain.text import one_line

    path = record_crash(error)
    where = f"details in {path}" if path else "no crash log could be written"
    return f"warroom: internal error: {one_line(type(error).__name__ + ': ' + str(error), 200)} ({where})"


def worked_incident(db: Path | str) -> str | None:
    try:
        return _worked_file(db).read_text(encoding="utf-8").strip() or None
    except OSError:
        return None


class UsageError(WarroomError):
    """The command line itself is wrong (or the console was started where it cannot run)."""


def fail(message: str) -> int:
    """The one-line error of every bad input: on stderr, control characters made visible; status 2."""
    import sys

    from warroom.domain.text import one_line

    print(f"warroom: error: {one_line(message)}", file=sys.stderr)
    return 2


def needs_terminal() -> None:
    """The console draws a full screen: with its output going to a file or a pipe (a script,
    cron) it would write escape codes there and wait for keys forever. Refused (UsageError),
    naming the commands that work without a terminal."""
    import sys

    if not (sys.stdout.isatty() and sys.stdin.isatty()):
        raise UsageError("the console needs a terminal (standard input and output are not both one); "
                         "without one use 'warroom status', 'warroom show' or 'warroom list'")
