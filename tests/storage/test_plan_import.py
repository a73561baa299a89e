"""Importing the plan file: complete, idempotent, in place, archiving, and all-or-nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from storage.clock import FixedClock
from storage.models import Action, AuditEntry, Evidence, Measure, Objective, Outcome
from storage.plan_file import load_plan_file, parse_plan
from storage.plan_import import ImportReport, import_plan
from storage.yaml_nodes import InvalidFile
from tests.support.dbdump import dump


async def _import(sessions: async_sessionmaker[AsyncSession], path: Path, clock: FixedClock) -> ImportReport:
    spec = load_plan_file(path)
    async with sessions() as session, session.begin():
        return await import_plan(session, spec, now=clock.now())


async def _count(sessions: async_sessionmaker[AsyncSession], model: type[object]) -> int:
    async with sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def test_the_real_plan_imports_whole(
    sessions: async_sessionmaker[AsyncSession], plan_file: Path, clock: FixedClock
) -> None:
    report = await _import(sessions, plan_file, clock)
    assert report.changed
    async with sessions() as session:
        objectives = (await session.scalars(select(Objective).order_by(Objective.position))).all()
        assert [(o.key, o.name) for o in objectives] == [
            ("INF", "Influence"),
            ("VOI", "Voice"),
            ("SUP", "Support"),
            ("ORG", "Excellent organisation"),
        ]
        keys = (await session.scalars(select(Action.key))).all()
    spec = load_plan_file(plan_file)
    assert len(keys) == len(spec.actions) == 21
    assert await _count(sessions, Outcome) == sum(len(a.outcomes) for a in spec.actions) > 25
    assert await _count(sessions, Measure) == sum(len(a.measures) for a in spec.actions) > 25
    async with sessions() as session:
        stretch = (await session.scalars(select(Action.key).where(Action.stretch))).all()
        keys = (await session.scalars(select(Measure.key).order_by(Measure.key))).all()
        targets = {
            m.key: (m.direction, m.target_value, m.per)
            for m in (await session.scalars(select(Measure).where(Measure.target_value.is_not(None)))).all()
        }
    assert stretch == ["VOI-5"]
    # Every measure has its key from the file, and numeric targets are read from the plan's own words.
    assert len(set(keys)) == len(keys) and "SUP-1.4" in keys
    assert targets["INF-2.1"] == ("at_least", 2.0, "quarterly")
    assert targets["ORG-5.1"] == ("at_least", 100.0, None)


async def test_importing_twice_changes_nothing(
    engine: AsyncEngine, sessions: async_sessionmaker[AsyncSession], plan_file: Path, clock: FixedClock
) -> None:
    await _import(sessions, plan_file, clock)
    before = await dump(engine)
    clock.set(clock.now().replace(day=20))
    again = await _import(sessions, plan_file, clock)
    assert not again.changed
    assert again.created == again.updated == again.archived == []
    assert await dump(engine) == before


async def test_an_edited_file_updates_in_place_and_archives_what_left(
    sessions: async_sessionmaker[AsyncSession], plan_file: Path, clock: FixedClock, tmp_path: Path
) -> None:
    await _import(sessions, plan_file, clock)
    async with sessions() as session, session.begin():
        org10 = await session.scalar(select(Action).where(Action.key == "ORG-10"))
        inf1 = await session.scalar(select(Action).where(Action.key == "INF-1"))
        assert org10 is not None and inf1 is not None
        inf1_id = inf1.id
        session.add(
            Evidence(
                action_id=org10.id,
                author_name="Lee Lorem",
                narrative="Forms updated",
                channel="cli",
                links=[],
                created_at=clock.now(),
            )
        )
    text = plan_file.read_text(encoding="utf-8")
    edited = text.replace("team: Policy", "team: Policy and strategy", 1)
    start = edited.index("      - key: ORG-10")
    end = edited.index("      - key: ORG-11")
    edited = edited[:start] + edited[end:]
    path = tmp_path / "edited.yaml"
    path.write_text(edited, encoding="utf-8")

    report = await _import(sessions, path, clock)
    # ORG-11 moves up a place, so it is updated too; nothing else is.
    assert report.updated == ["INF-1", "ORG-11"]
    assert report.archived == ["ORG-10"]
    async with sessions() as session:
        inf1 = await session.scalar(select(Action).where(Action.key == "INF-1"))
        org10 = await session.scalar(select(Action).where(Action.key == "ORG-10"))
        assert inf1 is not None and inf1.id == inf1_id and inf1.team == "Policy and strategy"
        assert org10 is not None and org10.archived_at == clock.now()
        assert await session.scalar(select(func.count()).where(Evidence.action_id == org10.id)) == 1
        events = (await session.scalars(select(AuditEntry.event).order_by(AuditEntry.id))).all()
    assert "action.update" in events and "action.archive" in events

    # Putting it back restores the same row, evidence and all.
    report = await _import(sessions, plan_file, clock)
    assert report.restored == ["ORG-10"]


BROKEN_FILES = {
    "duplicate key": (
        "plan: {key: p, name: P, starts: 2024-04-01, ends: 2025-03-31}\n"
        "objectives:\n"
        "  - key: INF\n"
        "    name: Influence\n"
        "    actions:\n"
        "      - {key: INF-1, title: One}\n"
        "      - {key: INF-1, title: Two}\n",
        7,
        "duplicate action key 'INF-1' (first on line 6)",
    ),
    "missing title": (
        "plan: {key: p, name: P, starts: 2024-04-01, ends: 2025-03-31}\n"
        "objectives:\n"
        "  - key: INF\n"
        "    name: Influence\n"
        "    actions:\n"
        "      - key: INF-1\n"
        "        team: Policy\n",
        6,
        "objectives[0].actions[0].title: is missing",
    ),
    "broken yaml": (
        "plan: {key: p, name: P, starts: 2024-04-01, ends: 2025-03-31}\n"
        "objectives:\n"
        "  - key: INF\n"
        "    name: [unclosed\n",
        5,
        "not valid YAML",
    ),
}


@pytest.mark.parametrize("case", sorted(BROKEN_FILES))
async def test_a_broken_file_names_the_line_and_writes_nothing(
    case: str,
    engine: AsyncEngine,
    sessions: async_sessionmaker[AsyncSession],
    plan_file: Path,
    clock: FixedClock,
    tmp_path: Path,
) -> None:
    await _import(sessions, plan_file, clock)
    before = await dump(engine)
    text, line, message = BROKEN_FILES[case]
    path = tmp_path / "broken.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InvalidFile) as raised:
        await _import(sessions, path, clock)
    shown = [str(p) for p in raised.value.problems]
    assert any(s.startswith(f"{path}:{line}:") and message in s for s in shown), shown
    assert await dump(engine) == before


def test_every_problem_is_reported_at_once() -> None:
    with pytest.raises(InvalidFile) as raised:
        parse_plan(
            "plan: {key: p, name: P, starts: 2024-04-01, ends: 2023-03-31}\n"
            "objectives:\n"
            "  - key: inf\n"
            "    name: Influence\n"
            "    actions:\n"
            "      - {key: INF-1, title: One, cadence: weekly, owners: [not-an-email]}\n",
            "p.yaml",
        )
    messages = "\n".join(str(p) for p in raised.value.problems)
    assert "p.yaml:1: plan.ends: must be after plan.starts" in messages
    assert "p.yaml:3: objectives[0].key: 'inf' should be short capitals" in messages
    assert "'weekly' is not one of" in messages
    assert "'not-an-email' is not an email address" in messages
