"""Where things live and who is acting: paths from platformdirs, overridable by flag and env."""

from __future__ import annotations

import getpass
import hashlib
import os
from datetime import datetime, timezone
from pathlib import Path

import platformdirs

APP = "warroom"


def default_db_path() -> Path:
    return Path(platformdirs.user_data_dir(APP, appauthor=False)) / "warroom.db"


def db_path(flag: str | None) -> Path:
    """`--db` first, then `WARROOM_DB`, then the user's data folder."""
    chosen = flag or os.environ.get("WARROOM_DB")
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
    for tests and rehearsals."""
    frozen = os.environ.get("WARROOM_NOW")
    if frozen:
        moment = datetime.fromisoformat(frozen)
        return (moment if moment.tzinfo else moment.astimezone()).astimezone(timezone.utc)
    return datetime.now(timezone.utc)


def _worked_file(db: Path) -> Path:
    digest = hashlib.sha1(str(db.expanduser().resolve()).encode("utf-8", "surrogatepass")).hexdigest()[:16]
    return Path(platformdirs.user_state_dir(APP, appauthor=False)) / f"worked-{digest}"


def remember_worked(db: Path, code: str) -> None:
    """Note which incident this person's console works on, for `warroom status`. Best effort."""
    try:
        path = _worked_file(db)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(code, encoding="utf-8")
    except OSError:
        pass


def worked_incident(db: Path) -> str | None:
    try:
        return _worked_file(db).read_text(encoding="utf-8").strip() or None
    except OSError:
        return None
