"""`warroom demo`: the seed's JWT outage, replayed through the ordinary event log, by the same
rules as the console (it contains before it diagnoses, stages before the flag comes back).

4 minutes to detect, 8 to identify the root cause, 5 to revert, 44 in all with the soak and
verification; the gap was prevention: a missing token-compatibility smoke test.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from warroom.domain import actions, followups
from warroom.domain.model import (
    EFFECTIVE,
    NO_EFFECT,
    PULLED,
    STEP_DEPLOYED,
    STEP_FLAG_REENABLED,
    STEP_ROOT_CAUSE,
    STEP_SOAK,
    STEP_STAGING,
)
from warroom.domain.policy import CLIENT_NOTICE, RESOLUTION_NOTICE, STATUS_UPDATE
from warroom.service import Service

TITLE = "[demo] JWT outage: logins rejected after auth-service 142"

# (minutes after detection, actor, action, arguments...)
STORY = [
    (2, "alice", actions.set_lever, 1, PULLED),
    (3, "alice", actions.set_lever, 1, NO_EFFECT),
    (3.5, "alice", actions.note, "token validation is not behind the auth_v2 flag"),
    (4, "bob", actions.wear_hat, "investigator"),
    (5, "carol", actions.wear_hat, "communicator"),
    (6, "carol", actions.notify, "manager", "Dana (EM) and Sam (PM), on the incident channel"),
    (7, "bob", actions.note, "401s start exactly at the 142 deploy; old tokens fail, new ones pass"),
    (8, "bob", actions.report_finding, "142 changed the JWT claim format; tokens issued before it are rejected"),
    (8, "alice", actions.acknowledge, None),
    (8, "alice", actions.resolution_step, STEP_ROOT_CAUSE,
     {"note_text": "auth-service 142 changed the JWT claim format; tokens issued before it fail validation"}),
    (8.5, "alice", actions.set_lever, 2, PULLED),
    (9, "carol", actions.notify, "team", "alice, bob and carol in the war room"),
    (10, "carol", actions.communicate, CLIENT_NOTICE,
     "Some users cannot log in since our last release. We have found the cause and are rolling it back; next update within 30 minutes.", True),
    (11, "alice", actions.resolution_step, STEP_STAGING),
    (13, "alice", actions.resolution_step, STEP_DEPLOYED),
    (13, "alice", actions.set_lever, 2, EFFECTIVE),
    (14, "alice", actions.resolution_step, STEP_FLAG_REENABLED),
    (30, "carol", actions.communicate, STATUS_UPDATE, "Logins work again since the rollback; we are verifying before we close this.", True),
    (38, "alice", actions.resolution_step, STEP_SOAK),
    (39, "alice", followups.add, "add a token-compatibility smoke test to the deploy pipeline", "bob"),
    (40, "alice", actions.resolve),
    (41, "carol", actions.communicate, RESOLUTION_NOTICE,
     "Logins work again for everyone; the cause, a change in our last release, is rolled back. "
     "We are sorry for the trouble.", True),
]


async def write_demo(service: Service, now: datetime) -> str:
    """Write the replay so that it was resolved a minute ago (its resolution notice sent now); returns its code."""
    detected = now - timedelta(minutes=41)
    draft = actions.declare("alice", detected + timedelta(minutes=1), TITLE, "P1", detected=detected,
                            impact_started=detected - timedelta(minutes=4), service="auth-service",
                            impact="logins for users holding tokens issued before auth-service 142")
    code = (await service.declare(draft)).incident
    await replay(service, code, detected, STORY)
    return code


async def replay(service: Service, code: str, detected: datetime, story: list) -> None:
    """Each (minutes after detection, actor, action, arguments...) of `story`, in turn, as the
    console would write it (through the service, as every write)."""
    for minutes, actor, action, *args in story:
        state = await service.store.load(code)
        moment = detected + timedelta(minutes=minutes)
        options = args.pop() if args and isinstance(args[-1], dict) else {}
        if action is actions.acknowledge:
            args = [state.unacknowledged[0].id]
        if action is actions.communicate:
            template, text, sent = args
            await service.append(action(state, actor, moment, template, text, sent=sent), state.severity)
            continue
        await service.append(action(state, actor, moment, *args, **options), state.severity)
