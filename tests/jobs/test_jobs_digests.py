"""The SMT and RECI digests: content, no names in RECI, extra sections, a missed digest posted once."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from handlers.messages import MAX_PARTS, Image, Part, Text
from jobs.catalogue import catch_up, missed, run_job
from jobs.periods import Period
from storage.models import Person
from tests.support.fakes.messenger import RecordingMessenger
from tests.support.jobs_support import add_evidence, job_context, london, outbox_rows, seed

MONDAY = datetime(2024, 10, 7, 9, 30, tzinfo=UTC)
PNG = b"\x89PNG\r\n\x1a\n"


async def _busy_fortnight(sessions: async_sessionmaker[AsyncSession]) -> None:
    """Jamie never answers (escalated by 4 September); a few updates land in the week before 7 October."""
    ctx = job_context(sessions, RecordingMessenger())
    for day in (21, 27, 30):
        await run_job(ctx, "nudges", at=datetime(2024, 8, day, 15, tzinfo=UTC))
    await run_job(ctx, "nudges", at=datetime(2024, 9, 4, 15, tzinfo=UTC))
    await add_evidence(sessions, "INF-1", at=datetime(2024, 9, 20, 12, tzinfo=UTC), status="on_track")
    await add_evidence(
        sessions,
        "VOI-2",
        at=datetime(2024, 10, 2, 12, tzinfo=UTC),
        author="Riley Fixture",
        status="at_risk",
        narrative="Task force paused while the chair is recruited",
    )
    await add_evidence(sessions, "INF-1", at=datetime(2024, 10, 3, 12, tzinfo=UTC), status="off_track")


async def test_smt_digest_content(sessions: async_sessionmaker[AsyncSession]) -> None:
    await seed(sessions)
    await _busy_fortnight(sessions)
    messenger = RecordingMessenger()
    report = await run_job(job_context(sessions, messenger), "smt_digest", at=MONDAY)

    assert report.sent == ["SMT digest for 2024-W41 to C-SMT"]
    (digest,) = [s for s in messenger.sent if s.to == "channel:C-SMT"]
    text = digest.text
    for objective in ("Influence", "Voice", "Support", "Excellent organisation"):
        assert objective in text
    assert "INF-1 On track → Off track" in text
    assert "VOI-2 Not started → At risk" in text
    assert "Task force paused while the chair is recruited" in text
    assert "Jamie Dummy: INF-2 (escalated)" in text
    assert "New evidence this week (2)" in text
    assert "Policy team: " in text
    assert "SMT: " in text
    assert "Six-monthly review: 31 March 2025" in text
    assert "Trustees' annual reflection: 31 March 2025" in text
    assert "Failed sends (0)" in text
    assert len(digest.message.parts) <= MAX_PARTS
    (chart,) = [p for p in digest.message.parts if isinstance(p, Image)]
    assert chart.data.startswith(PNG)
    assert "Influence: " in chart.alt
    assert "off track" in chart.alt
    (row,) = await outbox_rows(sessions, kind="smt_digest")
    assert (row.recipient, row.period, row.status) == ("channel:C-SMT", "2024-W41", "sent")


async def _survey_section(_session: AsyncSession, period: Period, _now: datetime) -> Sequence[Part]:
    return (Text(f"Survey results for {period.label}: 12 answers"),)


async def test_reci_digest_names_nobody_and_takes_extra_sections(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    await seed(sessions)
    await _busy_fortnight(sessions)
    messenger = RecordingMessenger()
    ctx = job_context(sessions, messenger)
    ctx.reci_sections = [_survey_section]
    await run_job(ctx, "reci_digest", at=london(2024, 10, 1, 10, 0))

    (digest,) = [s for s in messenger.sent if s.to == "channel:C-RECI"]
    text = digest.text
    assert "Influence" in text
    assert "VOI-2" in text
    assert "Survey results for September 2024: 12 answers" in text
    async with sessions() as session:
        names = (await session.scalars(select(Person.name))).all()
    assert len(names) == 16
    for name in names:
        for word in name.split():
            assert word not in text, f"RECI digest names {name}"
    assert "Task force paused" not in text  # narratives are personal accounts
    assert "SMART" not in text
    (row,) = await outbox_rows(sessions, kind="reci_digest")
    assert row.period == "2024-10"


async def test_a_digest_missed_during_an_outage_is_posted_once(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    await seed(sessions)
    messenger = RecordingMessenger()
    ctx = job_context(sessions, messenger, misfire_grace_seconds=6 * 3600)
    # Down from Sunday evening; back at 11:40 on Monday: the 09:00 digest is inside the grace window.
    back = london(2024, 10, 7, 11, 40)
    assert missed("smt_digest", ctx.settings, now=back) == london(2024, 10, 7, 9, 0)
    assert missed("reci_digest", ctx.settings, now=back) is None
    await catch_up(ctx, now=back)
    await catch_up(ctx, now=back + timedelta(minutes=5))  # a second restart
    await run_job(ctx, "smt_digest", at=back + timedelta(minutes=20))  # APScheduler's late run too
    assert [s.to for s in messenger.sent if s.to.startswith("channel:")] == ["channel:C-SMT"]

    # Back too late (past the grace window): not posted by the catch-up.
    late = RecordingMessenger()
    late_ctx = job_context(sessions, late, misfire_grace_seconds=3600)
    await catch_up(late_ctx, now=london(2024, 10, 14, 11, 0))
    assert late.sent == []
