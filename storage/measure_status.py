"""A measure's status, derived from its figures against its target and direction, in words and colour.

Pure functions over plain values, so every surface (/commitments, Home, /nudge mine, the digests, the review
pack and `nudgebot measures show`) says the same thing: "3 of at least 2 this quarter — met",
"audit 33%, benchmark 25%, up 8 points".
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from storage.measure_periods import measure_span
from storage.models.enums import Direction, MeasureKind, Status

_SPARKS = "▁▂▃▄▅▆▇█"
_DIRECTION_WORDS = {
    Direction.AT_LEAST.value: "at least",
    Direction.AT_MOST.value: "at most",
    Direction.INCREASE_TO.value: "increase to",
    Direction.DECREASE_TO.value: "decrease to",
}


@dataclass(frozen=True)
class Figure:
    period: str
    as_of: date
    value: float


@dataclass(frozen=True)
class MeasureTerms:
    """What a measure promises, as stored on the `measures` row."""

    kind: str
    unit: str = ""
    direction: str | None = None
    target_value: float | None = None
    target_high: float | None = None
    per: str | None = None
    benchmark: float | None = None
    benchmark_first: bool = False
    baseline: float | None = None


@dataclass(frozen=True)
class Assessment:
    status: Status
    # "met", "not met", "not yet met", "above benchmark", "below benchmark", "no figure yet", "no target".
    verdict: str
    summary: str
    latest: float | None = None
    trend: str = ""


def number(value: float, unit: str = "", *, percentage: bool = False) -> str:
    """3 → "3", 0.8 → "0.8", 33 (a percentage) → "33%"."""
    # A share to one decimal place (66.7%); other figures keep two (a ratio of 0.92).
    places = 1 if percentage or unit == "%" else 2
    rounded = round(value, places)
    text = str(int(rounded)) if rounded == int(rounded) else f"{rounded:.{places}f}".rstrip("0")
    return f"{text}%" if places == 1 else text


def target_words(terms: MeasureTerms) -> str:
    """ "at least 2 each quarter", "within 0.8–1.25", "" when there is no numeric target."""
    if terms.target_value is None or terms.direction is None:
        return ""
    pct = _is_pct(terms)
    if terms.direction == Direction.WITHIN.value and terms.target_high is not None:
        words = f"within {number(terms.target_value, terms.unit, percentage=pct)}–"
        words += number(terms.target_high, terms.unit, percentage=pct)
    else:
        shown = number(terms.target_value, terms.unit, percentage=pct)
        words = f"{_DIRECTION_WORDS.get(terms.direction, '')} {shown}"
    return words + (f" {_PER_WORDS.get(terms.per, '')}" if terms.per else "")


_PER_WORDS = {"monthly": "each month", "quarterly": "each quarter", "six-monthly": "each half-year"}
_PER_WORDS["annual"] = "each year"


def met(terms: MeasureTerms, value: float) -> bool | None:
    """Whether `value` meets the target; None when there is no numeric target."""
    target = terms.target_value
    if target is None or terms.direction is None:
        return None
    if terms.direction in (Direction.AT_LEAST.value, Direction.INCREASE_TO.value):
        return value >= target
    if terms.direction in (Direction.AT_MOST.value, Direction.DECREASE_TO.value):
        return value <= target
    high = terms.target_high if terms.target_high is not None else target
    return target <= value <= high


def sparkline(values: Sequence[float]) -> str:
    """A small trend ("▁▄█") for two or more figures; "" otherwise."""
    if len(values) < 2:
        return ""
    low, high = min(values), max(values)
    span = high - low or 1.0
    return "".join(_SPARKS[round((v - low) / span * (len(_SPARKS) - 1))] for v in values)


def assess(
    terms: MeasureTerms, figures: Sequence[Figure], *, today: date, year_start_month: int = 4
) -> Assessment:
    """The status of a measure with figures (count, number, percentage, audit, computed)."""
    ordered = sorted(figures, key=lambda f: (f.as_of, f.period))
    trend = sparkline([f.value for f in ordered])
    pct = _is_pct(terms)
    if not ordered:
        target = target_words(terms)
        summary = "no figure yet" + (f" (target: {target})" if target else "")
        return Assessment(Status.NOT_STARTED, "no figure yet", summary)
    latest = ordered[-1]
    if terms.per and terms.target_value is not None:
        return _per_period(terms, ordered, today=today, year_start_month=year_start_month, trend=trend)
    shown = number(latest.value, terms.unit, percentage=pct)
    benchmark = terms.benchmark
    if benchmark is None and terms.benchmark_first:
        benchmark = ordered[0].value
    change = _change(ordered, pct)
    outcome = met(terms, latest.value)
    if outcome is not None:
        verdict = "met" if outcome else "not met"
        summary = f"{shown} against a target of {target_words(terms)} — {verdict}"
        if benchmark is not None:
            summary += f"; benchmark {number(benchmark, terms.unit, percentage=pct)}"
        status = Status.ON_TRACK if outcome else _missed(terms, latest.value)
        return Assessment(status, verdict, summary + change, latest.value, trend)
    prefix = "audit " if terms.kind == MeasureKind.AUDIT.value else ""
    if benchmark is not None:
        above = latest.value >= benchmark
        verdict = "at or above benchmark" if above else "below benchmark"
        summary = f"{prefix}{shown}, benchmark {number(benchmark, terms.unit, percentage=pct)}{change}"
        return Assessment(Status.ON_TRACK if above else Status.AT_RISK, verdict, summary, latest.value, trend)
    return Assessment(Status.NOT_STARTED, "no target", f"{prefix}{shown}{change}", latest.value, trend)


def _per_period(
    terms: MeasureTerms, ordered: Sequence[Figure], *, today: date, year_start_month: int, trend: str
) -> Assessment:
    """A target per quarter or year: the figures inside the current span add up ("3 of at least 2")."""
    span = measure_span(terms.per, today, year_start_month=year_start_month)
    running = True
    inside = [f for f in ordered if f.as_of in span]
    if not inside:
        # Nothing yet this period: judge the last period that has figures, and say which it was.
        span = measure_span(terms.per, ordered[-1].as_of, year_start_month=year_start_month)
        inside = [f for f in ordered if f.as_of in span]
        running = False
    total = sum(f.value for f in inside)
    pct = _is_pct(terms)
    outcome = bool(met(terms, total))
    when = span.now_words if running else f"in {span.key}"
    words = target_words(terms).rsplit(" each ", 1)[0]
    if outcome:
        verdict, status = "met", Status.ON_TRACK
    elif running:
        verdict, status = "not yet met", Status.AT_RISK
    else:
        verdict, status = "not met", Status.OFF_TRACK
    summary = f"{number(total, terms.unit, percentage=pct)} of {words} {when} — {verdict}"
    return Assessment(status, verdict, summary, total, trend)


def _missed(terms: MeasureTerms, value: float) -> Status:
    """A missed target is at risk while the figure has moved the right way from its baseline."""
    if terms.baseline is None or terms.target_value is None:
        return Status.OFF_TRACK
    toward = (terms.target_value - terms.baseline) * (value - terms.baseline)
    return Status.AT_RISK if toward > 0 else Status.OFF_TRACK


def _change(ordered: Sequence[Figure], pct: bool) -> str:
    if len(ordered) < 2:
        return ""
    delta = ordered[-1].value - ordered[-2].value
    if delta == 0:
        return ", unchanged"
    size = number(abs(delta))
    return f", {'up' if delta > 0 else 'down'} {size}{' points' if pct else ''}"


def _is_pct(terms: MeasureTerms) -> bool:
    return terms.kind == MeasureKind.PERCENTAGE.value or terms.unit in ("%", "percent")
