"""The public status page, written as static files into a folder any web server or bucket can
serve: `index.html` (the components' states, their 90 days, the maintenance announced, this
week's incidents), `incidents/<id>.html` (each public incident of the last year), `history.html`
(those by month), `status.json`, `feed.xml` and `feeds/<component>.xml` (Atom). Each file is
replaced atomically (written beside, then renamed), so a reader never gets half a page; an
incident's page older than a year, and a feed of a component no longer named, are removed.
What is shown is `domain.public`'s: public words only.
"""

from __future__ import annotations

import os
import re
import tempfile
from datetime import datetime
from pathlib import Path

from warroom.domain.maintenance import Maintenance
from warroom.domain.public import Component, PublicIncident
from warroom.integrations.statuspage.site import Board, Site, gather, slug
from warroom.store import EventStore, StoreError

__all__ = ["Board", "Site", "board_now", "publish", "write"]

FILES = ("index.html", "status.json", "feed.xml", "history.html")
_OURS = {"incidents": re.compile(r"^incident-[0-9a-f]{12}\.html$"), "feeds": re.compile(r"^[a-z0-9-]{1,60}\.xml$")}


def _replace(folder: Path, name: str, text: str) -> None:
    """Write beside, then rename over: a web server serves the old file or the new, never half."""
    handle, temporary = tempfile.mkstemp(prefix=f".{name}.", dir=folder)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temporary, 0o644)  # a page for the public: the web server must read it
        os.replace(temporary, folder / name)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _folder(path: Path) -> None:
    if not path.is_dir():
        path.mkdir(parents=True)
        os.chmod(path, 0o755)  # made here for a public page: readable by the web server, whatever the umask


def _prune(folder: Path, keep: set[str]) -> None:
    """Remove the files of ours (by their names' shape) that the site no longer has."""
    pattern = _OURS[folder.name]
    for path in folder.iterdir():
        if pattern.match(path.name) and path.name not in keep:
            path.unlink(missing_ok=True)


def write(folder: Path, site: Site) -> None:
    from warroom.integrations.statuspage.feeds import as_json, atom
    from warroom.integrations.statuspage.pages import history_page, incident_page, index

    try:
        _folder(folder)
        for name, render in zip(FILES, (index, as_json, atom, history_page), strict=True):
            _replace(folder, name, render(site))
        _folder(folder / "incidents")
        pages = {f"{p.anchor}.html": p for p in site.kept}
        for name, incident in pages.items():
            _replace(folder / "incidents", name, incident_page(incident, site))
        _prune(folder / "incidents", set(pages))
        if site.names or (folder / "feeds").is_dir():
            _folder(folder / "feeds")
            feeds = {f"{slug(name, site.names)}.xml": name for name in site.names}
            for file, name in feeds.items():
                _replace(folder / "feeds", file, atom(site, name))
            _prune(folder / "feeds", set(feeds))
    except OSError as error:
        raise StoreError(f"{folder}: cannot write the status page: {error.strerror or error}") from None


async def publish(store: EventStore, folder: Path, now: datetime, title: str, names: tuple[str, ...] = (),
                  services: dict[str, tuple[str, ...]] | None = None,
                  maintenance: list[Maintenance] | None = None) -> list[PublicIncident]:
    """Write the site from the store's incidents as they are now; the incidents the front page
    shows."""
    site = await gather(store, now, title, names, services, maintenance)
    write(folder, site)
    return site.shown


class Standing(Component, frozen=True):
    codes: tuple[str, ...] = ()  # the internal codes of the open incidents that make its state (for the team, never the page)


async def board_now(store: EventStore, names: tuple[str, ...], services: dict[str, tuple[str, ...]],
                    maintenance: list[Maintenance], now: datetime, title: str = "") -> list[Standing]:
    """Each component's state now, as the page shows it, with the codes of the incidents behind it."""
    site = await gather(store, now, title, names, services, maintenance)
    codes = {p.anchor: p.code for p in site.shown}
    found = []
    for c in site.board.now if site.board else []:
        found.append(Standing(c.name, site.state_of(c), c.incidents, tuple(codes[a] for a in c.incidents if a in codes)))
    return found
