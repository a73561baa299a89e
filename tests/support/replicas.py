"""Real `nudgebot run` replica processes for production tests: one private PostgreSQL, a fake Slack.

Each replica is `python -m bot run` on a free loopback port, with its log in a file of its own, the
scheduler-lock timings set short (they are settings) and Slack pointed at a fake on loopback. Tests
read a replica through its own HTTP endpoints (`/readyz`, `/metrics`) and its log, and signal it as
an operator or a crash would (SIGTERM, SIGKILL, SIGSTOP/SIGCONT).
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

import aiohttp

from tests.support.fakes.slack_requests import SIGNING_SECRET, command_body, signed_headers

REPO = Path(__file__).resolve().parents[2]

# Short timings, so a fail-over takes seconds in a test (production defaults: check 3 s, lease 15 s).
FAST_LEASE = {
    "LEADER_CHECK_SECONDS": "0.5",
    "LEADER_LEASE_SECONDS": "3",
    "LEADER_RETRY_SECONDS": "0.5",
    "DRAIN_SECONDS": "5",
    "SHUTDOWN_DELAY_SECONDS": "1",
}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@dataclass
class Replica:
    name: str
    port: int
    log_path: Path
    process: subprocess.Popen[bytes]
    log_file: BinaryIO | None = field(default=None, repr=False)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    async def get(self, path: str, seconds: float = 3.0) -> tuple[int, str]:
        """(status, body), or (0, "") when the replica does not answer (stopped, frozen, gone)."""
        try:
            async with (
                aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=seconds)) as http,
                http.get(self.base + path) as response,
            ):
                return response.status, await response.text()
        except (aiohttp.ClientError, TimeoutError):
            return 0, ""

    async def metric(self, name: str) -> float | None:
        """A label-less figure from /metrics, or the sum over its label sets; None if unreachable."""
        status, body = await self.get("/metrics")
        if status != 200:
            return None
        total = 0.0
        for line in body.splitlines():
            if line.startswith(name) and not line.startswith("#"):
                series = line.split(" ", 1)[0]
                if series == name or series.startswith(name + "{"):
                    total += float(line.rsplit(" ", 1)[1])
        return total

    async def leads(self) -> bool:
        return await self.metric("nudgebot_leader") == 1.0

    async def command(self, command: str, text: str, *, user_id: str, response_url: str) -> tuple[int, str]:
        """A signed slash command; (status, the body Slack would show), or (0, "") with no answer."""
        body = command_body(command, text, user_id=user_id, response_url=response_url)
        try:
            async with (
                aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10)) as http,
                http.post(f"{self.base}/slack/events", data=body, headers=signed_headers(body)) as response,
            ):
                return response.status, await response.text()
        except (aiohttp.ClientError, TimeoutError):
            return 0, ""

    def signal(self, signum: int) -> None:
        self.process.send_signal(signum)

    def alive(self) -> bool:
        return self.process.poll() is None

    def wait_exit(self, seconds: float) -> int | None:
        try:
            return self.process.wait(timeout=seconds)
        except subprocess.TimeoutExpired:
            return None

    def stop(self) -> None:
        if self.alive():
            self.process.send_signal(signal.SIGCONT)
            self.process.kill()
        self.process.wait(timeout=30)
        if self.log_file is not None:
            self.log_file.close()


def start_replica(name: str, *, database_url: str, slack_api_url: str, folder: Path, **env: str) -> Replica:
    port = free_port()
    log_path = folder / f"{name}.log"
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "TEAMS_"))}
    environment |= {
        "DATABASE_URL": database_url,
        "SLACK_BOT_TOKEN": "xoxb-replica-test",
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": slack_api_url,
        "HOST": "127.0.0.1",
        "PORT": str(port),
        "LOG_LEVEL": "INFO",
        **FAST_LEASE,
        **env,
    }
    log_file = log_path.open("wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "run"],
        cwd=folder,
        env=environment,
        stdout=log_file,
        stderr=subprocess.STDOUT,
    )
    return Replica(name=name, port=port, log_path=log_path, process=process, log_file=log_file)


async def wait_until(
    check: Callable[[], Awaitable[bool]], *, within: float, what: str, every: float = 0.25
) -> float:
    """Await `check()` until it answers true; the seconds it took."""
    started = time.monotonic()
    while True:
        if await check():
            return time.monotonic() - started
        if time.monotonic() - started > within:
            raise AssertionError(f"not within {within:.0f} s: {what}")
        await asyncio.sleep(every)


async def leaders(replicas: list[Replica]) -> list[Replica]:
    answers = await asyncio.gather(*(r.leads() for r in replicas))
    return [r for r, leads in zip(replicas, answers, strict=True) if leads]
