"""Measures' figures: recording a value, reading values back, computing the figures nudgebot already knows,
and each measure's derived status — in a fixed number of queries however many measures are asked about."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.measure_periods import measure_span
from storage.measure_status import Assessment, Figure, MeasureTerms, assess
from storage.models import (
    Action,
    Computation,
    Evidence,
    Measure,
    MeasureKind,
    MeasureValue,
    Objective,
    ObjectiveOutcome,
    Person,
    PersonRole,
    Plan,
    SmartObjective,
    Status,
    Survey,
)
from storage.objectives import coverage


def terms_of(measure: Measure) -> MeasureTerms:
    return MeasureTerms(
        kind=measure.kind,
        unit=measure.unit,
        direction=measure.direction,
        target_value=measure.target_value,
        target_high=measure.target_high,
        per=measure.per,
        benchmark=measure.benchmark,
        benchmark_first=measure.benchmark_first,
        baseline=measure.baseline,
    )


def period_of(measure: Measure, action: Action, day: date, *, year_start_month: int = 4) -> tuple[str, date]:
    """(period key, last day) of a figure given on `day`: the measure's own cadence, else its action's."""
    span = measure_span(measure.cadence or action.cadence, day, year_start_month=year_start_month)
    return span.key, (day if span.key == "once" else span.end)


async def record_value(
    session: AsyncSession,
    *,
    measure: Measure,
    period: str,
    as_of: date,
    value: float,
    note: str,
    source: str,
    recorded_by: str,
    now: datetime,
    confidence: str | None = None,
    evidence_id: int | None = None,
) -> bool:
    """Set the figure of `measure` for `period` (replacing an earlier one); True when anything changed."""
    row = await session.scalar(
        select(MeasureValue).where(MeasureValue.measure_id == measure.id, MeasureValue.period == period)
    )
    if row is not None and (row.value, row.note, row.source, row.as_of) == (value, note, source, as_of):
        return False
    if row is None:
        row = MeasureValue(measure_id=measure.id, period=period)
        session.add(row)
    row.as_of, row.value, row.note, row.source = as_of, value, note, source
    row.confidence, row.evidence_id, row.recorded_by, row.recorded_at = (
        confidence,
        evidence_id,
        recorded_by,
        now,
    )
    await session.flush()
    return True


async def figures_for(session: AsyncSession, measure_ids: Collection[int]) -> dict[int, list[Figure]]:
    """Every stored figure of these measures, oldest first, in one query."""
    out: dict[int, list[Figure]] = defaultdict(list)
    if not measure_ids:
        return out
    rows = await session.execute(
        select(MeasureValue.measure_id, MeasureValue.period, MeasureValue.as_of, MeasureValue.value)
        .where(MeasureValue.measure_id.in_(measure_ids))
        .order_by(MeasureValue.as_of, MeasureValue.id)
    )
    for measure_id, period, as_of, value in rows.all():
        out[measure_id].append(Figure(period, as_of, float(value)))
    return out


async def computed_value(session: AsyncSession, measure: Measure, plan: Plan) -> float | None:
    """The figure nudgebot knows for a computed measure, now; None when there is nobody to count."""
    group = measure.computed_for.strip().lower()
    if measure.computes == Computation.SMART_COVERAGE.value:
        # A named group is a role first ("policy"), else a team; no group: everybody, each once (by team).
        by_role = await coverage(session, plan_id=plan.id, by="role")
        by_team = await coverage(session, plan_id=plan.id, by="team")
        chosen = by_team
        if group:
            chosen = [r for r in by_role if r.group.lower() == group][:1]
            chosen = chosen or [r for r in by_team if r.group.lower() == group][:1]
        eligible = sum(r.eligible for r in chosen)
        return 100.0 * sum(r.agreed for r in chosen) / eligible if eligible else None
    if measure.computes == Computation.SMART_OUTCOMES.value:
        return await _outcomes(session, plan.id, group)
    if measure.computes == Computation.SURVEYS_RUN.value:
        count = await session.scalar(
            select(func.count()).where(
                func.date(Survey.created_at) >= plan.starts, func.date(Survey.created_at) <= plan.ends
            )
        )
        return float(count or 0)
    if measure.computes == Computation.EVIDENCE_COUNT.value:
        count = await session.scalar(select(func.count()).where(Evidence.action_id == measure.action_id))
        return float(count or 0)
    return None


async def _outcomes(session: AsyncSession, plan_id: int, group: str) -> float | None:
    """Agreed SMART objectives met or with good progress, as a share of agreed ones (of a role, if named)."""
    query = select(SmartObjective.outcome).where(
        SmartObjective.plan_id == plan_id, SmartObjective.agreed.is_(True)
    )
    if group:
        in_role = select(PersonRole.person_id).where(func.lower(PersonRole.role_name) == group)
        in_team = select(Person.id).where(func.lower(Person.team) == group)
        query = query.where(SmartObjective.person_id.in_(in_role) | SmartObjective.person_id.in_(in_team))
    outcomes = list((await session.scalars(query)).all())
    if not outcomes:
        return None
    good = {ObjectiveOutcome.MET.value, ObjectiveOutcome.GOOD_PROGRESS.value}
    return 100.0 * sum(1 for o in outcomes if o in good) / len(outcomes)


@dataclass(frozen=True)
class MeasureReport:
    """One measure with its figures and what they add up to, for any surface that shows measures."""

    measure: Measure
    action_key: str
    figures: tuple[Figure, ...]
    assessment: Assessment
    evidence: int = 0


async def assess_measures(
    session: AsyncSession, plan: Plan, measures: Sequence[tuple[Measure, Action]], *, today: date
) -> list[MeasureReport]:
    """Each measure's figures and derived status (computed measures get today's figure added)."""
    ids = [m.id for m, _ in measures]
    figures = await figures_for(session, ids)
    evidence = await _evidence_counts(session, ids)
    start_month = plan.starts.month
    out: list[MeasureReport] = []
    for measure, action in measures:
        mine = list(figures.get(measure.id, []))
        if measure.kind == MeasureKind.COMPUTED.value:
            now_value = await computed_value(session, measure, plan)
            if now_value is not None:
                key, as_of = period_of(measure, action, today, year_start_month=start_month)
                mine = [f for f in mine if f.period != key] + [Figure(key, min(as_of, today), now_value)]
        if measure.kind == MeasureKind.EVIDENCE.value:
            count = evidence.get(measure.id, 0)
            words = "evidence: none yet" if not count else f"evidence: {count} piece{'s' * (count != 1)}"
            status = Status.DONE if count else Status.NOT_STARTED
            result = Assessment(status, "collected" if count else "none yet", words)
        else:
            result = assess(terms_of(measure), mine, today=today, year_start_month=start_month)
        out.append(MeasureReport(measure, action.key, tuple(mine), result, evidence.get(measure.id, 0)))
    return out


async def _evidence_counts(session: AsyncSession, measure_ids: Collection[int]) -> dict[int, int]:
    if not measure_ids:
        return {}
    rows = await session.execute(
        select(Evidence.measure_id, func.count())
        .where(Evidence.measure_id.in_(measure_ids))
        .group_by(Evidence.measure_id)
    )
    return {int(m): int(c) for m, c in rows.all() if m is not None}


async def live_measures(
    session: AsyncSession, plan_id: int, *, action_ids: Collection[int] | None = None
) -> list[tuple[Measure, Action]]:
    """The plan's live measures with their actions, in plan order (objective, action, measure)."""
    query = (
        select(Measure, Action)
        .join(Action, Action.id == Measure.action_id)
        .join(Objective, Objective.id == Action.objective_id)
        .where(Action.plan_id == plan_id, Action.archived_at.is_(None), Measure.archived_at.is_(None))
        .order_by(Objective.position, Action.position, Measure.position)
    )
    if action_ids is not None:
        query = query.where(Action.id.in_(action_ids))
    return [(m, a) for m, a in (await session.execute(query)).all()]


