"""A generated history of incidents with known figures planted (issue 28's insights): each
incident's events written out directly (what the store and the fold read), and beside them the
figures planted, so a test computes what insights must say on its own.

Planted for incident n (minutes unless said): detected at a random moment of the two years
before NOW; its impact started `detect` before; declared `declared` after detection; the levers
before the containing one each skipped or pulled with no effect; the containing lever effective
`contain` after detection; the root cause `identify` after detection; the fix deployed `fix`
after the root cause; resolved `resolve` after detection (every 13th is still open). P0 and P1
send the client notice `notice_late` minutes after its 15-minute deadline (0: on time; None:
never, so missed). Every 9th resolves with the soak skipped, a rule overridden with one of
three reasons. Most notify deadlines are ticked, a few minutes either side of their time. Every 4th has a follow-up due 14 days after detection, closed `close_days`
later for every 8th. Every 50th is a drill (practice), which real insights leave out.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from warroom.domain import schema
from warroom.domain.model import (
    EFFECTIVE,
    LEVERS,
    NO_EFFECT,
    PULLED,
    ROLE_OF_KIND,
    RULE_PATH_DONE,
    SKIPPED,
    STEP_DEPLOYED,
    STEP_FLAG_REENABLED,
    STEP_ROOT_CAUSE,
    STEP_SOAK,
    STEP_STAGING,
    Event,
)
from warroom.domain.policy import NOTIFY, POLICY

NOW = datetime(2026, 11, 27, 3, 0, tzinfo=UTC)
DAYS = 730
REASONS = ("soak later, the customer is waiting", "verified in production already", "the soak ran on the canary")


@dataclass
class Planted:
    code: str
    detected: datetime
    severity: str
    detect: int
    declared: int
    lever: int
    no_effect: list[int]
    contain: int
    identify: int
    fix: int
    resolve: int | None  # None: still open
    notice_late: int | None = None  # P0/P1 only; None: never sent
    reason: str = ""  # a rule overridden with this reason ("" : none)
    followup_due: str = ""
    close_days: int | None = None
    drill: bool = False
    notified: dict[str, int] = field(default_factory=dict)  # a notify deadline's id: minutes from its due time to its tick
    events: list[Event] = field(default_factory=list)


def _event(code: str, at: datetime, actor: str, payload: schema.Payload) -> Event:
    kind = schema.KIND_OF[type(payload)]
    return Event(code, at, actor, ROLE_OF_KIND.get(kind, "commander"), kind, schema.stored(payload))


def generate(count: int = 2000, seed: int = 28, now: datetime = NOW) -> list[Planted]:
    rng = random.Random(seed)
    found = []
    for n in range(count):
        drill = n % 50 == 49
        code = f"DRILL-{n + 1}" if drill else f"INC-{n + 1}"
        detected = (now - timedelta(days=DAYS) + timedelta(minutes=rng.randrange(60, DAYS * 1440 - 24 * 60))).replace(second=0, microsecond=0)
        severity = rng.choice(("P0", "P1", "P1", "P2", "P2", "P3"))
        declared, lever = rng.randrange(0, 6), rng.choice((1, 1, 2, 2, 3, 4))
        no_effect = [j for j in range(1, lever) if rng.random() < 0.4]
        contain = declared + 2 * lever + rng.randrange(2, 120)
        identify = contain + rng.randrange(1, 90)
        fix = rng.randrange(5, 240)
        open_still = n % 13 == 12 and detected > now - timedelta(days=30)
        resolve = None if open_still else identify + fix + rng.randrange(10, 120)
        planted = Planted(code, detected, severity, rng.randrange(1, 30), declared, lever, no_effect, contain, identify, fix,
                          resolve, drill=drill)
        if severity in ("P0", "P1"):
            planted.notice_late = rng.choice((0, 0, 0, 4, 11, 27, None))
        planted.notified = {rule.id: rng.choice((-6, -3, 0, 2, 9)) for rule in POLICY[severity].rules
                            if rule.met_by == NOTIFY and rule.minutes is not None and rng.random() < 0.9}
        if n % 9 == 0 and resolve is not None:
            planted.reason = REASONS[(n // 9) % 3 if (n // 9) % 5 else 0]
        if n % 4 == 0:
            planted.followup_due = (detected + timedelta(days=14)).date().isoformat()
            if n % 8 == 0 and resolve is not None:
                planted.close_days = rng.randrange(1, 30)
        planted.events = _events(planted)
        found.append(planted)
    return found


def _events(p: Planted) -> list[Event]:
    at = lambda minutes: p.detected + timedelta(minutes=minutes)  # noqa: E731
    who = "alice"
    events = [_event(p.code, at(p.declared), who, schema.Declared(
        title=f"incident {p.code}", severity=p.severity, detected=p.detected, impact_started=at(-p.detect),
        drill="jwt-outage" if p.drill else ""))]
    minute = p.declared + 1
    for j in range(1, p.lever):
        if j in p.no_effect:
            events.append(_event(p.code, at(minute), who, schema.LeverChanged(lever=j, name=LEVERS[j - 1], state=PULLED, was="untried")))
            events.append(_event(p.code, at(minute + 1), who, schema.LeverChanged(lever=j, name=LEVERS[j - 1], state=NO_EFFECT, was=PULLED)))
        else:
            events.append(_event(p.code, at(minute), who, schema.LeverChanged(lever=j, name=LEVERS[j - 1], state=SKIPPED, was="untried",
                                                                               reason="does not apply here")))
        minute += 2
    events.append(_event(p.code, at(minute), who, schema.LeverChanged(lever=p.lever, name=LEVERS[p.lever - 1], state=PULLED, was="untried")))
    events.append(_event(p.code, at(p.contain), who, schema.LeverChanged(lever=p.lever, name=LEVERS[p.lever - 1], state=EFFECTIVE, was=PULLED)))
    for deadline, late in p.notified.items():
        minutes = next(rule.minutes for rule in POLICY[p.severity].rules if rule.id == deadline) + late
        events.append(_event(p.code, at(max(minutes, p.declared)), "carol", schema.EscalationNotified(deadline=deadline, whom="Dana")))
    if p.notice_late is not None:
        events.append(_event(p.code, at(15 + p.notice_late), "carol", schema.CommunicationSent(template="client notice", text="We know.")))
    events.append(_event(p.code, at(p.identify), who, schema.ResolutionStep(step=STEP_ROOT_CAUSE, note="found")))
    events.append(_event(p.code, at(p.identify + 1), who, schema.ResolutionStep(step=STEP_STAGING)))
    events.append(_event(p.code, at(p.identify + p.fix), who, schema.ResolutionStep(step=STEP_DEPLOYED)))
    if p.followup_due:
        events.append(_event(p.code, at(p.identify + p.fix), who, schema.FollowupAdded(
            text=f"prevent {p.code}", owner="bob", due=p.followup_due)))
    if p.resolve is not None:
        events.append(_event(p.code, at(p.resolve - 2), who, schema.ResolutionStep(step=STEP_FLAG_REENABLED)))
        if p.reason:
            events.append(_event(p.code, at(p.resolve), who, schema.RuleOverridden(rule=RULE_PATH_DONE, reason=p.reason)))
        else:
            events.append(_event(p.code, at(p.resolve - 1), who, schema.ResolutionStep(step=STEP_SOAK)))
        events.append(_event(p.code, at(p.resolve), who, schema.Resolved()))
    if p.close_days is not None:
        events.append(_event(p.code, at(p.identify + p.fix) + timedelta(days=p.close_days), "bob", schema.FollowupDone(followup=1)))
    return events


def write(target, planted: list[Planted]) -> None:
    """Every generated incident into a database (a file or a server), in bulk, as a copy would."""
    import asyncio

    from warroom.store import open_store

    async def fill() -> None:
        store = await open_store(target)
        try:
            for start in range(0, len(planted), 500):
                batch = planted[start:start + 500]
                results = await store.import_many([(p.code, p.events) for p in batch], "the generated history")
                failed = [r for r in results if isinstance(r, Exception)]
                assert not failed, failed[:3]
        finally:
            await store.close()

    asyncio.run(fill())
