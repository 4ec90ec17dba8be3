"""The public status page: `index.html` (readable on a phone, no JavaScript, no external
assets), `status.json` and an Atom feed (`feed.xml`), written into a folder any web server can
serve. Each file is replaced atomically (written beside, then renamed), so a reader never gets
half a page. What is shown is `domain.public`'s: public words only.
"""

from __future__ import annotations

import json
import os
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import NamedTuple

from warroom.domain.model import is_drill
from warroom.domain.public import (
    COMPONENT_STATES,
    COMPONENT_WORDS,
    PUBLIC_SEVERITIES,
    RECENT,
    Component,
    ComponentHistory,
    PublicIncident,
    on_page,
)
from warroom.domain.text import html_text
from warroom.store import EventStore, StoreError

FILES = ("index.html", "status.json", "feed.xml")


class Board(NamedTuple):
    """The components' part of the page: each one's state now, and its last 90 days."""
    now: list[Component]
    history: list[ComponentHistory]


def _share(value: float) -> str:
    return f"{value * 100:.2f}%"

STYLE = """
body{font:16px/1.5 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:0;background:#f6f7f9;color:#1b1f24}
main{max-width:44rem;margin:0 auto;padding:1rem}
h1{font-size:1.4rem;margin:.5rem 0 1rem}
.banner{padding:.8rem 1rem;border-radius:.4rem;font-weight:600;margin-bottom:1rem}
.ok{background:#dff3e4;color:#14532d}.bad{background:#fde2e1;color:#7f1d1d}
article{background:#fff;border:1px solid #d8dde3;border-radius:.4rem;padding:1rem;margin-bottom:1rem}
article h2{font-size:1.15rem;margin:0 0 .3rem;overflow-wrap:anywhere}
.meta{color:#4b5563;font-size:.9rem}
.state{font-weight:600}
ol{list-style:none;padding:0;margin:.8rem 0 0}
li{border-top:1px solid #eceff3;padding:.6rem 0}
time{color:#4b5563;font-size:.85rem;display:block}
p.text{white-space:pre-wrap;margin:.2rem 0 0;overflow-wrap:anywhere}
footer{color:#6b7280;font-size:.8rem;margin-top:2rem}
ul.components{list-style:none;padding:0;margin:0 0 1rem;background:#fff;border:1px solid #d8dde3;border-radius:.4rem}
ul.components li{display:flex;justify-content:space-between;gap:1rem;padding:.6rem 1rem;border-top:1px solid #eceff3}
ul.components li:first-child{border-top:0}
.history h2{font-size:1.1rem}.component-history h3{font-size:1rem;margin:.8rem 0 .3rem}
.days{display:flex;gap:1px;height:1.6rem}.day{flex:1;background:#16a34a;border-radius:1px}
.day.degraded{background:#ca8a04}.day.partial-outage{background:#ea580c}.day.major-outage{background:#b91c1c}
.shares{font-size:.85rem;color:#4b5563;margin:.3rem 0}
.cstate{font-weight:600}.operational{color:#14532d}.degraded{color:#854d0e}.partial-outage{color:#9a3412}.major-outage{color:#7f1d1d}
"""


def _when(moment: datetime | None) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC") if moment else "—"


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def html(shown: list[PublicIncident], now: datetime, title: str, board: Board | None = None) -> str:
    """The page: a banner, each component's state (when the config names components), then
    the incidents with their updates."""
    open_ones = [p for p in shown if p.resolved is None]
    banner = (f'<div class="banner bad">{len(open_ones)} incident{"s" if len(open_ones) != 1 else ""} in progress</div>'
              if open_ones else '<div class="banner ok">All systems operational</div>')
    parts = ["<!doctype html>", '<html lang="en"><head><meta charset="utf-8">',
             '<meta name="viewport" content="width=device-width, initial-scale=1">',
             f"<title>{html_text(title)}</title>", f"<style>{STYLE}</style>",
             '<link rel="alternate" type="application/atom+xml" href="feed.xml" title="updates">',
             f"</head><body><main><h1>{html_text(title)}</h1>", banner]
    if board:
        parts.append('<ul class="components" aria-label="components">')
        parts += [f'<li class="component" data-state="{c.state}"><span class="name">{html_text(c.name)}</span>'
                  f'<span class="cstate {c.state.replace(" ", "-")}">{c.words}</span></li>' for c in board.now]
        parts.append("</ul>")
        parts += _history_html(board.history)
    for incident in shown:
        parts.append(f'<article id="{incident.anchor}">')
        parts.append(f"<h2>{html_text(incident.title)}</h2>")
        parts.append(f'<div class="meta"><span class="state">{html_text(incident.state_words)}</span> · '
                     f"{html_text(incident.severity_words)} · since {_when(incident.started)}"
                     + (f" · resolved {_when(incident.resolved)}" if incident.resolved else "") + "</div>")
        if incident.impact and incident.impact not in incident.title:  # a title from the impact says it already
            parts.append(f'<div class="meta">Affected: {html_text(incident.impact)}</div>')
        if incident.updates:
            parts.append("<ol>")
            for update in incident.updates:
                parts.append(f'<li><time datetime="{_iso(update.at)}">{_when(update.at)} · {html_text(update.kind)}</time>'
                             f'<p class="text">{html_text(update.text)}</p></li>')
            parts.append("</ol>")
        parts.append("</article>")
    parts.append(f"<footer>Updated {_when(now)} · <a href=\"status.json\">JSON</a> · "
                 f"<a href=\"feed.xml\">Atom feed</a></footer></main></body></html>")
    return "\n".join(parts) + "\n"


