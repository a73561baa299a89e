"""Bring a database to the newest schema with Alembic, on the caller's own engine.

On PostgreSQL the upgrade runs under a transaction-level advisory lock, so replicas started together
migrate once: the first applies the migrations, the others wait for its commit and find nothing to do.
A database whose schema is newer than this code (a replica not yet upgraded, during a rolling deploy)
is refused with `SchemaTooNew` rather than run against tables it does not know.
"""

from __future__ import annotations

import logging
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util import CommandError
from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

log = logging.getLogger(__name__)
MIGRATIONS_DIR = Path(__file__).with_name("migrations")
# An arbitrary constant naming "nudgebot migrations" among advisory locks (ASCII "migr").
MIGRATION_LOCK_KEY = 0x6D696772


class SchemaTooNew(Exception):
    """The database was migrated by a newer nudgebot than this one; the message is one line."""


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


async def upgrade(engine: AsyncEngine, revision: str = "head") -> None:
    """Apply every migration up to `revision` in one transaction (PostgreSQL) or per step (SQLite)."""

    def run(connection: Connection) -> None:
        config = alembic_config()
        before = refuse_newer_schema(connection, config)
        config.attributes["connection"] = connection
        command.upgrade(config, revision)
        after = MigrationContext.configure(connection).get_current_revision()
        if after != before:
            log.info("database schema migrated from %s to %s", before or "empty", after)

    async with engine.connect() as conn:
        sqlite = conn.dialect.name == "sqlite"
        if sqlite:
            # SQLite's batch mode rebuilds a table (adding a foreign key, dropping a column) by copying it
            # and dropping the old one; with foreign keys enforced, that DROP deletes every row pointing at
            # it, so upgrading through such a step would empty measures, evidence and the rest. The pragma
            # only takes effect outside a transaction; the whole file is checked before commit instead.
            await conn.exec_driver_sql("PRAGMA foreign_keys=OFF")
            await conn.commit()
        try:
            async with conn.begin():
                if not sqlite:
                    # Held until this transaction commits: a second replica waits, then sees the new head.
                    lock = text("SELECT pg_advisory_xact_lock(:key)")
                    await conn.execute(lock, {"key": MIGRATION_LOCK_KEY})
                await conn.run_sync(run)
                if sqlite:
                    broken = (await conn.exec_driver_sql("PRAGMA foreign_key_check")).all()
                    if broken:
                        raise RuntimeError(f"migration left {len(broken)} row(s) with a dangling reference")
        finally:
            if sqlite:
                await conn.exec_driver_sql("PRAGMA foreign_keys=ON")
                await conn.commit()


def refuse_newer_schema(connection: Connection, config: Config) -> str | None:
    """The database's revision; raises `SchemaTooNew` when this code does not know it."""
    current = MigrationContext.configure(connection).get_current_revision()
    if current is None:
        return None
    try:
        ScriptDirectory.from_config(config).get_revision(current)
    except CommandError:
        raise SchemaTooNew(
            f"the database schema is at revision {current}, newer than this nudgebot knows "
            f"(its newest is {head_revision()}): upgrade nudgebot on this machine before starting it"
        ) from None
    return current


async def current_revision(engine: AsyncEngine) -> str | None:
    def read(connection: Connection) -> str | None:
        return MigrationContext.configure(connection).get_current_revision()

    async with engine.connect() as conn:
        return await conn.run_sync(read)


def head_revision() -> str | None:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()
