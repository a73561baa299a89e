"""`/commitments KEY` on a large database, signed request → response, beside a bare AsyncApp.

Both apps run in this process on loopback, behind the same fake Slack, with the same signing, and are
asked in turns, so both see the same machine load. Both answer in the HTTP response (the ack), which
is what Slack shows: nudgebot with the action in full, the bare app with a constant. Times run from
sending the signed request to reading the whole response, and the check that the answer is the real
one (not an error) is part of every request.

Bolt (process_before_response=False) looks for the ack every 10 ms, so both apps' medians sit near
that floor; what the ratio shows is whether nudgebot's work (identity, queries, rendering) fits in
the same tick as a constant.
"""

from __future__ import annotations

import asyncio
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path

import aiohttp
from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.async_app import AsyncApp
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncEngine

from benchmarks.commitments_lookup import ACTIONS, EVIDENCE, PEOPLE, seed
from bot.platforms import configured_platforms
from bot.server import build_web_app
from bot.settings import load_settings
from bot.slack.blocks import render_blocks
from bot.wiring import Core, build_core
from handlers.identity import resolve_actor
from storage.clock import SystemClock
from storage.db import create_engine
from storage.migrate import upgrade
from storage.models import Action, Person, PlatformIdentity
from tests.support.fakes.loopback import serve_on_loopback
from tests.support.fakes.slack_api import FakeSlack
from tests.support.fakes.slack_requests import SIGNING_SECRET, command_body, signed_headers

ROUNDS, WARMUP = 300, 30
LINKED = datetime(2024, 4, 1, tzinfo=UTC)
GOAL = 1.5


async def serve(app: web.Application) -> tuple[web.AppRunner, str]:
    runner, port = await serve_on_loopback(app)
    return runner, f"http://127.0.0.1:{port}"


def bare_app(api_url: str) -> web.Application:
    """The floor: a bolt AsyncApp with the same signing and client that answers a constant."""
    bolt = AsyncApp(client=AsyncWebClient(token="xoxb-bare", base_url=api_url), signing_secret=SIGNING_SECRET)

    @bolt.command("/commitments")
    async def constant(ack: AsyncAck) -> None:
        await ack(text="constant", response_type="ephemeral")

    async def handle(request: web.Request) -> web.Response:
        return await to_aiohttp_response(await bolt.async_dispatch(await to_bolt_request(request)))

    app = web.Application()
    app.router.add_post("/slack/events", handle)
    return app


Probe = Callable[[str], Awaitable[float]]


def prober(http: aiohttp.ClientSession, url: str, user: str, expect: Callable[[str, str], bool]) -> Probe:
    async def probe(key: str) -> float:
        body = command_body("/commitments", key, user_id=user, response_url="http://127.0.0.1:9/unused")
        start = time.perf_counter()
        async with http.post(f"{url}/slack/events", data=body.encode(), headers=signed_headers(body)) as resp:
            text = await resp.text()
        elapsed = (time.perf_counter() - start) * 1000
        if resp.status != 200 or not expect(key, text):
            raise RuntimeError(f"unexpected answer from {url}: {resp.status} {text[:200]}")
        return elapsed

    return probe


def figures(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]


async def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite+aiosqlite:///{Path(tmp) / 'bench.db'}"
        engine = create_engine(url)
        await upgrade(engine)
        started = time.perf_counter()
        await seed(engine)
        keys = await link_everyone(engine)
        await engine.dispose()
        print(
            f"database: {ACTIONS} actions, {PEOPLE} people, {EVIDENCE} evidence rows "
            f"({time.perf_counter() - started:.1f} s to build)"
        )
        await run(url, keys)


def slack_id(person_id: int) -> str:
    return f"U{person_id:06d}"


async def link_everyone(engine: AsyncEngine) -> list[str]:
    """Every person linked to a Slack id, as after their first request; returns the action keys."""
    async with engine.begin() as conn:
        people = (await conn.scalars(select(Person.id))).all()
        await conn.execute(
            insert(PlatformIdentity),
            [dict(person_id=p, platform="slack", external_id=slack_id(p), linked_at=LINKED) for p in people],
        )
        return list((await conn.scalars(select(Action.key).order_by(Action.position))).all())


async def run(database_url: str, keys: list[str]) -> None:
    fake = await FakeSlack().start()
    settings = load_settings(
        database_url=database_url,
        slack_bot_token="xoxb-bench",
        slack_signing_secret=SIGNING_SECRET,
        slack_api_url=fake.api_url,
        log_level="WARNING",
    )
    core = build_core(settings, clock=SystemClock())
    platforms = configured_platforms(settings)
    core = core.with_messenger(platforms[0].messenger(core.deps))
    ours_runner, ours_url = await serve(build_web_app(core, platforms))
    bare_runner, bare_url = await serve(bare_app(fake.api_url))
    try:
        async with aiohttp.ClientSession() as http:
            user = slack_id(PEOPLE // 2)  # a staff member, linked
            ours = prober(http, ours_url, user, lambda key, text: key in text and "blocks" in text)
            bare = prober(http, bare_url, user, lambda _key, text: "constant" in text)
            results: dict[str, list[float]] = {"nudgebot": [], "bare": []}
            for n in range(WARMUP + ROUNDS):
                key = keys[(n * 37) % len(keys)]
                pair = [("nudgebot", ours), ("bare", bare)]
                for name, probe in pair if n % 2 == 0 else reversed(pair):
                    sample = await probe(key)
                    if n >= WARMUP:
                        results[name].append(sample)
        report(results)
        await inside(core, user, keys)
    finally:
        for runner in (ours_runner, bare_runner):
            await runner.cleanup()
        await fake.stop()
        await core.close()


async def inside(core: Core, user: str, keys: list[str]) -> None:
    """The same work without HTTP or bolt: who is asking, the handler, and the Block Kit rendering."""
    samples = []
    for n in range(WARMUP + ROUNDS):
        start = time.perf_counter()
        actor = await resolve_actor(core.deps, "slack", user)
        response = await core.router.on_command(core.deps, actor, "commitments", keys[(n * 37) % len(keys)])
        if response.message is not None:
            render_blocks(response.message)
        if n >= WARMUP:
            samples.append((time.perf_counter() - start) * 1000)
    median, p99 = figures(samples)
    print(f"{'(work)':10} {median:8.2f} {p99:8.2f}   identity + handler + rendering, in process")


def report(results: dict[str, list[float]]) -> None:
    print(f"/commitments KEY, {ROUNDS} signed requests to each app, interleaved; milliseconds")
    print(f"{'':10} {'median':>8} {'p99':>8}")
    medians = {}
    for name, samples in results.items():
        median, p99 = figures(samples)
        medians[name] = median
        print(f"{name:10} {median:8.2f} {p99:8.2f}")
    ratio = medians["nudgebot"] / medians["bare"]
    verdict = "within" if ratio <= GOAL else "MISSES"
    print(f"ratio of medians: {ratio:.2f}x — {verdict} the {GOAL}x goal")


if __name__ == "__main__":
    asyncio.run(main())
