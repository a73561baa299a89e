"""Remembered look-ups (`storage.read_cache`): no query while nothing changed, a fresh answer after any write.

On both databases: a second ask costs no statement; a write committed by this process, by another engine
(as another process would, through the bare driver) is seen by the next ask; a session that has
written reads through; a remembered plan comes to each session as its own object.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select, text, update
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine

from handlers.context import Channels, Deps
from storage import read_cache
from storage.action_detail import action_detail
from storage.clock import FixedClock
from storage.db import create_engine, normalise_url, session_factory
from storage.migrate import upgrade
from storage.models import Action, Plan
from storage.plan_queries import current_plan
from tests.support.handlers_support import seed
from tests.support.private_postgres import private_postgres
from tests.support.statements import statements_on

# A day inside the 2024/25 plan (the `clock` fixture's Monday).
TODAY = date(2024, 10, 7)


def _lookups(statements: list[str]) -> list[str]:
    """Statements other than the PostgreSQL change stamp itself."""
    return [s for s in statements if "pg_current_snapshot" not in s]


async def title_of(sessions: async_sessionmaker[AsyncSession], key: str) -> str:
    async with sessions() as session:
        detail = await action_detail(session, key=key, today=TODAY)
        assert detail is not None
        return detail.action.title


async def _second_ask_costs_nothing_until_this_process_writes(deps: Deps, engine: AsyncEngine) -> None:
    await seed(deps)
    first = await title_of(deps.sessions, "INF-1")
    with statements_on(engine) as statements:
        assert await title_of(deps.sessions, "INF-1") == first
    assert _lookups(statements) == []
    async with deps.sessions() as session:
        await session.execute(update(Action).where(Action.key == "INF-1").values(title="Renamed here"))
        await session.commit()
    with statements_on(engine) as statements:
        assert await title_of(deps.sessions, "INF-1") == "Renamed here"
    assert _lookups(statements), "the write must have sent the look-up back to the database"


async def test_a_second_ask_costs_nothing_on_sqlite(sqlite_url: str, clock: FixedClock) -> None:
    engine = create_engine(sqlite_url)
    try:
        await _second_ask_costs_nothing_until_this_process_writes(_deps(engine, clock), engine)
    finally:
        await engine.dispose()


async def test_a_second_ask_costs_nothing_on_postgresql(clock: FixedClock) -> None:
    # A cluster of the test's own: the stamp is the cluster's transaction snapshot, which the shared
    # test server's other databases move all the time.
    with private_postgres() as pg:
        engine = create_engine(pg.url)
        try:
            await upgrade(engine)
            await _second_ask_costs_nothing_until_this_process_writes(_deps(engine, clock), engine)
        finally:
            await engine.dispose()


def _deps(engine: AsyncEngine, clock: FixedClock) -> Deps:
    return Deps(sessions=session_factory(engine), clock=clock, channels=Channels(smt="C-SMT", reci="C-RECI"))


async def _write_as_another_process(db_url: str, statement: str) -> None:
    """Write through an engine made without nudgebot's hooks, as another process's writes arrive."""
    other = create_async_engine(normalise_url(db_url))
    try:
        async with other.begin() as conn:
            await conn.execute(text(statement))
    finally:
        await other.dispose()


async def test_a_write_by_another_process_is_seen_at_once(deps: Deps, db_url: str) -> None:
    await seed(deps)
    await title_of(deps.sessions, "INF-2")
    await _write_as_another_process(
        db_url, "UPDATE actions SET title = 'Renamed elsewhere' WHERE key = 'INF-2'"
    )
    assert await title_of(deps.sessions, "INF-2") == "Renamed elsewhere"


async def test_a_session_that_wrote_reads_through(deps: Deps) -> None:
    await seed(deps)
    await title_of(deps.sessions, "INF-3")
    async with deps.sessions() as session:
        await session.execute(update(Action).where(Action.key == "INF-3").values(title="Not yet committed"))
        detail = await action_detail(session, key="INF-3", today=TODAY)
        assert detail is not None and detail.action.title == "Not yet committed"
        await session.rollback()
    assert await title_of(deps.sessions, "INF-3") != "Not yet committed"


async def test_turned_off_every_ask_goes_to_the_database(deps: Deps, engine: AsyncEngine) -> None:
    await seed(deps)
    await title_of(deps.sessions, "INF-1")
    read_cache.set_enabled(False)
    try:
        with statements_on(engine) as statements:
            await title_of(deps.sessions, "INF-1")
    finally:
        read_cache.set_enabled(True)
    assert _lookups(statements), "the control: without the memory the look-up queries"


async def test_a_remembered_plan_is_each_sessions_own_object(deps: Deps) -> None:
    await seed(deps)
    async with deps.sessions() as one, deps.sessions() as two:
        first, second = await current_plan(one, today=TODAY), await current_plan(two, today=TODAY)
        assert first is not None and second is not None
        assert first is not second and first.id == second.id
        assert first in one and second in two
        first.name = "Changed in one session only"
        again = await current_plan(two, today=TODAY)
        assert again is not None and again.name != "Changed in one session only"
    async with deps.sessions() as session:
        stored = await session.scalar(select(Plan.name))
    assert stored != "Changed in one session only"
