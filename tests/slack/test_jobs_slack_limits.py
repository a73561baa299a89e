"""Against a fake Slack that answers 429 with Retry-After: every message is delivered once, after the wait."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import UTC, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.slack.messenger import SlackMessenger, messenger_client
from handlers.context import Channels, Deps
from jobs.catalogue import run_job
from jobs.config import PaceRates
from jobs.context import JobContext
from storage.clock import FixedClock
from storage.db import create_engine, session_factory
from storage.models import Person
from tests.support.fakes.slack_api import FakeSlack, rate_limited
from tests.support.jobs_support import engine_settings, outbox_rows, seed

MONDAY = datetime(2024, 10, 7, 9, 30, tzinfo=UTC)


@pytest.fixture
async def slack() -> AsyncIterator[FakeSlack]:
    fake = await FakeSlack().start()
    yield fake
    await fake.stop()


@pytest.fixture
async def sessions_sqlite(sqlite_url: str) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    # The database is not what is under test here: SQLite only.
    engine = create_engine(sqlite_url)
    yield session_factory(engine)
    await engine.dispose()


async def test_429_is_waited_out_and_every_message_goes_once(
    slack: FakeSlack, sessions_sqlite: async_sessionmaker[AsyncSession]
) -> None:
    await seed(sessions_sqlite)
    async with sessions_sqlite() as session:
        for person in (await session.scalars(select(Person))).all():
            slack.add_user(f"U{person.id:04d}", person.email)
    slack.hooks.append(rate_limited("chat.postMessage", times=2, retry_after=1))
    deps = Deps(
        sessions=sessions_sqlite, clock=FixedClock(MONDAY), channels=Channels(smt="C-SMT", reci="C-RECI")
    )
    messenger = SlackMessenger(messenger_client("xoxb-test", slack.api_url), deps)
    ctx = JobContext(
        deps=replace(deps, messenger=messenger),
        settings=engine_settings(
            rates=PaceRates(workspace_per_second=50, channel_per_second=1, concurrency=2)
        ),
    )
    loop = asyncio.get_running_loop()
    started = loop.time()
    report = await run_job(ctx, "nudges", at=MONDAY)
    elapsed = loop.time() - started

    refused = slack.calls_to("chat.postMessage!429")
    delivered = slack.calls_to("chat.postMessage")
    assert len(refused) == 2
    assert elapsed >= 1.0  # the Retry-After was waited out
    per_channel = Counter(c.args["channel"] for c in delivered)
    assert len(per_channel) == 10
    assert set(per_channel.values()) == {1}
    assert report.failed == []
    rows = await outbox_rows(sessions_sqlite, kind="nudge")
    assert {r.status for r in rows} == {"sent"}
    assert {r.message_ref["channel"] for r in rows if r.message_ref} == set(per_channel)

    # The SMT digest through the same limits: posted once after its 429, its chart uploaded in the thread.
    slack.hooks.append(rate_limited("chat.postMessage", times=1, retry_after=1))
    digest = await run_job(ctx, "smt_digest", at=MONDAY)
    assert digest.sent == ["SMT digest for 2024-W41 to C-SMT"]
    posts = [c for c in slack.calls_to("chat.postMessage") if c.args["channel"] == "C-SMT"]
    assert len(posts) == 1
    assert "Progress by objective" in slack.posted_texts()[-1]
    # The status chart, and the measures' chart beside it: both in the digest's channel.
    uploads = slack.calls_to("files.completeUploadExternal")
    assert uploads and {u.args["channel_id"] for u in uploads} == {"C-SMT"}
    assert next(iter(slack.uploads.values())).startswith(b"\x89PNG")
