"""Measures in words and colour, the same everywhere: "🟢 INF-2.1 … · 3 of at least 2 this quarter — met".

The colour is a coloured circle beside the words (green on track, amber at risk, red off track, blue done,
white for no figure yet), so it survives every adapter and reads without colour too.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from handlers.markup import bold, escape, truncate
from storage.measures import MeasureReport, assess_measures, live_measures
from storage.models import Action, Plan, Status

DOTS = {
    Status.ON_TRACK: "🟢",
    Status.AT_RISK: "🟠",
    Status.OFF_TRACK: "🔴",
    Status.DONE: "🔵",
    Status.NOT_STARTED: "⚪",
}


def measure_line(report: MeasureReport, *, text_limit: int = 200) -> str:
    """One measure: colour, key, its words, what its figures add up to, and a trend when it has one."""
    result = report.assessment
    trend = f" {result.trend}" if result.trend else ""
    text = escape(truncate(report.measure.text, text_limit))
    return f"{DOTS[result.status]} {bold(report.measure.key)} {text} · _{escape(result.summary)}_{trend}"


def progress_words(reports: Sequence[MeasureReport]) -> str:
    """An action's measures in one line: "2 of 3 measures on track, 1 no figure yet"."""
    if not reports:
        return "no success measures"
    counts = Counter(r.assessment.status for r in reports)
    good = counts[Status.ON_TRACK] + counts[Status.DONE]
    words = [f"{good} of {len(reports)} measure{'s' * (len(reports) != 1)} on target"]
    if counts[Status.AT_RISK]:
        words.append(f"{counts[Status.AT_RISK]} at risk")
    if counts[Status.OFF_TRACK]:
        words.append(f"{counts[Status.OFF_TRACK]} off target")
    if counts[Status.NOT_STARTED]:
        words.append(f"{counts[Status.NOT_STARTED]} with no figure or evidence yet")
    return ", ".join(words)


async def action_reports(session: AsyncSession, action: Action, *, today: date) -> list[MeasureReport]:
    """The live measures of one action, assessed."""
    plan = await session.get(Plan, action.plan_id)
    if plan is None:
        return []
    pairs = await live_measures(session, plan.id, action_ids=[action.id])
    return await assess_measures(session, plan, pairs, today=today)


def today_in(timezone: str, now: datetime) -> date:
    """The organisation's calendar day at `now`: the day a figure is judged on."""
    return now.astimezone(ZoneInfo(timezone)).date()
