"""Regenerate screenshots/*.svg from the real console on a scratch database with a fixed clock.

Run:  .venv/bin/python scripts/screenshots.py
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

os.environ["TZ"] = "UTC"
time.tzset()

from warroom.config import parse  # noqa: E402
from warroom.console.launch import make_app  # noqa: E402
from warroom.domain import actions  # noqa: E402
from warroom.service import Service  # noqa: E402
from warroom.store import Store  # noqa: E402

T0 = datetime(2026, 11, 27, 3, 0, tzinfo=UTC)
OUT = Path(__file__).resolve().parent.parent / "screenshots"


# A team's config with a runbook for the service, as `warroom config --default` explains it.
TEAM_TOML = b"""
[runbooks.auth]
feature_flag = { flag = "token_v2", command = "flagctl set token_v2 off --env prod" }
deploy_rollback = "kubectl -n auth rollout undo deployment/auth-api"
data_correction = { link = "https://wiki.example.com/runbooks/auth-data" }
"""
TEAM = parse(TEAM_TOML, Path("team.toml"))


def at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


STORY = [
    (actions.note, "alice", 1, "paged: login 401 rate 38% on web"),
    (actions.set_lever, "alice", 2, 1, "pulled"),
    (actions.wear_hat, "bob", 3, "investigator"),
    (actions.note, "bob", 4, "hypothesis: deploy 142 changed the token format"),
    (actions.set_lever, "alice", 5, 1, "effective"),
    (actions.report_finding, "bob", 7, "401s began with deploy 142; old tokens fail validation"),
    (actions.wear_hat, "carol", 8, "communicator"),
    (actions.notify, "carol", 9, "manager", "Dana (EM), Sam (PM)"),
]


async def seed(path: Path, story) -> None:
    store = await Store.open(path)
    await store.declare(actions.declare("alice", T0, "Login fails with 401 after deploy 142", "P1",
                                        detected=T0, impact_started=at(-4), service="auth",
                                        impact="logins for users holding tokens issued before deploy 142"))
    for action, actor, minute, *args in story:
        await store.append(action(await store.load("INC-1"), actor, at(minute), *args))
    await store.close()


async def shoot(name: str, actor: str, minute: float, size: tuple[int, int], story=STORY, config=TEAM,
                press: tuple[str, ...] = ()) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "shot.db"
        await seed(path, story)
        app = make_app(path, clock=lambda: at(minute), actor=actor, config=config,
                       clipboard=[("the tmux paste buffer", lambda text: True)])
        async with app.run_test(size=size) as pilot:
            await pilot.pause(0.5)
            for key in press:
                await pilot.press(key)
                await pilot.pause(0.3)
            app.save_screenshot(str(OUT / f"{name}.svg"))
    print(f"wrote screenshots/{name}.svg", file=sys.stderr)


async def shoot_demo(name: str, size: tuple[int, int]) -> None:
    from warroom.drills.demo import write_demo

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "demo.db"
        store = await Store.open(path)
        code = await write_demo(Service(store, None, lambda: at(45)), at(45))
        await store.close()
        app = make_app(path, clock=lambda: at(46), actor="alice", code=code)
        async with app.run_test(size=size) as pilot:
            await pilot.pause(0.5)
            app.save_screenshot(str(OUT / f"{name}.svg"))
    print(f"wrote screenshots/{name}.svg", file=sys.stderr)


async def shoot_page(name: str, size: tuple[int, int]) -> None:
    """An incident Alertmanager opened: two alerts firing, one resolved, bob investigating."""
    import json

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
    from helpers.pages import alert, alertmanager

    from warroom.integrations.alerts import alertmanager as decode

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "page.db"
        store = await Store.open(path)
        starts = (T0 - timedelta(minutes=6)).isoformat()
        firing = [alert("CheckoutErrors", instance=f"web-{n}", starts=starts) for n in (1, 2, 3)]
        await store.take_page(decode(json.dumps(alertmanager(alerts=firing)).encode(), T0))
        await store.append(actions.wear_hat(await store.load("INC-1"), "bob", at(2), "investigator"))
        calm = alertmanager(status="resolved", alerts=[alert("CheckoutErrors", instance="web-3", status="resolved")])
        await store.take_page(decode(json.dumps(calm).encode(), at(6)))
        await store.close()
        app = make_app(path, clock=lambda: at(7), actor="bob")
        async with app.run_test(size=size) as pilot:
            await pilot.pause(0.5)
            app.save_screenshot(str(OUT / f"{name}.svg"))
    print(f"wrote screenshots/{name}.svg", file=sys.stderr)


async def shoot_status_page(names: tuple[str, str]) -> None:
    """The public status page (issue 30) in headless Chromium, at a phone's and a desktop's size
    (PNGs: the browser's own pixels): components, a P0 with a client notice and an update, the
    90 days with a P1 of last month, and a maintenance announced for tomorrow."""
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
    from helpers.browser import screenshot

    from warroom.domain.maintenance import plan
    from warroom.integrations.statuspage import publish

    components = ("Checkout", "Login", "API", "Search")
    services = {"payments": ("Checkout", "API"), "auth": ("Login",)}
    with tempfile.TemporaryDirectory() as folder:
        path, site = Path(folder) / "page.db", Path(folder) / "site"
        store = await Store.open(path)
        past = at(-40 * 24 * 60)
        await store.declare(actions.declare("alice", past, "Login errors", "P1", detected=past, service="auth",
                                            impact="logins on the mobile app"))
        await store.append(actions.communicate(await store.load("INC-1"), "carol", past + timedelta(minutes=8), "client notice",
                                               "Some mobile app users cannot log in. We are investigating.", sent=True,
                                               switch=True, override="told by phone"))
        await store.append(actions.resolve(await store.load("INC-1"), "alice", past + timedelta(hours=3), override="resolved for the screenshot"))
        await store.declare(actions.declare("alice", T0, "Checkout fails for card payments", "P0", detected=T0,
                                            service="payments", impact="card payments at checkout, all regions"))
        for minute, template, text in (
                (9, "client notice", "We are aware of failed card payments at checkout since 03:00 UTC and are "
                                     "investigating. Next update by 03:30 UTC."),
                (24, "status update", "Card payments are working again after a rollback. We are monitoring and will "
                                      "update by 04:00 UTC.")):
            state = await store.load("INC-2")
            await store.append(actions.communicate(state, "carol", at(minute), template, text, sent=True, switch=True,
                                                   override="leadership told by phone"))
        await store.append(actions.set_lever(await store.load("INC-2"), "alice", at(20), 1, "pulled"))
        await store.append(actions.set_lever(await store.load("INC-2"), "alice", at(22), 1, "effective"))
        tomorrow = (T0 + timedelta(days=1)).replace(hour=2, minute=0)
        await store.schedule(plan(0, "Database upgrade", tomorrow.isoformat(), "04:00Z", ["API"], components, at(0), "alice",
                                  "API writes pause for up to ten minutes."))
        await publish(store, site, at(25), "Acme status", components, services, await store.maintenances(since=at(25)))
        await store.close()
        screenshot(site / "index.html", OUT / f"{names[0]}.png", (412, 915))
        screenshot(site / "index.html", OUT / f"{names[1]}.png", (1280, 900))
    print(f"wrote screenshots/{names[0]}.png and {names[1]}.png", file=sys.stderr)


async def shoot_scorecard(name: str, size: tuple[int, int]) -> None:
    """The scorecard of the seed's JWT outage played as a drill (the demo's moves, one of them
    late), as it shows when the drill is resolved."""
    import warroom.drills.demo as demo
    from warroom.drills.scenario import find

    scenario = find("jwt-outage")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "drill.db"
        store = await Store.open(path)
        detected = at(-41)
        code = (await store.declare(actions.declare("alice", detected, scenario.title, "P1", detected=detected,
                                                    impact_started=detected - scenario.impact_before,
                                                    service=scenario.service, impact=scenario.impact,
                                                    drill=scenario.name))).incident
        late = [(step[0] + 9, *step[1:]) if step[2] is actions.communicate and step[0] == 10 else step for step in demo.STORY]
        await demo.replay(Service(store, None, lambda: at(0)), code, detected, sorted(late, key=lambda step: step[0]))
        await store.close()
        app = make_app(path, clock=lambda: at(0), actor="alice", code=code, drill=scenario)
        async with app.run_test(size=size) as pilot:
            await pilot.pause(0.5)
            app.show_scorecard()
            await pilot.pause(0.5)
            app.save_screenshot(str(OUT / f"{name}.svg"))
    print(f"wrote screenshots/{name}.svg", file=sys.stderr)


async def shoot_facilitator(names: tuple[str, str], sizes: tuple[tuple[int, int], tuple[int, int]]) -> None:
    """A drill at T+7 with its facilitator beside it: the players' console, and the
    facilitator's (the script, an ad-hoc customer report, the clock paused for everyone)."""
    from warroom.console.facilitator import FacilitatorApp
    from warroom.domain import practice
    from warroom.drills import injects
    from warroom.drills.clock import DrillClock
    from warroom.drills.scenario import find

    scenario = find("jwt-outage")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "drill.db"
        store = await Store.open(path)
        detected, real_start = at(0), at(-24 * 60)
        code = (await store.declare(actions.declare(
            "alice", detected, scenario.title, "P1", detected=detected, impact_started=detected - scenario.impact_before,
            service=scenario.service, impact=scenario.impact, drill=scenario.name, drill_clock=(10.0, real_start)))).incident
        service = Service(store, None, lambda: at(7))
        state = await store.load(code)
        await service.append(injects.due(scenario, state, at(7), set()))
        for minute, action, *args in ((1, actions.set_lever, 1, "pulled"), (2.5, actions.set_lever, 1, "no effect"),
                                      (3, actions.set_lever, 2, "pulled")):
            await service.append(action(await store.load(code), "alice", at(minute), *args))
        state = await store.load(code)
        await service.append(injects.ad_hoc(state, "customer", "I was logged out and cannot log back in", at(6.5)))
        await service.append(practice.pause(await store.load(code), "dana", at(7), "facilitator"))
        await store.close()
        clock = DrillClock(10, real=lambda: at(7), start=at(7))
        clock.pause()
        player = make_app(path, clock=clock, actor="alice", code=code, drill=scenario)
        async with player.run_test(size=sizes[0]) as pilot:
            await pilot.pause(0.8)
            player.save_screenshot(str(OUT / f"{names[0]}.svg"))
        facilitator = FacilitatorApp(path, code, scenario, "dana", lambda: real_start + timedelta(minutes=0.7))
        async with facilitator.run_test(size=sizes[1]) as pilot:
            await pilot.pause(0.8)
            facilitator.save_screenshot(str(OUT / f"{names[1]}.svg"))
    print(f"wrote screenshots/{names[0]}.svg and {names[1]}.svg", file=sys.stderr)


