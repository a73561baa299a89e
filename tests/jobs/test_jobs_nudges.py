"""The nudge engine with an injected clock: what is due, one message per owner, reminders, escalation."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from jobs.catalogue import run_job
from storage.evidence import mark_answered, requests_for_message
from storage.models import Action, Snooze
from tests.support.fakes.messenger import RecordingMessenger
from tests.support.jobs_support import (
    add_evidence,
    add_figure,
    job_context,
    london,
    outbox_rows,
    person_id,
    seed,
)

# Monday 7 October 2024, 10:30 in London; 05:30 in New York (Jamie Dummy's time zone).
MONDAY = datetime(2024, 10, 7, 9, 30, tzinfo=UTC)


async def test_one_combined_message_per_owner(sessions: async_sessionmaker[AsyncSession]) -> None:
    await seed(sessions)
    messenger = RecordingMessenger()
    report = await run_job(job_context(sessions, messenger), "nudges", at=MONDAY)

    per_person = Counter(s.to for s in messenger.sent)
    assert per_person
    assert set(per_person.values()) == {1}
    sam = messenger.to("Sam Sample")[0]
    # INF-1 (monthly), its quarterly measure, INF-2 and INF-3 (quarterly): all in one message.
    for key in ("INF-1", "INF-2", "INF-3"):
        assert key in sam.text
    assert "Also due: Race equality policy asks are present" in sam.text
    assert "October 2024" in sam.text
    assert "Q3 2024/25 (Oct–Dec)" in sam.text
    # Jamie is in New York: 05:30 there, before the nudge time and inside quiet hours.
    assert messenger.to("Jamie Dummy") == []
    assert any(line.startswith("nudge to Sam Sample: INF-1") for line in report.sent)

    sam_id = await person_id(sessions, "Sam Sample")
    asks = await outbox_rows(sessions, kind="ask", person_id=sam_id)
    assert {a.subject.split("#")[0] for a in asks} == {"INF-1", "INF-2", "INF-3"}
    assert {a.period for a in asks} == {"2024-10", "2024-Q3"}
    assert {a.status for a in asks} == {"sent"}
    assert all(a.message_ref == sam.ref.as_dict() for a in asks)
    (message_row,) = await outbox_rows(sessions, kind="nudge", person_id=sam_id)
    assert message_row.period == "2024-10-07"
    assert message_row.status == "sent"

    again = RecordingMessenger()
    second = await run_job(job_context(sessions, again), "nudges", at=MONDAY + timedelta(minutes=15))
    assert again.sent == []
    assert second.sent == []


async def test_due_follows_each_cadence(sessions: async_sessionmaker[AsyncSession]) -> None:
    await seed(sessions)
    # Updates already in for this month (INF-1), this half (ORG-2, six-monthly) — but INF-3's last update
    # was in the previous quarter, so it is due again.
    await add_evidence(sessions, "INF-1", at=datetime(2024, 10, 2, 12, tzinfo=UTC), author="Casey Testcase")
    await add_evidence(sessions, "ORG-2", at=datetime(2024, 10, 1, 12, tzinfo=UTC), author="Alex Example")
    await add_evidence(sessions, "INF-3", at=datetime(2024, 9, 20, 12, tzinfo=UTC))
    messenger = RecordingMessenger()
    await run_job(job_context(sessions, messenger), "nudges", at=MONDAY)

    sam_asks = await outbox_rows(sessions, kind="ask", person_id=await person_id(sessions, "Sam Sample"))
    # INF-1 itself is answered for October; its two quarterly measures are not (an update on the
    # action never answers its measures). INF-2's count is asked although its cadence is INF-2's own.
    assert sorted(a.subject.split("#")[0] + ("#m" if "#" in a.subject else "") for a in sam_asks) == [
        "INF-1#m",
        "INF-1#m",
        "INF-2",
        "INF-2#m",
        "INF-3",
    ]
    # Casey owns only INF-1: her message asks about its quarterly measures alone.
    casey_asks = await outbox_rows(
        sessions, kind="ask", person_id=await person_id(sessions, "Casey Testcase")
    )
    assert [a.subject.startswith("INF-1#m") for a in casey_asks] == [True, True]
    alex = messenger.to("Alex Example")[0].text
    assert "ORG-2" not in alex
    assert "ORG-1" in alex
    alex_asks = await outbox_rows(sessions, kind="ask", person_id=await person_id(sessions, "Alex Example"))
    assert {a.period for a in alex_asks} == {"2024-Q3"}


async def test_reminders_then_escalation_on_working_days(sessions: async_sessionmaker[AsyncSession]) -> None:
    """Jamie (New York, INF-2 quarterly) never answers. Monday 26 August 2024 is a bank holiday."""
    await seed(sessions)
    messenger = RecordingMessenger()
    ctx = job_context(sessions, messenger)
    days = [datetime(2024, 8, d, 15, 0, tzinfo=UTC) for d in range(21, 32)]
    days += [datetime(2024, 9, d, 15, 0, tzinfo=UTC) for d in range(1, 6)]
    seen: dict[str, str] = {}
    for day in days:
        before = len(messenger.sent)
        await run_job(ctx, "nudges", at=day)
        for sent in messenger.sent[before:]:
            if sent.name == "Jamie Dummy":
                seen[day.date().isoformat()] = "reminder" if "Reminder" in sent.text else "nudge"
            if sent.name == "Sam Sample" and "Overdue updates from Jamie Dummy" in sent.text:
                seen[day.date().isoformat()] = "escalated to Sam Sample"
    # 3 working days after Wed 21 Aug is Tue 27 (the bank holiday does not count), then Fri 30, then
    # the escalation 3 working days later on Wed 4 Sep.
    assert seen == {
        "2024-08-21": "nudge",
        "2024-08-27": "reminder",
        "2024-08-30": "reminder",
        "2024-09-04": "escalated to Sam Sample",
    }
    jamie = await person_id(sessions, "Jamie Dummy")
    (ask,) = await outbox_rows(sessions, kind="ask", person_id=jamie, subject="INF-2")
    assert ask.reminders == 2
    assert ask.escalated_at == datetime(2024, 9, 4, 15, 0, tzinfo=UTC)
    assert ask.answered_at is None


async def test_an_answer_stops_the_reminders(sessions: async_sessionmaker[AsyncSession]) -> None:
    await seed(sessions)
    messenger = RecordingMessenger()
    ctx = job_context(sessions, messenger)
    await run_job(ctx, "nudges", at=datetime(2024, 8, 21, 15, tzinfo=UTC))
    await add_evidence(sessions, "INF-2", at=datetime(2024, 8, 22, 15, tzinfo=UTC), author="Jamie Dummy")
    await add_figure(sessions, "INF-2.1", 3, at=datetime(2024, 8, 22, 15, tzinfo=UTC))
    await run_job(ctx, "nudges", at=datetime(2024, 8, 27, 15, tzinfo=UTC))
    assert [s.name for s in messenger.sent].count("Jamie Dummy") == 1


async def test_an_update_on_the_action_does_not_answer_its_measures(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    """Jamie updates INF-2 but gives no figure for its count: the reminder asks for the figure alone."""
    await seed(sessions)
    messenger = RecordingMessenger()
    ctx = job_context(sessions, messenger)
    await run_job(ctx, "nudges", at=datetime(2024, 8, 21, 15, tzinfo=UTC))
    first = messenger.to("Jamie Dummy")[0].text
    assert "INF-2" in first and "Also due: At least quarterly senior-level meetings" in first
    assert "give its figure with Add update" in first
    await add_evidence(sessions, "INF-2", at=datetime(2024, 8, 22, 15, tzinfo=UTC), author="Jamie Dummy")
    await run_job(ctx, "nudges", at=datetime(2024, 8, 27, 15, tzinfo=UTC))
    reminder = messenger.to("Jamie Dummy")[1].text
    assert "Reminder" in reminder and "Also due: At least quarterly senior-level meetings" in reminder
    jamie = await person_id(sessions, "Jamie Dummy")
    asks = await outbox_rows(sessions, kind="ask", person_id=jamie)
    assert {(a.subject.partition("#")[1], a.reminders) for a in asks} == {("", 0), ("#", 1)}


async def test_a_button_answer_stops_the_reminders(sessions: async_sessionmaker[AsyncSession]) -> None:
    """The handlers mark the ask answered (`storage.evidence.mark_answered`); no reminder follows."""
    await seed(sessions)
    messenger = RecordingMessenger()
    ctx = job_context(sessions, messenger)
    await run_job(ctx, "nudges", at=datetime(2024, 8, 21, 15, tzinfo=UTC))
    jamie = await person_id(sessions, "Jamie Dummy")
    # INF-2 and its count, one message.
    asks = await outbox_rows(sessions, kind="ask", person_id=jamie)
    ids = sorted(a.id for a in asks)
    async with sessions() as session, session.begin():
        found = await requests_for_message(session, asks[0].message_ref or {})
        assert sorted(r.id for r in found) == ids and len(ids) == 2
        await mark_answered(session, request_ids=ids, now=datetime(2024, 8, 22, 15, tzinfo=UTC))
    await run_job(ctx, "nudges", at=datetime(2024, 8, 27, 15, tzinfo=UTC))
    assert [s.name for s in messenger.sent].count("Jamie Dummy") == 1


async def test_nothing_in_quiet_hours(sessions: async_sessionmaker[AsyncSession]) -> None:
    await seed(sessions)
    messenger = RecordingMessenger()
    ctx = job_context(sessions, messenger, nudge_time=time(7, 0), quiet_hours_end=time(8, 0))
    await run_job(ctx, "nudges", at=london(2024, 10, 7, 7, 45))
    assert messenger.sent == []
    await run_job(ctx, "nudges", at=london(2024, 10, 7, 8, 5))
    assert {s.name for s in messenger.sent} >= {"Sam Sample", "Casey Testcase"}
    # Nor at the weekend, even at the nudge time.
    weekend = RecordingMessenger()
    await run_job(job_context(sessions, weekend), "nudges", at=london(2024, 10, 12, 10, 0))
    assert weekend.sent == []


async def test_snooze_is_honoured(sessions: async_sessionmaker[AsyncSession]) -> None:
    await seed(sessions)
    casey = await person_id(sessions, "Casey Testcase")
    async with sessions() as session, session.begin():
        inf1 = await session.scalar(select(Action.id).where(Action.key == "INF-1"))
        assert inf1 is not None
        session.add(
            Snooze(person_id=casey, action_id=inf1, until=london(2024, 10, 14, 0, 0), created_at=MONDAY)
        )
    messenger = RecordingMessenger()
    ctx = job_context(sessions, messenger)
    await run_job(ctx, "nudges", at=MONDAY)
    assert messenger.to("Casey Testcase") == []
    await run_job(ctx, "nudges", at=london(2024, 10, 14, 10, 0))
    assert "INF-1" in messenger.to("Casey Testcase")[0].text
