"""The plan file's measure kinds: targets read from the plan's own words, keys kept stable across imports."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.clock import FixedClock
from storage.measure_spec import Target, parse_target
from storage.models import Measure, MeasureValue
from storage.plan_file import parse_plan
from storage.plan_import import import_plan
from storage.yaml_nodes import InvalidFile

HEAD = """
plan: {key: demo, name: Demo, starts: 2024-04-01, ends: 2025-03-31}
objectives:
  - key: INF
    name: Influence
    actions:
      - key: INF-2
        title: Meet organisations
        cadence: quarterly
        measures:
"""

MEASURES = """
          - key: INF-2.1
            text: Senior-level meetings with at least two relevant organisations
            kind: count
            unit: organisations
            target: at least 2 per quarter
            cadence: quarterly
          - key: INF-2.2
            text: Six-monthly audit of contributors
            kind: audit
            unit: "%"
            benchmark: first
            cadence: six-monthly
          - key: INF-2.3
            text: All policy team members have an agreed SMART objective
            kind: computed
            computes: smart_coverage
            for: policy
            target: 100%
          - key: INF-2.4
            text: Staff survey
            kind: percentage
            baseline: 40
            baseline_on: 2024-03-31
            target: increase to 50
            cadence: annual
            due_month: March
          - key: INF-2.5
            text: Pay gap ratio
            kind: number
            target: within 0.80–1.25
            cadence: once
            due: 2025-03-31
"""


@pytest.mark.parametrize(
    ("words", "target"),
    [
        ("at least 2 per quarter", Target("at_least", 2.0, None, "quarterly")),
        ("at least two organisations", None),
        ("at most 5 each year", Target("at_most", 5.0, None, "annual")),
        ("increase to 40%", Target("increase_to", 40.0)),
        ("decrease to 10", Target("decrease_to", 10.0)),
        ("within 0.80–1.25", Target("within", 0.8, 1.25)),
        ("0.8 to 1.25", Target("within", 0.8, 1.25)),
        ("100%", Target("at_least", 100.0)),
        ("at least quarterly, at least two organisations", None),
    ],
)
def test_targets_are_read_from_the_plans_own_words(words: str, target: Target | None) -> None:
    assert parse_target(words) == target


def test_every_measure_kind_is_read_with_its_terms() -> None:
    spec = parse_plan(HEAD + MEASURES)
    count, audit, computed, survey, ratio = spec.actions[0].measures
    assert count.target_value == Target("at_least", 2.0, None, "quarterly")
    assert (count.unit, count.cadence, count.key, count.key_derived) == (
        "organisations",
        "quarterly",
        "INF-2.1",
        False,
    )
    assert audit.benchmark_first and audit.benchmark is None
    assert (computed.computes, computed.computed_for) == ("smart_coverage", "policy")
    assert (survey.due_month, survey.baseline, str(survey.baseline_on)) == (3, 40.0, "2024-03-31")
    assert ratio.cadence == "once" and str(ratio.due_on) == "2025-03-31"


def test_an_old_file_still_imports_and_its_keys_are_derived() -> None:
    old = (
        HEAD
        + """
          - text: "Briefings and readouts"
            kind: evidence
            cadence: quarterly
          - text: "At least quarterly meetings"
            kind: count
            target: "at least quarterly, at least two organisations"
"""
    )
    first, second = parse_plan(old).actions[0].measures
    assert (first.key, first.key_derived) == ("INF-2.1", True)
    assert second.key == "INF-2.2" and second.target_value is None
    assert second.target == "at least quarterly, at least two organisations"


@pytest.mark.parametrize(
    ("measure", "message"),
    [
        ("{text: x, kind: evidence, target: at least 2}", "an evidence measure has no numeric target"),
        ("{text: x, kind: evidence, benchmark: 25}", "only a measure with figures has a benchmark"),
        ("{text: x, kind: computed}", "a computed measure says what"),
        ("{text: x, kind: count, computes: smart_coverage}", "only a measure of kind 'computed' computes"),
        ("{text: x, kind: count, cadence: once}", "needs its due date"),
        (
            "{text: x, kind: count, cadence: quarterly, due_month: 3}",
            "only an annual measure has a due month",
        ),
        ("{text: x, kind: count, cadence: annual, due_month: Smarch}", "is not a month"),
        ("{text: x, kind: audit, benchmark: lots}", "must be a number"),
        ("{key: INF2, text: x}", "should look like INF-2.1"),
    ],
)
def test_a_bad_measure_is_refused_with_its_line(measure: str, message: str) -> None:
    with pytest.raises(InvalidFile) as error:
        parse_plan(HEAD + f"          - {measure}\n")
    assert any(message in p.message and p.line == 11 for p in error.value.problems), error.value


def test_a_key_used_twice_is_refused() -> None:
    text = HEAD + "          - {key: INF-2.1, text: a}\n          - {key: INF-2.1, text: b}\n"
    with pytest.raises(InvalidFile, match="used twice"):
        parse_plan(text)


async def test_reimport_matches_measures_by_key_not_position(
    sessions: async_sessionmaker[AsyncSession], clock: FixedClock
) -> None:
    async with sessions() as session, session.begin():
        await import_plan(session, parse_plan(HEAD + MEASURES), now=clock.now())
        audit = await session.scalar(select(Measure).where(Measure.key == "INF-2.2"))
        assert audit is not None
        session.add(
            MeasureValue(
                measure_id=audit.id,
                period="2024-H1",
                as_of=clock.now().date(),
                value=25.0,
                recorded_by="cli",
                recorded_at=clock.now(),
            )
        )
    # A new measure inserted first and INF-2.5 removed: INF-2.2 keeps its row and its figure.
    blocks = MEASURES.split("          - key: ")
    edited = "          - {key: INF-2.9, text: A new first measure}\n" + "          - key: ".join(blocks[:-1])
    async with sessions() as session, session.begin():
        report = await import_plan(session, parse_plan(HEAD + edited), now=clock.now())
    assert "INF-2" in report.updated
    async with sessions() as session:
        rows = {m.key: m for m in (await session.scalars(select(Measure))).all()}
        values = (await session.scalars(select(MeasureValue))).all()
    assert rows["INF-2.2"].id == audit.id and rows["INF-2.2"].position == 2
    assert [v.measure_id for v in values] == [audit.id]
    assert rows["INF-2.9"].position == 0
    assert rows["INF-2.5"].archived_at is not None and rows["INF-2.1"].archived_at is None
