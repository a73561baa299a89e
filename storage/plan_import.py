"""Import a validated plan into the database: in place, idempotent, archiving what left the file."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from storage import audit
from storage.models import Action, ActionOwner, ActionStep, Measure, Objective, Outcome, Person, Plan
from storage.plan_file import ActionSpec, MeasureSpec, PlanSpec

Progress = Callable[[int, int], None]


@dataclass
class ImportReport:
    """What an import changed, in words an administrator can read."""

    plan_key: str
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    archived: list[str] = field(default_factory=list)
    restored: list[str] = field(default_factory=list)
    unknown_owners: dict[str, list[str]] = field(default_factory=dict)
    objectives: int = 0
    actions: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated or self.archived or self.restored)


async def import_plan(
    session: AsyncSession,
    spec: PlanSpec,
    *,
    now: datetime,
    actor: str = "cli",
    progress: Progress | None = None,
) -> ImportReport:
    """Apply `spec` to the database inside the caller's transaction. Nothing is committed here."""
    report = ImportReport(plan_key=spec.key, objectives=len(spec.objectives), actions=len(spec.actions))
    plan = await _upsert_plan(session, spec, now=now, actor=actor, report=report)
    objectives = await _upsert_objectives(session, plan, spec, now=now, actor=actor, report=report)
    existing = {
        a.key: a
        for a in (
            await session.scalars(
                select(Action)
                .where(Action.plan_id == plan.id)
                .options(
                    selectinload(Action.steps),
                    selectinload(Action.outcomes),
                    selectinload(Action.measures),
                    selectinload(Action.owners),
                )
            )
        ).all()
    }
    total = len(spec.actions)
    done = 0
    for objective_spec in spec.objectives:
        for position, action_spec in enumerate(objective_spec.actions):
            objective_id = objectives[objective_spec.key].id
            _apply_action(
                session,
                plan,
                existing.get(action_spec.key),
                action_spec,
                objective_id,
                position,
                now=now,
                actor=actor,
                report=report,
            )
            done += 1
            if progress:
                progress(done, total)
    wanted = {a.key for a in spec.actions}
    for key, action in existing.items():
        if key not in wanted and action.archived_at is None:
            action.archived_at = now
            action.updated_at = now
            report.archived.append(key)
            audit.record(
                session,
                at=now,
                actor=actor,
                event="action.archive",
                entity="action",
                entity_key=key,
                note="removed from the plan file; kept with its evidence",
            )
    await session.flush()
    report.unknown_owners = await unknown_owners(session, plan.id)
    if report.changed:
        audit.record(
            session,
            at=now,
            actor=actor,
            event="plan.import",
            entity="plan",
            entity_key=spec.key,
            detail={
                "created": len(report.created),
                "updated": len(report.updated),
                "archived": len(report.archived),
                "restored": len(report.restored),
            },
        )
    return report


async def _upsert_plan(
    session: AsyncSession, spec: PlanSpec, *, now: datetime, actor: str, report: ImportReport
) -> Plan:
    plan = await session.scalar(select(Plan).where(Plan.key == spec.key))
    values: dict[str, Any] = {
        "name": spec.name,
        "starts": spec.starts,
        "ends": spec.ends,
        "review_cadence": spec.review_cadence,
        "description": spec.description,
        "smart_roles": list(spec.smart_roles),
        "events": [e.as_json() for e in spec.events],
    }
    if plan is None:
        plan = Plan(key=spec.key, created_at=now, updated_at=now, **values)
        session.add(plan)
        await session.flush()
        report.created.append(f"plan {spec.key}")
        audit.record(session, at=now, actor=actor, event="plan.create", entity="plan", entity_key=spec.key)
        return plan
    changed = _assign(plan, values)
    if changed:
        plan.updated_at = now
        report.updated.append(f"plan {spec.key}")
        audit.record(
            session,
            at=now,
            actor=actor,
            event="plan.update",
            entity="plan",
            entity_key=spec.key,
            detail={"fields": changed},
        )
    return plan


async def _upsert_objectives(
    session: AsyncSession, plan: Plan, spec: PlanSpec, *, now: datetime, actor: str, report: ImportReport
) -> dict[str, Objective]:
    existing = {
        o.key: o for o in (await session.scalars(select(Objective).where(Objective.plan_id == plan.id)))
    }
    for position, objective_spec in enumerate(spec.objectives):
        values: dict[str, Any] = {
            "name": objective_spec.name,
            "summary": objective_spec.summary,
            "position": position,
            "archived_at": None,
        }
        objective = existing.get(objective_spec.key)
        if objective is None:
            objective = Objective(plan_id=plan.id, key=objective_spec.key, **values)
            session.add(objective)
            existing[objective_spec.key] = objective
            report.created.append(f"objective {objective_spec.key}")
            audit.record(
                session,
                at=now,
                actor=actor,
                event="objective.create",
                entity="objective",
                entity_key=objective_spec.key,
            )
        elif changed := _assign(objective, values):
            report.updated.append(f"objective {objective_spec.key}")
            audit.record(
                session,
                at=now,
                actor=actor,
                event="objective.update",
                entity="objective",
                entity_key=objective_spec.key,
                detail={"fields": changed},
            )
    wanted = {o.key for o in spec.objectives}
    for key, objective in existing.items():
        if key not in wanted and objective.archived_at is None:
            objective.archived_at = now
            report.archived.append(f"objective {key}")
            audit.record(
                session, at=now, actor=actor, event="objective.archive", entity="objective", entity_key=key
            )
    await session.flush()
    return existing


