"""A synthetic plan of any size, written straight into a fresh SQLite database (fast bulk inserts)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncEngine

from storage.db import create_engine, session_factory
from storage.migrate import upgrade
from storage.models import Action, ActionOwner, Evidence, Objective, Person, Plan, PlatformIdentity, Status

CREATED = datetime(2024, 4, 2, 9, 0, tzinfo=UTC)
STATUSES = [s.value for s in Status]


async def synthetic_plan(
    path: Path, *, actions: int, owners: int, evidence_per_action: int = 2, mixed: bool = True
) -> AsyncEngine:
    """`actions` actions in 4 objectives, owned round-robin by `owners` people with Slack ids.

    `mixed` gives the actions every status (some done); otherwise all are on track, so all are due.
    """
    engine = create_engine(f"sqlite:///{path}")
    await upgrade(engine)
    sessions = session_factory(engine)
    async with sessions() as session, session.begin():
        plan = Plan(
            key="bench",
            name="Bench plan",
            starts=date(2024, 4, 1),
            ends=date(2025, 3, 31),
            created_at=CREATED,
            updated_at=CREATED,
        )
        session.add(plan)
        await session.flush()
        objective_ids = []
        for i, key in enumerate(("INF", "VOI", "SUP", "ORG")):
            objective = Objective(plan_id=plan.id, key=key, name=f"Objective {key}", position=i)
            session.add(objective)
            await session.flush()
            objective_ids.append(objective.id)
        await session.execute(
            insert(Person),
            [
                {
                    "email": f"owner{i}@example.org",
                    "name": f"Owner {i}",
                    "team": "Bench",
                    "timezone": "Europe/London",
                    "on_probation": False,
                    "leads": "",
                    "active": True,
                    "created_at": CREATED,
                    "updated_at": CREATED,
                }
                for i in range(owners)
            ],
        )
        people = {p.email: p.id for p in (await session.scalars(select(Person))).all()}
        await session.execute(
            insert(PlatformIdentity),
            [
                {"person_id": pid, "platform": "slack", "external_id": f"U{pid:06d}", "linked_at": CREATED}
                for pid in people.values()
            ],
        )
        await session.execute(
            insert(Action),
            [
                {
                    "plan_id": plan.id,
                    "objective_id": objective_ids[i % 4],
                    "key": f"A-{i}",
                    "title": f"Action {i}",
                    "team": "Bench",
                    "group_label": "",
                    "stretch": False,
                    "cadence": "monthly",
                    "status": _status(i) if mixed else Status.ON_TRACK.value,
                    "position": i,
                    "created_at": CREATED,
                    "updated_at": CREATED,
                }
                for i in range(actions)
            ],
        )
        ids = {a.key: a.id for a in (await session.execute(select(Action.key, Action.id))).all()}
        await session.execute(
            insert(ActionOwner),
            [
                {"action_id": ids[f"A-{i}"], "email": f"owner{i % owners}@example.org", "position": 0}
                for i in range(actions)
            ],
        )
        await session.execute(
            insert(Evidence),
            [
                {
                    "action_id": ids[f"A-{i}"],
                    "author_name": f"Owner {i % owners}",
                    "status": STATUSES[(i + k) % 5],
                    "narrative": f"Update {k} on action {i}",
                    "links": [],
                    "channel": "cli",
                    "created_at": datetime(2024, 9, 1, tzinfo=UTC) + timedelta(days=7 * k, minutes=i % 1000),
                }
                for i in range(actions)
                for k in range(evidence_per_action)
            ],
        )
    return engine


def _status(i: int) -> str:
    # Every status, and one action in seven at risk, so the digest has something to list.
    return STATUSES[i % len(STATUSES)] if i % 7 else Status.AT_RISK.value
