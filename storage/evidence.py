"""Recording what owners say: evidence rows, status changes, answered update requests, snoozes."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime

from sqlalchemy import exists, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from storage.models import Action, AuditEntry, Evidence, ProcessedDelivery, Snooze, Status, UpdateRequest


async def add_evidence(
    session: AsyncSession,
    *,
    action_id: int,
    author_id: int | None,
    author_name: str,
    status: Status | None,
    narrative: str,
    links: Sequence[str],
    channel: str,
    source_ref: str | None,
    update_request_id: int | None,
    now: datetime,
) -> Evidence | None:
    """Add one evidence row and flush it; None when `source_ref` was recorded before.

    Call this first in the transaction: a duplicate rolls the whole session back, so the caller
    changes nothing else and answers as if it had just recorded it (a redelivery or a double click).
    """
    row = Evidence(
        action_id=action_id,
        author_id=author_id,
        author_name=author_name,
        status=status.value if status else None,
        narrative=narrative,
        links=list(links),
        channel=channel,
        source_ref=source_ref or None,
        update_request_id=update_request_id,
        created_at=now,
    )
    session.add(row)
    try:
        await session.flush()
    except IntegrityError:
        await session.rollback()
        return None
    return row


def set_status(action: Action, status: Status, *, now: datetime) -> bool:
    """Set an action's status; `status_changed_at` moves only when the status really changes."""
    if action.status == status.value:
        return False
    action.status = status.value
    action.status_changed_at = now
    return True


async def claim_delivery(session: AsyncSession, *, platform: str, delivery_id: str, now: datetime) -> bool:
    """Remember an inbound delivery; False when it was handled before (so the caller changes nothing)."""
    if not delivery_id:
        return True
    session.add(ProcessedDelivery(platform=platform, delivery_id=delivery_id, received_at=now))
    try:
        await session.flush()
    except IntegrityError:
        await session.rollback()
        return False
    return True


async def open_requests_for_action(
    session: AsyncSession, *, action_id: int, person_id: int | None = None
) -> list[UpdateRequest]:
    """Unanswered update requests about one action, oldest first: one person's, or every owner's."""
    query = select(UpdateRequest).where(
        UpdateRequest.action_id == action_id, UpdateRequest.answered_at.is_(None)
    )
    if person_id is not None:
        query = query.where(UpdateRequest.person_id == person_id)
    return list((await session.scalars(query.order_by(UpdateRequest.id))).all())


async def mark_answered(session: AsyncSession, *, request_ids: Collection[int], now: datetime) -> None:
    if request_ids:
        await session.execute(
            update(UpdateRequest)
            .where(UpdateRequest.id.in_(request_ids), UpdateRequest.answered_at.is_(None))
            .values(answered_at=now)
        )


async def requests_for_message(session: AsyncSession, ref: dict[str, str]) -> list[UpdateRequest]:
    """The update requests one sent message carried (its items, in the order they were listed)."""
    rows = (
        await session.scalars(
            select(UpdateRequest)
            .where(
                UpdateRequest.message_ref["id"].as_string() == ref["id"],
                UpdateRequest.message_ref["channel"].as_string() == ref["channel"],
                UpdateRequest.action_id.is_not(None),
            )
            .options(selectinload(UpdateRequest.action))
            .order_by(UpdateRequest.id)
        )
    ).all()
    # The JSON path narrows it down; the platform is compared here, where both databases agree.
    return [r for r in rows if (r.message_ref or {}).get("platform") == ref.get("platform")]


async def newer_requests(
    session: AsyncSession, requests: Sequence[UpdateRequest]
) -> dict[int, UpdateRequest]:
    """For each request (by id), the newest later one sent to the same person about the same action
    in another message: the message that superseded it. Requests with no newer one are left out."""
    out: dict[int, UpdateRequest] = {}
    for request in requests:
        if request.person_id is None or request.action_id is None or request.sent_at is None:
            continue
        rows = await session.scalars(
            select(UpdateRequest)
            .where(
                UpdateRequest.person_id == request.person_id,
                UpdateRequest.action_id == request.action_id,
                UpdateRequest.id != request.id,
                UpdateRequest.sent_at > request.sent_at,
                UpdateRequest.message_ref.is_not(None),
            )
            .order_by(UpdateRequest.sent_at.desc())
        )
        # Compared here, not in SQL: PostgreSQL's `json` has no equality.
        newer = next((r for r in rows if r.message_ref != request.message_ref), None)
        if newer is not None:
            out[request.id] = newer
    return out


