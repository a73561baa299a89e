"""Working days in England and Wales: weekends and bank holidays (the `holidays` package, offline data)."""

from __future__ import annotations

from collections.abc import Container
from datetime import date, timedelta
from functools import lru_cache


@lru_cache(maxsize=1)
def _bank_holidays() -> Container[date]:
    # Built on first use, not at import; the data ships with the package, so no network is needed.
    # Imported here too: the package loads every country's calendar code (~0.3 s), which a process that
    # never counts working days (`nudgebot --help`, a look-up) should not pay for.
    import holidays

    calendar: Container[date] = holidays.country_holidays("GB", subdiv="ENG", years=range(2020, 2041))
    return calendar


def is_bank_holiday(day: date) -> bool:
    return day in _bank_holidays()


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and not is_bank_holiday(day)


def working_days_between(start: date, end: date) -> int:
    """Working days after `start` up to and including `end` (0 when `end` is not after `start`)."""
    count = 0
    day = start + timedelta(days=1)
    while day <= end:
        count += is_working_day(day)
        day += timedelta(days=1)
    return count


def add_working_days(start: date, days: int) -> date:
    """The working day `days` working days after `start`."""
    day = start
    while days > 0:
        day += timedelta(days=1)
        days -= is_working_day(day)
    return day
