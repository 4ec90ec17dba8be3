"""A throwaway PostgreSQL cluster for the tests: initdb in a temporary folder, run as an
unprivileged user, listening on a socket in that folder only (no TCP, no service outside the
test run), stopped at the end."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from helpers import missing

USER = "nobody"  # PostgreSQL refuses to run as root; the tests may be root (CI is)


def _bin(name: str) -> str:
    found = shutil.which(name) or next(iter(sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"), reverse=True)), None)
    if not found:
        missing(f"PostgreSQL's {name}", "Debian's postgresql")
    return str(found)


def _as_user(args: list[str]) -> list[str]:
    if os.geteuid() != 0:
        return args
    import pwd

    entry = pwd.getpwnam(USER)
    return ["setpriv", f"--reuid={entry.pw_uid}", f"--regid={entry.pw_gid}", "--clear-groups", *args]


class Cluster:
    def __init__(self) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="warroom-pg-"))
        self.data = self.folder / "data"
        if os.geteuid() == 0:
            import pwd

            entry = pwd.getpwnam(USER)
            os.chown(self.folder, entry.pw_uid, entry.pw_gid)
        subprocess.run(_as_user([_bin("initdb"), "-D", str(self.data), "-A", "trust", "-E", "UTF8", "--no-sync", "-U", "warroom"]),
                       check=True, capture_output=True, env=self._env())
        self.start()
        self.databases = 0

    @staticmethod
    def _env() -> dict:
        return {**os.environ, "LC_ALL": "C.UTF-8"}

    def start(self) -> None:
        """Start the server (again, after `halt`), on the same socket."""
        options = f"-k {self.folder} -c listen_addresses='' -c fsync=off -c max_connections=50"
        subprocess.run(_as_user([_bin("pg_ctl"), "-D", str(self.data), "-o", options, "-w", "-l", str(self.folder / "log"), "start"]),
                       check=True, capture_output=True, env=self._env())

    def halt(self) -> None:
        """Shut the server down as an administrator would (its clients are cut off); `start` brings it back."""
        subprocess.run(_as_user([_bin("pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop"]),
                       check=True, capture_output=True, env=self._env())

    def url(self) -> str:
        """A new empty database on the cluster, as a connection string."""
        self.databases += 1
        name = f"t{self.databases}"
        subprocess.run([_bin("createdb"), "-h", str(self.folder), "-U", "warroom", name], check=True, capture_output=True)
        return f"postgresql://warroom@/{name}?host={self.folder}"

    def stop(self) -> None:
        subprocess.run(_as_user([_bin("pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop"]), capture_output=True)
        shutil.rmtree(self.folder, ignore_errors=True)
