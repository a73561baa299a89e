"""Review dates come from the plan's cadence and period; the plan file's events and SMART roles import."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.models import Plan
from storage.plan_file import load_plan_file, parse_plan
from storage.plan_import import import_plan
from storage.plan_queries import current_plan
from storage.review_dates import current_or_last_review, next_review, review_dates, upcoming_events
from storage.yaml_nodes import InvalidFile
from tests.support.jobs_support import SEEDED_AT


def _plan(starts: date, ends: date, cadence: str) -> Plan:
    return Plan(key="p", name="P", starts=starts, ends=ends, review_cadence=cadence, events=[])


def test_six_monthly_reviews_fall_at_the_end_of_each_half_of_the_plan_year() -> None:
    plan = _plan(date(2024, 4, 1), date(2025, 3, 31), "six-monthly")
    dates = review_dates(plan)
    assert [(d.covers_from, d.held_on) for d in dates] == [
        (date(2024, 4, 1), date(2024, 9, 30)),
        (date(2024, 10, 1), date(2025, 3, 31)),
    ]
    assert dates[0].announce_on == date(2024, 9, 16)
    assert next_review(plan, date(2024, 10, 1)) == dates[1]
    # After the plan's last review nothing is announced, and the last review is still the one to report.
    assert next_review(plan, date(2025, 4, 1)) is None
    assert current_or_last_review(plan, date(2025, 6, 1)) == dates[1]
    assert current_or_last_review(plan, date(2024, 9, 20)) == dates[0]


def test_a_plan_starting_in_august_reviewed_quarterly_ends_on_its_own_last_day() -> None:
    plan = _plan(date(2024, 8, 1), date(2025, 5, 15), "quarterly")
    assert [d.held_on for d in review_dates(plan)] == [
        date(2024, 10, 31),
        date(2025, 1, 31),
        date(2025, 4, 30),
        date(2025, 5, 15),
    ]


async def test_plan_file_events_and_smart_roles(
    sessions: async_sessionmaker[AsyncSession], plan_file: Path
) -> None:
    async with sessions() as session, session.begin():
        await import_plan(session, load_plan_file(plan_file), now=SEEDED_AT)
    async with sessions() as session:
        plan = await current_plan(session)
        assert plan is not None
        assert plan.smart_roles == ["policy", "smt"]
        (event,) = upcoming_events(plan, date(2024, 10, 1))
        assert (event.name, event.on, event.action) == (
            "Trustees' annual reflection",
            date(2025, 3, 31),
            "ORG-2",
        )
        assert upcoming_events(plan, date(2025, 4, 1)) == []


def test_an_event_must_have_a_date_and_a_real_action() -> None:
    text = """
plan: {key: p, name: P, starts: 2024-04-01, ends: 2025-03-31,
       events: [{name: Reflection, date: soon}, {name: Other, date: 2025-01-01, action: ZZZ-1}]}
objectives: [{key: INF, name: Influence, actions: [{key: INF-1, title: T}]}]
"""
    try:
        parse_plan(text)
    except InvalidFile as exc:
        messages = [p.message for p in exc.problems]
    else:
        raise AssertionError("a bad event was accepted")
    assert "'soon' is not a date like 2025-03-31" in messages
    assert "Other: there is no action ZZZ-1" in messages
