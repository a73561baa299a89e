"""A large database built fast with bulk inserts: 500 actions, 5,000 people, 200,000 evidence rows."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncEngine

from storage.models import (
    Action,
    ActionOwner,
    ActionStep,
    Evidence,
    Measure,
    Objective,
    Outcome,
    Person,
    PersonRole,
    Plan,
    PlatformIdentity,
)

OBJECTIVES = (("INF", "Influence"), ("VOI", "Voice"), ("SUP", "Support"), ("ORG", "Excellent organisation"))
STATUSES = ("not_started", "on_track", "at_risk", "off_track", "done")
T0 = datetime(2024, 4, 1, 9, 0, tzinfo=UTC)


def slack_id(n: int) -> str:
    return f"U{n:06d}"


def email(n: int) -> str:
    return f"person{n}@example.org"


async def build(engine: AsyncEngine, *, actions: int, people: int, evidence: int, seed: int = 7) -> list[str]:
    """Fill a migrated, empty database; returns the action keys. Every person is linked to Slack."""
    rnd = random.Random(seed)
    async with engine.begin() as conn:
        await conn.execute(
            insert(Plan),
            [
                {
                    "id": 1,
                    "key": "bench",
                    "name": "Bench plan",
                    "starts": date(2024, 4, 1),
                    "ends": date(2025, 3, 31),
                    "created_at": T0,
                    "updated_at": T0,
                }
            ],
        )
        await conn.execute(
            insert(Objective),
            [
                {"id": i + 1, "plan_id": 1, "key": k, "name": n, "position": i}
                for i, (k, n) in enumerate(OBJECTIVES)
            ],
        )
        await conn.execute(
            insert(Person),
            [
                {
                    "id": n,
                    "email": email(n),
                    "name": f"Person {n}",
                    "team": f"Team {n % 40}",
                    "created_at": T0,
                    "updated_at": T0,
                }
                for n in range(1, people + 1)
            ],
        )
        await conn.execute(
            insert(PersonRole),
            [{"person_id": n, "role_name": "smt" if n % 50 == 0 else "staff"} for n in range(1, people + 1)],
        )
        await conn.execute(
            insert(PlatformIdentity),
            [
                {"person_id": n, "platform": "slack", "external_id": slack_id(n), "linked_at": T0}
                for n in range(1, people + 1)
            ],
        )
        keys: list[str] = []
        action_rows: list[dict[str, Any]] = []
        for a in range(1, actions + 1):
            objective = (a - 1) % len(OBJECTIVES)
            key = f"{OBJECTIVES[objective][0]}-{(a - 1) // len(OBJECTIVES) + 1}"
            keys.append(key)
            action_rows.append(
                {
                    "id": a,
                    "plan_id": 1,
                    "objective_id": objective + 1,
                    "key": key,
                    "title": f"Action {key}: " + "make things fairer " * 6,
                    "team": f"Team {a % 40}",
                    "status": rnd.choice(STATUSES),
                    "position": a,
                    "created_at": T0,
                    "updated_at": T0,
                }
            )
        await conn.execute(insert(Action), action_rows)
        await conn.execute(
            insert(ActionOwner),
            [
                {"action_id": a, "email": email((a * 7 + o) % people + 1), "position": o}
                for a in range(1, actions + 1)
                for o in range(2)
            ],
        )
        for model in (ActionStep, Outcome):
            await conn.execute(
                insert(model),
                [
                    {"action_id": a, "position": p, "text": f"{model.__name__} {p} of action {a}"}
                    for a in range(1, actions + 1)
                    for p in range(3)
                ],
            )
        await conn.execute(
            insert(Measure),
            [
                {"action_id": a, "position": p, "text": f"Measure {p} of action {a}"}
                for a in range(1, actions + 1)
                for p in range(3)
            ],
        )
        batch: list[dict[str, Any]] = []
        for e in range(evidence):
            author = rnd.randint(1, people)
            batch.append(
                {
                    "action_id": rnd.randint(1, actions),
                    "author_id": author,
                    "author_name": f"Person {author}",
                    "status": rnd.choice(STATUSES),
                    "narrative": "Held the briefing; notes shared.",
                    "links": [],
                    "channel": "slack",
                    "source_ref": f"bench-{e}",
                    "created_at": T0 + timedelta(minutes=e * 2),
                }
            )
            if len(batch) == 20_000:
                await conn.execute(insert(Evidence), batch)
                batch = []
        if batch:
            await conn.execute(insert(Evidence), batch)
    return keys
