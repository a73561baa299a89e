"""Several plans at once: each plan's digests go to its own channels, in the words of its own file."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from jobs.catalogue import run_job
from storage.plan_file import load_plan_file
from storage.plan_import import import_plan
from tests.support.fakes.messenger import RecordingMessenger
from tests.support.jobs_support import REPO, job_context, outbox_rows, seed

MONDAY = datetime(2024, 10, 7, 9, 30, tzinfo=UTC)
SECOND_PLAN = REPO / "plans" / "examples" / "gender-pay-gap-2024-25.yaml"


async def _two_plans(sessions: async_sessionmaker[AsyncSession]) -> None:
    await seed(sessions)
    async with sessions() as session, session.begin():
        await import_plan(session, load_plan_file(SECOND_PLAN), now=datetime(2024, 7, 1, tzinfo=UTC))


async def test_each_plans_smt_digest_goes_to_its_own_channel_in_its_own_words(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    await _two_plans(sessions)
    messenger = RecordingMessenger()
    report = await run_job(job_context(sessions, messenger), "smt_digest", at=MONDAY)
    assert sorted(report.sent) == ["SMT digest for 2024-W41 to C-PAY-SMT", "SMT digest for 2024-W41 to C-SMT"]
    race = next(s for s in messenger.sent if s.to == "channel:C-SMT").text
    pay = next(s for s in messenger.sent if s.to == "channel:C-PAY-SMT").text
    assert "SMT digest: Race equality action plan 2024/25" in race
    assert "Trustees' annual reflection" in race and "Policy: " in race
    assert "21 actions" in race and "2 actions" in pay
    assert "SMT digest: Gender pay gap action plan 2024/25" in pay
    assert "The Board's annual reflection: 31 July 2025" in pay
    # Its year starts in August, so its first half is August–January.
    assert "Six-monthly review: 31 January 2025" in pay
    assert "Policy: " not in pay and "SMT: " in pay  # coverage of the roles its file names only
    assert "Trustees" not in pay
    rows = await outbox_rows(sessions, kind="smt_digest")
    assert sorted((r.recipient, r.subject) for r in rows) == [
        ("channel:C-PAY-SMT", "gender-pay-gap-2024-25"),
        ("channel:C-SMT", "race-equality-2024-25"),
    ]
    # Posted once per plan and week, however often the job runs.
    again = await run_job(job_context(sessions, RecordingMessenger()), "smt_digest", at=MONDAY)
    assert again.sent == []


async def test_each_plans_network_digest_is_named_by_its_file(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    await _two_plans(sessions)
    messenger = RecordingMessenger()
    await run_job(job_context(sessions, messenger), "reci_digest", at=MONDAY)
    race = next(s for s in messenger.sent if s.to == "channel:C-RECI").text
    pay = next(s for s in messenger.sent if s.to == "channel:C-PAY-NETWORK").text
    assert race.startswith("RECI digest for 2024-10")
    assert "RECI digest: Race equality action plan 2024/25" in race
    assert "The women's network digest: Gender pay gap action plan 2024/25" in pay
    assert "RECI" not in pay
