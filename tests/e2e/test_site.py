"""The whole status site (issue 30), as a reader gets it: every HTML file through a strict HTML5
parser (html5lib: a parse error fails), every feed parsed as Atom, headless Chromium at a
phone's and a desktop's width showing the components' states, their 90 days, the incidents'
own pages and the maintenance banner; a year of incident pages kept and older ones removed;
and hostile text in every field staying text on every page, feed and mail."""

from __future__ import annotations

import asyncio
import json
import xml.etree.ElementTree as ElementTree
from datetime import UTC, datetime, timedelta
from pathlib import Path

import html5lib
import pytest
from helpers import db_rows, run_cli
from helpers.mail import Mailbox, free_port

from warroom.domain import actions
from warroom.domain.components import set_components
from warroom.store import Store

NOW = datetime(2026, 11, 27, 3, 0, tzinfo=UTC)
ATOM = "{http://www.w3.org/2005/Atom}"
HOSTILE_NAME = '<img src=x onerror=alert(3)>"Search'  # a component's name (the config refuses controls in it)
HOSTILE = '<script>alert(1)</script>"><img src=x onerror=alert(2)> \u202egnp.exe ]]> &amp; {{x}}'

CONFIG = """[status_page]
folder = "{site}"
title = "Acme <i>status</i>"
components = ["Checkout", "Login", "API", {hostile_name}]
smtp = "{smtp}"
answer_url = "http://127.0.0.1:{port}"
[status_page.services]
payments = ["Checkout", "API"]
"""


