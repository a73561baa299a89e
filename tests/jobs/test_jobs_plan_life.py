"""A plan's life with the injected clock: nudged only between its dates; next year's plan imported early
stays a draft; stale asks are never sent under their old label; escalation keeps its spacing after
downtime."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from jobs.catalogue import run_job
from jobs.nudges import plan_nudges
from storage.models import Action, PlanState
from storage.plan_file import load_plan_file
from storage.plan_import import import_plan
from storage.plan_queries import active_plans, current_plan
from tests.support.fakes.messenger import RecordingMessenger
from tests.support.jobs_support import (
    REPO,
    engine_settings,
    job_context,
    outbox_rows,
    person_id,
    seed,
)
from tests.support.plan_files import next_years_plan


async def test_a_plan_is_never_nudged_before_its_start_or_after_its_end(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    await seed(sessions)
    messenger = RecordingMessenger()
    ctx = job_context(sessions, messenger)
    # Thursday 28 March 2024 (a draft still) and Wednesday 2 April 2025 (closed), both working days.
    for moment in (datetime(2024, 3, 28, 10, tzinfo=UTC), datetime(2025, 4, 2, 10, tzinfo=UTC)):
        report = await run_job(ctx, "nudges", at=moment)
        assert report.sent == []
    assert messenger.sent == []
    assert await outbox_rows(sessions, kind="ask") == []
    # The first and last days are inside the plan.
    await run_job(ctx, "nudges", at=datetime(2024, 4, 2, 10, tzinfo=UTC))
    assert "April 2024" in messenger.to("Sam Sample")[0].text
    last_day = RecordingMessenger()
    await run_job(job_context(sessions, last_day), "nudges", at=datetime(2025, 3, 31, 10, tzinfo=UTC))
    assert "March 2025" in last_day.to("Sam Sample")[0].text


async def test_next_years_plan_imported_in_february_waits_for_its_start(
    sessions: async_sessionmaker[AsyncSession], tmp_path: Path
) -> None:
    await seed(sessions)
    february = datetime(2025, 2, 3, 10, tzinfo=UTC)
    async with sessions() as session, session.begin():
        await import_plan(session, load_plan_file(next_years_plan(tmp_path)), now=february)
    async with sessions() as session:
        current = await current_plan(session, today=february.date())
        assert current is not None and current.key == "race-equality-2024-25"
        new = await current_plan(session, "race-equality-2025-26", today=february.date())
        assert new is not None and new.state(february.date()) is PlanState.DRAFT
        assert [p.key for p in await active_plans(session, today=date(2025, 3, 31))] == [
            "race-equality-2024-25"
        ]
        after = await current_plan(session, today=date(2025, 4, 1))
        assert after is not None and after.key == "race-equality-2025-26"

    messenger = RecordingMessenger()
    await run_job(job_context(sessions, messenger), "nudges", at=february)
    sam = await person_id(sessions, "Sam Sample")
    asks = await outbox_rows(sessions, kind="ask", person_id=sam)
    # Every ask is about this year's actions, for this year's Q4; nothing about the draft plan.
    assert asks and {a.action_id for a in asks} <= await _action_ids(sessions, current.id)
    assert "Q4 2024/25 (Jan–Mar)" in messenger.to("Sam Sample")[0].text
    assert "2025/26" not in messenger.to("Sam Sample")[0].text


async def _action_ids(sessions: async_sessionmaker[AsyncSession], plan_id: int) -> set[int]:
    async with sessions() as session:
        return set((await session.scalars(select(Action.id).where(Action.plan_id == plan_id))).all())


async def test_an_ask_left_from_last_month_is_never_sent_under_its_old_label(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    await seed(sessions)
    # The tick on Thursday 31 October writes the rows, then the bot stops before sending them.
    async with sessions() as session, session.begin():
        await plan_nudges(session, now=datetime(2024, 10, 31, 10, tzinfo=UTC), settings=engine_settings())
    messenger = RecordingMessenger()
    report = await run_job(
        job_context(sessions, messenger), "nudges", at=datetime(2024, 11, 4, 10, tzinfo=UTC)
    )
    assert messenger.sent
    assert all("October 2024" not in s.text for s in messenger.sent)
    assert "November 2024" in messenger.to("Sam Sample")[0].text
    # One message to Sam: the October one had nothing current left to say and was skipped.
    assert len(messenger.to("Sam Sample")) == 1
    assert any(line.startswith("nudge to Sam Sample") for line in report.sent)


async def test_escalation_waits_its_working_days_after_the_last_reminder_whatever_the_downtime(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    """Jamie (INF-2, quarterly) never answers; the bot is down from 28 August to 9 September 2024."""
    await seed(sessions)
    messenger = RecordingMessenger()
    ctx = job_context(sessions, messenger)
    ticks = [
        datetime(2024, 8, 21, 15, tzinfo=UTC),
        datetime(2024, 8, 27, 15, tzinfo=UTC),
        datetime(2024, 9, 10, 15, tzinfo=UTC),
        datetime(2024, 9, 10, 15, 15, tzinfo=UTC),
        datetime(2024, 9, 11, 15, tzinfo=UTC),
        datetime(2024, 9, 12, 15, tzinfo=UTC),
        datetime(2024, 9, 13, 15, tzinfo=UTC),
    ]
    seen: list[tuple[str, str]] = []
    for tick in ticks:
        before = len(messenger.sent)
        await run_job(ctx, "nudges", at=tick)
        for sent in messenger.sent[before:]:
            if sent.name == "Jamie Dummy" and "INF-2" in sent.text:
                seen.append(
                    (tick.isoformat(timespec="minutes"), "reminder" if "Reminder" in sent.text else "nudge")
                )
            if "Overdue updates from Jamie Dummy" in sent.text:
                seen.append((tick.isoformat(timespec="minutes"), f"escalated to {sent.name}"))
    # The second reminder goes out late, on 10 September; the escalation comes three working days after
    # it, not in the next tick.
    assert seen == [
        ("2024-08-21T15:00+00:00", "nudge"),
        ("2024-08-27T15:00+00:00", "reminder"),
        ("2024-09-10T15:00+00:00", "reminder"),
        ("2024-09-13T15:00+00:00", "escalated to Sam Sample"),
    ]


async def test_two_plans_at_once_one_combined_nudge_per_owner_in_each_plans_own_year(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    await seed(sessions)
    async with sessions() as session, session.begin():
        second = load_plan_file(REPO / "plans" / "examples" / "gender-pay-gap-2024-25.yaml")
        await import_plan(session, second, now=datetime(2024, 7, 1, tzinfo=UTC))
    messenger = RecordingMessenger()
    monday = datetime(2024, 10, 7, 9, 30, tzinfo=UTC)
    await run_job(job_context(sessions, messenger), "nudges", at=monday)
    # Sam owns actions in both plans: one message lists both, each in its own plan's quarters.
    (sam,) = messenger.to("Sam Sample")
    assert "INF-2" in sam.text and "GPG-1" in sam.text
    assert "Q3 2024/25 (Oct–Dec)" in sam.text  # the race plan's year starts in April
    assert "Q1 2024/25 (Aug–Oct)" in sam.text  # the pay gap plan's in August
    assert "GPG-2" in messenger.to("Lee Lorem")[0].text
    # Before the second plan starts (July 2024) only the race plan is asked about.
    july = RecordingMessenger()
    await run_job(job_context(sessions, july), "nudges", at=datetime(2024, 7, 1, 9, 30, tzinfo=UTC))
    assert july.to("Sam Sample") and all("GPG-" not in s.text for s in july.sent)
