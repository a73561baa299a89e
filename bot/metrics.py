"""Prometheus figures for `/metrics`: counts, durations and states only — no person, text or secret.

Every label is drawn from a closed set the code names (a platform, a route, a slash command word, a
job, an outbox state and kind), never from what a user typed, so nothing personal can reach a scrape.
Each process builds its own registry in the composition root; nothing is registered at import time.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Awaitable, Callable, Iterable
from urllib.parse import parse_qsl

from aiohttp import web
from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram
from prometheus_client.exposition import CONTENT_TYPE_LATEST, generate_latest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from handlers.messages import Message
from handlers.messenger import ChannelDirectory, MessageRef, Messenger, Recipient, SendError
from storage.health import outbox_depth

# Slash commands a request may be labelled with; anything else is "other" (labels stay a closed set).
KNOWN_COMMANDS = frozenset({"/commitments", "/nudge", "/feedback"})


class Metrics:
    """The figures of one process, in a registry of its own."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        r = self.registry
        self.outbox = Gauge(
            "nudgebot_outbox_messages", "Outbox rows by state and kind", ["state", "kind"], registry=r
        )
        self.sends = Counter("nudgebot_sends", "Messages the platform accepted", ["platform"], registry=r)
        self.send_failures = Counter(
            "nudgebot_send_failures", "Sends the platform refused or that failed", ["platform"], registry=r
        )
        self.rate_limited = Counter(
            "nudgebot_rate_limited", "Sends answered 429 (rate limited)", ["platform"], registry=r
        )
        self.requests = Histogram(
            "nudgebot_request_seconds", "HTTP request latency", ["route", "command"], registry=r
        )
        self.job_runs = Counter("nudgebot_job_runs", "Job runs by outcome", ["job", "outcome"], registry=r)
        self.job_seconds = Histogram("nudgebot_job_seconds", "Job run durations", ["job"], registry=r)
        self.leader = Gauge("nudgebot_leader", "1 when this replica runs the scheduler", registry=r)
        self.ready = Gauge("nudgebot_ready", "1 when this replica is ready for traffic", registry=r)

    async def refresh_outbox(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        """Read the outbox's depth now (at scrape time), so the gauge is never stale."""
        async with sessions() as session:
            depth = await outbox_depth(session)
        self.outbox.clear()
        for (state, kind), count in depth.items():
            self.outbox.labels(state=state, kind=kind).set(count)

    def exposition(self) -> bytes:
        return bytes(generate_latest(self.registry))


def metrics_route(
    metrics: Metrics, refresh: Iterable[Callable[[], Awaitable[None]]]
) -> Callable[[web.Request], Awaitable[web.Response]]:
    """`GET /metrics`: refresh what is read at scrape time, then the text format Prometheus reads."""
    hooks = tuple(refresh)

    async def handle(_request: web.Request) -> web.Response:
        for hook in hooks:
            # A database outage must not hide the other figures: the outbox gauge is left empty.
            with contextlib.suppress(Exception):
                await hook()
        response = web.Response(body=metrics.exposition())
        response.headers["Content-Type"] = CONTENT_TYPE_LATEST
        return response

    return handle


def request_timer(metrics: Metrics) -> Callable[..., Awaitable[web.StreamResponse]]:
    """aiohttp middleware: time each request by its route pattern and (for Slack) slash command."""

    @web.middleware
    async def middleware(
        request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
    ) -> web.StreamResponse:
        started = time.perf_counter()
        try:
            return await handler(request)
        finally:
            info = request.match_info.route.resource
            route = info.canonical if info is not None else "unmatched"
            metrics.requests.labels(route=route, command=await _command(request)).observe(
                time.perf_counter() - started
            )

    return middleware


async def _command(request: web.Request) -> str:
    # The body was already read (and kept) by the handler; only the command word is looked at.
    if request.content_type != "application/x-www-form-urlencoded" or not request.body_exists:
        return ""
    try:
        body = (await request.read()).decode("utf-8", "replace")
    except Exception:
        return ""
    command = dict(parse_qsl(body)).get("command", "")
    if not command:
        return ""
    return command if command in KNOWN_COMMANDS else "other"


class CountingMessenger:
    """A `Messenger` that counts sends, failures and 429s for one platform and passes everything on."""

    def __init__(self, inner: Messenger, platform: str, metrics: Metrics) -> None:
        self.inner = inner
        self.platform = platform
        self.metrics = metrics

    async def _count(self, call: Awaitable[MessageRef]) -> MessageRef:
        try:
            ref = await call
        except SendError as exc:
            if exc.retry_after is not None:
                self.metrics.rate_limited.labels(platform=self.platform).inc()
            self.metrics.send_failures.labels(platform=self.platform).inc()
            raise
        self.metrics.sends.labels(platform=self.platform).inc()
        return ref

    async def send_direct(self, recipient: Recipient, message: Message) -> MessageRef:
        return await self._count(self.inner.send_direct(recipient, message))

    async def post_channel(self, channel: str, message: Message) -> MessageRef:
        return await self._count(self.inner.post_channel(channel, message))

    async def update(self, ref: MessageRef, message: Message) -> None:
        await self.inner.update(ref, message)

    async def channel_members(self, channel: str) -> list[str]:
        if not isinstance(self.inner, ChannelDirectory):
            raise SendError("this platform cannot list a channel's members", retryable=False)
        return await self.inner.channel_members(channel)

    def __getattr__(self, name: str) -> object:
        # Anything else an adapter offers (Slack's history look-up, say) is the inner messenger's.
        return getattr(self.inner, name)
