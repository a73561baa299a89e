"""Exactly once, whatever happens: failures part-way, two runs at once, a crash mid-send, giving up."""

from __future__ import annotations

import asyncio
import contextlib
from collections import Counter
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from handlers.messenger import SendError
from jobs.catalogue import run_job
from storage.models import UpdateRequest
from tests.support.fakes.messenger import RecordingMessenger
from tests.support.jobs_support import job_context, outbox_rows, seed

MONDAY = datetime(2024, 10, 7, 9, 30, tzinfo=UTC)


async def test_failure_after_k_then_the_next_run_sends_the_rest(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    await seed(sessions)
    probe = RecordingMessenger()
    await run_job(job_context(sessions, probe), "nudges", at=MONDAY)
    n = len(probe.sent)
    assert n >= 8

    # A fresh database state: drop what the probe wrote, then fail after k sends.
    async with sessions() as session, session.begin():
        await session.execute(update(UpdateRequest).values(parent_id=None))
        await session.execute(delete(UpdateRequest))
    k = 3
    flaky = RecordingMessenger(fail_after=k)
    first = await run_job(job_context(sessions, flaky), "nudges", at=MONDAY)
    assert len(flaky.sent) == k
    assert len(first.sent) == k
    assert len(first.failed) == n - k
    pending = await outbox_rows(sessions, kind="nudge", status="pending")
    assert len(pending) == n - k
    assert {r.attempts for r in pending} == {1}

    healthy = RecordingMessenger()
    # Before the backoff has passed nothing is retried; after it, exactly the remaining n − k go.
    await run_job(job_context(sessions, healthy), "nudges", at=MONDAY + timedelta(seconds=30))
    assert healthy.sent == []
    await run_job(job_context(sessions, healthy), "nudges", at=MONDAY + timedelta(minutes=15))
    assert len(healthy.sent) == n - k
    everyone = Counter(s.to for s in flaky.sent + healthy.sent)
    assert len(everyone) == n
    assert set(everyone.values()) == {1}
    assert {r.status for r in await outbox_rows(sessions, kind="nudge")} == {"sent"}


async def test_two_runs_started_together_send_each_message_once(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    await seed(sessions)
    one, two = RecordingMessenger(), RecordingMessenger()
    await asyncio.gather(
        run_job(job_context(sessions, one), "nudges", at=MONDAY),
        run_job(job_context(sessions, two), "nudges", at=MONDAY),
        run_job(job_context(sessions, one), "smt_digest", at=MONDAY),
        run_job(job_context(sessions, two), "smt_digest", at=MONDAY),
    )
    sent = Counter(s.to for s in one.sent + two.sent)
    assert sent["channel:C-SMT"] == 1
    assert len(sent) >= 9
    assert set(sent.values()) == {1}
    rows = await outbox_rows(sessions, kind="nudge")
    assert len(rows) == len(sent) - 1


async def test_a_crash_mid_send_is_finished_after_the_lease(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    await seed(sessions)
    # A process died between claiming a row and marking it: the row is stuck in "sending".
    crashed = RecordingMessenger(fail_after=0, error=asyncio.CancelledError())
    with contextlib.suppress(asyncio.CancelledError):
        await run_job(job_context(sessions, crashed), "nudges", at=MONDAY)
    stuck = await outbox_rows(sessions, status="sending")
    assert len(stuck) >= 1
    later = RecordingMessenger()
    await run_job(job_context(sessions, later), "nudges", at=MONDAY + timedelta(minutes=1))
    assert {s.to for s in later.sent}.isdisjoint({r.recipient for r in stuck})
    await run_job(job_context(sessions, later), "nudges", at=MONDAY + timedelta(minutes=10))
    assert {r.recipient for r in stuck} <= {s.to for s in later.sent}
    assert set(Counter(s.to for s in later.sent).values()) == {1}


async def test_a_send_that_keeps_failing_is_marked_failed_and_reported(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    await seed(sessions)
    refused = RecordingMessenger(fail_after=0, error=SendError("channel_not_found", retryable=False))
    report = await run_job(job_context(sessions, refused), "nudges", at=MONDAY)
    assert report.sent == []
    failed = await outbox_rows(sessions, kind="nudge", status="failed")
    assert failed
    assert {r.last_error for r in failed} == {"channel_not_found"}
    assert all("gave up: channel_not_found" in line for line in report.failed)

    digest = RecordingMessenger()
    await run_job(job_context(sessions, digest), "smt_digest", at=MONDAY + timedelta(hours=1))
    (posted,) = digest.sent
    assert f"Failed sends ({len(failed)})" in posted.text
    assert "nudge to Sam Sample (2024-10-07): channel_not_found" in posted.text


async def test_retryable_errors_back_off_then_give_up(sessions: async_sessionmaker[AsyncSession]) -> None:
    await seed(sessions)
    down = RecordingMessenger(fail_after=0, error=SendError("http_503", retryable=True))
    ctx = job_context(sessions, down, max_attempts=2, retry_backoff_seconds=60)
    await run_job(ctx, "smt_digest", at=MONDAY)
    (row,) = await outbox_rows(sessions, kind="smt_digest")
    assert (row.status, row.attempts) == ("pending", 1)
    assert row.next_attempt_at == MONDAY + timedelta(seconds=60)
    # Three sends per attempt: the first and two quick retries inside the run.
    assert down.attempts == 3
    await run_job(ctx, "smt_digest", at=MONDAY + timedelta(minutes=2))
    (row,) = await outbox_rows(sessions, kind="smt_digest")
    assert (row.status, row.attempts, row.last_error) == ("failed", 2, "http_503")
