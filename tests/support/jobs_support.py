"""Shared set-up for the nudge engine tests: the real plan, people and objectives, imported for real."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from handlers.context import Channels, Deps
from handlers.messenger import Messenger
from jobs.config import EngineSettings, PaceRates
from jobs.context import JobContext
from storage.clock import SystemClock
from storage.measures import period_of, record_value
from storage.models import Action, Evidence, Measure, Person, UpdateRequest
from storage.objectives import import_objectives, load_objectives_file
from storage.people_file import load_people_file
from storage.people_import import import_people, known_roles
from storage.plan_file import load_plan_file
from storage.plan_import import import_plan
from storage.plan_queries import current_plan
from tests.support.fakes.messenger import RecordingMessenger

REPO = Path(__file__).resolve().parents[2]
SEEDED_AT = datetime(2024, 4, 2, 9, 0, tzinfo=UTC)
# Fast pacing for logic tests; the pacer itself is measured by `make bench`.
FAST = PaceRates(workspace_per_second=1000.0, channel_per_second=1000.0, concurrency=4)


def engine_settings(**overrides: object) -> EngineSettings:
    values: dict[str, object] = {"smt_channel": "C-SMT", "reci_channel": "C-RECI", "rates": FAST}
    values.update(overrides)
    return EngineSettings(**values)  # type: ignore[arg-type]


def job_context(
    sessions: async_sessionmaker[AsyncSession],
    messenger: RecordingMessenger | None = None,
    **overrides: object,
) -> JobContext:
    settings = engine_settings(**overrides)
    return context_for(sessions, messenger or RecordingMessenger(), settings)


def context_for(
    sessions: async_sessionmaker[AsyncSession], messenger: Messenger, settings: EngineSettings
) -> JobContext:
    """A job context over `sessions`, its handlers' Deps matching the engine settings' channels."""
    deps = Deps(
        sessions=sessions,
        clock=SystemClock(),
        channels=Channels(smt=settings.smt_channel, reci=settings.reci_channel),
        messenger=messenger,
        timezone=settings.timezone,
    )
    return JobContext(deps=deps, settings=settings)


async def seed(sessions: async_sessionmaker[AsyncSession], *, objectives: bool = True) -> None:
    async with sessions() as session, session.begin():
        await import_plan(
            session, load_plan_file(REPO / "plans" / "race-equality-2024-25.yaml"), now=SEEDED_AT
        )
        roles = await known_roles(session)
        people = load_people_file(
            REPO / "people" / "demo-people.csv", known_roles=roles, default_timezone="Europe/London"
        )
        await import_people(session, people, now=SEEDED_AT)
    if objectives:
        async with sessions() as session, session.begin():
            plan = await current_plan(session, today=SEEDED_AT.date())
            assert plan is not None
            path = REPO / "people" / "demo-objectives.csv"
            await import_objectives(
                session, load_objectives_file(path), plan=plan, filename=str(path), now=SEEDED_AT
            )


async def add_evidence(
    sessions: async_sessionmaker[AsyncSession],
    key: str,
    *,
    at: datetime,
    author: str = "Sam Sample",
    status: str | None = "on_track",
    narrative: str = "",
    links: list[str] | None = None,
) -> None:
    async with sessions() as session, session.begin():
        action = await session.scalar(select(Action).where(Action.key == key))
        person = await session.scalar(select(Person).where(Person.name == author))
        assert action is not None
        session.add(
            Evidence(
                action_id=action.id,
                author_id=person.id if person else None,
                author_name=author,
                status=status,
                narrative=narrative,
                links=links or [],
                channel="cli",
                created_at=at,
            )
        )
        if status:
            action.status = status


async def person_id(sessions: async_sessionmaker[AsyncSession], name: str) -> int:
    async with sessions() as session:
        found = await session.scalar(select(Person.id).where(Person.name == name))
        assert found is not None
        return int(found)


async def outbox_rows(sessions: async_sessionmaker[AsyncSession], **where: object) -> list[UpdateRequest]:
    async with sessions() as session:
        query = select(UpdateRequest).order_by(UpdateRequest.id)
        for name, value in where.items():
            query = query.where(getattr(UpdateRequest, name) == value)
        return list((await session.scalars(query)).all())


def london(year: int, month: int, day: int, hour: int = 10, minute: int = 0) -> datetime:
    """A moment given in London wall-clock time (BST or GMT as it was)."""
    return datetime(year, month, day, hour, minute, tzinfo=ZoneInfo("Europe/London")).astimezone(UTC)


async def add_figure(
    sessions: async_sessionmaker[AsyncSession], measure_key: str, value: float, *, at: datetime
) -> str:
    """Record a figure for a measure in the period it belongs to on `at`, as the update form does."""
    async with sessions() as session, session.begin():
        measure = await session.scalar(select(Measure).where(Measure.key == measure_key))
        assert measure is not None
        action = await session.get(Action, measure.action_id)
        assert action is not None
        period, as_of = period_of(measure, action, at.date())
        await record_value(
            session,
            measure=measure,
            period=period,
            as_of=as_of,
            value=value,
            note="",
            source="update",
            recorded_by="test",
            now=at,
        )
    return period
