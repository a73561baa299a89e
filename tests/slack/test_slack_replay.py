"""Every recorded Slack request body (tests/support/payloads/slack/) through the real app, on both databases:
the status Slack would see, the evidence it leaves, what the bot told the person, and no ERROR or
traceback in the log."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from storage.clock import FixedClock
from storage.models import Evidence
from tests.support.fakes.slack_api import Call
from tests.support.payload_replay import (
    Recorded,
    errors_logged,
    recorded,
    settle,
    slack_body,
    statuses,
    substitute,
)
from tests.support.slack_fixtures import SlackRig, eventually, start_rig
from tests.support.slack_nudges import post_nudge

CASEY = "casey.testcase@example.org"  # owns INF-1
SLACK = recorded("slack")


@pytest.fixture
async def rig(db_url: str, clock: FixedClock) -> AsyncIterator[SlackRig]:
    rig, stop = await start_rig(database_url=db_url, clock=clock)
    yield rig
    await stop()


async def evidence(rig: SlackRig) -> list[dict[str, Any]]:
    async with rig.core.deps.sessions() as session:
        rows = await session.scalars(
            select(Evidence).options(selectinload(Evidence.action)).order_by(Evidence.id)
        )
        return [{"action": e.action.key, "status": e.status, "links": list(e.links)} for e in rows]


def matches(row: dict[str, Any], wanted: dict[str, Any]) -> bool:
    return all(row.get(key) == value for key, value in wanted.items())


def test_every_recorded_payload_names_its_source() -> None:
    assert len(SLACK) >= 12
    for item in SLACK:
        assert item.source.strip() and item.kind in {"event", "interaction", "command"}, item.name


@pytest.mark.parametrize("item", SLACK, ids=[i.name for i in SLACK])
async def test_a_recorded_slack_request_replays_cleanly(
    rig: SlackRig, item: Recorded, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    nudge = await post_nudge(rig, CASEY, ["INF-1"])
    names = {
        "$OWNER": rig.user(CASEY),
        "$DM": nudge.channel,
        "$NUDGE_TS": nudge.id,
        "$RESPONSE_URL": rig.fake.response_url(),
        "$BOT": "U-NUDGEBOT",
    }
    before = len(rig.sent())
    body, content_type = slack_body(item, names)
    reply = await rig.post(body, content_type=content_type)
    assert reply.status in statuses(item.expect), reply

    wanted: list[dict[str, Any]] = substitute(item.expect.get("evidence", []), names)
    rows = await rows_when(rig, len(wanted))
    assert len(rows) == len(wanted), rows
    for row, w in zip(rows, wanted, strict=True):
        assert matches(row, w), (row, w)
    if "body_contains" in item.expect:
        assert item.expect["body_contains"] in reply.text
    for method in item.expect.get("calls", []):
        await eventually(called(rig, str(method)))
    if item.expect.get("told"):
        # Somebody was told something after the click: a message, an update or a published Home tab.
        await eventually(lambda: len(rig.sent()) > before)
    await settle()
    assert errors_logged(caplog.records) == []


def called(rig: SlackRig, method: str) -> Callable[[], list[Call]]:
    return lambda: rig.fake.calls_to(method)


async def rows_when(rig: SlackRig, count: int, *, within: float = 10.0) -> list[dict[str, Any]]:
    """The evidence rows once `count` have arrived (listeners write after their ack), and a moment
    more, so that a reply kept twice shows up as two rows."""
    for _ in range(int(within / 0.05)):
        if len(await evidence(rig)) >= count:
            break
        await asyncio.sleep(0.05)
    await settle()
    return await evidence(rig)
