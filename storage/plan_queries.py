"""Reading the plan back: the current plan, its tree, one action in full."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.attributes import set_committed_value

from storage.models import Action, Evidence, Objective, Person, Plan
from storage.read_cache import cached_entity


@cached_entity
async def current_plan(session: AsyncSession, key: str | None = None) -> Plan | None:
    """The plan named by `key`, else the one that started most recently."""
    query = select(Plan)
    query = query.where(Plan.key == key) if key else query.order_by(Plan.starts.desc(), Plan.id.desc())
    return await session.scalar(query.limit(1))


async def plan_tree(
    session: AsyncSession, plan_id: int, *, include_archived: bool = False
) -> list[Objective]:
    """Objectives in order, each with its actions (owners loaded), in two queries."""
    objectives = list(
        (
            await session.scalars(
                select(Objective)
                .where(Objective.plan_id == plan_id, Objective.archived_at.is_(None))
                .order_by(Objective.position)
            )
        ).all()
    )
    query = select(Action).where(Action.plan_id == plan_id).options(selectinload(Action.owners))
    if not include_archived:
        query = query.where(Action.archived_at.is_(None))
    by_objective: dict[int, list[Action]] = {}
    for action in (await session.scalars(query.order_by(Action.position))).all():
        by_objective.setdefault(action.objective_id, []).append(action)
    for objective in objectives:
        # Hand over the collection already fetched, so async code never lazy-loads it.
        set_committed_value(objective, "actions", by_objective.get(objective.id, []))
    return objectives


async def action_in_full(session: AsyncSession, plan_id: int, key: str) -> Action | None:
    return await session.scalar(
        select(Action)
        .where(Action.plan_id == plan_id, func.upper(Action.key) == key.strip().upper())
        .options(
            selectinload(Action.steps),
            selectinload(Action.outcomes),
            selectinload(Action.measures),
            selectinload(Action.owners),
            selectinload(Action.objective),
        )
    )


async def people_by_email(session: AsyncSession, emails: set[str]) -> dict[str, Person]:
    if not emails:
        return {}
    return {p.email: p for p in (await session.scalars(select(Person).where(Person.email.in_(emails)))).all()}


async def latest_evidence(session: AsyncSession, action_id: int) -> Evidence | None:
    return await session.scalar(
        select(Evidence)
        .where(Evidence.action_id == action_id)
        .order_by(Evidence.created_at.desc(), Evidence.id.desc())
        .limit(1)
    )


async def evidence_count(session: AsyncSession, action_id: int) -> int:
    return int(await session.scalar(select(func.count()).where(Evidence.action_id == action_id)) or 0)
