"""Read-only look-ups behind /commitments, /nudge and the home tab: few queries, only what is shown."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date

from sqlalchemy import ScalarSelect, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import (
    Action,
    ActionOwner,
    ActionStep,
    Measure,
    Objective,
    Outcome,
    Person,
    Plan,
    SmartObjective,
    Status,
)
from storage.plan_queries import plan_rank
from storage.read_cache import cached_read
from storage.search_index import SearchDoc, SearchIndex


def current_plan_id(today: date) -> ScalarSelect[int]:
    """The plan current on `today` (see `storage.plan_queries`) as a subquery, saving a round trip."""
    return (
        select(Plan.id)
        .order_by(plan_rank(today), Plan.starts.desc(), Plan.id.desc())
        .limit(1)
        .scalar_subquery()
    )


async def live_action(session: AsyncSession, *, key: str, today: date) -> Action | None:
    """A live action by key, without its children: from an active plan first (several may run at once),
    else from the plan a look-up would show."""
    return await session.scalar(
        select(Action)
        .join(Plan, Plan.id == Action.plan_id)
        .where(Action.key == key, Action.archived_at.is_(None))
        .order_by(plan_rank(today), Plan.starts.desc(), Plan.id.desc())
        .limit(1)
    )


async def owner_emails(session: AsyncSession, *, action_id: int) -> list[str]:
    return list(
        (
            await session.scalars(
                select(ActionOwner.email)
                .where(ActionOwner.action_id == action_id)
                .order_by(ActionOwner.position)
            )
        ).all()
    )


async def owners_named(session: AsyncSession, *, action_id: int) -> list[tuple[str, str | None]]:
    """(email, name or None when the email is not in the people list), in plan order."""
    rows = await session.execute(
        select(ActionOwner.email, Person.name)
        .outerjoin(Person, Person.email == ActionOwner.email)
        .where(ActionOwner.action_id == action_id)
        .order_by(ActionOwner.position)
    )
    return [(email, name) for email, name in rows.all()]


@cached_read
async def action_keys(session: AsyncSession, *, today: date) -> list[str]:
    """Every live action key of the current plan, in plan order."""
    return list(
        (
            await session.scalars(
                select(Action.key)
                .where(Action.plan_id == current_plan_id(today), Action.archived_at.is_(None))
                .order_by(Action.position, Action.id)
            )
        ).all()
    )


@dataclass(frozen=True)
class ObjectiveStatus:
    """A strategic objective and how many of its live actions are in each status."""

    key: str
    name: str
    counts: Counter[str]

    @property
    def total(self) -> int:
        return sum(self.counts.values())


@cached_read
async def status_by_objective(session: AsyncSession, *, plan_id: int) -> list[ObjectiveStatus]:
    """Status counts per objective, in two queries however large the plan."""
    objectives = (
        await session.execute(
            select(Objective.id, Objective.key, Objective.name)
            .where(Objective.plan_id == plan_id, Objective.archived_at.is_(None))
            .order_by(Objective.position, Objective.id)
        )
    ).all()
    counts: dict[int, Counter[str]] = {}
    for objective_id, status, n in (
        await session.execute(
            select(Action.objective_id, Action.status, func.count())
            .where(Action.plan_id == plan_id, Action.archived_at.is_(None))
            .group_by(Action.objective_id, Action.status)
        )
    ).all():
        counts.setdefault(objective_id, Counter())[status] = int(n)
    return [ObjectiveStatus(key, name, counts.get(oid, Counter())) for oid, key, name in objectives]


@dataclass(frozen=True)
class ActionLine:
    """What a list shows of an action."""

    key: str
    title: str
    status: str


@cached_read
async def objective_actions(
    session: AsyncSession, *, plan_id: int, objective_key: str, offset: int, limit: int
) -> tuple[str, list[ActionLine], int]:
    """(objective name, one page of its live actions, how many it has); name "" when unknown."""
    objective = await session.scalar(
        select(Objective).where(Objective.plan_id == plan_id, Objective.key == objective_key)
    )
    if objective is None:
        return "", [], 0
    live = (Action.objective_id == objective.id, Action.archived_at.is_(None))
    total = int(await session.scalar(select(func.count()).select_from(Action).where(*live)) or 0)
    rows = await session.execute(
        select(Action.key, Action.title, Action.status)
        .where(*live)
        .order_by(Action.position, Action.id)
        .offset(offset)
        .limit(limit)
    )
    return objective.name, [ActionLine(*r) for r in rows.all()], total


@cached_read
async def search_index(session: AsyncSession, *, plan_id: int) -> SearchIndex:
    """The live actions' searchable texts (four column-only queries), indexed for `SearchIndex.find`.

    Matching happens in Python with `str.casefold`, which folds every alphabet the same way on
    SQLite (whose LOWER() knows only ASCII) and PostgreSQL.
    """
    actions = (
        await session.execute(
            select(Action.id, Action.key, Action.title, Action.status)
            .where(Action.plan_id == plan_id, Action.archived_at.is_(None))
            .order_by(Action.position, Action.id)
        )
    ).all()
    texts: dict[int, list[str]] = {a.id: [] for a in actions}
    for model in (ActionStep, Outcome, Measure):
        rows = await session.execute(
            select(model.action_id, model.text).join(Action).where(Action.plan_id == plan_id)
        )
        for action_id, text in rows.all():
            if action_id in texts:
                texts[action_id].append(text)
    return SearchIndex([SearchDoc(a.key, a.title, a.status, tuple(texts[a.id])) for a in actions])


@cached_read
async def actions_owned(session: AsyncSession, *, email: str, today: date) -> list[ActionLine]:
    """The live actions of the current plan this email owns, in plan order."""
    rows = await session.execute(
        select(Action.key, Action.title, Action.status)
        .join(ActionOwner, ActionOwner.action_id == Action.id)
        .where(
            ActionOwner.email == email,
            Action.plan_id == current_plan_id(today),
            Action.archived_at.is_(None),
        )
        .order_by(Action.position, Action.id)
    )
    return [ActionLine(*r) for r in rows.all()]


async def smart_objective(
    session: AsyncSession, *, person_id: int, plan_id: int
) -> tuple[SmartObjective, str] | None:
    """This person's SMART objective for the plan and the key of the action it serves ("" if none)."""
    row = (
        await session.execute(
            select(SmartObjective, Action.key)
            .outerjoin(Action, Action.id == SmartObjective.action_id)
            .where(SmartObjective.person_id == person_id, SmartObjective.plan_id == plan_id)
        )
    ).first()
    return None if row is None else (row[0], row[1] or "")


def status_of(value: str | None) -> Status:
    """A stored status string as a Status (unknown text reads as not started, never an error)."""
    try:
        return Status(value or Status.NOT_STARTED.value)
    except ValueError:
        return Status.NOT_STARTED
