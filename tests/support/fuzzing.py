"""Shared pieces of the Hypothesis fuzz suites: settings that suit a shared two-core machine, strategies
for hostile text and for JSON of any shape, and a count of every row in every table."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.models import Base

# One rig serves every example of a test (starting a server per example would be most of the cost);
# examples are few but varied, and no deadline: the machine is shared and a slow example is no bug.
FUZZ = settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    derandomize=True,
)

# Text people (or attackers) type: any Unicode, NULs and controls, markup, keys and very long runs.
hostile_text = st.one_of(
    st.text(max_size=300),
    st.sampled_from(
        [
            "",
            " ",
            "\x00",
            "INF-1\x00",
            "<script>alert(1)</script>",
            "*_~`>#[]()\\",
            "'; DROP TABLE actions; --",
            "INF-1 | 9999999999999999999d",
            "snooze INF-1 -3d",
            "update INF-99",
            "\u202e\u200b\ufeff",
            "😀" * 200,
            "x" * 5000,
        ]
    ),
)

json_scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), hostile_text)
any_json: st.SearchStrategy[Any] = st.recursive(
    json_scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4), st.dictionaries(st.text(max_size=12), children, max_size=5)
    ),
    max_leaves=12,
)


async def total_rows(sessions: async_sessionmaker[AsyncSession]) -> int:
    """Rows in every table nudgebot has: any write at all changes it."""
    total = 0
    async with sessions() as session:
        for table in Base.metadata.sorted_tables:
            total += await session.scalar(select(func.count()).select_from(table)) or 0
    return total
