"""A success measure as the plan file states it: kind, key, target phrase, baseline, benchmark, cadence.

A target is written the way the plan says it — "at least 2 per quarter", "at most 5", "increase to 40",
"within 0.80–1.25", "100" — and read into a direction, one or two numbers and an optional per-period.
A target that is not such a phrase is kept as words only (files written before measures held figures
still import), and the measure then has no status derived from its figures.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from yaml.nodes import Node, ScalarNode

from storage.models.enums import MEASURE_ONCE, Cadence, Computation, Direction, MeasureKind
from storage.yaml_nodes import MapReader, Problems

KINDS = {k.value for k in MeasureKind}
MEASURE_CADENCES = {c.value for c in Cadence} | {MEASURE_ONCE}
COMPUTATIONS = {c.value for c in Computation}
MEASURE_KEY = re.compile(r"^[A-Z][A-Z0-9]{0,9}-[0-9]{1,4}\.[0-9A-Za-z]{1,6}$")
_MONTHS = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
]
_PER = {"month": Cadence.MONTHLY, "quarter": Cadence.QUARTERLY, "half": Cadence.SIX_MONTHLY}
_PER.update({"half-year": Cadence.SIX_MONTHLY, "year": Cadence.ANNUAL})
_NUMBER = r"(-?[0-9]+(?:\.[0-9]+)?)"
_TARGET = re.compile(
    rf"^(?:(at least|at most|increase to|decrease to|within|between)\s+)?{_NUMBER}\s*%?"
    rf"(?:\s*(?:-|–|to|and)\s*{_NUMBER}\s*%?)?"
    r"(?:\s+[a-z][a-z ]*?)??"
    r"(?:\s+(?:per|each|a|every)\s+(month|quarter|half|half-year|year))?$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Target:
    direction: str
    value: float
    high: float | None = None
    per: str | None = None


@dataclass(frozen=True)
class MeasureSpec:
    text: str
    kind: str = MeasureKind.EVIDENCE.value
    key: str = ""
    target: str | None = None
    target_value: Target | None = None
    unit: str = ""
    baseline: float | None = None
    baseline_on: date | None = None
    benchmark: float | None = None
    benchmark_first: bool = False
    benchmark_source: str = ""
    computes: str | None = None
    computed_for: str = ""
    cadence: str | None = None
    due_month: int | None = None
    due_on: date | None = None
    stretch: bool = False
    # True when the file named no key and the key is the action's key and the measure's place.
    key_derived: bool = False


def parse_target(text: str) -> Target | None:
    """Read "at least 2 per quarter", "within 0.80–1.25", "100%" …; None when it is not such a phrase."""
    match = _TARGET.fullmatch(" ".join(text.split()))
    if match is None:
        return None
    words, low, high, per = match.groups()
    word = (words or "").lower()
    if word in ("within", "between") or high is not None:
        if high is None or word not in ("within", "between", ""):
            return None
        lo, hi = sorted((float(low), float(high)))
        return Target(Direction.WITHIN.value, lo, hi, _PER[per.lower()].value if per else None)
    direction = word.replace(" ", "_") or Direction.AT_LEAST.value
    return Target(direction, float(low), None, _PER[per.lower()].value if per else None)


FIELDS = {
    "key",
    "text",
    "kind",
    "target",
    "unit",
    "baseline",
    "baseline_on",
    "benchmark",
    "benchmark_source",
    "computes",
    "for",
    "cadence",
    "due_month",
    "due",
    "stretch",
}


def read_measure(node: Node, path: str, problems: Problems, *, action_key: str, position: int) -> MeasureSpec:
    """One entry of an action's `measures`, validated; problems are added, never raised."""
    if isinstance(node, ScalarNode) and node.value.strip():
        # A bare line of text is an evidence measure, as the shortest files write them.
        return MeasureSpec(
            text=" ".join(node.value.split()), key=f"{action_key}.{position + 1}", key_derived=True
        )
    reader = MapReader(node, path, problems)
    reader.check_known(FIELDS)
    kind = reader.choice("kind", KINDS, default=MeasureKind.EVIDENCE.value) or MeasureKind.EVIDENCE.value
    key = reader.string("key", required=False)
    if key and not MEASURE_KEY.fullmatch(key):
        problems.add(reader.raw("key"), f"{path}.key", f"{key!r} should look like {action_key or 'INF-2'}.1")
    words = reader.string("target", required=False) or None
    target = parse_target(words) if words else None
    figure = MeasureKind(kind).takes_figure or kind == MeasureKind.COMPUTED.value
    if target and not figure:
        problems.add(reader.raw("target"), f"{path}.target", "an evidence measure has no numeric target")
        target = None
    benchmark_node = reader.raw("benchmark")
    benchmark, first = None, False
    if isinstance(benchmark_node, ScalarNode) and benchmark_node.value.strip().lower() == "first":
        first = True
    else:
        benchmark = reader.number("benchmark")
    if (benchmark is not None or first) and not MeasureKind(kind).takes_figure:
        problems.add(benchmark_node, f"{path}.benchmark", "only a measure with figures has a benchmark")
    computes = reader.choice("computes", COMPUTATIONS, default=None)
    if kind == MeasureKind.COMPUTED.value and computes is None and reader.raw("computes") is None:
        problems.add(node, f"{path}.computes", f"a computed measure says what: one of {sorted(COMPUTATIONS)}")
    if computes and kind != MeasureKind.COMPUTED.value:
        problems.add(reader.raw("computes"), f"{path}.computes", "only a measure of kind 'computed' computes")
    cadence = reader.choice("cadence", MEASURE_CADENCES, default=None)
    due_month = _month(reader, path, problems)
    due_on = _date(reader, "due", path, problems)
    if cadence == MEASURE_ONCE and due_on is None:
        problems.add(node, f"{path}.due", "a measure asked once needs its due date, like 2025-03-31")
    if due_month is not None and cadence != Cadence.ANNUAL.value:
        problems.add(reader.raw("due_month"), f"{path}.due_month", "only an annual measure has a due month")
    return MeasureSpec(
        text=reader.string("text"),
        kind=kind,
        key=key or f"{action_key}.{position + 1}",
        key_derived=not key,
        target=words,
        target_value=target,
        unit=reader.string("unit", required=False),
        baseline=reader.number("baseline"),
        baseline_on=_date(reader, "baseline_on", path, problems),
        benchmark=benchmark,
        benchmark_first=first,
        benchmark_source=reader.string("benchmark_source", required=False),
        computes=computes,
        computed_for=reader.string("for", required=False),
        cadence=cadence,
        due_month=due_month,
        due_on=due_on,
        stretch=reader.boolean("stretch"),
    )


def _month(reader: MapReader, path: str, problems: Problems) -> int | None:
    node = reader.raw("due_month")
    if node is None:
        return None
    value = str(node.value).strip().lower() if isinstance(node, ScalarNode) else ""
    if value.isdigit() and 1 <= int(value) <= 12:
        return int(value)
    for number, name in enumerate(_MONTHS, start=1):
        if value and (value == name or value == name[:3]):
            return number
    problems.add(node, f"{path}.due_month", f"{value!r} is not a month (March, or 3)")
    return None


def _date(reader: MapReader, name: str, path: str, problems: Problems) -> date | None:
    node = reader.raw(name)
    if node is None:
        return None
    value = str(node.value).strip() if isinstance(node, ScalarNode) else ""
    try:
        return date.fromisoformat(value)
    except ValueError:
        problems.add(node, f"{path}.{name}", f"{value!r} is not a date like 2025-03-31")
        return None
