"""At a survey's close on PostgreSQL: the response, mark and key tables rewritten once, shuffled (new files).

Why: PostgreSQL's heap keeps rows in the order they were inserted, and a DELETE only marks a row
dead: VACUUM makes the space reusable but leaves the old bytes in the file until something happens to
overwrite them. So deleting a closed survey's marks would leave them readable in
`base/<db>/<relfilenode>`, and the batches of answers would stay in the order they were written.
TRUNCATE gives each table a new, empty file and unlinks the old one at commit
(https://www.postgresql.org/docs/15/sql-truncate.html); the rows that must stay (other surveys'
responses, other open surveys' marks and keys) are written back in a random order, responses under
fresh random keys. It costs one pass over those tables per close, not per answer.

SQLite needs none of this: the tables have no rowid (storage order is random-key order) and
`secure_delete` zeroes what is deleted.
"""

from __future__ import annotations

import random
from typing import Any

from sqlalchemy import Table, insert, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import SurveyKey, SurveyParticipation, SurveyResponse
from storage.survey_pool import new_response_key

_rng = random.SystemRandom()
_CHUNK = 1000


async def _rewrite(session: AsyncSession, table: Table, *, new_keys: bool) -> None:
    rows: list[dict[str, Any]] = [dict(r) for r in (await session.execute(select(table))).mappings()]
    # The table name is one of ours, never input.
    await session.execute(text(f"TRUNCATE {table.name}"))
    _rng.shuffle(rows)
    if new_keys:
        for row in rows:
            row["id"] = new_response_key()
    for start in range(0, len(rows), _CHUNK):
        await session.execute(insert(table), rows[start : start + _CHUNK])


async def rewrite_at_close(session: AsyncSession) -> None:
    """In the close's own transaction, after its marks and key were deleted (PostgreSQL only)."""
    if session.get_bind().dialect.name != "postgresql":
        return
    await _rewrite(session, SurveyResponse.__table__, new_keys=True)  # type: ignore[arg-type]
    await _rewrite(session, SurveyParticipation.__table__, new_keys=False)  # type: ignore[arg-type]
    await _rewrite(session, SurveyKey.__table__, new_keys=False)  # type: ignore[arg-type]
