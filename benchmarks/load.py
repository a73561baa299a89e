"""Slash commands under load: real `nudgebot run` beside a bare bolt app, each its own process, at 1, 8, 32.

Both servers run as separate processes on loopback behind one fake Slack (in this process), with the same
signing; this process is the load generator. For each database (SQLite, then PostgreSQL when
NUDGEBOT_TEST_POSTGRES_URL is set) it seeds 500 actions, 5,000 people and 200,000 evidence rows, starts
both servers, and for each command and concurrency sends signed slash commands from many different people,
alternating which server goes first. Every answer is checked (nudgebot's must be the real answer, riding
in the ack); an empty ack, an error or an ack later than two seconds is counted.

Figures: p50 and p99 of each server, their ratios, min / median / max of each ratio over REPEATS, plus
start-up (`nudgebot --help`, `nudgebot run` to its first /healthz) and idle memory. Goals (issue 14): p50
ratio ≤ 2, p99 ratio ≤ 3 and no ack past 2 s at concurrency 32; start-up ≤ 1.5 s; idle RSS ≤ 110 MB. A
missed goal is printed as MISSES and makes `make bench` exit non-zero.
"""

from __future__ import annotations

import asyncio
import os
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import aiohttp
from sqlalchemy import insert, select, text
from sqlalchemy.ext.asyncio import AsyncEngine

from benchmarks.commitments_lookup import ACTIONS, EVIDENCE, PEOPLE, seed
from benchmarks.databases import on_sqlite_and_postgres
from storage.db import create_engine
from storage.migrate import upgrade
from storage.models import Action, Person, PlatformIdentity
from tests.support.fakes.slack_api import FakeSlack
from tests.support.fakes.slack_requests import SIGNING_SECRET, command_body, signed_headers

LEVELS = (1, 8, 32)
REQUESTS = {1: 60, 8: 240, 32: 480}
WARMUP = 40
REPEATS = 3
LATE_MS = 2000.0
P50_GOAL, P99_GOAL, START_GOAL_S, RSS_GOAL_MB = 2.0, 3.0, 1.5, 110.0
ROOT = Path(__file__).resolve().parents[1]
LINKED = datetime(2024, 4, 1, tzinfo=UTC)


@dataclass(frozen=True)
class Command:
    label: str
    command: str
    text: Callable[[int], str]
    expect: Callable[[int, str], bool]


def _commands(keys: list[str]) -> tuple[Command, ...]:
    def key(n: int) -> str:
        return keys[(n * 37) % len(keys)]

    return (
        Command("/commitments", "/commitments", lambda _n: "", lambda _n, body: "INF-1" in body),
        Command("/commitments KEY", "/commitments", key, lambda n, body: key(n) in body),
        Command(
            "search",
            "/commitments",
            lambda _n: "race equality programme",
            lambda _n, body: "programme" in body,
        ),
        Command("/nudge mine", "/nudge", lambda _n: "mine", lambda _n, body: len(body) > 40),
    )


def slack_id(person_id: int) -> str:
    return f"U{person_id:06d}"


async def link_everyone(engine: AsyncEngine) -> tuple[list[str], list[str]]:
    """Every person linked to a Slack id, as after their first request; returns Slack ids and action keys."""
    async with engine.begin() as conn:
        people = (await conn.scalars(select(Person.id))).all()
        await conn.execute(
            insert(PlatformIdentity),
            [dict(person_id=p, platform="slack", external_id=slack_id(p), linked_at=LINKED) for p in people],
        )
        keys = list((await conn.scalars(select(Action.key).order_by(Action.position))).all())
        if conn.dialect.name == "postgresql":
            await conn.execute(text("ANALYZE"))
    return [slack_id(p) for p in people], keys


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@dataclass
class Server:
    name: str
    process: asyncio.subprocess.Process
    url: str
    started_in: float

    def rss_mb(self) -> float:
        status = Path(f"/proc/{self.process.pid}/status").read_text()
        line = next(row for row in status.splitlines() if row.startswith("VmRSS:"))
        return int(line.split()[1]) / 1024

    async def stop(self) -> None:
        if self.process.returncode is None:
            self.process.terminate()
            try:
                await asyncio.wait_for(self.process.wait(), 15)
            except TimeoutError:
                self.process.kill()
                await self.process.wait()