async def shoot_start(name: str, size: tuple[int, int]) -> None:
    """The start screen with the walkthrough's declaration typed in (Enter not yet pressed)."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "start.db"
        app = make_app(path, clock=lambda: at(4), actor="alice", config=TEAM)
        async with app.run_test(size=size) as pilot:
            await pilot.pause(0.5)
            for text in ("JWT outage: logins rejected after auth 142", "logins for users with tokens issued before 142", "4m"):
                await pilot.press(*text, "tab")
            await pilot.pause(0.5)
            app.save_screenshot(str(OUT / f"{name}.svg"))
    print(f"wrote screenshots/{name}.svg", file=sys.stderr)


PAGING_TOML = TEAM_TOML + b"""
[people.bob]
email = "bob@example.com"
ntfy = "https://ntfy.example.com/bob-pager"
[people.carol]
email = "carol@example.com"
[people.dave]
ntfy = "https://ntfy.example.com/dave-pager"
[roles]
"engineering manager" = ["bob", "carol"]
PM = ["dave"]
[paging]
smtp = "smtp://mail.example.com:587"
from = "warroom@example.com"
answer_url = "https://warroom.example.com:9095"
"""


async def shoot_paging(name: str, size: tuple[int, int]) -> None:
    """The communicator's ledger: the EM and PM paged at minute 8, bob silent so carol was
    paged at 13 and acknowledged at 14, dave's page delivered and unanswered at 16."""
    from warroom.domain import escalation

    config = parse(PAGING_TOML, Path("team.toml"))
    roster = config.roster
    story = [step for step in STORY if step[0] is not actions.notify]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "paging.db"
        await seed(path, story)
        store = await Store.open(path)
        state = await store.load("INC-1")
        text = "INC-1 [P1] Login fails with 401 after deploy 142\n— carol"
        bob, dave = await store.append(escalation.page(state, "carol", at(8), roster, ["engineering manager", "PM"], text,
                                                       deadline="manager"))
        for page, channel, minute in ((bob, "email", 8.1), (bob, "ntfy", 8.1), (dave, "ntfy", 8.2)):
            made = escalation.delivered(await store.load("INC-1"), at(minute), page.payload["ticket"], channel)
            await store.append([made])
        [carol] = escalation.escalations(await store.load("INC-1"), roster, at(13))
        [carol] = await store.append([carol])
        await store.append([escalation.delivered(await store.load("INC-1"), at(13.1), carol.payload["ticket"], "email")])
        await store.append([escalation.acknowledge(await store.load("INC-1"), at(14), carol.payload["ticket"], "link")])
        await store.close()
        app = make_app(path, clock=lambda: at(16), actor="carol", config=config, alerts=False)
        async with app.run_test(size=size) as pilot:
            await pilot.pause(0.5)
            app.save_screenshot(str(OUT / f"{name}.svg"))
    print(f"wrote screenshots/{name}.svg", file=sys.stderr)


