"""Reporting periods in the plan's own year (April–March): months, financial quarters, halves, years, weeks.

Every period has a stable key stored on outbox rows ("2024-10", "2024-Q3", "2024-H2", "2024-FY",
"2024-W41") and a label people read ("October 2024", "Q3 2024/25 (Oct–Dec)"). A financial year is named by
the calendar year it starts in, so "2024-Q3" is October–December 2024 and "2024-Q4" is January–March 2025.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from storage.models import Cadence

# The plan year starts in April (UK financial year).
YEAR_START_MONTH = 4
_MONTH_ABBR = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_MONTHS_PER_PERIOD = {
    Cadence.MONTHLY: 1,
    Cadence.QUARTERLY: 3,
    Cadence.SIX_MONTHLY: 6,
    Cadence.ANNUAL: 12,
}


@dataclass(frozen=True)
class Period:
    """A span of whole days, `start` to `end` inclusive."""

    key: str
    label: str
    start: date
    end: date

    def __contains__(self, day: date) -> bool:
        return self.start <= day <= self.end


def _add_months(year: int, month: int, months: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + months
    return index // 12, index % 12 + 1


def _month_end(year: int, month: int) -> date:
    next_year, next_month = _add_months(year, month, 1)
    return date(next_year, next_month, 1) - timedelta(days=1)


def fiscal_year(day: date) -> int:
    """The calendar year the plan year containing `day` started in."""
    return day.year if day.month >= YEAR_START_MONTH else day.year - 1


def period_for(cadence: str | Cadence, day: date) -> Period:
    """The period of `cadence` that contains `day`. Unknown cadences read as monthly (the default)."""
    try:
        kind = Cadence(cadence)
    except ValueError:
        kind = Cadence.MONTHLY
    if kind is Cadence.MONTHLY:
        return Period(
            key=f"{day.year}-{day.month:02d}",
            label=day.strftime("%B %Y"),
            start=day.replace(day=1),
            end=_month_end(day.year, day.month),
        )
    size = _MONTHS_PER_PERIOD[kind]
    fy = fiscal_year(day)
    offset = (day.year - fy) * 12 + day.month - YEAR_START_MONTH
    number = offset // size + 1
    start_year, start_month = _add_months(fy, YEAR_START_MONTH, (number - 1) * size)
    end_year, end_month = _add_months(start_year, start_month, size - 1)
    start = date(start_year, start_month, 1)
    end = _month_end(end_year, end_month)
    span = f"{_MONTH_ABBR[start_month - 1]}–{_MONTH_ABBR[end_month - 1]}"
    year_label = f"{fy}/{(fy + 1) % 100:02d}"
    if kind is Cadence.QUARTERLY:
        return Period(f"{fy}-Q{number}", f"Q{number} {year_label} ({span})", start, end)
    if kind is Cadence.SIX_MONTHLY:
        return Period(f"{fy}-H{number}", f"H{number} {year_label} ({span})", start, end)
    return Period(f"{fy}-FY", f"Plan year {year_label}", start, end)


def next_period(cadence: str | Cadence, day: date) -> Period:
    """The period right after the one containing `day`."""
    return period_for(cadence, period_for(cadence, day).end + timedelta(days=1))


def previous_period(cadence: str | Cadence, day: date) -> Period:
    return period_for(cadence, period_for(cadence, day).start - timedelta(days=1))


def iso_week(day: date) -> Period:
    """The ISO week (Monday to Sunday) containing `day`: the weekly digest's period."""
    year, week, weekday = day.isocalendar()
    start = day - timedelta(days=weekday - 1)
    return Period(f"{year}-W{week:02d}", f"week {week} of {year}", start, start + timedelta(days=6))


def long_date(day: date) -> str:
    """'7 October 2024' (no leading zero, on every platform)."""
    return f"{day.day} {day:%B %Y}"
