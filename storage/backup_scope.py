"""What a backup must leave out: the secrets of open surveys (DESIGN §5, issue 13).

An open survey's key and its who-answered marks exist only to refuse a second answer; a copy of them
in a backup would outlive the survey and could re-identify who answered. The tables are named here,
beside the models, so the backup command asks storage rather than naming survey tables itself. A
restored database therefore has open surveys with no key: `storage.surveys` then refuses further
answers to them (as if closed), keeps the answers already stored, and closes them as usual.
"""

from __future__ import annotations

from sqlalchemy import inspect
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

from storage.models import Base, SurveyKey, SurveyParticipation

# Models whose rows never leave the database. A table may also opt out with `info={"no_backup": True}`.
NEVER_BACKED_UP = (SurveyKey, SurveyParticipation)


def tables_left_out() -> list[str]:
    """Names of the tables whose rows a backup omits (their schema is kept, empty)."""
    named = {model.__tablename__ for model in NEVER_BACKED_UP}
    flagged = {t.name for t in Base.metadata.sorted_tables if t.info.get("no_backup")}
    return sorted(named | flagged)


def all_tables() -> list[str]:
    return [t.name for t in Base.metadata.sorted_tables]


async def user_tables(engine: AsyncEngine) -> list[str]:
    """Tables that exist in the database (any at all means it is not empty enough to restore into)."""

    def names(connection: Connection) -> list[str]:
        return sorted(inspect(connection).get_table_names())

    async with engine.connect() as conn:
        return await conn.run_sync(names)
