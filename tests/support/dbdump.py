"""A deterministic text dump of every table, to prove that a refused import wrote nothing."""

from __future__ import annotations

from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncEngine

from storage.models import Base


async def dump(engine: AsyncEngine) -> str:
    lines: list[str] = []
    async with engine.connect() as conn:
        for table in Base.metadata.sorted_tables:
            rows = (await conn.execute(select(table).order_by(*table.primary_key.columns))).all()
            lines.append(f"-- {table.name} ({len(rows)})")
            lines += [repr(tuple(row)) for row in rows]
        version = (await conn.execute(text("select version_num from alembic_version"))).all()
        lines.append(f"-- alembic_version {version}")
    return "\n".join(lines)