async def shoot_page_email(name: str) -> None:
    """The email a page sends, as the outbox makes it (the real message: headers and text),
    shown in headless Chromium the way a plain mail reader shows it, at a phone's size."""
    import json
    from html import escape

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
    from helpers.browser import screenshot

    from warroom.domain import escalation
    from warroom.domain.templates import page_text
    from warroom.integrations.pager import announcer, email_message

    config = parse(PAGING_TOML, Path("team.toml"))
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "email.db"
        await seed(path, [step for step in STORY if step[0] is not actions.notify])
        store = await Store.open(path)
        state = await store.load("INC-1")
        text = page_text(state, at(8), "carol", config.book.policy, config.book.templates)
        [bob] = await store.append(escalation.page(state, "carol", at(8), config.roster, ["engineering manager"], text,
                                                   deadline="manager"))
        messages = announcer(config.roster, await store.page_secret(), store.database_id)(bob, await store.load("INC-1"))
        await store.close()
        sent = next(m for m in messages if m.webhook == "email")
        mail = email_message(json.loads(sent.body), sent.url, config.roster.paging, sent.key)
        heads = "".join(f"<div><b>{h}:</b> {escape(str(mail[h]))}</div>" for h in ("From", "To", "Subject"))
        page = Path(folder) / "email.html"
        page.write_text(f"""<!doctype html><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<body style="font-family:system-ui,sans-serif;margin:0;background:#f4f4f4">
<div style="background:#fff;padding:14px 16px;border-bottom:1px solid #ddd;font-size:14px;line-height:1.5">{heads}</div>
<pre style="white-space:pre-wrap;overflow-wrap:anywhere;font-family:system-ui,sans-serif;font-size:15px;line-height:1.45;padding:16px;margin:0">{escape(mail.get_content())}</pre>
</body>""")
        screenshot(page, OUT / f"{name}.png")
    print(f"wrote screenshots/{name}.png", file=sys.stderr)


sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))  # the insights' generated history


def _history(path: Path) -> None:
    """Two years of generated incidents with their figures planted (the insights' tests' history)."""
    from helpers.history import generate, write

    write(path, generate(2000))


async def shoot_insights(name: str, size: tuple[int, int]) -> None:
    """The insights screen over two years of incidents (the command palette's Insights, then 3)."""
    from helpers.history import NOW

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "history.db"
        await asyncio.to_thread(_history, path)
        app = make_app(path, clock=lambda: NOW, actor="alice", config=TEAM)
        async with app.run_test(size=size) as pilot:
            await pilot.pause(0.5)
            app.action_show_insights()  # (the history has open incidents: the console opens on the newest)
            await pilot.pause(0.5)
            await pilot.press("3")
            await pilot.pause(1.0)
            app.save_screenshot(str(OUT / f"{name}.svg"))
    print(f"wrote screenshots/{name}.svg", file=sys.stderr)


def shoot_insights_terminal(name: str, size: tuple[int, int]) -> None:
    """`warroom insights` as it prints in a real tmux pane, captured with its colours."""
    import shlex
    import shutil
    import subprocess

    from helpers.history import NOW
    from rich.console import Console
    from rich.text import Text

    width, height = size
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "history.db"
        _history(path)
        socket = f"warroom-shot-{os.getpid()}"
        exe = shutil.which("warroom", path=str(Path(sys.executable).parent)) or "warroom"
        command = (f"env WARROOM_DB={shlex.quote(str(path))} WARROOM_NOW={NOW.isoformat()} TZ=UTC "
                   f"{shlex.quote(exe)} insights --since 2y --by quarter; sleep 30")
        try:
            subprocess.run(["tmux", "-L", socket, "new-session", "-d", "-x", str(width), "-y", str(height), command], check=True)
            time.sleep(3)
            shown = subprocess.run(["tmux", "-L", socket, "capture-pane", "-p", "-e", "-S", "-"], capture_output=True, text=True,
                                   check=True).stdout
        finally:
            subprocess.run(["tmux", "-L", socket, "kill-server"], capture_output=True)
            Path(f"/tmp/tmux-{os.getuid()}/{socket}").unlink(missing_ok=True)
    console = Console(record=True, width=width, file=open(os.devnull, "w"), force_terminal=True, color_system="truecolor")
    console.print(Text.from_ansi(shown.rstrip("\n")))
    (OUT / f"{name}.svg").write_text(console.export_svg(title="warroom insights --since 2y --by quarter"))
    print(f"wrote screenshots/{name}.svg", file=sys.stderr)


