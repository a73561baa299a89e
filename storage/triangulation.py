"""Triangulation figures: aggregate results of the annual staff, member and stakeholder surveys.

`nudgebot results import FILE.csv` reads columns survey, year, question, group, value, base_n (and,
optionally, action and measure — the action key and the measure's number within it, from 1). A group
whose base is under the reporting minimum is refused: the whole file is rejected, nothing is written,
so no figure about a handful of people ever reaches the database.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from storage import audit
from storage.lookups import current_plan_id
from storage.models import Action, TriangulationResult
from storage.people_file import read_csv_rows
from storage.yaml_nodes import InvalidFile, Problem

COLUMNS = ("survey", "year", "question", "group", "value", "base_n")
OPTIONAL = ("action", "measure")
# The same floor as anonymous surveys (DESIGN §5): default 10, never below 5.
DEFAULT_MINIMUM = 10
LOWEST_MINIMUM = 5


@dataclass(frozen=True)
class ResultSpec:
    survey: str
    year: int
    question: str
    group: str
    value: float
    base_n: int
    action: str
    measure: int | None
    line: int


def _header(raw: list[str]) -> list[str]:
    # "base n", "Base N" and "base_n" all name the same column.
    return [h.replace(" ", "_") for h in raw]


def load_results_file(path: Path, *, minimum: int = DEFAULT_MINIMUM) -> list[ResultSpec]:
    """Read and check the file; raise `InvalidFile` naming every problem, including small bases."""
    filename = str(path)
    header, rows = read_csv_rows(path)
    header = _header(header)
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        raise InvalidFile([Problem(filename, 1, "", f"missing column(s): {', '.join(missing)}")])
    problems: list[Problem] = []
    out: list[ResultSpec] = []
    seen: dict[tuple[str, int, str, str], int] = {}
    for line, raw in rows:
        row = {k.replace(" ", "_"): v for k, v in raw.items()}
        if not any(row.values()):
            continue

        def bad(column: str, message: str, line: int = line) -> None:
            problems.append(Problem(filename, line, column, message))

        for column in ("survey", "question", "group"):
            if not row.get(column):
                bad(column, "must not be empty")
        try:
            year = int(row.get("year", ""))
        except ValueError:
            bad("year", f"{row.get('year')!r} is not a year like 2024")
            year = 0
        try:
            value = float(row.get("value", "").rstrip("%"))
            if not math.isfinite(value):
                raise ValueError
        except ValueError:
            bad("value", f"{row.get('value')!r} is not a number")
            value = 0.0
        try:
            base_n = int(row.get("base_n", ""))
        except ValueError:
            bad("base_n", f"{row.get('base_n')!r} is not a whole number")
            base_n = 0
        else:
            if base_n < minimum:
                bad(
                    "base_n",
                    f"{row.get('group')!r} has a base of {base_n}, under the reporting minimum of {minimum}: "
                    "leave this group out or merge it with another",
                )
        measure: int | None = None
        if row.get("measure"):
            try:
                measure = int(row["measure"])
                if measure < 1:
                    raise ValueError
            except ValueError:
                bad("measure", f"{row['measure']!r} is not a measure number (1 for the first)")
        if measure is not None and not row.get("action"):
            bad("measure", "a measure number needs the action it belongs to")
        key = (row.get("survey", ""), year, row.get("question", ""), row.get("group", ""))
        if key in seen:
            bad("group", f"the same survey, year, question and group as line {seen[key]}")
        seen[key] = line
        out.append(
            ResultSpec(
                survey=key[0],
                year=year,
                question=key[2],
                group=key[3],
                value=value,
                base_n=base_n,
                action=row.get("action", "").upper(),
                measure=measure,
                line=line,
            )
        )
    if problems:
        raise InvalidFile(problems)
    return out


@dataclass
class ResultsReport:
    created: int = 0
    updated: int = 0


async def import_results(
    session: AsyncSession, specs: list[ResultSpec], *, now: datetime, filename: str, actor: str = "cli"
) -> ResultsReport:
    """Apply the file inside the caller's transaction; a figure already held is replaced by the file's."""
    actions = {
        a.key: a
        for a in (
            await session.scalars(
                select(Action).where(Action.archived_at.is_(None)).options(selectinload(Action.measures))
            )
        ).all()
    }
    problems: list[Problem] = []
    for spec in specs:
        action = actions.get(spec.action)
        if spec.action and action is None:
            problems.append(Problem(filename, spec.line, "action", f"there is no action {spec.action}"))
        elif action is not None and spec.measure is not None and spec.measure > len(action.measures):
            problems.append(
                Problem(filename, spec.line, "measure", f"{spec.action} has {len(action.measures)} measures")
            )
    if problems:
        raise InvalidFile(problems)
    existing = {
        (r.survey, r.year, r.question, r.group_name): r
        for r in (await session.scalars(select(TriangulationResult))).all()
    }
    report = ResultsReport()
    for spec in specs:
        action = actions.get(spec.action)
        measure_id = (
            action.measures[spec.measure - 1].id if action is not None and spec.measure is not None else None
        )
        values = {
            "value": spec.value,
            "base_n": spec.base_n,
            "action_id": action.id if action else None,
            "measure_id": measure_id,
            "imported_at": now,
        }
        row = existing.get((spec.survey, spec.year, spec.question, spec.group))
        if row is None:
            session.add(
                TriangulationResult(
                    survey=spec.survey,
                    year=spec.year,
                    question=spec.question,
                    group_name=spec.group,
                    **values,
                )
            )
            report.created += 1
        else:
            for name, value in values.items():
                setattr(row, name, value)
            report.updated += 1
    audit.record(
        session,
        at=now,
        actor=actor,
        event="results.import",
        entity="triangulation",
        entity_key=Path(filename).name,
        detail={"created": report.created, "updated": report.updated},
    )
    return report


@dataclass(frozen=True)
class Series:
    """One question for one group, year on year: [(year, value, base n)], oldest first."""

    survey: str
    question: str
    group: str
    action_key: str
    points: tuple[tuple[int, float, int], ...]

    @property
    def change(self) -> float | None:
        if len(self.points) < 2:
            return None
        return self.points[-1][1] - self.points[-2][1]


async def result_series(session: AsyncSession, *, action_key: str | None = None) -> list[Series]:
    """Every imported figure, year on year (for one action of the current plan, by key); one query."""
    query = select(TriangulationResult, Action.key).outerjoin(
        Action, Action.id == TriangulationResult.action_id
    )
    if action_key is not None:
        query = query.where(Action.key == action_key, Action.plan_id == current_plan_id())
    grouped: dict[tuple[str, str, str, str], list[tuple[int, float, int]]] = defaultdict(list)
    for row, key in (await session.execute(query)).all():
        grouped[(row.survey, row.question, row.group_name, key or "")].append(
            (row.year, row.value, row.base_n)
        )
    return [
        Series(survey=s, question=q, group=g, action_key=k, points=tuple(sorted(points)))
        for (s, q, g, k), points in sorted(grouped.items())
    ]
