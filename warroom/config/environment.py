"""Where things live and who is acting: paths from platformdirs (the XDG folders, on Linux,
found as platformdirs finds them without importing it), overridable by flag and env."""

from __future__ import annotations

import getpass
import os
import sys
from datetime import UTC, datetime
from pathlib import Path

from warroom.domain.errors import WarroomError

APP = "warroom"
# each user folder: its XDG variable and the default platformdirs gives on Linux
_XDG = {"data": ("XDG_DATA_HOME", "~/.local/share"), "config": ("XDG_CONFIG_HOME", "~/.config"),
        "state": ("XDG_STATE_HOME", "~/.local/state")}


def user_folder(kind: str) -> Path:
    """The user's `data`, `config` or `state` folder for warroom, as platformdirs gives it. On
    Linux it is read from the XDG variables here: importing platformdirs cost the status line,
    which runs every few seconds, 6 ms a call (issue 26). Anything unusual (a relative HOME,
    another system) is left to platformdirs itself."""
    if sys.platform.startswith("linux"):
        variable, fallback = _XDG[kind]
        chosen = os.environ.get(variable, "")
        base = chosen if os.path.isabs(chosen) else os.path.expanduser(fallback)
        if os.path.isabs(base):
            return Path(base, APP)
    import platformdirs

    return Path(getattr(platformdirs, f"user_{kind}_dir")(APP, appauthor=False))


def default_db_path() -> Path:
    return user_folder("data") / "warroom.db"


def db_path(flag: str | None, configured: str = "") -> Path | str:
    """`--db` first, then `WARROOM_DB`, then the config's `database`, then the user's data
    folder: a file's path, or a PostgreSQL address (postgresql://…) as it was given."""
    from warroom.store.address import is_server

    chosen = flag or os.environ.get("WARROOM_DB") or configured
    if chosen and is_server(chosen):
        return chosen
    return Path(os.path.expanduser(chosen)) if chosen else default_db_path()


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
    return user_folder("state")


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


def _sha1(data: bytes):
    """SHA-1 from CPython's own small module where there is one: hashlib loads OpenSSL, 3 ms of
    every status line (issue 26). The digest is the same either way."""
    try:
        from _sha1 import sha1  # type: ignore[import-not-found]
    except ImportError:  # another Python
        from hashlib import sha1
    return sha1(data)


def _worked_file(db: Path | str) -> Path:
    where = db if isinstance(db, str) else str(Path(os.path.expanduser(db)).resolve())
    digest = _sha1(where.encode("utf-8", "surrogatepass")).hexdigest()[:16]
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
