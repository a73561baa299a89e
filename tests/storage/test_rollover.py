"""Rollover: next year's plan carries INF-2 with its history, which /commitments INF-2 then shows; SMART
objectives come over as drafts; the old plan stays browsable as /commitments 2024/25 INF-2."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncEngine

from handlers.context import Deps
from handlers.features import build_router
from storage.clock import FixedClock
from storage.models import Action, Evidence, Plan, SmartObjective
from storage.plan_file import load_plan_file
from storage.rollover import rollover
from storage.yaml_nodes import InvalidFile
from tests.support.dbdump import dump
from tests.support.handlers_support import seed, stranger, text_of
from tests.support.plan_files import next_years_plan

OLD, NEW = "race-equality-2024-25", "race-equality-2025-26"


async def _history(deps: Deps) -> None:
    """INF-2 at risk with one update; ORG-1 done."""
    async with deps.sessions() as session:
        inf2 = await session.scalar(select(Action).where(Action.key == "INF-2"))
        assert inf2 is not None
        inf2.status = "at_risk"
        session.add(
            Evidence(
                action_id=inf2.id,
                author_name="Sam Sample",
                status="at_risk",
                narrative="Met two organisations; a third declined",
                links=[],
                channel="slack",
                created_at=datetime(2024, 9, 12, 10, tzinfo=UTC),
            )
        )
        await session.execute(update(Action).where(Action.key == "ORG-1").values(status="done"))
        await session.commit()


async def test_a_rollover_carries_inf2_with_its_history_into_commitments(
    deps: Deps, clock: FixedClock, tmp_path: Path
) -> None:
    await seed(deps)
    await _history(deps)
    async with deps.sessions() as session, session.begin():
        report = await rollover(
            session,
            source_key=OLD,
            spec=load_plan_file(next_years_plan(tmp_path)),
            carry=None,
            now=datetime(2025, 2, 10, tzinfo=UTC),
        )
    assert "INF-2" in report.carried and "ORG-1" not in report.carried  # done stays behind
    assert report.objectives > 0
    async with deps.sessions() as session:
        new = await session.scalar(select(Plan).where(Plan.key == NEW))
        assert new is not None
        inf2 = await session.scalar(select(Action).where(Action.plan_id == new.id, Action.key == "INF-2"))
        assert inf2 is not None and inf2.carried_from_id is not None and inf2.status == "at_risk"
        drafts = (await session.scalars(select(SmartObjective).where(SmartObjective.plan_id == new.id))).all()
        assert drafts and not any(d.agreed for d in drafts)

    # In May 2025 the new plan is the one in use: INF-2 shows its 2024/25 history.
    clock.set(datetime(2025, 5, 6, 9, 30, tzinfo=UTC))
    router = build_router()
    shown = text_of((await router.on_command(deps, stranger(), "/commitments", "INF-2")).message)
    assert "Carried from Race equality action plan 2024/25" in shown
    assert "Met two organisations; a third declined" in shown
    assert "At risk when it rolled over" in shown
    # The old plan stays browsable by its year.
    old = text_of((await router.on_command(deps, stranger(), "/commitments", "2024/25 INF-2")).message)
    assert "Met two organisations; a third declined" in old
    assert "Carried from" not in old


async def test_carrying_a_key_one_plan_lacks_is_refused_and_changes_nothing(
    deps: Deps, engine: AsyncEngine, tmp_path: Path
) -> None:
    await seed(deps)
    before = await dump(engine)
    with pytest.raises(InvalidFile) as refused:
        async with deps.sessions() as session, session.begin():
            await rollover(
                session,
                source_key=OLD,
                spec=load_plan_file(next_years_plan(tmp_path)),
                carry={"INF-2", "XYZ-9"},
                now=datetime(2025, 2, 10, tzinfo=UTC),
            )
    assert "cannot carry XYZ-9: it must be in both plans" in str(refused.value.problems[0])
    assert await dump(engine) == before
