"""When a plan's reviews fall: from its review cadence and its period, counted from its own start.

A six-monthly review of a plan running 1 April 2024 – 31 March 2025 falls on 30 September 2024 and
31 March 2025: the last day of each half of the plan's own year; the last review is always the plan's
end. A review is announced `NOTICE` before its day; nothing announces a review whose day has passed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from storage.models import Cadence, Plan
from storage.plan_events import PlanEvent

NOTICE = timedelta(days=14)
_MONTHS = {Cadence.MONTHLY: 1, Cadence.QUARTERLY: 3, Cadence.SIX_MONTHLY: 6, Cadence.ANNUAL: 12}
_WORDS = {
    Cadence.MONTHLY: "Monthly review",
    Cadence.QUARTERLY: "Quarterly review",
    Cadence.SIX_MONTHLY: "Six-monthly review",
    Cadence.ANNUAL: "Annual review",
}


@dataclass(frozen=True)
class ReviewDate:
    """One review of a plan: the day it is held and the first day it looks back to."""

    held_on: date
    covers_from: date
    label: str

    @property
    def announce_on(self) -> date:
        return self.held_on - NOTICE


def _month_end(year: int, month: int) -> date:
    index = year * 12 + month  # the month after, 0-based
    return date(index // 12, index % 12 + 1, 1) - timedelta(days=1)


def review_dates(plan: Plan) -> list[ReviewDate]:
    """Every review of the plan, in date order."""
    try:
        cadence = Cadence(plan.review_cadence)
    except ValueError:
        cadence = Cadence.SIX_MONTHLY
    step = _MONTHS[cadence]
    out: list[ReviewDate] = []
    covers_from = plan.starts
    months = step
    while covers_from <= plan.ends:
        index = plan.starts.year * 12 + plan.starts.month - 1 + months - 1
        held_on = min(_month_end(index // 12, index % 12 + 1), plan.ends)
        out.append(ReviewDate(held_on=held_on, covers_from=covers_from, label=_WORDS[cadence]))
        covers_from = held_on + timedelta(days=1)
        months += step
    return out


def next_review(plan: Plan, today: date) -> ReviewDate | None:
    """The first review on or after `today`; None once the plan's last review has passed."""
    return next((r for r in review_dates(plan) if r.held_on >= today), None)


def review_on(plan: Plan, held_on: date) -> ReviewDate | None:
    return next((r for r in review_dates(plan) if r.held_on == held_on), None)


def current_or_last_review(plan: Plan, today: date) -> ReviewDate | None:
    """The review being prepared or held (announced, not yet a fortnight past its day), else the last one."""
    dates = review_dates(plan)
    for r in dates:
        if r.announce_on <= today <= r.held_on + NOTICE:
            return r
    past = [r for r in dates if r.held_on < today]
    return past[-1] if past else None


def upcoming_events(plan: Plan, today: date) -> list[PlanEvent]:
    """The plan's own dated events still to come (from the plan file's `events`), in date order."""
    events = [PlanEvent.from_json(e) for e in plan.events or []]
    return sorted((e for e in events if e.on >= today), key=lambda e: e.on)
