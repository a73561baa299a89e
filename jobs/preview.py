"""`preview_job`: run a job "as of" a moment and show what it would send, recording nothing.

`nudgebot jobs run` uses this when no chat platform is configured: a run from a shell against the
production database must not use up the real nudges. Everything happens in one transaction that is
rolled back, so running it twice shows the same messages and leaves the outbox as it was.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from jobs import outbox
from jobs.catalogue import BUILDERS, CATALOGUE, UnknownJob
from jobs.context import JobContext, JobReport
from jobs.delivery import NotYet, Outgoing
from storage.models import UpdateRequest


class NotPreviewable(ValueError):
    """A job that writes outside one transaction (surveys close and remind on their own), so a preview
    could not promise to record nothing."""


async def preview_job(ctx: JobContext, name: str, *, at: datetime) -> JobReport:
    """Write job `name`'s rows as of `at`, show every message then due through `ctx.messenger`, undo all."""
    if at.tzinfo is None:
        raise ValueError("preview_job needs a time-zone-aware `at`")
    spec = CATALOGUE.get(name)
    if spec is None:
        raise UnknownJob(name)
    if not spec.previewable:
        raise NotPreviewable(name)
    report = JobReport(job=name, at=at)
    async with ctx.sessions() as session, session.begin() as tx:
        report.notes += await spec.enqueue(session, ctx, at)
        # The sender's own condition for a row that is due, so the preview shows what a run would send.
        rows = (
            await session.scalars(
                select(UpdateRequest).where(outbox._claimable(at)).order_by(UpdateRequest.id)
            )
        ).all()
        for row in rows:
            builder = BUILDERS.get(row.kind)
            built = await builder(session, row, ctx, at) if builder is not None else None
            if isinstance(built, NotYet):
                report.notes.append(f"{row.kind} to {row.recipient} waits until {built.until.isoformat()}")
            elif isinstance(built, Outgoing):
                if built.person is not None:
                    await ctx.messenger.send_direct(built.person, built.message)
                else:
                    assert built.channel is not None
                    await ctx.messenger.post_channel(built.channel, built.message)
                report.sent.append(built.describe)
        report.notes.append("dry run: nothing was recorded")
        await tx.rollback()
    return report
