"""Every recorded Teams activity (tests/support/payloads/teams/) through the real /api/messages, on both
databases: the status, the evidence kept, the conversation reference, replies, and no ERROR in the log."""

from __future__ import annotations

import itertools
import logging
from collections.abc import AsyncIterator
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from handlers.features import build_router
from handlers.messenger import MessageRef, Recipient
from handlers.nudges import DueItem, nudge_message
from storage.clock import FixedClock
from storage.models import Action, Evidence, Person, PlatformIdentity
from tests.support.fakes import teams_activities as acts
from tests.support.handlers_support import sent_nudge
from tests.support.payload_replay import Recorded, errors_logged, recorded, settle, statuses, substitute
from tests.support.teams_fixtures import TeamsRig, TeamsUser, start_rig

CASEY = "casey.testcase@example.org"  # owns INF-1
TEAMS = recorded("teams")
_activity_ids = itertools.count(1)


@pytest.fixture
async def rig(db_url: str, clock: FixedClock) -> AsyncIterator[TeamsRig]:
    rig = await start_rig(db_url, clock, build_router())
    yield rig
    await rig.close()


async def send_nudge(rig: TeamsRig, email: str, keys: list[str]) -> MessageRef:
    deps = rig.core.deps
    async with deps.sessions() as session:
        person = await session.scalar(select(Person).where(Person.email == email))
        assert person is not None
        found = {a.key: a for a in (await session.scalars(select(Action).where(Action.key.in_(keys)))).all()}
    ref = await rig.messenger().send_direct(
        Recipient(person_id=person.id, name=person.name, email=person.email),
        nudge_message(person.name, [DueItem(k, found[k].title, "October 2024") for k in keys]),
    )
    await sent_nudge(deps, email, keys, ref=ref)
    return ref


async def evidence(rig: TeamsRig) -> list[dict[str, Any]]:
    async with rig.core.deps.sessions() as session:
        rows = await session.scalars(
            select(Evidence).options(selectinload(Evidence.action)).order_by(Evidence.id)
        )
        return [{"action": e.action.key, "status": e.status, "links": list(e.links)} for e in rows]


async def has_reference(rig: TeamsRig, user: TeamsUser) -> bool:
    async with rig.core.deps.sessions() as session:
        identity = await session.scalar(
            select(PlatformIdentity).where(
                PlatformIdentity.platform == "teams", PlatformIdentity.external_id == user.aad
            )
        )
    return identity is not None and identity.conversation_ref is not None


def names(rig: TeamsRig, user: TeamsUser, nudge: MessageRef) -> dict[str, str]:
    return {
        "$ACTIVITY_ID": f"replayed-{next(_activity_ids)}",
        "$SERVICE_URL": rig.fake.service_url,
        "$USER_ID": user.user_id,
        "$AAD": user.aad,
        "$BOT_ID": acts.BOT_ID,
        "$TENANT": acts.TENANT,
        "$CONVERSATION": user.conversation,
        "$CARD_ID": nudge.id,
    }


def test_every_recorded_activity_names_its_source() -> None:
    assert len(TEAMS) >= 8
    for item in TEAMS:
        assert item.source.strip() and item.kind == "activity", item.name


@pytest.mark.parametrize("item", TEAMS, ids=[i.name for i in TEAMS])
async def test_a_recorded_teams_activity_replays_cleanly(
    rig: TeamsRig, item: Recorded, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    casey = rig.user(CASEY)
    assert await rig.install(casey) == 202
    nudge = await send_nudge(rig, CASEY, ["INF-1"])
    sent_before = len(rig.fake.sent())
    body = substitute(item.body, names(rig, casey, nudge))

    assert await rig.post(body) in statuses(item.expect)
    await settle(0.1)

    wanted = item.expect.get("evidence", [])
    rows = await evidence(rig)
    assert len(rows) == len(wanted), rows
    for row, w in zip(rows, wanted, strict=True):
        assert all(row.get(k) == v for k, v in w.items()), (row, w)
    if "reference" in item.expect:
        assert await has_reference(rig, casey) is item.expect["reference"]
    if "replies" in item.expect:
        assert len(rig.fake.sent()) - sent_before >= item.expect["replies"]
    assert errors_logged(caplog.records) == []
