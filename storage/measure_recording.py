"""Recording an owner's figures with their update: one value per measure and period, the measure's derived
status brought up to date, all inside the caller's transaction."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.measures import assess_measures, period_of, record_value
from storage.models import Action, Evidence, Measure, Plan
from storage.models.tracking import MEASURE_MARK


def measure_of_subject(subject: str) -> int | None:
    """The measure id an ask is about ("INF-2#m12" → 12); None for an ask about the action itself."""
    _, mark, rest = subject.partition(MEASURE_MARK)
    return int(rest) if mark and rest.isdigit() else None


async def action_measures(session: AsyncSession, action_id: int) -> list[Measure]:
    """An action's live measures in plan order."""
    return list(
        (
            await session.scalars(
                select(Measure)
                .where(Measure.action_id == action_id, Measure.archived_at.is_(None))
                .order_by(Measure.position)
            )
        ).all()
    )


async def record_figures(
    session: AsyncSession,
    action: Action,
    measures: Sequence[Measure],
    figures: Mapping[int, float],
    *,
    evidence: Evidence | None,
    confidence: str | None,
    actor: str,
    now: datetime,
    timezone: str,
    source: str = "update",
) -> list[str]:
    """Store `figures` (by measure id) for the period each belongs to today; return the measures' keys."""
    if not measures:
        return []
    plan = await session.get(Plan, action.plan_id)
    assert plan is not None
    today = now.astimezone(ZoneInfo(timezone)).date()
    for measure in measures:
        period, as_of = period_of(measure, action, today, year_start_month=plan.starts.month)
        await record_value(
            session,
            measure=measure,
            period=period,
            as_of=as_of,
            value=figures[measure.id],
            note=evidence.narrative[:500] if evidence else "",
            source=source,
            recorded_by=actor,
            now=now,
            confidence=confidence,
            evidence_id=evidence.id if evidence else None,
        )
    await refresh_status(session, plan, [(m, action) for m in measures], now=now, timezone=timezone)
    return [m.key for m in measures]


async def refresh_status(
    session: AsyncSession,
    plan: Plan,
    pairs: Sequence[tuple[Measure, Action]],
    *,
    now: datetime,
    timezone: str,
) -> None:
    """Write each measure's derived status onto its row, so lists and exports read it without figures."""
    today = now.astimezone(ZoneInfo(timezone)).date()
    for report in await assess_measures(session, plan, pairs, today=today):
        report.measure.status = report.assessment.status.value
