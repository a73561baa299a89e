"""Migration 0006 gives measures already in a database the keys a plan file without keys derives."""

from __future__ import annotations

from datetime import UTC, date, datetime

from alembic import command
from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

from storage.migrate import alembic_config, upgrade


def _downgrade(connection: Connection) -> None:
    config = alembic_config()
    config.attributes["connection"] = connection
    command.downgrade(config, "0006-1")


async def test_existing_measures_get_derived_keys(engine: AsyncEngine) -> None:
    async with engine.begin() as conn:
        await conn.run_sync(_downgrade)
        now = datetime(2024, 10, 1, 9, tzinfo=UTC)
        await conn.execute(
            text(
                "INSERT INTO plans (id, key, name, starts, ends, review_cadence, description, created_at,"
                " updated_at) VALUES (1, 'p', 'P', :s, :e, 'six-monthly', '', :n, :n)"
            ),
            {"n": now, "s": date(2024, 4, 1), "e": date(2025, 3, 31)},
        )
        await conn.execute(
            text(
                "INSERT INTO objectives (id, plan_id, key, name, summary, position)"
                " VALUES (1, 1, 'INF', 'I', '', 0)"
            )
        )
        await conn.execute(
            text(
                "INSERT INTO actions (id, plan_id, objective_id, key, title, team, group_label, stretch,"
                " cadence, status, position, created_at, updated_at) VALUES"
                " (1, 1, 1, 'INF-2', 't', '', '', false, 'quarterly', 'not_started', 0, :n, :n)"
            ),
            {"n": now},
        )
        for position in (0, 1):
            await conn.execute(
                text(
                    "INSERT INTO measures (action_id, position, text, kind, stretch, status)"
                    " VALUES (1, :p, 'm', 'evidence', false, 'not_started')"
                ),
                {"p": position},
            )
    await upgrade(engine)
    async with engine.connect() as conn:
        keys = (await conn.execute(text("SELECT key FROM measures ORDER BY position"))).scalars().all()
    assert keys == ["INF-2.1", "INF-2.2"]