def iso(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def setup(tmp_path: Path, smtp: str = "smtp://127.0.0.1:9", hostile_name: str = '"<b>Search</b>"') -> dict:
    path = tmp_path / "team.toml"
    path.write_text(CONFIG.format(site=tmp_path / "site", smtp=smtp, port=free_port(), hostile_name=hostile_name))
    return {"WARROOM_CONFIG": str(path)}


# (days ago, severity, service, title, public title, updates, resolved after hours or None)
PLANTED = [
    (400, "P0", "payments", "older than a year", "", ["We are looking."], 2),
    (300, "P1", "payments", "ten months ago", "Slow checkout", ["Checkout is slow.", "Fixed."], 3),
    (45, "P0", "payments", "last month", "Payments down", ["Payments fail.", "Recovering.", "Resolved."], 1),
    (0.1, "P0", "payments", "now", "", ["Card payments fail since 00:30 UTC."], None),
]


def plant(db_file, planted=PLANTED, components: tuple[str, ...] = ()) -> None:
    async def go() -> None:
        store = await Store.open(db_file)
        try:
            for n, (ago, severity, service, title, public_title, updates, hours) in enumerate(planted, 1):
                start = NOW - timedelta(days=ago)
                await store.declare(actions.declare("alice", start, title, severity, detected=start, service=service,
                                                    impact="card payments", public_title=public_title))
                code = f"INC-{n}"
                if components:
                    await store.append(set_components(await store.load(code), "carol", start, components, "", components,
                                                      switch=True))
                for m, text in enumerate(updates):
                    template = "client notice" if m == 0 else "status update"
                    await store.append(actions.communicate(await store.load(code), "carol", start + timedelta(minutes=10 + m),
                                                           template, text, sent=True, switch=True, override="told"))
                if hours is not None:
                    await store.append(actions.resolve(await store.load(code), "alice", start + timedelta(hours=hours),
                                                       override="resolved for the test"))
        finally:
            await store.close()

    asyncio.run(go())


def strict(text: str, what: str):
    """The document through html5lib's strict HTML5 parser: any parse error raises."""
    try:
        return html5lib.HTMLParser(strict=True, namespaceHTMLElements=False).parse(text)
    except html5lib.html5parser.ParseError as error:
        raise AssertionError(f"{what}: {error}") from None


def atom(path: Path) -> ElementTree.Element:
    """The feed parsed as XML and checked against Atom's (RFC 4287) musts."""
    feed = ElementTree.fromstring(path.read_bytes())
    assert feed.tag == f"{ATOM}feed", path
    for must in ("id", "title", "updated", "author"):
        assert feed.find(f"{ATOM}{must}") is not None, (path, must)
    datetime.fromisoformat(feed.findtext(f"{ATOM}updated"))
    ids = []
    for entry in feed.findall(f"{ATOM}entry"):
        for must in ("id", "title", "updated", "link"):
            assert entry.find(f"{ATOM}{must}") is not None, (path, must)
        datetime.fromisoformat(entry.findtext(f"{ATOM}updated"))
        ids.append(entry.findtext(f"{ATOM}id"))
    assert len(ids) == len(set(ids)), path
    return feed


def test_every_page_parses_strictly_and_every_feed_is_atom(db_file, tmp_path):
    env = setup(tmp_path)
    plant(db_file)
    assert run_cli("maintenance", "Database upgrade", "--from", iso(NOW + timedelta(days=2)), "--to", "04:00Z",
                   "--component", "API", "--notice", "Writes pause.", now=NOW, env=env).returncode == 0
    assert run_cli("publish", now=NOW, env=env).returncode == 0
    site = tmp_path / "site"
    pages = sorted(site.rglob("*.html"))
    assert {p.name for p in pages} >= {"index.html", "history.html"}
    for page in pages:
        strict(page.read_text(), str(page.relative_to(site)))
    feeds = [site / "feed.xml", *sorted((site / "feeds").glob("*.xml"))]
    assert [f.name for f in feeds[1:]] == ["api.xml", "b-search-b.xml", "checkout.xml", "login.xml"]
    whole = atom(feeds[0])
    assert whole.find(f"{ATOM}entry/{ATOM}title").text == "Scheduled maintenance: Database upgrade"  # the newest first
    for feed in feeds[1:]:
        atom(feed)
    assert "Database upgrade" not in (site / "feeds" / "login.xml").read_text()  # not Login's maintenance
    checkout = atom(site / "feeds" / "checkout.xml")
    assert [e.findtext(f"{ATOM}content") for e in checkout.findall(f"{ATOM}entry")] == ["Card payments fail since 00:30 UTC."]


def test_a_year_of_incident_pages_is_kept_and_the_history_lists_them_by_month(db_file, tmp_path):
    env = setup(tmp_path)
    plant(db_file)
    stale = tmp_path / "site" / "incidents"
    stale.mkdir(parents=True)
    (stale / "incident-0123456789ab.html").write_text("an incident page of long ago")
    (stale / "notes.txt").write_text("not ours: left alone")
    assert run_cli("publish", now=NOW, env=env).returncode == 0
    kept = sorted(p.name for p in stale.glob("incident-*.html"))
    assert len(kept) == 3 and "incident-0123456789ab.html" not in kept  # 300 and 45 days ago, and now; not 400
    assert (stale / "notes.txt").exists()
    month = json.loads((tmp_path / "site" / "status.json").read_text())["incidents"][0]
    own = (tmp_path / "site" / month["page"]).read_text()
    assert "Card payments fail since 00:30 UTC." in own and "Duration: 2 hours 24 minutes so far" in own
    assert "Components: Checkout, API" in own
    history = (tmp_path / "site" / "history.html").read_text()
    assert history.count('<section class="month"') == 12
    assert 'id="month-2026-10"' in history and ">Payments down</a>" in history and ">Slow checkout</a>" in history
    assert ">older than a year<" not in history
    resolved = next(p for p in (tmp_path / "site" / "incidents").glob("*.html") if "Payments down" in p.read_text())
    text = resolved.read_text()
    assert text.index("Payments fail.") < text.index("Recovering.") < text.index("Resolved.")  # in the order they came
    assert "Duration: 1 hour<" in text  # (the customers' words, as the messages say it: not "1 h 0 min")


@pytest.mark.parametrize("size", [(412, 915), (1280, 900)], ids=["phone", "desktop"])
def test_chromium_shows_the_states_the_days_the_incident_links_and_the_maintenance(db_file, tmp_path, size):
    from helpers.browser import dom

    env = setup(tmp_path)
    plant(db_file)
    assert run_cli("maintenance", "Database upgrade", "--from", iso(NOW - timedelta(minutes=30)), "--to", "04:00Z",
                   "--component", "Login", now=NOW, env=env).returncode == 0
    assert run_cli("publish", now=NOW, env=env).returncode == 0
    seen = dom(tmp_path / "site" / "index.html", size)
    assert '<li class="component" data-state="major outage"><span class="name">Checkout</span>' in seen
    assert '<li class="component" data-state="under maintenance"><span class="name">Login</span>' in seen
    assert 'data-running="true">Under maintenance: Database upgrade' in seen
    assert seen.count('<span class="day') == 4 * 90
    assert '<a href="incidents/incident-' in seen
    assert seen.count('class="component-history"') == 4
    own = dom(next((tmp_path / "site" / "incidents").glob("*.html")), size)
    assert "Duration:" in own and 'href="../index.html"' in own


def test_hostile_text_stays_text_on_every_page_feed_and_mail(db_file, tmp_path):
    mailbox = Mailbox()
    try:
        env = setup(tmp_path, mailbox.url, hostile_name=json.dumps(HOSTILE_NAME))
        hostile = [(0.1, "P0", "payments", HOSTILE, HOSTILE, [HOSTILE, HOSTILE], None),
                   (20, "P1", "payments", HOSTILE, "", [HOSTILE], 2)]
        assert run_cli("subscribers", "add", "ann@example.com", now=NOW - timedelta(days=30), env=env).returncode == 0
        plant(db_file, hostile, components=("Checkout", HOSTILE_NAME))
        assert run_cli("maintenance", HOSTILE, "--from", iso(NOW + timedelta(hours=1)), "--to", "23:00Z",
                       "--notice", HOSTILE, now=NOW, env=env).returncode == 0
        published = run_cli("publish", now=NOW, env=env)
        assert published.returncode == 0, published.stderr
        site = tmp_path / "site"
        files = [p for p in site.rglob("*") if p.is_file()]
        assert len(files) >= 10
        for path in files:
            text = path.read_text()
            assert "<script" not in text and "<img" not in text and "\u202e" not in text, path  # (JSON: \\u003c)
            if path.suffix == ".html":
                tree = strict(text, path.name)
                assert tree.findall(".//script") == [] and tree.findall(".//img") == [] and tree.findall(".//i") == [], path
                assert "alert(1)" in text  # shown, as text
            if path.suffix == ".xml":
                atom(path)
        page = json.loads((site / "status.json").read_text())
        assert page["incidents"][0]["title"] == HOSTILE.replace("\u202e", "\\u202e")  # the text, read back whole
        assert mailbox.received, "the subscriber was mailed"
        for mail in mailbox.received:
            assert "\n" not in mail["Subject"] and "\u202e" not in mail["Subject"] + mail.get_content()
            assert mail.get_content_type() == "text/plain" and "alert(1)" in mail.get_content()
        assert db_rows(db_file, "SELECT count(*) FROM maintenance") == [(1,)]
    finally:
        mailbox.stop()
