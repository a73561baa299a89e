"""Rollover: next year's plan carries this year's unfinished commitments with their history.

`rollover` imports the new plan file and, in the same transaction, links each carried action to the
same commitment in the old plan (`Action.carried_from_id`), so /commitments KEY shows its earlier
evidence and measures; a carried action that the new file leaves *not started* keeps the status it had.
SMART objectives of the old plan are copied as drafts, to be agreed again for the new year.

Which actions are carried: the keys given (`--carry`), else every action of the new file whose key the
old plan has and that was not done.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage import audit
from storage.models import Action, Plan, SmartObjective, Status
from storage.plan_file import PlanSpec
from storage.plan_import import ImportReport, import_plan
from storage.yaml_nodes import InvalidFile, Problem


@dataclass
class RolloverReport:
    imported: ImportReport
    carried: list[str] = field(default_factory=list)
    objectives: int = 0


async def rollover(
    session: AsyncSession,
    *,
    source_key: str,
    spec: PlanSpec,
    carry: set[str] | None,
    now: datetime,
    actor: str = "cli",
    filename: str = "<plan>",
    progress: Callable[[int, int], None] | None = None,
) -> RolloverReport:
    """Import `spec` as the plan after `source_key` and carry actions and objectives (caller commits)."""
    source = await session.scalar(select(Plan).where(Plan.key == source_key))
    problems: list[Problem] = []
    if source is None:
        problems.append(Problem(filename, 0, "", f"no plan {source_key!r} to roll over from"))
    elif source.key == spec.key:
        problems.append(Problem(filename, 0, "plan.key", "the new plan needs a key of its own"))
    elif spec.starts <= source.starts:
        problems.append(Problem(filename, 0, "plan.starts", f"must be after {source.key} starts"))
    if source is None or problems:
        raise InvalidFile(problems)
    old = {
        a.key: a
        for a in (
            await session.scalars(
                select(Action).where(Action.plan_id == source.id, Action.archived_at.is_(None))
            )
        ).all()
    }
    new_keys = {a.key for a in spec.actions}
    if carry is not None:
        unknown = sorted(k for k in carry if k not in old or k not in new_keys)
        if unknown:
            raise InvalidFile(
                [Problem(filename, 0, "", f"cannot carry {k}: it must be in both plans") for k in unknown]
            )
        wanted = set(carry)
    else:
        wanted = {k for k in new_keys if k in old and old[k].status != Status.DONE.value}
    report = RolloverReport(await import_plan(session, spec, now=now, actor=actor, progress=progress))
    target = await session.scalar(select(Plan).where(Plan.key == spec.key))
    assert target is not None  # imported just above
    new = {a.key: a for a in (await session.scalars(select(Action).where(Action.plan_id == target.id))).all()}
    for key in sorted(wanted, key=lambda k: new[k].position):
        action, before = new[key], old[key]
        action.carried_from_id = before.id
        if action.status == Status.NOT_STARTED.value and before.status != Status.DONE.value:
            action.status = before.status
            action.status_changed_at = before.status_changed_at
        action.updated_at = now
        report.carried.append(key)
    carried_ids = {old[k].id: new[k].id for k in wanted}
    report.objectives = await _copy_objectives(session, source, target, carried_ids, now=now)
    audit.record(
        session,
        at=now,
        actor=actor,
        event="plan.rollover",
        entity="plan",
        entity_key=target.key,
        detail={"from": source.key, "carried": report.carried, "objectives": report.objectives},
    )
    await session.flush()
    return report


async def _copy_objectives(
    session: AsyncSession, source: Plan, target: Plan, carried: dict[int, int], *, now: datetime
) -> int:
    """Each person's objective for the old plan becomes a draft for the new one (never agreed yet)."""
    already = set(
        (
            await session.scalars(select(SmartObjective.person_id).where(SmartObjective.plan_id == target.id))
        ).all()
    )
    copied = 0
    for objective in (
        await session.scalars(select(SmartObjective).where(SmartObjective.plan_id == source.id))
    ).all():
        if objective.person_id in already:
            continue
        session.add(
            SmartObjective(
                person_id=objective.person_id,
                plan_id=target.id,
                action_id=carried.get(objective.action_id) if objective.action_id else None,
                specific=objective.specific,
                measurable=objective.measurable,
                achievable=objective.achievable,
                relevant=objective.relevant,
                time_bound=objective.time_bound,
                agreed=False,
                outcome=None,
                updated_at=now,
            )
        )
        copied += 1
    return copied


async def earlier_versions(session: AsyncSession, action: Action) -> list[tuple[Action, Plan]]:
    """The same commitment in earlier plans, newest first, following `carried_from_id` back."""
    out: list[tuple[Action, Plan]] = []
    seen = {action.id}
    current = action.carried_from_id
    while current is not None and current not in seen:
        row = (
            await session.execute(
                select(Action, Plan).join(Plan, Plan.id == Action.plan_id).where(Action.id == current)
            )
        ).first()
        if row is None:
            break
        out.append((row[0], row[1]))
        seen.add(current)
        current = row[0].carried_from_id
    return out
