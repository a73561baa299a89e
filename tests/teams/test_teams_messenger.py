"""TeamsMessenger: proactive nudges from the stored conversation reference, after a restart too."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from aiohttp import web
from sqlalchemy import select

from handlers.features import build_router
from handlers.messages import Message, Text
from handlers.messenger import MessageRef, Recipient, SendError
from handlers.nudges import DueItem, nudge_message
from storage.clock import FixedClock
from storage.models import Person
from tests.support.fakes.teams_connector import FakeConnector
from tests.support.teams_fixtures import TeamsRig, start_rig

ALEX = "alex.example@example.org"


@pytest.fixture
async def fake() -> AsyncIterator[FakeConnector]:
    fake = await FakeConnector().start()
    yield fake
    await fake.stop()


async def recipient(rig: TeamsRig, email: str) -> Recipient:
    async with rig.core.deps.sessions() as session:
        person = await session.scalar(select(Person).where(Person.email == email))
    assert person is not None
    return Recipient(person_id=person.id, name=person.name, email=person.email)


async def installed_then_restarted(db_url: str, clock: FixedClock, fake: FakeConnector) -> TeamsRig:
    """Alex installs the app on one bot process; that process stops; a new one starts on the same DB."""
    first = await start_rig(db_url, clock, build_router(), fake=fake)
    await first.install(first.user(ALEX))
    await first.runner.cleanup()
    await first.http.close()
    await first.core.close()
    fake.calls.clear()
    return await start_rig(db_url, clock, build_router(), fake=fake, load=False)


async def test_nudge_after_restart_uses_the_stored_reference(
    db_url: str, clock: FixedClock, fake: FakeConnector
) -> None:
    rig = await installed_then_restarted(db_url, clock, fake)
    try:
        message = nudge_message("Alex Example", [DueItem("INF-1", "Meet partners", "October 2024")])
        ref = await rig.messenger().send_direct(await recipient(rig, ALEX), message)
        assert ref.platform == "teams" and ref.channel == "a:personal-1" and ref.id
        sent = fake.sent()
        assert [c.path for c in sent] == ["/v3/conversations/a:personal-1/activities"]
        card = sent[0].cards[0]
        buttons = [a for e in card["body"] if e["type"] == "ActionSet" for a in e["actions"]]
        assert {"nudgebot_action": "nudge.on_track", "value": "INF-1"} in [b["data"] for b in buttons]
        assert sent[0].body["summary"] == message.fallback
        # Without TEAMS_APP_PASSWORD (development) no credential of any kind leaves the process.
        assert sent[0].authorization == ""
        assert sent[0].body.get("replyToId") is None

        await rig.messenger().update(ref, Message(fallback="done", parts=(Text("All done"),)))
        assert [c.path for c in fake.sent("PUT")] == [f"/v3/conversations/a:personal-1/activities/{ref.id}"]
    finally:
        await rig.close()


async def test_channel_post_reaches_the_channel(db_url: str, clock: FixedClock, fake: FakeConnector) -> None:
    rig = await installed_then_restarted(db_url, clock, fake)
    try:
        ref = await rig.messenger().post_channel("19:smt@thread.tacv2", Message("Digest", (Text("Digest"),)))
        assert ref == MessageRef("teams", "19:smt@thread.tacv2", ref.id) and ref.id
        assert [c.path for c in fake.sent()] == ["/v3/conversations/19:smt@thread.tacv2/activities"]
    finally:
        await rig.close()


@pytest.mark.parametrize(
    ("status", "retryable"), [(429, True), (412, True), (502, True), (504, True), (403, False), (404, False)]
)
async def test_failures_say_whether_to_retry(
    sqlite_url: str, clock: FixedClock, fake: FakeConnector, status: int, retryable: bool
) -> None:
    rig = await installed_then_restarted(sqlite_url, clock, fake)
    try:
        headers = {"Retry-After": "3"} if status == 429 else {}
        fake.hooks.append(lambda method, path: web.json_response({}, status=status, headers=headers))
        with pytest.raises(SendError) as caught:
            await rig.messenger().send_direct(await recipient(rig, ALEX), Message("hi", (Text("hi"),)))
        assert caught.value.retryable is retryable
        assert caught.value.reason == f"http_{status}"
        if status == 429:
            assert caught.value.retry_after == 3.0
    finally:
        await rig.close()


async def test_no_reference_is_a_permanent_failure(
    sqlite_url: str, clock: FixedClock, fake: FakeConnector
) -> None:
    rig = await start_rig(sqlite_url, clock, build_router(), fake=fake)
    try:
        with pytest.raises(SendError) as caught:
            await rig.messenger().send_direct(await recipient(rig, ALEX), Message("hi", (Text("hi"),)))
        assert (caught.value.reason, caught.value.retryable) == ("no_conversation_reference", False)
        assert fake.calls == []
    finally:
        await rig.close()
