"""The migrations build exactly the schema the models describe, and undo it, on both databases."""

from __future__ import annotations

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

from storage.migrate import alembic_config, current_revision, head_revision, upgrade
from storage.models import Base


def _differences(connection: Connection) -> list[object]:
    return list(compare_metadata(MigrationContext.configure(connection), Base.metadata))


def _downgrade_to_base(connection: Connection) -> None:
    config = alembic_config()
    config.attributes["connection"] = connection
    command.downgrade(config, "base")


def _tables(connection: Connection) -> list[str]:
    return sorted(inspect(connection).get_table_names())


async def test_migrations_match_the_models_and_can_be_undone(engine: AsyncEngine) -> None:
    assert await current_revision(engine) == head_revision()
    async with engine.connect() as conn:
        assert await conn.run_sync(_differences) == []
        assert "evidence" in await conn.run_sync(_tables)

    async with engine.begin() as conn:
        await conn.run_sync(_downgrade_to_base)
    async with engine.connect() as conn:
        assert await conn.run_sync(_tables) == ["alembic_version"]

    await upgrade(engine)
    async with engine.connect() as conn:
        assert await conn.run_sync(_differences) == []
