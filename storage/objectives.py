"""SMART objectives: the CSV file, its import, and the coverage the plan measures itself by."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage import audit
from storage.models import Action, ObjectiveOutcome, Person, PersonRole, Plan, SmartObjective
from storage.people_file import EMAIL_PATTERN, parse_bool, read_csv_rows
from storage.yaml_nodes import InvalidFile, Problem

SMART_FIELDS = ("specific", "measurable", "achievable", "relevant", "time_bound")
OUTCOMES = {o.value for o in ObjectiveOutcome}


@dataclass(frozen=True)
class ObjectiveSpec:
    email: str
    specific: str
    measurable: str
    achievable: str
    relevant: str
    time_bound: str
    action_key: str
    agreed: bool
    outcome: str | None
    line: int


def load_objectives_file(path: Path) -> list[ObjectiveSpec]:
    filename = str(path)
    header, rows = read_csv_rows(path)
    missing = [c for c in ("email", *SMART_FIELDS) if c not in header]
    if missing:
        raise InvalidFile([Problem(filename, 1, "", f"missing column(s): {', '.join(missing)}")])
    problems: list[Problem] = []
    out: list[ObjectiveSpec] = []
    seen: set[str] = set()
    for line, row in rows:
        if not any(row.values()):
            continue
        email = row.get("email", "").lower()
        if not EMAIL_PATTERN.fullmatch(email):
            problems.append(Problem(filename, line, "email", f"{email!r} is not an email address"))
        elif email in seen:
            problems.append(Problem(filename, line, "email", f"{email} has a second objective row"))
        seen.add(email)
        for name in SMART_FIELDS:
            if not row.get(name):
                problems.append(Problem(filename, line, name, "must not be empty"))
        agreed = parse_bool(row.get("agreed", ""))
        if agreed is None:
            problems.append(Problem(filename, line, "agreed", f"{row.get('agreed')!r} is not true or false"))
        outcome = row.get("outcome", "").lower() or None
        if outcome is not None and outcome not in OUTCOMES:
            problems.append(
                Problem(filename, line, "outcome", f"{outcome!r} is not one of {sorted(OUTCOMES)}")
            )
        out.append(
            ObjectiveSpec(
                email=email,
                action_key=row.get("action_key", "").upper(),
                agreed=bool(agreed),
                outcome=outcome,
                line=line,
                **{name: row.get(name, "") for name in SMART_FIELDS},
            )
        )
    if problems:
        raise InvalidFile(problems)
    return out


@dataclass
class ObjectivesReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated)


async def import_objectives(
    session: AsyncSession,
    specs: list[ObjectiveSpec],
    *,
    plan: Plan,
    filename: str,
    now: datetime,
    actor: str = "cli",
) -> ObjectivesReport:
    """Validate references against the database, then apply; raises `InvalidFile` before any write."""
    people = {p.email: p for p in (await session.scalars(select(Person))).all()}
    actions = {
        a.key: a for a in (await session.scalars(select(Action).where(Action.plan_id == plan.id))).all()
    }
    problems = [
        Problem(filename, s.line, "email", f"{s.email} is not in the people list")
        for s in specs
        if s.email not in people
    ]
    problems += [
        Problem(filename, s.line, "action_key", f"no action {s.action_key!r} in plan {plan.key}")
        for s in specs
        if s.action_key and s.action_key not in actions
    ]
    if problems:
        raise InvalidFile(problems)
    existing = {
        o.person_id: o
        for o in (
            await session.scalars(select(SmartObjective).where(SmartObjective.plan_id == plan.id))
        ).all()
    }
    report = ObjectivesReport()
    for spec in specs:
        person = people[spec.email]
        values: dict[str, Any] = {name: getattr(spec, name) for name in SMART_FIELDS}
        values |= {
            "agreed": spec.agreed,
            "outcome": spec.outcome,
            "action_id": actions[spec.action_key].id if spec.action_key else None,
        }
        row = existing.get(person.id)
        if row is None:
            session.add(SmartObjective(person_id=person.id, plan_id=plan.id, updated_at=now, **values))
            report.created.append(spec.email)
            audit.record(
                session,
                at=now,
                actor=actor,
                event="objective.create",
                entity="smart_objective",
                entity_key=spec.email,
            )
            continue
        changed = [n for n, v in values.items() if getattr(row, n) != v]
        for name in changed:
            setattr(row, name, values[name])
        if changed:
            row.updated_at = now
            report.updated.append(spec.email)
            audit.record(
                session,
                at=now,
                actor=actor,
                event="objective.update",
                entity="smart_objective",
                entity_key=spec.email,
                detail={"fields": changed},
            )
    await session.flush()
    return report


@dataclass(frozen=True)
class CoverageRow:
    """Agreed SMART objectives among eligible people (active, outside probation) of one group."""

    group: str
    eligible: int
    agreed: int
    missing: tuple[str, ...]

    @property
    def percent(self) -> float:
        return 100.0 * self.agreed / self.eligible if self.eligible else 100.0


async def coverage(session: AsyncSession, *, plan_id: int, by: str = "role") -> list[CoverageRow]:
    """Coverage per role (``by="role"``) or per team (``by="team"``), in one query."""
    group_col = PersonRole.role_name if by == "role" else Person.team
    agreed = (
        select(SmartObjective.person_id)
        .where(SmartObjective.plan_id == plan_id, SmartObjective.agreed.is_(True))
        .scalar_subquery()
    )
    query = (
        select(group_col, Person.name, Person.id.in_(agreed))
        .where(Person.active.is_(True), Person.on_probation.is_(False))
        .order_by(group_col, Person.name)
    )
    if by == "role":
        query = query.join(PersonRole, PersonRole.person_id == Person.id)
    groups: dict[str, tuple[int, int, list[str]]] = {}
    for group, name, has in (await session.execute(query)).all():
        eligible, count, missing = groups.get(group or "(no team)", (0, 0, []))
        if not has:
            missing.append(name)
        groups[group or "(no team)"] = (eligible + 1, count + int(bool(has)), missing)
    return [CoverageRow(g, e, a, tuple(m)) for g, (e, a, m) in groups.items()]


async def count_objectives(session: AsyncSession, plan_id: int) -> int:
    return int(await session.scalar(select(func.count()).where(SmartObjective.plan_id == plan_id)) or 0)
