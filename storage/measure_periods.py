"""The period a measure's figure belongs to, in the plan's own year (which starts in the plan's start month).

Keys match the outbox's ("2024-10", "2024-Q3", "2024-H2", "2024-FY"), so a figure given in answer to an ask
lands on the ask's period; a one-off measure has the single period "once".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from storage.models.enums import MEASURE_ONCE, Cadence

_SIZE = {Cadence.QUARTERLY: 3, Cadence.SIX_MONTHLY: 6, Cadence.ANNUAL: 12}
_LETTER = {Cadence.QUARTERLY: "Q", Cadence.SIX_MONTHLY: "H"}
_WORD = {
    Cadence.MONTHLY: "this month",
    Cadence.QUARTERLY: "this quarter",
    Cadence.SIX_MONTHLY: "this half-year",
    Cadence.ANNUAL: "this year",
}


@dataclass(frozen=True)
class Span:
    key: str
    start: date
    end: date
    # "this quarter" while it runs; the caller says "in <key>" once it is over.
    now_words: str = ""

    def __contains__(self, day: date) -> bool:
        return self.start <= day <= self.end


def _month_start(index: int) -> date:
    return date(index // 12, index % 12 + 1, 1)


def measure_span(cadence: str | None, day: date, *, year_start_month: int = 4) -> Span:
    """The span of `cadence` holding `day`; an unknown or missing cadence reads as monthly."""
    if cadence == MEASURE_ONCE:
        return Span(MEASURE_ONCE, date.min, date.max, "")
    try:
        kind = Cadence(cadence or Cadence.MONTHLY.value)
    except ValueError:
        kind = Cadence.MONTHLY
    month_index = day.year * 12 + day.month - 1
    if kind is Cadence.MONTHLY:
        end = _month_start(month_index + 1) - timedelta(days=1)
        return Span(f"{day.year}-{day.month:02d}", day.replace(day=1), end, _WORD[kind])
    size = _SIZE[kind]
    year = day.year if day.month >= year_start_month else day.year - 1
    offset = month_index - (year * 12 + year_start_month - 1)
    number = offset // size + 1
    first = year * 12 + year_start_month - 1 + (number - 1) * size
    start, end = _month_start(first), _month_start(first + size) - timedelta(days=1)
    key = f"{year}-FY" if kind is Cadence.ANNUAL else f"{year}-{_LETTER[kind]}{number}"
    return Span(key, start, end, _WORD[kind])
