"""Helpers for the survey tests: rank correlation, physical row order, and reading every table."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Base

# For a random order of 200 rows, Spearman's rho has a standard deviation of 1/sqrt(199) ≈ 0.071:
# 0.3 is more than four of them (a false alarm about once in 40,000 runs), while rows left in
# arrival order give rho = 1.
MAX_ABS_RHO = 0.3


def spearman(order: list[int]) -> float:
    """Spearman's rho between stored position and submission index (`order` is a permutation of 0..n-1)."""
    n = len(order)
    assert sorted(order) == list(range(n)), "expected each submission exactly once"
    d2 = sum((position - index) ** 2 for position, index in enumerate(order))
    return 1 - 6 * d2 / (n * (n * n - 1))


async def physical_order(session: AsyncSession, survey_id: str) -> list[dict[str, Any]]:
    """Response answers in storage order: SQLite rowid, PostgreSQL ctid."""
    column = "rowid" if session.bind.dialect.name == "sqlite" else "ctid"
    rows = await session.execute(
        text(f"SELECT answers FROM survey_responses WHERE survey_id = :s ORDER BY {column}"),  # noqa: S608
        {"s": survey_id},
    )
    return [_json(r[0]) for r in rows]


async def scan_order(session: AsyncSession, survey_id: str, order_by: str = "") -> list[dict[str, Any]]:
    """Response answers as a plain query returns them (no ORDER BY, or the one given)."""
    order = f" ORDER BY {order_by}" if order_by else ""
    sql = "SELECT answers FROM survey_responses WHERE survey_id = :s" + order  # noqa: S608
    rows = await session.execute(text(sql), {"s": survey_id})
    return [_json(r[0]) for r in rows]


def _json(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else dict(json.loads(value))


async def dump_tables(session: AsyncSession, *, skip: frozenset[str] = frozenset()) -> dict[str, str]:
    """Every table's rows as one string per table, for 'nothing here mentions X' assertions."""
    out: dict[str, str] = {}
    for table in Base.metadata.sorted_tables:
        if table.name in skip:
            continue
        rows = (await session.execute(select(table))).all()
        out[table.name] = "\n".join(repr(tuple(r)) for r in rows)
    return out
