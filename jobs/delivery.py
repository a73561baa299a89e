"""The sender: claim outbox rows one at a time, build each message, pace it, send it, mark it.

Each kind of message row has a builder (`Builder`) that turns the row into what to send, reading the
database as it is now; a builder may say "nothing left to say" (the owner answered meanwhile) or
"not yet" (quiet hours). Sends go through the injected `Messenger`; `SendError.retry_after` (a 429) is
waited out inline, other retryable errors are retried with doubling backoff and, after
`max_attempts`, the row is marked failed — reported in the SMT digest, never dropped.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import uuid
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.messages import Message
from handlers.messenger import MessageRef, Recipient, SendError
from jobs import outbox
from jobs.context import JobContext
from storage.models import UpdateRequest

log = logging.getLogger(__name__)

# Quick retries of a 5xx or timeout inside the run, before the row is handed back with a backoff.
_INLINE_RETRIES = 2
_INLINE_RETRY_PAUSE = 0.5
# Rows each sender claims at once (one write instead of one per row).
_CLAIM_BATCH = 4
# How many 429s in a row one message may wait out inside a run.
_MAX_RATE_LIMIT_WAITS = 10


@dataclass(frozen=True)
class Outgoing:
    """What a builder decided: a message for a person or a channel, described in words."""

    message: Message
    describe: str
    person: Recipient | None = None
    channel: str | None = None


@dataclass(frozen=True)
class NotYet:
    """Do not send before `until` (quiet hours, say); the row stays pending."""

    until: datetime


Built = Outgoing | NotYet | None
Builder = Callable[[AsyncSession, UpdateRequest, JobContext, datetime], Awaitable[Built]]


@dataclass
class Delivered:
    sent: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


async def deliver(ctx: JobContext, *, now: datetime, builders: Mapping[str, Builder]) -> Delivered:
    """Send every row that is due, with `ctx.settings.rates.concurrency` senders sharing one pacer."""
    done = Delivered()
    async with ctx.sessions() as session, session.begin():
        await outbox.release_stale(session, now=now, lease_seconds=ctx.settings.lease_seconds)
    worker = worker_name()
    skip: set[int] = set()

    async def sender() -> None:
        while True:
            async with ctx.sessions() as session:
                ids = await outbox.claim(session, now=now, worker=worker, skip=skip, limit=_CLAIM_BATCH)
            if not ids:
                return
            for row_id in ids:
                await _send_row(ctx, row_id, now=now, builders=builders, done=done, skip=skip)

    await asyncio.gather(*(sender() for _ in range(max(1, ctx.settings.rates.concurrency))))
    return done


async def _send_row(
    ctx: JobContext,
    row_id: int,
    *,
    now: datetime,
    builders: Mapping[str, Builder],
    done: Delivered,
    skip: set[int],
) -> None:
    async with ctx.sessions() as session:
        row = await session.get(UpdateRequest, row_id)
        assert row is not None
        builder = builders.get(row.kind)
        built: Built = None
        if builder is not None:
            built = await builder(session, row, ctx, now)
        await session.commit()
    if built is None:
        await _finish(ctx, row_id, status=outbox.SKIPPED, now=now, error="nothing to send")
        return
    if isinstance(built, NotYet):
        skip.add(row_id)
        await _finish(ctx, row_id, status=outbox.PENDING, now=now, next_attempt_at=built.until)
        return
    pace_key = built.channel or row.recipient
    pacer = ctx.get_pacer()
    rate_limited = 0
    quick_retries = 0
    while True:
        await pacer.wait(pace_key)
        try:
            if built.person is not None:
                ref = await ctx.messenger.send_direct(built.person, built.message)
            else:
                assert built.channel is not None
                ref = await ctx.messenger.post_channel(built.channel, built.message)
        except SendError as exc:
            wait = exc.retry_after
            inline = wait is not None and wait <= ctx.settings.max_inline_wait_seconds
            if inline and wait is not None and rate_limited < _MAX_RATE_LIMIT_WAITS:
                rate_limited += 1
                pacer.back_off(pace_key, wait, workspace=True)
                continue
            if exc.retryable and exc.retry_after is None and quick_retries < _INLINE_RETRIES:
                quick_retries += 1
                await asyncio.sleep(_INLINE_RETRY_PAUSE * quick_retries)
                continue
            await _failed_attempt(
                ctx, row_id, built, now=now, error=exc.reason, retry=exc.retryable, done=done
            )
            skip.add(row_id)
            return
        except Exception as exc:
            # Not a SendError: the adapter broke in a way it did not classify. Whether the platform took the
            # message is unknown; retrying later is the choice that never drops one.
            log.warning("send of outbox row %s raised %s", row_id, type(exc).__name__)
            await _failed_attempt(
                ctx, row_id, built, now=now, error=type(exc).__name__, retry=True, done=done
            )
            skip.add(row_id)
            return
        await _finish(ctx, row_id, status=outbox.SENT, now=now, ref=ref)
        done.sent.append(built.describe)
        return


async def _failed_attempt(
    ctx: JobContext,
    row_id: int,
    built: Outgoing,
    *,
    now: datetime,
    error: str,
    retry: bool,
    done: Delivered,
) -> None:
    async with ctx.sessions() as session, session.begin():
        row = await session.get(UpdateRequest, row_id)
        assert row is not None
        row.attempts += 1
        row.last_error = error[:200]
        row.claimed_by = None
        if retry and row.attempts < ctx.settings.max_attempts:
            row.status = outbox.PENDING
            backoff = ctx.settings.retry_backoff_seconds * 2 ** (row.attempts - 1)
            row.next_attempt_at = now + timedelta(seconds=backoff)
            done.failed.append(f"{built.describe} (will retry: {error})")
        else:
            row.status = outbox.FAILED
            done.failed.append(f"{built.describe} (gave up: {error})")


async def _finish(
    ctx: JobContext,
    row_id: int,
    *,
    status: str,
    now: datetime,
    ref: MessageRef | None = None,
    error: str | None = None,
    next_attempt_at: datetime | None = None,
) -> None:
    async with ctx.sessions() as session, session.begin():
        values: dict[str, object] = {"status": status, "claimed_by": None, "next_attempt_at": next_attempt_at}
        if status == outbox.SENT:
            values |= {"sent_at": now, "message_ref": ref.as_dict() if ref else None}
        if error is not None:
            values["last_error"] = error
        await session.execute(update(UpdateRequest).where(UpdateRequest.id == row_id).values(**values))
        if status == outbox.SENT and ref is not None:
            # The asks this message listed now point at it, so a click or thread reply finds them.
            await session.execute(
                update(UpdateRequest)
                .where(UpdateRequest.parent_id == row_id)
                .values(status=outbox.SENT, message_ref=ref.as_dict())
            )
            await session.execute(
                update(UpdateRequest)
                .where(UpdateRequest.parent_id == row_id, UpdateRequest.sent_at.is_(None))
                .values(sent_at=now)
            )
