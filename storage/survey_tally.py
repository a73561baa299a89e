"""What a survey's answers add up to: counts per option, scale averages, and counts by self-described group.

Nothing here decides what may be shown: `handlers.surveys.results` applies the minimum and the
complementary suppression (`handlers.surveys.suppression`). Free text comes back shuffled.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Survey, SurveyResponse

# The group of people who left the self-description question unanswered.
NO_ANSWER = "No answer"

_rng = random.SystemRandom()


@dataclass
class Tally:
    """A survey's answers added up, per question position."""

    count: int
    scales: dict[int, Counter[str]] = field(default_factory=dict)
    choices: dict[int, Counter[str]] = field(default_factory=dict)
    texts: dict[int, list[str]] = field(default_factory=dict)
    # By the self-description question's answer: group → how many answered, and per question
    # position, group → counts per option (scale values as "1".."5").
    group_sizes: Counter[str] = field(default_factory=Counter)
    by_group: dict[int, dict[str, Counter[str]]] = field(default_factory=dict)

    def average(self, position: int) -> float | None:
        """The mean of a scale question's answers, or None with none."""
        counts = self.scales.get(position, Counter())
        total = sum(counts.values())
        return sum(int(v) * n for v, n in counts.items()) / total if total else None


def _group_of(row: dict[str, Any], position: int | None) -> str:
    if position is None:
        return ""
    value = row.get(str(position))
    return str(value) if value not in (None, "") else NO_ANSWER


async def tally(session: AsyncSession, *, survey: Survey) -> Tally:
    """Add up a survey's answers (all of them: callers decide what may be shown)."""
    rows = (
        await session.scalars(select(SurveyResponse.answers).where(SurveyResponse.survey_id == survey.id))
    ).all()
    result = Tally(count=len(rows))
    grouping = next((q.position for q in survey.questions if q.describes_group), None)
    if grouping is not None:
        result.group_sizes = Counter(_group_of(row, grouping) for row in rows)
    for question in survey.questions:
        key = str(question.position)
        values = [row.get(key) for row in rows if row.get(key) not in (None, "")]
        if question.kind == "scale":
            result.scales[question.position] = Counter(str(v) for v in values)
        elif question.kind == "choice":
            result.choices[question.position] = Counter(str(v) for v in values)
        else:
            texts = [str(v) for v in values]
            _rng.shuffle(texts)
            result.texts[question.position] = texts
        if grouping is not None and question.kind in {"scale", "choice"} and question.position != grouping:
            table: dict[str, Counter[str]] = {g: Counter() for g in result.group_sizes}
            for row in rows:
                value = row.get(key)
                if value not in (None, ""):
                    table[_group_of(row, grouping)][str(value)] += 1
            result.by_group[question.position] = table
    return result
