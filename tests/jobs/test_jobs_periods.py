"""Period arithmetic in the plan's year, working days with England's bank holidays, and kind timing."""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from jobs.config import EngineSettings
from jobs.periods import fiscal_year, iso_week, next_period, period_for, previous_period
from jobs.timing import in_quiet_hours, may_nudge, next_nudge_moment
from jobs.workdays import add_working_days, is_bank_holiday, is_working_day, working_days_between

D = date


@pytest.mark.parametrize(
    ("cadence", "day", "key", "start", "end", "label"),
    [
        ("monthly", D(2024, 10, 7), "2024-10", D(2024, 10, 1), D(2024, 10, 31), "October 2024"),
        ("monthly", D(2025, 2, 28), "2025-02", D(2025, 2, 1), D(2025, 2, 28), "February 2025"),
        ("monthly", D(2024, 2, 29), "2024-02", D(2024, 2, 1), D(2024, 2, 29), "February 2024"),
        (
            "quarterly",
            D(2024, 4, 1),
            "2024-Q1",
            D(2024, 4, 1),
            D(2024, 6, 30),
            "Q1 2024/25 (Apr–Jun)",
        ),
        (
            "quarterly",
            date(2024, 9, 30),
            "2024-Q2",
            date(2024, 7, 1),
            date(2024, 9, 30),
            "Q2 2024/25 (Jul–Sep)",
        ),
        (
            "quarterly",
            date(2024, 10, 1),
            "2024-Q3",
            date(2024, 10, 1),
            date(2024, 12, 31),
            "Q3 2024/25 (Oct–Dec)",
        ),
        (
            "quarterly",
            date(2025, 3, 31),
            "2024-Q4",
            date(2025, 1, 1),
            date(2025, 3, 31),
            "Q4 2024/25 (Jan–Mar)",
        ),
        (
            "six-monthly",
            date(2024, 9, 30),
            "2024-H1",
            date(2024, 4, 1),
            date(2024, 9, 30),
            "H1 2024/25 (Apr–Sep)",
        ),
        (
            "six-monthly",
            date(2025, 1, 15),
            "2024-H2",
            date(2024, 10, 1),
            date(2025, 3, 31),
            "H2 2024/25 (Oct–Mar)",
        ),
        ("annual", date(2025, 3, 31), "2024-FY", date(2024, 4, 1), date(2025, 3, 31), "Plan year 2024/25"),
        ("annual", date(2025, 4, 1), "2025-FY", date(2025, 4, 1), date(2026, 3, 31), "Plan year 2025/26"),
        ("fortnightly", date(2024, 10, 7), "2024-10", date(2024, 10, 1), date(2024, 10, 31), "October 2024"),
    ],
)
def test_period_for(cadence: str, day: date, key: str, start: date, end: date, label: str) -> None:
    period = period_for(cadence, day)
    assert (period.key, period.start, period.end, period.label) == (key, start, end, label)
    assert day in period


def test_every_day_of_a_year_is_in_exactly_one_period_of_each_cadence() -> None:
    for cadence in ("monthly", "quarterly", "six-monthly", "annual"):
        day = date(2024, 4, 1)
        keys: list[str] = []
        while day < date(2025, 4, 1):
            period = period_for(cadence, day)
            assert period.start <= day <= period.end
            if not keys or keys[-1] != period.key:
                keys.append(period.key)
            day = date.fromordinal(day.toordinal() + 1)
        assert len(keys) == {"monthly": 12, "quarterly": 4, "six-monthly": 2, "annual": 1}[cadence]
        assert len(set(keys)) == len(keys)


def test_next_and_previous_periods_cross_the_year_end() -> None:
    assert next_period("quarterly", date(2025, 2, 1)).key == "2025-Q1"
    assert previous_period("quarterly", date(2024, 4, 10)).key == "2023-Q4"
    assert next_period("six-monthly", date(2024, 5, 1)).key == "2024-H2"
    assert previous_period("monthly", date(2025, 1, 3)).key == "2024-12"
    assert fiscal_year(date(2025, 3, 31)) == 2024
    assert fiscal_year(date(2025, 4, 1)) == 2025


