"""Migrations under an advisory lock (replicas starting together migrate once) and a newer schema refused."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import text

from storage.db import create_engine
from storage.migrate import SchemaTooNew, current_revision, head_revision, upgrade


async def test_replicas_upgrading_an_empty_database_at_once_all_succeed(postgres_url: str) -> None:
    admin = create_engine(postgres_url, isolation_level="AUTOCOMMIT")
    async with admin.connect() as conn:
        await conn.execute(text("DROP SCHEMA public CASCADE"))
        await conn.execute(text("CREATE SCHEMA public"))
    engines = [create_engine(postgres_url) for _ in range(3)]
    try:
        # Without the lock these die on a UniqueViolation of alembic_version, or wait on each other's DDL.
        await asyncio.wait_for(asyncio.gather(*(upgrade(e) for e in engines)), timeout=60)
        async with admin.connect() as conn:
            versions = (await conn.scalars(text("SELECT version_num FROM alembic_version"))).all()
        assert versions == [head_revision()]
    finally:
        for e in [*engines, admin]:
            await e.dispose()


async def test_a_schema_newer_than_the_code_is_refused_in_one_line(db_url: str) -> None:
    engine = create_engine(db_url)
    try:
        async with engine.begin() as conn:
            await conn.execute(text("UPDATE alembic_version SET version_num = '9999_from_the_future'"))
        with pytest.raises(SchemaTooNew) as refused:
            await upgrade(engine)
        message = str(refused.value)
        assert "\n" not in message
        assert "9999_from_the_future" in message
        assert "upgrade nudgebot" in message
        # Nothing was touched.
        assert await current_revision(engine) == "9999_from_the_future"
    finally:
        await engine.dispose()
