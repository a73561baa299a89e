"""Importing people and SMART objectives: keyed by email, validated whole, all-or-nothing, idempotent."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from sqlalchemy.orm import selectinload

from storage.clock import FixedClock
from storage.models import Person
from storage.objectives import coverage, import_objectives, load_objectives_file
from storage.people_file import load_people_file
from storage.people_import import PeopleReport, import_people, known_roles
from storage.plan_file import load_plan_file
from storage.plan_import import import_plan, unknown_owners
from storage.plan_queries import current_plan
from storage.yaml_nodes import InvalidFile
from tests.support.dbdump import dump

HEADER = "name,email,team,roles,timezone,on_probation,slack_user_id,teams_user_id\n"


async def _people(sessions: async_sessionmaker[AsyncSession], path: Path, clock: FixedClock) -> PeopleReport:
    async with sessions() as session, session.begin():
        people = load_people_file(
            path, known_roles=await known_roles(session), default_timezone="Europe/London"
        )
        return await import_people(session, people, now=clock.now())


async def test_demo_people_import_once(
    engine: AsyncEngine, sessions: async_sessionmaker[AsyncSession], people_file: Path, clock: FixedClock
) -> None:
    first = await _people(sessions, people_file, clock)
    assert len(first.created) == 16
    before = await dump(engine)
    second = await _people(sessions, people_file, clock)
    assert not second.changed
    assert await dump(engine) == before
    async with sessions() as session:
        sam = await session.scalar(
            select(Person).where(Person.email == "sam.sample@example.org").options(selectinload(Person.roles))
        )
    assert sam is not None and sam.role_names == ["smt", "staff"] and sam.leads == "Policy"


async def test_emails_match_case_insensitively_and_leavers_are_deactivated(
    sessions: async_sessionmaker[AsyncSession], clock: FixedClock, tmp_path: Path
) -> None:
    path = tmp_path / "people.csv"
    path.write_text(
        HEADER + "Ada Example,Ada@Example.org,Policy,policy;staff,,false,U1,\n"
        "Bo Sample,bo@example.org,HR,staff,,no,,\n",
        encoding="utf-8",
    )
    await _people(sessions, path, clock)
    path.write_text(HEADER + "Ada Example,ADA@example.ORG,Policy,smt;staff,,false,U1,\n", encoding="utf-8")
    report = await _people(sessions, path, clock)
    assert report.updated == ["ada@example.org"]
    assert report.deactivated == ["bo@example.org"]
    async with sessions() as session:
        people = {p.email: p for p in (await session.scalars(select(Person))).all()}
    assert set(people) == {"ada@example.org", "bo@example.org"}
    assert people["ada@example.org"].active and not people["bo@example.org"].active


@pytest.mark.parametrize(
    ("row", "column", "message"),
    [
        ("Ada,not-an-email,Policy,staff,,false,,", "email", "'not-an-email' is not an email address"),
        ("Ada,ada@example.org,Policy,staff;wizard,,false,,", "roles", "unknown role 'wizard'"),
        ("Ada,ada@example.org,Policy,staff,Mars/Base,false,,", "timezone", "unknown time zone 'Mars/Base'"),
        ("Ada,ada@example.org,Policy,staff,,perhaps,,", "on_probation", "'perhaps' is not true or false"),
    ],
)
async def test_a_bad_row_names_its_line_and_writes_nothing(
    row: str,
    column: str,
    message: str,
    engine: AsyncEngine,
    sessions: async_sessionmaker[AsyncSession],
    people_file: Path,
    clock: FixedClock,
    tmp_path: Path,
) -> None:
    await _people(sessions, people_file, clock)
    before = await dump(engine)
    path = tmp_path / "bad.csv"
    path.write_text(
        HEADER + "Good Person,good@example.org,HR,staff,,false,,\n" + row + "\n", encoding="utf-8"
    )
    with pytest.raises(InvalidFile) as raised:
        await _people(sessions, path, clock)
    assert [str(p) for p in raised.value.problems] == [f"{path}:3: {column}: {message}" + _suffix(column)]
    assert await dump(engine) == before


def _suffix(column: str) -> str:
    if column == "roles":
        return " (known: admin, policy, reci, smt, staff, trustee)"
    if column == "timezone":
        return " (use a name like Europe/London)"
    return ""


async def test_owners_missing_from_people_are_reported(
    sessions: async_sessionmaker[AsyncSession],
    plan_file: Path,
    people_file: Path,
    clock: FixedClock,
    tmp_path: Path,
) -> None:
    async with sessions() as session, session.begin():
        report = await import_plan(session, load_plan_file(plan_file), now=clock.now())
    assert "sam.sample@example.org" in report.unknown_owners
    # Everyone but Sam Sample: Sam's actions are reported, nobody else's.
    lines = people_file.read_text(encoding="utf-8").splitlines()
    path = tmp_path / "people.csv"
    kept = [line for line in lines if line.split(",")[1] != "sam.sample@example.org"]
    path.write_text("\n".join(kept) + "\n", encoding="utf-8")
    await _people(sessions, path, clock)
    async with sessions() as session:
        plan = await current_plan(session)
        assert plan is not None
        missing = await unknown_owners(session, plan.id)
    assert missing == {"sam.sample@example.org": ["INF-1", "INF-2", "INF-3"]}


async def test_smart_coverage_excludes_probation(
    sessions: async_sessionmaker[AsyncSession], plan_file: Path, people_file: Path, clock: FixedClock
) -> None:
    async with sessions() as session, session.begin():
        await import_plan(session, load_plan_file(plan_file), now=clock.now())
    await _people(sessions, people_file, clock)
    objectives_file = people_file.with_name("demo-objectives.csv")
    async with sessions() as session, session.begin():
        plan = await current_plan(session)
        assert plan is not None
        await import_objectives(
            session,
            load_objectives_file(objectives_file),
            plan=plan,
            filename=str(objectives_file),
            now=clock.now(),
        )
    async with sessions() as session:
        rows = {r.group: r for r in await coverage(session, plan_id=plan.id, by="role")}
    # Four in the policy team, one on probation (Taylor Template): three eligible, Jamie Dummy has none.
    assert (rows["policy"].agreed, rows["policy"].eligible) == (2, 3)
    assert rows["policy"].missing == ("Jamie Dummy",)
    # Robin Placeholder's objective is drafted but not agreed yet.
    assert (rows["smt"].agreed, rows["smt"].eligible) == (2, 3)
    assert "Robin Placeholder" in rows["smt"].missing


async def test_objectives_for_unknown_people_or_actions_write_nothing(
    engine: AsyncEngine,
    sessions: async_sessionmaker[AsyncSession],
    plan_file: Path,
    people_file: Path,
    clock: FixedClock,
    tmp_path: Path,
) -> None:
    async with sessions() as session, session.begin():
        await import_plan(session, load_plan_file(plan_file), now=clock.now())
    await _people(sessions, people_file, clock)
    before = await dump(engine)
    path = tmp_path / "objectives.csv"
    path.write_text(
        "email,specific,measurable,achievable,relevant,time_bound,action_key,agreed,outcome\n"
        "sam.sample@example.org,s,m,a,r,by March 2025,INF-1,true,\n"
        "nobody@example.org,s,m,a,r,by March 2025,,true,\n"
        "alex.example@example.org,s,m,a,r,by March 2025,XYZ-9,true,\n",
        encoding="utf-8",
    )
    specs = load_objectives_file(path)
    with pytest.raises(InvalidFile) as raised:
        async with sessions() as session, session.begin():
            plan = await current_plan(session)
            assert plan is not None
            await import_objectives(session, specs, plan=plan, filename=str(path), now=clock.now())
    assert [str(p) for p in raised.value.problems] == [
        f"{path}:3: email: nobody@example.org is not in the people list",
        f"{path}:4: action_key: no action 'XYZ-9' in plan race-equality-2024-25",
    ]
    assert await dump(engine) == before