def _apply_action(
    session: AsyncSession,
    plan: Plan,
    action: Action | None,
    spec: ActionSpec,
    objective_id: int,
    position: int,
    *,
    now: datetime,
    actor: str,
    report: ImportReport,
) -> None:
    values: dict[str, Any] = {
        "objective_id": objective_id,
        "title": spec.title,
        "team": spec.team,
        "group_label": spec.group,
        "stretch": spec.stretch,
        "cadence": spec.cadence,
        "position": position,
    }
    if action is None:
        action = Action(
            plan_id=plan.id,
            key=spec.key,
            created_at=now,
            updated_at=now,
            steps=[],
            outcomes=[],
            measures=[],
            owners=[],
            **values,
        )
        session.add(action)
        _replace_children(action, spec)
        report.created.append(spec.key)
        audit.record(
            session, at=now, actor=actor, event="action.create", entity="action", entity_key=spec.key
        )
        return
    changed = _assign(action, values)
    if action.archived_at is not None:
        action.archived_at = None
        report.restored.append(spec.key)
        changed.append("archived_at")
    changed += _replace_children(action, spec)
    if changed:
        action.updated_at = now
        if spec.key not in report.restored:
            report.updated.append(spec.key)
        audit.record(
            session,
            at=now,
            actor=actor,
            event="action.update",
            entity="action",
            entity_key=spec.key,
            detail={"fields": changed},
        )


def _replace_children(action: Action, spec: ActionSpec) -> list[str]:
    """Bring steps, outcomes, owners and measures in line with the file; return what changed."""
    changed: list[str] = []
    if [s.text for s in action.steps] != list(spec.steps):
        action.steps[:] = [ActionStep(position=i, text=t) for i, t in enumerate(spec.steps)]
        changed.append("steps")
    if [o.text for o in action.outcomes] != list(spec.outcomes):
        action.outcomes[:] = [Outcome(position=i, text=t) for i, t in enumerate(spec.outcomes)]
        changed.append("outcomes")
    if [o.email for o in action.owners] != list(spec.owners):
        by_email = {o.email: o for o in action.owners}
        action.owners[:] = [by_email.get(e) or ActionOwner(email=e) for e in spec.owners]
        for i, owner in enumerate(action.owners):
            owner.position = i
        changed.append("owners")
    if _measure_values(action.measures) != [_spec_values(m) for m in spec.measures]:
        # Update in place by position, so a measure keeps its status and evidence links when reworded.
        for i, measure_spec in enumerate(spec.measures):
            if i < len(action.measures):
                _assign(action.measures[i], _spec_values(measure_spec))
            else:
                action.measures.append(Measure(position=i, **_spec_values(measure_spec)))
        del action.measures[len(spec.measures) :]
        changed.append("measures")
    return changed


def _spec_values(spec: MeasureSpec) -> dict[str, Any]:
    return {
        "text": spec.text,
        "kind": spec.kind,
        "target": spec.target,
        "cadence": spec.cadence,
        "stretch": spec.stretch,
    }


def _measure_values(measures: list[Measure]) -> list[dict[str, Any]]:
    return [
        {"text": m.text, "kind": m.kind, "target": m.target, "cadence": m.cadence, "stretch": m.stretch}
        for m in measures
    ]


def _assign(row: object, values: dict[str, Any]) -> list[str]:
    """Set only the attributes that differ, so an unchanged import leaves rows untouched."""
    changed = []
    for name, value in values.items():
        if getattr(row, name) != value:
            setattr(row, name, value)
            changed.append(name)
    return changed


async def unknown_owners(session: AsyncSession, plan_id: int) -> dict[str, list[str]]:
    """Owner emails of live actions that match no active person: email → action keys."""
    rows = await session.execute(
        select(ActionOwner.email, Action.key)
        .join(Action, Action.id == ActionOwner.action_id)
        .outerjoin(Person, (Person.email == ActionOwner.email) & Person.active)
        .where(Action.plan_id == plan_id, Action.archived_at.is_(None), Person.id.is_(None))
        .order_by(ActionOwner.email, Action.position)
    )
    out: dict[str, list[str]] = {}
    for email, key in rows:
        out.setdefault(email, []).append(key)
    return out
