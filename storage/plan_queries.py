"""Reading the plan back: which plan is current, the active plans, a plan's tree, one action in full.

A plan is current on a day when it is active then (between its dates); before the first plan starts the
draft is shown, after the last ends the closed one stays browsable. Importing next year's plan in
February therefore leaves this year's plan current until 31 March.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import ColumnElement, Select, case, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.attributes import set_committed_value

from storage.models import Action, Evidence, Objective, Person, Plan
from storage.read_cache import cached_entity


def plan_rank(today: date) -> ColumnElement[int]:
    """0 for a plan active on `today`, 1 for a closed one, 2 for a draft: the order plans are preferred in."""
    return case(
        (Plan.starts > today, 2),
        (Plan.ends < today, 1),
        else_=0,
    )


def current_plan_query(today: date) -> Select[Plan]:
    """Plans in the order `current_plan` prefers them on `today` (ties: the one that started last)."""
    return select(Plan).order_by(plan_rank(today), Plan.starts.desc(), Plan.id.desc())


@cached_entity
async def current_plan(session: AsyncSession, key: str | None = None, *, today: date) -> Plan | None:
    """The plan named by `key`, else the plan current on `today` (see the module docstring)."""
    query = select(Plan).where(Plan.key == key) if key else current_plan_query(today)
    plan: Plan | None = await session.scalar(query.limit(1))
    return plan


async def plan_named(session: AsyncSession, word: str, *, today: date) -> str | None:
    """The key of the plan `word` names: its key, or a word of its name such as "2024/25"."""
    wanted = word.strip().lower()
    for plan in (await session.scalars(current_plan_query(today))).all():
        if plan.key.lower() == wanted or wanted in plan.name.lower().split():
            return plan.key
    return None


async def active_plans(session: AsyncSession, *, today: date) -> list[Plan]:
    """Every plan active on `today`, in start order: the plans that are nudged and digested."""
    rows = await session.scalars(
        select(Plan).where(Plan.starts <= today, Plan.ends >= today).order_by(Plan.starts, Plan.id)
    )
    return list(rows.all())


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
