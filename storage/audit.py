"""Writing audit entries: who changed what, when — in the same transaction as the change."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import AuditEntry


def record(
    session: AsyncSession,
    *,
    at: datetime,
    actor: str,
    event: str,
    entity: str,
    entity_key: str,
    detail: dict[str, Any] | None = None,
    note: str = "",
) -> AuditEntry:
    """Add an audit entry to the session; the caller's commit makes it permanent with the change."""
    entry = AuditEntry(
        at=at, actor=actor, event=event, entity=entity, entity_key=entity_key, detail=detail or {}, note=note
    )
    session.add(entry)
    return entry