async def measure_by_key(session: AsyncSession, plan_id: int, key: str) -> tuple[Measure, Action] | None:
    row = (
        await session.execute(
            select(Measure, Action)
            .join(Action, Action.id == Measure.action_id)
            .where(Action.plan_id == plan_id, Measure.key == key, Measure.archived_at.is_(None))
        )
    ).first()
    return (row[0], row[1]) if row else None


@dataclass(frozen=True)
class ObjectiveProgress:
    """For a board paper or digest: an objective's measures against their targets."""

    key: str
    name: str
    reports: tuple[MeasureReport, ...]

    def count(self, status: Status) -> int:
        return sum(1 for r in self.reports if r.assessment.status is status)


async def progress_by_objective(session: AsyncSession, plan: Plan, *, today: date) -> list[ObjectiveProgress]:
    """Every live measure of the plan, assessed, grouped by strategic objective in plan order."""
    pairs = await live_measures(session, plan.id)
    reports = await assess_measures(session, plan, pairs, today=today)
    objectives = {
        o.id: o
        for o in await session.scalars(
            select(Objective).where(Objective.plan_id == plan.id).order_by(Objective.position)
        )
    }
    grouped: dict[int, list[MeasureReport]] = defaultdict(list)
    for (_, action), report in zip(pairs, reports, strict=True):
        grouped[action.objective_id].append(report)
    return [
        ObjectiveProgress(o.key, o.name, tuple(grouped[o.id]))
        for o in objectives.values()
        if grouped.get(o.id)
    ]