async def start_server(name: str, argv: list[str], env: dict[str, str], port: int) -> Server:
    started = time.perf_counter()
    process = await asyncio.create_subprocess_exec(
        *argv, env=env, cwd=ROOT, stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE
    )
    url = f"http://127.0.0.1:{port}"
    async with aiohttp.ClientSession() as http:
        while True:
            if process.returncode is not None:
                err = await process.stderr.read() if process.stderr else b""
                raise RuntimeError(f"{name} exited {process.returncode}: {err.decode()[-2000:]}")
            try:
                async with http.get(f"{url}/healthz") as resp:
                    if resp.status == 200:
                        break
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.01)
    return Server(name, process, url, time.perf_counter() - started)


@dataclass
class Run:
    latencies: list[float] = field(default_factory=list)
    empty: int = 0
    late: int = 0

    @property
    def p50(self) -> float:
        return statistics.median(self.latencies)

    @property
    def p99(self) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]


async def load(
    http: aiohttp.ClientSession, server: Server, users: list[str], cmd: Command, concurrency: int, total: int
) -> Run:
    run = Run()
    counter = iter(range(total))
    bare = server.name == "bare"

    async def one(n: int) -> None:
        user = users[(n * 7919) % len(users)]
        body = command_body(cmd.command, cmd.text(n), user_id=user, response_url="http://127.0.0.1:9/unused")
        start = time.perf_counter()
        async with http.post(
            f"{server.url}/slack/events", data=body.encode(), headers=signed_headers(body)
        ) as r:
            answer = await r.text()
        elapsed = (time.perf_counter() - start) * 1000
        if r.status != 200:
            raise RuntimeError(f"{server.name} answered {r.status} to {cmd.label}: {answer[:200]}")
        if not answer.strip():
            run.empty += 1
        elif not (("constant" in answer) if bare else cmd.expect(n, answer)):
            raise RuntimeError(f"{server.name} gave an unexpected answer to {cmd.label}: {answer[:300]}")
        run.late += elapsed > LATE_MS
        run.latencies.append(elapsed)

    async def worker() -> None:
        for n in counter:
            await one(n)

    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return run


def _spread(values: list[float]) -> str:
    return f"{min(values):5.2f} / {statistics.median(values):5.2f} / {max(values):5.2f}"


HEADER = (
    f"  {'command':18} {'c':>3} {'bare p50':>9} {'ours p50':>9} {'ours p99':>9} "
    f"{'p50 ratio':>21} {'p99 ratio':>21} {'empty':>5} {'>2s':>4}"
)