def test_a_plan_starting_in_august_has_its_own_quarters_halves_and_year() -> None:
    quarters = [
        period_for("quarterly", date(2024, m, 15) if m >= 8 else date(2025, m, 15), 8) for m in (8, 11, 2, 5)
    ]
    assert [(q.key, q.start, q.end, q.label) for q in quarters] == [
        ("2024-Q1", date(2024, 8, 1), date(2024, 10, 31), "Q1 2024/25 (Aug–Oct)"),
        ("2024-Q2", date(2024, 11, 1), date(2025, 1, 31), "Q2 2024/25 (Nov–Jan)"),
        ("2024-Q3", date(2025, 2, 1), date(2025, 4, 30), "Q3 2024/25 (Feb–Apr)"),
        ("2024-Q4", date(2025, 5, 1), date(2025, 7, 31), "Q4 2024/25 (May–Jul)"),
    ]
    # July 2024 still belongs to the year that began in August 2023.
    assert period_for("quarterly", date(2024, 7, 31), 8).key == "2023-Q4"
    half = period_for("six-monthly", date(2025, 1, 31), 8)
    assert (half.key, half.start, half.end) == ("2024-H1", date(2024, 8, 1), date(2025, 1, 31))
    assert period_for("annual", date(2025, 7, 31), 8).label == "Plan year 2024/25"
    assert next_period("quarterly", date(2025, 7, 1), 8).key == "2025-Q1"
    assert previous_period("six-monthly", date(2024, 8, 1), 8).key == "2023-H2"
    assert fiscal_year(date(2024, 7, 31), 8) == 2023
    # Monthly periods are calendar months whatever the plan's year.
    assert period_for("monthly", date(2024, 8, 9), 8).key == period_for("monthly", date(2024, 8, 9)).key


def test_a_calendar_year_plan_names_its_years_by_one_number() -> None:
    assert period_for("quarterly", date(2025, 3, 31), 1).label == "Q1 2025 (Jan–Mar)"
    assert period_for("annual", date(2025, 12, 31), 1).key == "2025-FY"
    with pytest.raises(ValueError, match="1–12"):
        period_for("quarterly", date(2025, 3, 31), 13)


def test_iso_week() -> None:
    week = iso_week(date(2024, 10, 9))
    assert (week.key, week.start, week.end) == ("2024-W41", date(2024, 10, 7), date(2024, 10, 13))
    assert iso_week(date(2024, 12, 30)).key == "2025-W01"


def test_bank_holidays_and_working_days() -> None:
    assert is_bank_holiday(date(2024, 8, 26))  # summer bank holiday (England, not Scotland's date)
    assert not is_bank_holiday(date(2024, 8, 5))  # Scotland's summer bank holiday
    assert is_bank_holiday(date(2024, 12, 26))
    assert not is_working_day(date(2024, 10, 12))  # a Saturday
    assert is_working_day(date(2024, 10, 7))
    assert working_days_between(date(2024, 8, 21), date(2024, 8, 27)) == 3
    assert working_days_between(date(2024, 12, 24), date(2024, 12, 27)) == 1
    assert working_days_between(date(2024, 10, 7), date(2024, 10, 7)) == 0
    assert add_working_days(date(2024, 8, 23), 1) == date(2024, 8, 27)


def test_quiet_hours_and_nudge_moments() -> None:
    settings = EngineSettings()
    london = ZoneInfo("Europe/London")
    assert in_quiet_hours(time(23, 0), settings)
    assert in_quiet_hours(time(7, 59), settings)
    assert not in_quiet_hours(time(8, 0), settings)
    assert not in_quiet_hours(time(17, 59), settings)
    assert not may_nudge(datetime(2024, 10, 7, 9, 0, tzinfo=london), settings)  # before 09:30
    assert may_nudge(datetime(2024, 10, 7, 9, 30, tzinfo=london), settings)
    assert not may_nudge(datetime(2024, 10, 7, 18, 30, tzinfo=london), settings)  # quiet
    friday_evening = datetime(2024, 8, 23, 19, 0, tzinfo=london)
    # The weekend and the bank holiday Monday are skipped.
    assert next_nudge_moment(friday_evening, settings) == datetime(2024, 8, 27, 9, 30, tzinfo=london)
    same_day = datetime(2024, 10, 7, 11, 0, tzinfo=london)
    assert next_nudge_moment(same_day, settings) == same_day
