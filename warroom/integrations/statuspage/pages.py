"""The status page's HTML: the front page (`index.html`), a page for each public incident of the
last year (`incidents/…html`) and the history by month (`history.html`). Readable on a phone
and in a terminal browser: no JavaScript, no external assets, states in words (never colour
alone), every user text through `html_text`."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from warroom.domain.insights import period_of, periods_between
from warroom.domain.model import COMPONENT_STATES
from warroom.domain.public import COMPONENT_WORDS, ComponentHistory, PublicIncident
from warroom.domain.text import counted, html_text
from warroom.domain.timefmt import duration_words
from warroom.integrations.statuspage.site import Site, slug

STYLE = """
body{font:16px/1.5 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:0;background:#f6f7f9;color:#1b1f24}
main{max-width:44rem;margin:0 auto;padding:1rem}
h1{font-size:1.4rem;margin:.5rem 0 1rem}
.banner{padding:.8rem 1rem;border-radius:.4rem;font-weight:600;margin-bottom:1rem}
.ok{background:#dff3e4;color:#14532d}.bad{background:#fde2e1;color:#7f1d1d}.planned{background:#e0ecfd;color:#1e3a8a}
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
.under-maintenance{color:#1e3a8a}.banner p.text{font-weight:400}.past h2{font-size:1.1rem}
section.month h2{font-size:1.1rem;margin:1.5rem 0 .5rem}
"""


def when(moment: datetime | None) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC") if moment else "—"


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def lasted(incident: PublicIncident, now: datetime) -> str:
    """How long the public's trouble lasted (or has lasted so far), in the words the messages
    to customers use (`1 hour 12 minutes`)."""
    if incident.started is None:
        return "—"
    return duration_words((incident.resolved or now) - incident.started) + ("" if incident.resolved else " so far")


def _head(title: str, site: Site, up: str = "") -> list[str]:
    return ["<!doctype html>", '<html lang="en"><head><meta charset="utf-8">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            f"<title>{html_text(title)}</title>", f"<style>{STYLE}</style>",
            f'<link rel="alternate" type="application/atom+xml" href="{up}feed.xml" title="updates">',
            f"</head><body><main><h1>{html_text(site.title)}</h1>"]


def _foot(site: Site, up: str = "") -> str:
    return (f'<footer>Updated {when(site.now)} · <a href="{up}index.html">Current status</a> · '
            f'<a href="{up}history.html">History</a> · <a href="{up}status.json">JSON</a> · '
            f'<a href="{up}feed.xml">Atom feed</a></footer></main></body></html>\n')


def _maintenance(site: Site) -> list[str]:
    out = []
    for m in site.maintenance:
        running = m.running(site.now)
        kind = "Under maintenance" if running else "Scheduled maintenance"
        out.append(f'<div class="banner planned maintenance" id="{m.anchor}" data-running="{str(running).lower()}">'
                   f"{kind}: {html_text(m.title)}"
                   f'<div class="meta">{when(m.starts)} to {when(m.ends)} · {html_text(", ".join(m.components))}</div>'
                   + (f'<p class="text">{html_text(m.notice)}</p>' if m.notice else "") + "</div>")
    return out


def index(site: Site) -> str:
    """The front page: a banner, the maintenance announced, each component's state (when the
    config names components), the open incidents, the components' last 90 days, then the
    incidents resolved this week."""
    open_ones = [p for p in site.shown if p.resolved is None]
    banner = (f'<div class="banner bad">{counted(len(open_ones), "incident")} in progress</div>'
              if open_ones else '<div class="banner ok">All systems operational</div>')
    parts = _head(site.title, site) + [banner] + _maintenance(site)
    if site.board:
        parts.append('<ul class="components" aria-label="components">')
        for c in site.board.now:
            state = site.state_of(c)
            parts.append(f'<li class="component" data-state="{state}"><span class="name">{html_text(c.name)}</span>'
                         f'<span class="cstate {state.replace(" ", "-")}">{COMPONENT_WORDS[state]}</span></li>')
        parts.append("</ul>")
        parts.append(f'<p class="meta feeds">Atom feed of each component: {component_feed_links(site)}</p>')
    for incident in open_ones:  # what is wrong now, then how the last 90 days went
        parts += _article(incident, site, link=True)
    if site.board:
        parts += _history(site.board.history)
    past = [p for p in site.shown if p.resolved is not None]
    if past:
        parts.append('<section class="past"><h2>Resolved this week</h2>')
        for incident in past:
            parts += _article(incident, site, link=True)
        parts.append("</section>")
    parts.append(_foot(site))
    return "\n".join(parts)


def _article(incident: PublicIncident, site: Site, link: bool) -> list[str]:
    parts = [f'<article id="{incident.anchor}">']
    heading = html_text(incident.title)
    parts.append(f'<h2><a href="incidents/{incident.anchor}.html">{heading}</a></h2>' if link else f"<h2>{heading}</h2>")
    parts.append(f'<div class="meta"><span class="state">{html_text(incident.state_words)}</span> · '
                 f"{html_text(incident.severity_words)} · since {when(incident.started)}"
                 + (f" · resolved {when(incident.resolved)}" if incident.resolved else "") + "</div>")
    touched = site.affects.get(incident.anchor, ())
    if touched:
        parts.append(f'<div class="meta affected-components">Components: {html_text(", ".join(touched))}</div>')
    if incident.impact and incident.impact not in incident.title:  # a title from the impact says it already
        parts.append(f'<div class="meta">Affected: {html_text(incident.impact)}</div>')
    updates = incident.updates if link else tuple(reversed(incident.updates))  # its own page: in the order they came
    if updates:
        parts.append("<ol>")
        parts += [f'<li><time datetime="{iso(update.at)}">{when(update.at)} · {html_text(update.kind)}</time>'
                  f'<p class="text">{html_text(update.text)}</p></li>' for update in updates]
        parts.append("</ol>")
    parts.append("</article>")
    return parts


def incident_page(incident: PublicIncident, site: Site) -> str:
    """One incident's own page: its updates in the order they came, how long it lasted, the
    components it affected."""
    parts = _head(f"{incident.title} · {site.title}", site, up="../")
    article = _article(incident, site, link=False)
    article.insert(-1, f'<p class="meta duration">Duration: {lasted(incident, site.now)}</p>')
    parts += article
    parts.append(_foot(site, up="../"))
    return "\n".join(parts)


def history_page(site: Site) -> str:
    """The incidents of the last year by month, newest first, each linking to its page."""
    parts = _head(f"History · {site.title}", site)
    parts.append("<p>Incidents of the last year, by the month they began.</p>")
    months: dict[str, list[PublicIncident]] = {}
    for incident in site.kept:
        months.setdefault(period_of(incident.started or site.now, "month"), []).append(incident)
    now = site.now.astimezone(UTC)
    first = (now.replace(day=1) - timedelta(days=335)).replace(day=1)  # twelve months, this one included
    for key in reversed(periods_between(first, now, "month")):
        heading = datetime.strptime(key, "%Y-%m").strftime("%B %Y")
        parts.append(f'<section class="month" id="month-{key}"><h2>{heading}</h2>')
        found = months.get(key, [])
        if not found:
            parts.append('<p class="meta">No incidents.</p>')
        else:
            parts.append("<ul>")
            for p in found:
                touched = site.affects.get(p.anchor, ())
                parts.append(f'<li><a href="incidents/{p.anchor}.html">{html_text(p.title)}</a>'
                             f'<div class="meta">{html_text(p.severity_words)} · {when(p.started)} · {lasted(p, site.now)}'
                             + (f" · {html_text(', '.join(touched))}" if touched else "") + "</div></li>")
            parts.append("</ul>")
        parts.append("</section>")
    parts.append(_foot(site))
    return "\n".join(parts)


def _share(value: float) -> str:
    return f"{value * 100:.2f}%"


def _history(histories: list[ComponentHistory]) -> list[str]:
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


def component_feed_links(site: Site) -> str:
    """Where each component's Atom feed is (the page's footer would be too long with them)."""
    return " · ".join(f'<a href="feeds/{slug(name, site.names)}.xml">{html_text(name)}</a>' for name in site.names)