async def main() -> None:
    OUT.mkdir(exist_ok=True)
    if sys.argv[1:] == ["facilitator"]:
        await shoot_facilitator(("drill-players-100x32", "drill-facilitator-100x32"), ((100, 32), (100, 32)))
        return
    if sys.argv[1:] == ["insights"]:
        await shoot_insights("console-insights-100x40", (100, 40))
        await asyncio.to_thread(shoot_insights_terminal, "insights-terminal-100x60", (100, 60))
        return
    if sys.argv[1:] == ["status"]:
        await shoot_status_page(("status-page-phone-412x915", "status-page-desktop-1280x900"))
        return
    if sys.argv[1:] == ["paging"]:
        await shoot_paging("console-paging-ledger-100x36", (100, 36))
        await shoot_page_email("page-email-phone-412x915")
        return
    # 80×24 first: a tmux pane beside a shell is the size the console is made for
    await shoot("console-commander-80x24", "alice", 17, (80, 24))
    await shoot("console-communicator-80x24", "carol", 17, (80, 24))
    await shoot("console-investigator-60x20", "bob", 17, (60, 20))
    await shoot_start("start-80x24", (80, 24))
    await shoot("console-client-notice-sent-question-80x24", "carol", 10, (80, 24), press=("y",))
    await shoot("console-help-80x24", "alice", 10, (80, 24), press=("question_mark",))
    await shoot_demo("demo-resolved-jwt-80x24", (80, 24))
    # wider screens show more
    await shoot_demo("demo-resolved-jwt-120x36", (120, 36))
    await shoot("console-commander-160x48", "alice", 10, (160, 48))
    high_contrast = parse(b'theme = "high-contrast"\n' + TEAM_TOML, Path("team.toml"))
    await shoot("console-high-contrast-120x36", "alice", 10, (120, 36), config=high_contrast)
    await shoot_page("console-paged-by-alertmanager-140x36", (140, 36))
    await shoot_status_page(("status-page-phone-412x915", "status-page-desktop-1280x900"))
    await shoot_scorecard("drill-scorecard-100x36", (100, 36))
    await shoot_paging("console-paging-ledger-100x36", (100, 36))
    await shoot_page_email("page-email-phone-412x915")
    await shoot_facilitator(("drill-players-100x32", "drill-facilitator-100x32"), ((100, 32), (100, 32)))
    await shoot_insights("console-insights-100x40", (100, 40))
    await asyncio.to_thread(shoot_insights_terminal, "insights-terminal-100x60", (100, 60))


if __name__ == "__main__":
    asyncio.run(main())
