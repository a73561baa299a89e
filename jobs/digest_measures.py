"""The digests' measure sections: progress of the success measures by objective, the measures off target,
the figures overdue (SMT only, with owners), and a chart of measures against their targets.

Measures carry no personal performance, so the RECI digest shows the same progress, without the owners.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.markup import bold, escape, truncate
from handlers.measure_lines import measure_line, progress_words
from handlers.messages import Heading, Part, Text
from handlers.wording import bullets
from jobs import outbox
from jobs.measure_chart import measures_against_targets
from storage.measure_recording import measure_of_subject
from storage.measures import MeasureReport, ObjectiveProgress, progress_by_objective
from storage.models import Computation, Person, Plan, Status, UpdateRequest
from storage.models.tracking import MEASURE_MARK

_OFF = (Status.OFF_TRACK, Status.AT_RISK)
_SMART = (Computation.SMART_COVERAGE.value, Computation.SMART_OUTCOMES.value)


async def measure_parts(session: AsyncSession, plan: Plan, *, today: date, personal: bool) -> list[Part]:
    """The measure sections of a digest; `personal=False` (RECI) leaves out who owes a figure."""
    progress = await progress_by_objective(session, plan, today=today)
    if not personal:
        # SMART coverage and outcomes of a small team are close to personal performance: SMT only.
        progress = [
            ObjectiveProgress(o.key, o.name, tuple(r for r in o.reports if r.measure.computes not in _SMART))
            for o in progress
        ]
    reports = [r for o in progress for r in o.reports]
    if not reports:
        return []
    parts: list[Part] = [Heading("Success measures against their targets")]
    parts.append(
        Text(
            bullets(
                "By objective",
                [f"{bold(escape(o.name))}: {progress_words(list(o.reports))}" for o in progress],
            )
        )
    )
    off = [r for r in reports if r.assessment.status in _OFF]
    lines = [measure_line(r, text_limit=120) for r in off]
    parts.append(
        Text(
            bullets(f"Measures off target ({len(off)})", lines)
            if lines
            else "**Measures off target (0)**\nNone."
        )
    )
    if personal:
        owed = await _overdue(session, reports)
        parts.append(
            Text(
                bullets(f"Figures overdue ({len(owed)})", owed) if owed else "**Figures overdue (0)**\nNone."
            )
        )
    chart = measures_against_targets(reports, title="Measures against their targets")
    if chart is not None:
        parts.append(chart)
    return parts


async def _overdue(session: AsyncSession, reports: list[MeasureReport]) -> list[str]:
    """Asks for a measure's figure still unanswered after a reminder, by measure, with who owes it."""
    by_id = {r.measure.id: r for r in reports}
    rows = (
        await session.execute(
            select(UpdateRequest.subject, UpdateRequest.period, Person.name)
            .join(Person, Person.id == UpdateRequest.person_id)
            .where(
                UpdateRequest.kind == outbox.ASK,
                UpdateRequest.subject.contains(MEASURE_MARK),
                UpdateRequest.answered_at.is_(None),
                (UpdateRequest.reminders > 0) | UpdateRequest.escalated_at.is_not(None),
            )
            .order_by(UpdateRequest.subject, Person.name)
        )
    ).all()
    owed: dict[int, list[str]] = {}
    for subject, _, name in rows:
        measure_id = measure_of_subject(subject)
        if measure_id in by_id:
            owed.setdefault(measure_id, []).append(name)
    lines = []
    for measure_id, names in owed.items():
        measure = by_id[measure_id].measure
        lines.append(
            f"{bold(measure.key)} {escape(truncate(measure.text, 100))} · {escape(', '.join(names))}"
        )
    return lines
