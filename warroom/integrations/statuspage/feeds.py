"""The status page's machine-readable files: `status.json`, the Atom feed of every public update
(`feed.xml`) and one per component (`feeds/<name>.xml`). Never a subscriber's address, a
person's name or an internal code: the same public words as the HTML."""

from __future__ import annotations

import json

from warroom.domain.public import PublicIncident
from warroom.domain.text import html_text, safe
from warroom.integrations.statuspage.pages import iso
from warroom.integrations.statuspage.site import Site, slug


def as_json(site: Site) -> str:
    """The page as data: the same public words as the HTML, with a control character or a
    bidi override shown as its escape (`safe`), and `<` written as \\u003c so the document
    can be inlined in a page's script without closing it."""
    def moment(value) -> str | None:
        return iso(value) if value else None

    board = site.board
    return _safe_json({
        "page": site.title, "updated": iso(site.now),
        "components": [{"name": c.name, "state": c.state, "state_words": c.words, "incidents": list(c.incidents),
                        "under_maintenance": site.under_maintenance(c.name),
                        "feed": f"feeds/{slug(c.name, site.names)}.xml",
                        "days": [{"day": day.isoformat(), "state": state} for day, state in h.days],
                        "shares": {state: round(share, 6) for state, share in h.shares.items()}}
                       for c, h in zip(board.now, board.history, strict=True)] if board else [],
        "maintenance": [{"id": m.anchor, "title": m.title, "starts": iso(m.starts), "ends": iso(m.ends),
                         "components": list(m.components), "notice": m.notice, "running": m.running(site.now)}
                        for m in site.maintenance],
        "incidents": [{"id": p.anchor, "title": p.title, "severity_words": p.severity_words,
                       "state": p.state, "state_words": p.state_words, "impact": p.impact,
                       "components": list(site.affects.get(p.anchor, ())), "page": f"incidents/{p.anchor}.html",
                       "started": moment(p.started), "resolved": moment(p.resolved),
                       "updates": [{"at": iso(u.at), "kind": u.kind, "text": u.text} for u in p.updates]}
                      for p in site.shown],
    })


def _safe_json(data: object) -> str:
    def clean(value: object) -> object:
        if isinstance(value, str):
            return safe(value)
        if isinstance(value, dict):
            return {clean(k): clean(v) for k, v in value.items()}
        if isinstance(value, list):
            return [clean(v) for v in value]
        return value

    return json.dumps(clean(data), ensure_ascii=False, indent=2).replace("<", "\\u003c") + "\n"


def _entries(site: Site, incidents: list[PublicIncident], component: str | None, up: str) -> list[tuple]:
    entries = []
    for incident in incidents:
        for number, update in enumerate(reversed(incident.updates), 1):
            entries.append((update.at, f"""<entry><id>tag:warroom,{update.at.year}:{incident.anchor}/{number}</id>
<title>{html_text(incident.title)}: {html_text(update.kind)}</title><updated>{iso(update.at)}</updated>
<link href="{up}incidents/{incident.anchor}.html"/><content type="text">{html_text(update.text)}</content></entry>"""))
    for m in site.maintenance:
        if component is not None and component not in m.components:
            continue
        said = f"{iso(m.starts)} to {iso(m.ends)}: {', '.join(m.components)}" + (f". {m.notice}" if m.notice else "")
        stamp = m.created_at or m.starts
        entries.append((stamp, f"""<entry><id>tag:warroom,{m.starts.year}:{m.anchor}</id>
<title>Scheduled maintenance: {html_text(m.title)}</title><updated>{iso(stamp)}</updated>
<link href="{up}index.html#{m.anchor}"/><content type="text">{html_text(said)}</content></entry>"""))
    entries.sort(key=lambda entry: entry[0], reverse=True)
    return entries


def atom(site: Site, component: str | None = None) -> str:
    """The Atom feed of the public updates (of one component's incidents, when named) of the
    incidents on the front page, and the maintenance announced."""
    up = "../" if component is not None else ""
    incidents = [p for p in site.shown if component is None or component in site.affects.get(p.anchor, ())]
    title = site.title if component is None else f"{site.title}: {component}"
    feed_id = "tag:warroom,2026:status" + (f"/{slug(component, site.names)}" if component is not None else "")
    here = f"feeds/{slug(component, site.names)}.xml" if component is not None else "feed.xml"
    return (f'<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">'
            f"<title>{html_text(title)}</title><id>{html_text(feed_id)}</id><updated>{iso(site.now)}</updated>"
            f"<author><name>{html_text(site.title)}</name></author>"
            f'<link rel="self" href="{up}{here}"/><link href="{up}index.html"/>\n'
            + "\n".join(text for _, text in _entries(site, incidents, component, up)) + "\n</feed>\n")
