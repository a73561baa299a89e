"""Reading and writing reviews, their per-action entries, and challenges.

Several SMT members may record one review at once. Every write names only the fields its user
changed and is one UPDATE of those columns, so two people editing different fields both keep their
words, two editing the same field leave the later one (last write wins), and the audit keeps each.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from storage import audit
from storage.models import Action, Challenge, Plan, Review, ReviewEntry
from storage.models.review import REVIEW_ACTION_FIELDS, REVIEW_PLAN_FIELDS
from storage.review_dates import ReviewDate


def _insert(session: AsyncSession) -> Any:
    dialect = session.bind.dialect.name if session.bind is not None else "sqlite"
    return postgresql.insert if dialect == "postgresql" else sqlite.insert


async def ensure_review(session: AsyncSession, plan: Plan, when: ReviewDate, *, now: datetime) -> Review:
    """The review row for `when`, written once however many runs or people get here at the same time."""
    statement = (
        _insert(session)(Review)
        .values(
            plan_id=plan.id,
            held_on=when.held_on,
            covers_from=when.covers_from,
            successes="",
            challenges="",
            learning="",
            decisions="",
            created_at=now,
        )
        .on_conflict_do_nothing(index_elements=["plan_id", "held_on"])
    )
    await session.execute(statement)
    review = await session.scalar(
        select(Review).where(Review.plan_id == plan.id, Review.held_on == when.held_on)
    )
    assert review is not None
    return review


async def find_review(session: AsyncSession, plan: Plan, when: ReviewDate) -> Review | None:
    return await session.scalar(
        select(Review).where(Review.plan_id == plan.id, Review.held_on == when.held_on)
    )


async def reviews_of(session: AsyncSession, plan_id: int) -> list[Review]:
    """Every review of the plan with its entries, oldest first."""
    return list(
        (
            await session.scalars(
                select(Review)
                .where(Review.plan_id == plan_id)
                .options(selectinload(Review.entries))
                .order_by(Review.held_on)
            )
        ).all()
    )


async def write_plan_fields(
    session: AsyncSession, review: Review, changes: Mapping[str, str], *, actor: str, now: datetime
) -> list[str]:
    """Write the plan-level fields named in `changes` (successes, challenges, learning, decisions)."""
    fields = {k: v for k, v in changes.items() if k in REVIEW_PLAN_FIELDS}
    if not fields:
        return []
    await session.execute(update(Review).where(Review.id == review.id).values(**fields))
    for name, value in fields.items():
        audit.record(
            session,
            at=now,
            actor=actor,
            event="review.plan_field",
            entity="review",
            entity_key=review.held_on.isoformat(),
            detail={"field": name, "value": value},
        )
    return sorted(fields)


async def write_entry(
    session: AsyncSession,
    review: Review,
    action: Action,
    changes: Mapping[str, str | None],
    *,
    person_id: int | None,
    actor: str,
    now: datetime,
) -> list[str]:
    """Write the per-action fields named in `changes` (rag, commentary, mitigation) for one action."""
    fields = {k: v for k, v in changes.items() if k in REVIEW_ACTION_FIELDS}
    if not fields:
        return []
    await session.execute(
        _insert(session)(ReviewEntry)
        .values(review_id=review.id, action_id=action.id, commentary="", mitigation="", updated_at=now)
        .on_conflict_do_nothing(index_elements=["review_id", "action_id"])
    )
    await session.execute(
        update(ReviewEntry)
        .where(ReviewEntry.review_id == review.id, ReviewEntry.action_id == action.id)
        .values(**fields, updated_by=person_id, updated_at=now)
        .execution_options(synchronize_session=False)
    )
    for name, value in fields.items():
        audit.record(
            session,
            at=now,
            actor=actor,
            event="review.action_field",
            entity="review",
            entity_key=f"{review.held_on.isoformat()}:{action.key}",
            detail={"field": name, "value": value},
        )
    return sorted(fields)


async def entries_by_action(session: AsyncSession, review_id: int) -> dict[int, ReviewEntry]:
    rows = (await session.scalars(select(ReviewEntry).where(ReviewEntry.review_id == review_id))).all()
    return {r.action_id: r for r in rows}


async def add_challenge(
    session: AsyncSession, *, action: Action, person_id: int, role: str, text: str, now: datetime
) -> Challenge:
    challenge = Challenge(action_id=action.id, asked_by=person_id, asked_as=role, text=text, asked_at=now)
    session.add(challenge)
    await session.flush()
    audit.record(
        session,
        at=now,
        actor=f"person:{person_id}",
        event="challenge.create",
        entity="challenge",
        entity_key=str(challenge.id),
        detail={"action": action.key, "as": role},
    )
    return challenge


async def challenges(
    session: AsyncSession, *, plan_id: int, open_only: bool = False, since: datetime | None = None
) -> list[Challenge]:
    """Challenges on the plan's actions, oldest first (with their action loaded)."""
    query = (
        select(Challenge)
        .join(Action, Action.id == Challenge.action_id)
        .where(Action.plan_id == plan_id)
        .options(selectinload(Challenge.action))
        .order_by(Challenge.asked_at, Challenge.id)
    )
    if open_only:
        query = query.where(Challenge.answered_at.is_(None))
    if since is not None:
        query = query.where(Challenge.asked_at >= since)
    return list((await session.scalars(query)).all())


async def answer_challenge(
    session: AsyncSession, challenge: Challenge, *, answer: str, person_id: int, now: datetime
) -> None:
    challenge.answer = answer
    challenge.answered_by = person_id
    challenge.answered_at = now
    audit.record(
        session,
        at=now,
        actor=f"person:{person_id}",
        event="challenge.answer",
        entity="challenge",
        entity_key=str(challenge.id),
    )
