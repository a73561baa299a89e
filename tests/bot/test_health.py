"""/healthz, /readyz and /metrics on the real aiohttp app; the JSON log format."""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import aiohttp
import pytest
from sqlalchemy import select, text

from bot.health import Health
from bot.lifecycle import Lifecycle
from bot.logging_setup import JsonLines
from bot.metrics import CountingMessenger, Metrics
from bot.server import build_web_app
from bot.settings import load_settings
from bot.wiring import Core, build_core
from jobs.catalogue import CATALOGUE, run_job
from storage.models import Person
from tests.support.fakes.loopback import serve_on_loopback
from tests.support.fakes.messenger import RecordingMessenger
from tests.support.jobs_support import context_for, engine_settings, seed

MONDAY = datetime(2024, 10, 7, 9, 30, tzinfo=UTC)


class Served:
    def __init__(self, core: Core, health: Health, base: str) -> None:
        self.core, self.health, self.base = core, health, base

    async def get(self, path: str) -> tuple[int, str]:
        async with aiohttp.ClientSession() as http, http.get(self.base + path) as response:
            return response.status, await response.text()


async def _serve(database_url: str) -> AsyncIterator[Served]:
    core = build_core(load_settings(database_url=database_url))
    health = Health(core, Lifecycle(), Metrics(), platforms={"slack": lambda: True})
    runner, port = await serve_on_loopback(build_web_app(core, [], health=health))
    try:
        yield Served(core, health, f"http://127.0.0.1:{port}")
    finally:
        await runner.cleanup()
        await core.close()


@pytest.fixture
async def served(sqlite_url: str) -> AsyncIterator[Served]:
    async for s in _serve(sqlite_url):
        yield s


async def test_ready_until_draining_then_503(served: Served) -> None:
    status, body = await served.get("/readyz")
    assert status == 200, body
    assert json.loads(body)["checks"] == {
        "serving": True,
        "database": True,
        "schema": True,
        "platform:slack": True,
    }
    served.health.lifecycle.request_stop()
    status, body = await served.get("/readyz")
    assert status == 503
    assert json.loads(body)["checks"]["serving"] is False
    assert (await served.get("/healthz"))[0] == 200  # still alive while it drains


async def test_not_ready_when_the_database_is_unreachable_but_alive(tmp_path: Path) -> None:
    async for s in _serve(f"sqlite+aiosqlite:///{tmp_path}/no/such/dir/x.db"):
        status, body = await s.get("/readyz")
        assert status == 503
        checks = json.loads(body)["checks"]
        assert checks["database"] is False
        assert "no/such" not in body  # no error text, which could carry a connection string
        assert (await s.get("/healthz"))[0] == 200
        status, _ = await s.get("/metrics")
        assert status == 200  # the figures that need no database are still served


async def test_not_ready_when_the_schema_is_not_the_newest_this_code_knows(served: Served) -> None:
    async with served.core.engine.begin() as conn:
        await conn.execute(text("UPDATE alembic_version SET version_num = '0001'"))
    status, body = await served.get("/readyz")
    assert status == 503
    assert json.loads(body)["checks"]["schema"] is False


def _gauge(scrape: str, state: str, kind: str) -> float:
    for line in scrape.splitlines():
        if (
            line.startswith("nudgebot_outbox_messages{")
            and f'state="{state}"' in line
            and f'kind="{kind}"' in line
        ):
            return float(line.rsplit(" ", 1)[1])
    return 0.0


async def test_metrics_show_the_outbox_draining_and_name_nobody(served: Served) -> None:
    sessions = served.core.deps.sessions
    await seed(sessions)
    recording = RecordingMessenger()
    messenger = CountingMessenger(recording, "slack", served.health.metrics)
    ctx = context_for(sessions, messenger, engine_settings())
    async with sessions() as session, session.begin():
        await CATALOGUE["nudges"].enqueue(session, ctx, MONDAY)
    _, before = await served.get("/metrics")
    pending = _gauge(before, "pending", "nudge")
    assert pending > 0
    assert _gauge(before, "sent", "nudge") == 0

    await run_job(ctx, "nudges", at=MONDAY)
    _, after = await served.get("/metrics")
    assert _gauge(after, "pending", "nudge") == 0
    assert _gauge(after, "sent", "nudge") == pending
    assert f'nudgebot_sends_total{{platform="slack"}} {pending}' in after
    assert "nudgebot_request_seconds_count" in after
    assert "nudgebot_leader" in after

    async with sessions() as session:
        people = (await session.scalars(select(Person))).all()
    assert people
    for person in people:
        for word in (person.name, person.email, person.email.split("@")[0]):
            assert word.lower() not in after.lower(), word
    for sent in recording.sent:
        assert sent.message.fallback[:40] not in after


def test_json_log_lines_carry_the_message_and_only_the_exception_type() -> None:
    try:
        raise ValueError("INSERT … VALUES ('an answer')")
    except ValueError:
        record = logging.LogRecord("nudgebot", logging.ERROR, __file__, 1, "job %s failed", ("nudges",), None)
        record.exc_info = sys.exc_info()
    line = JsonLines().format(record)
    entry = json.loads(line)
    assert entry["message"] == "job nudges failed"
    assert entry["level"] == "ERROR"
    assert entry["exception"] == "ValueError"
    assert "an answer" not in line
    assert "\n" not in line
