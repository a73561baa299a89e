"""One action in full for /commitments KEY, in three indexed queries however large the plan or its evidence.

1. the action, its objective's key and name, and its evidence count (a scalar subquery on the
   (action_id, created_at) index); the plan is a join ordered by its state on the day (no extra round
   trip);
2. its steps, outcomes, measures and owners (with names) as one UNION ALL of typed rows;
3. its latest evidence row (a backward scan of the same index, one row).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import Boolean, ColumnElement, String, Subquery, cast, func, literal, null, select, union_all
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import (
    Action,
    ActionOwner,
    ActionStep,
    Evidence,
    Measure,
    Objective,
    Outcome,
    Person,
    Plan,
)
from storage.plan_queries import plan_rank
from storage.read_cache import cached_read


@dataclass(frozen=True)
class MeasureLine:
    text: str
    kind: str
    target: str | None
    cadence: str | None
    stretch: bool


@dataclass
class ActionDetail:
    action: Action
    objective_key: str
    objective_name: str
    evidence_count: int
    latest: Evidence | None = None
    steps: list[str] = field(default_factory=list)
    outcomes: list[str] = field(default_factory=list)
    measures: list[MeasureLine] = field(default_factory=list)
    # (email, name or None when the email is not in the people list), in plan order.
    owners: list[tuple[str, str | None]] = field(default_factory=list)


@cached_read
async def action_detail(
    session: AsyncSession, *, key: str, today: date, plan_key: str | None = None
) -> ActionDetail | None:
    """The live action `key` in full, or None: from plan `plan_key` when given, else from an active plan
    first (several may run at once), then a closed one, then a draft."""
    count = select(func.count()).where(Evidence.action_id == Action.id).scalar_subquery()
    query = (
        select(Action, Objective.key, Objective.name, count)
        .join(Objective, Objective.id == Action.objective_id)
        .join(Plan, Plan.id == Action.plan_id)
        .where(Action.key == key, Action.archived_at.is_(None))
    )
    if plan_key is not None:
        query = query.where(Plan.key == plan_key)
    query = query.order_by(plan_rank(today), Plan.starts.desc(), Plan.id.desc()).limit(1)
    row = (await session.execute(query)).first()
    if row is None:
        return None
    action: Action = row[0]
    detail = ActionDetail(action, row[1], row[2], int(row[3]))
    children = _children(action.id)
    rows = await session.execute(select(*children.c).order_by(children.c.kind, children.c.position))
    for kind, _, text, measure_kind, target, cadence, stretch, email in rows.all():
        if kind == "1step":
            detail.steps.append(text)
        elif kind == "2outcome":
            detail.outcomes.append(text)
        elif kind == "3measure":
            detail.measures.append(MeasureLine(text, measure_kind, target, cadence, bool(stretch)))
        else:
            detail.owners.append((email, text))
    if detail.evidence_count:
        detail.latest = await session.scalar(
            select(Evidence)
            .where(Evidence.action_id == action.id)
            .order_by(Evidence.created_at.desc(), Evidence.id.desc())
            .limit(1)
        )
    return detail


def _children(action_id: int) -> Subquery:
    """Steps, outcomes, measures and owners as rows of one shape (kind, position, text, measure kind,
    target, cadence, stretch, email); the kind's digit orders them."""

    def none(name: str) -> ColumnElement[str]:
        # Each placeholder is labelled, so the union's columns keep their own names and places.
        return cast(null(), String).label(name)

    no = cast(literal(False), Boolean).label("stretch")
    steps = select(
        literal("1step").label("kind"),
        ActionStep.position.label("position"),
        ActionStep.text.label("text"),
        none("measure_kind"),
        none("target"),
        none("cadence"),
        no,
        none("email"),
    ).where(ActionStep.action_id == action_id)
    outcomes = select(
        literal("2outcome"),
        Outcome.position,
        Outcome.text,
        none("measure_kind"),
        none("target"),
        none("cadence"),
        no,
        none("email"),
    ).where(Outcome.action_id == action_id)
    measures = select(
        literal("3measure"),
        Measure.position,
        Measure.text,
        Measure.kind,
        Measure.target,
        Measure.cadence,
        Measure.stretch,
        none("email"),
    ).where(Measure.action_id == action_id)
    owners = (
        select(
            literal("4owner"),
            ActionOwner.position,
            Person.name,
            none("measure_kind"),
            none("target"),
            none("cadence"),
            no,
            ActionOwner.email,
        )
        .outerjoin(Person, Person.email == ActionOwner.email)
        .where(ActionOwner.action_id == action_id)
    )
    return union_all(steps, outcomes, measures, owners).subquery("children")
