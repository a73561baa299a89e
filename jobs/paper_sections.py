"""Pieces of the review paper read from other features: closed anonymous surveys above their minimum.

Only a survey closed in the review's period with at least its minimum of answers is summarised, and
only its scale and choice questions, as counts; written answers never reach a paper.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from storage.models import Survey
from storage.survey_tally import tally
from storage.surveys import SCALE_VALUES


@dataclass(frozen=True)
class SurveySummary:
    title: str
    closed_on: datetime
    answers: int
    # (question, "Agree 12 (40%); …") for scale and choice questions only.
    questions: tuple[tuple[str, str], ...]


def _shares(counts: dict[str, int], order: list[str]) -> str:
    total = sum(counts.values())
    return "; ".join(
        f"{o} {counts.get(o, 0)} ({round(100 * counts.get(o, 0) / total) if total else 0}%)" for o in order
    )


async def closed_surveys(session: AsyncSession, *, since: datetime, until: datetime) -> list[SurveySummary]:
    surveys = (
        await session.scalars(
            select(Survey)
            .where(Survey.status == "closed", Survey.closed_at >= since, Survey.closed_at < until)
            .options(selectinload(Survey.questions))
            .order_by(Survey.closed_at)
        )
    ).all()
    out = []
    for survey in surveys:
        counted = await tally(session, survey=survey)
        if counted.count < survey.min_answers or survey.closed_at is None:
            continue
        lines = []
        for q in survey.questions:
            if q.kind == "scale":
                lines.append(
                    (q.prompt, _shares(dict(counted.scales.get(q.position, {})), list(SCALE_VALUES)))
                )
            elif q.kind == "choice":
                lines.append((q.prompt, _shares(dict(counted.choices.get(q.position, {})), list(q.options))))
        out.append(SurveySummary(survey.title, survey.closed_at, counted.count, tuple(lines)))
    return out
