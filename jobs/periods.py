"""Reporting periods in each plan's own year: months, quarters, halves, years, weeks.

A plan year starts in the plan's own start month (April for a UK financial year, August for a university,
January for a calendar year), so a plan starting 1 August 2024 has quarters Aug–Oct, Nov–Jan, Feb–Apr and
May–Jul. Every period has a stable key stored on outbox rows ("2024-10", "2024-Q3", "2024-H2", "2024-FY",
"2024-W41") and a label people read ("October 2024", "Q3 2024/25 (Oct–Dec)"). A plan year is named by the
calendar year it starts in, so for an April plan "2024-Q3" is October–December 2024 and "2024-Q4" is
January–March 2025.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from storage.models import Cadence

# When nothing says otherwise (no plan yet), the plan year starts in April: the UK financial year.
DEFAULT_YEAR_START = 4
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


def fiscal_year(day: date, year_start: int = DEFAULT_YEAR_START) -> int:
    """The calendar year the plan year containing `day` started in (`year_start` is its first month)."""
    return day.year if day.month >= year_start else day.year - 1


def year_label(first_year: int, year_start: int = DEFAULT_YEAR_START) -> str:
    """'2024/25' for a year across two calendar years; '2024' for a plan year starting in January."""
    return str(first_year) if year_start == 1 else f"{first_year}/{(first_year + 1) % 100:02d}"


def period_for(cadence: str | Cadence, day: date, year_start: int = DEFAULT_YEAR_START) -> Period:
    """The period of `cadence` that contains `day`, in a plan year starting in month `year_start`.

    Unknown cadences read as monthly (the default).
    """
    if not 1 <= year_start <= 12:
        raise ValueError(f"a plan year starts in a month 1–12, not {year_start}")
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
    fy = fiscal_year(day, year_start)
    offset = (day.year - fy) * 12 + day.month - year_start
    number = offset // size + 1
    start_year, start_month = _add_months(fy, year_start, (number - 1) * size)
    end_year, end_month = _add_months(start_year, start_month, size - 1)
    start = date(start_year, start_month, 1)
    end = _month_end(end_year, end_month)
    span = f"{_MONTH_ABBR[start_month - 1]}–{_MONTH_ABBR[end_month - 1]}"
    named = year_label(fy, year_start)
    if kind is Cadence.QUARTERLY:
        return Period(f"{fy}-Q{number}", f"Q{number} {named} ({span})", start, end)
    if kind is Cadence.SIX_MONTHLY:
        return Period(f"{fy}-H{number}", f"H{number} {named} ({span})", start, end)
    return Period(f"{fy}-FY", f"Plan year {named}", start, end)


def next_period(cadence: str | Cadence, day: date, year_start: int = DEFAULT_YEAR_START) -> Period:
    """The period right after the one containing `day`."""
    return period_for(cadence, period_for(cadence, day, year_start).end + timedelta(days=1), year_start)


def previous_period(cadence: str | Cadence, day: date, year_start: int = DEFAULT_YEAR_START) -> Period:
    return period_for(cadence, period_for(cadence, day, year_start).start - timedelta(days=1), year_start)


def iso_week(day: date) -> Period:
    """The ISO week (Monday to Sunday) containing `day`: the weekly digest's period."""
    year, week, weekday = day.isocalendar()
    start = day - timedelta(days=weekday - 1)
    return Period(f"{year}-W{week:02d}", f"week {week} of {year}", start, start + timedelta(days=6))


def long_date(day: date) -> str:
    """'7 October 2024' (no leading zero, on every platform)."""
    return f"{day.day} {day:%B %Y}"