def _history_html(histories: list[ComponentHistory]) -> list[str]:
    """Each component's last days as a row of days (each titled with its date and state) and,
    in words, the share of the time in each state and the days that were not operational."""
    if not histories:
        return []
    out = [f'<section class="history"><h2>The last {len(histories[0].days)} days</h2>']
    for h in histories:
        uptime = h.shares.get("operational", 1.0)
        out.append(f'<div class="component-history" data-name="{html_text(h.name)}"><h3>{html_text(h.name)}: '
                   f'{_share(uptime)} operational</h3><div class="days" aria-hidden="true">')
        out += [f'<span class="day {state.replace(" ", "-")}" title="{day.isoformat()}: {COMPONENT_WORDS[state]}"></span>'
                for day, state in h.days]
        out.append("</div>")
        words = " · ".join(f"{COMPONENT_WORDS[state]} {_share(h.shares.get(state, 0.0))}" for state in COMPONENT_STATES)
        out.append(f'<p class="shares">{words}</p>')
        bad = [(day, state) for day, state in h.days if state != "operational"]
        if bad:
            out.append("<details><summary>Days with trouble</summary><ul>")
            out += [f'<li><time datetime="{day.isoformat()}">{day.isoformat()}</time>: {COMPONENT_WORDS[state]}</li>' for day, state in bad]
            out.append("</ul></details>")
        out.append("</div>")
    out.append("</section>")
    return out


def as_json(shown: list[PublicIncident], now: datetime, title: str, board: Board | None = None) -> str:
    def moment(value: datetime | None) -> str | None:
        return _iso(value) if value else None

    return json.dumps({
        "page": title, "updated": _iso(now),
        "components": [{"name": c.name, "state": c.state, "state_words": c.words, "incidents": list(c.incidents),
                        "days": [{"day": day.isoformat(), "state": state} for day, state in h.days],
                        "shares": {state: round(share, 6) for state, share in h.shares.items()}}
                       for c, h in zip(board.now, board.history, strict=True)] if board else [],
        "incidents": [{"id": p.anchor, "title": p.title, "severity_words": p.severity_words,
                       "state": p.state, "state_words": p.state_words, "impact": p.impact,
                       "started": moment(p.started), "resolved": moment(p.resolved),
                       "updates": [{"at": _iso(u.at), "kind": u.kind, "text": u.text} for u in p.updates]}
                      for p in shown],
    }, ensure_ascii=False, indent=2) + "\n"


def atom(shown: list[PublicIncident], now: datetime, title: str, board: Board | None = None) -> str:
    entries = []
    for incident in shown:
        for number, update in enumerate(reversed(incident.updates), 1):
            entries.append((update.at, f"""<entry><id>tag:warroom,{update.at.year}:{incident.anchor}/{number}</id>
<title>{html_text(incident.title)}: {html_text(update.kind)}</title><updated>{_iso(update.at)}</updated>
<link href="index.html#{incident.anchor}"/><content type="text">{html_text(update.text)}</content></entry>"""))
    entries.sort(key=lambda entry: entry[0], reverse=True)
    return (f'<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">'
            f"<title>{html_text(title)}</title><id>tag:warroom,2026:status</id><updated>{_iso(now)}</updated>"
            f'<link href="index.html"/>\n' + "\n".join(text for _, text in entries) + "\n</feed>\n")


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


def write(folder: Path, shown: list[PublicIncident], now: datetime, title: str, board: Board | None = None) -> None:
    try:
        if not folder.is_dir():
            folder.mkdir(parents=True)
            os.chmod(folder, 0o755)  # made here for a public page: readable by the web server, whatever the umask
        for name, render in zip(FILES, (html, as_json, atom), strict=False):
            _replace(folder, name, render(shown, now, title, board))
    except OSError as error:
        raise StoreError(f"{folder}: cannot write the status page: {error.strerror or error}") from None


async def publish(store: EventStore, folder: Path, now: datetime, title: str, names: tuple[str, ...] = (),
                  services: dict[str, tuple[str, ...]] | None = None) -> list[PublicIncident]:
    """Write the page from the store's incidents as they are now; what it shows. With
    components (`names`), the public incidents of their last 90 days are read too, in the same
    pass: the page's list keeps the last week's (`on_page`)."""
    from warroom.domain.public import HISTORY_DAYS, components, history, public

    back = max(RECENT, timedelta(days=HISTORY_DAYS + 1)) if names else RECENT
    states = []
    for found in await store.summaries():
        within = found.resolved_at is None or now - found.resolved_at <= back
        if found.severity in PUBLIC_SEVERITIES and within and not is_drill(found.code):
            states.append((await store.opening(found.code)).state)
    shown = on_page(states, now, title)  # signed by the organisation, never by a person
    board = None
    if names:
        past = [incident for incident in (public(state) for state in states) if incident is not None]
        board = Board(components(shown, names, services or {}), history(past, names, services or {}, now))
    write(folder, shown, now, title, board)
    return shown
