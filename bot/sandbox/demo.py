"""Demo data for the sandbox: the real plan and fictional people, loaded only into an empty database."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from handlers.context import Deps
from storage.models import Person, Plan
from storage.objectives import import_objectives, load_objectives_file
from storage.people_file import load_people_file
from storage.people_import import import_people, known_roles
from storage.plan_file import load_plan_file
from storage.plan_import import import_plan
from storage.plan_queries import current_plan

log = logging.getLogger(__name__)

SATURDAY = 5

REPO = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class DemoFiles:
    plan: Path = REPO / "plans" / "race-equality-2024-25.yaml"
    people: Path = REPO / "people" / "demo-people.csv"
    objectives: Path = REPO / "people" / "demo-objectives.csv"


async def load_demo(deps: Deps, files: DemoFiles | None = None) -> bool:
    """Import the demo plan, people and SMART objectives in one transaction; True if anything was loaded.

    A database that already holds a plan or anybody is left exactly as it is: the sandbox never
    mixes fictional people into an organisation's real data.
    """
    files = files or DemoFiles()
    now = deps.clock.now()
    async with deps.sessions() as session, session.begin():
        plans = await session.scalar(select(func.count()).select_from(Plan))
        people = await session.scalar(select(func.count()).select_from(Person))
        if plans or people:
            return False
        plan_spec = load_plan_file(files.plan)
        people_specs = load_people_file(
            files.people, known_roles=await known_roles(session), default_timezone=deps.timezone
        )
        await import_people(session, people_specs, now=now, actor="sandbox")
        await import_plan(session, plan_spec, now=now, actor="sandbox")
        await session.flush()
        plan = await current_plan(session, today=deps.clock.now().date())
        assert plan is not None  # imported just above
        await import_objectives(
            session,
            load_objectives_file(files.objectives),
            plan=plan,
            filename=str(files.objectives),
            now=now,
            actor="sandbox",
        )
    log.info("sandbox: demo plan and %d people loaded", len(people_specs))
    return True


def demo_start(*, today: date, plan_starts: date, plan_ends: date, zone: ZoneInfo, at: time) -> datetime:
    """Where the demo's timeline begins, at `at` (the nudge time): today if the plan is running, else the
    first weekday of its second half, when owners have had six months and updates are due."""
    if plan_starts <= today <= plan_ends:
        day = today
    else:
        day = _add_months(plan_starts, 6)
        while day.weekday() >= SATURDAY:
            day += timedelta(days=1)
    return datetime.combine(day, at, tzinfo=zone)


async def plan_period(deps: Deps) -> tuple[date, date] | None:
    async with deps.sessions() as session:
        plan = await current_plan(session, today=deps.clock.now().date())
        return (plan.starts, plan.ends) if plan else None


def _add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    return date(day.year + month // 12, month % 12 + 1, 1)