async def moved_on(
    session: AsyncSession, ref: dict[str, str], *, person_id: int, action_key: str
) -> UpdateRequest | None:
    """The request about `action_key` for this person that now points at a newer message than `ref`,
    when `ref` is a message nudgebot sent that no longer carries it (a reminder re-listed it)."""
    sent_here = await session.scalars(
        select(UpdateRequest)
        .where(
            UpdateRequest.message_ref["id"].as_string() == ref["id"],
            UpdateRequest.message_ref["channel"].as_string() == ref["channel"],
        )
        .options(selectinload(UpdateRequest.action))
    )
    here = [r for r in sent_here if (r.message_ref or {}).get("platform") == ref.get("platform")]
    if not here or any(r.action is not None and r.action.key == action_key for r in here):
        return None
    rows = await session.scalars(
        select(UpdateRequest)
        .join(Action, Action.id == UpdateRequest.action_id)
        .where(
            UpdateRequest.person_id == person_id,
            Action.key == action_key,
            UpdateRequest.message_ref.is_not(None),
        )
        .order_by(UpdateRequest.id.desc())
    )
    return next((r for r in rows if r.message_ref != ref), None)


async def latest_open_nudge(session: AsyncSession, *, person_id: int, platform: str) -> dict[str, str] | None:
    """Where the newest nudge still waiting for this person's answer landed on `platform`, if any."""
    rows = await session.scalars(
        select(UpdateRequest)
        .where(
            UpdateRequest.person_id == person_id,
            UpdateRequest.status == "sent",
            UpdateRequest.answered_at.is_(None),
            UpdateRequest.action_id.is_not(None),
            UpdateRequest.message_ref.is_not(None),
        )
        .order_by(UpdateRequest.sent_at.desc(), UpdateRequest.id.desc())
        .limit(50)
    )
    # The platform is compared here, where both databases agree on JSON.
    return next((r.message_ref for r in rows if (r.message_ref or {}).get("platform") == platform), None)


async def due_from(session: AsyncSession, *, person_id: int, now: datetime) -> list[UpdateRequest]:
    """Updates asked of this person, sent and not yet answered, with their actions; snoozed ones left out."""
    snoozed = exists().where(
        Snooze.person_id == person_id, Snooze.action_id == UpdateRequest.action_id, Snooze.until > now
    )
    return list(
        (
            await session.scalars(
                select(UpdateRequest)
                .where(
                    UpdateRequest.person_id == person_id,
                    UpdateRequest.sent_at.is_not(None),
                    UpdateRequest.answered_at.is_(None),
                    UpdateRequest.action_id.is_not(None),
                    ~snoozed,
                )
                .options(selectinload(UpdateRequest.action))
                .order_by(UpdateRequest.due_at, UpdateRequest.id)
            )
        ).all()
    )


async def evidence_for_requests(session: AsyncSession, request_ids: Collection[int]) -> dict[int, Evidence]:
    """The latest evidence recorded in answer to each of these requests."""
    if not request_ids:
        return {}
    rows = await session.scalars(
        select(Evidence)
        .where(Evidence.update_request_id.in_(request_ids))
        .order_by(Evidence.created_at, Evidence.id)
    )
    return {e.update_request_id: e for e in rows.all() if e.update_request_id is not None}


async def latest_by_action(session: AsyncSession, action_ids: Collection[int]) -> dict[int, Evidence]:
    """Each action's latest evidence, in one query on the (action_id, created_at) index."""
    if not action_ids:
        return {}
    latest = (
        select(Evidence.action_id, func.max(Evidence.created_at).label("at"))
        .where(Evidence.action_id.in_(action_ids))
        .group_by(Evidence.action_id)
        .subquery()
    )
    rows = await session.scalars(
        select(Evidence)
        .join(latest, (Evidence.action_id == latest.c.action_id) & (Evidence.created_at == latest.c.at))
        .order_by(Evidence.id)
    )
    return {e.action_id: e for e in rows.all()}


async def snooze(
    session: AsyncSession, *, person_id: int, action_id: int, until: datetime, now: datetime
) -> Snooze:
    """Create or move this person's snooze on an action."""
    row = await session.scalar(
        select(Snooze).where(Snooze.person_id == person_id, Snooze.action_id == action_id)
    )
    if row is None:
        row = Snooze(person_id=person_id, action_id=action_id, until=until, created_at=now)
        session.add(row)
    else:
        row.until = until
        row.created_at = now
    await session.flush()
    return row


async def active_snoozes(
    session: AsyncSession, *, person_id: int, action_ids: Collection[int], now: datetime
) -> dict[int, datetime]:
    if not action_ids:
        return {}
    rows = await session.execute(
        select(Snooze.action_id, Snooze.until).where(
            Snooze.person_id == person_id, Snooze.action_id.in_(action_ids), Snooze.until > now
        )
    )
    return {action_id: until for action_id, until in rows.all()}


NOT_MINE_EVENT = "action.not_mine"


async def handed_back(
    session: AsyncSession, *, person_id: int, action_keys: Collection[str], since: datetime
) -> dict[str, datetime]:
    """When this person said each of these actions is not theirs (audit entries since `since`)."""
    if not action_keys:
        return {}
    rows = await session.execute(
        select(AuditEntry.entity_key, AuditEntry.at).where(
            AuditEntry.at >= since,
            AuditEntry.event == NOT_MINE_EVENT,
            AuditEntry.actor == f"person:{person_id}",
            AuditEntry.entity_key.in_(action_keys),
        )
    )
    return {key: at for key, at in rows.all()}
