"""Teams of people: the monthly team digest reaches each team lead; escalation goes to the leads of the
team that owns the action; the SMT digest gives rates by team."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from jobs.catalogue import run_job
from storage.models import Action, Measure
from tests.support.fakes.messenger import RecordingMessenger
from tests.support.jobs_support import job_context, outbox_rows, seed

MONDAY = datetime(2024, 10, 7, 9, 30, tzinfo=UTC)


async def test_escalation_goes_to_the_lead_of_the_team_that_owns_the_action(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    """Jamie (Policy, whose lead is Sam) never answers INF-2, which Member support (Robin) owns here."""
    await seed(sessions)
    async with sessions() as session, session.begin():
        await session.execute(update(Action).where(Action.key == "INF-2").values(team="Member support"))
    messenger = RecordingMessenger()
    ctx = job_context(sessions, messenger)
    for day in (datetime(2024, 8, 21, 15, tzinfo=UTC), datetime(2024, 8, 27, 15, tzinfo=UTC)):
        await run_job(ctx, "nudges", at=day)
    await run_job(ctx, "nudges", at=datetime(2024, 8, 30, 15, tzinfo=UTC))
    await run_job(ctx, "nudges", at=datetime(2024, 9, 4, 15, tzinfo=UTC))
    escalations = [s for s in messenger.sent if "Overdue updates from Jamie Dummy" in s.text]
    assert [s.name for s in escalations] == ["Robin Placeholder"]
    assert "INF-2" in escalations[0].text
    assert "you lead the team these actions belong to" in escalations[0].text


async def test_a_team_digest_reaches_each_team_lead_once_a_month(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    await seed(sessions)
    async with sessions() as session, session.begin():
        await session.execute(
            update(Measure)
            .where(Measure.text.startswith("At least quarterly senior-level meetings"))
            .values(status="off_track")
        )
    nudges = RecordingMessenger()
    await run_job(job_context(sessions, nudges), "nudges", at=datetime(2024, 8, 21, 15, tzinfo=UTC))
    await run_job(job_context(sessions, nudges), "nudges", at=datetime(2024, 8, 27, 15, tzinfo=UTC))
    messenger = RecordingMessenger()
    at = datetime(2024, 8, 28, 10, tzinfo=UTC)
    report = await run_job(job_context(sessions, messenger), "team_digest", at=at)
    assert "team digest for Policy to Sam Sample" in report.sent
    (policy,) = [s for s in messenger.to("Sam Sample") if "Team digest: Policy" in s.text]
    text = policy.text
    assert "INF-1" in text and "INF-2" in text and "INF-3" in text
    assert "VOI-1" not in text  # another team's
    assert "Overdue (" in text and "INF-2 from Jamie Dummy" in text
    assert "Measures off target (1)" in text and "At least quarterly senior-level meetings" in text
    # Robin leads two teams: one digest for each.
    robin = [s.text.splitlines()[1] for s in messenger.to("Robin Placeholder")]
    assert sorted(robin) == ["Team digest: Communications and marketing", "Team digest: Member support"]
    rows = await outbox_rows(sessions, kind="team_digest")
    assert {r.period for r in rows} == {"2024-08"}
    again = await run_job(job_context(sessions, RecordingMessenger()), "team_digest", at=at)
    assert again.sent == []


async def test_the_smt_digest_gives_on_track_and_overdue_rates_by_team(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    await seed(sessions)
    async with sessions() as session, session.begin():
        await session.execute(
            update(Action).where(Action.key.in_(["INF-1", "INF-3"])).values(status="on_track")
        )
    ctx = job_context(sessions, RecordingMessenger())
    for day in (21, 27):
        await run_job(ctx, "nudges", at=datetime(2024, 8, day, 15, tzinfo=UTC))
    messenger = RecordingMessenger()
    await run_job(job_context(sessions, messenger), "smt_digest", at=datetime(2024, 9, 2, 8, tzinfo=UTC))
    (digest,) = messenger.sent
    # Policy owns INF-1 to INF-3: two on track; all three were reminded and are still unanswered.
    assert "By team" in digest.text
    assert "Policy: 3 actions · 67% on track or done · 100% with an overdue update" in digest.text
    # Communications and marketing's actions were asked about too, but none is on track yet.
    assert "Communications and marketing: 5 actions · 0% on track or done · " in digest.text
