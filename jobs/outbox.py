"""The outbox (`UpdateRequest` rows): write before sending, claim one row at a time, mark the outcome.

Claiming: on PostgreSQL ``SELECT … FOR UPDATE SKIP LOCKED`` then an update, so any number of processes
send each row once; on SQLite a conditional ``UPDATE … WHERE status='pending'`` whose row count decides.

The trade-off of the lease: a row is ``sending`` only between the claim and the mark, a few hundred
milliseconds. If the process dies inside that window, the row goes back to pending after
`EngineSettings.lease_seconds` and is sent again — if the platform had already accepted it, that one
message is posted twice (chat.postMessage has no idempotency key). Without the lease it would never be
sent; a short window and a lease far longer than any send keep the double post rare and never silent.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import UpdateRequest

PENDING, SENDING, SENT, FAILED, SKIPPED = "pending", "sending", "sent", "failed", "skipped"
ASK = "ask"
# Batch size for multi-row inserts (SQLite caps the number of bound parameters in one statement).
_INSERT_CHUNK = 400
_DEFAULTS: dict[str, Any] = {"attempts": 0, "reminders": 0, "status": PENDING}


def person_key(person_id: int) -> str:
    return f"person:{person_id}"


def channel_key(channel: str) -> str:
    return f"channel:{channel}"


RowKey = tuple[str, str, str, str]


async def insert_new(
    session: AsyncSession, rows: Sequence[dict[str, Any]]
) -> dict[tuple[str, str, str, str], int]:
    """Insert the rows whose (kind, recipient, subject, period) is new; returns the new ids by key.

    A row another run already wrote is left alone and missing from the answer: that is how two runs
    at once decide who writes what.
    """
    if not rows:
        return {}
    dialect = session.bind.dialect.name if session.bind is not None else "sqlite"
    insert_fn = postgresql.insert if dialect == "postgresql" else sqlite.insert
    out: dict[RowKey, int] = {}
    for start in range(0, len(rows), _INSERT_CHUNK):
        chunk = [
            {"attempts": 0, "reminders": 0, "status": PENDING, **r}
            for r in rows[start : start + _INSERT_CHUNK]
        ]
        statement = (
            insert_fn(UpdateRequest)
            .values(chunk)
            .on_conflict_do_nothing(index_elements=["kind", "recipient", "subject", "period"])
            .returning(
                UpdateRequest.id,
                UpdateRequest.kind,
                UpdateRequest.recipient,
                UpdateRequest.subject,
                UpdateRequest.period,
            )
        )
        for row_id, kind, recipient, subject, period in (await session.execute(statement)).all():
            out[(kind, recipient, subject, period)] = row_id
    return out


async def release_stale(session: AsyncSession, *, now: datetime, lease_seconds: int) -> int:
    """Rows left ``sending`` by a process that died go back to pending (see the module docstring)."""
    result = await session.execute(
        update(UpdateRequest)
        .where(
            UpdateRequest.status == SENDING,
            UpdateRequest.claimed_at < now - timedelta(seconds=lease_seconds),
        )
        .values(status=PENDING, claimed_by=None)
    )
    return int(getattr(result, "rowcount", 0) or 0)


def _claimable(now: datetime) -> Any:
    return and_(
        UpdateRequest.status == PENDING,
        UpdateRequest.kind != ASK,
        or_(UpdateRequest.next_attempt_at.is_(None), UpdateRequest.next_attempt_at <= now),
        UpdateRequest.due_at <= now,
    )


async def claim(
    session: AsyncSession, *, now: datetime, worker: str, skip: set[int], limit: int
) -> list[int]:
    """Claim up to `limit` of the oldest sendable rows for `worker` and commit; [] when none is left.

    One statement on both databases: ``UPDATE … WHERE id IN (SELECT … FOR UPDATE SKIP LOCKED LIMIT n)
    RETURNING id``. PostgreSQL skips rows another sender holds; SQLite (which ignores FOR UPDATE) runs
    the whole statement under its single write lock, and the repeated ``status='pending'`` condition
    decides. Claiming a few at once costs no safety: only a row already *sent* can be sent twice.
    """
    candidates = select(UpdateRequest.id).where(_claimable(now))
    if skip:
        candidates = candidates.where(UpdateRequest.id.not_in(skip))
    candidates = candidates.order_by(UpdateRequest.id).limit(limit).with_for_update(skip_locked=True)
    statement = (
        update(UpdateRequest)
        .where(UpdateRequest.id.in_(candidates.scalar_subquery()), _claimable(now))
        .values(status=SENDING, claimed_at=now, claimed_by=worker)
        .returning(UpdateRequest.id)
    )
    ids = sorted(int(i) for i in (await session.scalars(statement)).all())
    await session.commit()
    return ids