async def compare(
    http: aiohttp.ClientSession,
    label: str,
    servers: tuple[Server, Server],
    users: list[str],
    commands: tuple[Command, ...],
) -> list[str]:
    """Each command at each concurrency on both servers, REPEATS times; prints the table, returns misses."""
    ours, bare = servers
    for cmd in commands:
        for server in servers:
            await load(http, server, users, cmd, 4, WARMUP)
    print(f"{label}: p50 / p99 in ms; ratios nudgebot ÷ bare, min / median / max over {REPEATS} repeats")
    print(HEADER)
    misses: list[str] = []
    for cmd in commands:
        for c in LEVELS:
            runs = []
            for repeat in range(REPEATS):
                order = (ours, bare) if repeat % 2 == 0 else (bare, ours)
                runs.append({s.name: await load(http, s, users, cmd, c, REQUESTS[c]) for s in order})
            p50s = [r["nudgebot"].p50 / r["bare"].p50 for r in runs]
            p99s = [r["nudgebot"].p99 / r["bare"].p99 for r in runs]
            mid = sorted(runs, key=lambda r: r["nudgebot"].p50)[len(runs) // 2]
            empty = sum(r["nudgebot"].empty for r in runs)
            late = sum(r["nudgebot"].late for r in runs)
            print(
                f"  {cmd.label:18} {c:3} {mid['bare'].p50:9.1f} {mid['nudgebot'].p50:9.1f} "
                f"{mid['nudgebot'].p99:9.1f} {_spread(p50s):>21} {_spread(p99s):>21} {empty:5} {late:4}"
            )
            if c != max(LEVELS):
                continue
            where = f"{label} {cmd.label} c={c}"
            if statistics.median(p50s) > P50_GOAL:
                misses.append(f"{where}: p50 ratio {statistics.median(p50s):.2f} > {P50_GOAL}")
            if statistics.median(p99s) > P99_GOAL:
                misses.append(f"{where}: p99 ratio {statistics.median(p99s):.2f} > {P99_GOAL}")
            if late or empty:
                misses.append(f"{where}: {late} acks past 2 s, {empty} empty")
    return misses


async def measure(url: str, label: str) -> list[str]:
    misses: list[str] = []
    engine = create_engine(url)
    try:
        await upgrade(engine)
        started = time.perf_counter()
        await seed(engine)
        users, keys = await link_everyone(engine)
    finally:
        await engine.dispose()
    built = time.perf_counter() - started
    print(f"{label}: {ACTIONS} actions, {PEOPLE} people, {EVIDENCE} evidence rows ({built:.0f} s to build)")
    fake = await FakeSlack().start()
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "SLACK_BOT_TOKEN": "xoxb-bench",
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": fake.api_url,
        "HOST": "127.0.0.1",
        "LOG_LEVEL": "WARNING",
    }
    ours_port, bare_port = free_port(), free_port()
    ours = await start_server(
        "nudgebot", [sys.executable, "-m", "bot", "run"], {**env, "PORT": str(ours_port)}, ours_port
    )
    bare = await start_server(
        "bare", [sys.executable, "-m", "benchmarks.bare_bolt", str(bare_port), fake.api_url], env, bare_port
    )
    try:
        await asyncio.sleep(2)
        rss = ours.rss_mb()
        print(f"{label}: `nudgebot run` to first /healthz {ours.started_in:.2f} s; idle RSS {rss:.0f} MB")
        print(f"{label}: the bare bolt app, for comparison: {bare.started_in:.2f} s, {bare.rss_mb():.0f} MB")
        if rss > RSS_GOAL_MB:
            misses.append(f"{label}: idle RSS {rss:.0f} MB > {RSS_GOAL_MB:.0f} MB")
        if ours.started_in > START_GOAL_S:
            misses.append(f"{label}: start to /healthz {ours.started_in:.2f} s > {START_GOAL_S} s")
        connector = aiohttp.TCPConnector(limit=0)
        async with aiohttp.ClientSession(connector=connector) as http:
            misses += await compare(http, label, (ours, bare), users, _commands(keys))
        sent = len(fake.calls_to("chat.postMessage"))
        print(f"{label}: the scheduler sent {sent} messages to the fake Slack during the run")
    finally:
        await ours.stop()
        await bare.stop()
        await fake.stop()
    return misses


def help_start_up() -> list[str]:
    """`nudgebot --help`, wall time and peak memory over five runs."""
    seconds, peaks = [], []
    for _ in range(5):
        started = time.perf_counter()
        done = subprocess.run(
            ["/usr/bin/time", "-f", "%M", sys.executable, "-m", "bot", "--help"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        )
        seconds.append(time.perf_counter() - started)
        peaks.append(int(done.stderr.strip().splitlines()[-1]) / 1024)
    peak = statistics.median(peaks)
    print(f"`nudgebot --help`: {_spread(seconds)} s (min / median / max), peak RSS {peak:.0f} MB")
    median = statistics.median(seconds)
    return [f"`nudgebot --help` {median:.2f} s > {START_GOAL_S} s"] if median > START_GOAL_S else []


async def main() -> list[str]:
    misses = help_start_up()

    async def one(url: str, label: str) -> None:
        misses.extend(await measure(url, label))

    await on_sqlite_and_postgres(one)
    print(f"{len(misses)} goal(s) missed" if misses else "every goal met")
    return misses


if __name__ == "__main__":
    sys.exit(1 if asyncio.run(main()) else 0)
