"""A measure's status derived from its figures against its target, direction and per-period."""

from __future__ import annotations

from datetime import date

from storage.measure_periods import measure_span
from storage.measure_status import Figure, MeasureTerms, assess, number, sparkline
from storage.models import Status

PER_QUARTER = MeasureTerms(
    kind="count", unit="organisations", direction="at_least", target_value=2, per="quarterly"
)


def test_a_per_quarter_count_adds_up_the_quarter_and_says_met() -> None:
    figures = [Figure("2024-Q3", date(2024, 12, 31), 3)]
    result = assess(PER_QUARTER, figures, today=date(2024, 11, 5))
    assert (result.status, result.summary) == (Status.ON_TRACK, "3 of at least 2 this quarter — met")


def test_a_running_quarter_below_target_is_not_yet_met_and_a_finished_one_is_not_met() -> None:
    figures = [Figure("2024-Q3", date(2024, 12, 31), 1)]
    running = assess(PER_QUARTER, figures, today=date(2024, 11, 5))
    assert (running.status, running.verdict) == (Status.AT_RISK, "not yet met")
    over = assess(PER_QUARTER, figures, today=date(2025, 1, 10))
    assert (over.status, over.summary) == (Status.OFF_TRACK, "1 of at least 2 in 2024-Q3 — not met")


def test_an_audit_shows_its_benchmark_and_its_change() -> None:
    terms = MeasureTerms(kind="audit", unit="%", benchmark=25)
    figures = [Figure("2024-H1", date(2024, 9, 30), 25), Figure("2024-H2", date(2025, 3, 31), 33)]
    result = assess(terms, figures, today=date(2025, 3, 31))
    assert result.summary == "audit 33%, benchmark 25%, up 8 points"
    assert result.status is Status.ON_TRACK and result.trend == "▁█"
    first = MeasureTerms(kind="audit", unit="%", benchmark_first=True)
    falling = [Figure("2024-H1", date(2024, 9, 30), 30), Figure("2024-H2", date(2025, 3, 31), 20)]
    assert (
        assess(first, falling, today=date(2025, 3, 31)).summary == "audit 20%, benchmark 30%, down 10 points"
    )


def test_directions_and_ranges() -> None:
    within = MeasureTerms(kind="number", direction="within", target_value=0.8, target_high=1.25)
    assert assess(within, [Figure("once", date(2025, 3, 1), 1.1)], today=date(2025, 3, 2)).verdict == "met"
    assert (
        assess(within, [Figure("once", date(2025, 3, 1), 1.3)], today=date(2025, 3, 2)).verdict == "not met"
    )
    down = MeasureTerms(kind="percentage", direction="decrease_to", target_value=10, baseline=20)
    moving = assess(down, [Figure("2024-FY", date(2025, 3, 31), 15)], today=date(2025, 3, 31))
    assert (moving.status, moving.summary) == (
        Status.AT_RISK,
        "15% against a target of decrease to 10% — not met",
    )
    wrong_way = assess(down, [Figure("2024-FY", date(2025, 3, 31), 25)], today=date(2025, 3, 31))
    assert wrong_way.status is Status.OFF_TRACK


def test_no_figure_yet_says_so_with_the_target() -> None:
    result = assess(PER_QUARTER, [], today=date(2024, 11, 5))
    assert (result.status, result.summary) == (
        Status.NOT_STARTED,
        "no figure yet (target: at least 2 each quarter)",
    )


def test_spans_follow_the_plans_start_month() -> None:
    assert measure_span("quarterly", date(2024, 11, 5)).key == "2024-Q3"
    august = measure_span("quarterly", date(2024, 11, 5), year_start_month=8)
    assert (august.key, str(august.start), str(august.end)) == ("2024-Q2", "2024-11-01", "2025-01-31")
    assert measure_span("annual", date(2025, 2, 1)).key == "2024-FY"
    assert measure_span("six-monthly", date(2025, 2, 1)).key == "2024-H2"
    assert sparkline([1.0]) == ""


def test_figures_are_written_as_people_write_them() -> None:
    assert [number(v, "%") for v in (0, 66.666, 100, 0.05)] == ["0%", "66.7%", "100%", "0.1%"]
    assert [number(v) for v in (0, 0.92, 3, -2)] == ["0", "0.92", "3", "-2"]
