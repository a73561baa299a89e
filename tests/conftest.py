"""Shared fixtures: a fresh, migrated database per test, on SQLite and on a real PostgreSQL server.

`db_url` runs a test on both databases; `sqlite_url` on SQLite only (for adapter tests where the
database is not what is under test). Migrations run once per session into a template, then each
test gets a copy: a file copy for SQLite, `CREATE DATABASE … TEMPLATE` for PostgreSQL.
"""

from __future__ import annotations

import asyncio
import logging
import os
import shutil
import uuid
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.logging_setup import QUIET_LOGGERS, SQL_LOGGER
from handlers.context import Channels, Deps
from storage.clock import FixedClock
from storage.db import create_engine, normalise_url, session_factory
from storage.migrate import upgrade
from tests.support.slack_fixtures import SlackRig, start_rig

POSTGRES_ENV = "NUDGEBOT_TEST_POSTGRES_URL"
REPO = Path(__file__).resolve().parents[1]


def _postgres_admin_url() -> str:
    url = os.environ.get(POSTGRES_ENV)
    if not url:
        pytest.fail(
            f"{POSTGRES_ENV} is not set: run the tests with `make test`, which starts PostgreSQL, "
            "or point it at a server whose role may create databases"
        )
    return url


async def _migrate(url: str) -> None:
    engine = create_engine(url)
    try:
        await upgrade(engine)
    finally:
        await engine.dispose()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "template.db"
    asyncio.run(_migrate(f"sqlite:///{path}"))
    return path


@pytest.fixture(scope="session")
def postgres_template() -> Iterator[str]:
    admin = _postgres_admin_url()
    name = f"nudgebot_tpl_{uuid.uuid4().hex[:10]}"
    asyncio.run(_pg_admin(admin, f'CREATE DATABASE "{name}"'))
    asyncio.run(_migrate(str(normalise_url(admin).set(database=name).render_as_string(hide_password=False))))
    yield name
    asyncio.run(_drop_database(admin, name))


async def _drop_database(admin_url: str, name: str) -> None:
    """DROP … WITH (FORCE), and if that is refused, a plain DROP.

    FORCE must signal every session on the database, and a role that is not a superuser may not
    signal an autovacuum worker (which tests that write a lot, like the survey ones, wake up); a
    plain DROP asks autovacuum to stop by itself.
    """
    try:
        await _pg_admin(admin_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    except DBAPIError:
        await _pg_admin(admin_url, f'DROP DATABASE IF EXISTS "{name}"')


async def _pg_admin(admin_url: str, statement: str) -> None:
    engine = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as conn:
            await conn.execute(text(statement))
    finally:
        await engine.dispose()


def _fresh_sqlite(template: Path, tmp_path: Path) -> str:
    path = tmp_path / "nudgebot.db"
    shutil.copyfile(template, path)
    return f"sqlite+aiosqlite:///{path}"


@pytest.fixture
def sqlite_url(sqlite_template: Path, tmp_path: Path) -> str:
    return _fresh_sqlite(sqlite_template, tmp_path)


@pytest.fixture(params=["sqlite", "postgres"])
def db_url(request: pytest.FixtureRequest, sqlite_template: Path, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield _fresh_sqlite(sqlite_template, tmp_path)
        return
    yield from _fresh_postgres(request.getfixturevalue("postgres_template"))


@pytest.fixture
def postgres_url(postgres_template: str) -> Iterator[str]:
    """A fresh, migrated database on the shared PostgreSQL server only (for PostgreSQL-only behaviour)."""
    yield from _fresh_postgres(postgres_template)


def _fresh_postgres(template: str) -> Iterator[str]:
    admin = _postgres_admin_url()
    name = f"nudgebot_t_{uuid.uuid4().hex[:12]}"
    asyncio.run(_pg_admin(admin, f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))
    yield normalise_url(admin).set(database=name).render_as_string(hide_password=False)
    asyncio.run(_drop_database(admin, name))


@pytest.fixture
async def engine(db_url: str) -> AsyncIterator[AsyncEngine]:
    eng = create_engine(db_url)
    yield eng
    await eng.dispose()


@pytest.fixture
def sessions(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return session_factory(engine)


@pytest.fixture
def clock() -> FixedClock:
    # A Monday in the plan's second half, mid-morning in London.
    return FixedClock(datetime(2024, 10, 7, 9, 30, tzinfo=UTC))


@pytest.fixture
def deps(sessions: async_sessionmaker[AsyncSession], clock: FixedClock) -> Deps:
    return Deps(sessions=sessions, clock=clock, channels=Channels(smt="C-SMT", reci="C-RECI"))


@pytest.fixture
def plan_file() -> Path:
    return REPO / "plans" / "race-equality-2024-25.yaml"


@pytest.fixture
def people_file() -> Path:
    return REPO / "people" / "demo-people.csv"


@pytest.fixture
async def slack_rig(sqlite_url: str, clock: FixedClock) -> AsyncIterator[SlackRig]:
    """The real server and a fake Slack on loopback, demo plan and people imported (slack_fixtures)."""
    rig, stop = await start_rig(database_url=sqlite_url, clock=clock)
    yield rig
    await stop()


@pytest.fixture
def logger_levels() -> Iterator[None]:
    """Put third-party logger levels back after a test that calls `configure_logging` or changes them."""
    names = (*QUIET_LOGGERS, SQL_LOGGER, "aiohttp")
    saved = {name: logging.getLogger(name).level for name in names}
    yield
    for name, level in saved.items():
        logging.getLogger(name).setLevel(level)
